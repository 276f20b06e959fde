//! From one interview to a dated, explained plan of follow-ups (rules T1–T8, T10).
//!
//! [`plan`] takes the facts of an interview ([`Interview`]), who receives the messages
//! ([`Recipient`]: their zone, holiday region and business hours) and the numbers
//! ([`Policy`]), and returns up to four [`Step`]s:
//!
//! | step | rule | window |
//! |------|------|--------|
//! | `thank_you` | T1, T8 | from the end of the interview to 24 h later, or to the recipient's next business morning when those 24 h end outside their business hours or days (a note sent over a weekend or a holiday is read then); recommended 1 h after the end when that is inside business hours, else the next business morning if it is within the 24 h, else 1 h after the end by email, outside business hours (T1 allows an email in the evening) |
//! | `follow_up` | T2, T3, T4 | with a decision date D: opens the business day after D, recommended D + 3 days; without: 3 business days / 7 days / 14 days after the interview. Phone never before 5 business days. |
//! | `final_follow_up` | T5 | 7 / 10 / 14 days after the first follow-up |
//! | `move_on` | T6 | 7 / 10 / 14 days after the final follow-up: close as no response |
//!
//! Day counts (not the T1 hours, not the T2 and T4 floors) are multiplied by the
//! combined T7 factor for company type, seniority, round, urgency, lateness in the
//! process and the number of rounds so far. Every moment after the thank-you is moved
//! to a business day of the recipient's region, inside their business hours, in their
//! time zone (T8). Each step keeps the rule ids and the reasons, with the numbers used.
//!
//! ```
//! use followup_core::plan::{plan, Interview, Recipient};
//! use followup_core::policy::Policy;
//! use jiff::{civil::date, tz::TimeZone};
//!
//! let tz = TimeZone::get("America/New_York").unwrap();
//! let start = date(2026, 12, 1).at(10, 0, 0, 0).to_zoned(tz.clone()).unwrap();
//! let interview = Interview::new(start);
//! let p = plan(&interview, &Recipient::new(tz), &Policy::default());
//! assert_eq!(p.steps.len(), 4);
//! let thank_you = &p.steps[0];
//! assert_eq!(
//!     thank_you.zoned(thank_you.recommended).to_string(),
//!     "2026-12-01T12:00:00-05:00[America/New_York]"
//! );
//! ```

use std::cell::Cell;
use std::fmt;
use std::sync::Arc;

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp, Zoned};
use serde::Serialize;

use crate::calendar::{Cal, Day, Region};
use crate::model::{Channel, CompanyType, Round, Seniority};
use crate::policy::{Hours, Policy};

/// The facts of one interview that shape the plan.
#[derive(Debug, Clone)]
pub struct Interview {
    /// When it starts, in the interview's zone.
    pub start: Zoned,
    /// How long it lasts.
    pub duration: SignedDuration,
    /// The round, if known.
    pub round: Option<Round>,
    /// The employer's stated decision date (T2), if any.
    pub decision_by: Option<Date>,
    /// How the decision date was read, e.g. `"within a week" = Dec 1 + 7 days`.
    pub decision_meaning: Option<String>,
    /// The kind of employer (T7, T10).
    pub company_type: Option<CompanyType>,
    /// The level of the role (T7, T10).
    pub seniority: Option<Seniority>,
    /// The opening is urgent (T7).
    pub urgent: bool,
    /// The interview is late in the hiring process (T7).
    pub late_in_process: bool,
    /// How many rounds the candidate has had, this one included (T7).
    pub rounds_so_far: u32,
    /// The preferred channel for follow-ups: email or phone (T4, T10).
    pub channel: Channel,
}

impl Interview {
    /// An interview of one hour with no other facts known.
    pub fn new(start: Zoned) -> Interview {
        Interview {
            start,
            duration: SignedDuration::from_hours(1),
            round: None,
            decision_by: None,
            decision_meaning: None,
            company_type: None,
            seniority: None,
            urgent: false,
            late_in_process: false,
            rounds_so_far: 1,
            channel: Channel::Email,
        }
    }

    /// When the interview ends.
    pub fn end(&self) -> Zoned {
        self.start
            .checked_add(self.duration)
            .unwrap_or_else(|_| self.start.clone())
    }
}

/// Who receives the messages: their zone, holidays and working day (T8).
#[derive(Debug, Clone)]
pub struct Recipient {
    /// The recipient's time zone.
    pub tz: TimeZone,
    /// Their public-holiday region, if known.
    pub region: Option<Region>,
    /// Their business hours, if not the policy's.
    pub hours: Option<Hours>,
}

impl Recipient {
    /// A recipient in `tz` with no holiday region and the policy's hours.
    pub fn new(tz: TimeZone) -> Recipient {
        Recipient {
            tz,
            region: None,
            hours: None,
        }
    }
}

/// What a step asks of the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// T1: thank each interviewer.
    ThankYou,
    /// T2/T3: the first status follow-up.
    FollowUp,
    /// T5: the last one.
    FinalFollowUp,
    /// T6: close as no response and keep searching.
    MoveOn,
    /// T9: after a rejection, ask for feedback.
    FeedbackRequest,
}

impl StepKind {
    /// The snake_case word used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::ThankYou => "thank_you",
            StepKind::FollowUp => "follow_up",
            StepKind::FinalFollowUp => "final_follow_up",
            StepKind::MoveOn => "move_on",
            StepKind::FeedbackRequest => "feedback_request",
        }
    }

    /// Every kind, in plan order.
    pub const ALL: [StepKind; 5] = [
        StepKind::ThankYou,
        StepKind::FollowUp,
        StepKind::FinalFollowUp,
        StepKind::MoveOn,
        StepKind::FeedbackRequest,
    ];

    /// The kind written as [`StepKind::as_str`] writes it.
    pub fn from_word(word: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|k| k.as_str() == word)
    }

    /// The kebab-case word the command line uses (`thank-you`, `final-follow-up`).
    pub fn cli_word(self) -> &'static str {
        match self {
            StepKind::ThankYou => "thank-you",
            StepKind::FollowUp => "follow-up",
            StepKind::FinalFollowUp => "final-follow-up",
            StepKind::MoveOn => "move-on",
            StepKind::FeedbackRequest => "feedback-request",
        }
    }

    /// A kind typed by a person: the command line's word or the JSON one, in any case
    /// (`follow-up`, `follow_up`, `Follow-Up`).
    pub fn parse(word: &str) -> Result<StepKind, crate::model::UnknownWord> {
        let wanted = word.trim().to_ascii_lowercase().replace('_', "-");
        StepKind::ALL
            .into_iter()
            .find(|k| k.cli_word() == wanted)
            .ok_or_else(|| crate::model::UnknownWord {
                what: "step",
                word: word.to_string(),
                expected: StepKind::ALL.map(StepKind::cli_word).join(", "),
            })
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            StepKind::ThankYou => "Thank-you",
            StepKind::FollowUp => "Follow-up",
            StepKind::FinalFollowUp => "Final follow-up",
            StepKind::MoveOn => "Move on",
            StepKind::FeedbackRequest => "Feedback request",
        }
    }
}

/// Where a step stands at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Its window has not opened.
    Upcoming,
    /// Inside its window: send now.
    Due,
    /// Past its window but still worth doing (a late thank-you is still sent, T1).
    Overdue,
    /// Past the point where it helps; the next step has taken over.
    Missed,
}

impl StepStatus {
    /// Where a step whose window is `earliest..=latest`, and that no longer helps
    /// after `missed_after`, stands at `now`.
    pub fn at(
        earliest: Timestamp,
        latest: Timestamp,
        missed_after: Option<Timestamp>,
        now: Timestamp,
    ) -> StepStatus {
        if now < earliest {
            StepStatus::Upcoming
        } else if now <= latest {
            StepStatus::Due
        } else if missed_after.is_some_and(|m| now > m) {
            StepStatus::Missed
        } else {
            StepStatus::Overdue
        }
    }

    /// The word used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Upcoming => "upcoming",
            StepStatus::Due => "due",
            StepStatus::Overdue => "overdue",
            StepStatus::Missed => "missed",
        }
    }
}

/// One day that is not a business day of the recipient (T8), and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedDay {
    /// The day.
    pub date: Date,
    /// It falls on Saturday or Sunday.
    pub weekend: bool,
    /// It is this public holiday of the region, such as "Christmas Day".
    pub holiday: Option<String>,
}

