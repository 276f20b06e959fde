//! The application page's forms, driven over HTTP as a browser without JavaScript
//! would: each posts, is redirected with a flash message, and records once when sent
//! twice.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use followup_app::track::{AddInput, RoundInput};
use followup_app::Ctx;
use http_body_util::BodyExt;
use tower::ServiceExt;

struct Home {
    _dir: tempfile::TempDir,
    ctx: Ctx,
    app: Router,
    id: i64,
}

fn home() -> Home {
    let dir = tempfile::tempdir().unwrap();
    let ctx = common::ctx(&dir.path().join("f.sqlite"));
    let id = followup_app::track::add(
        &ctx,
        &AddInput {
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
        },
    )
    .unwrap();
    let app = common::router(&ctx, None);
    Home {
        _dir: dir,
        ctx,
        app,
        id,
    }
}

/// A response: status, `Location`, `Set-Cookie` and body.
struct Got {
    status: StatusCode,
    location: String,
    cookie: String,
    body: String,
}

async fn call(app: &Router, req: Request<Body>) -> Got {
    let r = app.clone().oneshot(req).await.unwrap();
    let h = |n: header::HeaderName| {
        r.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (status, location, cookie) = (r.status(), h(header::LOCATION), h(header::SET_COOKIE));
    let body = r.into_body().collect().await.unwrap().to_bytes();
    Got {
        status,
        location,
        cookie,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

async fn page(app: &Router, uri: &str, cookie: Option<&str>) -> Got {
    let mut b = Request::builder().uri(uri);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    call(app, b.body(Body::empty()).unwrap()).await
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn post(app: &Router, uri: &str, fields: &[(&str, &str)]) -> Got {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    call(
        app,
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// The value of the first `name="..." value="..."` of a page.
fn field(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// Follows a redirect with its flash cookie: the page and the message it shows.
async fn follow(app: &Router, g: &Got) -> String {
    assert_eq!(g.status, StatusCode::SEE_OTHER, "{}", g.body);
    let cookie = g.cookie.split(';').next().unwrap().to_string();
    assert!(cookie.starts_with("followup_flash="), "{}", g.cookie);
    let p = page(app, &g.location, Some(&cookie)).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.cookie.contains("followup_flash=;") && p.cookie.contains("Max-Age=0"),
        "shown once: {}",
        p.cookie
    );
    p.body
}

fn flash(html: &str) -> String {
    let at = html.find("class=\"flash\"").expect("a flash message");
    let rest = &html[at..];
    rest[rest.find('>').unwrap() + 1..rest.find("</p>").unwrap()].to_string()
}

#[tokio::test]
async fn every_action_of_the_application_page_works_without_javascript() {
    let h = home();
    let (app, id) = (&h.app, h.id);
    let base = format!("/applications/{id}");
    let html = page(app, &base, None).await.body;
    let csrf = field(&html, "csrf");
    // The forms default to now in the application's zone.
    assert!(html.contains("value=\"2026-12-02T10:00\""), "{html}");
    for action in [
        "/done",
        "/replies",
        "/outcome",
        "/interviews",
        "/edit",
        "/contacts",
        "/notes",
        "/delete",
        "/export.csv",
    ] {
        assert!(html.contains(&format!("{base}{action}")), "{action}");
    }

    // Sent yesterday at 17:40.
    let g = post(
        app,
        &format!("{base}/done"),
        &[
            ("csrf", &csrf),
            ("idem", "k-log"),
            ("kind", "thank-you"),
            ("to", "Jane Doe"),
            ("at", "2026-12-01T17:40"),
            ("back", "application"),
        ],
    )
    .await;
    assert_eq!(g.location, base);
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with("Logged thank-you for Acme (#1)."),
        "{}",
        flash(&shown)
    );
    let full = h.ctx.store().unwrap().application(id).unwrap();
    assert_eq!(
        full.touchpoints[0].at,
        "2026-12-01T22:40:00Z".parse::<jiff::Timestamp>().unwrap()
    );
    // The next page has no flash any more.
    assert!(!page(app, &base, None)
        .await
        .body
        .contains("class=\"flash\""));

    // A double click: the same key, one record, the same page.
    let again = post(
        app,
        &format!("{base}/done"),
        &[
            ("csrf", &csrf),
            ("idem", "k-log"),
            ("kind", "thank-you"),
            ("to", "Jane Doe"),
            ("at", "2026-12-01T17:40"),
            ("back", "application"),
        ],
    )
    .await;
    assert_eq!(
        (again.status, again.location.as_str()),
        (StatusCode::SEE_OTHER, base.as_str())
    );
    assert_eq!(
        h.ctx
            .store()
            .unwrap()
            .application(id)
            .unwrap()
            .touchpoints
            .len(),
        1
    );

    // A reply with a timeline as a sentence.
    let g = post(
        app,
        &format!("{base}/replies"),
        &[
            ("csrf", &csrf),
            ("idem", "k-reply"),
            ("at", "2026-12-02T09:00"),
            ("from", "Raj Patel"),
            ("decision", "We expect to decide by Friday."),
            ("note", ""),
        ],
    )
    .await;
    let shown = follow(app, &g).await;
    assert!(flash(&shown).contains("re-planned"), "{}", flash(&shown));
    let full = h.ctx.store().unwrap().application(id).unwrap();
    assert_eq!(
        full.touchpoints[1].decision_date,
        Some("2026-12-04".parse().unwrap())
    );

    // Edit facts: only what changed is written; a round moved.
    let g = post(
        app,
        &format!("{base}/edit"),
        &[
            ("csrf", &csrf),
            ("idem", "k-edit"),
            ("company", "Acme"),
            ("role", "Staff Engineer"),
            ("link", ""),
            ("region", "US"),
            ("recipient_tz", "America/Chicago"),
            ("company_type", "startup"),
            ("seniority", "senior"),
            ("urgent", "no"),
            ("late_in_process", "no"),
        ],
    )
    .await;
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with("Saved the changes"),
        "{}",
        flash(&shown)
    );
    let iid = full.interviews[0].id.to_string();
    let g = post(
        app,
        &format!("{base}/edit"),
        &[
            ("csrf", &csrf),
            ("idem", "k-edit-round"),
            ("interview", &iid),
            ("at", "2026-12-01T11:00"),
            ("tz", "America/New_York"),
            ("duration", "60m"),
            ("round", ""),
            ("decision", ""),
            ("location", ""),
            ("cancelled", "no"),
        ],
    )
    .await;
    follow(app, &g).await;
    let full = h.ctx.store().unwrap().application(id).unwrap();
    let a = &full.application;
    assert_eq!(
        (a.role.as_str(), a.region.as_deref()),
        ("Staff Engineer", Some("US"))
    );
    assert_eq!(a.seniority.map(|s| s.as_str()), Some("senior"));
    assert_eq!(
        full.interviews[0].start,
        "2026-12-01T16:00:00Z".parse::<jiff::Timestamp>().unwrap()
    );

    // Contacts and notes.
    let g = post(
        app,
        &format!("{base}/contacts"),
        &[
            ("csrf", &csrf),
            ("idem", "k-c"),
            ("name", "Rita Recruiter"),
            ("email", "rita@acme.com"),
            ("phone", ""),
            ("role", "recruiter"),
        ],
    )
    .await;
    follow(app, &g).await;
    let rita = h
        .ctx
        .store()
        .unwrap()
        .application(id)
        .unwrap()
        .contacts
        .iter()
        .find(|c| c.name == "Rita Recruiter")
        .unwrap()
        .id;
    let g = post(
        app,
        &format!("{base}/contacts/{rita}/edit"),
        &[
            ("csrf", &csrf),
            ("idem", "k-ce"),
            ("name", "Rita Moreno"),
            ("email", ""),
            ("phone", "+1 555 0101"),
            ("role", "recruiter"),
        ],
    )
    .await;
    follow(app, &g).await;
    let g = post(
        app,
        &format!("{base}/notes"),
        &[
            ("csrf", &csrf),
            ("idem", "k-n"),
            ("kind", "gap"),
            ("text", "Kubernetes"),
        ],
    )
    .await;
    follow(app, &g).await;
    let full = h.ctx.store().unwrap().application(id).unwrap();
    let r = full.contact(rita).unwrap();
    assert_eq!(
        (r.name.as_str(), r.email.as_deref(), r.phone.as_deref()),
        ("Rita Moreno", None, Some("+1 555 0101"))
    );
    let note = full
        .notes
        .iter()
        .find(|n| n.text == "Kubernetes")
        .unwrap()
        .id;
    let g = post(
        app,
        &format!("{base}/notes/{note}/delete"),
        &[("csrf", &csrf), ("idem", "k-nx")],
    )
    .await;
    follow(app, &g).await;
    let g = post(
        app,
        &format!("{base}/contacts/{rita}/delete"),
        &[("csrf", &csrf), ("idem", "k-cx")],
    )
    .await;
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with("Removed Rita Moreno"),
        "{}",
        flash(&shown)
    );

    // The outcome, from Today's "no response" button, then undone.
    let g = post(
        app,
        &format!("{base}/outcome"),
        &[
            ("csrf", &csrf),
            ("idem", "k-o"),
            ("outcome", "no-response"),
            ("back", "today"),
        ],
    )
    .await;
    assert_eq!(g.location, "/");
    follow(app, &g).await;
    assert_eq!(
        h.ctx
            .store()
            .unwrap()
            .application(id)
            .unwrap()
            .application
            .status
            .as_str(),
        "no-response"
    );
    let html = page(app, &base, None).await.body;
    assert!(
        html.contains("name=\"reopen\""),
        "a closed application asks before reopening"
    );
    let tid = h
        .ctx
        .store()
        .unwrap()
        .application(id)
        .unwrap()
        .touchpoints
        .iter()
        .map(|t| t.id)
        .max()
        .unwrap();
    assert!(html.contains(&format!("{base}/touchpoints/{tid}/undo")));
    let g = post(
        app,
        &format!("{base}/touchpoints/{tid}/undo"),
        &[("csrf", &csrf), ("idem", "k-u")],
    )
    .await;
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with("Undone: the outcome"),
        "{}",
        flash(&shown)
    );
    assert_eq!(
        h.ctx
            .store()
            .unwrap()
            .application(id)
            .unwrap()
            .application
            .status
            .as_str(),
        "active"
    );

    // Another round.
    let g = post(
        app,
        &format!("{base}/interviews"),
        &[
            ("csrf", &csrf),
            ("idem", "k-r"),
            ("at", "2026-12-08T14:00"),
            ("tz", ""),
            ("duration", "45m"),
            ("round", "final"),
            ("interviewer", "Jane Doe; Sam Roe <sam@acme.com>"),
            ("decision", ""),
            ("location", ""),
        ],
    )
    .await;
    follow(app, &g).await;
    let full = h.ctx.store().unwrap().application(id).unwrap();
    assert_eq!(full.interviews.len(), 2);
    assert_eq!(full.interviews[1].interviewer_ids.len(), 2);

    // Files.
    let csv = page(app, &format!("{base}/export.csv"), None).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Acme"));
    let report = page(app, "/report", None).await;
    assert!(report.body.contains("Acme"), "{}", report.body);
    let backup = page(app, "/backup.json", None).await;
    assert!(backup.body.contains("\"format\""), "{}", backup.body);

    // Delete asks first, then deletes.
    let ask = post(app, &format!("{base}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(
        ask.body.contains("name=\"confirm\" value=\"yes\""),
        "{}",
        ask.body
    );
    assert!(h.ctx.store().unwrap().application(id).is_ok());
    let idem = field(&ask.body, "idem");
    let g = post(
        app,
        &format!("{base}/delete"),
        &[("csrf", &csrf), ("idem", &idem), ("confirm", "yes")],
    )
    .await;
    assert_eq!(g.location, "/pipeline");
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with("Deleted Acme — Staff Engineer (#1)"),
        "{}",
        flash(&shown)
    );
    assert!(h.ctx.store().unwrap().application(id).is_err());
}

#[tokio::test]
async fn refused_forms_say_why_in_the_forms_words_and_record_nothing() {
    let h = home();
    let (app, id) = (&h.app, h.id);
    let base = format!("/applications/{id}");
    let csrf = field(&page(app, &base, None).await.body, "csrf");
    let g = post(
        app,
        &format!("{base}/replies"),
        &[("csrf", &csrf), ("decision", "when pigs fly")],
    )
    .await;
    assert_eq!(g.status, StatusCode::BAD_REQUEST);
    assert!(g.body.contains("pigs"), "{}", g.body);
    let g = post(
        app,
        &format!("{base}/done"),
        &[("csrf", &csrf), ("kind", "thank-you"), ("at", "yesterday")],
    )
    .await;
    assert_eq!(g.status, StatusCode::BAD_REQUEST);
    assert!(
        !g.body.contains("--at") && g.body.contains("When"),
        "{}",
        g.body
    );
    let g = post(
        app,
        &format!("{base}/outcome"),
        &[("csrf", "wrong"), ("outcome", "offer")],
    )
    .await;
    assert_eq!(g.status, StatusCode::FORBIDDEN);
    let g = post(
        app,
        "/applications/999/outcome",
        &[("csrf", &csrf), ("outcome", "offer")],
    )
    .await;
    assert_eq!(g.status, StatusCode::NOT_FOUND);
    // A round on a closed application needs the reopen box.
    followup_app::track::outcome(&h.ctx, id, "rejected", None, None).unwrap();
    let g = post(
        app,
        &format!("{base}/interviews"),
        &[("csrf", &csrf), ("at", "2026-12-08T14:00")],
    )
    .await;
    assert_eq!(
        g.status,
        StatusCode::CONFLICT,
        "a closed application: its state"
    );
    assert!(g.body.contains("Reopen it"), "{}", g.body);
    let g = post(
        app,
        &format!("{base}/interviews"),
        &[
            ("csrf", &csrf),
            ("at", "2026-12-08T14:00"),
            ("reopen", "yes"),
        ],
    )
    .await;
    assert_eq!(g.status, StatusCode::SEE_OTHER, "{}", g.body);
    let full = h.ctx.store().unwrap().application(id).unwrap();
    assert_eq!(full.application.status.as_str(), "active");
    assert_eq!(
        full.touchpoints.len(),
        2,
        "the outcome and the reopening only"
    );
}
