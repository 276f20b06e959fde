//! The calendar feed of `followup serve --db postgres://…`: each user's own, served
//! by any of several processes from what the database holds (no file, nothing one
//! process keeps that another needs). Against the machine's PostgreSQL (a fresh
//! database per test) and Python's `icalendar` (`pip install -r
//! scripts/requirements.txt`), which reads every calendar served; reported as ignored,
//! with the reason, where either is missing (a failure under CI=true).
//!
//! - A subscribed calendar over two processes: the feed turned on through the API on
//!   one, fetched there, a round moved on the other, fetched again on the first: the
//!   event moved under the same UID with a higher SEQUENCE, a new `ETag` and a later
//!   `Last-Modified`; while nothing changes, either process answers `304` to the tag
//!   or the date the other gave.
//! - Each user's own: another account's session sees and changes only its own feed,
//!   and an address made for one user opens nothing under another's id; a new address
//!   (from either process) kills the old one, turning the feed off kills every one, and
//!   turning it on again gives an address never given before; Settings shows the same
//!   controls as for one person; no address or MAC is stored in the database.

use std::process::{Command as Process, ExitCode};

use followup_store::pg::Pg;
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use serde_json::{json, Value};

mod common;
#[path = "common/http.rs"]
mod http;
#[path = "../../followup-store/tests/pg_db/mod.rs"]
mod pg_db;

use http::{exchange, free_port, request_as, sign_in, Server};
use pg_db::{cannot_run, Outcome, TestDb};

const NOW: &str = "2026-12-04T15:00:00Z";
const PASSWORD: &str = "correct horse battery";

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test(
            "a_calendar_subscribed_over_two_processes_follows_the_plan",
            || with_db_and_parser(follows_the_plan),
        ),
        Trial::ignorable_test("each_users_feed_is_their_own", || {
            with_db_and_parser(each_users_own)
        }),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

