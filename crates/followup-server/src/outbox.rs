//! Sending from the web app: the draft page's "Send now" and "Schedule", the Outbox
//! page (cancel, edit time, retry) and the same over the JSON API. Every path goes
//! through the use cases of `followup send` and `followup outbox`
//! (`followup_app::outbox`): the checker's errors refuse, its warnings need a
//! confirmation, and a message due now is handed to the dispatcher at once.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::Path;

use crate::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use followup_app::outbox::{self, Prepared, SendInput, Submitted, When};
use followup_app::Ctx;
use followup_core::check::{Lang, Severity};
use followup_core::model::MessageKind;
use followup_store::{OutboxMessage, OutboxState};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::actions::{act, form, moment, Common};
use crate::api::ApiJson;
use crate::pages::PageError;
use crate::{blocking, idempotency, views, Problem, Shared};

/// The page routes of sending.
pub fn router() -> Router {
    Router::new()
        .route("/outbox", get(outbox_page))
        .route("/applications/{id}/send", post(send_form))
        .route("/outbox/{oid}/cancel", post(cancel_form))
        .route("/outbox/{oid}/edit", post(edit_form))
        .route("/outbox/{oid}/retry", post(retry_form))
}

// ---------------------------------------------------------------------------------------
// What the page and the API share.

/// How to set up a mail account, after what is missing.
pub const SETUP: &str = "set it up in the [mail] section of config.toml: smtp = \
    \"smtps://smtp.example.com:465\" (or smtp://host:587 with STARTTLS), user = \
    \"you@example.com\" and password_command = \"pass show mail\" (or the variables \
    FOLLOWUP_SMTP, FOLLOWUP_MAIL_USER and FOLLOWUP_MAIL_PASSWORD), then restart \
    `followup serve`; `followup mail test` checks it";

/// How the operator of a hosted service (PostgreSQL) sets up the mail account its
/// users' messages leave through.
pub const SETUP_HOSTED: &str = "this service sends its users' messages through its own \
    mail account, which its operator sets up with FOLLOWUP_SMTP, FOLLOWUP_MAIL_ADDRESS, \
    FOLLOWUP_MAIL_USER and FOLLOWUP_MAIL_PASSWORD (or the [mail] section of its \
    config.toml) before starting `followup serve`";

/// Why nothing can be sent from here, when no usable mail account is configured.
pub fn no_account(ctx: &Ctx) -> Option<String> {
    let setup = if ctx.pg().is_some() {
        SETUP_HOSTED
    } else {
        SETUP
    };
    followup_app::mail::Account::sending_for(ctx)
        .err()
        .map(|e| {
            // With no server at all, the setup says everything the error would.
            if ctx
                .settings
                .mail
                .smtp
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
            {
                format!("Sending needs a mail account: {setup}.")
            } else {
                format!("Sending needs a mail account ({e}): {setup}.")
            }
        })
}

/// What a send asks.
#[derive(Debug, Clone, Default)]
pub struct SendAsk {
    pub kind: String,
    pub to: Option<String>,
    /// "now", "recommended" (the default), "earliest" or a moment.
    pub at: Option<String>,
    /// The text as edited (`Subject: ...`, a blank line, the body); else the draft.
    pub text: Option<String>,
    /// Queue it despite the checker's errors (the API only).
    pub force: bool,
    pub confirm_warnings: bool,
}

