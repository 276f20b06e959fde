//! Skipping a step: the JSON API (`POST /api/applications/{id}/skips`, `DELETE
//! .../skips/{sid}`) and Today's "skip" form with the flash's "Undo".

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use followup_app::track::{AddInput, RoundInput};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use common::send;

fn req(method: &str, uri: &str, body: &str, key: Option<&str>) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        b = b.header("Idempotency-Key", k);
    }
    b.body(Body::from(body.to_string())).unwrap()
}

/// Acme, interviewed Tue Dec 1 10:00 by Jane and Raj; the clock at Wed Dec 2 10:00.
fn setup() -> (tempfile::TempDir, followup_app::Ctx, axum::Router, i64) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = common::ctx(&dir.path().join("f.sqlite"));
    let input = AddInput {
        company: "Acme".into(),
        role: "Engineer".into(),
        round: RoundInput {
            at: "2026-12-01 10:00".into(),
            duration: "1h".into(),
            interviewer: vec![
                "Jane Doe <jane@acme.com>".into(),
                "Raj Patel <raj@acme.com>".into(),
            ],
            ..RoundInput::default()
        },
        ..AddInput::default()
    };
    let id = followup_app::track::add(&ctx, &input).unwrap();
    let app = common::router(&ctx, None);
    (dir, ctx, app, id)
}

fn json(b: &str) -> Value {
    serde_json::from_str(b).unwrap_or_else(|e| panic!("{e}: {b}"))
}

