//! `followup send` and the outbox (S1–S3): a checked message is queued for its moment
//! and leaves through the mail account when it is due; the dispatcher ([`run`]) is the
//! same for `followup outbox run` (cron, a systemd timer) and `followup serve` (every
//! minute).
//!
//! At most once: a message is marked `sending` in a committed transaction before the
//! SMTP conversation and `sent` (with the server's answer, and its touchpoint) after.
//! One dispatcher runs at a time (a lock on `<db>.outbox-lock`, released by the
//! operating system when its process ends), so a message still `sending` when a run
//! starts was left by a run that stopped: it becomes `unknown` and is never sent again
//! by itself (the user checks their Sent folder, then runs `retry` or `cancel`).

use std::path::PathBuf;

use followup_core::agenda;
use followup_core::calendar::{is_business_day, next_business_day};
use followup_core::check::{self, Context, Diagnostic, Lang, Message, Severity};
use followup_core::draft::{self, Draft};
use followup_core::model::MessageKind;
use followup_core::plan::Recipient;
use followup_core::policy::Hours;
use followup_store::model::Contact;
use followup_store::{ApplicationFull, OutboxMessage, Store};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::check::{step_of, tracked};
use crate::ctx::{store_err, track_of, Ctx};
use crate::draft::{
    address_of, bare_id, from_address, input, is_email, new_message_id, recipient_now, thread_of,
    user_template, Letter, Thread,
};
use crate::error::{Error, Result};
use crate::mail::{Account, Failure, Session, StepReport};

/// Temporary failures are retried for this long after the first one.
pub const RETRY_FOR: SignedDuration = SignedDuration::from_hours(24);

/// When a message should leave (`--at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    Now,
    /// The plan's recommended moment for the step and recipient (the default).
    Recommended,
    /// The step's earliest moment.
    Earliest,
    /// A moment the user typed: RFC 3339, or a local time in the application's zone.
    At(String),
}

impl When {
    pub fn parse(text: Option<&str>) -> When {
        match text.map(str::trim) {
            None | Some("recommended") => When::Recommended,
            Some("now") => When::Now,
            Some("earliest") => When::Earliest,
            Some(t) => When::At(t.to_string()),
        }
    }
}

/// The plan's window for a message: its step's moments, in the recipient's zone.
#[derive(Debug, Clone)]
pub struct Window {
    pub earliest: Timestamp,
    pub recommended: Timestamp,
    pub latest: Timestamp,
    pub rules: Vec<&'static str>,
}

/// The recipient's zone, holidays and business hours.
fn recipient_of(ctx: &Ctx, full: &ApplicationFull) -> Result<(Recipient, Hours)> {
    match track_of(ctx, full)? {
        Some(track) => {
            let hours = track.recipient.hours.unwrap_or(ctx.policy.hours);
            Ok((track.recipient, hours))
        }
        None => Ok((Recipient::new(TimeZone::UTC), ctx.policy.hours)),
    }
}

/// The open step of the plan a message of `kind` to `to` belongs to.
pub fn window(
    ctx: &Ctx,
    full: &ApplicationFull,
    kind: MessageKind,
    to: &Contact,
) -> Result<Option<Window>> {
    let Some(track) = track_of(ctx, full)? else {
        return Ok(None);
    };
    let derived = agenda::derive(&track, &ctx.policy, ctx.now);
    let steps = step_of(kind);
    let candidates: Vec<_> = derived
        .items
        .iter()
        .filter(|i| steps.contains(&i.kind))
        .collect();
    let item = candidates
        .iter()
        .find(|i| i.to.as_ref().is_some_and(|p| p.id == to.id))
        .or_else(|| candidates.iter().find(|i| i.to.is_none()))
        .or_else(|| {
            // A follow-up goes to one person whoever the plan named.
            (!matches!(kind, MessageKind::ThankYou | MessageKind::Letter))
                .then(|| candidates.first())
                .flatten()
        });
    Ok(item.map(|i| Window {
        earliest: i.step.zoned(i.step.earliest).timestamp(),
        recommended: i.step.zoned(i.step.recommended).timestamp(),
        latest: i.step.zoned(i.step.latest).timestamp(),
        rules: i.step.rules.to_vec(),
    }))
}