/// The days a date was moved past (T8), in order: each one a weekend day, a public
/// holiday of the region, or both.
///
/// Displayed as "Fri Dec 25 is not a business day (Christmas Day, a public holiday in
/// GB-ENG), nor are Sat Dec 26 and Sun Dec 27 (weekend), ...": a holiday is named as
/// a holiday, a weekend as a weekend, and a holiday on a weekend as both.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The days, in date order.
    pub days: Vec<ClosedDay>,
    /// The region.
    pub region: Option<Region>,
}

impl Skipped {
    /// The public holidays among the days: their dates and names.
    pub fn holidays(&self) -> impl Iterator<Item = (Date, &str)> {
        self.days
            .iter()
            .filter_map(|d| d.holiday.as_deref().map(|h| (d.date, h)))
    }

    /// Whether a weekend day is among them.
    pub fn weekend(&self) -> bool {
        self.days.iter().any(|d| d.weekend)
    }

    /// The days grouped as they are told: a run of weekend days (with any holidays on
    /// them) is one group, each weekday holiday another.
    fn groups(&self) -> Vec<&[ClosedDay]> {
        let mut groups: Vec<&[ClosedDay]> = Vec::new();
        let mut start = 0;
        for i in 1..=self.days.len() {
            let split = match (self.days.get(i - 1), self.days.get(i)) {
                (Some(a), Some(b)) => {
                    !(a.weekend && b.weekend && b.date.yesterday().ok() == Some(a.date))
                }
                _ => true,
            };
            if split {
                groups.push(&self.days[start..i]);
                start = i;
            }
        }
        groups
    }

