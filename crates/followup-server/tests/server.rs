//! In-process tests of the pages and the API (tower `oneshot`), on a store in a
//! temporary directory, with a fixed clock.

mod common;

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
    setup_with(None)
}

/// [`setup`], the server needing `token` when given.
fn setup_with(token: Option<&str>) -> (tempfile::TempDir, Router, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let ctx = common::ctx(&db);
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
    (dir, common::router(&ctx, token), id)
}

use common::send;

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
        today.contains("Due now") && today.contains("Thank-you"),
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
    assert_eq!(s, StatusCode::CONFLICT, "no profile yet: not possible now");
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
    assert!(ct.starts_with("text/html"), "{ct}");
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
        pg: None,
        hosted: false,
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

async fn openapi_doc(app: &Router) -> serde_json::Value {
    let (s, ct, b) = send(app, get("/api/openapi.json")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ct, "application/json");
    serde_json::from_str(&b).unwrap()
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[tokio::test]
async fn openapi_documents_exactly_the_routes_the_router_answers() {
    let (_d, app, id) = setup();
    let doc = openapi_doc(&app).await;
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/openapi.json"), "{paths:?}");
    // Each documented path: the router answers exactly the documented methods there
    // (a method it does not take gets 405 and `Allow` lists the ones it does).
    for (path, item) in paths {
        let documented: std::collections::BTreeSet<String> = item
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| METHODS.contains(&k.as_str()))
            .map(|k| k.to_uppercase())
            .collect();
        assert!(!documented.is_empty(), "{path}");
        let probe = ["DELETE", "PATCH", "PUT", "POST"]
            .into_iter()
            .find(|m| !documented.contains(*m))
            .unwrap();
        let uri = path.replace("{id}", &id.to_string());
        let req = Request::builder()
            .method(probe)
            .uri(&uri)
            .body(Body::empty())
            .unwrap();
        let r = app.clone().oneshot(req).await.unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{probe} {path}");
        let allowed: std::collections::BTreeSet<String> = r.headers()[header::ALLOW]
            .to_str()
            .unwrap()
            .split(',')
            .map(|m| m.trim().to_string())
            .filter(|m| m != "HEAD" || documented.contains("HEAD"))
            .collect();
        assert_eq!(allowed, documented, "{path}");
    }
}

/// Routes are added to the router in one place only: `routes!` in api.rs, which
/// documents each one. An API route added with `.route(...)` (here or in another
/// module) would be answered without being documented: the sources must not do that.
#[test]
fn api_routes_are_declared_only_with_their_documentation() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for call in [".route(", ".route_service(", ".nest(", ".nest_service("] {
            for (at, _) in text.match_indices(call) {
                let args: String = text[at + call.len()..].chars().take(200).collect();
                let first = args.split(',').next().unwrap_or("").trim();
                assert!(
                    name != "api.rs",
                    "api.rs: `{call}{first}` adds a route without documentation: use routes!"
                );
                assert!(
                    !first.starts_with("\"/api"),
                    "{name}: `{call}{first}` adds an API route outside api::router, so it is not in /api/openapi.json"
                );
                checked += 1;
            }
        }
        if name == "api.rs" {
            assert!(
                text.contains(".routes(routes!("),
                "api.rs declares no routes?"
            );
        }
    }
    // The pages' routes were seen (the scan reads the right files).
    assert!(checked >= 10, "{checked}");
}