/// A message ready to be queued: what will be sent, when, and what the checker found.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub application_id: i64,
    pub contact: Contact,
    pub kind: MessageKind,
    pub at: Timestamp,
    /// The recipient's zone.
    pub zone: TimeZone,
    pub draft: Draft,
    /// The text checked, as shown with the findings, and its name.
    pub text: String,
    pub name: String,
    pub findings: Vec<Diagnostic>,
    /// Warnings about the moment (after the step's latest).
    pub warnings: Vec<String>,
    pub window: Option<Window>,
    pub new_thread: bool,
}

impl Prepared {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.warnings.len()
            + self
                .findings
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count()
    }
}

/// What `followup send` was asked.
#[derive(Debug, Clone)]
pub struct SendInput {
    pub id: i64,
    pub kind: MessageKind,
    pub to: Option<String>,
    pub when: When,
    /// `--file`: the user's text or .eml, and its name.
    pub file: Option<(String, Vec<u8>)>,
    pub new_thread: bool,
    pub lang: Lang,
    /// Words the spelling accepts besides the tracker's.
    pub words: Vec<String>,
}

/// Renders (or reads) the message, picks its moment and checks it (S1, S2). A moment
/// before the step's earliest is refused (T1–T5).
pub fn prepare(ctx: &Ctx, s: &SendInput) -> Result<Prepared> {
    if !is_email(s.kind) {
        return Err(Error::input(format!(
            "a {} is not an email: only thank-you, follow-up, final-follow-up, \
             feedback-request and reply-to-rejection are sent",
            s.kind
        )));
    }
    let (profile, full) = {
        let mut store = ctx.facts()?;
        let profile = store.profile().map_err(store_err)?.ok_or_else(|| {
            Error::conflict(
                "no sender profile: run `followup profile --name \"Your Name\" --email you@example.com` \
                 first; messages are signed with it",
            )
        })?;
        (profile, store.application(s.id).map_err(store_err)?)
    };
    let to = recipient_now(ctx, &full, s.kind, s.to.as_deref())?.clone();
    address_of(&to)?;
    let (recipient, _) = recipient_of(ctx, &full)?;
    let zone = recipient.tz.clone();
    let window = window(ctx, &full, s.kind, &to)?;
    let step_rules = |w: &Window| w.rules.join(", ");
    let at = match &s.when {
        When::Now => ctx.now,
        When::Recommended | When::Earliest => {
            let Some(w) = &window else {
                return Err(Error::input(format!(
                    "the plan of application {} has no open {} step for {}: give --at now \
                     or a moment",
                    s.id, s.kind, to.name
                )));
            };
            let t = if s.when == When::Earliest {
                w.earliest
            } else {
                w.recommended
            };
            t.max(ctx.now)
        }
        When::At(text) => crate::track::when(ctx, &full, Some(text))?,
    };
    let mut warnings = Vec::new();
    if let Some(w) = &window {
        if at < w.earliest {
            return Err(Error::input(format!(
                "{} is before the step's earliest moment, {} ({}): not too soon (S2); \
                 give --at earliest or a later moment",
                at.to_zoned(zone.clone()).strftime("%a %Y-%m-%d %H:%M %Z"),
                w.earliest
                    .to_zoned(zone.clone())
                    .strftime("%a %Y-%m-%d %H:%M %Z"),
                step_rules(w)
            )));
        }
        if at > w.latest {
            warnings.push(format!(
                "{} is after the step's latest moment, {} ({}): it will be late",
                at.to_zoned(zone.clone()).strftime("%a %Y-%m-%d %H:%M %Z"),
                w.latest
                    .to_zoned(zone.clone())
                    .strftime("%a %Y-%m-%d %H:%M %Z"),
                step_rules(w)
            ));
        }
    }

    let (name, text, msg, draft) = match &s.file {
        Some((name, bytes)) => {
            let (text, msg) =
                check::read_message(bytes).map_err(|e| Error::input(format!("{name}: {e}")))?;
            let draft = Draft {
                subject: msg.subject.clone(),
                body: msg.body.trim_end_matches(['\n', '\r']).to_string(),
            };
            (name.clone(), text, msg, draft)
        }
        None => {
            let input = input(&full, s.kind, &profile, &to, at);
            let draft = match user_template(s.kind)? {
                Some((path, source)) => {
                    draft::render_with(&input, &path.display().to_string(), &source)
                }
                None => draft::render(&input),
            }
            .map_err(Error::input)?;
            let text = crate::draft::text(&draft);
            let msg = check::parse_message(&text);
            ("<draft>".to_string(), text, msg, draft)
        }
    };
    let findings = run_checker(ctx, s, &to, at, &zone, &msg)?;
    let shown = msg.shown(&text).into_owned();
    Ok(Prepared {
        application_id: s.id,
        contact: to,
        kind: s.kind,
        at,
        zone,
        draft,
        text: shown,
        name,
        findings,
        warnings,
        window,
        new_thread: s.new_thread,
    })
}

