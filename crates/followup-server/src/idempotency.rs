//! A request sent twice records once: an API `POST` with an `Idempotency-Key` header,
//! or a page form with its hidden `idem` field, gets the first answer again (kept in the
//! database a day, `followup-store` schema 8) instead of recording its fact twice. A
//! double click, a reload of the page a POST answered, a retry after a lost answer.
//!
//! Requests with keys run one at a time (they are writes of one person's tracker): the
//! second of two clicks waits for the first, then finds its answer.

use std::sync::Mutex;

use axum::http::{HeaderMap, StatusCode};
use followup_app::Ctx;
use followup_store::Remembered;

use crate::Problem;

/// The header an API client sends.
pub const HEADER: &str = "idempotency-key";

/// The longest key taken.
pub const KEY_LIMIT: usize = 200;

/// How long a key is kept.
const KEEP: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The header [`digest`] sets on a request with a key: a digest of its body.
const DIGEST: &str = "x-followup-body-digest";

/// Between a key and its request's body digest, in what [`key_of`] returns.
const SEP: char = '\u{1f}';

/// The `Idempotency-Key` of an API request, if any, with its body's digest; refused
/// when it is not text or too long.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(v) = headers.get(HEADER) else {
        return Ok(None);
    };
    let text = v
        .to_str()
        .map_err(|_| Problem::input("the Idempotency-Key header is not plain text"))?;
    let key = checked(text)?;
    Ok(Some(
        match headers.get(DIGEST).and_then(|d| d.to_str().ok()) {
            Some(d) => format!("{key}{SEP}{d}"),
            None => key,
        },
    ))
}

/// 64-bit FNV-1a: a digest that is the same in every build (kept a day in the
/// database), to tell one body from another, not to resist an attacker (a client
/// only ever confuses its own keys).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Reads the body of a request that carries an idempotency key and puts its digest in
/// a header of the request, so the key is kept with what was asked, not only where.
pub async fn digest(
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    req.headers_mut().remove(DIGEST);
    if !req.headers().contains_key(HEADER) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "",
                format!("the body is over {} bytes", crate::BODY_LIMIT),
            )
            .into_response()
        }
    };
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("{:016x}", fnv1a(&bytes))) {
        parts.headers.insert(DIGEST, v);
    }
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
}

/// A key, trimmed, if it is one; empty means none.
fn checked(text: &str) -> Result<String, Problem> {
    let k = text.trim();
    if k.is_empty() || k.len() > KEY_LIMIT {
        return Err(Problem::input(format!(
            "an idempotency key has 1 to {KEY_LIMIT} characters"
        )));
    }
    Ok(k.to_string())
}

/// A page form's `idem` field: none when empty.
pub fn form_key(field: Option<&str>) -> Result<Option<String>, Problem> {
    match field.map(str::trim) {
        None | Some("") => Ok(None),
        Some(k) => checked(k).map(Some),
    }
}

/// A fresh key for a form (random, hex).
pub fn new_key() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Without randomness no key: the form then records each time it is sent.
        return String::new();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An answer: its status and body.
pub type Answer = (u16, String);

/// `v` as a JSON answer with `status`.
pub fn json_answer<T: serde::Serialize>(status: StatusCode, v: &T) -> Result<Answer, Problem> {
    let body = serde_json::to_string(v).map_err(|e| Problem::internal(e.to_string()))?;
    Ok((status.as_u16(), body))
}

