//! The calendar feed: a private address, `/feed/<secret>.ics`, that Google Calendar,
//! Outlook or Apple Calendar subscribe to, serving what `followup export --ics` writes
//! (the same events, UIDs and alarms), planned afresh at each poll.
//!
//! The secret is 32 random bytes (64 hex digits) kept in a file beside the database,
//! `<db>.feed-secret` (mode 0600), never in the database: a backup does not carry it,
//! and renewing it (Settings, or `POST /api/feed`) makes every old address stop
//! working at once. Without the file the feed is off.
//!
//! Polls cost little: the answer carries an `ETag` (a hash of the calendar without its
//! `DTSTAMP` lines, which say only when it was written) and a `Last-Modified` (when
//! this process first served that calendar), and a poll that sends either back
//! (`If-None-Match`, `If-Modified-Since`) gets `304 Not Modified` while nothing changed.
//!
//! ```text
//! GET /feed/3f9c…e1.ics            200 text/calendar, ETag: "…", Last-Modified: …
//! GET /feed/3f9c…e1.ics            304 (If-None-Match: "…")
//! GET /feed/<anything else>.ics    404
//! ```

use std::path::{Path, PathBuf};

use followup_app::secret;

/// The secret's name: the file is `<db>.feed-secret`.
const NAME: &str = "feed";

/// The file that holds the feed's secret: `<db>.feed-secret`.
pub fn secret_path(db: &Path) -> PathBuf {
    secret::path(db, NAME)
}

/// The feed's secret, while it is on.
pub fn secret(db: &Path) -> std::io::Result<Option<String>> {
    secret::read(db, NAME)
}

/// A new secret for the feed (the old address stops working).
pub fn renew(db: &Path) -> std::io::Result<String> {
    secret::renew(db, NAME)
}

/// Turns the feed off: every address stops working.
pub fn turn_off(db: &Path) -> std::io::Result<()> {
    secret::remove(db, NAME)
}

/// Whether `given` (the file name of a feed request, `<secret>.ics`) opens the feed
/// whose secret is `secret`, compared in constant time.
pub fn opens(secret: &str, given: &str) -> bool {
    given
        .strip_suffix(".ics")
        .is_some_and(|g| secret::matches(secret, g))
}

/// The address of the feed, for a request that came to `host` (its `Host` header) by
/// `scheme`.
pub fn url(scheme: &str, host: &str, secret: &str) -> String {
    format!("{scheme}://{host}/feed/{secret}.ics")
}