fn run_checker(
    ctx: &Ctx,
    s: &SendInput,
    to: &Contact,
    at: Timestamp,
    zone: &TimeZone,
    msg: &Message,
) -> Result<Vec<Diagnostic>> {
    let mut t = tracked(ctx, s.id, Some(s.kind), Some(&to.name))?;
    if let Some(timing) = &mut t.timing {
        timing.send = at.to_zoned(zone.clone());
    }
    let mut words = s.words.clone();
    words.extend(t.words.iter().cloned());
    let context = Context {
        kind: Some(s.kind),
        company: t.company.as_deref(),
        recipient: Some(&to.name),
        people: &t.people,
        topics: &t.topics,
        other_companies: &t.others,
        known_words: &words,
        timing: t.timing.clone(),
        lang: s.lang,
    };
    Ok(check::check(msg, &context))
}

/// A message id nobody else gives: the draft's, with a few random characters.
fn unique_id(base: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    let (local, domain) = base.rsplit_once('@').unwrap_or((base, "localhost"));
    format!("<{local}.{:08x}@{domain}>", h.finish() as u32)
}

/// Queues a prepared message (the checker's verdict was accepted by the caller).
pub fn queue(ctx: &Ctx, p: &Prepared) -> Result<OutboxMessage> {
    let mut store = ctx.facts()?;
    let profile = store
        .profile()
        .map_err(store_err)?
        .ok_or_else(|| Error::conflict("no sender profile"))?;
    // On PostgreSQL (a hosted service) a message leaves through the service's account:
    // from its address, in the user's name, replies to the user's own address (or
    // through their own account, from its address).
    let (from, reply_to) = match ctx.pg() {
        Some(_) => {
            let from = Account::sending_for(ctx)?.address;
            let own = from_address(ctx, &profile);
            let reply_to = (!own.eq_ignore_ascii_case(&from)).then_some(own);
            (from, reply_to)
        }
        None => (from_address(ctx, &profile), None),
    };
    let thread: Option<Thread> = if p.new_thread {
        None
    } else {
        thread_of(&mut *store, p.application_id, p.contact.id, p.at)?
    };
    let id = unique_id(&new_message_id(
        p.application_id,
        p.kind,
        p.contact.id,
        ctx.now,
        &from,
    ));
    let mut letter = Letter::new(
        (&profile.name, &from),
        &p.contact,
        &p.draft,
        bare_id(&id).to_string(),
        thread.as_ref(),
    )?;
    letter.reply_to = reply_to;
    // Built once now, so a value that cannot go in a message is refused before it is
    // queued.
    letter.build(p.at.as_second(), false)?;
    let refs = (!letter.references.is_empty()).then(|| {
        letter
            .references
            .iter()
            .map(|r| format!("<{r}>"))
            .collect::<Vec<_>>()
            .join(" ")
    });
    store
        .outbox_queue(&followup_store::NewOutboxMessage {
            application_id: p.application_id,
            contact_id: p.contact.id,
            kind: p.kind.as_str().to_string(),
            at: p.at,
            from_name: letter.from_name.clone(),
            from_addr: letter.from_addr.clone(),
            to_name: letter.to_name.clone(),
            to_addr: letter.to_addr.clone(),
            subject: letter.subject.clone(),
            body: letter.body.clone(),
            message_id: id,
            in_reply_to: letter.in_reply_to.as_ref().map(|r| format!("<{r}>")),
            references: refs,
            created_at: ctx.now,
            reply_to: letter.reply_to.clone(),
        })
        .map_err(store_err)
}

