//! The calendar feed (`/feed/<secret>.ics`, `/api/feed`, Settings): what a subscribed
//! calendar sees. The document is `followup export --ics`'s, which
//! `crates/followup-cli/tests/export.rs` reads back with Python's `icalendar`.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use followup_app::track::{AddInput, RoundInput};
use serde_json::Value;

const HOST: &str = "127.0.0.1:7878";

fn req(method: &str, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
}

/// Sends a request; the status, the headers and the body.
async fn send(app: &axum::Router, r: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let r = app.clone().oneshot(r).await.unwrap();
    let (parts, body) = r.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (
        parts.status,
        parts.headers,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

async fn feed_url(app: &axum::Router) -> Option<String> {
    let (s, _, b) = send(app, req("GET", "/api/feed").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let v: Value = serde_json::from_str(&b).unwrap();
    v["url"].as_str().map(str::to_string)
}

/// The path of a feed address.
fn path_of(url: &str) -> String {
    url.strip_prefix(&format!("http://{HOST}"))
        .unwrap()
        .to_string()
}

/// The VEVENT of `uid` in a calendar: its lines (unfolded).
fn event<'a>(cal: &'a str, uid: &str) -> Vec<&'a str> {
    let start = cal
        .find(&format!("UID:{uid}\r\n"))
        .unwrap_or_else(|| panic!("no {uid} in\n{cal}"));
    cal[start..]
        .split("\r\n")
        .take_while(|l| *l != "END:VEVENT")
        .collect()
}

fn field<'a>(lines: &[&'a str], name: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(name))
        .unwrap_or_else(|| panic!("no {name} in {lines:?}"))
}

