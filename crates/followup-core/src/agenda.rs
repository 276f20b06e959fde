//! What to do next for one application, from its facts and its history (T1–T9).
//!
//! The tracker stores facts (the interviews, who sat in them, every message sent or
//! received, the outcome); [`items`] derives the open items from them each time:
//!
//! - `thank_you`: one per interviewer of every round who has not been thanked since
//!   that round started (a thank-you logged without a recipient counts for everyone).
//!   A round without named interviewers thanks the application's other contacts, or,
//!   with none, "your interviewers" (`to` is `None`). Dropped once the follow-up window
//!   opens or the next round starts, and once a follow-up has gone out (T1).
//! - `follow_up`, then `final_follow_up`: the next follow-up only, counted from what
//!   was actually sent (T5); never a third.
//! - `move_on`: the final follow-up went unanswered; close as no response (T6).
//! - `feedback_request`: after a rejection (T9, M6).
//!
//! A reply cancels pending follow-ups; a reply with a new decision date re-plans from
//! it (T9). An outcome ends the plan, whenever it was logged, until the application
//! is reopened ([`Event::Reopened`]). Items are `upcoming` before their window
//! opens, `due` inside it and `overdue` after it closes.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use crate::model::Status;
use crate::plan::{self, Interview, Plan, Recipient, Sent, Step, StepKind, StepStatus};
use crate::policy::Policy;

/// An interviewer to thank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The contact id in the tracker.
    pub id: i64,
    /// Their name.
    pub name: String,
}

/// Something that happened, as far as planning cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A thank-you (email or letter) to one interviewer, or to all when `to` is `None`.
    ThankYou {
        /// When.
        at: Timestamp,
        /// The contact id.
        to: Option<i64>,
    },
    /// A follow-up: an email, a call or a voicemail. `last` for the final one.
    FollowUp {
        /// When.
        at: Timestamp,
        /// Logged as the final follow-up.
        last: bool,
    },
    /// The employer replied, perhaps with a new decision date.
    Reply {
        /// When.
        at: Timestamp,
        /// The new decision date and how it was read.
        decision: Option<(Date, String)>,
    },
    /// The feedback request after a rejection was sent.
    FeedbackRequest {
        /// When.
        at: Timestamp,
    },
    /// The application ended.
    Outcome {
        /// When.
        at: Timestamp,
        /// Offer, rejected, withdrawn or no response.
        status: Status,
    },
    /// A closed application was opened again (a new round after an outcome).
    Reopened {
        /// When.
        at: Timestamp,
    },
}

impl Event {
    fn at(&self) -> Timestamp {
        match self {
            Event::ThankYou { at, .. }
            | Event::FollowUp { at, .. }
            | Event::Reply { at, .. }
            | Event::FeedbackRequest { at }
            | Event::Outcome { at, .. }
            | Event::Reopened { at } => *at,
        }
    }
}

/// One application's facts, ready to plan.
#[derive(Debug, Clone)]
pub struct Track {
    /// The latest round (its `rounds_so_far` set by the caller).
    pub interview: Interview,
    /// Who receives the messages.
    pub recipient: Recipient,
    /// Who sat in the latest round.
    pub interviewers: Vec<Person>,
    /// The rounds before the latest that are not cancelled, by start: each keeps its
    /// own thank-yous until they are sent or too late (T1).
    pub earlier: Vec<Round>,
    /// The application's contacts who sat in no round (recruiters, hiring managers):
    /// a round without named interviewers thanks them.
    pub contacts: Vec<Person>,
    /// Everything logged, in any order.
    pub events: Vec<Event>,
    /// The steps the user chose to skip ([`Skip`]): planning leaves them out.
    pub skipped: Vec<Skip>,
}

