//! Tracker use cases: adding an application and its first round, logging what was sent.

use followup_core::agenda;
use followup_core::calendar::Region;
use followup_core::model::{CompanyType, Round, Seniority};
use followup_core::phrase;
use followup_store::model::{ContactRole, InterviewPatch, Interviewer, NewContact};
use followup_store::{
    ApplicationFull, NewApplication, NewInterview, NewNote, NewTouchpoint, NoteKind, TouchpointKind,
};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Deserialize;

use crate::ctx::{find_contact, store_err, track_of, Ctx};
use crate::error::{parse_word, Error, Result};
use crate::time;

/// One interview round as typed: flags of `followup add`, fields of a form or JSON.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundInput {
    /// Local date and time, "2026-12-01 10:00".
    pub at: String,
    /// IANA zone of the interview (else the configured one).
    #[serde(default)]
    pub tz: Option<String>,
    /// "45m", "1h" (default 1h).
    #[serde(default = "default_duration")]
    pub duration: String,
    /// screen, technical, onsite, final...
    #[serde(default)]
    pub round: Option<String>,
    /// What they said about the decision: "within a week".
    #[serde(default)]
    pub decision: Option<String>,
    /// "Jane Doe <jane@acme.com>".
    #[serde(default)]
    pub interviewer: Vec<String>,
    /// Topics discussed.
    #[serde(default)]
    pub topic: Vec<String>,
    /// Strengths shown.
    #[serde(default)]
    pub strength: Vec<String>,
    /// Gaps to address.
    #[serde(default)]
    pub gap: Vec<String>,
    /// Questions asked.
    #[serde(default)]
    pub question: Vec<String>,
    /// Where it took place.
    #[serde(default)]
    pub location: Option<String>,
}

fn default_duration() -> String {
    "1h".to_string()
}

/// A new application and its first round.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddInput {
    /// The company.
    pub company: String,
    /// The role.
    pub role: String,
    /// The first interview.
    pub round: RoundInput,
    /// Holiday region of the recipient.
    #[serde(default)]
    pub region: Option<String>,
    /// The recipient's zone, when not the interview's.
    #[serde(default)]
    pub recipient_tz: Option<String>,
    /// startup, enterprise, agency, public...
    #[serde(default)]
    pub company_type: Option<String>,
    /// junior, senior, executive...
    #[serde(default)]
    pub seniority: Option<String>,
    /// They asked for a quick decision.
    #[serde(default)]
    pub urgent: bool,
    /// Late in the process.
    #[serde(default)]
    pub late_in_process: bool,
    /// Job posting.
    #[serde(default)]
    pub link: Option<String>,
    /// Where the lead came from.
    #[serde(default)]
    pub source: Option<String>,
}

/// "Jane Doe <jane@acme.com>" or "Jane Doe".
pub fn parse_person(text: &str) -> Result<NewContact> {
    let t = text.trim();
    let (name, email) = match (t.find('<'), t.ends_with('>')) {
        (Some(i), true) => (
            t[..i].trim(),
            Some(t[i + 1..t.len() - 1].trim().to_string()),
        ),
        (None, _) if t.contains('@') && !t.contains(' ') => {
            return Err(Error::input(format!(
                "--interviewer `{text}` has no name: write \"Jane Doe <{t}>\""
            )))
        }
        (None, _) => (t, None),
        _ => {
            return Err(Error::input(format!(
                "invalid --interviewer `{text}` (expected \"Jane Doe <jane@acme.com>\")"
            )))
        }
    };
    if let Some(e) = &email {
        followup_store::validate::email("--interviewer", e).map_err(store_err)?;
    }
    let mut c = NewContact::new(name.trim_matches('"'), ContactRole::Interviewer);
    c.email = email;
    followup_store::validate::required_line("--interviewer", &c.name).map_err(store_err)?;
    Ok(c)
}