    /// What one group is, such as "weekend; Sun Apr 5 is also Easter Sunday, a public
    /// holiday in BR", "weekend; also Christmas Day, a public holiday in US" (when the
    /// sentence is about that day, `subject`) or "Christmas Day, a public holiday in US".
    fn describe(
        &self,
        f: &mut fmt::Formatter<'_>,
        group: &[ClosedDay],
        subject: Option<Date>,
    ) -> fmt::Result {
        let region = self.region.as_ref().map_or("the region", |r| r.code());
        match group {
            [day] if !day.weekend => {
                write!(f, "{}", day.holiday.as_deref().unwrap_or("a holiday"))?;
                write!(f, ", a public holiday in {region}")
            }
            _ => {
                f.write_str("weekend")?;
                for day in group {
                    if let Some(name) = &day.holiday {
                        if group.len() == 1 || subject == Some(day.date) {
                            write!(f, "; also {name}, a public holiday in {region}")?;
                        } else {
                            write!(
                                f,
                                "; {} is also {name}, a public holiday in {region}",
                                md(day.date)
                            )?;
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// "D is not a business day (what it is), nor are ... (what they are)"; with
    /// `name_first` false the first day is not named again ("not a business day
    /// (...)").
    fn tell(&self, f: &mut fmt::Formatter<'_>, name_first: bool) -> fmt::Result {
        for (i, group) in self.groups().into_iter().enumerate() {
            let (Some(first), Some(last)) = (group.first(), group.last()) else {
                continue;
            };
            if i == 0 {
                if name_first {
                    write!(f, "{} is ", md(first.date))?;
                }
                f.write_str("not a business day (")?;
            } else if group.len() == 1 {
                write!(f, ", nor is {} (", md(first.date))?;
            } else if group.len() == 2 {
                write!(f, ", nor are {} and {} (", md(first.date), md(last.date))?;
            } else {
                write!(f, ", nor are {}–{} (", md(first.date), md(last.date))?;
            }
            self.describe(f, group, (i == 0).then_some(first.date))?;
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// One reason behind a step, with the numbers used. Rendered with `Display`.
#[derive(Debug, Clone, PartialEq)]
pub enum Why {
    /// The interview's end, which every wait counts from.
    InterviewEnds {
        /// The start, in the interview's zone.
        start: Zoned,
        /// Minutes.
        minutes: i64,
        /// The end, in the recipient's zone.
        end: Zoned,
    },
    /// T1: the thank-you window.
    ThankYouWindow {
        /// `thank_you.deadline_hours`.
        deadline_hours: u32,
        /// `thank_you.late_hours`.
        late_hours: u32,
        /// Whether the deadline moved to the recipient's next business morning
        /// ([`Why::ThankYouDeadline`]); then lateness is not told in hours.
        moved: bool,
    },
    /// T1: recommended a little after the end, inside business hours.
    ThankYouSoon {
        /// `thank_you.delay_minutes`.
        delay_minutes: u32,
        /// Whether that is the day the interview ended.
        same_day: bool,
    },
    /// T1: a little after the end is outside business hours; the next business
    /// morning is within the deadline.
    ThankYouNextMorning {
        /// `thank_you.delay_minutes` after the end (recipient's wall clock).
        soon: DateTime,
        /// `thank_you.delay_minutes`.
        delay_minutes: u32,
        /// The morning chosen.
        at: DateTime,
        /// `thank_you.deadline_hours`.
        deadline_hours: u32,
    },
    /// T1: the next business morning is past the deadline: by email a little after
    /// the end, outside business hours.
    ThankYouEvening {
        /// The next business morning, beyond the deadline.
        next_morning: DateTime,
        /// `thank_you.deadline_hours`.
        deadline_hours: u32,
        /// The moment recommended, `delay_minutes` after the end.
        soon: DateTime,
        /// `thank_you.delay_minutes`.
        delay_minutes: u32,
    },
    /// T1, T8: `deadline_hours` after the end falls outside the recipient's business
    /// hours or days: the deadline moves to when their business day opens.
    ThankYouDeadline {
        /// `thank_you.deadline_hours`.
        deadline_hours: u32,
        /// The end + `deadline_hours` (recipient's wall clock).
        due: DateTime,
        /// The deadline used.
        to: DateTime,
        /// The recipient's business hours: start,
        start: Time,
        /// and end.
        end: Time,
        /// The days from `due`'s up to `to`'s that are not business days.
        skipped: Skipped,
    },
    /// T2: the stated decision date.
    DecisionDate {
        /// The date.
        date: Date,
        /// How the phrase was read.
        meaning: Option<String>,
    },
    /// T2: the follow-up is not before the decision date has passed.
    AfterDecision {
        /// The decision date.
        decision: Date,
        /// `follow_up.after_decision_days` after the T7 factor.
        days: i64,
        /// Before the factor.
        base_days: u32,
        /// The T7 factor.
        factor: f64,
        /// Decision date + days.
        target: Date,
    },
    /// T3: no stated timeline.
    NoTimeline {
        /// Business days to the earliest.
        earliest_business_days: i64,
        /// Days to the recommended moment.
        recommended_days: i64,
        /// Days to the latest.
        latest_days: i64,
        /// The recommended date before moving to a business day.
        target: Date,
    },
    /// T4: phone follow-ups wait at least this many business days.
    PhoneFloor {
        /// `follow_up.phone_min_business_days`.
        business_days: u32,
        /// The first day a call is allowed.
        date: Date,
    },
    /// T5 / T6: a wait measured from the previous step.
    AfterPrevious {
        /// The previous step.
        previous: StepKind,
        /// Whether `from` is when it was sent (else its recommended day).
        sent: bool,
        /// Its recommended date (or when it was sent).
        from: Date,
        /// Days after the factor.
        days: i64,
        /// Days before the factor.
        base_days: u32,
        /// The T7 factor.
        factor: f64,
        /// from + days.
        target: Date,
    },
    /// T7: the combined factor and its parts.
    Factor {
        /// The product, clamped to the policy's min and max.
        total: f64,
        /// The product before clamping.
        raw: f64,
        /// Each part: what it is and its multiplier.
        parts: FactorParts,
    },
    /// T8: a date moved off a weekend or holiday.
    Moved {
        /// The date first computed.
        from: Date,
        /// The business day used.
        to: Date,
        /// The first day skipped.
        skipped: Skipped,
    },
    /// T8: when in the day the step lands.
    BusinessHours {
        /// Start of the business day.
        start: jiff::civil::Time,
        /// End.
        end: jiff::civil::Time,
        /// The zone.
        tz: TimeZone,
        /// The holiday region, if known.
        region: Option<Region>,
    },
    /// T5: never more than two follow-ups after the thank-you.
    LastFollowUp,
    /// T6: nothing more is sent.
    MoveOn,
    /// T10: why this channel, and what else works.
    Channel(ChannelWhy),
    /// T9: after a rejection, thank them and ask for feedback.
    FeedbackRequest {
        /// When the rejection arrived (recipient's zone).
        rejected: DateTime,
        /// Business days the window stays open.
        business_days: u32,
    },
}

/// The channel reasons (T10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelWhy {
    /// A letter suits a traditional employer.
    LetterSuits,
    /// A call may suit a senior role or a final round.
    PhoneSuits,
    /// The user asked for phone follow-ups.
    PhoneChosen,
    /// If a call goes unanswered, leave a short voicemail.
    Voicemail,
}

fn md(d: Date) -> impl fmt::Display {
    d.strftime("%a %b %-d")
}

fn mdt(d: DateTime) -> impl fmt::Display {
    d.strftime("%a %b %-d %H:%M")
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.tell(f, true)
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::InterviewEnds { start, minutes, end } => {
                write!(f, "interview {} + {minutes} min", start.strftime("%a %b %-d %H:%M %Z"))?;
                if start.time_zone() == end.time_zone() {
                    write!(f, " ends {}", end.strftime("%H:%M"))
                } else {
                    write!(
                        f,
                        " ends {} for the recipient ({})",
                        end.strftime("%a %b %-d %H:%M %Z"),
                        end.time_zone().iana_name().unwrap_or("their zone")
                    )
                }
            }
            Why::ThankYouWindow { deadline_hours, late_hours, moved } => {
                write!(
                    f,
                    "T1: thank each interviewer after the interview, within {deadline_hours} h of the end"
                )?;
                if *moved {
                    // Hours when the recipient's business is closed do not count.
                    f.write_str(" or, when those end outside the recipient's business hours, by their next business morning (T8)")
                } else {
                    write!(f, "; after {late_hours} h it is late")
                }
            }
            Why::ThankYouSoon { delay_minutes, same_day } => write!(
                f,
                "T1: recommended {delay_minutes} min after the end (policy), {}, inside the recipient's business hours",
                if *same_day { "the same day" } else { "the next day" }
            ),
            Why::ThankYouNextMorning { soon, delay_minutes, at, deadline_hours } => write!(
                f,
                "T1: {delay_minutes} min after the end, {}, is outside the recipient's business hours; their next business morning, {}, is within {deadline_hours} h of the end",
                mdt(*soon),
                mdt(*at)
            ),
            Why::ThankYouEvening { next_morning, deadline_hours, soon, delay_minutes } => write!(
                f,
                "T1: their next business morning, {}, is more than {deadline_hours} h after the end, so the note goes by email {delay_minutes} min after the end (policy), {}, outside their business hours: an email may be sent then and waits in their inbox",
                mdt(*next_morning),
                mdt(*soon)
            ),
            Why::ThankYouDeadline { deadline_hours, due, to, start, end, skipped } => {
                write!(f, "T8: {deadline_hours} h after the end is {}, ", mdt(*due))?;
                let due_closed = skipped.days.first().is_some_and(|d| d.date == due.date());
                if due_closed {
                    skipped.tell(f, false)?;
                } else {
                    write!(
                        f,
                        "{} the recipient's business hours ({}–{})",
                        if due.time() < *start { "before" } else { "after" },
                        start.strftime("%H:%M"),
                        end.strftime("%H:%M")
                    )?;
                    if !skipped.days.is_empty() {
                        f.write_str(", and ")?;
                        skipped.tell(f, true)?;
                    }
                }
                if to.date() == due.date() {
                    write!(f, ": the deadline is when their business day opens, {}", mdt(*to))
                } else {
                    write!(
                        f,
                        ": the deadline moves to their next business morning, {} (a note sent before then is read then)",
                        mdt(*to)
                    )
                }
            }
            Why::DecisionDate { date, meaning } => match meaning {
                Some(m) => write!(f, "T2: decision date {} ({m})", md(*date)),
                None => write!(f, "T2: decision date {}", md(*date)),
            },
            Why::AfterDecision { decision, days, base_days, factor, target } => {
                if *days as u32 == *base_days {
                    write!(
                        f,
                        "T2: not before the decision date has passed; decision date {} + {days} days (policy) = {}",
                        md(*decision),
                        md(*target)
                    )
                } else {
                    write!(
                        f,
                        "T2: not before the decision date has passed; decision date {} + {days} days ({base_days} (policy) × {factor:.2}) = {}",
                        md(*decision),
                        md(*target)
                    )
                }
            }
            Why::NoTimeline { earliest_business_days, recommended_days, latest_days, target } => write!(
                f,
                "T3: no stated timeline: earliest {earliest_business_days} business days, recommended {recommended_days} days (= {}), latest {latest_days} days after the interview (policy)",
                md(*target)
            ),
            Why::PhoneFloor { business_days, date } => write!(
                f,
                "T4: a phone follow-up waits at least {business_days} business days after the interview: not before {}",
                md(*date)
            ),
            Why::AfterPrevious { previous, sent, from, days, base_days, factor, target } => {
                let rule = match previous {
                    StepKind::FinalFollowUp => "T6",
                    _ => "T5",
                };
                let what = match previous {
                    StepKind::FollowUp => "first follow-up",
                    StepKind::FinalFollowUp => "final follow-up",
                    StepKind::ThankYou => "thank-you",
                    StepKind::MoveOn => "move on",
                    StepKind::FeedbackRequest => "feedback request",
                };
                let what = if *sent {
                    format!("{what} sent")
                } else {
                    format!("{what} (planned)")
                };
                if *days as u32 == *base_days {
                    write!(f, "{rule}: {what} {} + {days} days (policy) = {}", md(*from), md(*target))
                } else {
                    write!(
                        f,
                        "{rule}: {what} {} + {days} days ({base_days} (policy) × {factor:.2}) = {}",
                        md(*from),
                        md(*target)
                    )
                }
            }
            Why::Factor { total, raw, parts } => {
                write!(f, "T7: waits × {total:.2}")?;
                if parts.is_empty() {
                    return f.write_str(
                        " (no company type, seniority, round or urgency that changes them)",
                    );
                }
                f.write_str(" (")?;
                for (i, (what, x)) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{what} ×{x}")?;
                }
                if (total - raw).abs() > 1e-9 {
                    write!(f, "; the product {raw:.2} is kept within factors.min and factors.max")?;
                }
                f.write_str(")")
            }
            Why::Moved { from, to, skipped } => {
                f.write_str("T8: ")?;
                if skipped.days.first().is_some_and(|d| d.date == *from) {
                    write!(f, "{skipped}")?;
                } else {
                    write!(f, "{} is not a business day", md(*from))?;
                }
                write!(f, ": moved to {}", md(*to))
            }
            Why::BusinessHours { start, end, tz, region } => {
                write!(
                    f,
                    "T8: inside the recipient's business hours, {}–{} {}",
                    start.strftime("%H:%M"),
                    end.strftime("%H:%M"),
                    tz.iana_name().unwrap_or("in the recipient's zone")
                )?;
                match region {
                    Some(r) => write!(f, ", skipping weekends and {r} public holidays"),
                    None => f.write_str(", skipping weekends (no holiday region set)"),
                }
            }
            Why::LastFollowUp => f.write_str("T5: the last follow-up: never more than two after the thank-you"),
            Why::MoveOn => f.write_str(
                "T6: no reply after the final follow-up: close as no response, keep the contact, keep searching; nothing more is sent",
            ),
            Why::FeedbackRequest { rejected, business_days } => write!(
                f,
                "T9: rejected {}: reply graciously, ask politely for feedback and keep the door open, within {business_days} business days (M6)",
                mdt(*rejected)
            ),
            Why::Channel(c) => f.write_str(match c {
                ChannelWhy::LetterSuits => "T10: a printed letter also suits this employer's culture",
                ChannelWhy::PhoneSuits => "T10: for a senior role or a final round a call may be more appropriate; phone and email can be combined",
                ChannelWhy::PhoneChosen => "T10: by phone, as chosen",
                ChannelWhy::Voicemail => "T10: if the call is not answered, leave a short voicemail",
            }),
        }
    }
}

impl Serialize for Why {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A moment of a plan: an instant with its wall-clock time and UTC offset in the
/// recipient's zone.
///
/// Cheap to copy. Compared and hashed by instant, as [`Zoned`] is; [`Step::zoned`]
/// (or [`Moment::to_zoned`]) gives it with its zone, for formatting with a zone
/// abbreviation.
#[derive(Debug, Clone, Copy)]
pub struct Moment {
    timestamp: Timestamp,
    /// The wall-clock date,
    day: Day,
    /// and time.
    time: Time,
    offset: Offset,
}

impl Moment {
    /// `timestamp` at `offset`.
    fn new(timestamp: Timestamp, offset: Offset) -> Moment {
        let mut seconds = timestamp.as_second() + i64::from(offset.seconds());
        let mut nanos = timestamp.subsec_nanosecond();
        if nanos < 0 {
            seconds -= 1;
            nanos += 1_000_000_000;
        }
        // In range: jiff keeps every instant at every offset within its dates.
        let of_day = seconds.rem_euclid(86_400);
        let time = Time::new(
            (of_day / 3600) as i8,
            (of_day / 60 % 60) as i8,
            (of_day % 60) as i8,
            nanos,
        )
        .unwrap_or(Time::midnight());
        Moment {
            timestamp,
            day: Day::from_number(seconds.div_euclid(86_400)),
            time,
            offset,
        }
    }

    /// The instant.
    pub fn timestamp(self) -> Timestamp {
        self.timestamp
    }

    /// The wall-clock date and time.
    pub fn datetime(self) -> DateTime {
        self.day.date().to_datetime(self.time)
    }

    /// The wall-clock date.
    pub fn date(self) -> Date {
        self.day.date()
    }

    /// The wall-clock time.
    pub fn time(self) -> Time {
        self.time
    }

    /// The offset from UTC.
    pub fn offset(self) -> Offset {
        self.offset
    }

    /// The moment in `tz` (the zone it came from keeps its wall-clock time).
    pub fn to_zoned(self, tz: TimeZone) -> Zoned {
        Zoned::new(self.timestamp, tz)
    }
}

/// RFC 3339 with the offset, such as `2026-12-01T12:00:00-05:00`.
impl fmt::Display for Moment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.timestamp.display_with_offset(self.offset), f)
    }
}

impl From<&Zoned> for Moment {
    fn from(z: &Zoned) -> Moment {
        Moment {
            timestamp: z.timestamp(),
            day: Day::new(z.date()),
            time: z.time(),
            offset: z.offset(),
        }
    }
}

impl PartialEq for Moment {
    fn eq(&self, other: &Moment) -> bool {
        self.timestamp == other.timestamp
    }
}

impl Eq for Moment {}

impl PartialOrd for Moment {
    fn partial_cmp(&self, other: &Moment) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Moment {
    fn cmp(&self, other: &Moment) -> std::cmp::Ordering {
        self.timestamp.cmp(&other.timestamp)
    }
}

impl std::hash::Hash for Moment {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.timestamp.hash(state);
    }
}

/// One dated step of the plan.
#[derive(Debug, Clone)]
pub struct Step {
    /// What to do.
    pub kind: StepKind,
    /// How to send it.
    pub channel: Channel,
    /// Other channels that fit (T10).
    pub alternatives: &'static [Channel],
    /// The window opens.
    pub earliest: Moment,
    /// The best moment.
    pub recommended: Moment,
    /// The window closes.
    pub latest: Moment,
    /// After this moment the step no longer helps (see [`StepStatus::Missed`]).
    pub missed_after: Option<Timestamp>,
    /// The rules behind the dates, in order (T1 … T10).
    pub rules: &'static [&'static str],
    /// The reasons, compactly; [`Step::why`] spells them out.
    reasons: Reasons,
    /// What the reasons of the plan's steps share.
    shared: Arc<Shared>,
}

impl Step {
    /// Where the step stands at `now`.
    pub fn status(&self, now: Timestamp) -> StepStatus {
        StepStatus::at(
            self.earliest.timestamp(),
            self.latest.timestamp(),
            self.missed_after,
            now,
        )
    }

    /// The recipient's zone, which the step's moments are in.
    pub fn time_zone(&self) -> &TimeZone {
        &self.shared.tz
    }

    /// `m` (one of the step's moments) with the recipient's zone, for formatting.
    pub fn zoned(&self, m: Moment) -> Zoned {
        m.to_zoned(self.shared.tz.clone())
    }

    /// The reasons, with the numbers used, in order.
    pub fn why(&self) -> impl ExactSizeIterator<Item = Why> + '_ {
        self.reasons.as_slice().iter().map(|r| self.shared.why(r))
    }
}

/// The T7 factor, clamped and raw, and its parts.
#[derive(Debug, Clone, Copy)]
struct FactorWhy {
    total: f64,
    raw: f64,
    parts: FactorParts,
}

/// What the reasons of one plan's steps share, built once per plan.
#[derive(Debug)]
struct Shared {
    /// The recipient's zone.
    tz: TimeZone,
    /// Their holiday region.
    region: Option<Region>,
    /// Their business hours.
    hours: Hours,
    /// The interview's start, in its own zone (none for a feedback request).
    start: Option<Zoned>,
    /// Its length in minutes.
    minutes: i64,
    /// Its end.
    end: Timestamp,
    /// The T7 factor.
    factor: FactorWhy,
    /// How the decision date was read.
    meaning: Option<String>,
    /// `thank_you.delay_minutes`.
    delay_minutes: u32,
    /// `thank_you.deadline_hours`.
    deadline_hours: u32,
}

/// One reason, with only what is not in [`Shared`] (day counts as the policy gives
/// them, before the factor); [`Shared::why`] spells it out.
#[derive(Debug, Clone, Copy)]
enum Reason {
    InterviewEnds,
    ThankYouWindow {
        deadline_hours: u32,
        late_hours: u32,
        moved: bool,
    },
    ThankYouSoon {
        delay_minutes: u32,
    },
    ThankYouNextMorning {
        day: Day,
        time: Time,
    },
    ThankYouEvening {
        day: Day,
        time: Time,
        deadline_hours: u32,
    },
    /// The deadline used (the end + `Shared::deadline_hours` moved inside business hours).
    ThankYouDeadline {
        day: Day,
        time: Time,
    },
    DecisionDate {
        date: Date,
    },
    AfterDecision {
        decision: Date,
        base_days: u32,
        target: Day,
    },
    NoTimeline {
        earliest_business_days: u32,
        recommended_days: u32,
        latest_days: u32,
        target: Day,
    },
    PhoneFloor {
        business_days: u32,
        date: Day,
    },
    AfterPrevious {
        previous: StepKind,
        sent: bool,
        from: Day,
        base_days: u32,
        target: Day,
    },
    Factor,
    Moved {
        from: Day,
        to: Day,
    },
    BusinessHours,
    LastFollowUp,
    MoveOn,
    Channel(ChannelWhy),
    FeedbackRequest {
        day: Day,
        time: Time,
        business_days: u32,
    },
}

/// A step's reasons, kept inline (a step has at most eight).
#[derive(Debug, Clone, Copy)]
struct Reasons {
    items: [Reason; 8],
    len: u8,
}

impl Reasons {
    fn new() -> Reasons {
        Reasons {
            items: [Reason::MoveOn; 8],
            len: 0,
        }
    }