/// A step the user chose not to take ("skip" on Today, `followup skip`). It is a fact
/// of its own, not a touchpoint: nothing was sent, and the rest of the plan stays as it
/// was (a skipped first follow-up plans no final one).
///
/// A skip names the step by its kind, its recipient (`None`: every recipient of that
/// kind) and the round it belongs to. A thank-you skip holds for that round's
/// thank-you only; any other skip holds while the round it was made in is the latest
/// and nothing re-planned the application after it (a reply, an outcome, a
/// reopening logged after the skip): the follow-up planned from a new timeline is a
/// new step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skip {
    /// The step's kind.
    pub kind: StepKind,
    /// To whom, when the step is addressed to one person.
    pub to: Option<i64>,
    /// The round: `None` for the latest, else an earlier round's [`Round::id`].
    pub round: Option<i64>,
    /// When it was skipped.
    pub at: Timestamp,
}

impl Skip {
    /// Whether this skip covers `p` in `track`.
    pub fn covers(&self, p: &Pending, track: &Track) -> bool {
        if self.kind != p.kind || self.round != p.round {
            return false;
        }
        if self.to.is_some() && self.to != p.to.as_ref().map(|t| t.id) {
            return false;
        }
        // A thank-you belongs to its round; other steps are planned again by what
        // the employer says and by an outcome or a reopening.
        p.kind == StepKind::ThankYou || !track.replanned_after(self.at)
    }
}

impl Track {
    /// Whether a reply, an outcome or a reopening was logged after `at`.
    fn replanned_after(&self, at: Timestamp) -> bool {
        self.events.iter().any(|e| {
            matches!(
                e,
                Event::Reply { .. } | Event::Outcome { .. } | Event::Reopened { .. }
            ) && e.at() > at
        })
    }

    /// Whether the latest round's step of `kind` is skipped for everyone (what a
    /// plan's table marks "skipped").
    pub fn skips_kind(&self, kind: StepKind) -> bool {
        self.skipped.iter().any(|s| {
            s.kind == kind
                && s.to.is_none()
                && s.round.is_none()
                && (kind == StepKind::ThankYou || !self.replanned_after(s.at))
        })
    }
}

/// A round before the latest one.
#[derive(Debug, Clone)]
pub struct Round {
    /// The interview's id in the tracker: it names the round's thank-yous
    /// ([`Item::round`]).
    pub id: i64,
    /// Its facts.
    pub interview: Interview,
    /// Who sat in it.
    pub interviewers: Vec<Person>,
}

/// One thing to do.
#[derive(Debug, Clone)]
pub struct Item {
    /// What to do.
    pub kind: StepKind,
    /// To whom, when it is one person.
    pub to: Option<Person>,
    /// For a thank-you of a round before the latest, that round's id ([`Round::id`]).
    pub round: Option<i64>,
    /// The dates, rules and reasons.
    pub step: Step,
    /// Upcoming, due or overdue.
    pub status: StepStatus,
    /// How long past the window, when overdue.
    pub late_by: Option<SignedDuration>,
}

/// The state of an application after its history.
#[derive(Debug, Clone)]
pub struct Derived {
    /// The plan in force (after any re-plan from a reply), if the application is open.
    pub plan: Option<Plan>,
    /// The open items.
    pub items: Vec<Item>,
    /// Follow-ups sent since the latest round (T5: at most two).
    pub follow_ups_sent: usize,
    /// A reply that cancelled pending follow-ups (T9), if any.
    pub replied: Option<Timestamp>,
}

/// A step the application waits for, before the moment of reading is known: whether
/// it is upcoming, due, overdue or missed depends on `now` alone ([`Pending::at`]).
#[derive(Debug, Clone)]
pub struct Pending {
    /// What to do.
    pub kind: StepKind,
    /// To whom, when it is one person.
    pub to: Option<Person>,
    /// For a thank-you of a round before the latest, that round's id ([`Round::id`]).
    pub round: Option<i64>,
    /// The dates, rules and reasons (its `kind` is `kind`).
    pub step: Step,
}

impl Pending {
    fn new(kind: StepKind, to: Option<Person>, step: Step) -> Pending {
        let mut step = step;
        step.kind = kind;
        Pending {
            kind,
            to,
            round: None,
            step,
        }
    }

