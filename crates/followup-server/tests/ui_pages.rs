//! The pages as a user reads them: Today's lines, groups, filter and paging; the
//! board; the New form's errors, all at once beside their fields.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use followup_app::track::{AddInput, RoundInput};
use followup_app::Ctx;

use common::send;

struct Home {
    _dir: tempfile::TempDir,
    ctx: Ctx,
    app: Router,
}

fn home() -> Home {
    let dir = tempfile::tempdir().unwrap();
    let ctx = common::ctx(&dir.path().join("f.sqlite"));
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
    }
}

fn add(ctx: &Ctx, company: &str, at: &str, who: &[&str]) -> i64 {
    add_in(ctx, company, at, who, None)
}

fn add_in(ctx: &Ctx, company: &str, at: &str, who: &[&str], tz: Option<&str>) -> i64 {
    followup_app::track::add(
        ctx,
        &AddInput {
            company: company.into(),
            role: "Engineer".into(),
            round: RoundInput {
                at: at.into(),
                tz: tz.map(str::to_string),
                duration: "1h".into(),
                interviewer: who.iter().map(|w| w.to_string()).collect(),
                ..RoundInput::default()
            },
            ..AddInput::default()
        },
    )
    .unwrap()
}

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

fn csrf_of(page: &str) -> String {
    let i = page.find("name=\"csrf\" value=\"").unwrap() + 19;
    page[i..i + 64].to_string()
}

/// The items of Today's page: each `<li class="item ...">` to its `</li>`.
fn items(p: &str) -> Vec<&str> {
    p.split("<li class=\"item ")
        .skip(1)
        .map(|r| &r[..r.find("\n</li>").unwrap()])
        .collect()
}

/// The text between `<p class="line">` and `</p>` of an item.
fn line(item: &str) -> &str {
    let s = &item[item.find("<p class=\"line\">").unwrap()..];
    &s[..s.find("</p>").unwrap()]
}

/// A store with a follow-up long overdue (September), two overdue for a few weeks
/// (October, November), a thank-you due now (Dec 1, yesterday), one opening tomorrow
/// (Dec 3), one with nobody named and one in London.
fn mixed(h: &Home) -> [i64; 5] {
    add(&h.ctx, "Earlier Co", "2026-10-28 10:00", &["Eve Earlier"]);
    add_in(
        &h.ctx,
        "London Ltd",
        "2026-12-01 10:00",
        &["Lou London"],
        Some("Europe/London"),
    );
    [
        add(&h.ctx, "Old Co", "2026-09-01 10:00", &["Olga Old"]),
        add(&h.ctx, "Recent Co", "2026-11-01 10:00", &["Rita Recent"]),
        add(&h.ctx, "Smith & Sons", "2026-12-01 10:00", &["Ann Smith"]),
        add(&h.ctx, "Future Co", "2026-12-03 10:00", &["Fay Future"]),
        add(&h.ctx, "Nameless", "2026-12-01 11:00", &[]),
    ]
}

/// The text of some HTML, without its tags.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn today_has_one_line_per_item_with_reasons_folded_away() {
    let h = home();
    mixed(&h);
    let p = page(&h.app, "/").await;
    let (_, _, json) = send(
        &h.app,
        Request::get("/api/agenda").body(Body::empty()).unwrap(),
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    // The API keeps its keys.
    for k in ["overdue", "today", "this_week"] {
        assert!(v[k].is_array(), "{k}: {json}");
    }
    let api: Vec<&serde_json::Value> = ["overdue", "today", "this_week"]
        .iter()
        .flat_map(|k| v[k].as_array().unwrap())
        .collect();
    let all = items(&p);
    assert_eq!(all.len(), api.len(), "one line per item:\n{p}");
    for item in &all {
        let l = line(item);
        let words = text(l);
        assert!(
            !words.split_whitespace().any(|w| w.len() <= 3
                && w.starts_with(['T', 'M'])
                && w[1..].chars().all(|c| c.is_ascii_digit())),
            "no rule id in the line: {words}"
        );
        // The line says who, what and when; no rule ids, no weights.
        assert!(l.contains("class=\"who\"") && l.contains("<time"), "{l}");
        assert!(!l.contains("×") && !l.contains("Rules"), "{l}");
        let why = &item[item.find("<details class=\"why\">").expect(item)..];
        assert!(why.contains("<summary>why</summary>"), "{why}");
        assert!(why.contains("Rules: <code>"), "{why}");
    }
    for a in &api {
        for r in a["rules"].as_array().unwrap() {
            let r = r.as_str().unwrap();
            assert!(
                all.iter().any(|i| i.contains(&format!("<code>{r}</code>"))),
                "{r} is in a why, not in a line"
            );
        }
    }
    // The line reads the time on the user's clock, and on the recipient's when it differs.
    let smith = all.iter().find(|i| i.contains("Smith &#38; Sons")).unwrap();
    assert!(line(smith).contains("Thank-you to Ann Smith"), "{smith}");
    assert!(text(line(smith)).contains("send by today 11:00"), "{smith}");
    // London: 10:00 there is 05:00 in New York; the line gives both clocks.
    let london = all
        .iter()
        .find(|i| i.contains(">London Ltd<") && i.contains("Thank-you"))
        .unwrap();
    assert!(text(line(london)).contains("GMT for them"), "{london}");
    // Nobody named: the words the command line uses.
    let nameless = all.iter().find(|i| i.contains(">Nameless<")).unwrap();
    assert!(
        line(nameless).contains("to your interviewers (no names yet"),
        "{nameless}"
    );
    assert!(
        !nameless.contains("name=\"to\""),
        "the sent form names nobody"
    );
}

