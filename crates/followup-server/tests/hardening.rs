//! Limits, caches and headers: what a long text, a large tracker or another site's page
//! gets from the server.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use followup_app::track::{AddInput, RoundInput};

use common::send;

fn setup_with(token: Option<&str>) -> (tempfile::TempDir, Router, followup_app::Ctx, i64) {
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
    let app = common::router(&ctx, token);
    (dir, app, ctx, id)
}

fn setup() -> (tempfile::TempDir, Router, followup_app::Ctx, i64) {
    setup_with(None)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn json(method: &str, uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn check_body(text: &str) -> String {
    serde_json::json!({ "text": text }).to_string()
}

#[tokio::test]
async fn a_long_text_is_checked_quickly_with_its_first_findings() {
    let (_d, app, _, _) = setup();
    // 200 KiB of "teh the the": thousands of findings.
    let text = "Dear Jane,\n\nteh the the ASAP!! ".repeat(200 * 1024 / 30);
    let t = std::time::Instant::now();
    let (s, ct, b) = send(&app, json("POST", "/api/check", &check_body(&text))).await;
    let took = t.elapsed();
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(ct, "application/json");
    let v: serde_json::Value = serde_json::from_str(&b).unwrap();
    assert_eq!(v["truncated"], true);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 200);
    // Unoptimised and on a busy machine: far from the seconds it once took.
    assert!(took < std::time::Duration::from_secs(20), "{took:?}");
    // Offsets are the characters', as before.
    let d = &v["diagnostics"][0];
    let (start, end) = (d["start"].as_u64().unwrap(), d["end"].as_u64().unwrap());
    assert!(start <= end);

    let (s, _, b) = send(&app, json("POST", "/api/check", &check_body("Thanks!"))).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b.contains("\"truncated\":false"), "{b}");
}

#[tokio::test]
async fn a_text_over_256_kib_is_refused_in_plain_words() {
    let (_d, app, _, _) = setup();
    let text = "word ".repeat(260 * 1024 / 5);
    let (s, ct, b) = send(&app, json("POST", "/api/check", &check_body(&text))).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
    assert_eq!(ct, "application/problem+json");
    assert!(b.contains("at most 256 KiB"), "{b}");
}

#[tokio::test]
async fn the_agenda_and_the_list_are_kept_until_the_data_changes() {
    let (_d, app, ctx, _) = setup();
    let (s, _, a1) = send(&app, get("/api/agenda")).await;
    assert_eq!(s, StatusCode::OK, "{a1}");
    let (_, _, l1) = send(&app, get("/api/applications")).await;
    let (_, _, a2) = send(&app, get("/api/agenda")).await;
    assert_eq!(a1, a2);
    let v: serde_json::Value = serde_json::from_str(&l1).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    // A write by anyone (here: the command line's use case on the same file) shows.
    let input = AddInput {
        company: "Globex".into(),
        role: "Analyst".into(),
        round: RoundInput {
            at: "2026-12-03 10:00".into(),
            duration: "1h".into(),
            ..RoundInput::default()
        },
        ..AddInput::default()
    };
    followup_app::track::add(&ctx, &input).unwrap();
    let (_, _, l2) = send(&app, get("/api/applications")).await;
    let v: serde_json::Value = serde_json::from_str(&l2).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2, "{l2}");
    let (_, _, a3) = send(&app, get("/api/agenda")).await;
    assert!(a3.contains("Globex") || a3 != a1, "{a3}");
}