/// The entity tag of a calendar: FNV-1a over its lines, `DTSTAMP` lines left out (they
/// change at every poll and say nothing about the events).
pub fn etag(calendar: &str) -> String {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for line in calendar.split("\r\n") {
        if line.starts_with("DTSTAMP:") {
            continue;
        }
        for b in line.bytes().chain(*b"\n") {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("\"{hash:016x}\"")
}

/// Whether an `If-None-Match` header names `etag` (a list of tags, or `*`; weak tags
/// compare by their value).
pub fn none_match(header: &str, etag: &str) -> bool {
    header.split(',').map(str::trim).any(|t| {
        let t = t.strip_prefix("W/").unwrap_or(t);
        t == "*" || t == etag
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_secret_opens_the_feed() {
        let s = "ab".repeat(32);
        assert!(opens(&s, &format!("{s}.ics")));
        assert!(!opens(&s, &s));
        assert!(!opens(&s, &format!("{}.ics", "ab".repeat(31))));
        assert!(!opens(&s, &format!("{}ac.ics", "ab".repeat(31))));
        assert!(!opens(&s, ".ics"));
    }

    #[test]
    fn the_tag_ignores_when_the_calendar_was_written() {
        let a = "BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20261201T100000Z\r\nSUMMARY:A\r\n";
        let b = "BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20261202T110000Z\r\nSUMMARY:A\r\n";
        let c = "BEGIN:VEVENT\r\nUID:x\r\nDTSTAMP:20261202T110000Z\r\nSUMMARY:B\r\n";
        assert_eq!(etag(a), etag(b));
        assert_ne!(etag(b), etag(c));
        assert!(none_match(&etag(a), &etag(b)));
        assert!(none_match(&format!("\"x\", W/{}", etag(a)), &etag(a)));
        assert!(none_match("*", &etag(a)));
        assert!(!none_match("\"x\"", &etag(a)));
    }
}

// ---------------------------------------------------------------------------------------
// The routes.

use axum::extract::Path as UrlPath;

use crate::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{blocking, Problem, Shared};

/// Where the feed is: its address, or none while it is off.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedOut {
    /// The private address calendars subscribe to; `null` while the feed is off.
    pub url: Option<String>,
}

/// `https` when a proxy in front says the request came so, else `http`.
fn scheme(headers: &HeaderMap) -> &'static str {
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if proto.trim().eq_ignore_ascii_case("https") {
        "https"
    } else {
        "http"
    }
}

/// The feed's address for a request with `headers`, if the feed is on.
pub fn url_for(s: &Shared, headers: &HeaderMap) -> Result<Option<String>, Problem> {
    if s.on_pg() {
        // Off, and cannot be turned on (renewing says why).
        return Ok(None);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    Ok(secret(s.db())
        .map_err(|e| io_problem(s.db(), &e))?
        .map(|secret| url(scheme(headers), host, &secret)))
}

fn io_problem(db: &std::path::Path, e: &std::io::Error) -> Problem {
    Problem::internal(format!(
        "the calendar feed's secret ({}) could not be read or written: {e}",
        secret_path(db).display()
    ))
}

/// Renews the secret (or makes the first); the address it gives.
pub fn renew_for(s: &Shared, headers: &HeaderMap) -> Result<String, Problem> {
    s.files_only("The calendar feed")?;
    renew(s.db()).map_err(|e| io_problem(s.db(), &e))?;
    Ok(url_for(s, headers)?.unwrap_or_default())
}

/// Turns the feed off.
pub fn off_for(s: &Shared) -> Result<(), Problem> {
    s.files_only("The calendar feed")?;
    turn_off(s.db()).map_err(|e| io_problem(s.db(), &e))
}

/// The calendar feed's address.
#[utoipa::path(get, path = "/api/feed", responses((status = 200, description = "The feed's private address, or null while the feed is off", body = FeedOut)))]
pub async fn get_feed(
    State(s): State<Shared>,
    headers: HeaderMap,
) -> Result<Json<FeedOut>, Problem> {
    Ok(Json(FeedOut {
        url: url_for(&s, &headers)?,
    }))
}

/// A new private address for the feed (turning it on): the old address stops working.
#[utoipa::path(post, path = "/api/feed", responses((status = 201, description = "The feed's new address", body = FeedOut)))]
pub async fn renew_feed(
    State(s): State<Shared>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<FeedOut>), Problem> {
    let url = renew_for(&s, &headers)?;
    Ok((StatusCode::CREATED, Json(FeedOut { url: Some(url) })))
}

/// Turns the feed off: its address stops working.
#[utoipa::path(delete, path = "/api/feed", responses((status = 204, description = "The feed is off")))]
pub async fn delete_feed(State(s): State<Shared>) -> Result<StatusCode, Problem> {
    off_for(&s)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /feed/<secret>.ics`: the calendar, or 304 while it is what the poller has, or
/// 404 for any other name (a wrong or revoked secret, or the feed off).
pub async fn serve(
    State(s): State<Shared>,
    UrlPath(file): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let not_found = || {
        Problem::new(
            StatusCode::NOT_FOUND,
            "No such feed",
            "this calendar feed does not exist or its address was renewed: copy the current address from Settings",
        )
        .into_response()
    };
    let secret = match secret(s.db()) {
        Ok(Some(secret)) => secret,
        Ok(None) => return not_found(),
        Err(e) => return io_problem(s.db(), &e).into_response(),
    };
    if !opens(&secret, &file) {
        return not_found();
    }
    let ctx = s.ctx();
    let now = ctx.now;
    let text = match blocking(move || {
        let store = ctx.store()?;
        let apps = store
            .applications(true)
            .map_err(followup_app::ctx::store_err)?;
        drop(store);
        Ok(followup_app::ics::calendar(&ctx, &apps)?)
    })
    .await
    {
        Ok(text) => text,
        Err(p) => return p.into_response(),
    };
    let tag = etag(&text);
    let modified = s.feed_modified(&tag, now);
    let last_modified = jiff::fmt::rfc2822::DateTimePrinter::new()
        .timestamp_to_rfc9110_string(&modified)
        .ok();
    let unchanged = match headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        Some(h) => none_match(h, &tag),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| jiff::fmt::rfc2822::parse(v).ok())
            .is_some_and(|since| since.timestamp().as_second() >= modified.as_second()),
    };
    let mut r = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            text,
        )
            .into_response()
    };
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    if let Some(v) = last_modified.and_then(|l| HeaderValue::from_str(&l).ok()) {
        h.insert(header::LAST_MODIFIED, v);
    }
    // Only the subscriber keeps it, and asks again each time.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    r
}

/// When this process first served the calendar tagged `tag` (the feed's
/// `Last-Modified`): kept for the last tag only.
#[derive(Default)]
pub struct Seen(std::sync::Mutex<Option<(String, Timestamp)>>);

impl Seen {
    pub fn modified(&self, tag: &str, now: Timestamp) -> Timestamp {
        let mut seen = match self.0.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        match &*seen {
            Some((t, at)) if t == tag => *at,
            _ => {
                *seen = Some((tag.to_string(), now));
                now
            }
        }
    }
}