/// The findings that stop a send, one per line.
fn findings(p: &Prepared, severity: Severity) -> Vec<String> {
    p.findings
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| format!("[{}] {}:{} {}", d.rule, d.line, d.column, d.message))
        .chain(if severity == Severity::Warning {
            p.warnings.clone()
        } else {
            Vec::new()
        })
        .collect()
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// Checks, queues and (when due now) sends a message: `followup send`'s steps.
/// `confirm` names how to confirm warnings in the caller's words.
pub fn send(
    ctx: &Ctx,
    id: i64,
    ask: &SendAsk,
    clock: &dyn Fn() -> Timestamp,
    confirm: &str,
) -> Result<(Prepared, Submitted), Problem> {
    let kind: MessageKind = ask
        .kind
        .trim()
        .parse()
        .map_err(|e: followup_core::model::UnknownWord| Problem::input(e.to_string()))?;
    let input = SendInput {
        id,
        kind,
        to: ask
            .to
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        when: When::parse(ask.at.as_deref().filter(|a| !a.trim().is_empty())),
        file: ask.text.as_ref().map(|t| {
            (
                "the message".to_string(),
                t.replace("\r\n", "\n").into_bytes(),
            )
        }),
        new_thread: false,
        lang: Lang::default(),
        words: Vec::new(),
    };
    let p = outbox::prepare(ctx, &input).map_err(|e| {
        let mut p = Problem::from(e);
        p.detail = p
            .detail
            .replace(
                "give --at earliest or a later moment",
                "schedule it for the recommended moment or later",
            )
            .replace("give --at now or a moment", "send it now or give a moment");
        p
    })?;
    // After the application was found: another account's id is "not found" whatever
    // this server's mail account.
    if let Some(why) = no_account(ctx) {
        return Err(Problem::new(StatusCode::CONFLICT, "No mail account", why));
    }
    if p.errors() > 0 && !ask.force {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not sent: the checker found errors",
            format!(
                "{} to fix before sending; nothing was queued: {}",
                plural(p.errors(), "error"),
                findings(&p, Severity::Error).join("; ")
            ),
        ));
    }
    if p.warning_count() > 0 && !ask.confirm_warnings && p.errors() == 0 {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not sent: warnings to confirm",
            format!(
                "{}; nothing was queued: {}. Read them, then {confirm} to send anyway",
                plural(p.warning_count(), "warning"),
                findings(&p, Severity::Warning).join("; ")
            ),
        ));
    }
    let done = outbox::submit(ctx, &p, clock)?;
    Ok((p, done))
}

/// "Mon Dec 7, 09:00" on a clock.
fn at_on(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%a %b %-d, %H:%M %Z")
        .to_string()
}

/// "Mon Dec 7, 09:00 EST your time, 15:00 CET theirs" (theirs only when it differs).
pub fn both_zones(t: Timestamp, mine: &TimeZone, theirs: &TimeZone) -> String {
    let z = t.to_zoned(theirs.clone());
    match views::their_time(&z, mine) {
        Some(them) => format!("{} your time ({them} theirs)", at_on(t, mine)),
        None => format!("{} (your time and theirs)", at_on(t, mine)),
    }
}

/// What became of a message just submitted, in words.
fn submitted_words(ctx: &Ctx, p: &Prepared, done: &Submitted) -> String {
    let m = &done.after;
    let to = format!("{} <{}>", m.to_name, m.to_addr);
    let mine = followup_app::agenda::user_zone(ctx);
    match m.state {
        OutboxState::Sent => format!(
            "Sent the {} to {to} ({}); logged on the application.",
            m.kind,
            m.reply.as_deref().unwrap_or("accepted")
        ),
        OutboxState::Queued if done.queued.at <= ctx.now => format!(
            "Queued the {} to {to}, but it could not leave yet ({}): it is tried again by itself.",
            m.kind,
            match (&done.kick_error, done.busy) {
                (Some(e), _) => e.as_str(),
                (None, true) => "another run is sending",
                (None, false) => m.error.as_deref().unwrap_or("the server did not take it"),
            }
        ),
        OutboxState::Queued => format!(
            "Scheduled the {} to {to}: it leaves {}.",
            m.kind,
            both_zones(m.at, &mine, &p.zone)
        ),
        other => format!(
            "The {} to {to} is {other}: {}",
            m.kind,
            m.error.as_deref().unwrap_or("")
        ),
    }
}

