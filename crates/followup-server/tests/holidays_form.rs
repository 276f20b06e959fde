//! Settings' "Custom holiday calendars": a calendar file of days off (the import tests'
//! `closures.ics`) kept by name, as `followup holidays import` keeps it, then listed
//! and usable as a region.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};

fn multipart(fields: &[(&str, Option<&str>, &str)]) -> Request<Body> {
    common::multipart("/settings/holidays", "text/calendar", fields)
}

fn settings() -> Request<Body> {
    Request::get("/settings")
        .header(header::HOST, "127.0.0.1:7878")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn a_calendar_of_days_off_is_kept_from_settings() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = common::ctx(&dir.path().join("here.sqlite"));
    let closures = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../followup-core/tests/invites/closures.ics"),
    )
    .unwrap();
    let app = common::router(&ctx, None);
    let (_, _, page) = common::send(&app, settings()).await;
    assert!(page.contains("action=\"/settings/holidays\""), "{page}");
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_string();

    // A built-in region's code, a forged token: refused, nothing kept.
    let (s, _, b) = common::send(
        &app,
        multipart(&[
            ("csrf", None, &csrf),
            ("name", None, "GB"),
            ("file", Some("closures.ics"), &closures),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    assert!(b.contains("built-in region"), "{b}");
    let (s, _, _) = common::send(
        &app,
        multipart(&[
            ("csrf", None, "forged"),
            ("name", None, "acme-closures"),
            ("file", Some("closures.ics"), &closures),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(followup_app::holidays::list(&ctx).unwrap().is_empty());

    // Kept: Settings says so and lists it; it is a region now.
    let (s, _, _) = common::send(
        &app,
        multipart(&[
            ("csrf", None, &csrf),
            ("name", None, "acme-closures"),
            ("on", None, "US-NY"),
            ("file", Some("closures.ics"), &closures),
        ]),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, _, page) = common::send(&app, settings()).await;
    assert!(
        page.contains(
            "<strong>acme-closures</strong>: 3 day(s), 2026-12-07 to 2026-12-11, on top of US-NY's"
        ),
        "{page}"
    );
    let kept = followup_app::holidays::list(&ctx).unwrap();
    assert_eq!(kept[0].base.as_deref(), Some("US-NY"));
    let region = ctx.region("acme-closures").unwrap();
    assert_eq!(
        region.holiday("2026-12-08".parse().unwrap()),
        Some("Acme winter shutdown")
    );
    // On top of New York's: Christmas Day is one too.
    assert!(region.holiday("2026-12-25".parse().unwrap()).is_some());
}
