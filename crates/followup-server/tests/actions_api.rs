//! Replies, outcomes, rounds, edits, deletion and undo through the JSON API, and a
//! request sent twice with one `Idempotency-Key` recording once.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use followup_app::track::{AddInput, RoundInput};
use serde_json::Value;

use common::send;

fn req(method: &str, uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn keyed(method: &str, uri: &str, body: &str, key: &str) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(Body::from(body.to_string()))
        .unwrap()
}

fn get(uri: &str) -> Request<Body> {
    Request::builder().uri(uri).body(Body::empty()).unwrap()
}

/// Acme, interviewed Tue Dec 1 10:00 New York by Jane and Raj; the clock at Wed Dec 2
/// 10:00.
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

#[tokio::test]
async fn a_reply_with_a_sentence_replans_and_an_outcome_closes() {
    let (_dir, ctx, app, id) = setup();
    let base = format!("/api/applications/{id}");
    let (s, ct, b) = send(
        &app,
        req(
            "POST",
            &format!("{base}/replies"),
            r#"{"at":"2026-12-02 09:00","decision":"We expect to decide by Friday.","from":"Jane","note":"kind words"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert!(ct.starts_with("application/json"), "{ct}");
    let r = json(&b);
    assert_eq!(r["decision_date"], "2026-12-04", "{b}");
    assert_eq!(r["status"], "active");
    assert!(r["items"].is_array());
    let full = ctx.store().unwrap().application(id).unwrap();
    let t = full.touchpoints.last().unwrap();
    assert_eq!(t.id, r["id"].as_i64().unwrap());
    assert_eq!(
        t.decision_phrase.as_deref(),
        Some("We expect to decide by Friday.")
    );
    assert_eq!(
        full.contact(t.contact_id.unwrap()).unwrap().name,
        "Jane Doe"
    );

    let (s, _, b) = send(
        &app,
        req(
            "POST",
            &format!("{base}/outcome"),
            r#"{"outcome":"rejected"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let r = json(&b);
    assert_eq!(r["status"], "rejected");
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "feedback_request"),
        "a feedback request is planned after a rejection: {b}"
    );
}

#[tokio::test]
async fn bad_bodies_and_unknown_ids_are_refused_in_plain_words() {
    let (_dir, ctx, app, id) = setup();
    let base = format!("/api/applications/{id}");
    let cases = [
        (
            "POST",
            format!("{base}/replies"),
            r#"{"decision":"when pigs fly"}"#,
            400,
        ),
        (
            "POST",
            format!("{base}/replies"),
            r#"{"from":"Nobody Known"}"#,
            400,
        ),
        (
            "POST",
            format!("{base}/replies"),
            r#"{"mood":"happy"}"#,
            422,
        ),
        ("POST", format!("{base}/replies"), "not json", 400),
        (
            "POST",
            format!("{base}/outcome"),
            r#"{"outcome":"hired"}"#,
            422,
        ),
        ("POST", format!("{base}/outcome"), r#"{}"#, 422),
        (
            "POST",
            format!("{base}/interviews"),
            r#"{"at":"tomorrow-ish"}"#,
            400,
        ),
        (
            "POST",
            format!("{base}/interviews"),
            r#"{"at":"2026-12-09 10:00","color":1}"#,
            422,
        ),
        (
            "POST",
            format!("{base}/interviews"),
            r#"{"at":"2026-12-09 10:00","reopen":"yes"}"#,
            422,
        ),
        ("PATCH", base.clone(), r#"{}"#, 400),
        ("PATCH", base.clone(), r#"{"seniority":"wizard"}"#, 422),
        ("PATCH", base.clone(), r#"{"nickname":"x"}"#, 422),
        (
            "POST",
            format!("{base}/touchpoints"),
            r#"{"kind":"reply"}"#,
            400,
        ),
        ("POST", "/api/applications/999/replies".into(), r#"{}"#, 404),
        (
            "POST",
            "/api/applications/999/outcome".into(),
            r#"{"outcome":"offer"}"#,
            404,
        ),
        (
            "POST",
            "/api/applications/999/interviews".into(),
            r#"{"at":"2026-12-09 10:00"}"#,
            404,
        ),
        (
            "PATCH",
            "/api/applications/999".into(),
            r#"{"role":"x"}"#,
            404,
        ),
        ("DELETE", "/api/applications/999".into(), "", 404),
        ("DELETE", format!("{base}/touchpoints/999"), "", 404),
        (
            "DELETE",
            "/api/applications/999/touchpoints/1".into(),
            "",
            404,
        ),
    ];
    for (method, uri, body, want) in cases {
        let (s, ct, b) = send(&app, req(method, &uri, body)).await;
        assert_eq!(s.as_u16(), want, "{method} {uri} {body}: {b}");
        assert!(ct.starts_with("application/problem+json"), "{ct}");
        let p = json(&b);
        let detail = p["detail"].as_str().unwrap();
        assert!(!detail.is_empty() && !detail.contains("--"), "{detail}");
    }
    // The touchpoints route names the reply route.
    let (_, _, b) = send(
        &app,
        req(
            "POST",
            &format!("{base}/touchpoints"),
            r#"{"kind":"reply"}"#,
        ),
    )
    .await;
    assert!(
        b.contains(&format!("POST /api/applications/{id}/replies")),
        "{b}"
    );
    // Nothing was recorded.
    let full = ctx.store().unwrap().application(id).unwrap();
    assert!(full.touchpoints.is_empty());
    assert_eq!(full.interviews.len(), 1);
}

#[tokio::test]
async fn a_round_a_closed_application_and_reopening() {
    let (_dir, ctx, app, id) = setup();
    let base = format!("/api/applications/{id}");
    let (s, _, b) = send(
        &app,
        req(
            "POST",
            &format!("{base}/interviews"),
            r#"{"at":"2026-12-08 14:00","round":"technical","interviewer":["Jane Doe"]}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(json(&b)["reopened"], Value::Null);
    let (s, _, _) = send(
        &app,
        req(
            "POST",
            &format!("{base}/outcome"),
            r#"{"outcome":"withdrawn"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let round = r#"{"at":"2026-12-15 14:00","round":"final"}"#;
    let (s, _, b) = send(&app, req("POST", &format!("{base}/interviews"), round)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(b.contains("\\\"reopen\\\": true"), "{b}");
    let (s, _, b) = send(
        &app,
        req(
            "POST",
            &format!("{base}/interviews"),
            r#"{"at":"2026-12-15 14:00","round":"final","reopen":true}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let r = json(&b);
    assert_eq!(r["status"], "active");
    assert!(r["reopened"].as_i64().is_some());
    let full = ctx.store().unwrap().application(id).unwrap();
    assert_eq!(full.interviews.len(), 3);
    // Jane was linked, not added twice.
    assert_eq!(full.contacts.len(), 2);
}

#[tokio::test]
async fn edit_changes_facts_and_rounds_and_delete_removes_everything() {
    let (_dir, ctx, app, id) = setup();
    let base = format!("/api/applications/{id}");
    let (s, _, b) = send(
        &app,
        req(
            "PATCH",
            &base,
            r#"{"role":"Staff Engineer","link":"https://acme.example/jobs/1","region":"US","recipient_tz":"America/Chicago","company_type":"corporate","seniority":"senior","at":"2026-12-01 11:00"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let v = json(&b);
    let a = &v["full"]["application"];
    assert_eq!(a["role"], "Staff Engineer");
    assert_eq!(a["recipient_tz"], "America/Chicago");
    assert_eq!(a["seniority"], "senior");
    // "" clears.
    let (s, _, b) = send(&app, req("PATCH", &base, r#"{"link":""}"#)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(json(&b)["full"]["application"]["link"], Value::Null);
    let full = ctx.store().unwrap().application(id).unwrap();
    assert_eq!(
        full.interviews[0].start,
        "2026-12-01T16:00:00Z".parse::<jiff::Timestamp>().unwrap()
    );

    let (s, _, b) = send(&app, req("DELETE", &base, "")).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    assert!(b.is_empty());
    let (s, _, _) = send(&app, get(&base)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn undo_removes_the_touchpoint_and_gives_the_status_back() {
    let (_dir, ctx, app, id) = setup();
    let base = format!("/api/applications/{id}");
    let (_, _, b) = send(
        &app,
        req(
            "POST",
            &format!("{base}/touchpoints"),
            r#"{"kind":"thank-you","to":"Jane"}"#,
        ),
    )
    .await;
    let thanks = json(&b)["id"].as_i64().unwrap();
    let (_, _, b) = send(
        &app,
        req(
            "POST",
            &format!("{base}/outcome"),
            r#"{"outcome":"no-response"}"#,
        ),
    )
    .await;
    let outcome = json(&b)["id"].as_i64().unwrap();
    assert_eq!(json(&b)["status"], "no-response");

    let (s, _, b) = send(
        &app,
        req("DELETE", &format!("{base}/touchpoints/{outcome}"), ""),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{b}");
    let full = ctx.store().unwrap().application(id).unwrap();
    assert_eq!(full.application.status.as_str(), "active");
    assert_eq!(full.application.closed_at, None);
    assert_eq!(
        full.touchpoints.iter().map(|t| t.id).collect::<Vec<_>>(),
        [thanks]
    );
    // Gone: a second undo of it finds nothing.
    let (s, _, _) = send(
        &app,
        req("DELETE", &format!("{base}/touchpoints/{outcome}"), ""),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_same_request_sent_twice_with_one_key_records_once() {
    let (_dir, ctx, app, id) = setup();
    let base = format!("/api/applications/{id}");
    let body = r#"{"kind":"thank-you","to":"Jane"}"#;
    let uri = format!("{base}/touchpoints");
    let (s1, _, b1) = send(&app, keyed("POST", &uri, body, "click-1")).await;
    let (s2, _, b2) = send(&app, keyed("POST", &uri, body, "click-1")).await;
    assert_eq!(
        (s1, s2),
        (StatusCode::CREATED, StatusCode::CREATED),
        "{b1} {b2}"
    );
    assert_eq!(b1, b2, "the repeat gets the first answer");
    assert_eq!(
        ctx.store()
            .unwrap()
            .application(id)
            .unwrap()
            .touchpoints
            .len(),
        1
    );

    // Two at once (a double click): still one.
    let uri = format!("{base}/replies");
    let (a, b) = tokio::join!(
        send(&app, keyed("POST", &uri, "{}", "click-2")),
        send(&app, keyed("POST", &uri, "{}", "click-2"))
    );
    assert_eq!((a.0, b.0), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(a.2, b.2);
    assert_eq!(
        ctx.store()
            .unwrap()
            .application(id)
            .unwrap()
            .touchpoints
            .len(),
        2
    );

    // Without a key, each request records.
    send(&app, req("POST", &uri, "{}")).await;
    assert_eq!(
        ctx.store()
            .unwrap()
            .application(id)
            .unwrap()
            .touchpoints
            .len(),
        3
    );

    // The same key for another request is refused; a new application with a key once.
    let (s, _, b) = send(
        &app,
        keyed(
            "POST",
            &format!("{base}/outcome"),
            r#"{"outcome":"offer"}"#,
            "click-1",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(b.contains("another request"), "{b}");
    // The same key and path with another body: refused too, saying so.
    let (s, _, b) = send(
        &app,
        keyed(
            "POST",
            &format!("{base}/touchpoints"),
            r#"{"kind":"thank-you","to":"Raj"}"#,
            "click-1",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
    assert!(b.contains("with another body"), "{b}");
    let add = r#"{"company":"Beta","role":"Dev","round":{"at":"2026-12-01 12:00"}}"#;
    let (s1, _, b1) = send(&app, keyed("POST", "/api/applications", add, "add-beta")).await;
    let (_, _, b2) = send(&app, keyed("POST", "/api/applications", add, "add-beta")).await;
    assert_eq!(s1, StatusCode::CREATED, "{b1}");
    assert_eq!(b1, b2);
    assert_eq!(ctx.store().unwrap().applications(true).unwrap().len(), 2);
    // A refused request is not kept: sent again once fixed, it records.
    let (s, _, _) = send(
        &app,
        keyed(
            "POST",
            &format!("{base}/outcome"),
            r#"{"outcome":"hired"}"#,
            "fix-me",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _, _) = send(
        &app,
        keyed(
            "POST",
            &format!("{base}/outcome"),
            r#"{"outcome":"offer"}"#,
            "fix-me",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // Too long a key.
    let (s, _, _) = send(&app, keyed("POST", &uri, "{}", &"k".repeat(201))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