/// What [`submit`] did: the message as queued, and as it stands after.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub queued: OutboxMessage,
    /// Re-read after the dispatcher ran (when its moment was now), else as queued.
    pub after: OutboxMessage,
    /// Another run held the lock: the message leaves with that run or the next.
    pub busy: bool,
    /// Why it could not be sent at once (PostgreSQL: a worker sends it later).
    pub kick_error: Option<String>,
}

/// Queues a prepared message (`followup send`, the draft page's "Send now" and
/// "Schedule", `POST /api/applications/{id}/send`) and, when its moment is now, runs
/// the dispatcher at once so it leaves now.
pub fn submit(ctx: &Ctx, p: &Prepared, clock: &dyn Fn() -> Timestamp) -> Result<Submitted> {
    let queued = queue(ctx, p)?;
    let mut after = queued.clone();
    let mut busy = false;
    let mut kick_error = None;
    if queued.at <= ctx.now {
        busy = match kick(ctx, queued.id, clock) {
            Ok(busy) => busy,
            // On PostgreSQL the message is queued (committed): what failed now is left
            // to the workers (a message claimed and not marked is recovered
            // `unknown`), and the request answers with the message as it stands, so a
            // client that sends it again does not queue a second copy. The failure is
            // said on standard error (the server's log) and in the answer.
            Err(e) if ctx.pg().is_some() => {
                eprintln!("outbox: message {} could not leave now: {e}", queued.id);
                kick_error = Some(e.to_string());
                false
            }
            Err(e) => return Err(e),
        };
        after = ctx.facts()?.outbox_message(queued.id).map_err(store_err)?;
    }
    Ok(Submitted {
        queued,
        after,
        busy,
        kick_error,
    })
}

/// Sends message `id` now if it is due: on SQLite the dispatcher runs ([`run`], every
/// due message); on PostgreSQL this message alone leaves through the service's
/// account ([`crate::pg_send`]), as a worker would send it. Whether another run held
/// the message (it leaves with that run).
pub fn kick(ctx: &Ctx, id: i64, clock: &dyn Fn() -> Timestamp) -> Result<bool> {
    let Some(pg) = ctx.pg() else {
        return Ok(run(ctx, clock)?.busy);
    };
    let account = Account::sending_for(ctx)?;
    // A connection of its own, not the pool's: a claim is a lock of the connection's
    // session, which ends with it however this call ends (an error, a panic), so a
    // message left `sending` is never held by a connection kept for later requests.
    let mut conn = pg.pool.connect_own().map_err(store_err)?;
    let report = crate::pg_send::send_due(
        &mut conn,
        &account,
        &mut |_| Ok(account.clone()),
        clock,
        Some((pg.user, id)),
        1,
        &mut |_| {
            Ok(Ctx::from_parts(
                ctx.settings.clone(),
                ctx.policy.clone(),
                ctx.now,
                ctx.db.clone(),
            )
            .on_pg(pg.clone()))
        },
    )?;
    Ok(report.owners.is_empty())
}

/// Every message of the outbox (`followup outbox`): the next to leave first.
pub fn list(ctx: &Ctx) -> Result<Vec<OutboxMessage>> {
    ctx.facts()?.outbox().map_err(store_err)
}

