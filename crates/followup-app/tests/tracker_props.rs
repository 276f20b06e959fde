//! Random sequences of what a user does (add, another round, log, reply, outcome,
//! edit, delete, a contact, a note, time passing) keep the tracker truthful. After
//! every step:
//!
//! - a closed application has no open step (a rejection keeps only its feedback request);
//! - every interviewer of every round, not thanked since it and with no follow-up or
//!   outcome since, has a thank-you step in the first day after the round ended (while no
//!   later round has started);
//! - never a third follow-up is planned;
//! - the agenda read through the cache equals the agenda planned from scratch;
//! - backup → restore → backup gives the same bytes.

use followup_app::agenda::{entries, Entry};
use followup_app::ctx::track_of;
use followup_app::settings::Settings;
use followup_app::track::{self, AddInput, RoundEdit, RoundInput};
use followup_app::Ctx;
use followup_core::agenda;
use followup_core::model::Status;
use followup_core::plan::{StepKind, StepStatus};
use followup_store::model::{ContactRole, NewContact, NoteKind};
use followup_store::{NewNote, NewTouchpoint, Outcome, Store, TouchpointKind};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

/// What a user does.
#[derive(Debug, Clone)]
enum Op {
    Add {
        hours_ahead: i64,
        people: usize,
    },
    Round {
        app: usize,
        days_ahead: i64,
        people: usize,
        known: bool,
        reopen: bool,
    },
    Log {
        app: usize,
        kind: usize,
        to: Option<usize>,
    },
    Reply {
        app: usize,
        decision_days: Option<i64>,
    },
    Outcome {
        app: usize,
        outcome: usize,
    },
    Edit {
        app: usize,
        hours: i64,
    },
    Delete {
        app: usize,
    },
    Contact {
        app: usize,
    },
    Note {
        app: usize,
    },
    Wait {
        hours: i64,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (-30i64..30, 0usize..3).prop_map(|(h, p)| Op::Add { hours_ahead: h, people: p }),
        2 => (0usize..4, 1i64..9, 0usize..3, any::<bool>(), any::<bool>()).prop_map(
            |(app, d, people, known, reopen)| Op::Round { app, days_ahead: d, people, known, reopen }
        ),
        4 => (0usize..4, 0usize..5, proptest::option::of(0usize..4))
            .prop_map(|(app, kind, to)| Op::Log { app, kind, to }),
        1 => (0usize..4, proptest::option::of(3i64..25))
            .prop_map(|(app, d)| Op::Reply { app, decision_days: d }),
        1 => (0usize..4, 0usize..4).prop_map(|(app, outcome)| Op::Outcome { app, outcome }),
        1 => (0usize..4, -48i64..48).prop_map(|(app, hours)| Op::Edit { app, hours }),
        1 => (0usize..4).prop_map(|app| Op::Delete { app }),
        1 => (0usize..4).prop_map(|app| Op::Contact { app }),
        1 => (0usize..4).prop_map(|app| Op::Note { app }),
        3 => (1i64..120).prop_map(|hours| Op::Wait { hours }),
    ]
}

const NAMES: [&str; 6] = [
    "Ann Lee", "Bo Chen", "Cy Diaz", "Di Evans", "Ed Fox", "Flo Gray",
];

