//! The planned steps as calendar events (RFC 5545), in the recipient's zone: what
//! `followup export --ics` writes and the web app's `.ics` downloads serve.
//!
//! Which steps: the open items of the agenda (upcoming, due, overdue; `CONFIRMED`),
//! and the later steps of the plan after the next follow-up (`TENTATIVE`, as their
//! dates move with what is sent). Every other step the application could have — a
//! thank-you logged, a follow-up sent, follow-ups cancelled by a reply, everything of
//! a closed application — is written `STATUS:CANCELLED` under the UID it had, so a
//! calendar that saw it before removes it. Applications closed more than
//! [`KEEP_CLOSED_DAYS`] days ago are left out altogether.

use std::collections::{BTreeSet, HashMap};

use followup_core::agenda::{self, Event as Fact, Person, Track};
use followup_core::draft;
use followup_core::ical::export::{self, Alarm, Event, EventStatus};
use followup_core::model::{Channel, MessageKind, Status};
use followup_core::plan::{self, Plan, Step, StepKind, StepStatus};
use followup_store::{ApplicationFull, Profile};
use jiff::{SignedDuration, Zoned};

use crate::ctx::{store_err, track_of, Ctx};
use crate::draft::{input, recipient, user_template};
use crate::error::Result;

/// Closed applications stay in the export (as cancelled events) this long after they
/// closed, so a subscribed calendar removes their steps; then they are left out.
pub const KEEP_CLOSED_DAYS: i64 = 90;

/// How long each event lasts in the calendar.
const EVENT_MINUTES: i64 = 30;

/// The reminder goes off this long before the recommended moment.
const ALARM_MINUTES: i64 = 15;

/// How many times [`feed`] reads the applications again when a change came between
/// its reads, before it takes what it read.
const FEED_READS: usize = 5;

/// The events of `apps`, in order.
pub fn events(ctx: &Ctx, apps: &[ApplicationFull]) -> Result<Vec<Event>> {
    let mut facts = ctx.facts()?;
    let profile = facts.profile().map_err(store_err)?;
    let gens = facts.plan_gens().map_err(store_err)?;
    drop(facts);
    events_with(ctx, apps, profile.as_ref(), &gens)
}

/// The calendar of every application (closed ones too), as the calendar feed serves
/// it: the applications and their change counts (each event's `SEQUENCE`) read at one
/// state of the facts. Counts only grow and every change raises one, so counts that
/// read the same before and after the applications were read name the state they were
/// read in; a change in between reads them again.
pub fn feed(ctx: &Ctx) -> Result<String> {
    let mut facts = ctx.facts()?;
    let profile = facts.profile().map_err(store_err)?;
    let mut gens = facts.plan_gens().map_err(store_err)?;
    let mut apps = facts.applications(true).map_err(store_err)?;
    for _ in 1..FEED_READS {
        let after = facts.plan_gens().map_err(store_err)?;
        if after == gens {
            break;
        }
        gens = after;
        apps = facts.applications(true).map_err(store_err)?;
    }
    drop(facts);
    Ok(document(
        ctx,
        &events_with(ctx, &apps, profile.as_ref(), &gens)?,
    ))
}

/// The events of `apps`, with the sender's `profile` and each application's change
/// count.
fn events_with(
    ctx: &Ctx,
    apps: &[ApplicationFull],
    profile: Option<&Profile>,
    gens: &HashMap<i64, i64>,
) -> Result<Vec<Event>> {
    let mut drafts = Drafts {
        profile,
        templates: HashMap::new(),
    };
    let mut events = Vec::new();
    for full in apps {
        let gen = gens.get(&full.application.id).copied().unwrap_or(0);
        events_of(ctx, full, gen, &mut drafts, &mut events)?;
    }
    Ok(events)
}

/// The calendar document of `events`, stamped now.
pub fn document(ctx: &Ctx, events: &[Event]) -> String {
    export::write("followup", events, ctx.now)
}

/// The calendar of `apps` (the `.ics` file).
pub fn calendar(ctx: &Ctx, apps: &[ApplicationFull]) -> Result<String> {
    Ok(document(ctx, &events(ctx, apps)?))
}

