//! What the pages and the API show, computed from the store through `followup-app`.

use followup_app::agenda::Entry;
use followup_app::ctx::{store_err, track_of};
use followup_app::{Ctx, Result};
use followup_core::agenda;
use followup_core::calendar::is_weekend;
use followup_core::model::{MessageKind, Status};
use followup_core::plan::{StepKind, StepStatus};
use followup_store::{ApplicationFull, TouchpointKind};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

/// One open item of the agenda.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgendaItem {
    /// The application.
    pub application: i64,
    /// Its company.
    pub company: String,
    /// Its role.
    pub role: String,
    /// thank_you, follow_up, final_follow_up, feedback_request...
    pub kind: String,
    /// "Thank-you", "Follow-up"...
    pub label: String,
    /// The message kind to draft, if the step is a message.
    pub message: Option<String>,
    /// The touchpoint kind "done" logs.
    pub touchpoint: Option<String>,
    /// To whom.
    pub to: Option<String>,
    /// overdue, due, upcoming.
    pub status: String,
    /// Window opens (RFC 3339, recipient's zone).
    pub earliest: String,
    /// Best moment.
    pub due: String,
    /// Window closes.
    pub latest: String,
    /// A human summary of when.
    pub when: String,
    /// Rule ids.
    pub rules: Vec<String>,
    /// Reasons.
    pub why: Vec<String>,
}

/// overdue / today / this week.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Today {
    /// Past their window.
    pub overdue: Vec<AgendaItem>,
    /// Due now or opening within a day.
    pub today: Vec<AgendaItem>,
    /// Opening within the week.
    pub this_week: Vec<AgendaItem>,
}

fn rfc3339(z: &jiff::Zoned) -> String {
    followup_app::time::rfc3339(z)
}

/// The message kind of a plan step.
pub fn message_of(kind: StepKind) -> Option<MessageKind> {
    followup_app::check::kind_of(kind)
}

/// The touchpoint "done" logs for a step.
pub fn touchpoint_of(kind: StepKind) -> Option<TouchpointKind> {
    match kind {
        StepKind::ThankYou => Some(TouchpointKind::ThankYou),
        StepKind::FollowUp => Some(TouchpointKind::FollowUp),
        StepKind::FinalFollowUp => Some(TouchpointKind::FinalFollowUp),
        StepKind::FeedbackRequest => Some(TouchpointKind::FeedbackRequest),
        _ => None,
    }
}

fn item_view(i: &Entry) -> AgendaItem {
    let when = match i.status {
        StepStatus::Overdue => format!("was due by {}", i.latest.strftime("%a %b %-d %H:%M %Z")),
        StepStatus::Due => format!(
            "send by {} (best {})",
            i.latest.strftime("%a %b %-d %H:%M %Z"),
            i.recommended.strftime("%a %H:%M")
        ),
        _ => format!(
            "opens {}, best {}",
            i.earliest.strftime("%a %b %-d"),
            i.recommended.strftime("%a %b %-d %H:%M %Z")
        ),
    };
    AgendaItem {
        application: i.application,
        company: i.company.to_string(),
        role: i.role.to_string(),
        kind: i.kind.as_str().to_string(),
        label: i.kind.label().to_string(),
        message: message_of(i.kind).map(|m| m.as_str().to_string()),
        touchpoint: touchpoint_of(i.kind).map(|t| t.as_str().to_string()),
        to: i.to.clone(),
        status: i.status.as_str().to_string(),
        earliest: rfc3339(&i.earliest),
        due: rfc3339(&i.recommended),
        latest: rfc3339(&i.latest),
        when,
        rules: i.rules.to_vec(),
        why: i.why.to_vec(),
    }
}

/// The Today page: the agenda of the next 7 days in three groups.
pub fn today(ctx: &Ctx) -> Result<Today> {
    Ok(today_until(ctx)?.0)
}

/// [`today`], and the first moment after `ctx.now` at which it may read otherwise with
/// the same facts (`None`: never, by the clock alone).
pub fn today_until(ctx: &Ctx) -> Result<(Today, Option<Timestamp>)> {
    let (all, mut until) = followup_app::agenda::entries_until(ctx, 7, true)?;
    let day = SignedDuration::from_hours(24);
    let day_end = followup_app::time::later(ctx.now, day);
    let mut t = Today::default();
    for i in &all {
        // An upcoming item moves to "today" a day before its window opens.
        if let Ok(m) = i.earliest.timestamp().checked_sub(day) {
            if m > ctx.now && until.is_none_or(|u| m < u) {
                until = Some(m);
            }
        }
        let v = item_view(i);
        match i.status {
            StepStatus::Overdue | StepStatus::Missed => t.overdue.push(v),
            StepStatus::Due => t.today.push(v),
            StepStatus::Upcoming if i.earliest.timestamp() <= day_end => t.today.push(v),
            StepStatus::Upcoming => t.this_week.push(v),
        }
    }
    Ok((t, until))
}