#[tokio::test]
async fn every_text_field_has_a_length_limit_named_in_the_refusal() {
    let (_d, app, _, id) = setup();
    let long = "x".repeat(1_000_000);
    let body = serde_json::json!({
        "company": long, "role": "Engineer", "round": {"at": "2026-12-01 10:00"}
    });
    let (s, ct, b) = send(&app, json("POST", "/api/applications", &body.to_string())).await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        &b[..b.len().min(300)]
    );
    assert_eq!(ct, "application/problem+json");
    assert!(b.contains("company") && b.contains("at most 300"), "{b}");
    assert!(
        b.len() < 1000,
        "the value is not echoed back: {} bytes",
        b.len()
    );
    let body = serde_json::json!({
        "company": "Acme", "role": "Engineer",
        "round": {"at": "2026-12-01 10:00", "decision": "y".repeat(400)}
    });
    let (s, _, b) = send(&app, json("POST", "/api/applications", &body.to_string())).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b.contains("round.decision"), "{b}");
    let body = serde_json::json!({ "name": "n".repeat(301) });
    let (s, _, b) = send(
        &app,
        json(
            "POST",
            &format!("/api/applications/{id}/contacts"),
            &body.to_string(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b.contains("name"), "{b}");
    let body = serde_json::json!({ "topic": ["t".repeat(20_001)] });
    let (s, _, b) = send(
        &app,
        json(
            "POST",
            &format!("/api/applications/{id}/notes"),
            &body.to_string(),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // At the limit: accepted.
    let body = serde_json::json!({
        "company": "c".repeat(300), "role": "Engineer", "round": {"at": "2026-12-01 10:00"}
    });
    let (s, _, b) = send(&app, json("POST", "/api/applications", &body.to_string())).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}

#[tokio::test]
async fn an_import_of_too_many_events_is_refused() {
    let (_d, app, _, _) = setup();
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n");
    for i in 0..501 {
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:e{i}@t\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261201T150000Z\r\nDTEND:20261201T160000Z\r\nSUMMARY:Interview {i}\r\nEND:VEVENT\r\n"
        ));
    }
    ics.push_str("END:VCALENDAR\r\n");
    let req = Request::post("/api/import")
        .header(header::CONTENT_TYPE, "text/calendar")
        .body(Body::from(ics))
        .unwrap();
    let (s, _, b) = send(&app, req).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(b.contains("at most 500"), "{b}");
}

fn with(mut req: Request<Body>, name: &str, value: &str) -> Request<Body> {
    req.headers_mut().insert(
        axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
        value.parse().unwrap(),
    );
    req
}

#[tokio::test]
async fn pages_and_the_api_are_not_stored_nor_referred() {
    let (_d, app, _, id) = setup();
    for uri in [
        "/".to_string(),
        format!("/applications/{id}"),
        "/api/applications".to_string(),
        "/api/agenda".to_string(),
        "/nowhere".to_string(),
    ] {
        let r = tower::ServiceExt::oneshot(app.clone(), get(&uri))
            .await
            .unwrap();
        assert_eq!(r.headers()[header::CACHE_CONTROL], "no-store", "{uri}");
        assert_eq!(r.headers()[header::REFERRER_POLICY], "no-referrer", "{uri}");
    }
    let r = tower::ServiceExt::oneshot(app.clone(), get("/static/app.css"))
        .await
        .unwrap();
    assert_ne!(
        r.headers()
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap()),
        Some("no-store")
    );
}

#[tokio::test]
async fn changes_from_another_site_are_refused() {
    let (_d, app, _, _) = setup();
    let body = r#"{"name":"Sam Lee","email":"sam@example.com"}"#;
    let put = || json("PUT", "/api/profile", body);
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "http://evil.example"),
        ("origin", "null"),
        ("origin", "http://localhost:9999"),
    ] {
        let (s, ct, b) = send(&app, with(put(), name, value)).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{name}: {value}: {b}");
        assert_eq!(ct, "application/problem+json");
        assert!(b.contains("another site"), "{b}");
    }
    // A page's form from another site gets the error page.
    let form = Request::post("/settings")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from("tz=UTC"))
        .unwrap();
    let (s, ct, _) = send(&app, form).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(ct.starts_with("text/html"), "{ct}");
    // Reading from another site is not a change.
    let (s, _, _) = send(
        &app,
        with(get("/api/agenda"), "sec-fetch-site", "cross-site"),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // The same origin, what the user typed, and no browser at all pass.
    let same = with(
        with(put(), "origin", "http://localhost:7878"),
        "host",
        "localhost:7878",
    );
    for req in [
        with(put(), "sec-fetch-site", "same-origin"),
        // Its own form under `Referrer-Policy: no-referrer`.
        with(
            with(put(), "sec-fetch-site", "same-origin"),
            "origin",
            "null",
        ),
        with(put(), "sec-fetch-site", "none"),
        same,
        put(),
    ] {
        let (s, _, b) = send(&app, req).await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
}

#[tokio::test]
async fn a_refused_token_says_how_to_authenticate_and_sessions_are_not_the_token() {
    let token = "0123456789abcdef";
    let (_d, app, _, _) = setup_with(Some(token));
    let r = tower::ServiceExt::oneshot(app.clone(), get("/api/agenda"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    // The raw token in a cookie opens nothing.
    let req = with(
        get("/api/agenda"),
        "cookie",
        &format!("followup_session={token}"),
    );
    let (s, _, _) = send(&app, req).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let req = with(
        get("/api/agenda"),
        "cookie",
        &format!("followup_token={token}"),
    );
    let (s, _, _) = send(&app, req).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Two browsers, two sessions.
    let cookie = |r: &axum::response::Response| {
        r.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .to_string()
    };
    let a = tower::ServiceExt::oneshot(app.clone(), get(&format!("/?token={token}")))
        .await
        .unwrap();
    let b = tower::ServiceExt::oneshot(app.clone(), get(&format!("/?token={token}")))
        .await
        .unwrap();
    assert_ne!(cookie(&a), cookie(&b));
    let session = cookie(&a).split(';').next().unwrap().to_string();
    let (s, _, _) = send(&app, with(get("/api/agenda"), "cookie", &session)).await;
    assert_eq!(s, StatusCode::OK);
}