/// The sender's profile and the user's templates, read once.
struct Drafts<'a> {
    profile: Option<&'a Profile>,
    templates: HashMap<MessageKind, Option<(String, String)>>,
}

impl Drafts<'_> {
    /// The draft of one step as text for the description: `Subject: ...`, a blank
    /// line, the body; or one line saying why there is none.
    fn text(
        &mut self,
        full: &ApplicationFull,
        kind: MessageKind,
        to: Option<&Person>,
        at: &Zoned,
    ) -> String {
        let Some(profile) = self.profile else {
            return "No draft: set a sender profile with `followup profile --name \"Your Name\" \
                    --email you@example.com`, then export again."
                .to_string();
        };
        let contact = match to.and_then(|p| full.contact(p.id)) {
            Some(c) => c,
            None => match recipient(full, kind, None) {
                Ok(c) => c,
                Err(e) => return format!("No draft: {e}"),
            },
        };
        let template = match self.templates.get(&kind) {
            Some(t) => t.clone(),
            None => {
                let t = user_template(kind)
                    .ok()
                    .flatten()
                    .map(|(path, source)| (path.display().to_string(), source));
                self.templates.insert(kind, t.clone());
                t
            }
        };
        let facts = input(full, kind, profile, contact, at.timestamp());
        let rendered = match &template {
            Some((name, source)) => draft::render_with(&facts, name, source),
            None => draft::render(&facts),
        };
        match rendered {
            Ok(d) => match &d.subject {
                Some(s) => format!("Subject: {s}\n\n{}", d.body.trim_end()),
                None => d.body.trim_end().to_string(),
            },
            Err(e) => format!("No draft: {e}"),
        }
    }
}

/// The message drafted for a step, if any (a "move on" has none).
pub(crate) fn message_kind(kind: StepKind, channel: Channel) -> Option<MessageKind> {
    match (kind, channel) {
        (StepKind::ThankYou, Channel::Letter) => Some(MessageKind::Letter),
        (StepKind::ThankYou, _) => Some(MessageKind::ThankYou),
        (StepKind::FollowUp | StepKind::FinalFollowUp, Channel::Phone) => {
            Some(MessageKind::PhoneScript)
        }
        (StepKind::FollowUp, _) => Some(MessageKind::FollowUp),
        (StepKind::FinalFollowUp, _) => Some(MessageKind::FinalFollowUp),
        (StepKind::FeedbackRequest, _) => Some(MessageKind::FeedbackRequest),
        (StepKind::MoveOn, _) => None,
    }
}

/// The order of the follow-up steps, to find the plan's steps after the next one.
fn rank(kind: StepKind) -> u8 {
    match kind {
        StepKind::ThankYou => 0,
        StepKind::FollowUp => 1,
        StepKind::FinalFollowUp => 2,
        StepKind::MoveOn => 3,
        StepKind::FeedbackRequest => 4,
    }
}

/// "Thank-you letter", "Follow-up call", ...
fn what(kind: StepKind, channel: Channel) -> String {
    match (kind, channel) {
        (StepKind::ThankYou, Channel::Letter) => "Thank-you letter".into(),
        (StepKind::FollowUp | StepKind::FinalFollowUp, Channel::Phone) => {
            format!("{} call", kind.label())
        }
        _ => kind.label().into(),
    }
}

/// "11:00 EST" when on the same day as `from`, else "Wed Dec 2 11:00 EST".
fn by(latest: &Zoned, from: &Zoned) -> String {
    if latest.date() == from.date() {
        latest.strftime("%H:%M %Z").to_string()
    } else {
        latest.strftime("%a %b %-d %H:%M %Z").to_string()
    }
}

/// One step to put in the calendar.
struct Live<'a> {
    kind: StepKind,
    to: Option<Person>,
    /// For a thank-you of a round before the latest, that round's interview id.
    round: Option<i64>,
    step: &'a Step,
    status: EventStatus,
    /// The agenda's status, for an open item.
    agenda: Option<StepStatus>,
}

