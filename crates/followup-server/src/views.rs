//! What the pages and the API show, computed from the store through `followup-app`.

use followup_app::agenda::{Entry, Group};
use followup_app::ctx::{store_err, track_of};
use followup_app::{Ctx, Result};
use followup_core::agenda;
use followup_core::calendar::is_weekend;
use followup_core::draft::Draft;
use followup_core::model::{MessageKind, Status};
use followup_core::plan::{StepKind, StepStatus};
use followup_store::model::Contact;
use followup_store::{ApplicationFull, Profile, TouchpointKind};
use jiff::tz::TimeZone;
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
    /// The agenda group in the user's day: overdue, due_now, opens_today, tomorrow,
    /// this_week, later.
    pub group: String,
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
    /// Due now, or opening later today (the user's day).
    pub today: Vec<AgendaItem>,
    /// Opening tomorrow or later within the week.
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

fn item_view(i: &Entry, today: &jiff::Zoned) -> AgendaItem {
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
        group: Group::of(i, today).as_str().to_string(),
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
    let (lines, until) = today_lines(ctx)?;
    let mut t = Today::default();
    for l in lines {
        match l.group {
            Group::Overdue => t.overdue.push(l.item),
            Group::DueNow | Group::OpensToday => t.today.push(l.item),
            _ => t.this_week.push(l.item),
        }
    }
    Ok((t, until))
}

/// One line of the Today page: the item and how the line reads it.
#[derive(Debug, Clone)]
pub struct TodayLine {
    /// The item, as the API gives it.
    pub item: AgendaItem,
    /// Its group in the user's day.
    pub group: Group,
    /// To whom: the recipient's name, or the words for interviewers not yet named.
    pub to: Option<String>,
    /// "send by", "was due", "opens".
    pub verb: &'static str,
    /// The moment the line is about, in the user's zone: "today 17:00", "Wed Dec 2, 17:00".
    pub when_user: String,
    /// The same moment on the recipient's clock, when it reads otherwise: "22:00 GMT".
    pub when_them: Option<String>,
    /// That moment (RFC 3339), for `<time datetime>`.
    pub moment: String,
    /// Whole days past the window's end (overdue items), else 0.
    pub late_days: i64,
    /// Where the line sorts within its group.
    pub key: Timestamp,
    /// A queued message of the outbox does this step: "Mon 09:00 their time (today
    /// 15:00 yours)".
    pub scheduled: Option<String>,
    /// Its message failed: the server's words.
    pub failed: Option<String>,
    /// Whether "close: no response" fits the line (follow-ups and moving on, not a
    /// thank-you nor a feedback request).
    pub closable: bool,
}

/// How a thank-you with nobody named is addressed on the web.
pub fn unnamed_interviewers() -> String {
    "your interviewers (no names yet: add them on the application page)".to_string()
}

/// The outbox's word on a step: a queued message doing it ("Mon 09:00 their time"), or
/// the server's words of a failed one.
fn outbox_note(
    ctx: &Ctx,
    messages: &[followup_store::OutboxMessage],
    zones: &mut std::collections::HashMap<i64, TimeZone>,
    i: &Entry,
    user: &TimeZone,
) -> (Option<String>, Option<String>) {
    use followup_store::OutboxState;
    let Some(kind) = message_of(i.kind) else {
        return (None, None);
    };
    let mine = |m: &&followup_store::OutboxMessage| {
        m.application_id == i.application
            && m.kind == kind.as_str()
            && i.to.as_ref().is_none_or(|to| *to == m.to_name)
    };
    let queued = messages
        .iter()
        .filter(mine)
        .filter(|m| matches!(m.state, OutboxState::Queued | OutboxState::Sending))
        .min_by_key(|m| m.next_try.max(m.at));
    if let Some(m) = queued {
        let theirs = zones
            .entry(i.application)
            .or_insert_with(|| {
                followup_app::outbox::zone_of(ctx, i.application).unwrap_or(TimeZone::UTC)
            })
            .clone();
        let t = m.next_try.max(m.at);
        let z = t.to_zoned(theirs);
        let text = match their_time(&z, user) {
            Some(_) => format!(
                "{} their time ({} yours)",
                z.strftime("%a %H:%M"),
                user_time(t, user, ctx.now)
            ),
            None => user_time(t, user, ctx.now),
        };
        return (Some(text), None);
    }
    let failed = messages
        .iter()
        .filter(mine)
        .filter(|m| m.state == OutboxState::Failed)
        .max_by_key(|m| m.id)
        .map(|m| m.error.clone().unwrap_or_else(|| "failed".into()));
    (None, failed)
}