    fn of_round(mut self, round: Option<i64>) -> Pending {
        self.round = round;
        self
    }

    /// The item at `now`; `None` once the step is missed (it no longer helps).
    pub fn at(self, now: Timestamp) -> Option<Item> {
        let status = match self.step.status(now) {
            StepStatus::Missed => return None,
            s => s,
        };
        let late_by = (status == StepStatus::Overdue)
            .then(|| now.duration_since(self.step.latest.timestamp()));
        Some(Item {
            kind: self.kind,
            to: self.to,
            round: self.round,
            step: self.step,
            status,
            late_by,
        })
    }
}

/// The state of an application after its history, before the moment of reading: the
/// same as [`Derived`] with the steps still [`Pending`].
#[derive(Debug, Clone)]
pub struct Planned {
    /// The plan in force (after any re-plan from a reply), if the application is open.
    pub plan: Option<Plan>,
    /// Every step still waited for, in order: the thank-yous, then the next follow-up
    /// or the feedback request.
    pub pending: Vec<Pending>,
    /// Follow-ups sent since the latest round (T5: at most two).
    pub follow_ups_sent: usize,
    /// A reply that cancelled pending follow-ups (T9), if any.
    pub replied: Option<Timestamp>,
}

/// Derives the plan in force and the open items of one application at `now`.
pub fn derive(track: &Track, policy: &Policy, now: Timestamp) -> Derived {
    let planned = plan_track(track, policy);
    Derived {
        plan: planned.plan,
        items: planned
            .pending
            .into_iter()
            .filter_map(|p| p.at(now))
            .collect(),
        follow_ups_sent: planned.follow_ups_sent,
        replied: planned.replied,
    }
}

/// Derives the plan in force and every step still waited for, whatever the moment:
/// [`derive`] is this, read at `now`. Skipped steps ([`Track::skipped`]) are left out.
pub fn plan_track(track: &Track, policy: &Policy) -> Planned {
    let mut planned = plan_all(track, policy);
    if !track.skipped.is_empty() {
        planned
            .pending
            .retain(|p| !track.skipped.iter().any(|s| s.covers(p, track)));
    }
    planned
}

