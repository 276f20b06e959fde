//! What the application page does, as plain forms that work without JavaScript: each
//! posts, records through the same use cases as the command line and the API
//! (`followup_app::track`, `contact`, `note`), then redirects with a flash message the
//! next page shows (a short-lived cookie; `templates/flash.html` marks where).
//!
//! Every form carries the CSRF token and an idempotency key (`idem`): sent twice (a
//! double click, a reload), it records once and leads to the same page.

use askama::Template;
use axum::body::Body;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Request};

use crate::State;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use followup_app::Ctx;
use serde::Deserialize;

use crate::pages::{web_terms, PageError};
use crate::{blocking, idempotency, Problem, Shared};

/// The flash's cookie.
const COOKIE: &str = "followup_flash";

/// Where `templates/flash.html` puts the message.
pub const MARK: &str = "<!--flash-->";

/// The action routes.
pub fn router() -> Router {
    Router::new()
        .route("/applications/{id}/done", post(done))
        .route("/applications/{id}/replies", post(reply))
        .route("/applications/{id}/outcome", post(outcome))
        .route("/applications/{id}/interviews", post(round))
        .route("/applications/{id}/edit", post(edit))
        .route("/applications/{id}/delete", post(delete))
        .route("/applications/{id}/contacts", post(contact_add))
        .route("/applications/{id}/contacts/{cid}/edit", post(contact_edit))
        .route(
            "/applications/{id}/contacts/{cid}/delete",
            post(contact_delete),
        )
        .route("/applications/{id}/notes", post(note_add))
        .route("/applications/{id}/notes/{nid}/delete", post(note_delete))
        .route("/applications/{id}/touchpoints/{tid}/undo", post(undo))
        .route("/applications/{id}/skips", post(skip))
        .route("/applications/{id}/skips/{sid}/undo", post(unskip))
        .route("/export.csv", get(export_csv))
        .route("/applications/{id}/export.csv", get(export_one_csv))
        .route("/export.ics", get(export_ics))
        .route("/applications/{id}/export.ics", get(export_one_ics))
        .route("/report", get(report))
        .route("/backup.json", get(backup))
        .route("/static/actions.js", get(js))
}

// ---------------------------------------------------------------------------------------
// The flash message.

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The flash message a request carries, if any.
fn flash_of(req: &Request) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("followup_flash="))
        .map(decode)
        .filter(|m| !m.is_empty())
}

/// Between a flash message and the address of the form that undoes what it says.
const UNDO_SEP: char = '\u{1f}';

#[derive(Template)]
#[template(
    source = r#"{% if let Some(u) = undo %}<div class="flash-undo"><p class="flash" role="status" id="flash">{{ message }}</p><form method="post" action="{{ u }}" class="inline"><input type="hidden" name="csrf" value="{{ csrf }}"><button class="btn" id="flash-undo">Undo</button></form></div>{% else %}<p class="flash" role="status" id="flash">{{ message }}</p>{% endif %}"#,
    ext = "html"
)]
struct FlashNote<'a> {
    message: &'a str,
    /// A form's address that undoes it (posted with the form token).
    undo: Option<&'a str>,
    csrf: &'a str,
}

