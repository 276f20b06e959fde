//! Settings' "Restore from a backup": a file `followup backup` wrote replaces
//! everything, all or nothing, as `followup restore` does.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use followup_app::track::{AddInput, RoundInput};

fn multipart(fields: &[(&str, Option<&str>, &str)]) -> Request<Body> {
    common::multipart("/settings/restore", "application/json", fields)
}

fn add(ctx: &followup_app::Ctx, company: &str) -> i64 {
    followup_app::track::add(
        ctx,
        &AddInput {
            company: company.into(),
            role: "Engineer".into(),
            round: RoundInput {
                at: "2026-12-01 10:00".into(),
                duration: "1h".into(),
                interviewer: vec!["Jane Doe <jane@example.org>".into()],
                ..RoundInput::default()
            },
            ..AddInput::default()
        },
    )
    .unwrap()
}

fn companies(ctx: &followup_app::Ctx) -> Vec<String> {
    let mut c: Vec<String> = ctx
        .store()
        .unwrap()
        .applications(true)
        .unwrap()
        .into_iter()
        .map(|a| a.application.company)
        .collect();
    c.sort();
    c
}

#[tokio::test]
async fn a_backup_file_replaces_everything_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // The backup: a big job search (over the 1 MiB limit of other requests).
    let elsewhere = common::ctx(&dir.path().join("elsewhere.sqlite"));
    let mut store = elsewhere.store().unwrap();
    followup_store::demo::populate(&mut store, 700, 7, elsewhere.now).unwrap();
    let backup = serde_json::to_string(&store.export().unwrap()).unwrap();
    drop(store);
    assert!(backup.len() > 1024 * 1024, "{}", backup.len());

    let ctx = common::ctx(&dir.path().join("here.sqlite"));
    add(&ctx, "Zzyzx Holdings");
    let app = common::router(&ctx, None);
    let (_, _, page) = common::send(
        &app,
        Request::get("/settings")
            .header(header::HOST, "127.0.0.1:7878")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(page.contains("Restore from a backup file"), "{page}");
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();

    // Not confirmed, not a backup, a wrong token: refused, nothing changed.
    let (s, _, b) = common::send(
        &app,
        multipart(&[("csrf", None, &csrf), ("file", Some("b.json"), &backup)]),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert!(b.contains("Replace everything"), "{b}");
    let (s, _, b) = common::send(
        &app,
        multipart(&[
            ("csrf", None, &csrf),
            ("confirm", None, "yes"),
            ("file", Some("notes.json"), "{\"hello\": 1}"),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert!(b.contains("notes.json is not a followup backup"), "{b}");
    let (s, _, _) = common::send(
        &app,
        multipart(&[
            ("csrf", None, "forged"),
            ("confirm", None, "yes"),
            ("file", Some("b.json"), &backup),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(companies(&ctx), vec!["Zzyzx Holdings".to_string()]);

    // Confirmed: everything is the backup's.
    let (s, _, b) = common::send(
        &app,
        multipart(&[
            ("csrf", None, &csrf),
            ("confirm", None, "yes"),
            ("file", Some("followup-backup.json"), &backup),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
    assert_eq!(companies(&ctx), companies(&elsewhere));
    assert!(!companies(&ctx).contains(&"Zzyzx Holdings".to_string()));
}