pub fn notes(r: &RoundInput) -> Vec<NewNote> {
    let mut out = Vec::new();
    for (kind, list) in [
        (NoteKind::Topic, &r.topic),
        (NoteKind::Strength, &r.strength),
        (NoteKind::Gap, &r.gap),
        (NoteKind::Question, &r.question),
    ] {
        out.extend(list.iter().map(|t| NewNote::new(kind, t.trim())));
    }
    out
}

/// A new interview round from flags, with its decision phrase read into a date. A
/// note on how `--at` was read (a time that does not exist or happens twice) goes to
/// `ctx.notes`.
pub fn new_round(ctx: &Ctx, r: &RoundInput, region: Option<&Region>) -> Result<NewInterview> {
    let settings = &ctx.settings;
    let tz_name = r.tz.as_deref().or(settings.tz.as_deref()).ok_or_else(|| {
        Error::input(
            "no time zone: pass --tz ZONE (such as America/New_York) or set tz in config.toml",
        )
    })?;
    let tz_from = match &r.tz {
        Some(_) => "--tz".to_string(),
        None => settings.origin("tz"),
    };
    let tz = time::zone(tz_name, &tz_from)?;
    let at = time::local(&r.at, &tz, "--at")?;
    ctx.notes.push(at.note);
    let start = at.zoned;
    let minutes = time::duration(&r.duration)?.as_mins();
    let mut i = NewInterview::new(
        start.timestamp(),
        tz.iana_name().unwrap_or(tz_name),
        minutes,
    );
    i.round = parse_word::<Round>(r.round.as_deref())?;
    i.location = r.location.clone();
    if let Some(p) = &r.decision {
        let d = phrase::parse_decision(p, start.date(), region).map_err(Error::input)?;
        i.decision_phrase = Some(p.trim().to_string());
        i.decision_date = Some(d.date);
    }
    for who in &r.interviewer {
        i.interviewers.push(Interviewer::New(parse_person(who)?));
    }
    i.notes = notes(r);
    Ok(i)
}

/// A built-in region code, or the name of a custom holiday calendar.
pub fn region_of(ctx: &Ctx, code: Option<&str>) -> Result<Option<Region>> {
    code.map(|c| ctx.region(c)).transpose()
}

/// The application's zone: its latest interview's, else the configured one, else UTC.
pub fn app_zone(ctx: &Ctx, full: &ApplicationFull) -> TimeZone {
    full.interviews
        .last()
        .map(|i| i.tz.as_str())
        .or(ctx.settings.tz.as_deref())
        .and_then(|name| TimeZone::get(name).ok())
        .unwrap_or(TimeZone::UTC)
}

/// The moment given with `--at`, read in the application's zone, or now. A note on
/// how it was read goes to `ctx.notes`.
pub fn when(ctx: &Ctx, full: &ApplicationFull, at: Option<&str>) -> Result<Timestamp> {
    let Some(text) = at else { return Ok(ctx.now) };
    let at = time::local(text, &app_zone(ctx, full), "--at")?;
    ctx.notes.push(at.note);
    Ok(at.zoned.timestamp())
}

/// Adds an application with its first interview (`followup add`, the New interview page).
pub fn add(ctx: &Ctx, a: &AddInput) -> Result<i64> {
    crate::limits::add(a)?;
    let region_code = a.region.as_deref().or(ctx.settings.region.as_deref());
    let region = region_of(ctx, region_code)?;
    if let Some(tz) = &a.recipient_tz {
        time::zone(tz, "--recipient-tz")?;
    }
    let round = new_round(ctx, &a.round, region.as_ref())?;
    let mut app = NewApplication::new(a.company.trim(), a.role.trim(), ctx.now);
    app.region = region.as_ref().map(|r| r.code().to_string());
    app.recipient_tz = a.recipient_tz.clone();
    app.company_type = parse_word::<CompanyType>(a.company_type.as_deref())?;
    app.seniority = parse_word::<Seniority>(a.seniority.as_deref())?;
    app.urgent = a.urgent;
    app.late_in_process = a.late_in_process;
    app.link = a.link.clone();
    app.source = a.source.clone();
    app.interviews.push(round);
    let mut store = ctx.facts()?;
    let id = store.add_application(&app).map_err(store_err)?;
    Ok(id)
}