#[tokio::test]
async fn a_subscribed_calendar_follows_the_plan_and_polls_cheaply() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let ctx = common::ctx(&db);
    let input = AddInput {
        company: "Acme".into(),
        role: "Engineer".into(),
        round: RoundInput {
            at: "2026-12-01 10:00".into(),
            duration: "1h".into(),
            interviewer: vec!["Jane Doe <jane@acme.com>".into()],
            ..RoundInput::default()
        },
        ..AddInput::default()
    };
    let id = followup_app::track::add(&ctx, &input).unwrap();
    let app = common::router(&ctx, None);

    // Off at first: no address, and no name opens anything.
    assert_eq!(feed_url(&app).await, None);
    let guess = format!("/feed/{}.ics", "0".repeat(64));
    let (s, _, _) = send(&app, req("GET", &guess).body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Turned on through the API: an address on the host asked.
    let (s, _, b) = send(&app, req("POST", "/api/feed").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let url = serde_json::from_str::<Value>(&b).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.starts_with(&format!("http://{HOST}/feed/")) && url.ends_with(".ics"));
    assert_eq!(feed_url(&app).await.as_deref(), Some(url.as_str()));
    // The secret lives beside the database, never in it (nor in a backup).
    let secret = std::fs::read_to_string(followup_server::feed::secret_path(&db)).unwrap();
    assert!(url.contains(secret.trim()));
    let raw = std::fs::read(&db).unwrap();
    assert!(!raw
        .windows(secret.trim().len())
        .any(|w| w == secret.trim().as_bytes()));

    let path = path_of(&url);
    let (s, h, cal) = send(&app, req("GET", &path).body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{cal}");
    assert_eq!(h[header::CONTENT_TYPE], "text/calendar; charset=utf-8");
    assert_eq!(h[header::CACHE_CONTROL], "private, no-cache");
    let tag = h[header::ETAG].to_str().unwrap().to_string();
    let modified = h[header::LAST_MODIFIED].to_str().unwrap().to_string();
    assert!(modified.ends_with(" GMT"), "{modified}");
    assert!(cal.starts_with("BEGIN:VCALENDAR\r\n"), "{cal}");
    let follow_up =
        followup_core::ical::export::uid(id, followup_core::plan::StepKind::FollowUp, None);
    let before = event(&cal, &follow_up);
    // The same document as `followup export --ics` (but for when it was written).
    let export =
        followup_app::ics::calendar(&ctx, &[ctx.store().unwrap().application(id).unwrap()])
            .unwrap();
    let strip = |c: &str| -> String {
        c.split("\r\n")
            .filter(|l| !l.starts_with("DTSTAMP:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&cal), strip(&export));

    // A poll that has it gets 304, by tag or by date; a wrong tag gets it all.
    let poll = |name: header::HeaderName, value: &str| {
        req("GET", &path)
            .header(name, value)
            .body(Body::empty())
            .unwrap()
    };
    let (s, h, b) = send(&app, poll(header::IF_NONE_MATCH, &tag)).await;
    assert_eq!((s, b.as_str()), (StatusCode::NOT_MODIFIED, ""));
    assert_eq!(h[header::ETAG].to_str().unwrap(), tag);
    let (s, _, _) = send(&app, poll(header::IF_MODIFIED_SINCE, &modified)).await;
    assert_eq!(s, StatusCode::NOT_MODIFIED);
    let (s, _, _) = send(&app, poll(header::IF_NONE_MATCH, "\"0000\"")).await;
    assert_eq!(s, StatusCode::OK);

    // A fact changes: the employer names a decision date. The follow-up moves, under
    // the same UID, with a higher SEQUENCE, and the old tag no longer matches.
    followup_app::track::reply(
        &ctx,
        id,
        Some("2026-12-02 09:00"),
        Some("We expect to decide by Friday."),
        None,
        None,
    )
    .unwrap();
    let (s, h, cal2) = send(&app, poll(header::IF_NONE_MATCH, &tag)).await;
    assert_eq!(s, StatusCode::OK);
    assert_ne!(h[header::ETAG].to_str().unwrap(), tag);
    let after = event(&cal2, &follow_up);
    assert_ne!(field(&before, "DTSTART"), field(&after, "DTSTART"));
    let seq = |e: &[&str]| field(e, "SEQUENCE:").parse::<u32>().unwrap();
    assert!(seq(&after) > seq(&before), "{before:?}\n{after:?}");

    // A thank-you logged and taken back: cancelled, then in force again, the SEQUENCE
    // raised each time.
    let jane = followup_core::ical::export::uid(
        id,
        followup_core::plan::StepKind::ThankYou,
        Some(ctx.store().unwrap().application(id).unwrap().contacts[0].id),
    );
    let sequence_of = |cal: &str| -> (String, u32) {
        let e = event(cal, &jane);
        (
            field(&e, "STATUS:").to_string(),
            field(&e, "SEQUENCE:").parse().unwrap(),
        )
    };
    let (_, _, cal) = send(&app, req("GET", &path).body(Body::empty()).unwrap()).await;
    let (status, logged_before) = sequence_of(&cal);
    assert_eq!(status, "CONFIRMED");
    followup_app::track::log(&ctx, id, "thank-you", Some("Jane"), None, None).unwrap();
    let (_, _, cal) = send(&app, req("GET", &path).body(Body::empty()).unwrap()).await;
    let (status, logged) = sequence_of(&cal);
    assert_eq!(status, "CANCELLED");
    assert!(logged > logged_before);
    followup_app::track::undo(&ctx, id, None).unwrap();
    let (_, _, cal) = send(&app, req("GET", &path).body(Body::empty()).unwrap()).await;
    let (status, undone) = sequence_of(&cal);
    assert_eq!(status, "CONFIRMED");
    assert!(undone > logged, "the undo kept SEQUENCE {logged}");

    // A new address: the old one stops working at once.
    let (s, _, b) = send(&app, req("POST", "/api/feed").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let renewed = feed_url(&app).await.unwrap();
    assert_ne!(renewed, url);
    let (s, _, _) = send(&app, req("GET", &path).body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = send(
        &app,
        req("GET", &path_of(&renewed)).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // Off: nothing answers.
    let (s, _, _) = send(
        &app,
        req("DELETE", "/api/feed").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(feed_url(&app).await, None);
    let (s, _, _) = send(
        &app,
        req("GET", &path_of(&renewed)).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn with_a_token_the_feed_needs_only_its_secret() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = common::ctx(&dir.path().join("f.sqlite"));
    let token = "a-token-of-sixteen-or-more";
    let app = common::router(&ctx, Some(token));
    // The API still needs the token.
    let (s, _, _) = send(&app, req("POST", "/api/feed").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, b) = send(
        &app,
        req("POST", "/api/feed")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header("x-forwarded-proto", "https")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let url = serde_json::from_str::<Value>(&b).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(url.starts_with(&format!("https://{HOST}/feed/")), "{url}");
    // A calendar polls without it.
    let path = url.strip_prefix(&format!("https://{HOST}")).unwrap();
    let (s, _, cal) = send(&app, req("GET", path).body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{cal}");
    assert!(cal.contains("BEGIN:VCALENDAR"));
    // Any other name under /feed/ is not found, and tells nothing more.
    let wrong = format!("/feed/{}.ics", "f".repeat(64));
    let (s, _, _) = send(&app, req("GET", &wrong).body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn settings_turn_the_feed_on_renew_it_and_turn_it_off() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = common::ctx(&dir.path().join("f.sqlite"));
    let app = common::router(&ctx, None);
    let (s, _, page) = send(&app, req("GET", "/settings").body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("id=\"feed\"") && page.contains(">Turn on</button>"));
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();
    let form = |action: &str, csrf: &str| {
        req("POST", "/settings/feed")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&action={action}")))
            .unwrap()
    };
    let (s, h, _) = send(&app, form("renew", &csrf)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h[header::LOCATION], "/settings#feed");
    let url = feed_url(&app).await.unwrap();
    let (_, _, page) = send(&app, req("GET", "/settings").body(Body::empty()).unwrap()).await;
    assert!(page.contains(&format!("value=\"{url}\"")), "{page}");
    // A form from elsewhere (wrong token) changes nothing.
    let (s, _, _) = send(&app, form("off", "forged")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(feed_url(&app).await.as_deref(), Some(url.as_str()));
    let (s, _, _) = send(&app, form("off", &csrf)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(feed_url(&app).await, None);
    let (s, _, _) = send(&app, form("sideways", &csrf)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