/// [`plan_track`] with the skipped steps kept.
fn plan_all(track: &Track, policy: &Policy) -> Planned {
    let mut all: Vec<&Event> = track.events.iter().collect();
    all.sort_by_key(|e| e.at());
    let start = track.interview.start.timestamp();
    let events: Vec<&Event> = all.iter().copied().filter(|e| e.at() >= start).collect();
    let mut derived = Planned {
        plan: None,
        pending: Vec::new(),
        follow_ups_sent: 0,
        replied: None,
    };

    // An outcome ends the plan, whenever it was logged, until the application is
    // reopened; a rejection asks for feedback (T9).
    let closed = all.iter().rev().find_map(|e| match e {
        Event::Outcome { at, status } => Some(Some((*at, *status))),
        Event::Reopened { .. } => Some(None),
        _ => None,
    });
    if let Some(Some((at, status))) = closed {
        let asked = all
            .iter()
            .any(|e| matches!(e, Event::FeedbackRequest { at: t } if *t >= at));
        if status == Status::Rejected && !asked {
            let step = plan::feedback_request(at, &track.recipient, policy);
            derived
                .pending
                .push(Pending::new(StepKind::FeedbackRequest, None, step));
        }
        return derived;
    }

    let tz = &track.recipient.tz;
    let day = |t: Timestamp| t.to_zoned(tz.clone()).date();
    let follow_ups: Vec<(Timestamp, bool)> = events
        .iter()
        .filter_map(|e| match e {
            Event::FollowUp { at, last } => Some((*at, *last)),
            _ => None,
        })
        .collect();
    let sent = if follow_ups.iter().any(|f| f.1) {
        2
    } else {
        follow_ups.len().min(2)
    };
    derived.follow_ups_sent = follow_ups.len();
    let reply = events.iter().rev().find_map(|e| match e {
        Event::Reply { at, decision } => Some((*at, decision.clone())),
        _ => None,
    });

    let mut interview = track.interview.clone();
    let mut anchors = Sent::default();
    if let Some((at, decision)) = &reply {
        derived.replied = Some(*at);
        // A new timeline: re-plan from it (T9, T2).
        if let Some((date, meaning)) = decision {
            interview.decision_by = Some(*date);
            interview.decision_meaning = Some(format!("from their reply: {meaning}"));
        }
    }
    if let Some(first) = follow_ups.first() {
        anchors.follow_up = Some(day(first.0));
    }
    if sent >= 2 {
        anchors.final_follow_up = follow_ups.last().map(|f| day(f.0));
    }
    let p = plan::plan_with(&interview, &track.recipient, policy, &anchors);

    // Thank-yous (T1): every round keeps its own, one per interviewer not thanked
    // since it started, until a follow-up goes out or the step is too late (the next
    // round started, or the follow-up window opened).
    let earlier = track.earlier.iter().enumerate().map(|(i, r)| {
        let next = track
            .earlier
            .get(i + 1)
            .map_or(start, |n| n.interview.start.timestamp());
        (&r.interview, r.interviewers.as_slice(), Some((r.id, next)))
    });
    let latest = (&track.interview, track.interviewers.as_slice(), None);
    for (round, interviewers, earlier) in earlier.chain(std::iter::once(latest)) {
        let (round_id, next_start) = (earlier.map(|e| e.0), earlier.map(|e| e.1));
        let since = round.start.timestamp();
        let after = |e: &&&Event| e.at() >= since;
        // A follow-up sent, or an outcome (the application was closed and reopened
        // since), ends the round's thank-yous.
        let followed_up = all
            .iter()
            .filter(after)
            .any(|e| matches!(e, Event::FollowUp { .. } | Event::Outcome { .. }));
        let thanked_all = all
            .iter()
            .filter(after)
            .any(|e| matches!(e, Event::ThankYou { to: None, .. }));
        if followed_up || thanked_all {
            continue;
        }
        let mut ty = match next_start {
            None => p.steps[0].clone(),
            Some(_) => plan::plan(round, &track.recipient, policy).steps[0].clone(),
        };
        if let Some(next) = next_start {
            ty.missed_after = Some(ty.missed_after.map_or(next, |m| m.min(next)));
        }
        let people = if interviewers.is_empty() {
            track.contacts.as_slice()
        } else {
            interviewers
        };
        if people.is_empty() {
            derived
                .pending
                .push(Pending::new(StepKind::ThankYou, None, ty).of_round(round_id));
            continue;
        }
        for person in people {
            let thanked = all
                .iter()
                .filter(after)
                .any(|e| matches!(e, Event::ThankYou { to: Some(id), .. } if *id == person.id));
            if !thanked {
                derived.pending.push(
                    Pending::new(StepKind::ThankYou, Some(person.clone()), ty.clone())
                        .of_round(round_id),
                );
            }
        }
    }

    // Follow-ups (T2–T6, T9): only the next one, never a third.
    let next = match (&reply, sent) {
        // A reply without a new timeline cancels pending follow-ups.
        (Some((_, None)), _) => None,
        // With a new timeline, the next follow-up counts from it.
        (Some((at, Some(_))), n) if n < 2 => {
            let fresh = follow_ups.iter().filter(|f| f.0 > *at).count();
            match n {
                0 => Some((StepKind::FollowUp, p.steps[1].clone())),
                _ if fresh == 0 => Some((StepKind::FinalFollowUp, p.steps[1].clone())),
                _ => None,
            }
        }
        (Some(_), _) => None,
        (None, 0) => Some((StepKind::FollowUp, p.steps[1].clone())),
        (None, 1) => Some((StepKind::FinalFollowUp, p.steps[2].clone())),
        (None, _) => Some((StepKind::MoveOn, p.steps[3].clone())),
    };
    if let Some((kind, mut step)) = next {
        // The next follow-up stays on the agenda until it is sent: late, not missed.
        step.missed_after = None;
        derived.pending.push(Pending::new(kind, None, step));
    }
    derived.plan = Some(p);
    derived
}