/// The agenda's items as "kind to".
async fn agenda(app: &axum::Router) -> Vec<String> {
    let (s, _, b) = send(
        app,
        Request::get("/api/agenda").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let v = json(&b);
    ["overdue", "today", "this_week"]
        .iter()
        .flat_map(|g| v[*g].as_array().unwrap().clone())
        .map(|i| {
            format!(
                "{} {}",
                i["kind"].as_str().unwrap(),
                i["to"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[tokio::test]
async fn a_skip_through_the_api_leaves_the_agenda_and_delete_brings_it_back() {
    let (_dir, ctx, app, id) = setup();
    let before = agenda(&app).await;
    assert!(
        before.contains(&"thank_you Raj Patel".to_string()),
        "{before:?}"
    );
    let uri = format!("/api/applications/{id}/skips");
    let body = r#"{"step":"thank_you","to":"Raj","note":"thanked him in the hall"}"#;
    let (s, _, b) = send(&app, req("POST", &uri, body, Some("skip-1"))).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let v = json(&b);
    assert_eq!(v["step"], "thank_you");
    assert_eq!(v["to"], "Raj Patel");
    assert_eq!(v["note"], "thanked him in the hall");
    assert_eq!(v["application_id"], id);
    let sid = v["id"].as_i64().unwrap();
    // Sent again with its key: the first answer, one skip.
    let (s2, _, b2) = send(&app, req("POST", &uri, body, Some("skip-1"))).await;
    assert_eq!((s2, &b2), (StatusCode::CREATED, &b));
    assert_eq!(
        ctx.store().unwrap().application(id).unwrap().skipped.len(),
        1
    );
    // The agenda (a cached answer) changes at once.
    let after = agenda(&app).await;
    assert!(
        !after.contains(&"thank_you Raj Patel".to_string()),
        "{after:?}"
    );
    assert_eq!(after.len(), before.len() - 1);

    let del = |sid: i64| {
        Request::delete(format!("/api/applications/{id}/skips/{sid}"))
            .body(Body::empty())
            .unwrap()
    };
    let (s, _, b) = send(&app, del(sid)).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    assert_eq!(agenda(&app).await, before);
    let (s, ct, b) = send(&app, del(sid)).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    assert!(ct.starts_with("application/problem+json"));
}

#[tokio::test]
async fn bad_skips_are_refused_naming_the_field() {
    let (_dir, _ctx, app, id) = setup();
    let uri = format!("/api/applications/{id}/skips");
    let cases = [
        (
            r#"{"step":"followup"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            "step: unknown value `followup` (expected one of: thank_you, follow_up, final_follow_up, move_on, feedback_request)",
        ),
        (
            r#"{"step":"move_on"}"#,
            StatusCode::BAD_REQUEST,
            "Acme (#1) has no open move-on to skip (open: thank-you to Jane Doe, thank-you to Raj Patel, follow-up)",
        ),
        (
            r#"{"step":"thank_you","to":"Zed"}"#,
            StatusCode::BAD_REQUEST,
            "no contact named `Zed` in application 1 (known: Jane Doe, Raj Patel)",
        ),
    ];
    for (body, status, detail) in cases {
        let (s, _, b) = send(&app, req("POST", &uri, body, None)).await;
        assert_eq!(s, status, "{body}: {b}");
        assert_eq!(json(&b)["detail"], detail, "{body}");
    }
    let (s, _, b) = send(
        &app,
        req("POST", &uri, r#"{"step":"follow_up","extra":1}"#, None),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let (s, _, b) = send(
        &app,
        req(
            "POST",
            "/api/applications/99/skips",
            r#"{"step":"follow_up"}"#,
            None,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
}

#[tokio::test]
async fn the_document_describes_the_skip_routes_strictly() {
    let (_dir, _ctx, app, _id) = setup();
    let (s, _, b) = send(
        &app,
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let doc = json(&b);
    let post = &doc["paths"]["/api/applications/{id}/skips"]["post"];
    for code in ["201", "400", "404", "409", "413", "415", "422", "500"] {
        assert!(post["responses"][code].is_object(), "{code}");
    }
    let del = &doc["paths"]["/api/applications/{id}/skips/{sid}"]["delete"];
    for code in ["204", "404", "500"] {
        assert!(del["responses"][code].is_object(), "{code}");
    }
    let input = &doc["components"]["schemas"]["SkipInput"];
    assert_eq!(input["additionalProperties"], false, "{input}");
    assert_eq!(input["required"], serde_json::json!(["step"]));
    let words = &doc["components"]["schemas"]["StepWord"]["enum"];
    assert_eq!(
        words,
        &serde_json::json!([
            "thank_you",
            "follow_up",
            "final_follow_up",
            "move_on",
            "feedback_request"
        ])
    );
}

/// A page's response: status, Location, Set-Cookie, body.
async fn call(app: &axum::Router, r: Request<Body>) -> (StatusCode, String, String, String) {
    let r = app.clone().oneshot(r).await.unwrap();
    let h = |n: header::HeaderName| {
        r.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (s, l, c) = (r.status(), h(header::LOCATION), h(header::SET_COOKIE));
    let b = r.into_body().collect().await.unwrap().to_bytes();
    (s, l, c, String::from_utf8_lossy(&b).into_owned())
}

fn form(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&");
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

fn page(uri: &str, cookie: &str) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

/// The value of the first `name="..." value="..."` after `from` in a page.
fn field(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap();
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[tokio::test]
async fn todays_skip_is_a_form_and_the_flash_undoes_it() {
    let (_dir, ctx, app, id) = setup();
    let (_, _, _, today) = call(&app, page("/", "")).await;
    let csrf = field(&today, "csrf");
    let action = format!("action=\"/applications/{id}/skips\"");
    assert!(today.contains(&action), "{today}");
    assert!(today.contains("name=\"step\" value=\"thank_you\""));
    assert!(
        !today.contains("hidden>skip"),
        "the button is no longer hidden"
    );

    let skip = form(
        &format!("/applications/{id}/skips"),
        &[
            ("csrf", &csrf),
            ("idem", "t-1"),
            ("step", "thank_you"),
            ("to", "Raj Patel"),
        ],
    );
    let (s, to, cookie, b) = call(&app, skip).await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/"), "{b}");
    let cookie = cookie.split(';').next().unwrap().to_string();
    let (_, _, _, shown) = call(&app, page("/", &cookie)).await;
    assert!(
        shown.contains("Skipped thank-you to Raj Patel for Acme (#1): it is off your plan."),
        "{shown}"
    );
    let full = ctx.store().unwrap().application(id).unwrap();
    let sid = full.skipped[0].id;
    let undo = format!("action=\"/applications/{id}/skips/{sid}/undo\"");
    assert!(shown.contains(&undo), "{shown}");
    assert!(
        !shown.contains("Thank-you</span> to Raj") && !shown.contains("Thank-you to Raj Patel"),
        "{shown}"
    );

    // The same form again (a double click): one skip.
    let again = form(
        &format!("/applications/{id}/skips"),
        &[
            ("csrf", &csrf),
            ("idem", "t-1"),
            ("step", "thank_you"),
            ("to", "Raj Patel"),
        ],
    );
    assert_eq!(call(&app, again).await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        ctx.store().unwrap().application(id).unwrap().skipped.len(),
        1
    );

    // Without the token: refused, nothing changes.
    let forged = form(
        &format!("/applications/{id}/skips/{sid}/undo"),
        &[("csrf", "x")],
    );
    assert_eq!(call(&app, forged).await.0, StatusCode::FORBIDDEN);

    let undo = form(
        &format!("/applications/{id}/skips/{sid}/undo"),
        &[("csrf", &csrf), ("idem", "u-1")],
    );
    let (s, _, cookie, b) = call(&app, undo).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
    let cookie = cookie.split(';').next().unwrap().to_string();
    let (_, _, _, shown) = call(&app, page("/", &cookie)).await;
    assert!(
        shown.contains("Planned thank-you to Raj Patel for Acme (#1) again."),
        "{shown}"
    );
    assert!(ctx
        .store()
        .unwrap()
        .application(id)
        .unwrap()
        .skipped
        .is_empty());
}

#[tokio::test]
async fn the_application_page_lists_skips_and_plans_them_again() {
    let (_dir, ctx, app, id) = setup();
    let v =
        followup_app::skip::skip(&ctx, id, "follow-up", None, Some("they said not to")).unwrap();
    let base = format!("/applications/{id}");
    let (_, _, _, html) = call(&app, page(&base, "")).await;
    assert!(html.contains("<h2 id=\"skipped\">Skipped</h2>"), "{html}");
    assert!(html.contains("follow-up: they said not to"), "{html}");
    let undo = format!("action=\"{base}/skips/{}/undo\"", v.id);
    assert!(html.contains(&undo), "{html}");
    let csrf = field(&html, "csrf");
    let (s, to, _, b) = call(
        &app,
        form(
            &format!("{base}/skips/{}/undo", v.id),
            &[("csrf", &csrf), ("back", "application")],
        ),
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, base.as_str()),
        "{b}"
    );
    let (_, _, _, html) = call(&app, page(&base, "")).await;
    assert!(!html.contains("id=\"skipped\""), "{html}");
}