/// Runs `test` on a fresh database once Python's `icalendar` is known to be there, or
/// reports why it cannot run.
fn with_db_and_parser(test: fn(&TestDb) -> Result<(), Failed>) -> Outcome {
    let found = Process::new("python3")
        .args(["-c", "import icalendar"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        return cannot_run(
            "python3 with the `icalendar` package is not available (pip install -r scripts/requirements.txt)",
        );
    }
    match TestDb::new() {
        Ok(db) => test(&db).map(|()| Completion::Completed),
        Err(why) => cannot_run(&why),
    }
}

/// Reads a calendar with Python's `icalendar`: each event's UID, start (UTC), status,
/// sequence and summary.
const PARSE: &str = r#"
import sys, json, datetime, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
assert str(cal['VERSION']) == '2.0', cal['VERSION']
events = []
for ev in cal.walk('VEVENT'):
    start = ev.decoded('DTSTART').astimezone(datetime.timezone.utc)
    events.append({'uid': str(ev['UID']), 'start': start.isoformat(),
                   'status': str(ev.get('STATUS', '')),
                   'sequence': int(ev.get('SEQUENCE', 0)),
                   'summary': str(ev['SUMMARY'])})
print(json.dumps(events))
"#;

fn parse(calendar: &str) -> Vec<Value> {
    use std::io::Write;
    let mut child = Process::new("python3")
        .args(["-c", PARSE])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(calendar.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "icalendar refused the feed: {}\n{calendar}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()
}

fn admin(home: &std::path::Path, url: &str, args: &[&str], stdin: Option<&str>) -> String {
    let mut cmd = common::bare(home);
    cmd.args(["--db", url, "admin"]).args(args);
    if let Some(text) = stdin {
        cmd.write_stdin(text.to_string());
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Two processes serving `db`, with accounts `emails` (password [`PASSWORD`]), each
/// signed in: the ports and each account's `Cookie:` header line.
fn two_servers(
    home: &std::path::Path,
    db: &TestDb,
    emails: &[&str],
) -> ([u16; 2], [Server; 2], Vec<String>) {
    for email in emails {
        admin(
            home,
            &db.url,
            &["create-user", email, "--password-stdin"],
            Some(PASSWORD),
        );
    }
    let ports = [free_port(), free_port()];
    let serve = |port| Server::start(home, &["--db", &db.url, "--now", NOW, "serve"], port);
    let servers = [serve(ports[0]), serve(ports[1])];
    let cookies = emails
        .iter()
        .map(|e| {
            let c = sign_in(ports[0], e, PASSWORD).unwrap_or_else(|| panic!("{e} cannot sign in"));
            format!("Cookie: {c}")
        })
        .collect();
    (ports, servers, cookies)
}

/// `/api/feed`'s address (`GET`: the one in force, `POST`: a new one), as its path
/// (`/feed/….ics`), or `None` while the feed is off.
fn feed(port: u16, auth: &str, method: &str) -> Option<String> {
    let (s, body) = request_as(port, method, "/api/feed", auth, "");
    let expected = if method == "POST" { 201 } else { 200 };
    assert_eq!(s, expected, "{method} /api/feed on {port}: {body}");
    let url = serde_json::from_str::<Value>(&body).unwrap()["url"]
        .as_str()
        .map(str::to_string)?;
    let prefix = format!("http://127.0.0.1:{port}");
    Some(
        url.strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{url} is not on {prefix}"))
            .to_string(),
    )
}

/// A calendar's poll: the status, the `ETag`, the `Last-Modified` and the body.
fn poll(port: u16, path: &str, header: &str) -> (u16, String, String, String) {
    let (s, headers, body) = exchange(port, "GET", path, header, "");
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    if s == 200 || s == 304 {
        assert_eq!(get("cache-control"), "private, no-cache", "{path}");
    }
    if s == 200 {
        assert_eq!(get("content-type"), "text/calendar; charset=utf-8");
    }
    (s, get("etag"), get("last-modified"), body)
}

fn event<'a>(events: &'a [Value], uid: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["uid"] == uid)
        .unwrap_or_else(|| panic!("no {uid} in {events:?}"))
}

fn follows_the_plan(db: &TestDb) -> Result<(), Failed> {
    let home = tempfile::tempdir().unwrap();
    let (ports, _servers, cookies) = two_servers(home.path(), db, &["ann@example.com"]);
    let ann = &cookies[0];

    // An interview yesterday; the thank-you to Jane is due today.
    let (s, text) = request_as(
        ports[0],
        "POST",
        "/api/applications",
        ann,
        &json!({"company": "Acme", "role": "Backend Engineer",
                "round": {"at": "2026-12-03 10:00", "tz": "America/New_York",
                          "interviewer": ["Jane Doe <jane@acme.example>"]}})
        .to_string(),
    );
    assert_eq!(s, 201, "{text}");
    let id = serde_json::from_str::<Value>(&text).unwrap()["id"]
        .as_i64()
        .unwrap();

    // Off until turned on; then the same address from either process.
    assert_eq!(feed(ports[0], ann, "GET"), None);
    let path = feed(ports[0], ann, "POST").ok_or("no address")?;
    assert_eq!(feed(ports[1], ann, "GET").as_deref(), Some(path.as_str()));

    let (s, tag, modified, cal) = poll(ports[0], &path, "");
    assert_eq!(s, 200, "{cal}");
    assert_eq!(modified, "Fri, 04 Dec 2026 15:00:00 GMT");
    let before = parse(&cal);
    let thank_you = before
        .iter()
        .find(|e| {
            e["uid"]
                .as_str()
                .is_some_and(|u| u.starts_with(&format!("followup-{id}-thank_you-")))
        })
        .ok_or_else(|| format!("no thank-you in {before:?}"))?["uid"]
        .as_str()
        .unwrap()
        .to_string();
    let follow_up = format!("followup-{id}-follow_up@followup.local");
    assert_eq!(event(&before, &thank_you)["status"], "CONFIRMED");

    // The other process serves the same calendar: the same tag and date, 304 to either.
    let (s, tag2, modified2, cal2) = poll(ports[1], &path, "");
    assert_eq!((s, &tag2, &modified2), (200, &tag, &modified));
    assert_eq!(parse(&cal2), before);
    for port in ports {
        let (s, t, m, body) = poll(port, &path, &format!("If-None-Match: {tag}"));
        assert_eq!((s, &t, &m, body.as_str()), (304, &tag, &modified, ""));
        let (s, ..) = poll(port, &path, &format!("If-Modified-Since: {modified}"));
        assert_eq!(s, 304);
    }

    // The round moves a day later, on the other process.
    let (s, text) = request_as(
        ports[1],
        "PATCH",
        &format!("/api/applications/{id}"),
        ann,
        &json!({"at": "2026-12-04 09:00"}).to_string(),
    );
    assert_eq!(s, 200, "{text}");

    // The first process serves the change: the events moved under their UIDs, with a
    // higher SEQUENCE, a new tag and a later date.
    let (s, tag3, modified3, cal3) = poll(ports[0], &path, &format!("If-None-Match: {tag}"));
    assert_eq!(s, 200, "{cal3}");
    assert_ne!(tag3, tag);
    assert_eq!(modified3, "Fri, 04 Dec 2026 15:00:01 GMT");
    let after = parse(&cal3);
    let uids = |events: &[Value]| {
        let mut u: Vec<String> = events
            .iter()
            .map(|e| e["uid"].as_str().unwrap().to_string())
            .collect();
        u.sort();
        u
    };
    assert_eq!(uids(&after), uids(&before), "the same UIDs");
    for uid in [&thank_you, &follow_up] {
        let (old, new) = (event(&before, uid), event(&after, uid));
        assert_ne!(old["start"], new["start"], "{uid} did not move");
        assert!(
            new["sequence"].as_i64() > old["sequence"].as_i64(),
            "{uid}: SEQUENCE not raised: {old} {new}"
        );
    }
    // Moved a day: the thank-you's moment too.
    assert!(
        event(&after, &thank_you)["start"].as_str() > event(&before, &thank_you)["start"].as_str()
    );

    // The second process agrees, and both answer 304 to the new tag or date; an old
    // date is older than the change.
    let (s, t, m, body) = poll(ports[1], &path, "");
    assert_eq!((s, &t, &m), (200, &tag3, &modified3));
    assert_eq!(parse(&body), after);
    for port in ports {
        let (s, ..) = poll(port, &path, &format!("If-None-Match: {tag3}"));
        assert_eq!(s, 304);
        let (s, ..) = poll(port, &path, &format!("If-Modified-Since: {modified3}"));
        assert_eq!(s, 304);
        let (s, ..) = poll(port, &path, &format!("If-Modified-Since: {modified}"));
        assert_eq!(s, 200);
    }

    // A thank-you logged (on the first process): the event is cancelled, SEQUENCE up.
    let (s, text) = request_as(
        ports[0],
        "POST",
        &format!("/api/applications/{id}/touchpoints"),
        ann,
        &json!({"kind": "thank-you", "to": "Jane"}).to_string(),
    );
    assert_eq!(s, 201, "{text}");
    let (s, tag4, _, cal4) = poll(ports[1], &path, &format!("If-None-Match: {tag3}"));
    assert_eq!(s, 200);
    assert_ne!(tag4, tag3);
    let done = parse(&cal4);
    let (old, new) = (event(&after, &thank_you), event(&done, &thank_you));
    assert_eq!(new["status"], "CANCELLED");
    assert!(new["sequence"].as_i64() > old["sequence"].as_i64());

    // Taken back (the undo of the log): the event is in force again, SEQUENCE up again.
    let tid = serde_json::from_str::<Value>(&text).unwrap()["id"]
        .as_i64()
        .unwrap();
    let (s, text) = request_as(
        ports[1],
        "DELETE",
        &format!("/api/applications/{id}/touchpoints/{tid}"),
        ann,
        "",
    );
    assert_eq!(s, 204, "{text}");
    let (s, _, _, cal5) = poll(ports[0], &path, &format!("If-None-Match: {tag4}"));
    assert_eq!(s, 200);
    let undone = parse(&cal5);
    let (old, new) = (event(&done, &thank_you), event(&undone, &thank_you));
    assert_eq!(new["status"], "CONFIRMED");
    assert!(
        new["sequence"].as_i64() > old["sequence"].as_i64(),
        "the undo did not raise the SEQUENCE: {old} {new}"
    );
    Ok(())
}

fn each_users_own(db: &TestDb) -> Result<(), Failed> {
    let home = tempfile::tempdir().unwrap();
    let (ports, _servers, cookies) =
        two_servers(home.path(), db, &["ann@example.com", "bob@example.com"]);
    let (ann, bob) = (&cookies[0], &cookies[1]);
    let (s, text) = request_as(
        ports[0],
        "POST",
        "/api/applications",
        ann,
        &json!({"company": "Acme", "role": "Backend Engineer",
                "round": {"at": "2026-12-03 10:00", "tz": "America/New_York",
                          "interviewer": ["Jane Doe <jane@acme.example>"]}})
        .to_string(),
    );
    assert_eq!(s, 201, "{text}");

    // Without an account, no feed to manage.
    let (s, _) = request_as(ports[0], "GET", "/api/feed", "X-Nothing: 1", "");
    assert_eq!(s, 401);

    let ann_feed = feed(ports[0], ann, "POST").ok_or("no address")?;
    // `/feed/USER.GENERATION.MAC.ics`
    let parts = |path: &str| -> (i64, i64, String) {
        let name = path
            .strip_prefix("/feed/")
            .and_then(|p| p.strip_suffix(".ics"))
            .unwrap_or_else(|| panic!("{path}"));
        let v: Vec<&str> = name.split('.').collect();
        assert_eq!(v.len(), 3, "{path}");
        assert_eq!(v[2].len(), 64, "{path}");
        (
            v[0].parse().unwrap(),
            v[1].parse().unwrap(),
            v[2].to_string(),
        )
    };
    let (ann_id, first_gen, ann_mac) = parts(&ann_feed);
    assert_eq!(first_gen, 1);
    let (s, _, _, cal) = poll(ports[1], &ann_feed, "");
    assert_eq!(s, 200);
    assert!(cal.contains("Acme"));

    // Bob's session sees and changes his own feed only.
    assert_eq!(feed(ports[1], bob, "GET"), None, "Bob sees Ann's feed");
    let bob_feed = feed(ports[1], bob, "POST").ok_or("no address for Bob")?;
    let (bob_id, bob_gen, bob_mac) = parts(&bob_feed);
    assert_ne!(bob_id, ann_id);
    let (s, _, _, cal) = poll(ports[0], &bob_feed, "");
    assert_eq!(s, 200);
    assert!(!cal.contains("Acme"), "Bob's feed shows Ann's plan");
    assert_eq!(poll(ports[0], &ann_feed, "").0, 200, "Bob's renewal");
    // One user's MAC opens nothing under the other's id, whatever the generation.
    for forged in [
        format!("/feed/{bob_id}.{first_gen}.{ann_mac}.ics"),
        format!("/feed/{bob_id}.{bob_gen}.{ann_mac}.ics"),
        format!("/feed/{ann_id}.{bob_gen}.{bob_mac}.ics"),
        format!("/feed/{ann_id}.{first_gen}.{}.ics", "0".repeat(64)),
        format!("/feed/{ann_id}.{first_gen}.{ann_mac}"),
        format!("/feed/{}.ics", "0".repeat(64)),
    ] {
        for port in ports {
            assert_eq!(poll(port, &forged, "").0, 404, "{forged}");
        }
    }
    let (s, _) = request_as(ports[0], "DELETE", "/api/feed", bob, "");
    assert_eq!(s, 204);
    assert_eq!(poll(ports[1], &bob_feed, "").0, 404);
    assert_eq!(
        poll(ports[1], &ann_feed, "").0,
        200,
        "Bob turned Ann's feed off"
    );
    assert_eq!(
        feed(ports[0], ann, "GET").as_deref(),
        Some(ann_feed.as_str())
    );

    // A new address from the other process: the old one is dead on both.
    let renewed = feed(ports[1], ann, "POST").ok_or("no address")?;
    assert_eq!(parts(&renewed).1, 2);
    for port in ports {
        assert_eq!(poll(port, &ann_feed, "").0, 404);
        assert_eq!(poll(port, &renewed, "").0, 200);
    }

    // Settings: the same controls as for one person, on either process.
    let settings = |port| {
        let (s, page) = request_as(port, "GET", "/settings", ann, "");
        assert_eq!(s, 200, "{page}");
        page
    };
    let page = settings(ports[0]);
    assert!(page.contains("id=\"feed\""), "{page}");
    assert!(page.contains(&format!("value=\"http://127.0.0.1:{}{renewed}\"", ports[0])));
    assert!(page.contains(">New address</button>") && page.contains(">Turn off</button>"));
    let csrf = http::form_field(&page, "csrf").unwrap();
    let form = |port, action: &str, csrf: &str| {
        let (s, headers, _) = exchange(
            port,
            "POST",
            "/settings/feed",
            &format!("{ann}\r\nContent-Type: application/x-www-form-urlencoded"),
            &format!("csrf={csrf}&action={action}"),
        );
        let location = headers
            .iter()
            .find(|(n, _)| n == "location")
            .map(|(_, v)| v.clone());
        (s, location)
    };
    assert_eq!(form(ports[1], "off", "forged").0, 403);
    assert_eq!(poll(ports[0], &renewed, "").0, 200);
    assert_eq!(
        form(ports[1], "off", &csrf),
        (303, Some("/settings#feed".to_string()))
    );
    for port in ports {
        assert_eq!(feed(port, ann, "GET"), None);
        assert_eq!(poll(port, &renewed, "").0, 404);
        assert!(settings(port).contains(">Turn on</button>"));
    }
    // On again (from Settings): an address never given before; every older one stays
    // dead.
    assert_eq!(form(ports[0], "renew", &csrf).0, 303);
    let again = feed(ports[1], ann, "GET").ok_or("the feed is not on")?;
    assert_eq!(parts(&again).1, 3);
    assert!(settings(ports[1]).contains(&format!("value=\"http://127.0.0.1:{}{again}\"", ports[1])));
    for old in [&ann_feed, &renewed] {
        assert_eq!(poll(ports[0], old, "").0, 404);
    }
    assert_eq!(poll(ports[0], &again, "").0, 200);

    // The database holds no address or MAC: only the generation in force.
    let mut pg = Pg::connect(&db.url)?;
    let rows = pg.client().query(
        "SELECT row_to_json(f)::text FROM calendar_feed f
         UNION ALL SELECT value FROM server_secret",
        &[],
    )?;
    assert!(rows.len() >= 3, "{} rows", rows.len());
    for r in &rows {
        let text: String = r.get(0);
        for path in [&ann_feed, &renewed, &again, &bob_feed] {
            let mac = parts(path).2;
            assert!(!text.contains(&mac), "a MAC is stored: {text}");
        }
    }
    Ok(())
}