/// Sends message `id` if due now (after a retry; on SQLite every due message),
/// ignoring a missing account (the message stays queued and the Outbox page says why).
fn kick(ctx: &Ctx, id: i64, clock: &dyn Fn() -> Timestamp) {
    if let Err(e) = outbox::kick(ctx, id, clock) {
        eprintln!("outbox: message {id} could not leave now: {e}");
    }
}

// ---------------------------------------------------------------------------------------
// The pages.

/// The draft page's send form.
#[derive(Deserialize)]
struct SendForm {
    #[serde(flatten)]
    c: Common,
    kind: String,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    text: Option<String>,
    /// "now" or "recommended".
    #[serde(default)]
    at: Option<String>,
    /// "yes": send despite the warnings.
    #[serde(default)]
    confirm_warnings: Option<String>,
}

async fn send_form(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<SendForm>, FormRejection>,
) -> Result<Response, PageError> {
    let f = form(f)?;
    let clock = s.clock();
    let request = format!("POST /applications/{id}/send");
    act(&s, request, &f.c, move |ctx| {
        let ask = SendAsk {
            kind: f.kind.clone(),
            to: f.to.clone(),
            at: f.at.clone(),
            text: f.text.clone(),
            force: false,
            confirm_warnings: f.confirm_warnings.as_deref() == Some("yes"),
        };
        let (p, done) = send(
            ctx,
            id,
            &ask,
            &clock,
            "tick \u{201c}send despite the warnings\u{201d}",
        )?;
        Ok(("/outbox".to_string(), submitted_words(ctx, &p, &done)))
    })
    .await
}

/// One message on the Outbox page.
struct OutboxLine {
    m: OutboxMessage,
    company: String,
    /// "leaves", "sent", "was to leave".
    verb: &'static str,
    when: String,
    /// The error words (failed, unknown; a queued one waiting to retry).
    error: Option<String>,
    /// The `datetime-local` value of its moment in the application's zone, and the zone.
    local: String,
    zone: String,
    can_cancel: bool,
    can_edit: bool,
    can_retry: bool,
}

#[derive(Template)]
#[template(path = "outbox.html")]
struct OutboxPage {
    lines: Vec<OutboxLine>,
    csrf: String,
    idem: String,
    /// Why nothing can leave, when no account is set up.
    no_account: Option<String>,
}

fn outbox_lines(ctx: &Ctx) -> Result<Vec<OutboxLine>, Problem> {
    let all = outbox::list(ctx)?;
    let mut store = ctx.facts()?;
    let mine = followup_app::agenda::user_zone(ctx);
    let mut apps: HashMap<i64, (String, TimeZone, TimeZone)> = HashMap::new();
    let mut lines = Vec::with_capacity(all.len());
    // The next to leave first, then the rest, latest first.
    let (mut open, mut rest): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|m| matches!(m.state, OutboxState::Queued | OutboxState::Sending));
    rest.reverse();
    open.extend(rest);
    for m in open {
        let (company, app_tz, theirs) = apps.entry(m.application_id).or_insert_with(|| {
            let (company, app_tz) = match store.application(m.application_id) {
                Ok(full) => (
                    full.application.company.clone(),
                    followup_app::track::app_zone(ctx, &full),
                ),
                Err(_) => (format!("#{}", m.application_id), TimeZone::UTC),
            };
            let theirs = outbox::zone_of(ctx, m.application_id).unwrap_or_else(|_| app_tz.clone());
            (company, app_tz, theirs)
        });
        let (verb, t) = match m.state {
            OutboxState::Sent => ("sent", m.sent_at.unwrap_or(m.at)),
            OutboxState::Queued if m.next_try > m.at => ("next try", m.next_try),
            OutboxState::Queued | OutboxState::Sending => ("leaves", m.at),
            _ => ("was to leave", m.at),
        };
        let error = match m.state {
            OutboxState::Sent | OutboxState::Cancelled => None,
            _ => m.error.clone(),
        };
        let state = m.state;
        lines.push(OutboxLine {
            company: company.clone(),
            verb,
            when: both_zones(t, &mine, theirs),
            error,
            local: m
                .at
                .max(ctx.now)
                .to_zoned(app_tz.clone())
                .strftime("%Y-%m-%dT%H:%M")
                .to_string(),
            zone: app_tz.iana_name().unwrap_or("UTC").to_string(),
            can_cancel: matches!(
                state,
                OutboxState::Queued | OutboxState::Failed | OutboxState::Unknown
            ),
            can_edit: matches!(state, OutboxState::Queued | OutboxState::Failed),
            can_retry: matches!(
                state,
                OutboxState::Failed | OutboxState::Unknown | OutboxState::Cancelled
            ),
            m,
        });
    }
    Ok(lines)
}