    fn push(&mut self, r: Reason) {
        let i = usize::from(self.len);
        debug_assert!(i < self.items.len(), "more than eight reasons");
        if let Some(slot) = self.items.get_mut(i) {
            *slot = r;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[Reason] {
        &self.items[..usize::from(self.len)]
    }
}

impl Shared {
    /// `r` spelled out.
    fn why(&self, r: &Reason) -> Why {
        let f = &self.factor;
        match *r {
            Reason::InterviewEnds => Why::InterviewEnds {
                start: self
                    .start
                    .clone()
                    .unwrap_or_else(|| Zoned::new(self.end, self.tz.clone())),
                minutes: self.minutes,
                end: Zoned::new(self.end, self.tz.clone()),
            },
            Reason::ThankYouWindow {
                deadline_hours,
                late_hours,
                moved,
            } => Why::ThankYouWindow {
                deadline_hours,
                late_hours,
                moved,
            },
            Reason::ThankYouSoon { delay_minutes } => Why::ThankYouSoon {
                delay_minutes,
                same_day: self.after_end_minutes(delay_minutes).date() == self.end_local().date(),
            },
            Reason::ThankYouNextMorning { day, time } => Why::ThankYouNextMorning {
                soon: self.after_end_minutes(self.delay_minutes),
                delay_minutes: self.delay_minutes,
                at: day.date().to_datetime(time),
                deadline_hours: self.deadline_hours,
            },
            Reason::ThankYouEvening {
                day,
                time,
                deadline_hours,
            } => Why::ThankYouEvening {
                next_morning: day.date().to_datetime(time),
                deadline_hours,
                soon: self.after_end_minutes(self.delay_minutes),
                delay_minutes: self.delay_minutes,
            },
            Reason::ThankYouDeadline { day, time } => {
                let due = self.after_end_minutes(self.deadline_hours.saturating_mul(60));
                Why::ThankYouDeadline {
                    deadline_hours: self.deadline_hours,
                    due,
                    to: day.date().to_datetime(time),
                    start: self.hours.start,
                    end: self.hours.end,
                    skipped: self.closed(Day::new(due.date()), day),
                }
            }
            Reason::DecisionDate { date } => Why::DecisionDate {
                date,
                meaning: self.meaning.clone(),
            },
            Reason::AfterDecision {
                decision,
                base_days,
                target,
            } => Why::AfterDecision {
                decision,
                days: scale(base_days, f.total).max(1),
                base_days,
                factor: f.total,
                target: target.date(),
            },
            Reason::NoTimeline {
                earliest_business_days,
                recommended_days,
                latest_days,
                target,
            } => Why::NoTimeline {
                earliest_business_days: scale(earliest_business_days, f.total),
                recommended_days: scale(recommended_days, f.total),
                latest_days: scale(latest_days, f.total),
                target: target.date(),
            },
            Reason::PhoneFloor {
                business_days,
                date,
            } => Why::PhoneFloor {
                business_days,
                date: date.date(),
            },
            Reason::AfterPrevious {
                previous,
                sent,
                from,
                base_days,
                target,
            } => Why::AfterPrevious {
                previous,
                sent,
                from: from.date(),
                days: scale(base_days, f.total).max(1),
                base_days,
                factor: f.total,
                target: target.date(),
            },
            Reason::Factor => Why::Factor {
                total: f.total,
                raw: f.raw,
                parts: f.parts,
            },
            Reason::Moved { from, to } => Why::Moved {
                from: from.date(),
                to: to.date(),
                skipped: self.closed(from, to),
            },
            Reason::BusinessHours => Why::BusinessHours {
                start: self.hours.start,
                end: self.hours.end,
                tz: self.tz.clone(),
                region: self.region.clone(),
            },
            Reason::LastFollowUp => Why::LastFollowUp,
            Reason::MoveOn => Why::MoveOn,
            Reason::Channel(c) => Why::Channel(c),
            Reason::FeedbackRequest {
                day,
                time,
                business_days,
            } => Why::FeedbackRequest {
                rejected: day.date().to_datetime(time),
                business_days,
            },
        }
    }

    /// The days from `from` up to (not including) `to` that are not business days:
    /// weekend days and public holidays, each named for what it is (a holiday on a
    /// weekend is both).
    fn closed(&self, from: Day, to: Day) -> Skipped {
        let mut days = Vec::new();
        let mut day = from;
        while day < to {
            let weekend = day.is_weekend();
            let holiday = self
                .region
                .as_ref()
                .and_then(|r| r.holiday(day.date()))
                .map(str::to_string);
            if weekend || holiday.is_some() {
                days.push(ClosedDay {
                    date: day.date(),
                    weekend,
                    holiday,
                });
            }
            let next = add_days(day, 1);
            if next == day {
                break;
            }
            day = next;
        }
        Skipped {
            days,
            region: self.region.clone(),
        }
    }

    /// The interview's end on the recipient's wall clock.
    fn end_local(&self) -> DateTime {
        Zoned::new(self.end, self.tz.clone()).datetime()
    }

    /// `minutes` after the interview's end, on the recipient's wall clock.
    fn after_end_minutes(&self, minutes: u32) -> DateTime {
        let d = SignedDuration::from_mins(i64::from(minutes));
        Zoned::new(plus(self.end, d).unwrap_or(self.end), self.tz.clone()).datetime()
    }
}

/// The plan for one interview.
#[derive(Debug, Clone)]
pub struct Plan {
    /// When the interview ends, in the recipient's zone.
    pub interview_end: Moment,
    /// The stated decision date, if any.
    pub decision_by: Option<Date>,
    /// The combined T7 factor used.
    pub factor: f64,
    /// The steps, in order: thank-you, follow-up, final follow-up, move on.
    pub steps: [Step; 4],
}

impl Plan {
    /// `m` (one of the plan's moments) with the recipient's zone, for formatting.
    pub fn zoned(&self, m: Moment) -> Zoned {
        self.steps[0].zoned(m)
    }
}

/// One thing that moves the waits (T7).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FactorPart {
    /// Company culture.
    CompanyType(CompanyType),
    /// Level of the role.
    Seniority(Seniority),
    /// Interview round.
    Round(Round),
    /// An urgent opening.
    Urgent,
    /// Late in the hiring process.
    LateInProcess,
    /// Many rounds so far.
    Rounds(u32),
}

impl fmt::Display for FactorPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactorPart::CompanyType(t) => write!(f, "company type {t}"),
            FactorPart::Seniority(s) => write!(f, "seniority {s}"),
            FactorPart::Round(r) => write!(f, "round {r}"),
            FactorPart::Urgent => f.write_str("urgent"),
            FactorPart::LateInProcess => f.write_str("late in the process"),
            FactorPart::Rounds(n) => write!(f, "{n} rounds so far"),
        }
    }
}

