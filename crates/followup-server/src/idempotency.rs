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

/// The `Idempotency-Key` of an API request, if any; refused when it is not text or too
/// long.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, Problem> {
    let Some(v) = headers.get(HEADER) else {
        return Ok(None);
    };
    let text = v
        .to_str()
        .map_err(|_| Problem::input("the Idempotency-Key header is not plain text"))?;
    checked(text).map(Some)
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
/// 2xx or a redirect), and given again for the same request; the same key sent with
/// another request is refused (422). Without a key, `f` just runs. Runs off the async
/// threads (it waits for the database).
pub fn once(
    ctx: &Ctx,
    key: Option<&str>,
    request: &str,
    f: impl FnOnce() -> Result<Answer, Problem>,
) -> Result<Answer, Problem> {
    let Some(key) = key else { return f() };
    let _one = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if ctx.db.exists() {
        let store = ctx.store()?;
        if let Some(r) = store
            .remembered(key)
            .map_err(followup_app::ctx::store_err)?
        {
            if r.request != request {
                return Err(Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Idempotency key reused",
                    format!(
                        "the idempotency key `{key}` was sent before with another request ({}): send a new key for a new request",
                        r.request
                    ),
                ));
            }
            return Ok((r.status, r.body));
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
                ctx.now
                    .checked_sub(KEEP)
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH),
            )
            .map_err(followup_app::ctx::store_err)?;
    }
    Ok((status, body))
}