/// The events of one application: its steps, and its cancelled ones.
fn events_of(
    ctx: &Ctx,
    full: &ApplicationFull,
    plan_gen: i64,
    drafts: &mut Drafts<'_>,
    out: &mut Vec<Event>,
) -> Result<()> {
    let app = &full.application;
    if let (false, Some(closed)) = (app.status == Status::Active, app.closed_at) {
        if ctx.now.duration_since(closed) > SignedDuration::from_hours(24 * KEEP_CLOSED_DAYS) {
            return Ok(());
        }
    }
    // Every round cancelled: what was planned for the last one leaves the calendar.
    let (track, rounds_cancelled) = match track_of(ctx, full)? {
        Some(t) => (t, false),
        None => {
            let Some(last) = full.interviews.iter().max_by_key(|i| i.start) else {
                return Ok(());
            };
            let mut as_if = full.clone();
            for i in &mut as_if.interviews {
                i.cancelled = i.cancelled && i.id != last.id;
            }
            match track_of(ctx, &as_if)? {
                Some(t) => (t, true),
                None => return Ok(()),
            }
        }
    };
    let derived = agenda::derive(&track, &ctx.policy, ctx.now);
    let base: Plan = match &derived.plan {
        Some(p) => p.clone(),
        None => plan::plan(&track.interview, &track.recipient, &ctx.policy),
    };
    // `plan_gen` only grows, by one at least with every row written or deleted that
    // can move or cancel a step (a moved round too). A fact taken back (a deleted
    // touchpoint: the undo of a log) takes one from the count of facts as it raises
    // `plan_gen` by one, so the changes count twice: every later version carries a
    // higher SEQUENCE, and none a lower one than the facts plus `plan_gen` that
    // earlier versions of this program wrote.
    let facts = i64::try_from(full.interviews.len() + full.touchpoints.len()).unwrap_or(0);
    let sequence =
        u32::try_from(facts.saturating_add(plan_gen.max(0).saturating_mul(2))).unwrap_or(u32::MAX);

    let mut live: Vec<Live> = derived
        .items
        .iter()
        .filter(|_| !rounds_cancelled)
        .map(|i| Live {
            kind: i.kind,
            to: i.to.clone(),
            round: i.round,
            step: &i.step,
            status: EventStatus::Confirmed,
            agenda: Some(i.status),
        })
        .collect();
    // The plan's steps after the next follow-up, while the application is open.
    if let (Status::Active, Some(p), false) = (app.status, &derived.plan, rounds_cancelled) {
        if let Some(next) = derived
            .items
            .iter()
            .filter(|i| i.kind != StepKind::ThankYou)
            .map(|i| rank(i.kind))
            .max()
        {
            for s in p.steps.iter().filter(|s| rank(s.kind) > next) {
                live.push(Live {
                    kind: s.kind,
                    to: None,
                    round: None,
                    step: s,
                    status: EventStatus::Tentative,
                    agenda: None,
                });
            }
        }
    }
    for l in &live {
        out.push(event(full, &track, l, sequence, drafts));
    }

    // Every other step the application could have leaves the calendar.
    let interviewers: BTreeSet<i64> = full
        .interviews
        .iter()
        .filter(|i| !i.cancelled)
        .flat_map(|i| i.interviewer_ids.iter().copied())
        .chain(track.interviewers.iter().map(|p| p.id))
        .collect();
    let mut possible: Vec<(StepKind, Option<i64>)> = if interviewers.is_empty() {
        vec![(StepKind::ThankYou, None)]
    } else {
        interviewers
            .iter()
            .map(|&id| (StepKind::ThankYou, Some(id)))
            .collect()
    };
    possible.extend([
        (StepKind::FollowUp, None),
        (StepKind::FinalFollowUp, None),
        (StepKind::MoveOn, None),
    ]);
    let outcome = track.events.iter().rev().find_map(|e| match e {
        Fact::Outcome { at, status } => Some((*at, *status)),
        _ => None,
    });
    let feedback_asked = track
        .events
        .iter()
        .any(|e| matches!(e, Fact::FeedbackRequest { .. }));
    if app.status == Status::Rejected || feedback_asked {
        possible.push((StepKind::FeedbackRequest, None));
    }
    for (kind, contact) in possible {
        if live
            .iter()
            .any(|l| l.kind == kind && l.round.is_none() && l.to.as_ref().map(|p| p.id) == contact)
        {
            continue;
        }
        let step = match kind {
            StepKind::FeedbackRequest => {
                let at = outcome.map_or(ctx.now, |o| o.0);
                plan::feedback_request(at, &track.recipient, &ctx.policy)
            }
            k => match base.steps.iter().find(|s| s.kind == k) {
                Some(s) => s.clone(),
                None => continue,
            },
        };
        let person = contact.map(|id| Person {
            id,
            name: full
                .contact(id)
                .map_or_else(|| format!("contact {id}"), |c| c.name.clone()),
        });
        let why = if rounds_cancelled {
            "interview cancelled".to_string()
        } else {
            gone_why(&track, kind, contact, outcome.map(|o| o.1))
        };
        let to = person.as_ref().map(|p| p.name.clone()).or_else(|| {
            message_kind(kind, step.channel)
                .and_then(|m| recipient(full, m, None).ok())
                .map(|c| c.name.clone())
        });
        out.push(Event {
            uid: export::uid(app.id, kind, contact),
            sequence,
            status: EventStatus::Cancelled,
            start: step.zoned(step.recommended),
            duration: SignedDuration::from_mins(EVENT_MINUTES),
            summary: format!(
                "{} ({why})",
                title(kind, step.channel, to.as_deref(), &app.company)
            ),
            description: format!(
                "No longer on the plan for the {} role at {} (application #{}): {why}.",
                app.role, app.company, app.id
            ),
            alarm: None,
        });
    }
    Ok(())
}