/// Shows the flash message on the next page shown (where `flash.html` marks), once.
pub async fn flash(req: Request, next: Next) -> Response {
    let message = flash_of(&req);
    let csrf = req
        .extensions()
        .get::<crate::FormToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let get = req.method() == Method::GET;
    let resp = next.run(req).await;
    let Some(message) = message else { return resp };
    let html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if !get || !html || resp.status() != StatusCode::OK {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let (text, undo) = match message.split_once(UNDO_SEP) {
        // Only a path of this server: the cookie is ours, but it is still input.
        Some((t, u)) if u.starts_with('/') && !u.starts_with("//") && !csrf.is_empty() => {
            (t, Some(u))
        }
        Some((t, _)) => (t, None),
        None => (message.as_str(), None),
    };
    let note = FlashNote {
        message: text,
        undo,
        csrf: &csrf,
    }
    .render()
    .unwrap_or_default();
    let page = String::from_utf8_lossy(&bytes).replacen(MARK, &note, 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.append(
        header::SET_COOKIE,
        HeaderValue::from_static("followup_flash=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"),
    );
    Response::from_parts(parts, Body::from(page))
}

/// A redirect to `to` that shows `message` on arrival.
pub(crate) fn flash_redirect(to: &str, message: &str) -> Response {
    let mut r = Redirect::to(to).into_response();
    let (text, undo) = match message.split_once(UNDO_SEP) {
        Some((t, u)) => (t, Some(u)),
        None => (message, None),
    };
    let mut short: String = text.chars().take(400).collect();
    if let Some(u) = undo {
        short.push(UNDO_SEP);
        short.push_str(u);
    }
    let cookie = format!(
        "{COOKIE}={}; Path=/; Max-Age=120; HttpOnly; SameSite=Strict",
        encode(&short)
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

// ---------------------------------------------------------------------------------------
// Running an action once.

pub(crate) type Page = Result<Response, PageError>;

/// What every form carries.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Common {
    #[serde(default)]
    pub(crate) csrf: String,
    #[serde(default)]
    pub(crate) idem: Option<String>,
}

/// Checks the form's token, then runs `f` once per idempotency key: it returns where
/// to go and what to say there. A refusal is the error page, in the form's words.
pub(crate) async fn act(
    s: &Shared,
    request: String,
    c: &Common,
    f: impl FnOnce(&Ctx) -> Result<(String, String), Problem> + Send + 'static,
) -> Page {
    if !s.csrf_ok(&c.csrf) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "Form expired",
            "the form's security token does not match this server: reload the page and try again",
        )
        .into());
    }
    let key = idempotency::form_key(c.idem.as_deref())?;
    let ctx = s.ctx();
    let (_, body) = blocking(move || {
        idempotency::once(&ctx, key.as_deref(), &request, || {
            let (to, message) = f(&ctx)?;
            Ok((StatusCode::SEE_OTHER.as_u16(), format!("{to}\n{message}")))
        })
    })
    .await
    .map_err(|mut p| {
        p.detail = web_terms(&p.detail);
        p
    })?;
    let (to, message) = body.split_once('\n').unwrap_or((&body, ""));
    Ok(flash_redirect(to, message))
}

pub(crate) fn form<T>(f: Result<Form<T>, FormRejection>) -> Result<T, PageError> {
    f.map(|Form(v)| v).map_err(|r| Problem::from(r).into())
}