/// How many days an overdue item may be late and still show unfolded on Today.
pub const FOLD_AFTER_DAYS: i64 = 30;

/// A moment on the user's clock, as a line reads it: "today 17:00", "tomorrow 09:00",
/// "Wed Dec 2, 17:00" (with the year when not this one).
pub fn user_time(t: Timestamp, tz: &TimeZone, now: Timestamp) -> String {
    let z = t.to_zoned(tz.clone());
    let today = now.to_zoned(tz.clone()).date();
    let days = (z.date() - today).get_days();
    match days {
        0 => z.strftime("today %H:%M").to_string(),
        1 => z.strftime("tomorrow %H:%M").to_string(),
        -1 => z.strftime("yesterday %H:%M").to_string(),
        _ if z.year() == today.year() => z.strftime("%a %b %-d, %H:%M").to_string(),
        _ => z.strftime("%a %b %-d %Y, %H:%M").to_string(),
    }
}

/// The same moment on the recipient's clock when their offset differs from the user's:
/// "22:00 GMT", or "Thu 03:00 JST" when it falls on another day there.
pub fn their_time(z: &jiff::Zoned, user: &TimeZone) -> Option<String> {
    let t = z.timestamp();
    let mine = t.to_zoned(user.clone());
    (mine.offset() != z.offset()).then(|| {
        if mine.date() == z.date() {
            z.strftime("%H:%M %Z").to_string()
        } else {
            z.strftime("%a %H:%M %Z").to_string()
        }
    })
}

/// The Today page's lines, in the agenda's order (the page sorts them: [`sort_lines`]),
/// and the first moment after
/// `ctx.now` at which they may read otherwise with the same facts.
pub fn today_lines(ctx: &Ctx) -> Result<(Vec<TodayLine>, Option<Timestamp>)> {
    let (all, mut until) = followup_app::agenda::entries_until(ctx, 7, true)?;
    // The groups follow the user's day: they change at the start of a day too.
    let tz = followup_app::agenda::user_zone(ctx);
    let today = ctx.now.to_zoned(tz.clone());
    let mut lines = Vec::with_capacity(all.len());
    let messages = followup_app::outbox::list(ctx).unwrap_or_default();
    let mut zones = std::collections::HashMap::new();
    for i in &all {
        if let Some(m) = followup_app::agenda::group_changes_after(i, ctx.now, &tz) {
            if until.is_none_or(|u| m < u) {
                until = Some(m);
            }
        }
        let group = Group::of(i, &today);
        let (verb, at) = match group {
            Group::Overdue => ("was due", &i.latest),
            Group::DueNow => ("send by", &i.latest),
            _ => ("opens", &i.earliest),
        };
        let t = at.timestamp();
        let late_days = match group {
            Group::Overdue => ctx.now.duration_since(i.latest.timestamp()).as_secs() / 86_400,
            _ => 0,
        };
        let to =
            i.to.clone()
                .or_else(|| (i.kind == StepKind::ThankYou).then(unnamed_interviewers));
        let (scheduled, failed) = outbox_note(ctx, &messages, &mut zones, i, &tz);
        lines.push(TodayLine {
            item: item_view(i, &today),
            group,
            to,
            verb,
            when_user: user_time(t, &tz, ctx.now),
            when_them: their_time(at, &tz),
            moment: rfc3339(at),
            late_days,
            key: t,
            scheduled,
            failed,
            closable: matches!(
                i.kind,
                StepKind::FollowUp | StepKind::FinalFollowUp | StepKind::MoveOn
            ),
        });
    }
    Ok((lines, until))
}