/// The parts of the T7 factor that are not 1 (at most six, kept inline).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FactorParts {
    items: [(FactorPart, f64); 6],
    len: usize,
}

impl FactorParts {
    fn empty() -> FactorParts {
        FactorParts {
            items: [(FactorPart::Urgent, 1.0); 6],
            len: 0,
        }
    }

    fn push(&mut self, part: FactorPart, x: f64) {
        if self.len < self.items.len() {
            self.items[self.len] = (part, x);
            self.len += 1;
        }
    }

    /// The parts and their multipliers.
    pub fn iter(&self) -> impl Iterator<Item = &(FactorPart, f64)> {
        self.items[..self.len].iter()
    }

    /// Whether no factor applies.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// The combined T7 factor (clamped, then raw) and its parts.
pub fn factor(interview: &Interview, policy: &Policy) -> (f64, f64, FactorParts) {
    let mut parts = FactorParts::empty();
    let mut total = 1.0;
    let mut push = |what: FactorPart, x: f64| {
        if x != 1.0 {
            total *= x;
            parts.push(what, x);
        }
    };
    if let Some(t) = interview.company_type {
        push(FactorPart::CompanyType(t), policy.company_factor(t));
    }
    if let Some(s) = interview.seniority {
        push(FactorPart::Seniority(s), policy.seniority_factor(s));
    }
    if let Some(r) = interview.round {
        push(FactorPart::Round(r), policy.round_factor(r));
    }
    if interview.urgent {
        push(FactorPart::Urgent, policy.factors.urgent);
    }
    if interview.late_in_process {
        push(FactorPart::LateInProcess, policy.factors.late_in_process);
    }
    if interview.rounds_so_far > 2 {
        let extra = f64::from(interview.rounds_so_far - 2) * policy.factors.per_extra_round;
        push(FactorPart::Rounds(interview.rounds_so_far), 1.0 + extra);
    }
    let f = &policy.factors;
    (total.clamp(f.min, f.max), total, parts)
}

fn scale(days: u32, factor: f64) -> i64 {
    if days == 0 {
        return 0;
    }
    round(f64::from(days) * factor).max(1)
}

/// `x.round() as i64` (half away from zero) for `x >= 0`, without the call to `round`
/// that `f64::round` compiles to; below zero (and for NaN) the result is at most 0,
/// as `round` gives, which is all [`scale`] needs.
fn round(x: f64) -> i64 {
    if x.is_nan() || x >= 4_503_599_627_370_496.0 {
        // 2^52 and above every double is an integer (and `as` saturates; NaN is 0).
        return x as i64;
    }
    let i = x as i64;
    // Exact: `x` and `i` are within one of each other and below 2^52.
    if x - i as f64 >= 0.5 {
        i + 1
    } else {
        i
    }
}

/// `d` moved by `n` days; `d` itself if that would leave jiff's range.
fn add_days(d: Day, n: i64) -> Day {
    d.plus(n)
}

/// A stretch of the recipient's zone with one UTC offset, so that most of a plan's
/// conversions skip the zone's tables.
#[derive(Debug, Clone, Copy)]
struct Span {
    offset: Offset,
    /// Instants in `[from, until)` have `offset`.
    from: Timestamp,
    until: Timestamp,
    /// The offset after `until`, if the zone has another transition.
    next: Option<Offset>,
    /// A wall-clock time whose instant at `offset` lies in `[civil_from, civil_until)`
    /// (whole seconds since the epoch) has no other instant: offsets are under 26 h,
    /// so any other one would be within 52 h of it, where the offset is the same.
    civil_from: i64,
    civil_until: i64,
}

impl Span {
    /// Three days, in seconds: more than the 52 h two offsets can differ by.
    const MARGIN: i64 = 72 * 3600;

    /// `offset` from `from` to the zone's next transition after `at` (at or after
    /// `from`).
    fn new(tz: &TimeZone, offset: Offset, from: Timestamp, at: Timestamp) -> Span {
        let (until, next) = match tz.following(at).next() {
            Some(t) => (t.timestamp(), Some(t.offset())),
            None => (Timestamp::MAX, None),
        };
        // Rounded inwards to whole seconds.
        let from_second = from.as_second() + i64::from(from.subsec_nanosecond() > 0);
        let until_second = until.as_second() - i64::from(until.subsec_nanosecond() < 0);
        Span {
            offset,
            from,
            until,
            next,
            civil_from: from_second.saturating_add(Span::MARGIN),
            civil_until: until_second.saturating_sub(Span::MARGIN),
        }
    }