/// One message of the outbox.
pub fn message(ctx: &Ctx, id: i64) -> Result<OutboxMessage> {
    ctx.facts()?.outbox_message(id).map_err(store_err)
}

/// Cancels a message that has not left (`followup outbox cancel N`).
pub fn cancel(ctx: &Ctx, id: i64) -> Result<OutboxMessage> {
    ctx.facts()?.outbox_cancel(id).map_err(store_err)
}

/// Queues a failed, unknown or cancelled message again, from now (`followup outbox
/// retry N`).
pub fn retry(ctx: &Ctx, id: i64) -> Result<OutboxMessage> {
    ctx.facts()?.outbox_retry(id, ctx.now).map_err(store_err)
}

/// The bytes of a queued message, dated `date`.
pub fn bytes_of(m: &OutboxMessage, date: Timestamp) -> Result<String> {
    Letter {
        from_name: m.from_name.clone(),
        from_addr: m.from_addr.clone(),
        to_name: m.to_name.clone(),
        to_addr: m.to_addr.clone(),
        subject: m.subject.clone(),
        body: m.body.clone(),
        message_id: bare_id(&m.message_id).to_string(),
        in_reply_to: m.in_reply_to.as_deref().map(|r| bare_id(r).to_string()),
        reply_to: m.reply_to.clone(),
        references: m
            .references
            .as_deref()
            .unwrap_or("")
            .split_whitespace()
            .map(|r| bare_id(r).to_string())
            .collect(),
    }
    .build(date.as_second(), false)
}