async fn outbox_page(State(s): State<Shared>) -> Result<Response, PageError> {
    let ctx = s.ctx();
    let (lines, no_account) = blocking(move || Ok((outbox_lines(&ctx)?, no_account(&ctx)))).await?;
    let page = OutboxPage {
        lines,
        csrf: s.csrf().to_string(),
        idem: idempotency::new_key(),
        no_account,
    }
    .render()
    .map_err(|e| Problem::internal(format!("cannot render the page: {e}")))?;
    Ok(axum::response::Html(page).into_response())
}

fn to_of(m: &OutboxMessage) -> String {
    format!("{} to {} <{}>", m.kind, m.to_name, m.to_addr)
}

async fn cancel_form(
    State(s): State<Shared>,
    Path(oid): Path<i64>,
    f: Result<Form<Common>, FormRejection>,
) -> Result<Response, PageError> {
    let c = form(f)?;
    act(&s, format!("POST /outbox/{oid}/cancel"), &c, move |ctx| {
        let m = outbox::cancel(ctx, oid)?;
        Ok((
            "/outbox".to_string(),
            format!("Cancelled message {oid}: the {} will not leave.", to_of(&m)),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(flatten)]
    c: Common,
    #[serde(default)]
    at: Option<String>,
}

async fn edit_form(
    State(s): State<Shared>,
    Path(oid): Path<i64>,
    f: Result<Form<EditForm>, FormRejection>,
) -> Result<Response, PageError> {
    let f = form(f)?;
    act(&s, format!("POST /outbox/{oid}/edit"), &f.c, move |ctx| {
        let Some(at) = moment(&f.at) else {
            return Err(Problem::input("the new time is empty: fill it in"));
        };
        let m = outbox::reschedule(ctx, oid, &When::At(at))?;
        let mine = followup_app::agenda::user_zone(ctx);
        let theirs = outbox::zone_of(ctx, m.application_id)?;
        Ok((
            "/outbox".to_string(),
            format!(
                "Message {oid} ({}) now leaves {}.",
                to_of(&m),
                both_zones(m.at, &mine, &theirs)
            ),
        ))
    })
    .await
}

async fn retry_form(
    State(s): State<Shared>,
    Path(oid): Path<i64>,
    f: Result<Form<Common>, FormRejection>,
) -> Result<Response, PageError> {
    let c = form(f)?;
    let clock = s.clock();
    act(&s, format!("POST /outbox/{oid}/retry"), &c, move |ctx| {
        let m = outbox::retry(ctx, oid)?;
        if m.next_try <= ctx.now {
            kick(ctx, oid, &clock);
        }
        let after = outbox::message(ctx, oid)?;
        let words = match after.state {
            OutboxState::Sent => format!("Sent message {oid} ({}).", to_of(&after)),
            OutboxState::Failed => format!(
                "Message {oid} failed again: {}",
                after.error.as_deref().unwrap_or("")
            ),
            _ => format!("Queued message {oid} ({}) again.", to_of(&after)),
        };
        Ok(("/outbox".to_string(), words))
    })
    .await
}

// ---------------------------------------------------------------------------------------
// The API.

/// A message of the outbox (as `followup outbox --json` prints it).
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxOut {
    /// Its number.
    pub id: i64,
    /// The application.
    pub application: i64,
    /// thank-you, follow-up, final-follow-up, feedback-request, reply-to-rejection.
    pub kind: String,
    /// `Name <address>`.
    pub to: String,
    /// When it leaves (or was to leave), RFC 3339.
    pub at: String,
    /// queued, sending, sent, failed, unknown, cancelled.
    pub state: String,
    /// Its Message-ID.
    pub message_id: String,
    /// The server's words when it failed (or why it waits for another try).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The server's answer when it was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// When the server accepted it, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    /// The next attempt after a temporary failure, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_try: Option<String>,
}

impl From<&OutboxMessage> for OutboxOut {
    fn from(m: &OutboxMessage) -> Self {
        OutboxOut {
            id: m.id,
            application: m.application_id,
            kind: m.kind.clone(),
            to: format!("{} <{}>", m.to_name, m.to_addr),
            at: m.at.to_string(),
            state: m.state.as_str().to_string(),
            message_id: m.message_id.clone(),
            error: m.error.clone(),
            reply: m.reply.clone(),
            sent_at: m.sent_at.map(|t| t.to_string()),
            next_try: (m.state == OutboxState::Queued && m.next_try > m.at)
                .then(|| m.next_try.to_string()),
        }
    }
}

/// The outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxList {
    /// Every message, the next to leave first.
    pub messages: Vec<OutboxOut>,
}

/// What to send.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendBody {
    /// thank-you, follow-up, final-follow-up, feedback-request or reply-to-rejection.
    pub kind: String,
    /// The contact's name (else the usual recipient).
    #[serde(default)]
    pub to: Option<String>,
    /// "now", "recommended" (the default: the plan's moment for the step), "earliest",
    /// or a moment (RFC 3339, or a local time in the application's zone). A moment
    /// before the step's earliest is refused.
    #[serde(default)]
    pub at: Option<String>,
    /// The text to send (`Subject: ...`, a blank line, the body); else the draft.
    #[serde(default)]
    pub text: Option<String>,
    /// Queue it despite the checker's errors.
    #[serde(default)]
    pub force: bool,
    /// Send despite the checker's (or the moment's) warnings.
    #[serde(default)]
    pub confirm_warnings: bool,
}

/// What a send did.
#[derive(Debug, Serialize, ToSchema)]
pub struct SendOut {
    /// The message's number in the outbox.
    pub outbox: i64,
    /// When it leaves (or left), RFC 3339 in the recipient's zone.
    pub at: String,
    /// queued, sent, failed...
    pub state: String,
    /// Its Message-ID.
    pub message_id: String,
    /// The server's answer, or why it has not left yet.
    pub reply: Option<String>,
    /// The warnings that were confirmed.
    pub warnings: Vec<String>,
}

/// A new moment for a queued message.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    /// "now", "recommended", "earliest", or a moment (RFC 3339, or a local time in the
    /// application's zone); refused before the step's earliest moment.
    pub at: String,
}

