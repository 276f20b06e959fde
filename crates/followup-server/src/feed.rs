//! The calendar feed: a private address, `/feed/<secret>.ics`, that Google Calendar,
//! Outlook or Apple Calendar subscribe to, serving what `followup export --ics` writes
//! (the same events, UIDs and alarms), planned afresh at each poll.
//!
//! # Its secret
//!
//! For one person (SQLite) the secret is 32 random bytes (64 hex digits) kept in a
//! file beside the database, `<db>.feed-secret` (mode 0600), never in the database: a
//! backup does not carry it, and renewing it (Settings, or `POST /api/feed`) makes
//! every old address stop working at once. Without the file the feed is off.
//!
//! On PostgreSQL (many users, any number of processes, no files) the address is
//! `/feed/USER.GENERATION.MAC.ics`, where `MAC` is the hex SHA-256 of the server's
//! secret `feed` (a row of `server_secret`, made by the first process that asks, the
//! same for all), the user's id and the generation ([`pg_mac`]), compared in constant
//! time. The database keeps no secret of the user's: only whether their feed is on and
//! which generation is in force (`calendar_feed`, under row-level security). Renewing
//! raises the generation, so every older address stops working; turning the feed off
//! keeps it, so turning it on again gives an address never given before. Any process
//! can make the address again from the row (Settings shows it at every visit). Whoever
//! holds the server's secret (a copy of the database) could make anyone's address, as
//! they could the digest's unsubscribe links: the secret is the service's, and
//! replacing its row makes every address (and every unsubscribe link) stop working.
//!
//! # Polls
//!
//! Polls cost little: the answer carries an `ETag` (a hash of the calendar without its
//! `DTSTAMP` lines, which say only when it was written) and a `Last-Modified`, and a
//! poll that sends either back (`If-None-Match`, `If-Modified-Since`) gets `304 Not
//! Modified` while nothing changed. `Last-Modified` is when the calendar of that tag
//! was first served: for one person, as this process saw it; on PostgreSQL, as the
//! user's `calendar_feed` row records it for every process, moved on (never back) when
//! the tag changes. The same calendar has the same tag on every process.
//!
//! Each event's `SEQUENCE` counts the facts of its application and their changes
//! (`followup_app::ics`), read from the database: the same on every process.
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

/// The name of the server's secret (`server_secret`) that PostgreSQL feed addresses are
/// made from.
pub const PG_SECRET: &str = "feed";

/// The MAC of `user`'s feed address of `generation`: the hex SHA-256 of
/// `<secret>:feed:<user>:<generation>`.
pub fn pg_mac(secret: &str, user: i64, generation: i64) -> String {
    followup_app::accounts::hash_secret(&format!("{secret}:feed:{user}:{generation}"))
}

/// The file name (without `.ics`) of `user`'s feed address of `generation`:
/// `USER.GENERATION.MAC`.
pub fn pg_name(secret: &str, user: i64, generation: i64) -> String {
    format!("{user}.{generation}.{}", pg_mac(secret, user, generation))
}

