//! In-process tests of the HTML pages (tower `oneshot`): links that carry names, the
//! draft's mail forms, the New-interview form, local times, the timeline and stats.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use followup_app::track::{AddInput, RoundInput};
use followup_app::Ctx;
use followup_store::{NewTouchpoint, TouchpointKind};

const ANN: &str = "Ann & Bob+Co #1";

struct Home {
    _dir: tempfile::TempDir,
    ctx: Ctx,
    app: Router,
}

fn round(at: &str, who: &[&str]) -> RoundInput {
    RoundInput {
        at: at.into(),
        duration: "1h".into(),
        interviewer: who.iter().map(|w| w.to_string()).collect(),
        decision: Some("within a week".into()),
        ..RoundInput::default()
    }
}

/// A store with "Smith & Sons" (interview Tue Dec 1 10:00 New York, two interviewers),
/// a profile, and the clock at Wed Dec 2 10:00 New York.
fn home() -> (Home, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("f.sqlite");
    let ctx = common::ctx(&db);
    let id = add(
        &ctx,
        "Smith & Sons",
        round(
            "2026-12-01 10:00",
            &[
                &format!("{ANN} <ann@smith.co.uk>"),
                "Carl Diaz <carl@smith.co.uk>",
            ],
        ),
        None,
    );
    let mut store = ctx.store().unwrap();
    store
        .set_profile(&followup_store::Profile {
            name: "Sam Lee".into(),
            email: "sam@example.com".into(),
            phone: Some("+1 555 0100".into()),
        })
        .unwrap();
    drop(store);
    let app = common::router(&ctx, None);
    (
        Home {
            _dir: dir,
            ctx,
            app,
        },
        id,
    )
}

fn add(ctx: &Ctx, company: &str, round: RoundInput, link: Option<&str>) -> i64 {
    followup_app::track::add(
        ctx,
        &AddInput {
            company: company.into(),
            role: "Engineer".into(),
            round,
            company_type: Some("startup".into()),
            link: link.map(str::to_string),
            ..AddInput::default()
        },
    )
    .unwrap()
}

use common::send;

async fn page(app: &Router, uri: &str) -> String {
    let (s, _, body) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{uri}: {body}");
    body
}

