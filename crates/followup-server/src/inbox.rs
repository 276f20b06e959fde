//! The inbox in the web app: the Inbox page (the pending proposals read from the
//! user's mailbox, each with Accept and Dismiss, "Accept all high-confidence" and
//! "Sync now") and the same over the JSON API. Every path goes through the use cases
//! of `followup mail sync|accept|dismiss` (`followup_app::inbox`): accepting records
//! what the message says at the message's own time, once.

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::Path;

use crate::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use followup_app::inbox::{self, Accepted, Listed, MailSettings};
use followup_app::Ctx;
use followup_store::{MailProposal, ProposalStatus};
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use crate::actions::{act, form, Common};
use crate::pages::PageError;
use crate::{blocking, idempotency, Problem, Shared};

/// The page routes of the inbox.
pub fn router() -> Router {
    Router::new()
        .route("/inbox", get(inbox_page))
        .route("/inbox/sync", post(sync_form))
        .route("/inbox/accept-high", post(accept_high_form))
        .route("/inbox/{pid}/accept", post(accept_form))
        .route("/inbox/{pid}/dismiss", post(dismiss_form))
}

// ---------------------------------------------------------------------------------------
// What the page and the API share.

/// How to set up reading mail, after what is missing.
pub const SETUP: &str = "set imap = \"imaps://imap.example.com:993\", user = \
    \"you@example.com\" and password_command = \"pass show mail\" in the [mail] section \
    of config.toml (or the variables FOLLOWUP_IMAP, FOLLOWUP_MAIL_USER and \
    FOLLOWUP_MAIL_PASSWORD), then restart `followup serve`; `followup mail sync` reads \
    from the command line too";

/// How an account of the hosted service (PostgreSQL) gets a mailbox to read: the
/// operator's file of its address in `account_mail` (README, "An account's own mail
/// account and mailbox").
pub const HOSTED_SETUP: &str = "ask whoever runs this service to set one up for your \
    address (they keep it outside this app, so your mail password is never stored here)";

/// Why the mailbox cannot be read from here, when no IMAP account is configured.
pub fn no_imap(ctx: &Ctx) -> Option<String> {
    mailbox(ctx).err()
}

/// The IMAP server the account's mailbox is read from, or why none can be (in words
/// for the page). The account's mail account is read once.
pub fn mailbox(ctx: &Ctx) -> Result<followup_app::inbox::settings::Endpoint, String> {
    let usable = |m: &MailSettings| {
        let e = m.endpoint()?;
        m.user()?;
        Ok::<_, followup_app::Error>(e)
    };
    if ctx.pg().is_some() {
        let own = match followup_app::pg_settings::own_mail_hosted(&ctx.settings) {
            Ok(Some(own)) => own,
            Ok(None) => {
                return Err(format!(
                    "Reading your mailbox needs a mail account: {HOSTED_SETUP}."
                ))
            }
            Err(_) => {
                return Err(crate::accounts::capitalized(
                    followup_app::pg_settings::CANNOT_READ_OWN,
                ))
            }
        };
        return MailSettings::of_account(&own)
            .and_then(|m| usable(&m))
            .map_err(|e| {
                format!(
                    "The mail account set up for you cannot read your mailbox ({}): ask whoever runs this service.",
                    first_clause(&e.to_string())
                )
            });
    }
    let mail = MailSettings::load(ctx)
        .map_err(|e| format!("Reading your mailbox needs an IMAP account ({e}): {SETUP}."))?;
    usable(&mail).map_err(|e| {
        if mail.imap.is_none() && mail.user.is_none() {
            // Nothing set up: the setup says everything the error would.
            format!("Reading your mailbox needs an IMAP account: {SETUP}.")
        } else {
            format!("Reading your mailbox needs an IMAP account ({e}): {SETUP}.")
        }
    })
}

/// What is missing, without the advice for a one-person install that follows it
/// ("no IMAP user: set user under [mail] …" → "no IMAP user").
fn first_clause(e: &str) -> &str {
    e.split(": ").next().unwrap_or(e).trim()
}