/// "Thank-you to Jane Doe, Acme", "Move on from Acme".
fn title(kind: StepKind, channel: Channel, to: Option<&str>, company: &str) -> String {
    match (kind, to) {
        (StepKind::MoveOn, _) => format!("Move on from {company}"),
        (_, Some(name)) => format!("{} to {name}, {company}", what(kind, channel)),
        (StepKind::ThankYou, None) => {
            format!("{} to the interviewers, {company}", what(kind, channel))
        }
        (_, None) => format!("{}, {company}", what(kind, channel)),
    }
}

/// Why a step left the plan: "done", "closed: offer", "cancelled by their reply", ...
fn gone_why(
    track: &Track,
    kind: StepKind,
    contact: Option<i64>,
    outcome: Option<Status>,
) -> String {
    let start = track.interview.start.timestamp();
    let since = || track.events.iter().filter(move |e| fact_at(e) >= start);
    let done = match kind {
        StepKind::ThankYou => track.events.iter().any(|e| {
            matches!(e, Fact::ThankYou { to, .. } if to.is_none() || contact.is_none() || *to == contact)
        }),
        StepKind::FollowUp => since().any(|e| matches!(e, Fact::FollowUp { .. })),
        StepKind::FinalFollowUp => {
            since().filter(|e| matches!(e, Fact::FollowUp { .. })).count() >= 2
                || since().any(|e| matches!(e, Fact::FollowUp { last: true, .. }))
        }
        StepKind::FeedbackRequest => track
            .events
            .iter()
            .any(|e| matches!(e, Fact::FeedbackRequest { .. })),
        StepKind::MoveOn => outcome == Some(Status::NoResponse),
    };
    if done {
        return "done".into();
    }
    if let Some(status) = outcome {
        return format!("closed: {status}");
    }
    if since().any(|e| matches!(e, Fact::Reply { .. })) && kind != StepKind::ThankYou {
        return "cancelled by their reply".into();
    }
    "no longer needed".into()
}

fn fact_at(e: &Fact) -> jiff::Timestamp {
    match e {
        Fact::ThankYou { at, .. }
        | Fact::FollowUp { at, .. }
        | Fact::Reply { at, .. }
        | Fact::FeedbackRequest { at }
        | Fact::Outcome { at, .. }
        | Fact::Reopened { at } => *at,
    }
}