/// The first moment at or after `t` inside the recipient's business hours and days
/// (T8).
pub fn in_business_hours(t: Timestamp, r: &Recipient, hours: Hours) -> Timestamp {
    let z = t.to_zoned(r.tz.clone());
    let region = r.region.as_ref();
    let (date, time) = (z.date(), z.time());
    if is_business_day(date, region) && time >= hours.start && time < hours.end {
        return t;
    }
    let day = if is_business_day(date, region) && time < hours.start {
        date
    } else {
        next_business_day(date.tomorrow().unwrap_or(date), region)
    };
    day.to_datetime(hours.start)
        .to_zoned(r.tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(t)
}

/// What one run of the dispatcher did.
#[derive(Debug, Default, Clone)]
pub struct RunReport {
    /// Another run holds the lock: nothing was done.
    pub busy: bool,
    /// Messages found `sending` (a run that stopped): now `unknown`.
    pub unknown: Vec<i64>,
    /// (id, to, the server's answer).
    pub sent: Vec<(i64, String, String)>,
    /// (id, next attempt, why).
    pub retrying: Vec<(i64, Timestamp, String)>,
    /// (id, the server's words).
    pub failed: Vec<(i64, String)>,
    /// On PostgreSQL, whose each message is: message id -> account id.
    pub owners: std::collections::HashMap<i64, i64>,
    /// The mail server could not be reached: the messages tried wait for their next
    /// attempt, and the run stops there.
    pub unreachable: bool,
}

impl RunReport {
    /// Message `id` failed: retrying at `after.next`, or failed for good.
    pub fn record(&mut self, id: i64, after: AfterFailure) {
        match after.next {
            Some(next) => self.retrying.push((id, next, after.error)),
            None => self.failed.push((id, after.error)),
        }
    }
}

/// The lock file of the dispatcher: `<db>.outbox-lock`.
pub fn lock_path(db: &std::path::Path) -> PathBuf {
    crate::beside::path(db, ".outbox-lock")
}

/// The dispatcher's lock (`<db>.outbox-lock`), held until the file returned is
/// dropped (or its process ends); `None` while another run holds it.
pub fn lock(db: &std::path::Path) -> Result<Option<std::fs::File>> {
    crate::beside::try_lock(lock_path(db))
}

/// What a message left `sending` says.
pub const UNKNOWN_WHY: &str = "the run sending it stopped before the server answered: it may \
    have left. Check your Sent folder, then `followup outbox retry N` or `cancel N`";

/// Sends every message due at `clock()` over one connection (S3). `clock` is read
/// for each message (the moment the server accepted it is the touchpoint's).
pub fn run(ctx: &Ctx, clock: &dyn Fn() -> Timestamp) -> Result<RunReport> {
    let mut report = RunReport::default();
    let mut store = ctx.store()?;
    let Some(held) = lock(&ctx.db)? else {
        report.busy = true;
        return Ok(report);
    };
    report.unknown = store
        .outbox_orphans_unknown(UNKNOWN_WHY)
        .map_err(store_err)?;
    let due = store.outbox_due(clock()).map_err(store_err)?;
    if due.is_empty() {
        return Ok(report);
    }
    let account = Account::from_ctx(ctx)?;
    let mut session: Option<Session> = None;
    // Accepted by the server, recorded with the next claim (one commit per message).
    let mut accepted: Option<(i64, Timestamp, String, String)> = None;
    let mut queue = due.into_iter();
    while let Some(m) = queue.next() {
        if session.is_none() {
            match Session::open(&account, &mut |_: StepReport| {}) {
                Ok(s) => session = Some(s),
                Err(f) => {
                    record_sent(&mut store, &mut accepted, &mut report)?;
                    // Nothing was handed over: every due message keeps its place.
                    failed(ctx, &mut store, &m, &f, clock(), &mut report)?;
                    for rest in queue.by_ref() {
                        failed(ctx, &mut store, &rest, &f, clock(), &mut report)?;
                    }
                    break;
                }
            }
        }
        let Some(s) = session.as_mut() else { break };
        let now = clock();
        let bytes = bytes_of(&m, now)?;
        let before = accepted
            .as_ref()
            .map(|(id, at, reply, _)| (*id, *at, reply.as_str()));
        let claimed = store
            .outbox_sent_then_claim(before, m.id)
            .map_err(store_err)?;
        if let Some((id, _, reply, to)) = accepted.take() {
            report.sent.push((id, to, reply));
        }
        if !claimed {
            continue;
        }
        match s.send(&m.to_addr, bytes.as_bytes()) {
            Ok(reply) => accepted = Some((m.id, clock(), reply, m.to_addr.clone())),
            Err(f) => {
                failed(ctx, &mut store, &m, &f, now, &mut report)?;
                if !s.usable() {
                    session = None;
                }
            }
        }
    }
    record_sent(&mut store, &mut accepted, &mut report)?;
    if let Some(s) = session {
        s.close();
    }
    drop(held);
    Ok(report)
}

fn record_sent(
    store: &mut Store,
    accepted: &mut Option<(i64, Timestamp, String, String)>,
    report: &mut RunReport,
) -> Result<()> {
    if let Some((id, at, reply, to)) = accepted.take() {
        store.outbox_sent(id, at, &reply).map_err(store_err)?;
        report.sent.push((id, to, reply));
    }
    Ok(())
}

/// What becomes of a message the server did not take ([`after_failure`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AfterFailure {
    /// The error to record.
    pub error: String,
    /// The first failure of the current series.
    pub first: Option<Timestamp>,
    /// When to try again (`None`: it failed for good).
    pub next: Option<Timestamp>,
}

/// A temporary failure is tried again later, inside the recipient's business hours,
/// for up to [`RETRY_FOR`]; a permanent one stops.
pub fn after_failure(
    ctx: &Ctx,
    m: &OutboxMessage,
    f: &Failure,
    now: Timestamp,
) -> Result<AfterFailure> {
    if !f.temporary {
        return Ok(AfterFailure {
            error: f.text.clone(),
            first: m.first_failure,
            next: None,
        });
    }
    let first = m.first_failure.unwrap_or(now);
    let give_up = first + RETRY_FOR;
    let waited = now.duration_since(first);
    let wait = (waited / 2).clamp(SignedDuration::from_mins(5), SignedDuration::from_hours(2));
    let full = ctx
        .facts()?
        .application(m.application_id)
        .map_err(store_err)?;
    let (recipient, hours) = recipient_of(ctx, &full)?;
    let next = in_business_hours(now + wait, &recipient, hours);
    if next <= give_up {
        return Ok(AfterFailure {
            error: f.text.clone(),
            first: Some(first),
            next: Some(next),
        });
    }
    Ok(AfterFailure {
        error: format!("gave up after 24 hours of temporary failures: {}", f.text),
        first: Some(first),
        next: None,
    })
}