/// How many proposals wait (for Today). On a hosted service whose accounts have no
/// mail accounts (no `account_mail`), none (no query).
pub fn waiting(ctx: &Ctx) -> usize {
    if ctx.pg().is_some() && ctx.settings.account_mail.is_none() {
        return 0;
    }
    ctx.facts()
        .and_then(|mut s| {
            s.mail_proposals(false)
                .map_err(followup_app::ctx::store_err)
        })
        .map_or(0, |p| p.len())
}

/// The proposal `id`, or 404.
fn proposal(ctx: &Ctx, id: i64) -> Result<MailProposal, Problem> {
    ctx.facts()?.mail_proposal(id).map_err(|e| {
        if e.is_not_found() {
            Problem::new(
                StatusCode::NOT_FOUND,
                "Not found",
                format!("no proposal with id {id}"),
            )
        } else {
            Problem::from(followup_app::ctx::store_err(e))
        }
    })
}

/// Accepts a proposal (`followup mail accept ID`): a dismissed one is refused (409);
/// one applied before is left as it is (`already`).
pub fn accept(ctx: &Ctx, id: i64) -> Result<Accepted, Problem> {
    let p = proposal(ctx, id)?;
    if p.status == ProposalStatus::Dismissed {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "Dismissed before",
            format!(
                "proposal {id} was dismissed: nothing was recorded; record it by hand if it was right"
            ),
        ));
    }
    Ok(inbox::accept(ctx, id)?)
}

/// Dismisses a proposal (`followup mail dismiss ID`): an applied one is refused (409).
/// Returns whether it was pending.
pub fn dismiss(ctx: &Ctx, id: i64) -> Result<bool, Problem> {
    let p = proposal(ctx, id)?;
    if p.status == ProposalStatus::Applied {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "Applied before",
            format!(
                "proposal {id} was accepted: what it recorded stays (undo it on the application's page)"
            ),
        ));
    }
    Ok(inbox::dismiss(ctx, id)?)
}

fn company_of(ctx: &Ctx, application: i64) -> String {
    ctx.facts()
        .and_then(|mut s| {
            s.application(application)
                .map_err(followup_app::ctx::store_err)
        })
        .map_or_else(
            |_| format!("#{application}"),
            |f| f.application.company.clone(),
        )
}

/// What accepting did, in words.
fn accepted_words(ctx: &Ctx, a: &Accepted) -> String {
    if a.already {
        return format!("Proposal {} was accepted before: nothing done.", a.id);
    }
    let mut words = format!(
        "Applied proposal {} ({}) to {}{}.",
        a.id,
        a.kind,
        company_of(ctx, a.application),
        a.touchpoint
            .map_or(String::new(), |t| format!(": recorded #{t}"))
    );
    for w in &a.warnings {
        words.push_str(&format!(" Warning: {w}"));
    }
    words
}

// ---------------------------------------------------------------------------------------
// The page.

/// One proposal on the Inbox page.
struct InboxLine {
    p: Listed,
    /// The message's date on the user's clock.
    when: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    lines: Vec<InboxLine>,
    high: usize,
    csrf: String,
    idem: String,
    /// Why Sync now is not offered, when no IMAP account is set up.
    no_imap: Option<String>,
}

fn inbox_lines(ctx: &Ctx) -> Result<Vec<InboxLine>, Problem> {
    let mine = followup_app::agenda::user_zone(ctx);
    Ok(inbox::list(ctx)?
        .into_iter()
        .map(|p| {
            let when = p.date.parse::<Timestamp>().map_or_else(
                |_| p.date.clone(),
                |t| {
                    t.to_zoned(mine.clone())
                        .strftime("%a %b %-d %Y, %H:%M %Z")
                        .to_string()
                },
            );
            InboxLine { p, when }
        })
        .collect())
}

