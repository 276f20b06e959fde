//! The user's own draft templates (`<config dir>/templates/<kind>.txt`) are used by the
//! Draft page, its .eml download and the API alike. A file of its own: it sets
//! XDG_CONFIG_HOME for the whole test process.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use followup_app::track::{AddInput, RoundInput};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::test]
async fn user_templates_shape_the_page_the_eml_and_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("config/followup/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("thank-you.txt"),
        "Subject: My own subject for {{ company }}\n{{ greeting }}\n\nMy own thank-you words.\n",
    )
    .unwrap();
    // Only this test runs in this process.
    std::env::set_var("XDG_CONFIG_HOME", dir.path().join("config"));

    let db = dir.path().join("f.sqlite");
    let ctx = common::ctx(&db);
    let id = followup_app::track::add(
        &ctx,
        &AddInput {
            company: "Acme".into(),
            role: "Engineer".into(),
            round: RoundInput {
                at: "2026-12-01 10:00".into(),
                duration: "1h".into(),
                interviewer: vec!["Jane Doe <jane@acme.com>".into()],
                ..RoundInput::default()
            },
            ..AddInput::default()
        },
    )
    .unwrap();
    ctx.store()
        .unwrap()
        .set_profile(&followup_store::Profile {
            name: "Sam Lee".into(),
            email: "sam@example.com".into(),
            phone: None,
        })
        .unwrap();
    let app = common::router(&ctx, None);
    for uri in [
        format!("/applications/{id}/draft?kind=thank-you"),
        format!("/applications/{id}/draft.eml?kind=thank-you"),
        format!("/api/applications/{id}/draft?kind=thank-you"),
    ] {
        let r = app
            .clone()
            .oneshot(Request::get(&uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        let body = r.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("My own subject for Acme"), "{uri}: {body}");
        assert!(body.contains("My own thank-you words."), "{uri}: {body}");
    }
}