/// A text field: `None` when empty.
fn some(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// A `datetime-local` value ("2026-12-02T17:40") as the tracker reads times.
pub(crate) fn moment(v: &Option<String>) -> Option<String> {
    some(v).map(|t| t.replacen('T', " ", 1))
}

/// "Acme (#1)".
fn label(ctx: &Ctx, id: i64) -> String {
    ctx.facts()
        .ok()
        .and_then(|mut s| s.application(id).ok())
        .map_or(format!("#{id}"), |f| {
            format!("{} (#{id})", f.application.company)
        })
}

fn page_of(id: i64) -> String {
    format!("/applications/{id}")
}

/// The open item to act on first, in words.
fn next_of(ctx: &Ctx, id: i64) -> String {
    match crate::views::application(ctx, id) {
        Ok(v) => match v.items.first() {
            Some(i) => format!(
                " Next: {}{} — {}.",
                i.label,
                i.to.as_ref().map_or(String::new(), |t| format!(" to {t}")),
                i.when
            ),
            None => " Nothing more is planned.".into(),
        },
        Err(_) => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// The forms.

#[derive(Deserialize)]
struct DoneForm {
    #[serde(flatten)]
    c: Common,
    kind: String,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    note: Option<String>,
    /// "application": back to its page; else Today.
    #[serde(default)]
    back: Option<String>,
    /// "user": `at` is on the user's clock (Today's form); else on the application's.
    #[serde(default)]
    clock: Option<String>,
}

/// A message sent or a call made ("done" on Today, "Log" on the application page).
async fn done(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<DoneForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/done");
    act(&s, request, &f.c, move |ctx| {
        // Today shows times on the user's clock: read its `at` there, as an instant.
        let at = match (moment(&f.at), f.clock.as_deref()) {
            (Some(a), Some("user")) => {
                let tz = followup_app::agenda::user_zone(ctx);
                let z = followup_app::time::local_datetime(&a, &tz, "Sent at")?;
                Some(followup_app::time::rfc3339(&z))
            }
            (at, _) => at,
        };
        let logged = followup_app::track::log(
            ctx,
            id,
            &f.kind,
            some(&f.to).as_deref(),
            at.as_deref(),
            some(&f.note).as_deref(),
        )?;
        let to = match f.back.as_deref() {
            Some("application") => page_of(id),
            _ => "/".to_string(),
        };
        let mut msg = format!(
            "Logged {} for {}.{}",
            f.kind.trim(),
            label(ctx, id),
            next_of(ctx, id)
        );
        for w in &logged.warnings {
            msg.push_str(&format!(" Note: {w}"));
        }
        if to == "/" {
            msg.push_str(" (Undo it on the application page.)");
        }
        Ok((to, msg))
    })
    .await
}

#[derive(Deserialize)]
struct ReplyForm {
    #[serde(flatten)]
    c: Common,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    decision: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

async fn reply(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<ReplyForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/replies");
    act(&s, request, &f.c, move |ctx| {
        followup_app::track::reply(
            ctx,
            id,
            moment(&f.at).as_deref(),
            some(&f.decision).as_deref(),
            some(&f.from).as_deref(),
            some(&f.note).as_deref(),
        )?;
        let what = if some(&f.decision).is_some() {
            "re-planned from the timeline they gave"
        } else {
            "pending follow-ups wait for their timeline"
        };
        Ok((
            page_of(id),
            format!(
                "Recorded their reply for {}: {what}.{}",
                label(ctx, id),
                next_of(ctx, id)
            ),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct OutcomeForm {
    #[serde(flatten)]
    c: Common,
    outcome: String,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    note: Option<String>,
    /// "today": back to Today; else the application page.
    #[serde(default)]
    back: Option<String>,
}

async fn outcome(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<OutcomeForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/outcome");
    act(&s, request, &f.c, move |ctx| {
        followup_app::track::outcome(
            ctx,
            id,
            &f.outcome,
            moment(&f.at).as_deref(),
            some(&f.note).as_deref(),
        )?;
        let to = match f.back.as_deref() {
            Some("today") => "/".to_string(),
            _ => page_of(id),
        };
        let undo = if to == "/" {
            " (Undo it on the application page.)"
        } else {
            ""
        };
        Ok((
            to,
            format!(
                "Recorded outcome {} for {}: closed.{}{undo}",
                f.outcome.trim(),
                label(ctx, id),
                next_of(ctx, id)
            ),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct RoundForm {
    #[serde(flatten)]
    c: Common,
    at: String,
    #[serde(default)]
    tz: Option<String>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default)]
    round: Option<String>,
    #[serde(default)]
    decision: Option<String>,
    #[serde(default)]
    interviewer: Option<String>,
    #[serde(default)]
    location: Option<String>,
    /// "yes": reopen a closed application.
    #[serde(default)]
    reopen: Option<String>,
}

async fn round(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<RoundForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/interviews");
    act(&s, request, &f.c, move |ctx| {
        let input = followup_app::track::RoundInput {
            at: moment(&Some(f.at.clone())).unwrap_or_default(),
            tz: some(&f.tz),
            duration: some(&f.duration).unwrap_or_else(|| "1h".into()),
            round: some(&f.round),
            decision: some(&f.decision),
            interviewer: some(&f.interviewer)
                .map(|t| {
                    t.split([';', '\n'])
                        .map(str::trim)
                        .filter(|w| !w.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            location: some(&f.location),
            ..Default::default()
        };
        if input.at.is_empty() {
            return Err(Problem::input("When is empty: fill it in"));
        }
        let reopen = f.reopen.as_deref() == Some("yes");
        let added = followup_app::track::add_round(ctx, id, &input, reopen).map_err(|e| {
            let mut p = Problem::from(e);
            p.detail = p.detail.replace(
                "pass --reopen to add a round and reopen it",
                "tick \u{201c}Reopen it\u{201d} to add a round and reopen it",
            );
            p
        })?;
        Ok((
            page_of(id),
            format!(
                "Added a round to {}{}.{}",
                label(ctx, id),
                if added.reopened.is_some() {
                    ", reopened"
                } else {
                    ""
                },
                next_of(ctx, id)
            ),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(flatten)]
    c: Common,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    recipient_tz: Option<String>,
    #[serde(default)]
    company_type: Option<String>,
    #[serde(default)]
    seniority: Option<String>,
    #[serde(default)]
    urgent: Option<String>,
    #[serde(default)]
    late_in_process: Option<String>,
    /// The round changed, when the form is a round's.
    #[serde(default)]
    interview: Option<i64>,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    tz: Option<String>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default)]
    round: Option<String>,
    #[serde(default)]
    decision: Option<String>,
    #[serde(default)]
    location: Option<String>,
    #[serde(default)]
    cancelled: Option<String>,
}

/// The form's value when it differs from what is recorded (so an untouched field is
/// left as it is); `Some("")` clears.
fn changed(new: &Option<String>, old: Option<&str>) -> Option<String> {
    let n = new.as_deref()?.trim();
    (n != old.unwrap_or("").trim()).then(|| n.to_string())
}

fn yes_no(new: &Option<String>, old: bool) -> Option<bool> {
    let v = match new.as_deref()? {
        "yes" => true,
        "no" => false,
        _ => return None,
    };
    (v != old).then_some(v)
}

/// Changes the application's facts, or one round's (the form has `interview`).
async fn edit(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<EditForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/edit");
    act(&s, request, &f.c, move |ctx| {
        let full = ctx
            .facts()?
            .application(id)
            .map_err(followup_app::ctx::store_err)?;
        let a = &full.application;
        let mut e = followup_app::track::EditInput {
            company: changed(&f.company, Some(&a.company)),
            role: changed(&f.role, Some(&a.role)),
            link: changed(&f.link, a.link.as_deref()),
            source: changed(&f.source, a.source.as_deref()),
            region: changed(&f.region, a.region.as_deref()),
            recipient_tz: changed(&f.recipient_tz, a.recipient_tz.as_deref()),
            company_type: changed(&f.company_type, a.company_type.map(|t| t.as_str())),
            seniority: changed(&f.seniority, a.seniority.map(|t| t.as_str())),
            urgent: yes_no(&f.urgent, a.urgent),
            late_in_process: yes_no(&f.late_in_process, a.late_in_process),
            ..Default::default()
        };
        if let Some(iid) = f.interview {
            let i = full.interview(iid).ok_or_else(|| {
                Problem::input(format!("application {id} has no interview {iid}"))
            })?;
            let tz = jiff::tz::TimeZone::get(&i.tz).unwrap_or(jiff::tz::TimeZone::UTC);
            let at_now = i.start.to_zoned(tz).strftime("%Y-%m-%d %H:%M").to_string();
            e.round = followup_app::track::RoundEdit {
                interview: Some(iid),
                at: changed(&moment(&f.at), Some(&at_now)),
                tz: changed(&f.tz, Some(&i.tz)),
                duration: changed(&f.duration, Some(&format!("{}m", i.duration_minutes))),
                round: changed(&f.round, i.round.map(|r| r.as_str())),
                decision: changed(&f.decision, i.decision_phrase.as_deref()),
                location: changed(&f.location, i.location.as_deref()),
                cancelled: yes_no(&f.cancelled, i.cancelled),
            };
        }
        // Empty company or role: not a change to make.
        for (v, name) in [(&e.company, "Company"), (&e.role, "Role")] {
            if v.as_deref() == Some("") {
                return Err(Problem::input(format!("{name} is empty: fill it in")));
            }
        }
        if e == followup_app::track::EditInput::default() {
            return Ok((
                page_of(id),
                format!("Nothing changed for {}.", label(ctx, id)),
            ));
        }
        followup_app::track::edit(ctx, id, &e)?;
        Ok((
            page_of(id),
            format!(
                "Saved the changes to {}.{}",
                label(ctx, id),
                next_of(ctx, id)
            ),
        ))
    })
    .await
}

#[derive(Template)]
#[template(path = "confirm_delete.html")]
struct ConfirmDelete {
    id: i64,
    company: String,
    role: String,
    events: usize,
    csrf: String,
    idem: String,
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(flatten)]
    c: Common,
    /// "yes" once confirmed.
    #[serde(default)]
    confirm: Option<String>,
}

/// First the question (a page with the confirming form), then the deletion.
async fn delete(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<DeleteForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    if f.confirm.as_deref() != Some("yes") {
        if !s.csrf_ok(&f.c.csrf) {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "Form expired",
                "reload the page and try again",
            )
            .into());
        }
        let ctx = s.ctx();
        let full = blocking(move || {
            ctx.facts()?
                .application(id)
                .map_err(|e| followup_app::ctx::store_err(e).into())
        })
        .await?;
        let page = ConfirmDelete {
            id,
            company: full.application.company.clone(),
            role: full.application.role.clone(),
            events: full.touchpoints.len(),
            csrf: s.csrf().to_string(),
            idem: idempotency::new_key(),
        }
        .render()
        .map_err(|e| Problem::internal(e.to_string()))?;
        return Ok(axum::response::Html(page).into_response());
    }
    let request = format!("POST /applications/{id}/delete");
    act(&s, request, &f.c, move |ctx| {
        let full = followup_app::track::delete(ctx, id)?;
        Ok((
            "/pipeline".to_string(),
            format!(
                "Deleted {} — {} (#{id}) and its history.",
                full.application.company, full.application.role
            ),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct ContactForm {
    #[serde(flatten)]
    c: Common,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    role: Option<String>,
}

impl ContactForm {
    fn input(&self, adding: bool) -> followup_app::contact::ContactInput {
        // Adding: empty fields are absent; editing: empty clears.
        let pick = |v: &Option<String>| {
            if adding {
                some(v)
            } else {
                v.as_deref().map(|t| t.trim().to_string())
            }
        };
        followup_app::contact::ContactInput {
            name: some(&self.name),
            email: pick(&self.email),
            phone: pick(&self.phone),
            role: some(&self.role),
            ..Default::default()
        }
    }
}

async fn contact_add(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<ContactForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/contacts");
    let input = f.input(true);
    act(&s, request, &f.c, move |ctx| {
        let c = followup_app::contact::add(ctx, id, &input)?;
        Ok((
            page_of(id),
            format!("Added {} to {}.", c.name, label(ctx, id)),
        ))
    })
    .await
}

async fn contact_edit(
    State(s): State<Shared>,
    Path((id, cid)): Path<(i64, i64)>,
    f: Result<Form<ContactForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/contacts/{cid}/edit");
    let input = f.input(false);
    act(&s, request, &f.c, move |ctx| {
        let c = followup_app::contact::edit(ctx, id, &cid.to_string(), &input)?;
        Ok((page_of(id), format!("Saved {}.", c.name)))
    })
    .await
}

async fn contact_delete(
    State(s): State<Shared>,
    Path((id, cid)): Path<(i64, i64)>,
    f: Result<Form<Common>, FormRejection>,
) -> Page {
    let c = form(f)?;
    let request = format!("POST /applications/{id}/contacts/{cid}/delete");
    act(&s, request, &c, move |ctx| {
        let c = followup_app::contact::remove(ctx, id, &cid.to_string())?;
        Ok((
            page_of(id),
            format!("Removed {} from {}.", c.name, label(ctx, id)),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(flatten)]
    c: Common,
    /// topic, strength, gap, question.
    kind: String,
    text: String,
}

async fn note_add(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<NoteForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/notes");
    act(&s, request, &f.c, move |ctx| {
        let text = vec![f.text.trim().to_string()];
        let mut input = followup_app::note::NoteInput::default();
        match f.kind.as_str() {
            "topic" => input.topic = text,
            "strength" => input.strength = text,
            "gap" => input.gap = text,
            "question" => input.question = text,
            other => {
                return Err(Problem::input(format!(
                    "unknown kind of note `{other}` (expected topic, strength, gap or question)"
                )))
            }
        }
        followup_app::note::add(ctx, id, &input)?;
        Ok((page_of(id), format!("Added a {} note.", f.kind)))
    })
    .await
}

async fn note_delete(
    State(s): State<Shared>,
    Path((id, nid)): Path<(i64, i64)>,
    f: Result<Form<Common>, FormRejection>,
) -> Page {
    let c = form(f)?;
    let request = format!("POST /applications/{id}/notes/{nid}/delete");
    act(&s, request, &c, move |ctx| {
        let n = followup_app::note::remove(ctx, id, &nid.to_string())?;
        Ok((
            page_of(id),
            format!("Removed the note \u{201c}{}\u{201d}.", n.text),
        ))
    })
    .await
}

async fn undo(
    State(s): State<Shared>,
    Path((id, tid)): Path<(i64, i64)>,
    f: Result<Form<Common>, FormRejection>,
) -> Page {
    let c = form(f)?;
    let request = format!("POST /applications/{id}/touchpoints/{tid}/undo");
    act(&s, request, &c, move |ctx| {
        let t = followup_app::track::undo(ctx, id, Some(tid))?;
        Ok((
            page_of(id),
            format!(
                "Undone: the {} recorded for {} is removed.{}",
                t.kind,
                label(ctx, id),
                next_of(ctx, id)
            ),
        ))
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Downloads: the same files as `followup export --format csv`, `followup report` and
// `followup backup`.

fn download(content_type: &'static str, name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

/// A file made from the record by `render` (as `followup export` writes it): one
/// application's (`id`) or every one's, downloaded as `followup[-ID].EXT`.
async fn export_file(
    s: Shared,
    id: Option<i64>,
    render: fn(&Ctx, &[followup_store::ApplicationFull]) -> followup_app::Result<String>,
    content_type: &'static str,
    ext: &'static str,
) -> Page {
    let ctx = s.ctx();
    let text = blocking(move || {
        let mut store = ctx.facts()?;
        let apps = match id {
            Some(id) => store.application(id).map(|full| vec![full]),
            None => store.applications(true),
        }
        .map_err(followup_app::ctx::store_err)?;
        drop(store);
        Ok(render(&ctx, &apps)?)
    })
    .await?;
    let name = match id {
        Some(id) => format!("followup-{id}.{ext}"),
        None => format!("followup.{ext}"),
    };
    Ok(download(content_type, &name, text))
}

const CSV: &str = "text/csv; charset=utf-8";
const ICS: &str = "text/calendar; charset=utf-8";

/// Every application and its history, one row each (`followup export --format csv`).
async fn export_csv(State(s): State<Shared>) -> Page {
    export_file(s, None, followup_app::proof::csv, CSV, "csv").await
}

async fn export_one_csv(State(s): State<Shared>, Path(id): Path<i64>) -> Page {
    export_file(s, Some(id), followup_app::proof::csv, CSV, "csv").await
}

/// Every application's planned steps as calendar events, as `followup export --ics -`
/// writes them.
async fn export_ics(State(s): State<Shared>) -> Page {
    export_file(s, None, followup_app::ics::calendar, ICS, "ics").await
}

/// One application's steps as calendar events (`followup export --ics - --application
/// ID`).
async fn export_one_ics(State(s): State<Shared>, Path(id): Path<i64>) -> Page {
    export_file(s, Some(id), followup_app::ics::calendar, ICS, "ics").await
}

/// The printable report of every application (A4), as `followup report` writes it.
async fn report(State(s): State<Shared>) -> Page {
    let ctx = s.ctx();
    let html = blocking(move || {
        let mut store = ctx.facts()?;
        let apps = store
            .applications(true)
            .map_err(followup_app::ctx::store_err)?;
        let profile = store.profile().map_err(followup_app::ctx::store_err)?;
        drop(store);
        let paper = followup_app::proof::Paper::parse("a4")?;
        Ok(followup_app::proof::report(
            &ctx,
            profile.as_ref(),
            &apps,
            None,
            None,
            paper,
        )?)
    })
    .await?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// Everything, as `followup backup` writes it (`followup restore` reads it).
async fn backup(State(s): State<Shared>) -> Page {
    let ctx = s.ctx();
    let text = blocking(move || {
        let b = ctx
            .facts()?
            .export()
            .map_err(followup_app::ctx::store_err)?;
        serde_json::to_string_pretty(&b).map_err(|e| Problem::internal(e.to_string()))
    })
    .await?;
    Ok(download("application/json", "followup-backup.json", text))
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("../static/actions.js"),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------
// Skipping a step (Today's "skip"), and taking it back (the flash's "Undo").

#[derive(Deserialize)]
struct SkipForm {
    #[serde(flatten)]
    c: Common,
    step: String,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    note: Option<String>,
    /// "application": back to its page; else Today.
    #[serde(default)]
    back: Option<String>,
}

async fn skip(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    f: Result<Form<SkipForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/skips");
    act(&s, request, &f.c, move |ctx| {
        let v = followup_app::skip::skip(
            ctx,
            id,
            &f.step,
            some(&f.to).as_deref(),
            some(&f.note).as_deref(),
        )?;
        let to = match f.back.as_deref() {
            Some("application") => page_of(id),
            _ => "/".to_string(),
        };
        Ok((
            to,
            format!(
                "Skipped {} for {}: it is off your plan.{}{UNDO_SEP}/applications/{id}/skips/{}/undo",
                v.describe(),
                label(ctx, id),
                next_of(ctx, id),
                v.id
            ),
        ))
    })
    .await
}

#[derive(Deserialize)]
struct UnskipForm {
    #[serde(flatten)]
    c: Common,
    /// "application": back to its page; else Today.
    #[serde(default)]
    back: Option<String>,
}

async fn unskip(
    State(s): State<Shared>,
    Path((id, sid)): Path<(i64, i64)>,
    f: Result<Form<UnskipForm>, FormRejection>,
) -> Page {
    let f = form(f)?;
    let request = format!("POST /applications/{id}/skips/{sid}/undo");
    act(&s, request, &f.c, move |ctx| {
        let v = followup_app::skip::undo(ctx, id, sid)?;
        let to = match f.back.as_deref() {
            Some("application") => page_of(id),
            _ => "/".to_string(),
        };
        Ok((
            to,
            format!("Planned {} for {} again.", v.describe(), label(ctx, id)),
        ))
    })
    .await
}