/// A moment as the tracker shows it: "Tue Dec 1 10:00 EST".
fn local(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%a %b %-d %H:%M %Z")
        .to_string()
}

/// A round added to an application ([`add_round`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundAdded {
    /// The new interview's id.
    pub interview: i64,
    /// The `reopened` touchpoint, when a closed application was reopened.
    pub reopened: Option<i64>,
    /// The zone the round was read in.
    pub tz: String,
}

/// Adds another interview round to application `id` (`followup interview`). Without
/// `--tz` the round is read in the zone of the application's latest round. A closed
/// application is refused unless `reopen`, which records the reopening (now) in its
/// history, in the same transaction as the round.
pub fn add_round(ctx: &Ctx, id: i64, r: &RoundInput, reopen: bool) -> Result<RoundAdded> {
    crate::limits::round("", r)?;
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let region_code = full
        .application
        .region
        .as_deref()
        .or(ctx.settings.region.as_deref());
    let region = region_of(ctx, region_code)?;
    let mut input = r.clone();
    if input.tz.is_none() {
        input.tz = full
            .interviews
            .iter()
            .filter(|i| !i.cancelled)
            .max_by_key(|i| (i.start, i.id))
            .or_else(|| full.interviews.iter().max_by_key(|i| (i.start, i.id)))
            .map(|i| i.tz.clone());
    }
    let mut round = new_round(ctx, &input, region.as_ref())?;
    // People already known for this application are linked, not duplicated.
    for who in &mut round.interviewers {
        if let Interviewer::New(c) = who {
            if let Some(known) = full
                .contacts
                .iter()
                .find(|k| k.name.eq_ignore_ascii_case(&c.name))
            {
                *who = Interviewer::Id(known.id);
            }
        }
    }
    let (interview, reopened) = match store.add_round(id, &round, reopen.then_some(ctx.now)) {
        Err(followup_store::StoreError::Closed { status, .. }) => {
            return Err(Error::conflict(format!(
                "application {id} ({}) is closed ({status}): pass --reopen to add a round and reopen it",
                full.application.company
            )))
        }
        other => other.map_err(store_err)?,
    };
    Ok(RoundAdded {
        interview,
        reopened,
        tz: round.tz,
    })
}

/// A touchpoint logged ([`log`]), with the advice it goes against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// The touchpoint's id.
    pub id: i64,
    /// Advice the fact goes against, one line each with its rule id: recorded
    /// anyway, shown as warnings.
    pub warnings: Vec<String>,
}

/// Logs a message sent or a call made (`followup log`, the "done" button). A fact is
/// always recorded; what the rules advise against (a third follow-up, T5; a thank-you
/// before the interview ended, T1) comes back as warnings. Only the impossible is
/// refused: a thank-you before any interview had started.
pub fn log(
    ctx: &Ctx,
    id: i64,
    kind: &str,
    to: Option<&str>,
    at: Option<&str>,
    note: Option<&str>,
) -> Result<Logged> {
    crate::limits::line("kind", kind)?;
    crate::limits::opt_line("to", to)?;
    crate::limits::opt_line("at", at)?;
    if let Some(n) = note {
        crate::limits::text("note", n)?;
    }
    let kind: TouchpointKind = kind.parse().map_err(Error::input)?;
    if matches!(
        kind,
        TouchpointKind::Reply | TouchpointKind::Outcome | TouchpointKind::Reopened
    ) {
        return Err(Error::input(format!(
            "use `followup {}` to record a {kind}",
            match kind {
                TouchpointKind::Reply => "reply",
                TouchpointKind::Outcome => "outcome",
                _ => "interview ID --reopen",
            }
        )));
    }
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let mut t = NewTouchpoint::new(kind, when(ctx, &full, at)?);
    t.contact_id = to
        .map(|n| find_contact(&full, n))
        .transpose()
        .map_err(Error::in_body)?;
    t.note = note.map(str::to_string);
    t.channel = Some(match kind {
        TouchpointKind::Call | TouchpointKind::Voicemail => followup_core::model::Channel::Phone,
        TouchpointKind::Letter => followup_core::model::Channel::Letter,
        _ => followup_core::model::Channel::Email,
    });
    let warnings = advice(ctx, &full, &t)?;
    let tid = store.add_touchpoint(id, &t).map_err(store_err)?;
    Ok(Logged { id: tid, warnings })
}