fn local(t: Timestamp) -> String {
    t.to_zoned(jiff::tz::TimeZone::get("America/New_York").unwrap())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn ctx(db: &std::path::Path, now: Timestamp) -> Ctx {
    let settings = Settings {
        tz: Some("America/New_York".into()),
        ..Settings::default()
    };
    Ctx::new(settings, Some(db.to_path_buf()), now).unwrap()
}

/// The agenda planned from the full records, without the cache (as the agenda orders it).
fn from_scratch(ctx: &Ctx, days: u32) -> Vec<Entry> {
    let store = ctx.store().unwrap();
    let horizon = ctx.now + SignedDuration::from_hours(24 * i64::from(days));
    let mut all = Vec::new();
    for full in store.applications(true).unwrap() {
        let a = &full.application;
        if !matches!(a.status, Status::Active | Status::Rejected) {
            continue;
        }
        let Some(track) = track_of(ctx, &full).unwrap() else {
            continue;
        };
        for item in agenda::items(&track, &ctx.policy, ctx.now) {
            if item.status != StepStatus::Upcoming || item.step.earliest.timestamp() <= horizon {
                all.push(Entry::of_item(a.id, &a.company, &a.role, &item));
            }
        }
    }
    let rank = |s: StepStatus| match s {
        StepStatus::Overdue | StepStatus::Missed => 0,
        StepStatus::Due => 1,
        StepStatus::Upcoming => 2,
    };
    all.sort_by_key(|e| (rank(e.status), e.recommended.timestamp(), e.application));
    all
}

/// Applies one operation; refusals (a closed application without --reopen, a
/// thank-you before any round) are part of the game and write nothing.
fn apply(ctx: &Ctx, ids: &mut Vec<i64>, op: &Op, serial: &mut usize) {
    let pick = |k: usize| (!ids.is_empty()).then(|| ids[k % ids.len()]);
    let mut people = |n: usize| -> Vec<String> {
        (0..n)
            .map(|_| {
                *serial += 1;
                format!("{} {}", NAMES[*serial % NAMES.len()], *serial)
            })
            .collect()
    };
    match *op {
        Op::Add {
            hours_ahead,
            people: n,
        } => {
            let at = ctx.now + SignedDuration::from_hours(hours_ahead);
            let input = AddInput {
                company: format!("Company {}", ids.len() + 1),
                role: "Engineer".into(),
                round: RoundInput {
                    at: local(at),
                    tz: Some("America/New_York".into()),
                    duration: "45m".into(),
                    interviewer: people(n),
                    ..RoundInput::default()
                },
                region: Some("US-NY".into()),
                ..AddInput::default()
            };
            ids.push(track::add(ctx, &input).unwrap());
        }
        Op::Round {
            app,
            days_ahead,
            people: n,
            known,
            reopen,
        } => {
            let Some(id) = pick(app) else { return };
            let mut interviewer = people(n);
            if known {
                let full = ctx.store().unwrap().application(id).unwrap();
                interviewer.extend(full.contacts.first().map(|c| c.name.clone()));
            }
            let at = ctx.now + SignedDuration::from_hours(24 * days_ahead);
            let r = RoundInput {
                at: local(at),
                duration: "1h".into(),
                interviewer,
                ..RoundInput::default()
            };
            let closed = ctx
                .store()
                .unwrap()
                .application(id)
                .unwrap()
                .application
                .status
                != Status::Active;
            match track::add_round(ctx, id, &r, reopen) {
                Ok(added) => assert_eq!(added.reopened.is_some(), closed && reopen),
                Err(e) => assert!(closed && !reopen, "refused: {e}"),
            }
        }
        Op::Log { app, kind, to } => {
            let Some(id) = pick(app) else { return };
            let kind = [
                "thank-you",
                "follow-up",
                "final-follow-up",
                "call",
                "letter",
            ][kind];
            let full = ctx.store().unwrap().application(id).unwrap();
            let to = to.and_then(|k| {
                (!full.contacts.is_empty())
                    .then(|| full.contacts[k % full.contacts.len()].name.clone())
            });
            let started = full
                .interviews
                .iter()
                .any(|i| !i.cancelled && i.start <= ctx.now);
            match track::log(ctx, id, kind, to.as_deref(), None, None) {
                Ok(_) => {}
                // Only a thank-you before any round started is refused.
                Err(e) => assert!(
                    matches!(kind, "thank-you" | "letter") && !started,
                    "a fact was refused: {e}"
                ),
            }
        }
        Op::Reply { app, decision_days } => {
            let Some(id) = pick(app) else { return };
            let mut t = NewTouchpoint::new(TouchpointKind::Reply, ctx.now);
            if let Some(d) = decision_days {
                let date = (ctx.now + SignedDuration::from_hours(24 * d))
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .date();
                t.decision_phrase = Some(format!("by {date}"));
                t.decision_date = Some(date);
            }
            ctx.store().unwrap().add_touchpoint(id, &t).unwrap();
        }
        Op::Outcome { app, outcome } => {
            let Some(id) = pick(app) else { return };
            let mut t = NewTouchpoint::new(TouchpointKind::Outcome, ctx.now);
            t.outcome = Some(
                [
                    Outcome::Offer,
                    Outcome::Rejected,
                    Outcome::Withdrawn,
                    Outcome::NoResponse,
                ][outcome],
            );
            ctx.store().unwrap().add_touchpoint(id, &t).unwrap();
        }
        Op::Edit { app, hours } => {
            let Some(id) = pick(app) else { return };
            let full = ctx.store().unwrap().application(id).unwrap();
            let Some(latest) = full
                .interviews
                .iter()
                .filter(|i| !i.cancelled)
                .max_by_key(|i| (i.start, i.id))
            else {
                return;
            };
            let e = RoundEdit {
                at: Some(local(latest.start + SignedDuration::from_hours(hours))),
                ..RoundEdit::default()
            };
            if let Ok((iid, patch)) = track::round_patch(ctx, id, &e) {
                ctx.store().unwrap().update_interview(iid, &patch).unwrap();
            }
        }
        Op::Delete { app } => {
            let Some(id) = pick(app) else { return };
            ctx.store().unwrap().delete_application(id).unwrap();
            ids.retain(|&x| x != id);
        }
        Op::Contact { app } => {
            let Some(id) = pick(app) else { return };
            *serial += 1;
            let c = NewContact::new(format!("Recruiter {serial}"), ContactRole::Recruiter);
            ctx.store().unwrap().add_contact(id, &c).unwrap();
        }
        Op::Note { app } => {
            let Some(id) = pick(app) else { return };
            let n = NewNote::new(NoteKind::Topic, "event sourcing");
            ctx.store().unwrap().add_note(id, None, &n).unwrap();
        }
        Op::Wait { .. } => {}
    }
}

fn check(ctx: &Ctx) {
    let store = ctx.store().unwrap();
    let now = ctx.now;
    let agenda = entries(ctx, 30, true).unwrap();
    // The cache tells the same as planning from scratch.
    assert_eq!(
        agenda,
        from_scratch(ctx, 30),
        "cached agenda = planned agenda"
    );
    for full in store.applications(true).unwrap() {
        let a = &full.application;
        let mine: Vec<&Entry> = agenda.iter().filter(|e| e.application == a.id).collect();
        // No open step for a closed application.
        match a.status {
            Status::Active => {}
            Status::Rejected => assert!(
                mine.iter().all(|e| e.kind == StepKind::FeedbackRequest),
                "rejected #{}: {mine:?}",
                a.id
            ),
            _ => assert!(mine.is_empty(), "closed #{}: {mine:?}", a.id),
        }
        if a.status != Status::Active {
            continue;
        }
        let rounds: Vec<_> = full.interviews.iter().filter(|i| !i.cancelled).collect();
        let latest_start = rounds.iter().map(|i| i.start).max();
        // Never a third follow-up planned.
        if let Some(start) = latest_start {
            let sent = full
                .touchpoints
                .iter()
                .filter(|t| {
                    t.at >= start
                        && matches!(
                            t.kind,
                            TouchpointKind::FollowUp
                                | TouchpointKind::FinalFollowUp
                                | TouchpointKind::Call
                                | TouchpointKind::Voicemail
                        )
                })
                .count();
            if sent >= 2 {
                assert!(
                    !mine
                        .iter()
                        .any(|e| matches!(e.kind, StepKind::FollowUp | StepKind::FinalFollowUp)),
                    "a third follow-up planned for #{}: {mine:?}",
                    a.id
                );
            }
        }
        // Every interviewer not thanked has a thank-you in the day after the round.
        let replied = full
            .touchpoints
            .iter()
            .any(|t| t.kind == TouchpointKind::Reply);
        for r in &rounds {
            let end = r.start + SignedDuration::from_mins(r.duration_minutes);
            let later_started = rounds.iter().any(|o| o.start > r.start && o.start <= now);
            if now < end || now > end + SignedDuration::from_hours(24) || later_started || replied {
                continue;
            }
            let since = |k: &'static [TouchpointKind]| {
                full.touchpoints
                    .iter()
                    .filter(move |t| t.at >= r.start && k.contains(&t.kind))
            };
            if since(&[
                TouchpointKind::FollowUp,
                TouchpointKind::FinalFollowUp,
                TouchpointKind::Call,
                TouchpointKind::Voicemail,
                TouchpointKind::Outcome,
            ])
            .next()
            .is_some()
            {
                continue;
            }
            let thanked = |c: i64| {
                since(&[TouchpointKind::ThankYou, TouchpointKind::Letter])
                    .any(|t| t.contact_id.is_none() || t.contact_id == Some(c))
            };
            for c in &r.interviewer_ids {
                if thanked(*c) {
                    continue;
                }
                let name = &full.contact(*c).unwrap().name;
                assert!(
                    mine.iter()
                        .any(|e| e.kind == StepKind::ThankYou && e.to.as_deref() == Some(name)),
                    "#{}: no thank-you to {name} for the round of {} at {now}: {mine:#?}",
                    a.id,
                    r.start
                );
            }
        }
    }
    // Backup -> restore -> backup: the same bytes.
    let first = serde_json::to_string(&store.export().unwrap()).unwrap();
    let mut copy = Store::open_in_memory().unwrap();
    copy.restore(&store.export().unwrap()).unwrap();
    let second = serde_json::to_string(&copy.export().unwrap()).unwrap();
    assert_eq!(first, second, "backup -> restore -> backup");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_tracker_stays_truthful(ops in proptest::collection::vec(op(), 1..14)) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("t.sqlite");
        let mut now: Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
        let mut ids = Vec::new();
        let mut serial = 0;
        for op in &ops {
            if let Op::Wait { hours } = op {
                now += SignedDuration::from_hours(*hours);
            }
            let c = ctx(&db, now);
            apply(&c, &mut ids, op, &mut serial);
            check(&c);
        }
    }
}
