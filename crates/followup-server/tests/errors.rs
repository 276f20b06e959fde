//! Refusals by kind: the use cases' errors say what kind they are (not found, a
//! conflict with the state, a value too large) and the server answers by kind alone.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use followup_app::track::{AddInput, RoundInput};
use serde_json::Value;

use common::send;

fn setup() -> (tempfile::TempDir, followup_app::Ctx, axum::Router, i64) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = common::ctx(&dir.path().join("f.sqlite"));
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
    (dir, ctx, app, id)
}

fn json_req(method: &str, uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[test]
fn each_error_has_its_kind() {
    use followup_app::error::ErrorKind;
    use followup_app::Error;
    let (_dir, ctx, _app, id) = setup();
    let kind = |e: Error| e.kind();
    assert_eq!(
        kind(followup_app::track::delete(&ctx, 99).unwrap_err()),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(followup_app::note::remove(&ctx, id, "nothing like it").unwrap_err()),
        ErrorKind::NotFound
    );
    let long = AddInput {
        company: "x".repeat(1000),
        role: "R".into(),
        round: RoundInput {
            at: "2026-12-01 10:00".into(),
            ..RoundInput::default()
        },
        ..AddInput::default()
    };
    assert_eq!(
        kind(followup_app::track::add(&ctx, &long).unwrap_err()),
        ErrorKind::TooLarge
    );
    followup_app::track::outcome(&ctx, id, "rejected", None, None).unwrap();
    let round = RoundInput {
        at: "2026-12-09 10:00".into(),
        tz: Some("America/New_York".into()),
        duration: "1h".into(),
        ..RoundInput::default()
    };
    let e = followup_app::track::add_round(&ctx, id, &round, false).unwrap_err();
    assert_eq!(kind(e), ErrorKind::Conflict);
    // A contact named in a body is a wrong value; named in a path, not found.
    assert_eq!(
        kind(followup_app::track::reply(&ctx, id, None, None, Some("Zed"), None).unwrap_err()),
        ErrorKind::Input
    );
    assert_eq!(
        kind(followup_app::contact::remove(&ctx, id, "Zed").unwrap_err()),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn the_api_answers_by_kind() {
    let (_dir, _ctx, app, id) = setup();
    let cases = [
        (
            "DELETE",
            "/api/applications/99".to_string(),
            "",
            StatusCode::NOT_FOUND,
        ),
        (
            "DELETE",
            format!("/api/applications/{id}/contacts/Zed"),
            "",
            StatusCode::NOT_FOUND,
        ),
        (
            "POST",
            format!("/api/applications/{id}/replies"),
            r#"{"from":"Zed"}"#,
            StatusCode::BAD_REQUEST,
        ),
        (
            "PATCH",
            format!("/api/applications/{id}"),
            &format!(r#"{{"company":"{}"}}"#, "x".repeat(301)),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (method, uri, body, status) in cases {
        let (s, ct, b) = send(&app, json_req(method, &uri, body)).await;
        assert_eq!(s, status, "{method} {uri}: {b}");
        assert_eq!(ct, "application/problem+json");
    }
}

#[tokio::test]
async fn the_draft_page_without_a_profile_says_where_to_set_it() {
    let (_dir, _ctx, app, id) = setup();
    let (s, ct, b) = send(
        &app,
        Request::get(format!("/applications/{id}/draft?kind=thank-you"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(ct.starts_with("text/html"), "{ct}");
    assert!(b.contains("<h1>No profile yet</h1>"), "{b}");
    assert!(b.contains("href=\"/settings#profile\""), "{b}");
    // The link's target exists.
    let (_, _, settings) = send(&app, Request::get("/settings").body(Body::empty()).unwrap()).await;
    assert!(settings.contains("id=\"profile\""), "{settings}");
    // The API says the same in problem+json.
    let (s, _, b) = send(
        &app,
        Request::get(format!("/api/applications/{id}/draft?kind=thank-you"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    let v: Value = serde_json::from_str(&b).unwrap();
    assert_eq!(v["title"], "No profile yet");
}

#[tokio::test]
async fn enumerated_fields_are_enums_and_a_wrong_word_is_one_line_naming_the_field() {
    let (_dir, _ctx, app, id) = setup();
    let base = format!("/api/applications/{id}");
    let cases = [
        (
            "PATCH",
            base.clone(),
            r#"{"company_type":"enterprise"}"#,
            "company_type: unknown value `enterprise` (expected one of: startup, small-business, corporate, government, academia, nonprofit, agency)",
        ),
        (
            "PATCH",
            base.clone(),
            r#"{"seniority":"junior"}"#,
            "seniority: unknown value `junior` (expected one of: entry, mid, senior, executive)",
        ),
        (
            "PATCH",
            base.clone(),
            r#"{"round":"semifinal"}"#,
            "round: unknown value `semifinal` (expected one of: screen, technical, onsite, panel, final)",
        ),
        (
            "POST",
            format!("{base}/outcome"),
            r#"{"outcome":"hired"}"#,
            "outcome: unknown value `hired` (expected one of: offer, rejected, withdrawn, no-response)",
        ),
        (
            "POST",
            "/api/applications".to_string(),
            r#"{"company":"B","role":"R","round":{"at":"2026-12-01 10:00","round":"chat"}}"#,
            "round.round: unknown value `chat` (expected one of: screen, technical, onsite, panel, final)",
        ),
    ];
    for (method, uri, body, detail) in cases {
        let (s, _, b) = send(&app, json_req(method, &uri, body)).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {b}");
        let v: Value = serde_json::from_str(&b).unwrap();
        assert_eq!(v["detail"], detail, "{body}");
    }
    // "" clears in a PATCH.
    let (s, _, b) = send(&app, json_req("PATCH", &base, r#"{"company_type":""}"#)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, _, b) = send(&app, json_req("PATCH", &base, r#"{"seniority":"senior"}"#)).await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // The document lists the same words.
    let (_, _, doc) = send(
        &app,
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let doc: Value = serde_json::from_str(&doc).unwrap();
    let edit = &doc["components"]["schemas"]["EditInput"]["properties"];
    assert_eq!(
        edit["seniority"]["enum"],
        serde_json::json!(["entry", "mid", "senior", "executive", "", null])
    );
    let outcome = &doc["components"]["schemas"]["OutcomeInput"]["properties"]["outcome"];
    assert_eq!(
        outcome["enum"],
        serde_json::json!(["offer", "rejected", "withdrawn", "no-response"])
    );
}