/// Problems of the document as OpenAPI 3.1 (the rules a validator checks first).
fn openapi_problems(doc: &serde_json::Value) -> Vec<String> {
    let mut bad = Vec::new();
    if !doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1."))
    {
        bad.push(format!("openapi: {}", doc["openapi"]));
    }
    for key in ["title", "version"] {
        if !doc["info"][key].is_string() {
            bad.push(format!("info.{key} missing"));
        }
    }
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with('/') {
            bad.push(format!("{path}: does not start with /"));
        }
        let templated: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n))
            .collect();
        for (method, op) in item.as_object().unwrap() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let at = format!("{method} {path}");
            if let Some(id) = op["operationId"].as_str() {
                if !ids.insert(id.to_string()) {
                    bad.push(format!("{at}: operationId {id} used twice"));
                }
            }
            match op["responses"].as_object() {
                Some(r) if !r.is_empty() => {
                    for (code, resp) in r {
                        let code_ok = code == "default"
                            || (code.len() == 3
                                && code.chars().all(|c| c.is_ascii_digit() || c == 'X'));
                        if !code_ok {
                            bad.push(format!("{at}: response code {code}"));
                        }
                        if resp.get("$ref").is_none()
                            && resp["description"].as_str().is_none_or(str::is_empty)
                        {
                            bad.push(format!("{at}: response {code} has no description"));
                        }
                    }
                }
                _ => bad.push(format!("{at}: no responses")),
            }
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let mut seen = std::collections::HashSet::new();
            for p in &params {
                let name = p["name"].as_str().unwrap_or("");
                let place = p["in"].as_str().unwrap_or("");
                if name.is_empty() {
                    bad.push(format!("{at}: a parameter without a name"));
                }
                if !["query", "header", "path", "cookie"].contains(&place) {
                    bad.push(format!("{at}: parameter {name} is in `{place}`"));
                }
                if !seen.insert((name.to_string(), place.to_string())) {
                    bad.push(format!("{at}: parameter {name} twice"));
                }
                if place == "path" {
                    if p["required"] != true {
                        bad.push(format!("{at}: path parameter {name} not required"));
                    }
                    if !templated.contains(&name) {
                        bad.push(format!("{at}: path parameter {name} not in the path"));
                    }
                }
            }
            for t in &templated {
                if !params.iter().any(|p| p["name"] == *t && p["in"] == "path") {
                    bad.push(format!("{at}: {{{t}}} is not declared"));
                }
            }
        }
    }
    // Every $ref points at something in the document.
    fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(|r| r.as_str()) {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(doc, &mut all);
    for r in all {
        let resolved = r.strip_prefix('#').and_then(|pointer| doc.pointer(pointer));
        if resolved.is_none() {
            bad.push(format!("$ref {r} does not resolve"));
        }
    }
    bad
}