#[tokio::test]
async fn today_groups_follow_the_window_overdue_oldest_first_old_ones_folded() {
    let h = home();
    mixed(&h);
    let p = page(&h.app, "/").await;
    let order = ["overdue", "due_now", "opens_today", "tomorrow", "this_week"];
    let at: Vec<usize> = order
        .iter()
        .filter_map(|g| p.find(&format!("<section class=\"group {g}\"")))
        .collect();
    assert!(at.len() >= 3, "{p}");
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "groups in order: {at:?}"
    );
    assert!(
        p.contains("id=\"h-tomorrow\""),
        "Future Co opens tomorrow: {p}"
    );
    // Overdue: the times never go back.
    let overdue = p
        .split("<section class=\"group overdue\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    let (recent, folded) = overdue.split_once("<details class=\"folded\">").unwrap();
    let times = |s: &str| -> Vec<jiff::Timestamp> {
        s.split("<time datetime=\"")
            .skip(1)
            .map(|r| r.split('"').next().unwrap().parse().unwrap())
            .collect()
    };
    let t = times(recent);
    assert!(!t.is_empty(), "{recent}");
    assert!(t.windows(2).all(|w| w[0] <= w[1]), "oldest first: {t:?}");
    assert!(
        recent.contains("Recent Co") && recent.contains("Earlier Co") && !recent.contains("Old Co"),
        "{recent}"
    );
    assert!(
        recent.find("Earlier Co").unwrap() < recent.find("Recent Co").unwrap(),
        "{recent}"
    );
    // Past 30 days: folded, with a count.
    assert!(folded.contains("older overdue"), "{folded}");
    assert!(folded.contains("Old Co"), "{folded}");
    assert!(folded.contains("days late"), "{folded}");
}

#[tokio::test]
async fn today_filters_by_company_and_kind() {
    let h = home();
    mixed(&h);
    let p = page(&h.app, "/?company=smith").await;
    let all = items(&p);
    assert!(!all.is_empty(), "{p}");
    assert!(all.iter().all(|i| i.contains("Smith &#38; Sons")), "{p}");
    assert!(p.contains("name=\"company\" value=\"smith\""), "kept: {p}");
    let p = page(&h.app, "/?kind=thank_you").await;
    let all = items(&p);
    assert!(all.len() >= 3, "{p}");
    assert!(all.iter().all(|i| line(i).contains("Thank-you")), "{p}");
    let p = page(&h.app, "/?company=nobody-at-all").await;
    assert!(items(&p).is_empty() && p.contains("Nothing matches"), "{p}");
}

#[tokio::test]
async fn today_pages_fifty_lines_at_a_time() {
    let h = home();
    for n in 0..60 {
        add(
            &h.ctx,
            &format!("Co {n:02}"),
            "2026-12-01 10:00",
            &[&format!("Person {n:02}")],
        );
    }
    // 60 thank-yous (and 60 follow-ups).
    let first = page(&h.app, "/?kind=thank_you").await;
    assert_eq!(items(&first).len(), 50, "{first}");
    assert!(first.contains("Page 1 of 2"), "{first}");
    let next = "href=\"/?kind=thank_you&#38;page=2\"";
    assert!(first.contains(next), "the filter carries over: {first}");
    let second = page(&h.app, "/?kind=thank_you&page=2").await;
    assert_eq!(items(&second).len(), 10);
    assert!(second.contains("Page 2 of 2"), "{second}");
    let one = |p: &str| items(p).iter().map(|i| text(line(i))).collect::<Vec<_>>();
    let (a, b) = (one(&first), one(&second));
    assert!(a.iter().all(|l| !b.contains(l)), "no line on both pages");
    let all = page(&h.app, "/").await;
    assert!(all.contains("Page 1 of 3"), "{all}");
    // Past the end: the last page.
    let far = page(&h.app, "/?page=99").await;
    assert!(far.contains("Page 3 of 3"), "{far}");
}