    /// The span around `anchor`.
    fn around(tz: &TimeZone, anchor: Timestamp) -> Span {
        // `preceding` gives the transitions before an instant: from the next whole
        // second, that includes one at the anchor itself.
        let next_second = Timestamp::new(anchor.as_second().saturating_add(1), 0);
        match next_second.map(|t| tz.preceding(t).next()) {
            Ok(Some(t)) if t.timestamp() <= anchor => {
                Span::new(tz, t.offset(), t.timestamp(), anchor)
            }
            _ => Span::new(tz, tz.to_offset(anchor), anchor, anchor),
        }
    }

    /// The span after this one, if there is one.
    fn after(&self, tz: &TimeZone) -> Option<Span> {
        self.next
            .map(|offset| Span::new(tz, offset, self.until, self.until))
    }

    /// `ts` at this span's offset, if it has it.
    #[inline]
    fn moment(&self, ts: Timestamp) -> Option<Moment> {
        (self.from <= ts && ts < self.until).then(|| Moment::new(ts, self.offset))
    }

    /// The wall-clock time `t` on `d`, if it falls well inside this span.
    #[inline]
    fn at(&self, d: Day, t: Time) -> Option<Moment> {
        let seconds = d.number() * 86_400
            + i64::from(t.hour()) * 3600
            + i64::from(t.minute()) * 60
            + i64::from(t.second())
            - i64::from(self.offset.seconds());
        // (With whole-second bounds, comparing the whole seconds is exact.)
        if !(self.civil_from <= seconds && seconds < self.civil_until) {
            return None;
        }
        let ts = Timestamp::new(seconds, t.subsec_nanosecond()).ok()?;
        Some(Moment {
            timestamp: ts,
            day: d,
            time: t,
            offset: self.offset,
        })
    }
}

/// The recipient's zone around a plan: the span around its anchor and, once a
/// moment falls past it, the next one.
struct Zone<'a> {
    tz: &'a TimeZone,
    first: Span,
    second: Cell<Option<Span>>,
}

impl<'a> Zone<'a> {
    fn new(tz: &'a TimeZone, anchor: Timestamp) -> Zone<'a> {
        Zone {
            tz,
            first: Span::around(tz, anchor),
            second: Cell::new(None),
        }
    }

    /// The span after the first, computed once.
    fn second(&self) -> Option<Span> {
        if let Some(s) = self.second.get() {
            return Some(s);
        }
        let s = self.first.after(self.tz)?;
        self.second.set(Some(s));
        Some(s)
    }

    /// `ts` in the zone.
    fn moment(&self, ts: Timestamp) -> Moment {
        self.first
            .moment(ts)
            .or_else(|| {
                (ts >= self.first.until)
                    .then(|| self.second())
                    .flatten()
                    .and_then(|s| s.moment(ts))
            })
            .unwrap_or_else(|| Moment::new(ts, self.tz.to_offset(ts)))
    }

    /// The wall-clock time `t` on `d` in the zone.
    fn at(&self, d: Day, t: Time) -> Moment {
        if let Some(m) = self.first.at(d, t) {
            return m;
        }
        if let Some(m) = self.second().and_then(|s| s.at(d, t)) {
            return m;
        }
        // Near a transition, the zone decides. Compatible disambiguation: a time in a
        // DST gap moves forward, in a fold the earlier instant is taken (as
        // `DateTime::to_zoned` does).
        let ts = self
            .tz
            .to_ambiguous_timestamp(d.date().to_datetime(t))
            .compatible()
            .unwrap_or(Timestamp::UNIX_EPOCH);
        self.moment(ts)
    }
}

/// `ts + d`, or `None` outside jiff's range: `Timestamp::checked_add` for a
/// duration, with less work.
fn plus(ts: Timestamp, d: SignedDuration) -> Option<Timestamp> {
    const NANOS: i32 = 1_000_000_000;
    let mut seconds = ts.as_second().checked_add(d.as_secs())?;
    // Each part is within one second of zero and has the sign of its whole.
    let mut nanos = ts.subsec_nanosecond() + d.subsec_nanos();
    if nanos >= NANOS {
        seconds = seconds.checked_add(1)?;
        nanos -= NANOS;
    } else if nanos <= -NANOS {
        seconds = seconds.checked_sub(1)?;
        nanos += NANOS;
    }
    Timestamp::new(seconds, nanos).ok()
}

/// Context shared by the step builders.
struct Ctx<'a> {
    tz: &'a TimeZone,
    region: Option<&'a Region>,
    cal: Cal<'a>,
    hours: Hours,
    zone: Zone<'a>,
}

impl<'a> Ctx<'a> {
    /// The context of a plan whose moments are mostly after `anchor`.
    fn new(recipient: &'a Recipient, policy: &Policy, anchor: Timestamp) -> Ctx<'a> {
        Ctx {
            tz: &recipient.tz,
            region: recipient.region.as_ref(),
            cal: Cal::new(recipient.region.as_ref()),
            hours: recipient.hours.unwrap_or(policy.hours),
            zone: Zone::new(&recipient.tz, anchor),
        }
    }

    /// What the steps' reasons share.
    fn shared(
        &self,
        start: Option<&Interview>,
        end: Timestamp,
        factor: FactorWhy,
        policy: &Policy,
    ) -> Arc<Shared> {
        Arc::new(Shared {
            tz: self.tz.clone(),
            region: self.region.cloned(),
            hours: self.hours,
            start: start.map(|i| i.start.clone()),
            minutes: start.map_or(0, |i| i.duration.as_mins()),
            end,
            factor,
            // Only a decision date's reason shows it.
            meaning: start
                .filter(|i| i.decision_by.is_some())
                .and_then(|i| i.decision_meaning.clone()),
            delay_minutes: policy.thank_you.delay_minutes,
            deadline_hours: policy.thank_you.deadline_hours,
        })
    }

    fn is_business_day(&self, d: Day) -> bool {
        self.cal.is_business_day(d)
    }

    fn next_business_day(&self, d: Day) -> Day {
        self.cal.next_business_day(d)
    }

    fn add_business_days(&self, d: Day, n: u32) -> Day {
        self.cal.add_business_days(d, n)
    }

    /// The first business day on or after `d`, and why it moved (pushed to `why`
    /// when given).
    fn business_day(&self, d: Day, why: Option<&mut Reasons>) -> Day {
        let to = self.next_business_day(d);
        if let (true, Some(why)) = (to != d, why) {
            why.push(Reason::Moved { from: d, to });
        }
        to
    }

    /// A step's window: opening at the start of the business day, recommended at the
    /// preferred time, closing at the end of the day.
    fn window(&self, earliest: Day, recommended: Day, latest: Day) -> [Moment; 3] {
        [
            self.at(earliest, self.hours.start),
            self.at(recommended, self.hours.preferred),
            self.at(latest, self.hours.end),
        ]
    }

    /// The wall-clock time `t` on `d` in the recipient's zone.
    fn at(&self, d: Day, t: Time) -> Moment {
        self.zone.at(d, t)
    }

    /// `ts` in the recipient's zone.
    fn moment(&self, ts: Timestamp) -> Moment {
        self.zone.moment(ts)
    }

    /// The first business-hours moment at or after `local`.
    fn next_open(&self, local: Moment) -> Moment {
        self.next_open_after(local).unwrap_or(local)
    }

    /// Like [`Ctx::next_open`], but `None` when `local` itself is inside business
    /// hours.
    fn next_open_after(&self, local: Moment) -> Option<Moment> {
        let (d, t) = (local.day, local.time);
        let business_day = self.is_business_day(d);
        if business_day && self.hours.contains(t) {
            return None;
        }
        if business_day && t < self.hours.start {
            return Some(self.at(d, self.hours.start));
        }
        let next = self.next_business_day(add_days(d, 1));
        Some(self.at(next, self.hours.start))
    }
}

/// Plans the follow-ups of one interview (see the module docs for the rules).
pub fn plan(interview: &Interview, recipient: &Recipient, policy: &Policy) -> Plan {
    plan_with(interview, recipient, policy, &Sent::default())
}

/// The feedback request after a rejection (T9, M6): from the moment the rejection
/// arrived, recommended the next business morning, open for five business days.
pub fn feedback_request(rejected: Timestamp, recipient: &Recipient, policy: &Policy) -> Step {
    const BUSINESS_DAYS: u32 = 5;
    let ctx = Ctx::new(recipient, policy, rejected);
    let at = ctx.moment(rejected);
    let day = at.day;
    let next_day = ctx.next_business_day(add_days(day, 1));
    let recommended = ctx.at(next_day, ctx.hours.preferred);
    let latest_day = ctx.add_business_days(day, BUSINESS_DAYS);
    let earliest = ctx.next_open(at).min(recommended);
    let mut reasons = Reasons::new();
    reasons.push(Reason::FeedbackRequest {
        day: at.day,
        time: at.time,
        business_days: BUSINESS_DAYS,
    });
    reasons.push(Reason::BusinessHours);
    let parts = FactorParts::empty();
    let factor = FactorWhy {
        total: 1.0,
        raw: 1.0,
        parts,
    };
    Step {
        kind: StepKind::FeedbackRequest,
        channel: Channel::Email,
        alternatives: &[],
        earliest,
        recommended,
        latest: ctx.at(latest_day, ctx.hours.end),
        missed_after: None,
        rules: &["T8", "T9"],
        reasons,
        shared: ctx.shared(None, rejected, factor, policy),
    }
}

/// What has already been sent: later steps count from these days instead of the
/// planned ones (T5 counts from the first follow-up as sent, T6 from the final one).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    /// The day the first follow-up went out, in the recipient's zone.
    pub follow_up: Option<Date>,
    /// The day the final follow-up went out.
    pub final_follow_up: Option<Date>,
}