/// One card of the pipeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Summary {
    /// Id.
    pub id: i64,
    /// Company.
    pub company: String,
    /// Role.
    pub role: String,
    /// active, offer, rejected, withdrawn, no-response.
    pub status: String,
    /// interviewing, waiting, final follow-up sent, offer, closed.
    pub column: String,
    /// Interviews so far.
    pub interviews: usize,
}

/// The pipeline columns, in order.
pub const COLUMNS: [&str; 5] = [
    "interviewing",
    "waiting",
    "final follow-up sent",
    "offer",
    "closed",
];

fn column(full: &ApplicationFull, now: Timestamp) -> &'static str {
    match full.application.status {
        Status::Offer => "offer",
        Status::Active => {
            let final_sent = full
                .touchpoints
                .iter()
                .any(|t| t.kind == TouchpointKind::FinalFollowUp);
            let upcoming = full.interviews.iter().any(|i| {
                !i.cancelled
                    && i.start
                        > now
                            .checked_sub(SignedDuration::from_hours(24))
                            .unwrap_or(Timestamp::MIN)
            });
            if final_sent {
                "final follow-up sent"
            } else if upcoming {
                "interviewing"
            } else {
                "waiting"
            }
        }
        _ => "closed",
    }
}

/// Every application, with its pipeline column.
pub fn applications(ctx: &Ctx) -> Result<Vec<Summary>> {
    let store = ctx.store()?;
    let apps = store.applications(true).map_err(store_err)?;
    Ok(apps
        .iter()
        .map(|f| Summary {
            id: f.application.id,
            company: f.application.company.clone(),
            role: f.application.role.clone(),
            status: f.application.status.as_str().to_string(),
            column: column(f, ctx.now).to_string(),
            interviews: f.interviews.len(),
        })
        .collect())
}

/// A bar of the timeline picture, in percent of its width.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Bar {
    /// Left edge, 0–100.
    pub x: f64,
    /// Width, 0–100.
    pub w: f64,
    /// What it is.
    pub label: String,
    /// Row (0 for days, 1.. for steps).
    pub row: usize,
}

/// The timeline picture of an application: days shaded, steps' windows, marks.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Timeline {
    /// Weekends and holidays.
    pub shaded: Vec<Bar>,
    /// Each step's window (earliest -> latest).
    pub windows: Vec<Bar>,
    /// Each step's recommended moment (w = 0).
    pub recommended: Vec<Bar>,
    /// Sent messages (w = 0).
    pub sent: Vec<Bar>,
    /// The interview (w = 0).
    pub interview: Option<f64>,
    /// Today's line, when inside the picture.
    pub today: Option<f64>,
    /// First and last day shown.
    pub from: String,
    /// Last day shown.
    pub to: String,
    /// Rows of steps.
    pub rows: usize,
}

/// The Application page: the record, its open items and its timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApplicationView {
    /// The stored record (application, interviews, contacts, touchpoints, notes).
    #[schema(value_type = Object)]
    pub full: ApplicationFull,
    /// Open items.
    pub items: Vec<AgendaItem>,
    /// The plan against what was sent.
    pub timeline: Timeline,
}

