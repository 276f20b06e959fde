//! Sending from the web app, over HTTP: the draft page's "Send now" and "Schedule",
//! the Outbox page's cancel, edit time and retry, the same over the JSON API, and
//! Today's scheduled lines; "Send now" end to end against the SMTP server of
//! scripts/smtp_sink.py (aiosmtpd; skipped with the reason when absent, except under
//! CI=true). Also the web app's other downloads and forms: the `.ics` files, Today's
//! "sent…" sent twice, the Settings zone list.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use followup_app::track::{AddInput, RoundInput};
use followup_app::Ctx;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

/// The SMTP server of scripts/smtp_sink.py; stopped when dropped.
struct Sink {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl Sink {
    fn start(root: &Path) -> Result<Sink, String> {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/smtp_sink.py");
        let dir = root.join("received");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run python3 ({e})"))?;
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .map_err(|e| e.to_string())?;
        let Some(port) = first.trim().strip_prefix("PORT ") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(
                "scripts/smtp_sink.py did not start: `pip install -r scripts/requirements.txt`"
                    .into(),
            );
        };
        Ok(Sink {
            port: port.parse().unwrap(),
            child,
            dir,
        })
    }

    fn received(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| {
                        let n = p.file_name().unwrap().to_string_lossy();
                        n.ends_with(".eml") && !n.starts_with('.')
                    })
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Home {
    _dir: tempfile::TempDir,
    ctx: Ctx,
    app: Router,
    id: i64,
}

/// A tracker with a profile and one application (Jane and Raj interviewed it the day
/// before the clock), mailing through `smtp` when given, with the clock at `now`.
fn home(smtp: Option<&str>, now: &str) -> Home {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = common::ctx(&dir.path().join("f.sqlite"));
    ctx.now = now.parse().unwrap();
    ctx.settings.mail.smtp = smtp.map(str::to_string);
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
    ctx.store()
        .unwrap()
        .set_profile(&followup_store::Profile {
            name: "Sam Lee".into(),
            email: "sam@example.com".into(),
            phone: None,
        })
        .unwrap();
    let app = common::router(&ctx, None);
    Home {
        _dir: dir,
        ctx,
        app,
        id,
    }
}

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

async fn api(app: &Router, method: &str, uri: &str, body: &str) -> (StatusCode, Value) {
    let g = call(
        app,
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await;
    let v = serde_json::from_str(&g.body).unwrap_or(Value::Null);
    (g.status, v)
}

fn field(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

fn unescape(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&lt;", "<")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The draft page's textarea.
fn textarea(html: &str) -> String {
    let at = html.find("<textarea").unwrap();
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    unescape(&rest[start..rest.find("</textarea>").unwrap()])
}

async fn follow(app: &Router, g: &Got) -> String {
    assert_eq!(g.status, StatusCode::SEE_OTHER, "{}", g.body);
    let cookie = g.cookie.split(';').next().unwrap().to_string();
    let p = page(app, &g.location, Some(&cookie)).await;
    assert_eq!(p.status, StatusCode::OK);
    p.body
}

fn flash(html: &str) -> String {
    let at = html.find("class=\"flash\"").expect("a flash message");
    let rest = &html[at..];
    unescape(&rest[rest.find('>').unwrap() + 1..rest.find("</p>").unwrap()])
}

fn outbox_of(ctx: &Ctx) -> Vec<followup_store::OutboxMessage> {
    followup_app::outbox::list(ctx).unwrap()
}

fn touchpoints(ctx: &Ctx, id: i64) -> usize {
    ctx.store()
        .unwrap()
        .application(id)
        .unwrap()
        .touchpoints
        .len()
}

fn sink_or_skip(root: &Path) -> Option<Sink> {
    match Sink::start(root) {
        Ok(s) => Some(s),
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{why} (CI=true: CI must run the SMTP tests)")
        }
        Err(why) => {
            eprintln!("skipped: {why}");
            None
        }
    }
}

#[tokio::test]
async fn send_now_arrives_is_logged_and_the_outbox_shows_it_sent_and_schedule_waits() {
    let root = tempfile::tempdir().unwrap();
    let Some(sink) = sink_or_skip(root.path()) else {
        return;
    };
    let h = home(
        Some(&format!("smtp://127.0.0.1:{}", sink.port)),
        common::NOW,
    );
    let (app, id) = (&h.app, h.id);

    // The draft page offers sending, with the checkbox for warnings.
    let d = page(
        app,
        &format!("/applications/{id}/draft?kind=thank-you&to=Jane%20Doe"),
        None,
    )
    .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.body);
    assert!(d.body.contains("id=\"send-now\""), "{}", d.body);
    assert!(d.body.contains("send despite the warnings"));
    assert!(!d.body.contains("id=\"no-account\""));
    let csrf = field(&d.body, "csrf");
    let idem = field(&d.body, "idem");
    let text = textarea(&d.body);
    assert!(text.starts_with("Subject: "), "{text}");

    // A placeholder left in: the checker's error refuses it, nothing is queued.
    let bad = "Subject: Thank you\n\nDear [Name],\n\nThank you for your time today.\n\nSam\n";
    let g = post(
        app,
        &format!("/applications/{id}/send"),
        &[
            ("csrf", &csrf),
            ("idem", "refused-1"),
            ("kind", "thank-you"),
            ("to", "Jane Doe"),
            ("text", bad),
            ("at", "now"),
            ("confirm_warnings", "yes"),
        ],
    )
    .await;
    assert_eq!(g.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", g.body);
    assert!(g.body.contains("checker found errors"), "{}", g.body);
    assert!(g.body.contains("placeholder"), "{}", g.body);
    assert!(outbox_of(&h.ctx).is_empty());

    // Send now: it arrives, is logged, and the Outbox page shows it sent.
    let before = touchpoints(&h.ctx, id);
    let fields = [
        ("csrf", csrf.as_str()),
        ("idem", idem.as_str()),
        ("kind", "thank-you"),
        ("to", "Jane Doe"),
        ("text", text.as_str()),
        ("at", "now"),
        ("confirm_warnings", "yes"),
    ];
    let g = post(app, &format!("/applications/{id}/send"), &fields).await;
    assert_eq!(g.location, "/outbox", "{}", g.body);
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with("Sent the thank-you to Jane Doe <jane@acme.com>"),
        "{}",
        flash(&shown)
    );
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert!(
        got[0].contains("To: \"Jane Doe\" <jane@acme.com>"),
        "{}",
        got[0]
    );
    let body_line = text.lines().nth(2).unwrap();
    assert!(got[0].contains(body_line), "{body_line}\n{}", got[0]);
    assert_eq!(touchpoints(&h.ctx, id), before + 1);
    let out = outbox_of(&h.ctx);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].state, followup_store::OutboxState::Sent);
    assert!(out[0].touchpoint_id.is_some());
    assert!(
        shown.contains("class=\"state sent\">sent</span>"),
        "{shown}"
    );