/// Like [`plan`], with the later steps anchored on what was actually sent.
pub fn plan_with(
    interview: &Interview,
    recipient: &Recipient,
    policy: &Policy,
    sent: &Sent,
) -> Plan {
    // `interview.end()`, in the recipient's zone.
    let start = interview.start.timestamp();
    let end_ts = plus(start, interview.duration).unwrap_or(start);
    let ctx = Ctx::new(recipient, policy, end_ts);
    let end = ctx.moment(end_ts);
    let (factor, raw, parts) = factor(interview, policy);
    let shared = ctx.shared(
        Some(interview),
        end_ts,
        FactorWhy {
            total: factor,
            raw,
            parts,
        },
        policy,
    );

    let thank_you = thank_you_step(interview, &ctx, policy, end, &shared);
    let first = follow_up_step(interview, &ctx, policy, end, factor, &thank_you);
    let final_step = after_step(
        StepKind::FinalFollowUp,
        &ctx,
        &policy.final_follow_up,
        factor,
        &first,
        sent.follow_up,
    );
    let move_on = after_step(
        StepKind::MoveOn,
        &ctx,
        &policy.move_on,
        factor,
        &final_step,
        sent.final_follow_up,
    );
    let mut steps = [thank_you, first, final_step, move_on];
    // Missed: once the next step's window opens, the previous one no longer helps.
    // A late thank-you (after 48 h, T1) is still worth sending until then.
    for i in 0..steps.len() - 1 {
        steps[i].missed_after = Some(steps[i + 1].earliest.timestamp());
    }
    Plan {
        interview_end: end,
        decision_by: interview.decision_by,
        factor,
        steps,
    }
}

fn thank_you_step(
    interview: &Interview,
    ctx: &Ctx<'_>,
    policy: &Policy,
    end: Moment,
    shared: &Arc<Shared>,
) -> Step {
    let tp = &policy.thank_you;
    let after = |d: SignedDuration| {
        let ts = end.timestamp();
        ctx.moment(plus(ts, d).unwrap_or(ts))
    };
    // T1's deadline, `deadline_hours` after the end. When that falls outside the
    // recipient's business hours or days (a Saturday, Christmas Day, the evening), the
    // deadline is their next business morning instead (T8): a note sent before then is
    // read then, and no thank-you turns overdue while their office is closed.
    let due = after(SignedDuration::from_hours(i64::from(tp.deadline_hours)));
    let soon = after(SignedDuration::from_mins(i64::from(tp.delay_minutes)));
    // (`next_open_after` is `None` exactly when the next open moment is `soon`.)
    let (recommended, advice, deadline) = match ctx.next_open_after(soon) {
        None => (
            soon,
            Reason::ThankYouSoon {
                delay_minutes: tp.delay_minutes,
            },
            ctx.next_open(due),
        ),
        Some(open) if open <= due => (
            open,
            Reason::ThankYouNextMorning {
                day: open.day,
                time: open.time,
            },
            ctx.next_open(due),
        ),
        // Email may go out in the evening (T1): the note is sent soon after the end,
        // outside business hours, and the reason says so. Nothing is open from `soon`
        // to `open`, so the deadline, between them, moves to `open`.
        Some(open) => (
            soon,
            Reason::ThankYouEvening {
                day: open.day,
                time: open.time,
                deadline_hours: tp.deadline_hours,
            },
            if soon <= due {
                open
            } else {
                ctx.next_open(due)
            },
        ),
    };
    let moved = deadline != due;
    // (A validated policy waits less than the deadline, so this changes nothing.)
    let recommended = recommended.min(deadline);
    let mut why = Reasons::new();
    why.push(Reason::InterviewEnds);
    why.push(Reason::ThankYouWindow {
        deadline_hours: tp.deadline_hours,
        late_hours: tp.late_hours,
        moved,
    });
    why.push(advice);
    if moved {
        why.push(Reason::ThankYouDeadline {
            day: deadline.day,
            time: deadline.time,
        });
    }
    let traditional = matches!(
        interview.company_type,
        Some(CompanyType::Government | CompanyType::Academia | CompanyType::Corporate)
    ) || interview.seniority == Some(Seniority::Executive);
    let alternatives: &'static [Channel] = if traditional {
        why.push(Reason::Channel(ChannelWhy::LetterSuits));
        &[Channel::Letter]
    } else {
        &[]
    };
    Step {
        kind: StepKind::ThankYou,
        channel: Channel::Email,
        alternatives,
        earliest: end,
        recommended,
        latest: deadline,
        missed_after: None,
        // T8 when the deadline moved to the recipient's business hours.
        rules: if moved {
            &["T1", "T8", "T10"]
        } else {
            &["T1", "T10"]
        },
        reasons: why,
        shared: Arc::clone(shared),
    }
}

fn follow_up_step(
    interview: &Interview,
    ctx: &Ctx<'_>,
    policy: &Policy,
    end: Moment,
    factor: f64,
    thank_you: &Step,
) -> Step {
    let fp = &policy.follow_up;
    let day0 = end.day;
    let mut why = Reasons::new();
    let (mut earliest, mut recommended, mut latest);
    match interview.decision_by {
        Some(decision) => {
            why.push(Reason::DecisionDate { date: decision });
            let days = scale(fp.after_decision_days, factor);
            let decision_day = Day::new(decision);
            let target = add_days(decision_day, days.max(1));
            why.push(Reason::AfterDecision {
                decision,
                base_days: fp.after_decision_days,
                target,
            });
            earliest = ctx.next_business_day(add_days(decision_day, 1));
            recommended = ctx.business_day(target, Some(&mut why));
            latest = ctx.business_day(add_days(recommended, scale(fp.window_days, factor)), None);
        }
        None => {
            let e = scale(fp.earliest_business_days, factor);
            let r = scale(fp.recommended_days, factor);
            let l = scale(fp.latest_days, factor);
            let target = add_days(day0, r);
            why.push(Reason::NoTimeline {
                earliest_business_days: fp.earliest_business_days,
                recommended_days: fp.recommended_days,
                latest_days: fp.latest_days,
                target,
            });
            earliest = ctx.add_business_days(day0, e as u32);
            recommended = ctx.business_day(target, Some(&mut why));
            latest = ctx.business_day(add_days(day0, l), None);
        }
    }
    why.push(Reason::Factor);
    let mut phone = false;
    let phone_floor = ctx.add_business_days(day0, fp.phone_min_business_days);
    let phone_suits = matches!(
        interview.seniority,
        Some(Seniority::Senior | Seniority::Executive)
    ) || interview.round == Some(Round::Final);
    let (channel, alternatives): (Channel, &'static [Channel]) =
        if interview.channel == Channel::Phone {
            phone = true;
            why.push(Reason::Channel(ChannelWhy::PhoneChosen));
            why.push(Reason::PhoneFloor {
                business_days: fp.phone_min_business_days,
                date: phone_floor,
            });
            why.push(Reason::Channel(ChannelWhy::Voicemail));
            (Channel::Phone, &[Channel::Email])
        } else if phone_suits {
            phone = true;
            why.push(Reason::Channel(ChannelWhy::PhoneSuits));
            why.push(Reason::PhoneFloor {
                business_days: fp.phone_min_business_days,
                date: phone_floor,
            });
            (Channel::Email, &[Channel::Phone])
        } else {
            (Channel::Email, &[])
        };
    if channel == Channel::Phone || !alternatives.is_empty() {
        // T4 holds for the whole window when a call is on the table.
        earliest = earliest.max(phone_floor);
    }
    // Never before the thank-you window has closed.
    // (`thank_you.latest` is in the recipient's zone.)
    let ty_close = thank_you.latest.day;
    if earliest <= ty_close {
        earliest = ctx.next_business_day(add_days(ty_close, 1));
    }
    recommended = recommended.max(earliest);
    latest = latest.max(recommended);
    why.push(Reason::BusinessHours);
    let t10 = channel == Channel::Phone || !alternatives.is_empty();
    let rules: &'static [&'static str] = match (interview.decision_by.is_some(), phone, t10) {
        (true, false, false) => &["T2", "T7", "T8"],
        (true, false, true) => &["T2", "T7", "T8", "T10"],
        (true, true, false) => &["T2", "T4", "T7", "T8"],
        (true, true, true) => &["T2", "T4", "T7", "T8", "T10"],
        (false, false, false) => &["T3", "T7", "T8"],
        (false, false, true) => &["T3", "T7", "T8", "T10"],
        (false, true, false) => &["T3", "T4", "T7", "T8"],
        (false, true, true) => &["T3", "T4", "T7", "T8", "T10"],
    };
    let [earliest, recommended, latest] = ctx.window(earliest, recommended, latest);
    Step {
        kind: StepKind::FollowUp,
        channel,
        alternatives,
        earliest,
        recommended,
        latest,
        missed_after: None,
        rules,
        reasons: why,
        shared: Arc::clone(&thank_you.shared),
    }
}