/// The lines in the order Today shows them: by group, and within a group by the moment
/// the line names (overdue oldest first); items of the same moment keep their order.
pub fn sort_lines(lines: &mut [TodayLine]) {
    lines.sort_by_key(|l| (l.group, l.key));
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
    Ok(applications_until(ctx)?.0)
}

/// [`applications`], and the first moment after `ctx.now` at which a column may change
/// by the clock alone (an interview 24 hours past: "interviewing" becomes "waiting").
pub fn applications_until(ctx: &Ctx) -> Result<(Vec<Summary>, Option<Timestamp>)> {
    let mut store = ctx.facts()?;
    let apps = store.applications(true).map_err(store_err)?;
    let until = column_changes_after(&apps, ctx.now);
    let list = apps
        .iter()
        .map(|f| Summary {
            id: f.application.id,
            company: f.application.company.clone(),
            role: f.application.role.clone(),
            status: f.application.status.as_str().to_string(),
            column: column(f, ctx.now).to_string(),
            interviews: f.interviews.len(),
        })
        .collect();
    Ok((list, until))
}

/// One card of the board: the application, its next step and the people in it.
#[derive(Debug, Clone)]
pub struct Card {
    /// The application.
    pub s: Summary,
    /// The next step: what ("Follow-up"), when on the user's clock, whether late.
    pub next: Option<(String, String, bool)>,
    /// Everyone in it, by name.
    pub people: Vec<String>,
}

/// The board: every application with its column, next step and people, those matching
/// `q` (company, role or a person's name; empty: all).
pub fn board(ctx: &Ctx, q: &str) -> Result<Vec<Card>> {
    Ok(search(&board_until(ctx)?.0, q).cloned().collect())
}

/// The cards of `all` that match `q` (company, role or a person's name; empty: all).
pub fn search<'a>(all: &'a [Card], q: &str) -> impl Iterator<Item = &'a Card> {
    let needle = q.trim().to_lowercase();
    all.iter().filter(move |c| {
        needle.is_empty()
            || c.s.company.to_lowercase().contains(&needle)
            || c.s.role.to_lowercase().contains(&needle)
            || c.people.iter().any(|p| p.to_lowercase().contains(&needle))
    })
}

/// Every card of the board ([`board`] without a search), and the first moment after
/// `ctx.now` at which the board may read otherwise with the same facts: a step's
/// status or the agenda changes ([`followup_app::agenda::entries_until`]), a column
/// changes (an interview 24 hours past), or the user's day ends (groups and "today"
/// follow it).
pub fn board_until(ctx: &Ctx) -> Result<(Vec<Card>, Option<Timestamp>)> {
    let mut store = ctx.facts()?;
    let apps = store.applications(true).map_err(store_err)?;
    drop(store);
    let tz = followup_app::agenda::user_zone(ctx);
    let today = ctx.now.to_zoned(tz.clone());
    let (entries, mut until) = followup_app::agenda::entries_until(ctx, 366, false)?;
    let mut earlier = |m: Option<Timestamp>| {
        if let Some(m) = m.filter(|m| *m > ctx.now) {
            if until.is_none_or(|u| m < u) {
                until = Some(m);
            }
        }
    };
    earlier(
        today
            .date()
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned(tz.clone()).ok())
            .map(|z| z.timestamp()),
    );
    earlier(column_changes_after(&apps, ctx.now));
    let mut next: std::collections::HashMap<i64, (Group, Timestamp, String, bool)> =
        Default::default();
    for e in entries {
        let g = Group::of(&e, &today);
        let at = match g {
            Group::Overdue | Group::DueNow => e.latest.timestamp(),
            _ => e.earliest.timestamp(),
        };
        let better = next
            .get(&e.application)
            .is_none_or(|(g0, t0, _, _)| (g, at) < (*g0, *t0));
        if better {
            next.insert(
                e.application,
                (g, at, e.kind.label().to_string(), g == Group::Overdue),
            );
        }
    }
    let cards = apps
        .iter()
        .map(|f| {
            let id = f.application.id;
            Card {
                s: Summary {
                    id,
                    company: f.application.company.clone(),
                    role: f.application.role.clone(),
                    status: f.application.status.as_str().to_string(),
                    column: column(f, ctx.now).to_string(),
                    interviews: f.interviews.len(),
                },
                next: next.get(&id).map(|(g, at, label, late)| {
                    let verb = match g {
                        Group::Overdue => "was due",
                        Group::DueNow => "by",
                        _ => "from",
                    };
                    (
                        label.clone(),
                        format!("{verb} {}", user_time(*at, &tz, ctx.now)),
                        *late,
                    )
                }),
                people: f.contacts.iter().map(|c| c.name.clone()).collect(),
            }
        })
        .collect();
    Ok((cards, until))
}