fn form(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&");
    Request::post(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// Form encoding, as a browser does it.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a browser reads from an attribute value.
fn unescape(s: &str) -> String {
    s.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&lt;", "<")
        .replace("&#62;", ">")
        .replace("&gt;", ">")
}

/// Every `href` of the page that contains `part`, as the browser requests it.
fn hrefs(page: &str, part: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(unescape)
        .filter(|h| h.contains(part))
        .collect()
}

fn csrf_of(page: &str) -> String {
    let i = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[i..i + 64].to_string()
}

fn escaped(s: &str) -> String {
    s.replace('&', "&#38;")
}

#[tokio::test]
async fn draft_links_work_for_names_with_reserved_characters() {
    let (h, id) = home();
    for from in ["/".to_string(), format!("/applications/{id}")] {
        let p = page(&h.app, &from).await;
        let links = hrefs(&p, "/draft?");
        let mut people = Vec::new();
        for link in &links {
            assert!(
                !link.contains(' ') && !link.contains('#'),
                "{from}: not encoded: {link}"
            );
            let draft = page(&h.app, link).await;
            let to = draft
                .split("name=\"to\" value=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .map(unescape)
                .unwrap();
            assert!(draft.contains(&format!("to {}", escaped(&to))), "{draft}");
            people.push(to);
        }
        assert!(people.iter().any(|p| p == ANN), "{from}: {links:?}");
        assert!(people.iter().any(|p| p == "Carl Diaz"), "{from}: {links:?}");
    }
}

#[tokio::test]
async fn the_eml_download_posts_the_edited_text() {
    let (h, id) = home();
    let link = format!(
        "/applications/{id}/draft?kind=thank-you&to={}",
        "Ann%20%26%20Bob%2BCo%20%231"
    );
    let draft = page(&h.app, &link).await;
    // The form posts the text as edited, for Ann, with the token.
    assert!(draft.contains(&format!(
        "<form method=\"post\" action=\"/applications/{id}/draft.eml\""
    )));
    assert!(draft.contains("<textarea id=\"text\" name=\"text\""));
    assert!(
        draft.contains("data-address=\"ann@smith.co.uk\""),
        "{draft}"
    );
    let mailto = hrefs(&draft, "mailto:");
    assert_eq!(mailto.len(), 1, "{mailto:?}");
    assert!(
        mailto[0].starts_with("mailto:ann@smith.co.uk?subject=Thank%20you"),
        "{mailto:?}"
    );
    let token = csrf_of(&draft);
    let edited = "Subject: A subject I wrote\r\n\r\nDear Ann,\r\n\r\nMy own words & more.\r\n";
    let (s, ct, eml) = send(
        &h.app,
        form(
            &format!("/applications/{id}/draft.eml"),
            &[
                ("csrf", &token),
                ("kind", "thank-you"),
                ("to", ANN),
                ("text", edited),
            ],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{eml}");
    assert_eq!(ct, "message/rfc822");
    assert!(eml.contains("Subject: A subject I wrote"), "{eml}");
    assert!(eml.contains("My own words & more."), "{eml}");
    assert!(eml.contains("ann@smith.co.uk"), "{eml}");
    assert!(
        !eml.contains("Thank you for the Engineer interview"),
        "{eml}"
    );
    // Without the page's token: refused.
    let (s, _, _) = send(
        &h.app,
        form(
            &format!("/applications/{id}/draft.eml"),
            &[("csrf", "x"), ("kind", "thank-you"), ("text", edited)],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn non_email_kinds_get_no_eml_or_mailto() {
    let (h, id) = home();
    let p = page(
        &h.app,
        &format!("/applications/{id}/draft?kind=phone-script&to=Carl%20Diaz"),
    )
    .await;
    assert!(p.contains("<textarea"), "{p}");
    assert!(
        !p.contains("mailto:") && !p.contains("Download .eml"),
        "{p}"
    );
    assert!(p.contains("is not an email"), "{p}");
    let (s, _, body) = send(
        &h.app,
        Request::get(format!(
            "/applications/{id}/draft.eml?kind=phone-script&to=Carl%20Diaz"
        ))
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("a phone-script is not an email"), "{body}");
    let token = csrf_of(&p);
    let (s, _, body) = send(
        &h.app,
        form(
            &format!("/applications/{id}/draft.eml"),
            &[("csrf", &token), ("kind", "voicemail"), ("text", "Hi")],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(body.contains("a voicemail is not an email"), "{body}");
}

#[tokio::test]
async fn only_web_addresses_become_links() {
    let (h, _) = home();
    let bad = add(
        &h.ctx,
        "Evil",
        round("2026-12-01 11:00", &[]),
        Some("javascript:alert(3)"),
    );
    let good = add(
        &h.ctx,
        "Good",
        round("2026-12-01 12:00", &[]),
        Some("https://jobs.example.com/1?a=b&c=d"),
    );
    let p = page(&h.app, &format!("/applications/{bad}")).await;
    assert!(!p.contains("href=\"javascript"), "{p}");
    assert!(p.contains("javascript:alert(3)"), "shown as text: {p}");
    let p = page(&h.app, &format!("/applications/{good}")).await;
    assert_eq!(
        hrefs(&p, "jobs.example.com"),
        ["https://jobs.example.com/1?a=b&c=d"]
    );
}

#[tokio::test]
async fn a_refused_new_interview_keeps_what_was_typed() {
    let (h, _) = home();
    let blank = page(&h.app, "/new").await;
    // The configured zone is the default.
    assert!(
        blank.contains("id=\"f-tz\" name=\"tz\" type=\"text\" value=\"America/New_York\""),
        "{blank}"
    );
    let token = csrf_of(&blank);
    let typed = [
        ("csrf", token.as_str()),
        ("company", "Gamma & Co"),
        ("role", "QA <lead>"),
        ("date", "2026-12-03"),
        ("time", "09:00"),
        ("tz", "America/Chicagoo"),
        ("duration", "45m"),
        ("decision", "by Friday"),
        ("region", "US-NY"),
    ];
    let (s, _, p) = send(&h.app, form("/new", &typed)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
    for (name, value) in &typed[1..] {
        let want = format!("name=\"{name}\"");
        let at = p.find(&want).unwrap_or_else(|| panic!("{name}: {p}"));
        let shown = p[at..]
            .split("value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(unescape)
            .unwrap();
        assert_eq!(&shown, value, "{name}");
    }
    let error = p
        .split("id=\"e-tz\"")
        .nth(1)
        .and_then(|r| r.split("</p>").next())
        .unwrap();
    assert!(error.contains("America/Chicagoo"), "{error}");
    assert!(!error.contains("--"), "{error}");
    // A bad duration, in the form's words.
    let mut typed = typed;
    typed[5].1 = "America/Chicago";
    typed[6].1 = "forever";
    let (s, _, p) = send(&h.app, form("/new", &typed)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let error = p
        .split("id=\"e-duration\"")
        .nth(1)
        .and_then(|r| r.split("</p>").next())
        .unwrap();
    assert!(
        error.contains("“forever” is not a length of time") && !p.contains("--duration"),
        "{p}"
    );
    // An empty zone: the configured one.
    let (s, _, _) = send(
        &h.app,
        form(
            "/new",
            &[
                ("csrf", &token),
                ("company", "Delta"),
                ("role", "Dev"),
                ("date", "2026-12-03"),
                ("time", "09:00"),
                ("tz", ""),
            ],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let all = h.ctx.store().unwrap().applications(true).unwrap();
    let delta = all
        .iter()
        .find(|a| a.application.company == "Delta")
        .unwrap();
    assert_eq!(delta.interviews[0].tz, "America/New_York");
}

#[tokio::test]
async fn the_application_page_shows_local_times_and_recipients() {
    let (h, id) = home();
    let p = page(&h.app, "/").await;
    let token = csrf_of(&p);
    let (s, _, _) = send(
        &h.app,
        form(
            &format!("/applications/{id}/done"),
            &[("csrf", &token), ("kind", "thank-you"), ("to", ANN)],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let p = page(&h.app, &format!("/applications/{id}")).await;
    let section = |id: &str| {
        p.split(&format!("<ul id=\"{id}\">"))
            .nth(1)
            .and_then(|r| r.split("</ul>").next())
            .unwrap()
            .to_string()
    };
    let interviews = section("interviews");
    assert!(interviews.contains("Tue Dec 1, 10:00 EST"), "{interviews}");
    assert!(
        interviews.contains(&format!("with {}, Carl Diaz", escaped(ANN))),
        "{interviews}"
    );
    let history = section("history");
    assert!(
        history.contains(&format!(
            "Wed Dec 2, 10:00 EST thank-you — {}",
            escaped(ANN)
        )),
        "{history}"
    );
    // (Form fields hold machine times, "2026-12-01T10:00", for datetime-local inputs.)
    let shown: String = p
        .split("value=\"")
        .enumerate()
        .map(|(n, part)| match (n, part.split_once('"')) {
            (0, _) | (_, None) => part,
            (_, Some((_, rest))) => rest,
        })
        .collect();
    assert!(!shown.contains("2026-12-01T"), "no raw times: {p}");
    // The contacts' addresses are mail links.
    let mails = hrefs(&p, "mailto:");
    assert!(
        mails.contains(&"mailto:ann@smith.co.uk".to_string())
            && mails.contains(&"mailto:carl@smith.co.uk".to_string()),
        "{mails:?}"
    );
}

/// The texts of the timeline's day labels.
fn day_labels(p: &str) -> Vec<String> {
    p.split("<text class=\"day\"")
        .skip(1)
        .filter_map(|r| r.split('>').nth(1))
        .filter_map(|r| r.split('<').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn the_timeline_has_a_day_axis_and_shows_today() {
    let (h, id) = home();
    // Interview Tue Dec 1, today Wed Dec 2: the picture starts the day before.
    let p = page(&h.app, &format!("/applications/{id}")).await;
    let labels = day_labels(&p);
    assert_eq!(labels.first().map(String::as_str), Some("Nov 30"), "{p}");
    assert!(labels.len() >= 5, "{labels:?}");
    assert!(
        labels.iter().any(|l| l.starts_with("Dec "))
            && labels
                .iter()
                .any(|l| l.starts_with("Wed ") || l.starts_with("Thu ")),
        "{labels:?}"
    );
    assert!(p.contains("class=\"now\""), "{p}");
    assert!(p.contains("class=\"grid\""), "{p}");

    // Ten days ahead: the picture widens back to today.
    let soon = add(
        &h.ctx,
        "Soon",
        round("2026-12-12 10:00", &["Pat Roe <pat@soon.io>"]),
        None,
    );
    let p = page(&h.app, &format!("/applications/{soon}")).await;
    assert!(p.contains("class=\"now\""), "{p}");
    assert_eq!(
        day_labels(&p).first().map(String::as_str),
        Some("Dec 2"),
        "{p}"
    );
    assert!(!p.contains("today-note"), "{p}");

    // Months ahead: a note points back to today instead.
    let later = add(
        &h.ctx,
        "Later",
        round("2027-03-02 10:00", &["Lee Park <lee@later.io>"]),
        None,
    );
    let p = page(&h.app, &format!("/applications/{later}")).await;
    assert!(!p.contains("class=\"now\""), "{p}");
    assert!(p.contains("← today: Wed Dec 2"), "{p}");
    assert!(
        day_labels(&p)
            .first()
            .is_some_and(|l| l.starts_with("Mar ")),
        "{p}"
    );
}

#[tokio::test]
async fn stats_show_time_to_first_reply_by_company_type() {
    let (h, id) = home();
    let other = add(&h.ctx, "Beta", round("2026-11-02 10:00", &[]), None);
    let agency = followup_app::track::add(
        &h.ctx,
        &AddInput {
            company: "Hire Co".into(),
            role: "Engineer".into(),
            round: round("2026-11-02 10:00", &[]),
            company_type: Some("agency".into()),
            ..AddInput::default()
        },
    )
    .unwrap();
    let mut store = h.ctx.store().unwrap();
    for (app, at) in [
        // Two days after Dec 1 15:00Z, five days after Nov 2 15:00Z, one day after.
        (id, "2026-12-03T15:00:00Z"),
        (other, "2026-11-07T15:00:00Z"),
        (agency, "2026-11-03T15:00:00Z"),
    ] {
        let t = NewTouchpoint::new(TouchpointKind::Reply, at.parse().unwrap());
        store.add_touchpoint(app, &t).unwrap();
    }
    drop(store);
    let p = page(&h.app, "/stats").await;
    // Overall: 1, 2, 5 days.
    assert!(
        p.contains("median time to first reply: <strong>2.0 days</strong>"),
        "{p}"
    );
    let table = p.split("<table id=\"by-type\">").nth(1).unwrap();
    let row = |kind: &str| {
        table
            .split("<tr>")
            .find(|r| r.starts_with(&format!("<td>{kind}</td>")))
            .unwrap_or_else(|| panic!("{kind}: {table}"))
            .to_string()
    };
    // Startups: 2 and 5 days, the median of an even count is their mean.
    assert!(row("startup").contains("<td>3.5 days</td>"), "{table}");
    assert!(row("startup").contains("<td>100%</td>"), "{table}");
    assert!(row("agency").contains("<td>1.0 days</td>"), "{table}");
    assert!(
        p.contains("reply in 3.5 days"),
        "the chart says it too: {p}"
    );
    // The API gives the same figure.
    let (_, _, json) = send(
        &h.app,
        Request::get("/api/stats").body(Body::empty()).unwrap(),
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let startup = v["by_company_type"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["company_type"] == "startup")
        .unwrap();
    assert_eq!(startup["median_days_to_reply"], 3.5, "{json}");
}

#[test]
fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
    use followup_server::views::median;
    assert_eq!(median(&mut []), None);
    assert_eq!(median(&mut [3.0]), Some(3.0));
    assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(median(&mut [5.0, 1.0, 9.0]), Some(5.0));
}