    // Sent twice (a double click): one message.
    let g = post(app, &format!("/applications/{id}/send"), &fields).await;
    assert_eq!(g.location, "/outbox");
    assert_eq!(sink.received().len(), 1);
    assert_eq!(outbox_of(&h.ctx).len(), 1);

    // Schedule the follow-up for its recommended moment: it waits, Today says so.
    let d = page(
        app,
        &format!("/applications/{id}/draft?kind=follow-up"),
        None,
    )
    .await;
    assert!(d.body.contains("id=\"schedule\""), "{}", d.body);
    assert!(d.body.contains("Too soon to send now"), "{}", d.body);
    assert!(!d.body.contains("id=\"send-now\""));
    let g = post(
        app,
        &format!("/applications/{id}/send"),
        &[
            ("csrf", &csrf),
            ("idem", &field(&d.body, "idem")),
            ("kind", "follow-up"),
            ("text", &textarea(&d.body)),
            ("at", "recommended"),
            ("confirm_warnings", "yes"),
        ],
    )
    .await;
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with("Scheduled the follow-up to"),
        "{}",
        flash(&shown)
    );
    assert!(flash(&shown).contains("your time"), "{}", flash(&shown));
    assert_eq!(sink.received().len(), 1, "nothing before its moment");
    let queued = outbox_of(&h.ctx)
        .into_iter()
        .find(|m| m.kind == "follow-up")
        .unwrap();
    assert_eq!(queued.state, followup_store::OutboxState::Queued);
    assert!(shown.contains("edit time…") && shown.contains(">cancel</button>"));
    let today = page(app, "/?kind=follow_up", None).await.body;
    assert!(
        today.contains("<a href=\"/outbox\">scheduled Tue Dec 8, 10:00</a>"),
        "{today}"
    );
}

