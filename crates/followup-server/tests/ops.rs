//! `/healthz` and `/metrics`, as a load balancer and Prometheus see them.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use followup_app::track::{AddInput, RoundInput};

fn get(uri: &str, token: Option<&str>) -> Request<Body> {
    let mut r = Request::builder()
        .uri(uri)
        .header(header::HOST, "127.0.0.1:7878");
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    r.body(Body::empty()).unwrap()
}

/// The value of the sample `name` (with its labels) in a metrics text.
fn sample(text: &str, name: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {name} in\n{text}"))
        .to_string()
}

#[tokio::test]
async fn health_and_metrics_report_the_database() {
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
    let full = ctx.store().unwrap().application(id).unwrap();
    let jane = full.contacts[0].id;
    // Two messages queued: one due nine minutes ago, one tomorrow.
    let mut store = ctx.store().unwrap();
    for (n, at) in [("1", "2026-12-02T14:51:00Z"), ("2", "2026-12-03T15:00:00Z")] {
        store
            .outbox_queue(&followup_store::NewOutboxMessage {
                application_id: id,
                contact_id: jane,
                kind: "thank-you".into(),
                at: at.parse().unwrap(),
                from_name: "Sam".into(),
                from_addr: "sam@example.com".into(),
                to_name: "Jane Doe".into(),
                to_addr: "jane@acme.com".into(),
                subject: Some("Thank you".into()),
                body: "Dear Jane, thank you.".into(),
                message_id: format!("<{n}@example.com>"),
                in_reply_to: None,
                references: None,
                created_at: ctx.now,
                reply_to: None,
            })
            .unwrap();
    }
    drop(store);

    let token = "a-token-of-sixteen-or-more";
    let app = common::router(&ctx, Some(token));
    // Health needs no token; metrics do.
    let (s, ct, body) = common::send(&app, get("/healthz", None)).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "ok\n"));
    assert!(ct.starts_with("text/plain"));
    let (s, _, _) = common::send(&app, get("/metrics", None)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, ct, text) = common::send(&app, get("/metrics", Some(token))).await;
    assert_eq!(s, StatusCode::OK, "{text}");
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    assert_eq!(sample(&text, "followup_jobs_due"), "1");
    assert_eq!(sample(&text, "followup_jobs_lag_seconds"), "540");
    assert_eq!(
        sample(&text, "followup_outbox_messages{state=\"queued\"}"),
        "2"
    );
    assert_eq!(
        sample(&text, "followup_outbox_messages{state=\"sent\"}"),
        "0"
    );
    assert_eq!(sample(&text, "followup_applications{status=\"open\"}"), "1");

    // A database that cannot be opened (here a directory) is unhealthy, in plain words.
    let gone = common::ctx(dir.path());
    let app = common::router(&gone, None);
    let (s, _, body) = common::send(&app, get("/healthz", None)).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("the database does not answer"), "{body}");
}