/// The user and generation that `given` (the file name of a feed request,
/// `USER.GENERATION.MAC.ics`) names, if its MAC is right for the server's `secret`
/// (compared in constant time). Whether that generation is in force is the
/// database's to say.
pub fn pg_opens(secret: &str, given: &str) -> Option<(i64, i64)> {
    let mut parts = given.strip_suffix(".ics")?.split('.');
    let (user, generation, mac) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    // Written as `pg_name` writes it: one address per user and generation (no sign,
    // no leading zero).
    let number = |s: &str| {
        s.parse::<i64>()
            .ok()
            .filter(|n| *n >= 0 && n.to_string() == s)
    };
    let (user, generation) = (number(user)?, number(generation)?);
    secret::matches(&pg_mac(secret, user, generation), mac).then_some((user, generation))
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
    fn a_postgresql_address_names_its_user_and_generation_under_the_servers_secret() {
        let secret = "cd".repeat(32);
        let name = pg_name(&secret, 42, 3);
        assert_eq!(pg_opens(&secret, &format!("{name}.ics")), Some((42, 3)));
        assert!(name.starts_with("42.3.") && name.len() == "42.3.".len() + 64);
        // Without the suffix, under another secret, for another user or generation.
        assert_eq!(pg_opens(&secret, &name), None);
        assert_eq!(pg_opens(&"ef".repeat(32), &format!("{name}.ics")), None);
        let mac = pg_mac(&secret, 42, 3);
        for other in [
            format!("43.3.{mac}.ics"),
            format!("42.4.{mac}.ics"),
            format!("42.2.{mac}.ics"),
            format!("+42.3.{mac}.ics"),
            format!("042.3.{mac}.ics"),
            format!("42.3.{mac}.x.ics"),
            format!("42.3.{}.ics", &mac[..63]),
            format!("42..{mac}.ics"),
            ".ics".to_string(),
            format!("{}.ics", "ab".repeat(32)),
        ] {
            assert_eq!(pg_opens(&secret, &other), None, "{other}");
        }
        // Another generation has another MAC.
        assert_ne!(pg_mac(&secret, 42, 3), pg_mac(&secret, 42, 4));
        assert_ne!(pg_mac(&secret, 42, 3), pg_mac(&secret, 4, 23));
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

/// The address of the feed whose file name is `name`, for a request with `headers`.
fn url_of(headers: &HeaderMap, name: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    url(scheme(headers), host, name)
}

/// The server's secret of the PostgreSQL feed addresses (made by the first process
/// that asks, then the same for all).
fn pg_secret(conn: &mut followup_store::pg::Pg) -> Result<String, Problem> {
    let fresh = followup_app::accounts::new_secret()?;
    Ok(conn
        .server_secret(PG_SECRET, || fresh)
        .map_err(followup_app::Error::from)?)
}

/// Runs `f` with a connection of the user's database and the user's id, off the async
/// threads.
async fn on_pg<T: Send + 'static>(
    user: followup_app::ctx::PgUser,
    f: impl FnOnce(&mut followup_store::pg::Pg, i64) -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    blocking(move || {
        let mut conn = user.pool.get_pg().map_err(followup_app::Error::from)?;
        f(&mut conn, user.user)
    })
    .await
}

/// The feed's address for a request with `headers`, if the feed is on.
pub async fn url_for(s: &Shared, headers: &HeaderMap) -> Result<Option<String>, Problem> {
    if let Some(pg) = s.pg() {
        let name = on_pg(pg.user.clone(), |conn, user| {
            match conn
                .feed_generation(user)
                .map_err(followup_app::Error::from)?
            {
                Some(generation) => Ok(Some(pg_name(&pg_secret(conn)?, user, generation))),
                None => Ok(None),
            }
        })
        .await?;
        return Ok(name.map(|n| url_of(headers, &n)));
    }
    Ok(secret(s.db())
        .map_err(|e| io_problem(s.db(), &e))?
        .map(|secret| url_of(headers, &secret)))
}

fn io_problem(db: &std::path::Path, e: &std::io::Error) -> Problem {
    Problem::internal(format!(
        "the calendar feed's secret ({}) could not be read or written: {e}",
        secret_path(db).display()
    ))
}

/// Renews the secret (or makes the first); the address it gives.
pub async fn renew_for(s: &Shared, headers: &HeaderMap) -> Result<String, Problem> {
    let name = match s.pg() {
        Some(pg) => {
            on_pg(pg.user.clone(), |conn, user| {
                let generation = conn.renew_feed(user).map_err(followup_app::Error::from)?;
                Ok(pg_name(&pg_secret(conn)?, user, generation))
            })
            .await?
        }
        None => renew(s.db()).map_err(|e| io_problem(s.db(), &e))?,
    };
    Ok(url_of(headers, &name))
}

/// Turns the feed off.
pub async fn off_for(s: &Shared) -> Result<(), Problem> {
    match s.pg() {
        Some(pg) => {
            on_pg(pg.user.clone(), |conn, user| {
                Ok(conn.feed_off(user).map_err(followup_app::Error::from)?)
            })
            .await
        }
        None => turn_off(s.db()).map_err(|e| io_problem(s.db(), &e)),
    }
}

/// The calendar feed's address.
#[utoipa::path(get, path = "/api/feed", responses((status = 200, description = "The feed's private address, or null while the feed is off", body = FeedOut)))]
pub async fn get_feed(
    State(s): State<Shared>,
    headers: HeaderMap,
) -> Result<Json<FeedOut>, Problem> {
    Ok(Json(FeedOut {
        url: url_for(&s, &headers).await?,
    }))
}

/// A new private address for the feed (turning it on): the old address stops working.
#[utoipa::path(post, path = "/api/feed", responses((status = 201, description = "The feed's new address", body = FeedOut)))]
pub async fn renew_feed(
    State(s): State<Shared>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<FeedOut>), Problem> {
    let url = renew_for(&s, &headers).await?;
    Ok((StatusCode::CREATED, Json(FeedOut { url: Some(url) })))
}

/// Turns the feed off: its address stops working.
#[utoipa::path(delete, path = "/api/feed", responses((status = 204, description = "The feed is off")))]
pub async fn delete_feed(State(s): State<Shared>) -> Result<StatusCode, Problem> {
    off_for(&s).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user of a multi-user server on PostgreSQL whose feed address `given` (the
/// request's file name) is, if its MAC is the server's (whether its generation is in
/// force, the user's app says: [`serve`]).
pub(crate) async fn pg_owner(
    pool: followup_store::pg::PgPool,
    given: String,
) -> Result<Option<followup_store::accounts::User>, Problem> {
    use followup_store::accounts::AccountStore;
    blocking(move || {
        let mut conn = pool.get_pg().map_err(followup_app::Error::from)?;
        let Some((user, _)) = pg_opens(&pg_secret(&mut conn)?, &given) else {
            return Ok(None);
        };
        Ok(AccountStore::user(&mut *conn, user).map_err(followup_app::Error::from)?)
    })
    .await
}

/// The calendar, its tag and when it was first served, if `file` opens the feed
/// (`None`: it does not).
type Served = Option<(String, String, Timestamp)>;

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
    let ctx = s.ctx();
    let now = ctx.now;
    let served: Result<Served, Problem> = match s.pg() {
        Some(pg) => {
            let user = pg.user.clone();
            blocking(move || {
                {
                    let mut conn = user.pool.get_pg().map_err(followup_app::Error::from)?;
                    let in_force = conn
                        .feed_generation(user.user)
                        .map_err(followup_app::Error::from)?;
                    let named = pg_opens(&pg_secret(&mut conn)?, &file);
                    if in_force.is_none() || named != in_force.map(|g| (user.user, g)) {
                        return Ok(None);
                    }
                }
                let text = followup_app::ics::feed(&ctx)?;
                let tag = etag(&text);
                let mut conn = user.pool.get_pg().map_err(followup_app::Error::from)?;
                let modified = conn
                    .feed_served(user.user, &tag, now)
                    .map_err(followup_app::Error::from)?
                    .unwrap_or(now);
                Ok(Some((text, tag, modified)))
            })
            .await
        }
        None => match secret(s.db()) {
            Ok(Some(secret)) if opens(&secret, &file) => {
                let text = blocking(move || Ok(followup_app::ics::feed(&ctx)?)).await;
                text.map(|text| {
                    let tag = etag(&text);
                    let modified = s.feed_modified(&tag, now);
                    Some((text, tag, modified))
                })
            }
            Ok(_) => Ok(None),
            Err(e) => Err(io_problem(s.db(), &e)),
        },
    };
    let (text, tag, modified) = match served {
        Ok(Some(served)) => served,
        Ok(None) => return not_found(),
        Err(p) => return p.into_response(),
    };
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