/// The event of a step in force.
fn event(
    full: &ApplicationFull,
    track: &Track,
    l: &Live<'_>,
    sequence: u32,
    drafts: &mut Drafts<'_>,
) -> Event {
    let app = &full.application;
    let s = l.step;
    let message = message_kind(l.kind, s.channel);
    let to_name = l.to.as_ref().map(|p| p.name.clone()).or_else(|| {
        message
            .and_then(|m| recipient(full, m, None).ok())
            .map(|c| c.name.clone())
    });
    let head = title(l.kind, s.channel, to_name.as_deref(), &app.company);
    let when = match (l.status, l.agenda) {
        (_, Some(StepStatus::Overdue)) => {
            format!(
                "overdue: was due by {}",
                s.zoned(s.latest).strftime("%a %b %-d %H:%M %Z")
            )
        }
        (EventStatus::Tentative, _) => format!(
            "planned, due by {}",
            by(&s.zoned(s.latest), &s.zoned(s.recommended))
        ),
        _ => format!("due by {}", by(&s.zoned(s.latest), &s.zoned(s.recommended))),
    };
    let summary = format!("{head} ({when})");

    let mut d = String::new();
    if l.kind == StepKind::MoveOn {
        d.push_str(&format!(
            "Move on from the {} role at {} (application #{}): if nothing came back, \
             close it with `followup outcome {} no-response` and keep searching.\n",
            app.role, app.company, app.id, app.id
        ));
    } else {
        let to_line = to_name
            .as_ref()
            .map_or(String::new(), |n| format!(" to {n}"));
        d.push_str(&format!(
            "{}{to_line} for the {} role at {} (application #{}).\n",
            what(l.kind, s.channel),
            app.role,
            app.company,
            app.id
        ));
    }
    let tz_name = track
        .recipient
        .tz
        .iana_name()
        .unwrap_or("the recipient's zone");
    d.push_str(&format!(
        "Window ({tz_name}): {} to {}; best {}.\n",
        s.zoned(s.earliest).strftime("%a %b %-d %H:%M %Z"),
        s.zoned(s.latest).strftime("%a %b %-d %H:%M %Z"),
        s.zoned(s.recommended).strftime("%a %b %-d %H:%M %Z"),
    ));
    match (l.agenda, l.status) {
        (Some(st), _) => d.push_str(&format!("Status when exported: {}.\n", st.as_str())),
        (None, _) => d.push_str(
            "Planned: the date moves with what is sent and received; export again to update.\n",
        ),
    }
    if s.channel != Channel::None {
        d.push_str(&format!("Channel: {}", s.channel));
        if !s.alternatives.is_empty() {
            let alts: Vec<&str> = s.alternatives.iter().map(|c| c.as_str()).collect();
            d.push_str(&format!(" (also: {})", alts.join(", ")));
        }
        d.push_str(".\n");
    }
    d.push_str(&format!("\nWhy ({}):\n", s.rules.join(" ")));
    for w in s.why() {
        d.push_str(&format!("- {w}\n"));
    }
    if let Some(m) = message {
        d.push_str(&format!("\nDraft ({m}):\n"));
        d.push_str(&drafts.text(full, m, l.to.as_ref(), &s.zoned(s.recommended)));
        d.push('\n');
    }

    Event {
        uid: match l.round {
            // A thank-you of an earlier round: its own event beside the latest round's.
            Some(round) => export::uid(app.id, l.kind, l.to.as_ref().map(|p| p.id)).replacen(
                '@',
                &format!("-round{round}@"),
                1,
            ),
            None => export::uid(app.id, l.kind, l.to.as_ref().map(|p| p.id)),
        },
        sequence,
        status: l.status,
        start: s.zoned(s.recommended),
        duration: SignedDuration::from_mins(EVENT_MINUTES),
        summary: summary.clone(),
        description: d.trim_end().to_string(),
        alarm: Some(Alarm {
            before: SignedDuration::from_mins(ALARM_MINUTES),
            description: summary,
        }),
    }
}
