//! In-process tests of the pages and the API (tower `oneshot`), on a store in a
//! temporary directory, with a fixed clock.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use followup_app::settings::Settings;
use followup_app::track::{AddInput, RoundInput};
use followup_app::Ctx;
use followup_core::policy::Preset;
use http_body_util::BodyExt;
use tower::ServiceExt;

fn setup() -> (tempfile::TempDir, Router, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let now: jiff::Timestamp = "2026-12-02T15:00:00Z".parse().unwrap();
    let settings = Settings {
        tz: Some("America/New_York".into()),
        ..Settings::default()
    };
    let ctx = Ctx::from_parts(
        settings.clone(),
        Preset::default().policy(),
        now,
        db.clone(),
    );
    let input = AddInput {
        company: "Acme <Corp>".into(),
        role: "Engineer".into(),
        round: RoundInput {
            at: "2026-12-01 10:00".into(),
            duration: "1h".into(),
            interviewer: vec!["Jane Doe <jane@acme.com>".into()],
            decision: Some("within a week".into()),
            ..RoundInput::default()
        },
        company_type: Some("startup".into()),
        ..AddInput::default()
    };
    let id = followup_app::track::add(&ctx, &input).unwrap();
    let config = followup_server::Config {
        db,
        settings,
        policy: ctx.policy.clone(),
        now: Some(now),
        token: None,
        config_file: None,
    };
    (dir, followup_server::router(config), id)
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String, String) {
    let r = app.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let ct = r
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = r.into_body().collect().await.unwrap().to_bytes();
    (status, ct, String::from_utf8_lossy(&body).into_owned())
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

fn form(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn csrf_of(page: &str) -> String {
    let i = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[i..i + 64].to_string()
}

#[tokio::test]
async fn every_page_renders() {
    let (_d, app, id) = setup();
    let (s, _, today) = send(&app, get("/")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        today.contains("Due today") && today.contains("Thank-you"),
        "{today}"
    );
    // Escaped by the template engine.
    assert!(today.contains("Acme &#60;Corp&#62;") || today.contains("Acme &lt;Corp&gt;"));
    assert!(!today.contains("Acme <Corp>"));
    let (s, _, p) = send(&app, get("/pipeline")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(p.contains("interviewing") && p.contains("final follow-up sent"));
    let (s, _, a) = send(&app, get(&format!("/applications/{id}"))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        a.contains("<svg class=\"timeline\"") && a.contains("class=\"window\""),
        "{a}"
    );
    assert!(a.contains("Jane Doe"));
    for page in [
        "/new",
        "/settings",
        "/stats",
        "/static/app.css",
        "/static/app.js",
    ] {
        let (s, _, _) = send(&app, get(page)).await;
        assert_eq!(s, StatusCode::OK, "{page}");
    }
    let (s, _, st) = send(&app, get("/stats")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(st.contains("startup"));
}

#[tokio::test]
async fn draft_needs_a_profile_then_shows_the_checker() {
    let (_d, app, id) = setup();
    let (s, ct, _) = send(
        &app,
        get(&format!("/api/applications/{id}/draft?kind=thank-you")),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(ct, "application/problem+json");
    let (s, _, _) = send(
        &app,
        json(
            "PUT",
            "/api/profile",
            r#"{"name":"Sam Lee","email":"sam@example.com"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, page) = send(
        &app,
        get(&format!("/applications/{id}/draft?kind=thank-you")),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert!(page.contains("<textarea") && page.contains("Jane") && page.contains("mailto:"));
    let (s, ct, eml) = send(
        &app,
        get(&format!("/applications/{id}/draft.eml?kind=thank-you")),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "message/rfc822");
    assert!(eml.contains("X-Unsent: 1"));
    let (s, _, c) = send(
        &app,
        json("POST", "/api/check", &format!(r#"{{"text":"Subject: Thanks\n\nDear [NAME], thanks.","application":{id},"kind":"thank-you"}}"#)),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let v: serde_json::Value = serde_json::from_str(&c).unwrap();
    assert!(!v["diagnostics"].as_array().unwrap().is_empty(), "{c}");
}

#[tokio::test]
async fn api_round_trip() {
    let (_d, app, _) = setup();
    let (s, _, b) = send(
        &app,
        json("POST", "/api/applications", r#"{"company":"Beta","role":"Dev","round":{"at":"2026-12-01 14:00","tz":"Europe/London"}}"#),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let id = serde_json::from_str::<serde_json::Value>(&b).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, _, b) = send(&app, get(&format!("/api/applications/{id}"))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(b.contains("\"Beta\""));
    let (s, _, b) = send(&app, get("/api/applications")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&b)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (s, _, b) = send(
        &app,
        json(
            "POST",
            &format!("/api/applications/{id}/touchpoints"),
            r#"{"kind":"thank-you"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    for uri in ["/api/agenda", "/api/stats", "/api/profile"] {
        let (s, ct, _) = send(&app, get(uri)).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert!(ct.starts_with("application/json"));
    }
    let (s, ct, b) = send(&app, get("/api/applications/999")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert_eq!(ct, "application/problem+json");
}

#[tokio::test]
async fn bad_input_is_problem_json() {
    let (_d, app, _) = setup();
    let (s, ct, b) = send(
        &app,
        json(
            "PUT",
            "/api/profile",
            r#"{"name":"A","email":"a@b.c","shoe":1}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ct, "application/problem+json");
    assert!(b.contains("unknown field `shoe`"), "{b}");
    let (s, ct, b) = send(&app, json("POST", "/api/applications", "{not json")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(ct, "application/problem+json");
    assert!(b.contains("\"title\":\"Invalid JSON body\""));
    let (s, _, b) = send(
        &app,
        json(
            "POST",
            "/api/applications",
            r#"{"company":"X","role":"Y","round":{"at":"yesterday-ish"}}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    let big = format!(
        r#"{{"text":"{}"}}"#,
        "a".repeat(followup_server::BODY_LIMIT + 10)
    );
    let (s, ct, b) = send(&app, json("POST", "/api/check", &big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
    assert_eq!(ct, "application/problem+json");
    let (s, ct, _) = send(&app, get("/f.sqlite")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(ct, "application/problem+json");
    let (s, _, _) = send(&app, get("/static/../f.sqlite")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn forms_need_the_csrf_token() {
    let (_d, app, id) = setup();
    let (s, _, _) = send(
        &app,
        form(
            &format!("/applications/{id}/done"),
            "csrf=nope&kind=thank-you",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, _, page) = send(&app, get("/")).await;
    let token = csrf_of(&page);
    let (s, _, _) = send(
        &app,
        form(
            &format!("/applications/{id}/done"),
            &format!("csrf={token}&kind=thank-you&to=Jane+Doe"),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, _, page) = send(&app, get("/")).await;
    assert!(!page.contains("Thank-you to Jane Doe"), "{page}");
    let (s, _, b) = send(
        &app,
        form(
            "/new",
            &format!("csrf={token}&company=Gamma&role=QA&at=2026-12-03+09%3A00&tz=Europe%2FParis"),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
    let (s, _, b) = send(
        &app,
        form(
            "/new",
            &format!("csrf={token}&company=Gamma&role=QA&at=garbage"),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(b.contains("class=\"error\""));
}

#[test]
fn non_loopback_needs_a_token() {
    let lan: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
    let local: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
    assert!(followup_server::check_listen(&lan, None).is_err());
    assert!(followup_server::check_listen(&lan, Some("short")).is_err());
    assert!(followup_server::check_listen(&lan, Some("0123456789abcdef0")).is_ok());
    assert!(followup_server::check_listen(&local, None).is_ok());
}

#[tokio::test]
async fn token_is_required_when_set() {
    let dir = tempfile::tempdir().unwrap();
    let app = followup_server::router(followup_server::Config {
        db: dir.path().join("t.sqlite"),
        settings: Settings::default(),
        policy: Preset::default().policy(),
        now: None,
        token: Some("0123456789abcdef".into()),
        config_file: None,
    });
    let (s, ct, _) = send(&app, get("/api/stats")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(ct, "application/problem+json");
    let req = Request::get("/api/stats")
        .header(header::AUTHORIZATION, "Bearer 0123456789abcdef")
        .body(Body::empty())
        .unwrap();
    let (s, _, _) = send(&app, req).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn openapi_lists_every_route() {
    let (_d, app, _) = setup();
    let (s, _, b) = send(&app, get("/api/openapi.json")).await;
    assert_eq!(s, StatusCode::OK);
    let doc: serde_json::Value = serde_json::from_str(&b).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    let mut in_doc = Vec::new();
    for (p, ops) in paths {
        for m in ops.as_object().unwrap().keys() {
            in_doc.push((m.clone(), p.clone()));
        }
    }
    let mut listed: Vec<(String, String)> = followup_server::api::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    in_doc.sort();
    listed.sort();
    assert_eq!(in_doc, listed);
    // And the router answers each (not 404/405).
    for (m, p) in followup_server::api::ROUTES {
        let uri = p.replace("{id}", "1");
        let req = Request::builder()
            .method(m.to_uppercase().as_str())
            .uri(&uri)
            .body(Body::empty())
            .unwrap();
        let r = app.clone().oneshot(req).await.unwrap();
        assert!(r.status() != StatusCode::METHOD_NOT_ALLOWED, "{m} {p}");
        let ct = r
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_string());
        assert_ne!(
            ct.as_deref(),
            Some("application/problem+json")
                .filter(|_| r.status() == StatusCode::NOT_FOUND && !p.contains("{id}")),
            "{m} {p}"
        );
    }
}

#[tokio::test]
async fn real_server_on_port_zero() {
    use std::io::{Read, Write};
    let (_d, _, _) = setup();
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = followup_server::Config {
        db: dir.path().join("r.sqlite"),
        settings: Settings::default(),
        policy: Preset::default().policy(),
        now: None,
        token: None,
        config_file: None,
    };
    tokio::spawn(followup_server::serve(listener, config));
    let text = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(b"GET /api/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap();
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("response_rate"));
}

#[tokio::test]
async fn today_sees_writes_from_the_command_line() {
    let (d, app, id) = setup();
    let (_, _, before) = send(&app, get("/")).await;
    assert!(before.contains("Thank-you to Jane Doe"), "{before}");
    // Another connection (as `followup log` would) writes while the page is cached.
    let ctx = Ctx::from_parts(
        Settings {
            tz: Some("America/New_York".into()),
            ..Settings::default()
        },
        Preset::default().policy(),
        "2026-12-02T15:00:00Z".parse().unwrap(),
        d.path().join("f.sqlite"),
    );
    followup_app::track::log(&ctx, id, "thank-you", Some("Jane Doe"), None, None).unwrap();
    let (_, _, after) = send(&app, get("/")).await;
    assert!(!after.contains("Thank-you to Jane Doe"), "{after}");
}

fn invite_text(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../followup-core/tests/invites")
            .join(name),
    )
    .unwrap()
}

fn multipart(uri: &str, fields: &[(&str, Option<&str>, &str)]) -> Request<Body> {
    let boundary = "XfollowupBoundaryX";
    let mut body = String::new();
    for (name, file, value) in fields {
        body.push_str(&format!("--{boundary}\r\n"));
        match file {
            Some(f) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/calendar\r\n\r\n"
            )),
            None => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
            )),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    Request::post(uri)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn api_import_creates_an_application() {
    let (_d, app, _) = setup();
    let body = serde_json::json!({ "ics": invite_text("google.ics"), "company": "Globex" });
    let (s, ct, out) = send(&app, json("POST", "/api/import", &body.to_string())).await;
    assert_eq!(s, StatusCode::CREATED, "{out}");
    assert_eq!(ct, "application/json");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["imported"][0]["action"], "created", "{out}");
    assert_eq!(v["imported"][0]["company"], "Globex");
    let id = v["imported"][0]["application_id"].as_i64().unwrap();
    let (s, _, a) = send(&app, get(&format!("/api/applications/{id}"))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(a.contains("Globex") && a.contains("Raj Patel"), "{a}");

    // The .ics text itself, the company guessed; the same UID again is an update.
    let raw = Request::post("/api/import")
        .header(header::CONTENT_TYPE, "text/calendar")
        .body(Body::from(invite_text("google.ics")))
        .unwrap();
    let (s, _, out) = send(&app, raw).await;
    assert_eq!(s, StatusCode::CREATED, "{out}");
    assert!(out.contains("\"action\":\"updated\""), "{out}");

    // A cross-site form could send text/plain: refused.
    let plain = Request::post("/api/import")
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(invite_text("zoom.ics")))
        .unwrap();
    let (s, ct, _) = send(&app, plain).await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(ct, "application/problem+json");
}

#[tokio::test]
async fn api_import_of_a_bad_invite_is_problem_json() {
    let (_d, app, _) = setup();
    for bad in [
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
        "not a calendar at all",
        "",
    ] {
        let body = serde_json::json!({ "ics": bad });
        let (s, ct, out) = send(&app, json("POST", "/api/import", &body.to_string())).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {out}");
        assert_eq!(ct, "application/problem+json");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let detail = v["detail"].as_str().unwrap();
        assert!(!detail.contains('\n') && !detail.is_empty(), "{detail}");
    }
    let (s, ct, out) = send(
        &app,
        json("POST", "/api/import", r#"{"ics": "x", "colour": 1}"#),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(ct, "application/problem+json");
    assert!(out.contains("colour"), "{out}");
    // Nothing but the first application.
    let (_, _, list) = send(&app, get("/api/applications")).await;
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn page_import_form_needs_csrf_and_shows_the_result() {
    let (_d, app, _) = setup();
    let (_, _, page) = send(&app, get("/new")).await;
    assert!(page.contains("enctype=\"multipart/form-data\""), "{page}");
    let csrf = csrf_of(&page);
    let ics = invite_text("zoom.ics");
    let (s, _, _) = send(
        &app,
        multipart(
            "/new/import",
            &[("csrf", None, "wrong"), ("file", Some("zoom.ics"), &ics)],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, _, list) = send(&app, get("/api/applications")).await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&list)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let (s, _, out) = send(
        &app,
        multipart(
            "/new/import",
            &[("csrf", None, &csrf), ("file", Some("zoom.ics"), &ics)],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{out}");
    assert!(out.contains("New application"), "{out}");
    assert!(out.contains("company guessed from"), "{out}");
    assert!(out.contains("open application #2"), "{out}");

    let (s, _, out) = send(
        &app,
        multipart(
            "/new/import",
            &[
                ("csrf", None, &csrf),
                (
                    "file",
                    Some("bad.ics"),
                    "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                ),
            ],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        out.contains("class=\"error\"") && out.contains("bad.ics: "),
        "{out}"
    );
}

/// A server whose settings are saved under a temporary config directory.
fn setup_with_config() -> (tempfile::TempDir, Router, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let config_file = dir
        .path()
        .join("config")
        .join("followup")
        .join("config.toml");
    let now: jiff::Timestamp = "2026-12-02T15:00:00Z".parse().unwrap();
    let app = followup_server::router(followup_server::Config {
        db,
        settings: Settings::default(),
        policy: Preset::default().policy(),
        now: Some(now),
        token: None,
        config_file: Some(config_file.clone()),
    });
    (dir, app, config_file)
}

#[tokio::test]
async fn settings_api_saves_and_the_server_uses_them() {
    let (_d, app, file) = setup_with_config();
    let (s, _, out) = send(&app, get("/api/settings")).await;
    assert_eq!(s, StatusCode::OK, "{out}");
    assert!(out.contains("\"preset\":\"balanced\""), "{out}");
    let body = serde_json::json!({
        "tz": "Europe/Paris", "preset": "gentle",
        "overrides": { "follow_up.recommended_days": 10 }
    });
    let (s, _, out) = send(&app, json("PUT", "/api/settings", &body.to_string())).await;
    assert_eq!(s, StatusCode::OK, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["numbers"]["follow_up.recommended_days"], 10);
    assert_eq!(v["settings"]["preset"], "gentle");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("preset = \"gentle\"") && text.contains("policy.toml"),
        "{text}"
    );
    let policy = std::fs::read_to_string(file.with_file_name("policy.toml")).unwrap();
    assert!(policy.contains("recommended_days = 10"), "{policy}");
    // Later requests see them.
    let (_, _, out) = send(&app, get("/api/settings")).await;
    assert!(out.contains("\"tz\":\"Europe/Paris\""), "{out}");
    let (_, _, page) = send(&app, get("/new")).await;
    assert!(page.contains("value=\"Europe/Paris\""), "{page}");

    // Bad values: problem+json, nothing written.
    for bad in [
        r#"{"overrides": {"follow_up.recommended_days": -1}}"#,
        r#"{"overrides": {"follow_up.recommended_days": 9999}}"#,
        r#"{"preset": "hasty"}"#,
        r#"{"tz": "Mars/Olympus"}"#,
        r#"{"region": "Atlantis"}"#,
        r#"{"hours": "25:00-26:00"}"#,
        r#"{"overrides": {"nope.days": 3}}"#,
        r#"{"colour": "blue"}"#,
    ] {
        let (s, ct, out) = send(&app, json("PUT", "/api/settings", bad)).await;
        assert!(
            s == StatusCode::BAD_REQUEST || s == StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {out}"
        );
        assert_eq!(ct, "application/problem+json");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text, "{bad}");
    }
}

#[tokio::test]
async fn settings_form_needs_csrf_and_refuses_bad_numbers() {
    let (_d, app, file) = setup_with_config();
    let (s, _, page) = send(&app, get("/settings")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("name=\"follow_up.recommended_days\""),
        "{page}"
    );
    assert!(page.contains("Custom holiday calendars"), "{page}");
    let csrf = csrf_of(&page);
    let (s, _, _) = send(&app, form("/settings/policy", "csrf=nope&preset=prompt")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(!file.exists());

    let (s, _, out) = send(
        &app,
        form(
            "/settings/policy",
            &format!("csrf={csrf}&preset=gentle&follow_up.recommended_days=abc"),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(out.contains("is not a whole number"), "{out}");
    assert!(!file.exists());
    let (s, _, out) = send(
        &app,
        form(
            "/settings/policy",
            &format!("csrf={csrf}&preset=gentle&follow_up.latest_days=500"),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        out.contains("class=\"error\"") && out.contains("invalid policy"),
        "{out}"
    );
    assert!(!file.exists());

    let (s, _, _) = send(
        &app,
        form(
            "/settings/policy",
            &format!("csrf={csrf}&preset=prompt&region=GB&follow_up.recommended_days=6"),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, _, page) = send(&app, get("/settings")).await;
    assert!(
        page.contains("<option value=\"prompt\" selected>"),
        "{page}"
    );
    assert!(page.contains("value=\"6\""), "{page}");
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("region = \"GB\""));
}

#[tokio::test]
async fn spelling_candidates_are_replacements_advice_is_not() {
    let (_d, app, _) = setup();
    let (s, _, out) = send(
        &app,
        json(
            "POST",
            "/api/check",
            r#"{"text": "Thanks for the intervew, Thnak."}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found = v["diagnostics"].as_array().unwrap();
    let typo = found
        .iter()
        .find(|d| d["rule"] == "spelling" && d["replacements"][0] == "interview")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(
        typo["end"].as_u64().unwrap() - typo["start"].as_u64().unwrap(),
        8
    );
    for d in found {
        if d["suggestion"]
            .as_str()
            .is_some_and(|s| s.starts_with("add it"))
        {
            assert!(d["replacements"].as_array().unwrap().is_empty(), "{out}");
        }
    }
}