/// Records a failure ([`after_failure`]).
fn failed(
    ctx: &Ctx,
    store: &mut Store,
    m: &OutboxMessage,
    f: &Failure,
    now: Timestamp,
    report: &mut RunReport,
) -> Result<()> {
    let after = after_failure(ctx, m, f, now)?;
    store
        .outbox_failed(m.id, &after.error, after.first, after.next)
        .map_err(store_err)?;
    report.record(m.id, after);
    Ok(())
}

/// `followup mail test`: each step, one line.
pub fn test_account(ctx: &Ctx) -> Result<Vec<StepReport>> {
    let account = Account::from_ctx(ctx)?;
    let mut steps = vec![StepReport {
        step: "account",
        ok: true,
        text: format!(
            "{} via {} ({})",
            account.address,
            account.server(),
            account.smtp_from
        ),
    }];
    if let Ok(s) = Session::open(&account, &mut |r| steps.push(r)) {
        s.close();
    }
    Ok(steps)
}

/// A new moment for a queued message (`outbox edit N --at`), refused before its
/// step's earliest moment.
pub fn reschedule(ctx: &Ctx, id: i64, when: &When) -> Result<OutboxMessage> {
    let mut store = ctx.facts()?;
    let m = store.outbox_message(id).map_err(store_err)?;
    let full = store.application(m.application_id).map_err(store_err)?;
    let kind: MessageKind = m.kind.parse().map_err(Error::input)?;
    let contact = full
        .contact(m.contact_id)
        .cloned()
        .ok_or_else(|| Error::input(format!("message {id}: its contact is gone")))?;
    let w = window(ctx, &full, kind, &contact)?;
    let at = match when {
        When::Now => ctx.now,
        When::Recommended | When::Earliest => {
            let w = w.as_ref().ok_or_else(|| {
                Error::input("the plan has no open step for this message: give a moment")
            })?;
            if *when == When::Earliest {
                w.earliest.max(ctx.now)
            } else {
                w.recommended.max(ctx.now)
            }
        }
        When::At(text) => crate::track::when(ctx, &full, Some(text))?,
    };
    if let Some(w) = &w {
        if at < w.earliest {
            return Err(Error::input(format!(
                "{at} is before the step's earliest moment, {} ({}): not too soon (S2)",
                w.earliest,
                w.rules.join(", ")
            )));
        }
    }
    store.outbox_reschedule(id, at).map_err(store_err)
}

/// The recipient's zone of an application, for showing when a message leaves.
pub fn zone_of(ctx: &Ctx, application_id: i64) -> Result<TimeZone> {
    let full = ctx
        .facts()?
        .application(application_id)
        .map_err(store_err)?;
    Ok(recipient_of(ctx, &full)?.0.tz)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_for_business_hours() {
        let r = Recipient::new(TimeZone::get("America/New_York").unwrap());
        let h = Hours::default();
        // Friday 18:00 in New York -> Monday 09:00.
        let t: Timestamp = "2026-12-04T23:00:00Z".parse().unwrap();
        let next = in_business_hours(t, &r, h);
        assert_eq!(next, "2026-12-07T14:00:00Z".parse::<Timestamp>().unwrap());
        // Inside the hours: unchanged.
        let t: Timestamp = "2026-12-04T15:00:00Z".parse().unwrap();
        assert_eq!(in_business_hours(t, &r, h), t);
        // Early morning: the same day's opening.
        let t: Timestamp = "2026-12-03T11:00:00Z".parse().unwrap();
        assert_eq!(
            in_business_hours(t, &r, h),
            "2026-12-03T14:00:00Z".parse::<Timestamp>().unwrap()
        );
    }
}