use idempotency::{json_answer as json, respond as answer};

/// The outbox (`followup outbox --json`).
#[utoipa::path(get, path = "/api/outbox", responses(
    (status = 200, description = "Every message of the outbox", body = OutboxList)))]
pub async fn list_outbox(State(s): State<Shared>) -> Result<Response, Problem> {
    let ctx = s.ctx();
    let list = blocking(move || {
        Ok(OutboxList {
            messages: outbox::list(&ctx)?.iter().map(OutboxOut::from).collect(),
        })
    })
    .await?;
    Ok(answer(json(StatusCode::OK, &list)?))
}

/// Checks a message and puts it in the outbox for its moment (`followup send`); a
/// message due now leaves at once.
#[utoipa::path(post, path = "/api/applications/{id}/send",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = crate::api::KEY_DOC)),
    request_body = SendBody,
    responses((status = 201, description = "Queued (and sent, when due now): the message and what became of it", body = SendOut),
        (status = 400, description = "Invalid input: a kind that is not an email, a moment before the step's earliest, no address, no profile", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No mail account is configured (the detail says how to set one up), or the Idempotency-Key was sent before with another request", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The checker found errors (without force) or warnings (without confirm_warnings), listed in the detail; a field unknown or of the wrong type", body = Problem, content_type = "application/problem+json")))]
