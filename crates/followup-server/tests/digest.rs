//! The daily digest's one-click unsubscription (RFC 8058) and its hour in the
//! settings API.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;

fn router(ctx: &followup_app::Ctx, config: &std::path::Path, token: Option<&str>) -> axum::Router {
    followup_server::router(followup_server::Config {
        pg: None,
        hosted: false,
        db: ctx.db.clone(),
        settings: ctx.settings.clone(),
        policy: ctx.policy.clone(),
        now: Some(ctx.now),
        token: token.map(str::to_string),
        config_file: Some(config.to_path_buf()),
    })
}

fn req(method: &str, uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:7878")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn one_click_turns_the_digest_off_and_keeps_the_rest_of_the_settings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let ctx = common::ctx(&db);
    ctx.store().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        "# mine\ntz = \"America/New_York\"\ndigest_hour = 8\n\n[mail]\nsmtp = \"smtp://127.0.0.1:2525\"\n",
    )
    .unwrap();
    let secret = followup_app::secret::renew(&db, followup_app::digest::SECRET).unwrap();
    let token = "a-token-of-sixteen-or-more";
    let app = router(&ctx, &config, Some(token));
    let link = format!("/digest/unsubscribe/{secret}");

    // Opened in a browser: a question, nothing changed yet; no token needed.
    let (s, ct, page) = common::send(&app, req("GET", &link, "")).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(ct.starts_with("text/html"));
    assert!(page.contains("Stop the daily digest?"), "{page}");
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .contains("digest_hour = 8"));

    // Another secret opens nothing.
    let wrong = format!("/digest/unsubscribe/{}", "0".repeat(64));
    let (s, _, _) = common::send(&app, req("POST", &wrong, "")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .contains("digest_hour = 8"));

    // The mail provider's POST (List-Unsubscribe=One-Click, no Origin, no token).
    let (s, _, page) = common::send(&app, req("POST", &link, "List-Unsubscribe=One-Click")).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("The daily digest is off"), "{page}");
    let after = std::fs::read_to_string(&config).unwrap();
    assert_eq!(
        after,
        "# mine\ntz = \"America/New_York\"\n\n[mail]\nsmtp = \"smtp://127.0.0.1:2525\"\n"
    );
    // In force at once.
    let mut get = req("GET", "/api/settings", "");
    get.headers_mut().insert(
        header::AUTHORIZATION,
        format!("Bearer {token}").parse().unwrap(),
    );
    let (s, _, b) = common::send(&app, get).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let v: Value = serde_json::from_str(&b).unwrap();
    assert_eq!(v["settings"]["digest_hour"], Value::Null, "{b}");
}

#[tokio::test]
async fn the_digest_hour_is_set_and_cleared_through_the_settings_api() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = common::ctx(&dir.path().join("f.sqlite"));
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "tz = \"America/New_York\"\n").unwrap();
    let app = router(&ctx, &config, None);
    let hour =
        |b: &str| serde_json::from_str::<Value>(b).unwrap()["settings"]["digest_hour"].clone();

    let (s, _, b) = common::send(
        &app,
        req(
            "PUT",
            "/api/settings",
            r#"{"tz":"America/New_York","digest_hour":8}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, _, b) = common::send(&app, req("GET", "/api/settings", "")).await;
    assert_eq!(hour(&b), 8);
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .contains("digest_hour = 8"));
    // Missing: left as it is.
    let (s, _, b) = common::send(
        &app,
        req("PUT", "/api/settings", r#"{"tz":"America/New_York"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, _, b) = common::send(&app, req("GET", "/api/settings", "")).await;
    assert_eq!(hour(&b), 8);
    // Not an hour: refused, nothing written.
    let (s, _, b) = common::send(&app, req("PUT", "/api/settings", r#"{"digest_hour":24}"#)).await;
    assert!(
        s == StatusCode::BAD_REQUEST || s == StatusCode::UNPROCESSABLE_ENTITY,
        "{s} {b}"
    );
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .contains("digest_hour = 8"));
    // Null: off.
    let (s, _, b) = common::send(
        &app,
        req(
            "PUT",
            "/api/settings",
            r#"{"tz":"America/New_York","digest_hour":null}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, _, b) = common::send(&app, req("GET", "/api/settings", "")).await;
    assert_eq!(hour(&b), Value::Null);
    assert!(!std::fs::read_to_string(&config)
        .unwrap()
        .contains("digest_hour"));
}