async fn inbox_page(State(s): State<Shared>) -> Result<Response, PageError> {
    let ctx = s.ctx();
    let (lines, no_imap) = blocking(move || Ok((inbox_lines(&ctx)?, no_imap(&ctx)))).await?;
    let page = InboxPage {
        high: lines.iter().filter(|l| l.p.confidence == "high").count(),
        lines,
        csrf: s.csrf().to_string(),
        idem: idempotency::new_key(),
        no_imap,
    }
    .render()
    .map_err(|e| Problem::internal(format!("cannot render the page: {e}")))?;
    Ok(axum::response::Html(page).into_response())
}

async fn accept_form(
    State(s): State<Shared>,
    Path(pid): Path<i64>,
    f: Result<Form<Common>, FormRejection>,
) -> Result<Response, PageError> {
    let c = form(f)?;
    act(&s, format!("POST /inbox/{pid}/accept"), &c, move |ctx| {
        let a = accept(ctx, pid)?;
        Ok(("/inbox".to_string(), accepted_words(ctx, &a)))
    })
    .await
}

async fn dismiss_form(
    State(s): State<Shared>,
    Path(pid): Path<i64>,
    f: Result<Form<Common>, FormRejection>,
) -> Result<Response, PageError> {
    let c = form(f)?;
    act(&s, format!("POST /inbox/{pid}/dismiss"), &c, move |ctx| {
        let words = if dismiss(ctx, pid)? {
            format!("Dismissed proposal {pid}: its message is not proposed again.")
        } else {
            format!("Proposal {pid} was dismissed before: nothing done.")
        };
        Ok(("/inbox".to_string(), words))
    })
    .await
}

async fn accept_high_form(
    State(s): State<Shared>,
    f: Result<Form<Common>, FormRejection>,
) -> Result<Response, PageError> {
    let c = form(f)?;
    act(&s, "POST /inbox/accept-high".to_string(), &c, move |ctx| {
        let ids = inbox::pending_high(ctx)?;
        if ids.is_empty() {
            return Ok((
                "/inbox".to_string(),
                "No high-confidence proposal waits: nothing done.".to_string(),
            ));
        }
        let mut words = Vec::new();
        for id in &ids {
            let a = inbox::accept(ctx, *id)?;
            words.push(accepted_words(ctx, &a));
        }
        Ok((
            "/inbox".to_string(),
            format!(
                "Accepted {} high-confidence proposal{}. {}",
                ids.len(),
                if ids.len() == 1 { "" } else { "s" },
                words.join(" ")
            ),
        ))
    })
    .await
}

async fn sync_form(
    State(s): State<Shared>,
    f: Result<Form<Common>, FormRejection>,
) -> Result<Response, PageError> {
    let c = form(f)?;
    act(&s, "POST /inbox/sync".to_string(), &c, move |ctx| {
        if let Some(why) = no_imap(ctx) {
            return Err(Problem::new(StatusCode::CONFLICT, "No IMAP account", why));
        }
        let got = inbox::sync(ctx, None)?;
        Ok(("/inbox".to_string(), got.summary()))
    })
    .await
}

// ---------------------------------------------------------------------------------------
// The API.

/// A pending proposal (as `followup mail inbox --json` prints it).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalOut {
    /// Its number.
    pub id: i64,
    /// The application it belongs to.
    pub application: i64,
    /// The application's company.
    pub company: String,
    /// sent, reply, decision, rejection, offer, invite, out-of-office, bounce.
    pub kind: String,
    /// The sender, `Name <address>`.
    pub from: String,
    pub subject: String,
    /// When the message was sent, RFC 3339 in the application's zone.
    pub date: String,
    /// Its Message-ID, in angle brackets.
    pub message_id: String,
    /// The sentence the proposal rests on.
    pub evidence: Option<String>,
    /// The timeline the answer names (decision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// The return date (out-of-office).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// The touchpoint a message of yours stands for (sent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<String>,
    /// The address that bounces (bounce).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounced: Option<String>,
    /// high or low.
    pub confidence: String,
    /// The command that records the same by hand.
    pub action: String,
}