/// The first moment after `now` at which a column changes by the clock alone: an
/// interview not cancelled 24 hours past ("interviewing" becomes "waiting").
fn column_changes_after(apps: &[ApplicationFull], now: Timestamp) -> Option<Timestamp> {
    apps.iter()
        .flat_map(|f| &f.interviews)
        .filter(|i| !i.cancelled)
        .filter_map(|i| i.start.checked_add(SignedDuration::from_hours(24)).ok())
        .filter(|t| *t > now)
        .min()
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
    /// When today is too far from the plan to be drawn: "today: Mon Dec 21 →".
    pub today_note: Option<String>,
    /// Whether that note points right (today after the picture) or left.
    pub today_after: bool,
    /// The day axis: one bar per day (x, w), labelled where there is room ("Tue 1",
    /// "Dec 1" when the month changes), else an empty label.
    pub days: Vec<Bar>,
    /// First and last day shown.
    pub from: String,
    /// Last day shown.
    pub to: String,
    /// Rows of steps.
    pub rows: usize,
}

/// How many days the timeline widens to show today's line (before the interview or
/// after the last window); further than that, a note points to today.
const WIDEN_DAYS: i64 = 21;

/// At most this many day labels on the axis (the others are ticks).
const MAX_LABELS: usize = 16;

