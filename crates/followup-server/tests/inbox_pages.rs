//! The inbox in the web app, over HTTP: proposals stored through followup-store's
//! mail API, shown on the Inbox page and counted on Today, accepted and dismissed by
//! the page's forms and by the JSON API; the application's record changes once.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use followup_app::track::{AddInput, RoundInput};
use followup_app::Ctx;
use followup_store::NewMailProposal;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

struct Home {
    _dir: tempfile::TempDir,
    ctx: Ctx,
    app: Router,
    id: i64,
    /// The proposals: Jane's decision (high), Raj's reply (low), the thank-you sent
    /// to Jane (high).
    ids: Vec<i64>,
}

/// Acme, interviewed by Jane and Raj the day before the clock, and three proposals
/// read from the mailbox.
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
    let full = ctx.store().unwrap().application(id).unwrap();
    let contact = |name: &str| full.contacts.iter().find(|c| c.name == name).map(|c| c.id);
    let base = NewMailProposal {
        application_id: id,
        folder: "INBOX".into(),
        ..NewMailProposal::default()
    };
    let inbox = vec![
        NewMailProposal {
            message_id: "decision-1@acme.com".into(),
            contact_id: contact("Jane Doe"),
            kind: "decision".into(),
            sender: "Jane Doe <jane@acme.com>".into(),
            subject: "Re: Thank you".into(),
            date: Some("2026-12-01T20:30:00Z".parse().unwrap()),
            evidence: Some("We plan to reach a decision within two weeks.".into()),
            decision: Some("within two weeks".into()),
            confidence: "high".into(),
            ..base.clone()
        },
        NewMailProposal {
            message_id: "reply-1@acme.com".into(),
            contact_id: contact("Raj Patel"),
            kind: "reply".into(),
            sender: "Raj Patel <raj@acme.com>".into(),
            subject: "Re: Thanks".into(),
            date: Some("2026-12-01T21:00:00Z".parse().unwrap()),
            evidence: Some("Thanks for the note, talk soon.".into()),
            confidence: "low".into(),
            ..base.clone()
        },
    ];
    let sent = vec![NewMailProposal {
        message_id: "sent-1@example.com".into(),
        contact_id: contact("Jane Doe"),
        kind: "sent".into(),
        folder: "Sent".into(),
        sender: "Sam Lee <sam@example.com>".into(),
        subject: "Thank you".into(),
        date: Some("2026-12-01T19:00:00Z".parse().unwrap()),
        evidence: Some("Thank you for your time today.".into()),
        touchpoint: Some("thank-you".into()),
        confidence: "high".into(),
        ..base.clone()
    }];
    let mut store = ctx.store().unwrap();
    let mut ids = store.mail_record_sync("INBOX", 1, 10, &inbox).unwrap();
    ids.extend(store.mail_record_sync("Sent", 1, 3, &sent).unwrap());
    drop(store);
    assert_eq!(ids.len(), 3);
    let app = common::router(&ctx, None);
    Home {
        _dir: dir,
        ctx,
        app,
        id,
        ids,
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

async fn post(app: &Router, uri: &str, csrf: &str, idem: &str) -> Got {
    call(
        app,
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={csrf}&idem={idem}")))
            .unwrap(),
    )
    .await
}

async fn api(app: &Router, method: &str, uri: &str, key: Option<&str>) -> (StatusCode, Value) {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        b = b.header("Idempotency-Key", k);
    }
    let g = call(app, b.body(Body::empty()).unwrap()).await;
    (
        g.status,
        serde_json::from_str(&g.body).unwrap_or(Value::Null),
    )
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

async fn follow(app: &Router, g: &Got) -> String {
    assert_eq!(g.status, StatusCode::SEE_OTHER, "{}", g.body);
    assert_eq!(g.location, "/inbox");
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

/// The application's touchpoints: (kind, decision phrase).
fn touchpoints(ctx: &Ctx, id: i64) -> Vec<(String, Option<String>)> {
    ctx.store()
        .unwrap()
        .application(id)
        .unwrap()
        .touchpoints
        .iter()
        .map(|t| (t.kind.to_string(), t.decision_phrase.clone()))
        .collect()
}

fn count(ctx: &Ctx, id: i64, kind: &str) -> usize {
    touchpoints(ctx, id)
        .iter()
        .filter(|(k, _)| k == kind)
        .count()
}

#[tokio::test]
async fn the_inbox_page_accepts_and_dismisses_once_and_today_counts_what_waits() {
    let h = home();
    let (app, id) = (&h.app, h.id);
    let (decision, reply, sent) = (h.ids[0], h.ids[1], h.ids[2]);

    // Today says how many wait, with the link.
    let today = page(app, "/", None).await;
    assert_eq!(today.status, StatusCode::OK);
    assert!(
        today
            .body
            .contains("3 messages from your mailbox wait: <a href=\"/inbox\">review them</a>"),
        "{}",
        today.body
    );
    assert!(today.body.contains("href=\"/inbox\">Inbox</a>"), "the nav");

    // The page: every proposal with its evidence, decision, date on the user's clock
    // and confidence; no IMAP account, so the note instead of Sync now.
    let p = page(app, "/inbox", None).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    let body = unescape(&p.body);
    assert!(body.contains("aria-current=\"page\">Inbox"), "{body}");
    for want in [
        "Jane Doe <jane@acme.com>",
        "“Re: Thank you”",
        "<q class=\"evidence\">We plan to reach a decision within two weeks.</q>",
        "decision: within two weeks",
        "Tue Dec 1 2026, 15:30 EST",
        "high confidence",
        "low confidence",
        "Raj Patel <raj@acme.com>",
        "Accept all high-confidence (2)",
        "id=\"no-imap\"",
        "imap = \"imaps://imap.example.com:993\"",
    ] {
        assert!(body.contains(want), "{want}: {body}");
    }
    assert!(!body.contains("Sync now"));
    for pid in &h.ids {
        assert!(body.contains(&format!("action=\"/inbox/{pid}/accept\"")));
        assert!(body.contains(&format!("action=\"/inbox/{pid}/dismiss\"")));
    }
    let csrf = field(&p.body, "csrf");

    // Accept Jane's decision: the reply with its timeline is recorded, once.
    assert_eq!(count(&h.ctx, id, "reply"), 0);
    let g = post(
        app,
        &format!("/inbox/{decision}/accept"),
        &csrf,
        "k-accept-1",
    )
    .await;
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with(&format!(
            "Applied proposal {decision} (decision) to Acme: recorded #"
        )),
        "{}",
        flash(&shown)
    );
    assert!(!shown.contains(&format!("id=\"proposal-{decision}\"")));
    let replies: Vec<_> = touchpoints(&h.ctx, id)
        .into_iter()
        .filter(|(k, _)| k == "reply")
        .collect();
    assert_eq!(
        replies,
        vec![("reply".to_string(), Some("within two weeks".to_string()))]
    );
    // The same form sent again (same key): the same answer, nothing more.
    let again = post(
        app,
        &format!("/inbox/{decision}/accept"),
        &csrf,
        "k-accept-1",
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(count(&h.ctx, id, "reply"), 1);
    // Accepted a second time (another key): nothing done, and it says so.
    let g = post(
        app,
        &format!("/inbox/{decision}/accept"),
        &csrf,
        "k-accept-2",
    )
    .await;
    assert_eq!(
        flash(&follow(app, &g).await),
        format!("Proposal {decision} was accepted before: nothing done.")
    );
    assert_eq!(count(&h.ctx, id, "reply"), 1);

    // Dismiss Raj's reply: nothing recorded; twice says so; accepting it is refused.
    let g = post(
        app,
        &format!("/inbox/{reply}/dismiss"),
        &csrf,
        "k-dismiss-1",
    )
    .await;
    assert_eq!(
        flash(&follow(app, &g).await),
        format!("Dismissed proposal {reply}: its message is not proposed again.")
    );
    let g = post(
        app,
        &format!("/inbox/{reply}/dismiss"),
        &csrf,
        "k-dismiss-2",
    )
    .await;
    assert_eq!(
        flash(&follow(app, &g).await),
        format!("Proposal {reply} was dismissed before: nothing done.")
    );
    let g = post(app, &format!("/inbox/{reply}/accept"), &csrf, "k-accept-3").await;
    assert_eq!(g.status, StatusCode::CONFLICT, "{}", g.body);
    assert!(g.body.contains("was dismissed"), "{}", g.body);
    assert_eq!(count(&h.ctx, id, "reply"), 1);
    // A proposal that does not exist.
    let g = post(app, "/inbox/999/accept", &csrf, "k-accept-4").await;
    assert_eq!(g.status, StatusCode::NOT_FOUND, "{}", g.body);
    // A form without the page's token.
    let g = post(app, &format!("/inbox/{sent}/accept"), "wrong", "k-accept-5").await;
    assert_eq!(g.status, StatusCode::FORBIDDEN);

    // Accept all high-confidence: the thank-you sent to Jane is logged.
    assert_eq!(count(&h.ctx, id, "thank-you"), 0);
    let g = post(app, "/inbox/accept-high", &csrf, "k-high-1").await;
    let shown = follow(app, &g).await;
    assert!(
        flash(&shown).starts_with("Accepted 1 high-confidence proposal."),
        "{}",
        flash(&shown)
    );
    assert_eq!(count(&h.ctx, id, "thank-you"), 1);
    assert!(shown.contains("No proposals waiting."), "{shown}");
    let g = post(app, "/inbox/accept-high", &csrf, "k-high-2").await;
    assert_eq!(
        flash(&follow(app, &g).await),
        "No high-confidence proposal waits: nothing done."
    );
    assert_eq!(count(&h.ctx, id, "thank-you"), 1);

    // Nothing waits any more: Today says nothing of the mailbox.
    let today = page(app, "/", None).await;
    assert!(!today.body.contains("from your mailbox"), "{}", today.body);
}

#[tokio::test]
async fn the_inbox_page_offers_sync_now_with_an_imap_account() {
    let dir = tempfile::tempdir().unwrap();
    let mut ctx = common::ctx(&dir.path().join("f.sqlite"));
    ctx.settings.mail.imap = Some("imap://127.0.0.1:1".into());
    ctx.settings.mail.user = Some("sam".into());
    let app = common::router(&ctx, None);
    let p = page(&app, "/inbox", None).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.body.contains("action=\"/inbox/sync\""), "{}", p.body);
    assert!(p.body.contains("Sync now"));
    assert!(!p.body.contains("id=\"no-imap\""));
    assert!(p.body.contains("No proposals waiting."));
    // Today says nothing when nothing waits.
    let today = page(&app, "/", None).await;
    assert!(!today.body.contains("from your mailbox"));
}

#[tokio::test]
async fn the_inbox_api_lists_accepts_once_and_dismisses() {
    let h = home();
    let (app, id) = (&h.app, h.id);
    let (decision, reply, sent) = (h.ids[0], h.ids[1], h.ids[2]);

    let (status, v) = api(app, "GET", "/api/inbox", None).await;
    assert_eq!(status, StatusCode::OK);
    let list = v["proposals"].as_array().unwrap();
    assert_eq!(list.len(), 3, "{v}");
    // Oldest message first: the thank-you sent, then the decision, then the reply.
    assert_eq!(list[0]["id"], sent);
    assert_eq!(list[0]["touchpoint"], "thank-you");
    let d = &list[1];
    assert_eq!(d["id"], decision);
    assert_eq!(d["kind"], "decision");
    assert_eq!(d["application"], id);
    assert_eq!(d["company"], "Acme");
    assert_eq!(d["from"], "Jane Doe <jane@acme.com>");
    assert_eq!(d["date"], "2026-12-01T15:30:00-05:00");
    assert_eq!(d["message_id"], "<decision-1@acme.com>");
    assert_eq!(d["decision"], "within two weeks");
    assert_eq!(d["confidence"], "high");
    assert!(d["evidence"].as_str().unwrap().contains("within two weeks"));
    assert!(d["action"]
        .as_str()
        .unwrap()
        .starts_with(&format!("followup reply {id} --at")));
    assert_eq!(list[2]["confidence"], "low");

    // Accept: 201 with what was recorded; again: 200, nothing done.
    let (status, v) = api(app, "POST", &format!("/api/inbox/{decision}/accept"), None).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["already"], false);
    assert_eq!(v["kind"], "decision");
    assert!(v["touchpoint"].is_i64(), "{v}");
    assert_eq!(count(&h.ctx, id, "reply"), 1);
    let (status, v) = api(app, "POST", &format!("/api/inbox/{decision}/accept"), None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["already"], true);
    assert_eq!(count(&h.ctx, id, "reply"), 1);

    // With an idempotency key: the same request answers the same, once.
    let uri = format!("/api/inbox/{sent}/accept");
    let (status, first) = api(app, "POST", &uri, Some("key-sent-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, second) = api(app, "POST", &uri, Some("key-sent-1")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(first, second);
    assert_eq!(count(&h.ctx, id, "thank-you"), 1);
    let (status, _) = api(
        app,
        "POST",
        &format!("/api/inbox/{reply}/accept"),
        Some("key-sent-1"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "the same key for another request"
    );

    // Dismiss: 200; again: 200, not dismissed now; accepting it then: 409.
    let (status, v) = api(app, "POST", &format!("/api/inbox/{reply}/dismiss"), None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v, serde_json::json!({"id": reply, "dismissed": true}));
    let (status, v) = api(app, "POST", &format!("/api/inbox/{reply}/dismiss"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["dismissed"], false);
    let (status, v) = api(app, "POST", &format!("/api/inbox/{reply}/accept"), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    // An accepted one cannot be dismissed.
    let (status, v) = api(app, "POST", &format!("/api/inbox/{decision}/dismiss"), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    let (status, _) = api(app, "POST", "/api/inbox/999/accept", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = api(app, "POST", "/api/inbox/999/dismiss", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (_, v) = api(app, "GET", "/api/inbox", None).await;
    assert_eq!(v["proposals"], serde_json::json!([]));
    assert_eq!(
        touchpoints(&h.ctx, id)
            .iter()
            .filter(|(k, _)| k != "interview")
            .count(),
        2,
        "{:?}",
        touchpoints(&h.ctx, id)
    );

    // Documented.
    let (_, doc) = api(app, "GET", "/api/openapi.json", None).await;
    assert!(doc["paths"]["/api/inbox"]["get"]["responses"]["200"].is_object());
    for code in ["200", "201", "404", "409"] {
        assert!(
            doc["paths"]["/api/inbox/{id}/accept"]["post"]["responses"][code].is_object(),
            "accept {code}"
        );
    }
    for code in ["200", "404", "409"] {
        assert!(
            doc["paths"]["/api/inbox/{id}/dismiss"]["post"]["responses"][code].is_object(),
            "dismiss {code}"
        );
    }
}
