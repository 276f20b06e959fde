//! Contacts and notes through the JSON API: the same use cases as `followup contact`
//! and `followup note`.

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

#[tokio::test]
async fn contacts_and_notes_are_added_changed_and_removed() {
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
    let base = format!("/api/applications/{id}");

    let (s, _, b) = send(
        &app,
        req(
            "POST",
            &format!("{base}/contacts"),
            r#"{"name":"Raj Patel","email":"raj@acme.com","rounds":[1]}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let raj: Value = serde_json::from_str(&b).unwrap();
    assert_eq!(
        (raj["name"].as_str(), raj["rounds"][0].as_i64()),
        (Some("Raj Patel"), Some(1))
    );

    let (s, _, b) = send(
        &app,
        req(
            "PATCH",
            &format!("{base}/contacts/Raj"),
            r#"{"role":"hiring-manager"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b.contains("\"hiring-manager\""), "{b}");

    let (s, ct, b) = send(
        &app,
        req(
            "PATCH",
            &format!("{base}/contacts/Raj"),
            r#"{"email":"raj@"}"#,
        ),
    )
    .await;
    assert_eq!(
        (s, ct.as_str()),
        (StatusCode::BAD_REQUEST, "application/problem+json"),
        "{b}"
    );

    let (s, _, b) = send(
        &app,
        req(
            "POST",
            &format!("{base}/notes"),
            r#"{"topic":["event sourcing"],"interview":1}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let notes: Value = serde_json::from_str(&b).unwrap();
    let note = notes[0]["id"].as_i64().unwrap();

    let (s, _, b) = send(&app, req("DELETE", &format!("{base}/notes/{note}"), "")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert!(b.contains("event sourcing"), "{b}");

    // Jane was thanked: the history keeps her.
    followup_app::track::log(&ctx, id, "thank-you", Some("Jane"), None, None).unwrap();
    let (s, _, b) = send(&app, req("DELETE", &format!("{base}/contacts/Jane"), "")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert!(b.contains("history"), "{b}");
    let (s, _, b) = send(
        &app,
        req("DELETE", &format!("{base}/contacts/Raj%20Patel"), ""),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    let (s, _, b) = send(
        &app,
        req(
            "POST",
            "/api/applications/999/contacts",
            r#"{"name":"Kim"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    let full = ctx.store().unwrap().application(id).unwrap();
    assert_eq!(full.contacts.len(), 1);
    assert!(full.notes.is_empty());
}