/// At most this many days drawn.
const MAX_DAYS: usize = 400;

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
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    drop(store);
    let mut items = Vec::new();
    let mut timeline = Timeline::default();
    if let Some(track) = track_of(ctx, &full)? {
        let d = agenda::derive(&track, &ctx.policy, ctx.now);
        let a = &full.application;
        let today = ctx.now.to_zoned(followup_app::agenda::user_zone(ctx));
        items = d
            .items
            .iter()
            .map(|i| item_view(&Entry::of_item(a.id, &a.company, &a.role, i), &today))
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
            let mut lo = start.checked_sub(day).unwrap_or(start);
            let mut hi = followup_app::time::later(end, day);
            // Widen the picture to today when it is near enough to draw.
            let widen = SignedDuration::from_hours(24 * WIDEN_DAYS);
            if ctx.now < lo && lo.duration_since(ctx.now) <= widen {
                lo = ctx.now;
            }
            if ctx.now > hi && ctx.now.duration_since(hi) <= widen {
                hi = ctx.now;
            }
            let from = lo.to_zoned(tz.clone()).date();
            let to = hi.to_zoned(tz.clone()).date();
            let t0 = from
                .to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .unwrap_or(lo);
            let t1 = to
                .tomorrow()
                .ok()
                .and_then(|d| d.to_zoned(tz.clone()).ok())
                .map(|z| z.timestamp())
                .unwrap_or(hi);
            let span = t1.duration_since(t0).as_secs_f64().max(1.0);
            let pct = |t: Timestamp| {
                (t.duration_since(t0).as_secs_f64() / span * 100.0).clamp(0.0, 100.0)
            };
            let n_days = from
                .until(to)
                .ok()
                .and_then(|s| usize::try_from(s.get_days()).ok())
                .map_or(1, |d| d + 1)
                .clamp(1, MAX_DAYS);
            let step = n_days.div_ceil(MAX_LABELS);
            let mut index = 0usize;
            let mut d0 = from;
            while d0 <= to && index < MAX_DAYS {
                if let (Ok(a), Ok(b)) = (
                    d0.to_zoned(tz.clone()),
                    d0.tomorrow().and_then(|n| n.to_zoned(tz.clone())),
                ) {
                    let x = pct(a.timestamp());
                    let label = if !index.is_multiple_of(step) {
                        String::new()
                    } else if index == 0 || d0.day() <= i8::try_from(step).unwrap_or(i8::MAX) {
                        d0.strftime("%b %-d").to_string()
                    } else {
                        d0.strftime("%a %-d").to_string()
                    };
                    timeline.days.push(Bar {
                        x,
                        w: pct(b.timestamp()) - x,
                        label,
                        row: 0,
                    });
                }
                index += 1;
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
            } else {
                let day = ctx.now.to_zoned(tz.clone()).strftime("%a %b %-d");
                timeline.today_after = ctx.now > t1;
                timeline.today_note = Some(if timeline.today_after {
                    format!("today: {day} \u{2192}")
                } else {
                    format!("\u{2190} today: {day}")
                });
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
    /// Applications with at least one interview that happened (started before now,
    /// not cancelled).
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
    /// Median days from the first interview to the first reply, in this group.
    pub median_days_to_reply: Option<f64>,
}

/// The Stats page.
pub fn stats(ctx: &Ctx) -> Result<Stats> {
    Ok(stats_until(ctx)?.0)
}

/// [`stats`], and the first moment after `ctx.now` at which they may read otherwise
/// with the same facts: an interview not cancelled starts, and counts.
pub fn stats_until(ctx: &Ctx) -> Result<(Stats, Option<Timestamp>)> {
    let mut store = ctx.facts()?;
    let apps = store.applications(true).map_err(store_err)?;
    let mut s = Stats::default();
    let mut days = Vec::new();
    let mut groups: std::collections::BTreeMap<String, (usize, usize, Vec<f64>)> =
        Default::default();
    for f in &apps {
        // Only interviews that happened: started before now, not cancelled.
        let Some(first) = f
            .interviews
            .iter()
            .filter(|i| !i.cancelled && i.start < ctx.now)
            .map(|i| i.start)
            .min()
        else {
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
            let d = r.duration_since(first).as_secs_f64() / 86_400.0;
            days.push(d);
            g.2.push(d);
        }
    }
    // An interview counts once it started before now: from the nanosecond after.
    let until = apps
        .iter()
        .flat_map(|f| &f.interviews)
        .filter(|i| !i.cancelled && i.start >= ctx.now)
        .filter_map(|i| i.start.checked_add(SignedDuration::from_nanos(1)).ok())
        .min();
    let rate = |a: usize, b: usize| if a == 0 { 0.0 } else { b as f64 / a as f64 };
    s.response_rate = rate(s.interviewed, s.responded);
    s.median_days_to_reply = median(&mut days);
    s.by_company_type = groups
        .into_iter()
        .map(|(k, (i, r, mut d))| GroupStats {
            company_type: k,
            interviewed: i,
            responded: r,
            response_rate: rate(i, r),
            median_days_to_reply: median(&mut d),
        })
        .collect();
    Ok((s, until))
}

/// A URL the pages may turn into a link: `http://` and `https://` only, nothing that
/// could run script or open another program. Anything else is shown as text.
pub fn web_link(url: &str) -> Option<&str> {
    let u = url.trim();
    let scheme = u.split_once("://").map(|(s, _)| s.to_ascii_lowercase())?;
    let clean = !u.chars().any(|c| c.is_whitespace() || c.is_control());
    (clean && (scheme == "http" || scheme == "https") && u.len() > scheme.len() + 3).then_some(u)
}

/// A `mailto:` link for a contact's address, when it is a plain `local@domain`.
pub fn mail_link(address: &str) -> Option<String> {
    let a = address.trim();
    (followup_app::draft::plain_address(a) && !a.contains(['?', '#', '%', '&', '/']))
        .then(|| format!("mailto:{a}"))
}

/// A moment as people read it, in `tz`: "Tue Dec 1, 10:00 EST", with the year when it
/// is not the current one.
pub fn local_time(t: Timestamp, tz: &TimeZone, now: Timestamp) -> String {
    let z = t.to_zoned(tz.clone());
    if z.year() == now.to_zoned(tz.clone()).year() {
        z.strftime("%a %b %-d, %H:%M %Z").to_string()
    } else {
        z.strftime("%a %b %-d %Y, %H:%M %Z").to_string()
    }
}

/// One interview, as the Application page lists it.
#[derive(Debug, Clone)]
pub struct InterviewLine {
    /// When, in the interview's zone.
    pub when: String,
    /// The zone's name.
    pub tz: String,
    /// "technical round".
    pub round: Option<String>,
    /// Interviewers' names.
    pub with: Vec<String>,
    /// Where: the text, and a link when it is a web address.
    pub location: Option<(String, Option<String>)>,
    /// "decision \"within a week\" (2026-12-08)".
    pub decision: Option<String>,
    /// Cancelled.
    pub cancelled: bool,
}

/// One touchpoint, as the Application page lists it.
#[derive(Debug, Clone)]
pub struct HistoryLine {
    /// When, in the recipients' zone.
    pub when: String,
    /// thank-you, reply, outcome...
    pub kind: String,
    /// The outcome, or a new timeline given in a reply.
    pub extra: Option<String>,
    /// To whom it went, or who replied.
    pub who: Option<String>,
    /// The note.
    pub note: Option<String>,
}

/// The zone the recipients read the time in: the application's recipient zone, the
/// plan's recipient's, else the application's (latest interview's, configured, UTC).
pub fn recipient_zone(ctx: &Ctx, full: &ApplicationFull) -> TimeZone {
    full.application
        .recipient_tz
        .as_deref()
        .and_then(|z| TimeZone::get(z).ok())
        .or_else(|| {
            track_of(ctx, full)
                .ok()
                .flatten()
                .map(|t| t.recipient.tz.clone())
        })
        .unwrap_or_else(|| followup_app::track::app_zone(ctx, full))
}

/// The interviews, in local time, in time order.
pub fn interview_lines(ctx: &Ctx, full: &ApplicationFull) -> Vec<InterviewLine> {
    let mut list: Vec<_> = full.interviews.iter().collect();
    list.sort_by_key(|i| i.start);
    list.into_iter()
        .map(|i| {
            let tz = TimeZone::get(&i.tz).unwrap_or(TimeZone::UTC);
            InterviewLine {
                when: local_time(i.start, &tz, ctx.now),
                tz: i.tz.clone(),
                round: i.round.map(|r| format!("{r} round")),
                with: i
                    .interviewer_ids
                    .iter()
                    .filter_map(|c| full.contact(*c))
                    .map(|c| c.name.clone())
                    .collect(),
                location: i.location.as_ref().map(|l| {
                    let link = web_link(l).map(str::to_string);
                    (l.clone(), link)
                }),
                decision: match (&i.decision_phrase, i.decision_date) {
                    (Some(p), Some(d)) => Some(format!("decision \u{201c}{p}\u{201d} ({d})")),
                    (Some(p), None) => Some(format!("decision \u{201c}{p}\u{201d}")),
                    (None, Some(d)) => Some(format!("decision by {d}")),
                    (None, None) => None,
                },
                cancelled: i.cancelled,
            }
        })
        .collect()
}

/// The history, in local time (the recipients' zone), with whom each went to.
pub fn history_lines(ctx: &Ctx, full: &ApplicationFull) -> Vec<HistoryLine> {
    let tz = recipient_zone(ctx, full);
    let mut list: Vec<_> = full.touchpoints.iter().collect();
    list.sort_by_key(|t| t.at);
    list.into_iter()
        .map(|t| HistoryLine {
            when: local_time(t.at, &tz, ctx.now),
            kind: t.kind.to_string(),
            extra: t.outcome.map(|o| o.to_string()).or_else(|| {
                t.decision_phrase
                    .as_ref()
                    .map(|p| format!("new timeline \u{201c}{p}\u{201d}"))
            }),
            who: t
                .contact_id
                .and_then(|c| full.contact(c))
                .map(|c| c.name.clone()),
            note: t.note.clone(),
        })
        .collect()
}

/// A draft as the Draft page, the API and the `.eml` download make it: the user's
/// template for the kind when there is one (`<config dir>/templates/`), else the
/// built-in one.
#[derive(Debug, Clone)]
pub struct Composed {
    /// The application.
    pub full: ApplicationFull,
    /// The sender.
    pub profile: Profile,
    /// The message kind.
    pub kind: MessageKind,
    /// The recipient.
    pub to: Contact,
    /// The text.
    pub draft: Draft,
}

/// Drafts `kind` (thank-you, follow-up...) for application `id`, to the contact named
/// `to` or the usual recipient.
pub fn compose(
    ctx: &Ctx,
    id: i64,
    kind: &str,
    to: Option<&str>,
) -> std::result::Result<Composed, crate::Problem> {
    use crate::Problem;
    use followup_app::draft as d;
    let kind: MessageKind = kind
        .parse::<MessageKind>()
        .map_err(|e| Problem::input(e.to_string()))?;
    let mut store = ctx.facts()?;
    let profile = store.profile().map_err(store_err)?.ok_or_else(|| {
        Problem::new(
            axum::http::StatusCode::CONFLICT,
            "No profile yet",
            "no sender profile: fill in your name and email under Settings first; drafts are signed with it",
        )
    })?;
    let full = store.application(id).map_err(store_err)?;
    drop(store);
    let contact = d::recipient_now(ctx, &full, kind, to)?.clone();
    let input = d::input(&full, kind, &profile, &contact, ctx.now);
    let draft = match d::user_template(kind)? {
        Some((path, source)) => {
            followup_core::draft::render_with(&input, &path.display().to_string(), &source)
        }
        None => followup_core::draft::render(&input),
    }
    .map_err(|e| Problem::input(e.to_string()))?;
    Ok(Composed {
        full,
        profile,
        kind,
        to: contact,
        draft,
    })
}

/// Why a kind has no `.eml` or `mailto:` form (the command line's words).
pub fn not_an_email(kind: MessageKind) -> Option<String> {
    (!followup_app::draft::is_email(kind)).then(|| {
        format!(
            "a {kind} is not an email: copy its text instead (.eml and mailto are for \
             thank-you, follow-up, final-follow-up, feedback-request and reply-to-rejection)"
        )
    })
}

/// The text as edited on the Draft page (`Subject: ...`, a blank line, the body) read
/// back into a draft.
pub fn edited(text: &str) -> Draft {
    let text = text.replace("\r\n", "\n");
    let m = followup_core::check::parse_message(&text);
    Draft {
        subject: m.subject.filter(|s| !s.trim().is_empty()),
        body: m.body.trim_end().to_string(),
    }
}

impl Composed {
    /// The `mailto:` link, for email kinds to a contact with an address.
    pub fn mailto(&self, draft: &Draft) -> Option<String> {
        use followup_app::draft as d;
        d::address_of(&self.to)
            .ok()
            .filter(|_| d::is_email(self.kind))
            .map(|a| d::mailto(a, draft))
    }

    /// The `.eml` message of `draft` (the composed one, or the text as edited);
    /// refused for kinds that are not emails.
    pub fn eml(&self, ctx: &Ctx, draft: &Draft) -> std::result::Result<String, crate::Problem> {
        if let Some(why) = not_an_email(self.kind) {
            return Err(crate::Problem::input(why));
        }
        Ok(followup_app::draft::eml(
            ctx,
            &self.full,
            self.kind,
            &self.profile,
            &self.to,
            draft,
        )?)
    }
}

/// The median: the middle value, or the mean of the two middle ones.
pub fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}