impl From<Listed> for ProposalOut {
    fn from(p: Listed) -> Self {
        ProposalOut {
            id: p.id,
            application: p.application,
            company: p.company,
            kind: p.kind,
            from: p.from,
            subject: p.subject,
            date: p.date,
            message_id: p.message_id,
            evidence: p.evidence,
            decision: p.decision,
            until: p.until.map(|d| d.to_string()),
            touchpoint: p.touchpoint,
            bounced: p.bounced,
            confidence: p.confidence,
            action: p.action,
        }
    }
}

/// The pending proposals.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalList {
    /// Oldest message first.
    pub proposals: Vec<ProposalOut>,
}

/// What accepting a proposal did.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedOut {
    pub id: i64,
    pub application: i64,
    pub kind: String,
    /// The touchpoint (or interview) recorded, if one was.
    pub touchpoint: Option<i64>,
    /// Accepted before: nothing was done this time.
    pub already: bool,
    /// Advice the recorded fact goes against.
    pub warnings: Vec<String>,
}

impl From<Accepted> for AcceptedOut {
    fn from(a: Accepted) -> Self {
        AcceptedOut {
            id: a.id,
            application: a.application,
            kind: a.kind,
            touchpoint: a.touchpoint,
            already: a.already,
            warnings: a.warnings,
        }
    }
}

/// What dismissing a proposal did.
#[derive(Debug, Serialize, ToSchema)]
pub struct DismissedOut {
    pub id: i64,
    /// Dismissed now (false: it was dismissed before).
    pub dismissed: bool,
}

use idempotency::{json_answer as json, respond as answer};

/// The pending proposals read from the mailbox (`followup mail inbox --json`).
#[utoipa::path(get, path = "/api/inbox", responses(
    (status = 200, description = "The pending proposals, oldest message first", body = ProposalList)))]
pub async fn list_inbox(State(s): State<Shared>) -> Result<Response, Problem> {
    let ctx = s.ctx();
    let list = blocking(move || {
        Ok(ProposalList {
            proposals: inbox::list(&ctx)?
                .into_iter()
                .map(ProposalOut::from)
                .collect(),
        })
    })
    .await?;
    Ok(answer(json(StatusCode::OK, &list)?))
}

/// Accepts a proposal (`followup mail accept ID`): records what the message says, at
/// the message's own time, through the same use cases as `reply`, `outcome`, `log`
/// and `import`. Accepting twice does nothing the second time.
#[utoipa::path(post, path = "/api/inbox/{id}/accept",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = crate::api::KEY_DOC)),
    responses((status = 201, description = "Applied now: what was recorded", body = AcceptedOut),
        (status = 200, description = "Accepted before: nothing done (`already` is true)", body = AcceptedOut),
        (status = 400, description = "What the proposal says cannot be recorded (the detail says why)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The proposal was dismissed, or the Idempotency-Key was sent before with another request", body = Problem, content_type = "application/problem+json")))]
pub async fn accept_proposal(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let request = format!("POST /api/inbox/{id}/accept");
    let got = blocking(move || {
        idempotency::once(&ctx, key.as_deref(), &request, || {
            let a = accept(&ctx, id)?;
            let status = if a.already {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            json(status, &AcceptedOut::from(a))
        })
    })
    .await?;
    Ok(answer(got))
}

/// Dismisses a proposal (`followup mail dismiss ID`): its message is never proposed
/// again.
#[utoipa::path(post, path = "/api/inbox/{id}/dismiss",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = crate::api::KEY_DOC)),
    responses((status = 200, description = "Dismissed (`dismissed` is false when it was dismissed before)", body = DismissedOut),
        (status = 404, description = "No such proposal", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The proposal was accepted (what it recorded stays), or the Idempotency-Key was sent before with another request", body = Problem, content_type = "application/problem+json")))]
pub async fn dismiss_proposal(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let key = idempotency::key_of(&headers)?;
    let ctx = s.ctx();
    let request = format!("POST /api/inbox/{id}/dismiss");
    let got = blocking(move || {
        idempotency::once(&ctx, key.as_deref(), &request, || {
            let dismissed = dismiss(&ctx, id)?;
            json(StatusCode::OK, &DismissedOut { id, dismissed })
        })
    })
    .await?;
    Ok(answer(got))
}