#[tokio::test]
async fn a_line_records_when_it_was_sent() {
    let h = home();
    let [_, _, smith, _, _] = mixed(&h);
    let p = page(&h.app, "/").await;
    assert!(p.contains("type=\"datetime-local\" name=\"at\""), "{p}");
    assert!(p.contains("name=\"idem\""), "{p}");
    assert!(
        p.contains(&format!("action=\"/applications/{smith}/outcome\""))
            && p.contains("name=\"outcome\" value=\"no-response\""),
        "{p}"
    );
    let token = csrf_of(&p);
    let (s, _, b) = send(
        &h.app,
        form(
            &format!("/applications/{smith}/done"),
            &[
                ("csrf", &token),
                ("kind", "thank-you"),
                ("to", "Ann Smith"),
                ("at", "2026-12-01T16:30"),
                ("idem", "k1"),
            ],
        ),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
    let full = h.ctx.store().unwrap().application(smith).unwrap();
    let t = full.touchpoints.last().unwrap();
    // 16:30 in New York.
    assert_eq!(t.at, "2026-12-01T21:30:00Z".parse().unwrap());
}

#[tokio::test]
async fn the_new_form_shows_every_error_at_once_beside_its_field() {
    let h = home();
    let blank = page(&h.app, "/new").await;
    // Pickers, lists and three person rows without script.
    assert!(blank.contains("name=\"date\" type=\"date\""), "{blank}");
    assert!(blank.contains("name=\"time\" type=\"time\""), "{blank}");
    assert!(blank.contains("list=\"zones\"") && blank.contains("<option value=\"Europe/London\">"));
    assert_eq!(blank.matches("name=\"person_name\"").count(), 3);
    for select in ["round", "company_type", "seniority"] {
        assert!(
            blank.contains(&format!("<select id=\"f-{select}\" name=\"{select}\"")),
            "{select}"
        );
    }
    for area in ["topics", "strengths", "gaps", "questions"] {
        assert!(
            blank.contains(&format!("<textarea id=\"f-{area}\"")),
            "{area}"
        );
    }
    let token = csrf_of(&blank);
    let typed = [
        ("csrf", token.as_str()),
        ("company", ""),
        ("role", "Data <lead>"),
        ("date", "2026-13-45"),
        ("time", "25:99"),
        ("tz", "Mars/Olympus"),
        ("duration", "a while"),
        ("person_name", "Ann Ames"),
        ("person_email", "ann-at-example"),
        ("person_role", "interviewer"),
        ("person_name", ""),
        ("person_email", "bob@example.com"),
        ("person_role", "recruiter"),
        ("topics", "Rust\nSQLite"),
        ("link", "javascript:alert(1)"),
        ("recipient_tz", "Nowhere/Land"),
    ];
    let (s, _, p) = send(&h.app, form("/new", &typed)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{p}");
    // Every error, each beside its field, none in parser words.
    for field in [
        "company",
        "date",
        "time",
        "tz",
        "duration",
        "person0",
        "person1",
        "link",
        "recipient_tz",
    ] {
        let e = p
            .split(&format!("<p class=\"err\" id=\"e-{field}\""))
            .nth(1)
            .unwrap_or_else(|| panic!("no error beside {field}: {p}"));
        let e = &e[..e.find("</p>").unwrap()];
        assert!(
            !e.contains("--") && !e.contains("failed to parse"),
            "{field}: {e}"
        );
    }
    assert!(
        p.contains("aria-invalid=\"true\" aria-describedby=\"e-company\""),
        "{p}"
    );
    assert!(p.contains("9 things to fix"), "{p}");
    // What was typed is kept.
    assert!(
        p.contains("value=\"Data &#60;lead&#62;\"") || p.contains("value=\"Data &lt;lead&gt;\"")
    );
    assert!(p.contains("value=\"Ann Ames\"") && p.contains("value=\"bob@example.com\""));
    assert!(p.contains(">Rust\nSQLite</textarea>"), "{p}");
    assert!(p.contains("<option value=\"recruiter\" selected>"), "{p}");
    // Fixed: added, with its people, notes and a recruiter as a contact.
    let good = [
        ("csrf", token.as_str()),
        ("company", "Zeta"),
        ("role", "Data lead"),
        ("date", "2026-12-01"),
        ("time", "14:30"),
        ("tz", "Europe/London"),
        ("duration", "45m"),
        ("round", "technical"),
        ("company_type", "startup"),
        ("seniority", "senior"),
        ("person_name", "Ann Ames"),
        ("person_email", "ann@zeta.io"),
        ("person_role", "interviewer"),
        ("person_name", "Bob Burr"),
        ("person_email", "bob@zeta.io"),
        ("person_role", "recruiter"),
        ("person_name", ""),
        ("person_email", ""),
        ("person_role", "interviewer"),
        ("topics", "Rust\nSQLite"),
        ("strengths", "Pipelines"),
        ("link", "https://zeta.io/jobs/1"),
        ("region", "GB"),
        ("recipient_tz", "Europe/London"),
    ];
    let (s, _, b) = send(&h.app, form("/new", &good)).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{b}");
    let all = h.ctx.store().unwrap().applications(true).unwrap();
    let z = all
        .iter()
        .find(|a| a.application.company == "Zeta")
        .unwrap();
    let i = &z.interviews[0];
    assert_eq!(i.start, "2026-12-01T14:30:00Z".parse().unwrap());
    assert_eq!(i.interviewer_ids.len(), 1);
    assert_eq!(z.contacts.len(), 2, "{:?}", z.contacts);
    assert!(z
        .contacts
        .iter()
        .any(|c| c.name == "Bob Burr" && c.role.as_str() == "recruiter"));
    assert_eq!(
        z.application.link.as_deref(),
        Some("https://zeta.io/jobs/1")
    );
}

#[tokio::test]
async fn stats_count_only_interviews_that_happened() {
    let h = home();
    let past = add(&h.ctx, "Past", "2026-11-20 10:00", &[]);
    add(&h.ctx, "Coming", "2026-12-10 10:00", &[]);
    let cancelled = add(&h.ctx, "Cancelled", "2026-11-21 10:00", &[]);
    let mut store = h.ctx.store().unwrap();
    let first = store.application(cancelled).unwrap().interviews[0].id;
    let patch = followup_store::InterviewPatch {
        cancelled: Some(true),
        ..Default::default()
    };
    store.update_interview(first, &patch).unwrap();
    drop(store);
    let _ = past;
    let p = page(&h.app, "/stats").await;
    assert!(p.contains("(0 of 1 interviewed)"), "{p}");
}

#[tokio::test]
async fn the_board_shows_next_steps_and_finds_people() {
    let h = home();
    mixed(&h);
    let p = page(&h.app, "/pipeline").await;
    let cols: Vec<usize> = ["interviewing", "waiting", "offer", "closed"]
        .iter()
        .map(|c| {
            p.find(&format!(">{c} <span class=\"count\">"))
                .unwrap_or_else(|| panic!("{c}: {p}"))
        })
        .collect();
    assert!(cols.windows(2).all(|w| w[0] < w[1]), "{cols:?}");
    let card = |p: &str, company: &str| -> String {
        let at = p
            .find(&format!(">{company}</a>"))
            .unwrap_or_else(|| panic!("{company}: {p}"));
        let rest = &p[at..];
        rest[..rest.find("</li>").unwrap()].to_string()
    };
    // The next step and its date, and a menu that records the outcome without script.
    let smith = card(&p, "Smith &#38; Sons");
    assert!(
        smith.contains("Thank-you <time>by today 11:00</time>"),
        "{smith}"
    );
    assert!(
        smith.contains("action=\"/applications/3/outcome\"") || smith.contains("/outcome\""),
        "{smith}"
    );
    assert!(smith.contains("<option value=\"no-response\">"), "{smith}");
    let old = card(&p, "Old Co");
    assert!(old.contains("class=\"next overdue\""), "{old}");
    assert!(!p.contains("interview(s)"), "{p}");
    // Search: by a person's name, by role.
    let p = page(&h.app, "/pipeline?q=fay").await;
    assert!(
        p.contains(">Future Co</a>") && !p.contains(">Old Co</a>"),
        "{p}"
    );
    assert!(p.contains("1 matching"), "{p}");
    let p = page(&h.app, "/pipeline?q=engineer").await;
    assert!(p.contains(">Old Co</a>") && p.contains(">Future Co</a>"));
}