/// What the rules advise against in logging `t`, one line each; an error for what
/// cannot have happened.
fn advice(ctx: &Ctx, full: &ApplicationFull, t: &NewTouchpoint) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    let id = full.application.id;
    if full.application.status != followup_core::model::Status::Active
        && t.kind != TouchpointKind::FeedbackRequest
    {
        warnings.push(format!(
            "application {id} is closed ({}): recorded in its history; no step is planned",
            full.application.status
        ));
    }
    let rounds: Vec<_> = full.interviews.iter().filter(|i| !i.cancelled).collect();
    match t.kind {
        TouchpointKind::ThankYou | TouchpointKind::Letter => {
            // The round thanked: the latest that had started by then (with this
            // person in it, when one is named and sat in a round).
            let sat_in = |i: &&&followup_store::model::Interview| {
                t.contact_id.is_none_or(|c| {
                    i.interviewer_ids.contains(&c)
                        || !rounds.iter().any(|r| r.interviewer_ids.contains(&c))
                })
            };
            let started = || rounds.iter().filter(|i| i.start <= t.at);
            // A person who sat only in a later round may still be thanked for an
            // earlier one: impossible only when no round had started.
            let round = started()
                .filter(sat_in)
                .max_by_key(|i| (i.start, i.id))
                .or_else(|| started().max_by_key(|i| (i.start, i.id)));
            let Some(round) = round else {
                let first = rounds.iter().map(|i| i.start).min();
                return Err(Error::input(match first {
                    Some(start) => format!(
                        "a thank-you at {} is before the first interview of application {id} started ({}): check --at",
                        local(t.at, &app_zone(ctx, full)),
                        local(start, &app_zone(ctx, full)),
                    ),
                    None => format!(
                        "application {id} has no interview that is not cancelled: nothing to thank for yet"
                    ),
                }));
            };
            let end = time::later(
                round.start,
                jiff::SignedDuration::from_mins(round.duration_minutes),
            );
            if t.at < end {
                warnings.push(format!(
                    "T1: the thank-you at {} is before the interview ended ({}); recorded as given",
                    local(t.at, &app_zone(ctx, full)),
                    local(end, &app_zone(ctx, full)),
                ));
            }
        }
        TouchpointKind::FollowUp
        | TouchpointKind::FinalFollowUp
        | TouchpointKind::Call
        | TouchpointKind::Voicemail => {
            if let Some(track) = track_of(ctx, full)? {
                let d = agenda::derive(&track, &ctx.policy, ctx.now);
                let last = full.touchpoints.iter().any(|p| {
                    p.kind == TouchpointKind::FinalFollowUp
                        && p.at >= track.interview.start.timestamp()
                });
                if d.follow_ups_sent >= 2 || last {
                    warnings.push(format!(
                        "T5: more than two follow-ups since the latest interview; recorded, and no further follow-up is planned (when nothing comes back: `followup outcome {id} no-response`)"
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(warnings)
}

/// Changes to one interview round; `None` leaves a field as it is, and an empty text
/// clears what can be cleared (round, decision, location).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundEdit {
    /// The interview's id; by default the latest round that is not cancelled.
    pub interview: Option<i64>,
    /// New local date and time, "2026-12-01 10:00", in the new zone if one is given.
    pub at: Option<String>,
    /// New IANA zone. Without `at`, the round keeps its wall-clock time in the new zone
    /// (the usual fix for a round entered in the wrong zone).
    pub tz: Option<String>,
    /// "45m", "1h".
    pub duration: Option<String>,
    pub round: Option<String>,
    /// What they said about the decision; read again from the new date when the
    /// round moves (T2).
    pub decision: Option<String>,
    pub location: Option<String>,
    pub cancelled: Option<bool>,
}

impl RoundEdit {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        RoundEdit {
            interview: None,
            ..self.clone()
        } == RoundEdit::default()
    }
}

/// A flag that may clear a field: absent leaves it (`None`), empty clears it
/// (`Some(None)`), anything else sets it, trimmed.
pub fn cleared(v: &Option<String>) -> Option<Option<String>> {
    v.as_ref().map(|s| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_string())
    })
}

/// The change `e` makes to one interview round of application `id`, checked and
/// ready to write: the interview's id and the patch. Nothing is written.
pub fn round_patch(ctx: &Ctx, id: i64, e: &RoundEdit) -> Result<(i64, InterviewPatch)> {
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let round = match e.interview {
        Some(n) => full.interviews.iter().find(|i| i.id == n).ok_or_else(|| {
            Error::input(format!(
                "application {id} has no interview {n} (its interviews: {})",
                if full.interviews.is_empty() {
                    "none".to_string()
                } else {
                    full.interviews
                        .iter()
                        .map(|i| i.id.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
        })?,
        None => full
            .interviews
            .iter()
            .filter(|i| !i.cancelled)
            .max_by_key(|i| (i.start, i.id))
            .or_else(|| full.interviews.iter().max_by_key(|i| (i.start, i.id)))
            .ok_or_else(|| Error::input(format!("application {id} has no interview to edit")))?,
    };
    let mut patch = InterviewPatch::default();
    let old_tz = time::zone(&round.tz, "the interview's zone")?;
    let tz = match &e.tz {
        Some(name) => {
            let tz = time::zone(name, "--tz")?;
            patch.tz = Some(tz.iana_name().unwrap_or(name.trim()).to_string());
            tz
        }
        None => old_tz.clone(),
    };
    let start = match &e.at {
        Some(at) => {
            let at = time::local(at, &tz, "--at")?;
            ctx.notes.push(at.note);
            at.zoned
        }
        None => {
            // The same wall-clock time, in the (new) zone.
            let wall = round.start.to_zoned(old_tz).datetime();
            let kept = time::in_zone(wall, &tz, "the interview's time")?;
            ctx.notes.push(kept.note);
            kept.zoned
        }
    };
    if start.timestamp() != round.start {
        patch.start = Some(start.timestamp());
    }
    if let Some(d) = &e.duration {
        patch.duration_minutes = Some(time::duration(d)?.as_mins());
    }
    if let Some(r) = cleared(&e.round) {
        patch.round = Some(parse_word::<Round>(r.as_deref())?);
    }
    if let Some(l) = cleared(&e.location) {
        patch.location = Some(l);
    }
    patch.cancelled = e.cancelled;
    // The decision phrase counts from the interview's date: read it again when the
    // round moves, and when it changes.
    let phrase = match cleared(&e.decision) {
        Some(p) => p,
        None if patch.start.is_some() => round.decision_phrase.clone(),
        None => None,
    };
    if let Some(p) = &phrase {
        let region = region_of(
            ctx,
            full.application
                .region
                .as_deref()
                .or(ctx.settings.region.as_deref()),
        )?;
        let d = phrase::parse_decision(p, start.date(), region.as_ref()).map_err(Error::input)?;
        patch.decision_phrase = Some(Some(p.clone()));
        patch.decision_date = Some(Some(d.date));
    } else if e.decision.is_some() {
        patch.decision_phrase = Some(None);
        patch.decision_date = Some(None);
    }
    if patch == InterviewPatch::default() {
        return Err(Error::input(
            "nothing to change in the interview: pass --at, --tz, --duration, --round, --decision, --location or --cancelled",
        ));
    }
    Ok((round.id, patch))
}

/// Records their reply (`followup reply`, accepting a mail proposal) at `at`, from the
/// contact `from` if known, with the timeline they gave read into a date from the
/// reply's own day (T9: a reply cancels pending follow-ups; one with a timeline
/// re-plans from it). Returns the touchpoint's id.
pub fn reply_at(
    ctx: &Ctx,
    id: i64,
    at: Timestamp,
    decision: Option<&str>,
    from: Option<i64>,
    note: Option<&str>,
) -> Result<i64> {
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let mut t = NewTouchpoint::new(TouchpointKind::Reply, at);
    t.note = note.map(str::to_string);
    t.contact_id = from;
    if let Some(p) = decision {
        let region = region_of(ctx, full.application.region.as_deref())?;
        let d =
            phrase::parse_decision(p, at.to_zoned(app_zone(ctx, &full)).date(), region.as_ref())
                .map_err(Error::input)?;
        t.decision_phrase = Some(p.trim().to_string());
        t.decision_date = Some(d.date);
    }
    store.add_touchpoint(id, &t).map_err(store_err)
}

/// As [`reply_at`], with `at` and the contact as typed (`followup reply ID --at
/// --from`).
pub fn reply(
    ctx: &Ctx,
    id: i64,
    at: Option<&str>,
    decision: Option<&str>,
    from: Option<&str>,
    note: Option<&str>,
) -> Result<i64> {
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let at = when(ctx, &full, at)?;
    let from = from
        .map(|n| find_contact(&full, n))
        .transpose()
        .map_err(Error::in_body)?;
    drop(store);
    reply_at(ctx, id, at, decision, from, note)
}

/// Records the outcome (`followup outcome`, accepting a mail proposal) at `at` and
/// closes the application with it. Returns the touchpoint's id.
pub fn outcome_at(
    ctx: &Ctx,
    id: i64,
    outcome: followup_store::Outcome,
    at: Timestamp,
    note: Option<&str>,
) -> Result<i64> {
    let mut store = ctx.facts()?;
    store.application(id).map_err(store_err)?;
    let mut t = NewTouchpoint::new(TouchpointKind::Outcome, at);
    t.outcome = Some(outcome);
    t.note = note.map(str::to_string);
    // Recording an outcome closes the application with it (one transaction).
    store.add_touchpoint(id, &t).map_err(store_err)
}

/// As [`outcome_at`], with the outcome and `at` as typed (`followup outcome ID OUTCOME
/// --at`).
pub fn outcome(
    ctx: &Ctx,
    id: i64,
    outcome: &str,
    at: Option<&str>,
    note: Option<&str>,
) -> Result<i64> {
    let o: followup_store::Outcome = outcome.trim().parse().map_err(Error::input)?;
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let at = when(ctx, &full, at)?;
    drop(store);
    outcome_at(ctx, id, o, at, note)
}

/// Changes to an application's facts and, optionally, to one of its rounds
/// (`followup edit`): `None` leaves a field, an empty text clears an optional one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditInput {
    pub company: Option<String>,
    pub role: Option<String>,
    pub source: Option<String>,
    pub link: Option<String>,
    pub urgent: Option<bool>,
    pub late_in_process: Option<bool>,
    /// A built-in region code or a custom calendar's name.
    pub region: Option<String>,
    /// IANA zone of the recipients.
    pub recipient_tz: Option<String>,
    pub company_type: Option<String>,
    pub seniority: Option<String>,
    /// The round's changes.
    pub round: RoundEdit,
}

/// Changes an application (`followup edit`, the application page, `PATCH
/// /api/applications/{id}`). Everything is checked before anything is written, and
/// written in one transaction: a refused date or phrase changes nothing. Returns the
/// application as it was before.
pub fn edit(ctx: &Ctx, id: i64, e: &EditInput) -> Result<ApplicationFull> {
    let mut patch = followup_store::ApplicationPatch {
        company: e.company.clone(),
        role: e.role.clone(),
        source: cleared(&e.source),
        link: cleared(&e.link),
        urgent: e.urgent,
        late_in_process: e.late_in_process,
        ..followup_store::ApplicationPatch::default()
    };
    if let Some(r) = cleared(&e.region) {
        patch.region = Some(
            r.map(|c| ctx.region(&c).map(|r| r.code().to_string()))
                .transpose()?,
        );
    }
    if let Some(z) = cleared(&e.recipient_tz) {
        if let Some(z) = &z {
            time::zone(z, "--recipient-tz")?;
        }
        patch.recipient_tz = Some(z);
    }
    if let Some(t) = cleared(&e.company_type) {
        patch.company_type = Some(parse_word::<CompanyType>(t.as_deref())?);
    }
    if let Some(s) = cleared(&e.seniority) {
        patch.seniority = Some(parse_word::<Seniority>(s.as_deref())?);
    }
    if patch == followup_store::ApplicationPatch::default() && e.round.is_empty() {
        return Err(Error::input(
            "nothing to change: pass --company, --role, --region, ... or, for a round, --at, --tz, --decision, ...",
        ));
    }
    let round = if e.round.is_empty() {
        None
    } else {
        Some(round_patch(ctx, id, &e.round)?)
    };
    let mut store = ctx.facts()?;
    let before = store.application(id).map_err(store_err)?;
    match round {
        Some((interview, ip)) => store
            .update_application_and_interview(id, &patch, interview, &ip)
            .map_err(store_err)?,
        None => store.update_application(id, &patch).map_err(store_err)?,
    }
    Ok(before)
}

/// Deletes an application and its whole history (`followup delete`, after the
/// question was answered); returns it as it was.
pub fn delete(ctx: &Ctx, id: i64) -> Result<ApplicationFull> {
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    store.delete_application(id).map_err(store_err)?;
    Ok(full)
}

/// Removes what was just recorded for application `id`: touchpoint `tid`, or by
/// default the one recorded last. When it was an outcome (or a reopening) the status
/// goes back to what the history left says, in the same transaction. Returns the
/// touchpoint as it was.
pub fn undo(ctx: &Ctx, id: i64, tid: Option<i64>) -> Result<followup_store::Touchpoint> {
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let t = match tid {
        Some(t) => full.touchpoints.iter().find(|p| p.id == t).ok_or_else(|| {
            Error::not_found(format!("no touchpoint with id {t} in application {id}"))
        })?,
        None => full
            .touchpoints
            .iter()
            .max_by_key(|p| p.id)
            .ok_or_else(|| {
                Error::input(format!("application {id} has nothing recorded to undo"))
            })?,
    }
    .clone();
    store.delete_touchpoint(id, t.id).map_err(store_err)?;
    Ok(t)
}

/// As [`log`], at an instant already read, to a contact already found (accepting a
/// mail proposal: the message's own time).
pub fn log_at(
    ctx: &Ctx,
    id: i64,
    kind: TouchpointKind,
    to: Option<i64>,
    at: Timestamp,
    note: Option<&str>,
) -> Result<Logged> {
    let mut store = ctx.facts()?;
    let full = store.application(id).map_err(store_err)?;
    let mut t = NewTouchpoint::new(kind, at);
    t.contact_id = to;
    t.note = note.map(str::to_string);
    t.channel = Some(followup_core::model::Channel::Email);
    let warnings = advice(ctx, &full, &t)?;
    let tid = store.add_touchpoint(id, &t).map_err(store_err)?;
    Ok(Logged { id: tid, warnings })
}