/// An answer (first or kept) as a JSON response.
pub fn respond((status, body): Answer) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// Runs `f` once per `key`: the first time its answer is kept (when it succeeded,
/// 2xx or a redirect), and given again for the same request (the same method, path and
/// body); the same key sent with another request is refused (409: it conflicts with
/// the first). Without a key, `f` just runs. Runs off the async threads (it waits for
/// the database).
pub fn once(
    ctx: &Ctx,
    key: Option<&str>,
    request: &str,
    f: impl FnOnce() -> Result<Answer, Problem>,
) -> Result<Answer, Problem> {
    let Some(key) = key else { return f() };
    let (key, request) = match key.split_once(SEP) {
        Some((k, d)) => (k, format!("{request} body {d}")),
        None => (key, request.to_string()),
    };
    let request = request.as_str();
    let forget_before = ctx
        .now
        .checked_sub(KEEP)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    if let Some(pg) = ctx.pg() {
        return once_pg(pg, ctx.now, forget_before, key, request, f);
    }
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if ctx.db.exists() {
        let store = ctx.store()?;
        if let Some(r) = store
            .remembered(key)
            .map_err(followup_app::ctx::store_err)?
        {
            return first_answer(key, request, r);
        }
    }
    let (status, body) = f()?;
    if (200..400).contains(&status) {
        let mut store = ctx.store()?;
        store
            .remember(
                key,
                &Remembered {
                    request: request.to_string(),
                    status,
                    body: body.clone(),
                },
                ctx.now,
                forget_before,
            )
            .map_err(followup_app::ctx::store_err)?;
    }
    Ok((status, body))
}

/// The kept answer for a request sent again; 409 when the key came with another
/// request first.
fn first_answer(key: &str, request: &str, r: Remembered) -> Result<Answer, Problem> {
    if r.request != request {
        let first = r.request.split(" body ").next().unwrap_or_default();
        let what = if request.starts_with(&format!("{first} body ")) || request == first {
            format!("{first} with another body")
        } else {
            first.to_string()
        };
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "Idempotency key reused",
            format!(
                "the idempotency key `{key}` was sent before with another request ({what}): send a new key for a new request"
            ),
        ));
    }
    Ok((r.status, r.body))
}

/// [`once`] for a user of a PostgreSQL database: the key's row is claimed before the
/// request runs ([`followup_store::pg::KeyClaim`]), so a second request with it, on
/// this process or any other, waits for the first's answer (asking again every
/// [`PENDING_POLL`], at most [`PENDING_WAIT`]) and gets it. No connection is held
/// while the request runs or while a copy waits.
fn once_pg(
    pg: &followup_app::ctx::PgUser,
    now: jiff::Timestamp,
    forget_before: jiff::Timestamp,
    key: &str,
    request: &str,
    f: impl FnOnce() -> Result<Answer, Problem>,
) -> Result<Answer, Problem> {
    use followup_store::pg::KeyClaim;
    let store_err = followup_app::ctx::store_err;
    let stale_before = now
        .checked_sub(PENDING_STALE)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let give_up = std::time::Instant::now() + PENDING_WAIT;
    loop {
        let claim = pg
            .pool
            .get_pg()
            .map_err(store_err)?
            .claim_key(pg.user, key, request, now, stale_before)
            .map_err(store_err)?;
        match claim {
            KeyClaim::Mine => break,
            KeyClaim::Done(r) => return first_answer(key, request, r),
            KeyClaim::Pending { request: first } if first != request => {
                return first_answer(
                    key,
                    request,
                    Remembered {
                        request: first,
                        status: 0,
                        body: String::new(),
                    },
                )
            }
            KeyClaim::Pending { .. } if std::time::Instant::now() >= give_up => {
                return Err(Problem::new(
                    StatusCode::CONFLICT,
                    "Request still running",
                    format!(
                        "the first request with the idempotency key `{key}` is still running: send it again in a moment for its answer"
                    ),
                ))
            }
            KeyClaim::Pending { .. } => std::thread::sleep(PENDING_POLL),
        }
    }
    let out = f();
    let answer = match &out {
        Ok((status, body)) if (200..400).contains(status) => Some((*status, body.as_str())),
        _ => None,
    };
    pg.pool
        .get_pg()
        .map_err(store_err)?
        .finish_key(pg.user, key, answer, forget_before)
        .map_err(store_err)?;
    out
}

/// How often a copy of a running request asks whether its answer is there.
const PENDING_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// How long a copy of a running request waits for its answer.
const PENDING_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// A request with a key that has run this long without an answer is taken for
/// stopped (its process ended mid-way): another request with the key runs instead.
const PENDING_STALE: jiff::SignedDuration = jiff::SignedDuration::from_mins(2);