#[tokio::test]
async fn the_outbox_page_cancels_edits_and_retries_through_the_outbox_use_cases() {
    // A server that never answers: messages wait in the outbox.
    let h = home(Some("smtp://127.0.0.1:1"), common::NOW);
    let (app, id) = (&h.app, h.id);
    let d = page(
        app,
        &format!("/applications/{id}/draft?kind=follow-up"),
        None,
    )
    .await;
    let csrf = field(&d.body, "csrf");
    let g = post(
        app,
        &format!("/applications/{id}/send"),
        &[
            ("csrf", &csrf),
            ("idem", "k1"),
            ("kind", "follow-up"),
            ("text", &textarea(&d.body)),
            ("at", "recommended"),
            ("confirm_warnings", "yes"),
        ],
    )
    .await;
    follow(app, &g).await;
    let m = outbox_of(&h.ctx).remove(0);
    let oid = m.id;

    // Today: the step reads "scheduled ... their time" instead of when it is due.
    let today = page(app, "/", None).await.body;
    assert!(
        today.contains("<a href=\"/outbox\">scheduled Tue Dec 8, 10:00</a>"),
        "{today}"
    );

    // Edit time: a later moment on the application's clock.
    let outbox = page(app, "/outbox", None).await.body;
    assert!(outbox.contains("Leaves at (America/New_York)"), "{outbox}");
    let later =
        m.at.checked_add(jiff::SignedDuration::from_hours(26))
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::get("America/New_York").unwrap())
            .strftime("%Y-%m-%dT%H:%M")
            .to_string();
    let g = post(
        app,
        &format!("/outbox/{oid}/edit"),
        &[("csrf", &csrf), ("idem", "e1"), ("at", &later)],
    )
    .await;
    let shown = follow(app, &g).await;
    assert!(flash(&shown).contains("now leaves"), "{}", flash(&shown));
    let moved = outbox_of(&h.ctx).remove(0);
    assert_eq!(
        moved.at,
        m.at.checked_add(jiff::SignedDuration::from_hours(26))
            .unwrap()
    );
    // Before the step's earliest moment: refused in plain words.
    let g = post(
        app,
        &format!("/outbox/{oid}/edit"),
        &[("csrf", &csrf), ("idem", "e2"), ("at", "2026-12-02T11:00")],
    )
    .await;
    assert_eq!(g.status, StatusCode::BAD_REQUEST, "{}", g.body);
    assert!(g.body.contains("earliest"), "{}", g.body);

    // Cancel, twice with one key: once.
    for _ in 0..2 {
        let g = post(
            app,
            &format!("/outbox/{oid}/cancel"),
            &[("csrf", &csrf), ("idem", "c1")],
        )
        .await;
        let shown = follow(app, &g).await;
        assert!(
            flash(&shown).starts_with("Cancelled message"),
            "{}",
            flash(&shown)
        );
    }
    assert_eq!(
        outbox_of(&h.ctx)[0].state,
        followup_store::OutboxState::Cancelled
    );
    let shown = page(app, "/outbox", None).await.body;
    assert!(shown.contains(">retry</button>"), "{shown}");

    // Retry: queued again for its moment.
    let g = post(
        app,
        &format!("/outbox/{oid}/retry"),
        &[("csrf", &csrf), ("idem", "r1")],
    )
    .await;
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with("Queued message"),
        "{}",
        flash(&shown)
    );
    assert_eq!(
        outbox_of(&h.ctx)[0].state,
        followup_store::OutboxState::Queued
    );
    // A form without its token is refused.
    let g = post(app, &format!("/outbox/{oid}/cancel"), &[("csrf", "nope")]).await;
    assert_eq!(g.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn warnings_need_the_confirming_checkbox_and_without_an_account_the_page_says_how() {
    // Past the follow-up's window: sending now is late, a warning.
    let h = home(Some("smtp://127.0.0.1:1"), "2026-12-17T15:00:00Z");
    let (app, id) = (&h.app, h.id);
    let d = page(
        app,
        &format!("/applications/{id}/draft?kind=follow-up"),
        None,
    )
    .await;
    assert!(d.body.contains("id=\"late\""), "{}", d.body);
    let g = post(
        app,
        &format!("/applications/{id}/send"),
        &[
            ("csrf", &field(&d.body, "csrf")),
            ("idem", "w1"),
            ("kind", "follow-up"),
            ("text", &textarea(&d.body)),
            ("at", "now"),
        ],
    )
    .await;
    assert_eq!(g.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", g.body);
    assert!(g.body.contains("warnings to confirm"), "{}", g.body);
    assert!(g.body.contains("it will be late"), "{}", g.body);
    assert!(g.body.contains("send despite the warnings"), "{}", g.body);
    assert!(outbox_of(&h.ctx).is_empty());

    // No mail account: the page says how to set one up; sending is refused at once.
    let h = home(None, common::NOW);
    let (app, id) = (&h.app, h.id);
    let d = page(
        app,
        &format!("/applications/{id}/draft?kind=thank-you&to=Jane%20Doe"),
        None,
    )
    .await;
    assert!(d.body.contains("id=\"no-account\""), "{}", d.body);
    assert!(d.body.contains("[mail]") && d.body.contains("smtp"));
    assert!(!d.body.contains("id=\"send-now\""));
    let g = post(
        app,
        &format!("/applications/{id}/send"),
        &[
            ("csrf", &field(&d.body, "csrf")),
            ("kind", "thank-you"),
            ("to", "Jane Doe"),
            ("at", "now"),
        ],
    )
    .await;
    assert_eq!(g.status, StatusCode::CONFLICT, "{}", g.body);
    assert!(g.body.contains("No mail account"));
    let outbox = page(app, "/outbox", None).await.body;
    assert!(outbox.contains("id=\"no-account\"") && outbox.contains("The outbox is empty"));
    let (status, v) = api(
        app,
        "POST",
        &format!("/api/applications/{id}/send"),
        r#"{"kind": "thank-you", "to": "Jane Doe", "at": "now"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(
        v["detail"].as_str().unwrap().contains("FOLLOWUP_SMTP"),
        "{v}"
    );
}

#[tokio::test]
async fn the_api_sends_lists_reschedules_cancels_and_retries() {
    let h = home(Some("smtp://127.0.0.1:1"), common::NOW);
    let (app, id) = (&h.app, h.id);
    let (status, v) = api(app, "GET", "/api/outbox", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["messages"].as_array().unwrap().len(), 0);

    // Checker errors refuse (422), unless forced; unknown fields too.
    let (status, v) = api(
        app,
        "POST",
        &format!("/api/applications/{id}/send"),
        r#"{"kind": "thank-you", "to": "Jane Doe", "at": "recommended", "text": "Subject: Thanks\n\nDear [Name],\n\nThank you.\n\nSam\n", "confirm_warnings": true}"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("placeholder"), "{v}");
    let (status, _) = api(
        app,
        "POST",
        &format!("/api/applications/{id}/send"),
        r#"{"kind": "thank-you", "when": "now"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, v) = api(
        app,
        "POST",
        "/api/applications/99/send",
        r#"{"kind": "follow-up"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    let (status, v) = api(
        app,
        "POST",
        &format!("/api/applications/{id}/send"),
        r#"{"kind": "follow-up", "at": "now", "confirm_warnings": true}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("earliest"), "{v}");

    // Scheduled for the recommended moment.
    let (status, v) = api(
        app,
        "POST",
        &format!("/api/applications/{id}/send"),
        r#"{"kind": "follow-up", "confirm_warnings": true}"#,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["state"], "queued");
    let oid = v["outbox"].as_i64().unwrap();
    let (_, v) = api(app, "GET", "/api/outbox", "").await;
    let m = &v["messages"][0];
    assert_eq!(m["id"], oid);
    assert_eq!(m["kind"], "follow-up");
    assert_eq!(m["state"], "queued");
    assert!(m["to"].as_str().unwrap().contains('<'), "{m}");

    // A new moment; before the earliest is refused.
    let at: jiff::Timestamp = m["at"].as_str().unwrap().parse().unwrap();
    let later = at
        .checked_add(jiff::SignedDuration::from_hours(24))
        .unwrap();
    let (status, v) = api(
        app,
        "PATCH",
        &format!("/api/outbox/{oid}"),
        &format!(r#"{{"at": "{later}"}}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["at"].as_str().unwrap(), later.to_string());
    let (status, v) = api(
        app,
        "PATCH",
        &format!("/api/outbox/{oid}"),
        r#"{"at": "2026-12-02T16:00:00Z"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");

    // Cancel, then cancel again (refused), retry.
    let (status, v) = api(app, "POST", &format!("/api/outbox/{oid}/cancel"), "").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "cancelled");
    let (status, v) = api(app, "POST", &format!("/api/outbox/{oid}/cancel"), "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    let (status, v) = api(app, "POST", &format!("/api/outbox/{oid}/retry"), "").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "queued");
    let (status, _) = api(app, "POST", "/api/outbox/999/cancel", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api(app, "PATCH", "/api/outbox/999", r#"{"at": "now"}"#).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Documented.
    let (_, doc) = api(app, "GET", "/api/openapi.json", "").await;
    for (path, method) in [
        ("/api/outbox", "get"),
        ("/api/applications/{id}/send", "post"),
        ("/api/outbox/{id}/cancel", "post"),
        ("/api/outbox/{id}/retry", "post"),
        ("/api/outbox/{id}", "patch"),
    ] {
        assert!(doc["paths"][path][method].is_object(), "{path} {method}");
    }
    for code in ["201", "400", "404", "409", "422"] {
        assert!(
            doc["paths"]["/api/applications/{id}/send"]["post"]["responses"][code].is_object(),
            "{code}"
        );
    }
}

#[tokio::test]
async fn todays_sent_form_records_once_close_fits_the_line_and_thank_yous_say_where_to_name() {
    let h = home(None, common::NOW);
    let (app, id) = (&h.app, h.id);
    // A second application with nobody named.
    followup_app::track::add(
        &h.ctx,
        &AddInput {
            company: "Globex".into(),
            role: "Analyst".into(),
            round: RoundInput {
                at: "2026-12-01 14:00".into(),
                duration: "1h".into(),
                ..RoundInput::default()
            },
            ..AddInput::default()
        },
    )
    .unwrap();
    let today = page(app, "/", None).await.body;
    assert!(
        today.contains("no names yet: add them on the application page"),
        "{today}"
    );
    assert!(!today.contains("followup contact add"));
    // "close: no response" on follow-up lines, not on thank-you lines.
    let lines: Vec<&str> = today.split("<li class=\"item").skip(1).collect();
    let thanks: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains(">Thank-you to"))
        .collect();
    let follow: Vec<&&str> = lines.iter().filter(|l| l.contains(">Follow-up<")).collect();
    assert!(!thanks.is_empty() && !follow.is_empty(), "{today}");
    assert!(thanks.iter().all(|l| !l.contains("close: no response")));
    assert!(follow.iter().all(|l| l.contains("close: no response")));

    // The "sent…" form, sent twice: recorded once.
    let at = today
        .find(&format!("action=\"/applications/{id}/done\""))
        .unwrap();
    let form = &today[at..today[at..].find("</form>").unwrap() + at];
    let fields: Vec<(String, String)> = ["csrf", "kind", "to", "idem", "clock", "at"]
        .iter()
        .map(|n| (n.to_string(), unescape(&field(form, n))))
        .collect();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let before = touchpoints(&h.ctx, id);
    for _ in 0..2 {
        let g = post(app, &format!("/applications/{id}/done"), &fields).await;
        assert_eq!(g.status, StatusCode::SEE_OTHER, "{}", g.body);
        assert_eq!(g.location, "/");
    }
    assert_eq!(touchpoints(&h.ctx, id), before + 1);

    // The Settings zone field lists zones, as the New form does.
    let settings = page(app, "/settings", None).await.body;
    assert!(settings.contains("name=\"tz\"") && settings.contains("list=\"zones\""));
    assert!(settings.contains("<option value=\"Europe/London\">"));
}

#[tokio::test]
async fn the_calendar_downloads_are_the_exports() {
    let h = home(None, common::NOW);
    let (app, id) = (&h.app, h.id);
    let full = h.ctx.store().unwrap().application(id).unwrap();
    let one = page(app, &format!("/applications/{id}/export.ics"), None).await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(
        one.body,
        followup_app::ics::calendar(&h.ctx, &[full]).unwrap()
    );
    assert!(one.body.starts_with("BEGIN:VCALENDAR"));
    let all = page(app, "/export.ics", None).await;
    assert_eq!(all.status, StatusCode::OK);
    let apps = h.ctx.store().unwrap().applications(true).unwrap();
    assert_eq!(
        all.body,
        followup_app::ics::calendar(&h.ctx, &apps).unwrap()
    );
    let p = page(app, &format!("/applications/{id}"), None).await.body;
    assert!(p.contains(&format!("/applications/{id}/export.ics")) && p.contains("/export.ics"));
}