pub async fn send_message(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SendBody>,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let clock = s.clock();
    let request = format!("POST /api/applications/{id}/send");
    let got = blocking(move || {
        idempotency::once(&ctx, key.as_deref(), &request, || {
            let ask = SendAsk {
                kind: body.kind,
                to: body.to,
                at: body.at,
                text: body.text,
                force: body.force,
                confirm_warnings: body.confirm_warnings,
            };
            let (p, done) = send(&ctx, id, &ask, &clock, "send \"confirm_warnings\": true")
                .map_err(crate::api::field_words)?;
            let m = &done.after;
            json(
                StatusCode::CREATED,
                &SendOut {
                    outbox: m.id,
                    at: followup_app::time::rfc3339(&m.at.to_zoned(p.zone.clone())),
                    state: m.state.as_str().to_string(),
                    message_id: m.message_id.clone(),
                    reply: m.reply.clone().or(m.error.clone()),
                    warnings: findings(&p, Severity::Warning),
                },
            )
        })
    })
    .await?;
    Ok(answer(got))
}

/// Cancels a message that has not left (`followup outbox cancel N`).
#[utoipa::path(post, path = "/api/outbox/{id}/cancel",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = crate::api::KEY_DOC)),
    responses((status = 200, description = "Cancelled", body = OutboxOut),
        (status = 400, description = "It has left already (sent or sending)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The Idempotency-Key was sent before with another request", body = Problem, content_type = "application/problem+json")))]
pub async fn cancel_message(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let request = format!("POST /api/outbox/{id}/cancel");
    let got = blocking(move || {
        idempotency::once(&ctx, key.as_deref(), &request, || {
            let m = outbox::cancel(&ctx, id)?;
            json(StatusCode::OK, &OutboxOut::from(&m))
        })
    })
    .await?;
    Ok(answer(got))
}

/// Queues a failed, unknown or cancelled message again from now (`followup outbox
/// retry N`); due now, it leaves at once.
#[utoipa::path(post, path = "/api/outbox/{id}/retry",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = crate::api::KEY_DOC)),
    responses((status = 200, description = "Queued again (or sent, when due now)", body = OutboxOut),
        (status = 400, description = "It was sent, or is being sent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The Idempotency-Key was sent before with another request", body = Problem, content_type = "application/problem+json")))]
pub async fn retry_message(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let clock = s.clock();
    let request = format!("POST /api/outbox/{id}/retry");
    let got = blocking(move || {
        idempotency::once(&ctx, key.as_deref(), &request, || {
            let m = outbox::retry(&ctx, id)?;
            if m.next_try <= ctx.now {
                kick(&ctx, id, &clock);
            }
            let m = outbox::message(&ctx, id)?;
            json(StatusCode::OK, &OutboxOut::from(&m))
        })
    })
    .await?;
    Ok(answer(got))
}

/// A new moment for a queued or failed message (`followup outbox edit N --at`).
#[utoipa::path(patch, path = "/api/outbox/{id}", params(("id" = i64, Path)),
    request_body = EditBody,
    responses((status = 200, description = "Rescheduled", body = OutboxOut),
        (status = 400, description = "A moment that cannot be read or is before the step's earliest; a message that is not queued or failed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field unknown, missing or of the wrong type", body = Problem, content_type = "application/problem+json")))]
pub async fn edit_message(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<EditBody>,
) -> Result<Response, Problem> {
    let ctx = s.ctx();
    let m = blocking(move || {
        outbox::reschedule(&ctx, id, &When::parse(Some(&body.at)))
            .map_err(|e| crate::api::field_words(e.into()))
    })
    .await?;
    Ok(answer(json(StatusCode::OK, &OutboxOut::from(&m))?))
}