/// One application with its plan.
pub fn application(ctx: &Ctx, id: i64) -> Result<ApplicationView> {
    let store = ctx.store()?;
    let full = store.application(id).map_err(store_err)?;
    drop(store);
    let mut items = Vec::new();
    let mut timeline = Timeline::default();
    if let Some(track) = track_of(ctx, &full)? {
        let d = agenda::derive(&track, &ctx.policy, ctx.now);
        let a = &full.application;
        items = d
            .items
            .iter()
            .map(|i| item_view(&Entry::of_item(a.id, &a.company, &a.role, i)))
            .collect();
        if let Some(plan) = &d.plan {
            let tz = track.recipient.tz.clone();
            let start = track.interview.start.timestamp();
            let end = plan
                .steps
                .iter()
                .map(|s| s.latest.timestamp())
                .max()
                .unwrap_or(start)
                .max(start);
            let day = SignedDuration::from_hours(24);
            let from = (start - day).to_zoned(tz.clone()).date();
            let to = (end + day).to_zoned(tz.clone()).date();
            let t0 = from
                .to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .unwrap_or(start);
            let t1 = to
                .tomorrow()
                .ok()
                .and_then(|d| d.to_zoned(tz.clone()).ok())
                .map(|z| z.timestamp())
                .unwrap_or(end);
            let span = t1.duration_since(t0).as_secs_f64().max(1.0);
            let pct = |t: Timestamp| {
                (t.duration_since(t0).as_secs_f64() / span * 100.0).clamp(0.0, 100.0)
            };
            let mut d0 = from;
            while d0 <= to {
                let holiday = track
                    .recipient
                    .region
                    .as_ref()
                    .and_then(|r| r.holiday(d0).map(str::to_string));
                if is_weekend(d0) || holiday.is_some() {
                    if let (Ok(a), Ok(b)) = (
                        d0.to_zoned(tz.clone()),
                        d0.tomorrow().and_then(|n| n.to_zoned(tz.clone())),
                    ) {
                        let x = pct(a.timestamp());
                        timeline.shaded.push(Bar {
                            x,
                            w: pct(b.timestamp()) - x,
                            label: holiday.unwrap_or_else(|| "weekend".into()),
                            row: 0,
                        });
                    }
                }
                match d0.tomorrow() {
                    Ok(n) => d0 = n,
                    Err(_) => break,
                }
            }
            for (row, s) in plan.steps.iter().enumerate() {
                let x = pct(s.earliest.timestamp());
                timeline.windows.push(Bar {
                    x,
                    w: (pct(s.latest.timestamp()) - x).max(0.5),
                    label: format!(
                        "{}: {} → {}",
                        s.kind.label(),
                        s.earliest.datetime().strftime("%a %b %-d %H:%M"),
                        s.latest.datetime().strftime("%a %b %-d %H:%M")
                    ),
                    row: row + 1,
                });
                timeline.recommended.push(Bar {
                    x: pct(s.recommended.timestamp()),
                    w: 0.0,
                    label: format!(
                        "best: {}",
                        s.zoned(s.recommended).strftime("%a %b %-d %H:%M %Z")
                    ),
                    row: row + 1,
                });
            }
            for t in &full.touchpoints {
                if t.at >= t0 && t.at <= t1 {
                    timeline.sent.push(Bar {
                        x: pct(t.at),
                        w: 0.0,
                        label: format!("{} sent", t.kind),
                        row: 0,
                    });
                }
            }
            timeline.interview = Some(pct(start));
            if ctx.now >= t0 && ctx.now <= t1 {
                timeline.today = Some(pct(ctx.now));
            }
            timeline.from = from.to_string();
            timeline.to = to.to_string();
            timeline.rows = plan.steps.len();
        }
    }
    Ok(ApplicationView {
        full,
        items,
        timeline,
    })
}

/// Response rate and time to first reply, overall and by company type.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Stats {
    /// Applications with at least one interview.
    pub interviewed: usize,
    /// Of those, how many got any reply or outcome.
    pub responded: usize,
    /// responded / interviewed, 0–1.
    pub response_rate: f64,
    /// Median days from the first interview to the first reply.
    pub median_days_to_reply: Option<f64>,
    /// By company type.
    pub by_company_type: Vec<GroupStats>,
}

/// One company type's figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupStats {
    /// The type ("unknown" when not set).
    pub company_type: String,
    /// Interviewed.
    pub interviewed: usize,
    /// Responded.
    pub responded: usize,
    /// responded / interviewed.
    pub response_rate: f64,
}

/// The Stats page.
pub fn stats(ctx: &Ctx) -> Result<Stats> {
    let store = ctx.store()?;
    let apps = store.applications(true).map_err(store_err)?;
    let mut s = Stats::default();
    let mut days = Vec::new();
    let mut groups: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for f in &apps {
        let Some(first) = f.interviews.iter().map(|i| i.start).min() else {
            continue;
        };
        let reply = f
            .touchpoints
            .iter()
            .filter(|t| matches!(t.kind, TouchpointKind::Reply | TouchpointKind::Outcome))
            .filter(|t| t.outcome != Some(followup_store::Outcome::NoResponse))
            .map(|t| t.at)
            .min();
        s.interviewed += 1;
        let g = groups
            .entry(
                f.application
                    .company_type
                    .map_or("unknown".to_string(), |c| c.as_str().to_string()),
            )
            .or_default();
        g.0 += 1;
        if let Some(r) = reply {
            s.responded += 1;
            g.1 += 1;
            days.push(r.duration_since(first).as_secs_f64() / 86_400.0);
        }
    }
    let rate = |a: usize, b: usize| if a == 0 { 0.0 } else { b as f64 / a as f64 };
    s.response_rate = rate(s.interviewed, s.responded);
    days.sort_by(f64::total_cmp);
    s.median_days_to_reply = (!days.is_empty()).then(|| days[days.len() / 2]);
    s.by_company_type = groups
        .into_iter()
        .map(|(k, (i, r))| GroupStats {
            company_type: k,
            interviewed: i,
            responded: r,
            response_rate: rate(i, r),
        })
        .collect();
    Ok(s)
}