#[tokio::test]
async fn openapi_document_is_valid_3_1() {
    let (_d, app, _) = setup();
    let doc = openapi_doc(&app).await;
    let bad = openapi_problems(&doc);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The draft's choices are query parameters.
    let params = doc["paths"]["/api/applications/{id}/draft"]["get"]["parameters"]
        .as_array()
        .unwrap();
    for name in ["kind", "to"] {
        let p = params.iter().find(|p| p["name"] == name).unwrap();
        assert_eq!(p["in"], "query", "{name}");
    }
    // The checks themselves catch what they should.
    let mut broken = doc.clone();
    broken["paths"]["/api/stats"]["get"]["responses"]["200"]
        .as_object_mut()
        .unwrap()
        .remove("description");
    broken["paths"]["/api/applications/{id}/draft"]["get"]["parameters"][1]["in"] =
        serde_json::json!("body");
    broken["paths"]["/api/agenda"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"] = serde_json::json!({"$ref": "#/components/schemas/Nope"});
    let found = openapi_problems(&broken);
    assert_eq!(found.len(), 3, "{found:?}");
}

/// The document passes Python's `openapi-spec-validator` (pinned in
/// scripts/requirements.txt). Without it the test says so and passes, except under
/// `CI=true`, where it must run.
#[tokio::test]
async fn openapi_document_passes_openapi_spec_validator() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let has = std::process::Command::new("python3")
        .args(["-c", "import openapi_spec_validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        assert!(
            !ci,
            "CI=true: python3 with openapi-spec-validator is required (pip install -r scripts/requirements.txt)"
        );
        eprintln!("skipped: python3 cannot import openapi_spec_validator (pip install -r scripts/requirements.txt)");
        return;
    }
    let (_d, app, _) = setup();
    let doc = openapi_doc(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys\n\
             from openapi_spec_validator import OpenAPIV31SpecValidator\n\
             spec = json.load(open(sys.argv[1]))\n\
             errors = [e.message for e in OpenAPIV31SpecValidator(spec).iter_errors()]\n\
             print('\\n'.join(errors))\n\
             sys.exit(1 if errors else 0)",
        ])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn real_server_on_port_zero() {
    use std::io::{Read, Write};
    let (_d, _, _) = setup();
    let dir = tempfile::tempdir().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = followup_server::Config {
        pg: None,
        hosted: false,
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
        s.write_all(b"GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
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

    // The .ics text itself; the same UID again, as it was, writes nothing.
    let raw = Request::post("/api/import")
        .header(header::CONTENT_TYPE, "text/calendar")
        .body(Body::from(invite_text("google.ics")))
        .unwrap();
    let (s, _, out) = send(&app, raw).await;
    assert_eq!(s, StatusCode::CREATED, "{out}");
    assert!(out.contains("\"action\":\"unchanged\""), "{out}");

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
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
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
        pg: None,
        hosted: false,
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

fn with_header(mut req: Request<Body>, name: header::HeaderName, value: &str) -> Request<Body> {
    req.headers_mut().insert(name, value.parse().unwrap());
    req
}

fn problem_of(body: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert!(v["title"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    assert!(v["status"].as_u64().is_some(), "{body}");
    v
}

#[tokio::test]
async fn framework_refusals_are_problems_under_api_and_pages_elsewhere() {
    let (_d, app, id) = setup();
    // A path parameter that does not parse.
    let (s, ct, b) = send(&app, get("/api/applications/abc")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert_eq!(ct, "application/problem+json");
    let p = problem_of(&b);
    assert_eq!(p["title"], "Invalid path parameter");
    assert_eq!(p["status"], 400);
    assert!(p["detail"].as_str().unwrap().contains("abc"), "{b}");
    let (s, ct, b) = send(&app, get("/applications/abc")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(b.contains("Invalid path parameter"), "{b}");

    // A method the path does not take: 405 with Allow.
    for (uri, api) in [
        (format!("/api/applications/{id}"), true),
        (format!("/applications/{id}"), false),
    ] {
        let req = Request::put(&uri).body(Body::empty()).unwrap();
        let r = app.clone().oneshot(req).await.unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{uri}");
        let allow = r.headers()[header::ALLOW].to_str().unwrap().to_string();
        assert!(allow.contains("GET"), "{uri}: {allow}");
        let ct = r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        let body = r.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&body);
        if api {
            assert_eq!(ct, "application/problem+json");
            let p = problem_of(&body);
            assert_eq!(p["status"], 405);
            assert_eq!(p["title"], "Method not allowed");
            assert!(p["detail"].as_str().unwrap().contains("PUT"), "{body}");
        } else {
            assert!(ct.starts_with("text/html"), "{ct}");
            assert!(body.contains("Method not allowed"), "{body}");
        }
    }

    // Unknown paths: a problem under /api, the HTML error page elsewhere.
    let (s, ct, b) = send(&app, get("/api/nope")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(ct, "application/problem+json");
    assert_eq!(problem_of(&b)["status"], 404);
    let (s, ct, b) = send(&app, get("/api")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(ct, "application/problem+json", "{b}");
    let (s, ct, b) = send(&app, get("/nope")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(b.contains("<html") && b.contains("/nope"), "{b}");
    // A page path that merely starts with "api" is a page.
    let (_, ct, _) = send(&app, get("/apiary")).await;
    assert!(ct.starts_with("text/html"), "{ct}");
}

#[tokio::test]
async fn unknown_fields_are_422_everywhere() {
    let (_d, app, id) = setup_with_profile().await;
    let cases = [
        json(
            "PUT",
            "/api/profile",
            r#"{"name":"A","email":"a@b.c","shoe":1}"#,
        ),
        json(
            "POST",
            "/api/applications",
            r#"{"company":"X","role":"Y","round":{"at":"2026-12-01 10:00"},"shoe":1}"#,
        ),
        json("POST", "/api/import", r#"{"ics":"x","shoe":1}"#),
        json("POST", "/api/check", r#"{"text":"x","shoe":1}"#),
        json(
            "POST",
            &format!("/api/applications/{id}/touchpoints"),
            r#"{"kind":"thank-you","shoe":1}"#,
        ),
        get(&format!(
            "/api/applications/{id}/draft?kind=thank-you&shoe=1"
        )),
    ];
    for req in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let (s, ct, b) = send(&app, req).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {b}");
        assert_eq!(ct, "application/problem+json", "{what}");
        let p = problem_of(&b);
        assert_eq!(p["title"], followup_server::problem::FIELD_TITLE, "{what}");
        assert!(
            p["detail"].as_str().unwrap().contains("shoe"),
            "{what}: {b}"
        );
    }
    // Not JSON at all stays 400, the same on import as elsewhere.
    for uri in ["/api/import", "/api/check", "/api/applications"] {
        let (s, ct, b) = send(&app, json("POST", uri, "{not json")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{uri}: {b}");
        assert_eq!(ct, "application/problem+json");
        assert_eq!(problem_of(&b)["title"], "Invalid JSON body", "{uri}");
    }
    // The same refusal on a page's form (HTML).
    let (_, _, page) = send(&app, get("/")).await;
    let csrf = csrf_of(&page);
    let (s, ct, b) = send(
        &app,
        get(&format!("/applications/{id}/draft?kind=thank-you&shoe=1")),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(ct.starts_with("text/html"));
    // A form without a field it needs (`kind`): the same status and title.
    let (s, ct, b) = send(
        &app,
        form(&format!("/applications/{id}/done"), &format!("csrf={csrf}")),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(ct.starts_with("text/html"));
    assert!(b.contains(followup_server::problem::FIELD_TITLE), "{b}");
}

/// [`setup`] with a sender profile saved (drafts need one).
async fn setup_with_profile() -> (tempfile::TempDir, Router, i64) {
    let (d, app, id) = setup();
    let (s, _, b) = send(
        &app,
        json(
            "PUT",
            "/api/profile",
            r#"{"name":"Sam Lee","email":"sam@example.com"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (d, app, id)
}

#[tokio::test]
async fn oversized_bodies_have_one_title_everywhere() {
    let (_d, app, _) = setup();
    let big = "a".repeat(followup_server::BODY_LIMIT + 10);
    let json_big = format!(r#"{{"text":"{big}"}}"#);
    let mut cases = vec![
        json("POST", "/api/check", &json_big),
        json("PUT", "/api/profile", &json_big),
        json("POST", "/api/applications", &json_big),
        json("POST", "/api/import", &format!(r#"{{"ics":"{big}"}}"#)),
    ];
    cases.push(
        Request::post("/api/import")
            .header(header::CONTENT_TYPE, "text/calendar")
            .body(Body::from(big.clone()))
            .unwrap(),
    );
    for req in cases {
        let what = format!("{} {}", req.method(), req.uri());
        let (s, ct, b) = send(&app, req).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{what}");
        assert_eq!(ct, "application/problem+json", "{what}");
        assert_eq!(
            problem_of(&b)["title"],
            followup_server::problem::TOO_LARGE_TITLE,
            "{what}"
        );
    }
    // A page's form: the same title, on the HTML error page.
    let (_, _, page) = send(&app, get("/new")).await;
    let csrf = csrf_of(&page);
    let (s, ct, b) = send(
        &app,
        multipart(
            "/new/import",
            &[("csrf", None, &csrf), ("file", Some("big.ics"), &big)],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(ct.starts_with("text/html"));
    assert!(b.contains(followup_server::problem::TOO_LARGE_TITLE), "{b}");
}

#[test]
fn loopback_hosts() {
    for ok in [
        "localhost",
        "LocalHost:7878",
        "localhost.",
        "127.0.0.1",
        "127.0.0.1:18080",
        "127.1.2.3:80",
        "[::1]",
        "[::1]:8080",
    ] {
        assert!(followup_server::is_loopback_host(ok), "{ok}");
    }
    for bad in [
        "evil.example.com",
        "evil.example.com:7878",
        "localhost.evil.com",
        "127.0.0.1.nip.io",
        "10.0.0.1:7878",
        "[::2]:80",
        "[::1]x",
        "localhost:",
        "localhost:99999",
        "localhost:80:80",
        "",
    ] {
        assert!(!followup_server::is_loopback_host(bad), "{bad}");
    }
}

#[tokio::test]
async fn without_a_token_only_loopback_names_are_answered() {
    let (_d, app, _) = setup();
    for host in [
        "evil.example.com",
        "evil.example.com:7878",
        "192.168.1.9:7878",
    ] {
        for uri in ["/api/applications", "/"] {
            let (s, ct, b) = send(&app, with_header(get(uri), header::HOST, host)).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{host} {uri}");
            assert_eq!(ct, "application/problem+json");
            assert_eq!(problem_of(&b)["title"], "Host not allowed");
            assert!(!b.contains("Acme"), "{b}");
        }
    }
    for host in [
        "localhost:7878",
        "127.0.0.1:7878",
        "[::1]:7878",
        "localhost",
    ] {
        let (s, _, b) = send(
            &app,
            with_header(get("/api/applications"), header::HOST, host),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{host}");
        assert!(b.contains("Acme"), "{b}");
    }
    // With a token, the token protects, whatever the name.
    let (_d, app, _) = setup_with(Some("0123456789abcdef"));
    let req = with_header(
        with_header(get("/api/applications"), header::HOST, "followup.lan:7878"),
        header::AUTHORIZATION,
        "Bearer 0123456789abcdef",
    );
    let (s, _, _) = send(&app, req).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = send(
        &app,
        with_header(get("/api/applications"), header::HOST, "followup.lan:7878"),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

const TOKEN: &str = "0123456789abcdef";

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let (_d, app, _) = setup_with(Some(TOKEN));
    for value in [
        format!("Bearer {TOKEN}"),
        format!("bearer {TOKEN}"),
        format!("BEARER  {TOKEN}"),
    ] {
        let req = with_header(get("/api/stats"), header::AUTHORIZATION, &value);
        let (s, _, b) = send(&app, req).await;
        assert_eq!(s, StatusCode::OK, "{value}: {b}");
    }
    for value in [
        format!("Basic {TOKEN}"),
        format!("Bearer {TOKEN}x"),
        "Bearer".to_string(),
        TOKEN.to_string(),
    ] {
        let req = with_header(get("/api/stats"), header::AUTHORIZATION, &value);
        let (s, ct, _) = send(&app, req).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{value}");
        assert_eq!(ct, "application/problem+json");
    }
}

#[tokio::test]
async fn a_token_in_the_query_keeps_the_other_parameters() {
    let (_d, app, id) = setup_with(Some(TOKEN));
    // A link with other parameters: redirected to the same address without the token,
    // with the cookie set.
    let uri = format!("/applications/{id}/draft?kind=thank-you&token={TOKEN}&to=Jane%20Doe");
    let r = app.clone().oneshot(get(&uri)).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[header::LOCATION],
        format!("/applications/{id}/draft?kind=thank-you&to=Jane%20Doe").as_str()
    );
    let cookie = r.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    // A session of its own that expires, never the token.
    assert!(cookie.starts_with("followup_session="), "{cookie}");
    assert!(!cookie.contains(TOKEN), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Max-Age="), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_string();
    // The cookie then opens it.
    let follow = with_header(
        get(&format!("/api/applications/{id}/draft?kind=thank-you")),
        header::COOKIE,
        &session,
    );
    let (s, ct, b) = send(&app, follow).await;
    // No profile yet: the draft itself is refused (not possible yet), but past the token.
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert_eq!(ct, "application/problem+json");
    assert!(b.contains("profile"), "{b}");

    // A POST is not redirected (that would drop its body): it is answered, and the
    // handler does not see the token.
    let (s, _, b) = send(
        &app,
        json(
            "PUT",
            &format!("/api/profile?token={TOKEN}"),
            r#"{"name":"Sam Lee","email":"sam@example.com"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let req = get(&format!(
        "/api/applications/{id}/draft?token={TOKEN}&kind=thank-you"
    ));
    let r = app.clone().oneshot(req).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        r.headers()[header::LOCATION],
        format!("/api/applications/{id}/draft?kind=thank-you").as_str()
    );
    let (s, _, b) = send(
        &app,
        json(
            "POST",
            &format!("/api/check?kind=x&token={TOKEN}"),
            r#"{"text":"Thanks for the interview."}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // A percent-encoded token is decoded.
    let (s, _, _) = send(&app, get("/?token=0123456789abcde%66")).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    // A wrong one opens nothing.
    let (s, _, _) = send(&app, get("/?token=0123456789abcdeX")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = send(
        &app,
        json("POST", "/api/check?token=nope", r#"{"text":"x"}"#),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // `//host` is not a way to send the browser elsewhere.
    let r = app
        .clone()
        .oneshot(get(&format!("//evil.example.com/?token={TOKEN}")))
        .await
        .unwrap();
    if r.status() == StatusCode::SEE_OTHER {
        let to = r.headers()[header::LOCATION].to_str().unwrap();
        assert!(!to.starts_with("//"), "{to}");
    }
}

#[test]
fn listen_takes_an_address_a_port_or_localhost() {
    use followup_server::parse_listen;
    let sa = |s: &str| s.parse::<std::net::SocketAddr>().unwrap();
    assert_eq!(
        parse_listen("127.0.0.1", None).unwrap(),
        sa("127.0.0.1:7878")
    );
    assert_eq!(
        parse_listen("0.0.0.0", Some(9000)).unwrap(),
        sa("0.0.0.0:9000")
    );
    assert_eq!(
        parse_listen("0.0.0.0:8080", None).unwrap(),
        sa("0.0.0.0:8080")
    );
    assert_eq!(
        parse_listen("0.0.0.0:8080", Some(8080)).unwrap(),
        sa("0.0.0.0:8080")
    );
    assert_eq!(parse_listen("::1", None).unwrap(), sa("[::1]:7878"));
    assert_eq!(parse_listen("[::1]:8080", None).unwrap(), sa("[::1]:8080"));
    assert_eq!(
        parse_listen("localhost", None).unwrap(),
        sa("127.0.0.1:7878")
    );
    assert_eq!(
        parse_listen("localhost:0", None).unwrap(),
        sa("127.0.0.1:0")
    );
    assert_eq!(
        parse_listen(" LOCALHOST:8080 ", None).unwrap(),
        sa("127.0.0.1:8080")
    );
    let e = parse_listen("0.0.0.0:8080", Some(9000)).unwrap_err();
    assert!(e.contains("two ports"), "{e}");
    for bad in [
        "example.com",
        "0.0.0.0:99999",
        "localhost:x",
        "",
        "1.2.3",
        ":8080",
    ] {
        let e = parse_listen(bad, None).unwrap_err();
        assert!(e.starts_with("--listen") && !e.contains('\n'), "{bad}: {e}");
    }
    // The loopback rule still applies to what it names.
    let any = parse_listen("0.0.0.0:8080", None).unwrap();
    assert!(followup_server::check_listen(&any, None).is_err());
    let local = parse_listen("localhost:8080", None).unwrap();
    assert!(followup_server::check_listen(&local, None).is_ok());
}

fn ctx_at(dir: &tempfile::TempDir, now: jiff::Timestamp) -> Ctx {
    Ctx::from_parts(
        Settings {
            tz: Some("America/New_York".into()),
            ..Settings::default()
        },
        Preset::default().policy(),
        now,
        dir.path().join("f.sqlite"),
    )
}

/// The Today page reads the same from one moment until the moment `today_until` gives,
/// and otherwise at that moment: walked over every change of an application's plan.
#[test]
fn today_reads_the_same_until_the_moment_it_names() {
    use followup_server::views::today_until;
    let (d, _app, _) = setup();
    let page = |now: jiff::Timestamp| {
        let (t, until) = today_until(&ctx_at(&d, now)).unwrap();
        (serde_json::to_string(&t).unwrap(), until)
    };
    let mut now: jiff::Timestamp = "2026-11-20T12:00:00Z".parse().unwrap();
    let mut changes = 0;
    loop {
        let (seen, until) = page(now);
        let Some(until) = until else { break };
        assert!(until > now);
        let just_before = until - jiff::SignedDuration::from_nanos(1);
        let middle =
            now + jiff::SignedDuration::from_nanos(until.duration_since(now).as_nanos() as i64 / 2);
        for t in [
            now + jiff::SignedDuration::from_nanos(1),
            middle,
            just_before,
        ] {
            if t > now && t < until {
                assert_eq!(page(t).0, seen, "{now} .. {until}: {t}");
            }
        }
        assert_ne!(page(until).0, seen, "nothing changed at {until}");
        now = until;
        changes += 1;
        assert!(changes < 100, "{now}");
    }
    // The thank-you opens, falls due, is overdue; the follow-ups come and go.
    assert!(changes >= 4, "{changes}");
}

#[test]
fn today_cache_renders_once_at_a_time_and_follows_writes_and_the_clock() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    let (d, _app, id) = setup();
    let db = d.path().join("f.sqlite");
    let cache = Arc::new(followup_server::TodayCache::default());
    let renders = Arc::new(AtomicUsize::new(0));
    let now: jiff::Timestamp = "2026-12-02T15:00:00Z".parse().unwrap();
    let until = now + jiff::SignedDuration::from_hours(1);
    let get = |at: jiff::Timestamp| {
        let renders = renders.clone();
        cache
            .get_or_render(&db, at, move || {
                let n = renders.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(50));
                Ok((
                    format!("page {n}"),
                    Some(at + jiff::SignedDuration::from_hours(1)),
                ))
            })
            .unwrap()
    };
    // Eight requests at once: one render, the same page for all.
    let barrier = Arc::new(Barrier::new(8));
    let pages: Vec<_> = (0..8)
        .map(|_| {
            let (cache, renders, barrier, db) =
                (cache.clone(), renders.clone(), barrier.clone(), db.clone());
            std::thread::spawn(move || {
                barrier.wait();
                cache
                    .get_or_render(&db, now, move || {
                        renders.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        Ok(("first".to_string(), Some(until)))
                    })
                    .unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    assert_eq!(renders.load(Ordering::SeqCst), 1);
    assert!(pages.iter().all(|p| p == "first"));
    // Kept while the clock is before the next change.
    assert_eq!(get(now + jiff::SignedDuration::from_mins(59)), "first");
    assert_eq!(renders.load(Ordering::SeqCst), 1);
    // Rendered again when it comes.
    assert_eq!(get(until), "page 1");
    // A write by another connection (as the command line would): rendered again.
    assert_eq!(get(until), "page 1");
    followup_app::track::log(
        &ctx_at(&d, now),
        id,
        "thank-you",
        Some("Jane Doe"),
        None,
        None,
    )
    .unwrap();
    assert_eq!(get(until), "page 2");
    // Settings changed: forgotten.
    cache.clear();
    assert_eq!(get(until), "page 3");
    // A clock far behind the page (set back) does not get it.
    assert_eq!(get(now - jiff::SignedDuration::from_hours(1)), "page 4");
}

/// The board and the Stats figures read the same from one moment until the moment
/// `board_until` and `stats_until` give (their cached answers are kept until then).
#[test]
fn board_and_stats_read_the_same_until_the_moment_they_name() {
    use followup_server::views::{board_until, stats_until};
    let (d, _app, _) = setup();
    let board = |now: jiff::Timestamp| {
        let (cards, until) = board_until(&ctx_at(&d, now)).unwrap();
        (format!("{cards:?}"), until)
    };
    let stats = |now: jiff::Timestamp| {
        let (s, until) = stats_until(&ctx_at(&d, now)).unwrap();
        (serde_json::to_string(&s).unwrap(), until)
    };
    for (name, read) in [
        (
            "board",
            &board as &dyn Fn(jiff::Timestamp) -> (String, Option<jiff::Timestamp>),
        ),
        ("stats", &stats),
    ] {
        let mut now: jiff::Timestamp = "2026-11-20T12:00:00Z".parse().unwrap();
        let end: jiff::Timestamp = "2027-03-01T00:00:00Z".parse().unwrap();
        let mut changes = 0;
        while now < end {
            let (seen, until) = read(now);
            let Some(until) = until else { break };
            assert!(until > now, "{name}");
            let middle = now
                + jiff::SignedDuration::from_nanos(until.duration_since(now).as_nanos() as i64 / 2);
            for t in [
                now + jiff::SignedDuration::from_nanos(1),
                middle,
                until - jiff::SignedDuration::from_nanos(1),
            ] {
                if t > now && t < until {
                    assert_eq!(read(t).0, seen, "{name}: {now} .. {until}: {t}");
                }
            }
            now = until;
            changes += 1;
            assert!(changes < 1000, "{name}: {now}");
        }
        assert!(changes >= 1, "{name}");
    }
}

/// The kept board and Stats figures follow a write by another connection (as the
/// command line's would be), the API's and the pages' alike.
#[tokio::test]
async fn cached_pipeline_and_stats_change_after_a_write() {
    let (d, app, id) = setup();
    let (_, _, board) = send(&app, get("/pipeline")).await;
    let (_, _, page) = send(&app, get("/stats")).await;
    let (_, _, stats) = send(&app, get("/api/stats")).await;
    assert!(!board.contains("Globex"), "{board}");
    let before: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(before["interviewed"], 1);
    assert_eq!(before["responded"], 0);
    // Served again from the cache: the same.
    assert_eq!(send(&app, get("/pipeline")).await.2, board);
    assert_eq!(send(&app, get("/stats")).await.2, page);
    assert_eq!(send(&app, get("/api/stats")).await.2, stats);
    let ctx = common::ctx(&d.path().join("f.sqlite"));
    followup_app::track::reply(&ctx, id, None, None, None, None).unwrap();
    let other = AddInput {
        company: "Globex".into(),
        role: "Engineer".into(),
        round: RoundInput {
            at: "2026-11-30 10:00".into(),
            duration: "1h".into(),
            ..RoundInput::default()
        },
        ..AddInput::default()
    };
    followup_app::track::add(&ctx, &other).unwrap();
    let (_, _, board_after) = send(&app, get("/pipeline")).await;
    assert!(board_after.contains("Globex"), "{board_after}");
    assert!(send(&app, get("/pipeline?q=globex"))
        .await
        .2
        .contains("Globex"));
    let after: serde_json::Value =
        serde_json::from_str(&send(&app, get("/api/stats")).await.2).unwrap();
    assert_eq!(after["interviewed"], 2);
    assert_eq!(after["responded"], 1);
    assert_ne!(send(&app, get("/stats")).await.2, page);
}