fn after_step(
    kind: StepKind,
    ctx: &Ctx<'_>,
    gap: &crate::policy::Gap,
    factor: f64,
    previous: &Step,
    sent: Option<Date>,
) -> Step {
    // Counted from when the previous step was sent, or else from its recommended day.
    let from = sent.map_or(previous.recommended.day, Day::new);
    let prev_latest = match sent {
        Some(_) => from,
        None => previous.latest.day,
    };
    let e = scale(gap.earliest_days, factor);
    let r = scale(gap.recommended_days, factor).max(1);
    let l = scale(gap.latest_days, factor);
    let target = add_days(from, r);
    let mut why = Reasons::new();
    why.push(Reason::AfterPrevious {
        previous: previous.kind,
        sent: sent.is_some(),
        from,
        base_days: gap.recommended_days,
        target,
    });
    // A window opens once the previous one has closed.
    let earliest = ctx
        .next_business_day(add_days(from, e.max(1)))
        .max(ctx.next_business_day(add_days(prev_latest, 1)));
    let mut recommended = ctx.business_day(target, Some(&mut why));
    let mut latest = ctx.business_day(add_days(from, l), None);
    // Steps stay in order: a step opens after the previous recommended moment and
    // is recommended after the previous window closes.
    if recommended <= prev_latest {
        recommended = ctx.next_business_day(add_days(prev_latest, 1));
    }
    let earliest = earliest.min(recommended);
    latest = latest.max(recommended);
    why.push(Reason::Factor);
    let (channel, alternatives, rules) = match kind {
        StepKind::MoveOn => {
            why.push(Reason::MoveOn);
            (Channel::None, &[][..], &["T6", "T7", "T8"][..])
        }
        _ => {
            why.push(Reason::LastFollowUp);
            let rules = if previous.channel == Channel::Phone || !previous.alternatives.is_empty() {
                &["T5", "T7", "T8", "T10"][..]
            } else {
                &["T5", "T7", "T8"][..]
            };
            (previous.channel, previous.alternatives, rules)
        }
    };
    why.push(Reason::BusinessHours);
    let [earliest, recommended, latest] = ctx.window(earliest, recommended, latest);
    Step {
        kind,
        channel,
        alternatives,
        earliest,
        recommended,
        latest,
        missed_after: None,
        rules,
        reasons: why,
        shared: Arc::clone(&previous.shared),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spans' shortcuts give what jiff gives, across every kind of transition.
    #[test]
    fn zone_matches_jiff() {
        use jiff::civil::date;
        let zones = [
            "America/New_York",
            "Europe/London",
            "Australia/Lord_Howe",
            "Pacific/Apia",
            "Pacific/Kiritimati",
            "America/Sao_Paulo",
            "Asia/Tokyo",
            "UTC",
        ];
        let mut tzs: Vec<TimeZone> = zones.iter().map(|z| TimeZone::get(z).unwrap()).collect();
        tzs.push(TimeZone::fixed(
            Offset::from_seconds(-(3 * 3600 + 1800)).unwrap(),
        ));
        let times = [
            Time::midnight(),
            jiff::civil::time(0, 30, 0, 0),
            jiff::civil::time(1, 30, 0, 0),
            jiff::civil::time(2, 30, 0, 0),
            jiff::civil::time(3, 0, 0, 1),
            jiff::civil::time(9, 0, 0, 0),
            jiff::civil::time(23, 59, 59, 999_999_999),
        ];
        for tz in &tzs {
            // Anchors a little before, at and after transitions, and far from them.
            let mut anchors = vec![Timestamp::UNIX_EPOCH, Timestamp::MIN, Timestamp::MAX];
            let start = date(1994, 1, 1).to_zoned(tz.clone()).unwrap().timestamp();
            for t in tz.following(start).take(40) {
                for h in [-80, -50, -1, 0, 1, 30, 80] {
                    anchors.push(t.timestamp() + SignedDuration::from_hours(h));
                }
            }
            for anchor in anchors {
                let zone = Zone::new(tz, anchor);
                let day = Day::new(Zoned::new(anchor, tz.clone()).date());
                for k in (-3..=200).step_by(3) {
                    for t in times {
                        let d = add_days(day, k);
                        let want = d
                            .date()
                            .to_datetime(t)
                            .to_zoned(tz.clone())
                            .unwrap_or_else(|_| Zoned::new(Timestamp::UNIX_EPOCH, tz.clone()));
                        let got = zone.at(d, t);
                        assert_eq!(
                            got.timestamp(),
                            want.timestamp(),
                            "{tz:?} {anchor} {d:?} {t}"
                        );
                        assert_eq!(got.datetime(), want.datetime(), "{tz:?} {anchor} {d:?} {t}");
                        assert_eq!(got.offset(), want.offset());
                    }
                }
                for h in (-100..=4000).step_by(7) {
                    let Ok(ts) = anchor.checked_add(SignedDuration::from_mins(h * 31)) else {
                        continue;
                    };
                    let want = Zoned::new(ts, tz.clone());
                    let got = zone.moment(ts);
                    assert_eq!(got.datetime(), want.datetime(), "{tz:?} {anchor} {ts}");
                    assert_eq!(got.offset(), want.offset());
                    assert_eq!(Moment::from(&want).datetime(), want.datetime());
                }
            }
        }
    }

    #[test]
    fn plus_matches_checked_add() {
        let nanos = [0, 1, 500_000_000, 999_999_999];
        let mut stamps = vec![Timestamp::MIN, Timestamp::MAX, Timestamp::UNIX_EPOCH];
        for s in [-86_400 * 365, -1, 0, 1, 1_800_000_000] {
            for n in nanos {
                for sign in [1, -1] {
                    if let Ok(t) = Timestamp::new(s, sign * n) {
                        stamps.push(t);
                    }
                }
            }
        }
        let mut durations = vec![SignedDuration::MIN, SignedDuration::MAX];
        for s in [0, 1, 3600, 86_400 * 400, 300_000_000_000] {
            for n in nanos {
                durations.push(SignedDuration::new(s, n));
                durations.push(-SignedDuration::new(s, n));
            }
        }
        for t in &stamps {
            for d in &durations {
                assert_eq!(plus(*t, *d), t.checked_add(*d).ok(), "{t:?} + {d:?}");
            }
        }
    }

    #[test]
    fn round_matches_f64_round() {
        let mut xs = vec![
            0.0,
            0.5,
            1.5,
            2.5,
            0.49999999999999994,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            1e300,
            f64::INFINITY,
        ];
        xs.extend((0..100_000).map(|i| f64::from(i) * 0.0137));
        for x in xs {
            assert_eq!(round(x), x.round() as i64, "{x}");
        }
        for x in [-0.2, -0.5, -1.5, -1e300, f64::NEG_INFINITY, f64::NAN] {
            assert_eq!(round(x).max(1), (x.round() as i64).max(1), "{x}");
        }
    }
}