/// The open items of one application at `now` (see [`derive`]).
pub fn items(track: &Track, policy: &Policy, now: Timestamp) -> Vec<Item> {
    derive(track, policy, now).items
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    fn track() -> Track {
        let tz = TimeZone::get("America/New_York").unwrap();
        let start = date(2026, 12, 1)
            .at(10, 0, 0, 0)
            .to_zoned(tz.clone())
            .unwrap();
        let mut recipient = Recipient::new(tz);
        recipient.region = Some("US".parse().unwrap());
        Track {
            interview: Interview::new(start),
            recipient,
            interviewers: vec![
                Person {
                    id: 1,
                    name: "Jane Doe".into(),
                },
                Person {
                    id: 2,
                    name: "Raj Patel".into(),
                },
            ],
            earlier: Vec::new(),
            contacts: Vec::new(),
            events: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn kinds(items: &[Item]) -> Vec<(&'static str, Option<&str>)> {
        items
            .iter()
            .map(|i| (i.kind.as_str(), i.to.as_ref().map(|p| p.name.as_str())))
            .collect()
    }

    #[test]
    fn one_thank_you_per_interviewer_until_logged() {
        let mut t = track();
        let p = Policy::default();
        let now = ts("2026-12-01T17:00:00Z");
        assert_eq!(
            kinds(&items(&t, &p, now)),
            [
                ("thank_you", Some("Jane Doe")),
                ("thank_you", Some("Raj Patel")),
                ("follow_up", None)
            ]
        );
        t.events.push(Event::ThankYou {
            at: ts("2026-12-01T18:00:00Z"),
            to: Some(1),
        });
        assert_eq!(
            kinds(&items(&t, &p, now)),
            [("thank_you", Some("Raj Patel")), ("follow_up", None)]
        );
        let it = items(&t, &p, now);
        assert_eq!(it[0].status, StepStatus::Due);
        assert_eq!(it[1].status, StepStatus::Upcoming);
    }

    #[test]
    fn overdue_says_how_late_and_follow_ups_stop_at_two() {
        let mut t = track();
        t.interviewers.clear();
        t.events.push(Event::ThankYou {
            at: ts("2026-12-01T18:00:00Z"),
            to: None,
        });
        let p = Policy::default();
        let it = items(&t, &p, ts("2026-12-30T15:00:00Z"));
        assert_eq!(kinds(&it), [("follow_up", None)]);
        assert_eq!(it[0].status, StepStatus::Overdue);
        assert!(it[0].late_by.unwrap() > SignedDuration::from_hours(24));

        t.events.push(Event::FollowUp {
            at: ts("2026-12-30T15:00:00Z"),
            last: false,
        });
        let it = items(&t, &p, ts("2026-12-31T15:00:00Z"));
        assert_eq!(kinds(&it), [("final_follow_up", None)]);
        // T5 counts from the follow-up as sent: Dec 30 + 10 days = Jan 9 (Sat) -> Mon Jan 11.
        assert_eq!(it[0].step.recommended.date(), date(2027, 1, 11));

        t.events.push(Event::FollowUp {
            at: ts("2027-01-11T15:00:00Z"),
            last: true,
        });
        let it = items(&t, &p, ts("2027-01-12T15:00:00Z"));
        assert_eq!(
            kinds(&it),
            [("move_on", None)],
            "never a third follow-up (T5)"
        );
    }

    #[test]
    fn reply_cancels_and_a_new_timeline_replans() {
        let mut t = track();
        t.interviewers.clear();
        t.events.push(Event::ThankYou {
            at: ts("2026-12-01T18:00:00Z"),
            to: None,
        });
        t.events.push(Event::Reply {
            at: ts("2026-12-04T15:00:00Z"),
            decision: None,
        });
        let p = Policy::default();
        assert!(
            items(&t, &p, ts("2026-12-20T15:00:00Z")).is_empty(),
            "T9: a reply cancels"
        );
        t.events.pop();
        t.events.push(Event::Reply {
            at: ts("2026-12-04T15:00:00Z"),
            decision: Some((date(2026, 12, 18), "by December 18".into())),
        });
        let it = items(&t, &p, ts("2026-12-20T15:00:00Z"));
        assert_eq!(kinds(&it), [("follow_up", None)]);
        assert!(
            it[0].step.earliest.date() > date(2026, 12, 18),
            "T2 from the new date"
        );
    }

    #[test]
    fn outcome_ends_the_plan_and_rejection_asks_for_feedback() {
        let mut t = track();
        t.events.push(Event::Outcome {
            at: ts("2026-12-10T15:00:00Z"),
            status: Status::Offer,
        });
        assert!(items(&t, &Policy::default(), ts("2026-12-11T15:00:00Z")).is_empty());
        t.events.pop();
        t.events.push(Event::Outcome {
            at: ts("2026-12-10T15:00:00Z"),
            status: Status::Rejected,
        });
        let it = items(&t, &Policy::default(), ts("2026-12-11T15:00:00Z"));
        assert_eq!(kinds(&it), [("feedback_request", None)]);
        assert!(it[0].step.rules.contains(&"T9"));
        t.events.push(Event::FeedbackRequest {
            at: ts("2026-12-11T16:00:00Z"),
        });
        assert!(items(&t, &Policy::default(), ts("2026-12-12T15:00:00Z")).is_empty());
    }

    #[test]
    fn a_skipped_step_is_left_out_until_something_replans_it() {
        let mut t = two_rounds();
        let p = Policy::default();
        let now = ts("2026-12-01T20:00:00Z");
        // Raj's thank-you for the first round only; the second round's stays.
        t.skipped.push(Skip {
            kind: StepKind::ThankYou,
            to: Some(2),
            round: Some(1),
            at: now,
        });
        let it = items(&t, &p, now);
        assert_eq!(
            kinds(&it),
            [
                ("thank_you", Some("Jane Doe")),
                ("thank_you", Some("Raj Patel")),
                ("follow_up", None)
            ]
        );
        assert_eq!(it[1].round, None, "the second round's thank-you is kept");
        // The follow-up of the latest round; a follow-up skip made while the first
        // round was the latest does not hold for the second.
        t.skipped.push(Skip {
            kind: StepKind::FollowUp,
            to: None,
            round: Some(1),
            at: now,
        });
        assert_eq!(items(&t, &p, now).len(), 3);
        t.skipped.pop();
        t.skipped.push(Skip {
            kind: StepKind::FollowUp,
            to: None,
            round: None,
            at: now,
        });
        assert_eq!(
            kinds(&items(&t, &p, now)),
            [
                ("thank_you", Some("Jane Doe")),
                ("thank_you", Some("Raj Patel"))
            ]
        );
        // A reply with a new timeline after the skip plans a new follow-up.
        t.events.push(Event::Reply {
            at: ts("2026-12-09T15:00:00Z"),
            decision: Some((date(2026, 12, 18), "by December 18".into())),
        });
        let later = ts("2026-12-20T15:00:00Z");
        assert!(kinds(&items(&t, &p, later)).contains(&("follow_up", None)));
    }

    /// The track of `track()` with a second round on Dec 8 at 10:00 New York with Raj
    /// alone; the Dec 1 round (Jane and Raj) becomes an earlier round.
    fn two_rounds() -> Track {
        let mut t = track();
        let first = Round {
            id: 1,
            interview: t.interview.clone(),
            interviewers: t.interviewers.clone(),
        };
        let tz = t.recipient.tz.clone();
        t.interview = Interview::new(date(2026, 12, 8).at(10, 0, 0, 0).to_zoned(tz).unwrap());
        t.interview.rounds_so_far = 2;
        t.interviewers = vec![Person {
            id: 2,
            name: "Raj Patel".into(),
        }];
        t.earlier = vec![first];
        t
    }

    #[test]
    fn a_new_round_keeps_the_last_rounds_thank_yous_until_it_starts() {
        let t = two_rounds();
        let p = Policy::default();
        // The evening of the first round: both of its thank-yous are due, the second
        // round's is upcoming.
        let it = items(&t, &p, ts("2026-12-01T20:00:00Z"));
        assert_eq!(
            kinds(&it),
            [
                ("thank_you", Some("Jane Doe")),
                ("thank_you", Some("Raj Patel")),
                ("thank_you", Some("Raj Patel")),
                ("follow_up", None)
            ]
        );
        assert_eq!(it[0].status, StepStatus::Due);
        assert_eq!(it[2].status, StepStatus::Upcoming);
        // Once the second round has started, the first round's thank-yous are too late.
        let it = items(&t, &p, ts("2026-12-08T15:30:00Z"));
        assert_eq!(
            kinds(&it),
            [("thank_you", Some("Raj Patel")), ("follow_up", None)]
        );
        assert!(it[0].step.earliest.timestamp() >= ts("2026-12-08T16:00:00Z"));
    }

    #[test]
    fn a_thank_you_counts_for_the_rounds_that_had_started() {
        let mut t = two_rounds();
        let p = Policy::default();
        t.events.push(Event::ThankYou {
            at: ts("2026-12-01T20:00:00Z"),
            to: Some(1),
        });
        let it = items(&t, &p, ts("2026-12-01T21:00:00Z"));
        assert_eq!(
            kinds(&it),
            [
                ("thank_you", Some("Raj Patel")),
                ("thank_you", Some("Raj Patel")),
                ("follow_up", None)
            ]
        );
        // Raj thanked after the second round: both of his are done.
        t.events.push(Event::ThankYou {
            at: ts("2026-12-08T18:00:00Z"),
            to: Some(2),
        });
        let it = items(&t, &p, ts("2026-12-08T19:00:00Z"));
        assert_eq!(kinds(&it), [("follow_up", None)]);
    }

    #[test]
    fn an_outcome_ends_the_plan_whatever_round_follows_until_reopened() {
        let mut t = two_rounds();
        let p = Policy::default();
        t.events.push(Event::Outcome {
            at: ts("2026-12-04T15:00:00Z"),
            status: Status::Rejected,
        });
        let now = ts("2026-12-08T19:00:00Z");
        assert_eq!(kinds(&items(&t, &p, now)), [("feedback_request", None)]);
        t.events.push(Event::Reopened {
            at: ts("2026-12-05T15:00:00Z"),
        });
        assert_eq!(
            kinds(&items(&t, &p, now)),
            [("thank_you", Some("Raj Patel")), ("follow_up", None)]
        );
    }

    #[test]
    fn a_reopened_application_owes_no_thank_you_for_rounds_before_its_outcome() {
        let mut t = two_rounds();
        let p = Policy::default();
        t.events.push(Event::Outcome {
            at: ts("2026-12-01T18:00:00Z"),
            status: Status::Withdrawn,
        });
        t.events.push(Event::Reopened {
            at: ts("2026-12-01T19:00:00Z"),
        });
        let it = items(&t, &p, ts("2026-12-01T20:00:00Z"));
        assert_eq!(
            kinds(&it),
            [("thank_you", Some("Raj Patel")), ("follow_up", None)],
            "only the coming round's"
        );
        assert_eq!(it[0].status, StepStatus::Upcoming);
    }

    #[test]
    fn a_round_without_interviewers_thanks_the_contacts_or_says_so() {
        let mut t = track();
        t.interviewers.clear();
        let p = Policy::default();
        let now = ts("2026-12-01T17:00:00Z");
        assert_eq!(
            kinds(&items(&t, &p, now)),
            [("thank_you", None), ("follow_up", None)]
        );
        t.contacts = vec![Person {
            id: 7,
            name: "Kim Recruiter".into(),
        }];
        assert_eq!(
            kinds(&items(&t, &p, now)),
            [("thank_you", Some("Kim Recruiter")), ("follow_up", None)]
        );
    }
}
