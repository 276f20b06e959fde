//! `followup serve --db postgres://…`: many users on one PostgreSQL database, served
//! by several processes. Against the machine's PostgreSQL (a fresh database per test);
//! reported as ignored, with the reason, where no server is reachable (a failure under
//! CI=true).
//!
//! - Two processes, 50 connections over 20 accounts: every write on one process is
//!   read at once on the other (by id, and in the agenda), with no error, and each
//!   account holds exactly its own writes.
//! - Isolation: every route of the OpenAPI document that takes an id, walked with
//!   Bob's session and then his API token over Ann's ids (her outbox's and her
//!   inbox's too), answers 404, and Ann's records are the same bytes afterwards.
//! - A request sent twice (an API `Idempotency-Key`, a page form's key) records once,
//!   whichever processes the copies reach, even at the same moment.
//! - Invitations (.ics): imported, moved by a later SEQUENCE, an older one changing
//!   nothing, then cancelled, each on either process, into the account's records only.
//! - Custom holiday calendars: kept by one account, read on the other process, moving
//!   that account's plans off its closure days; unknown to another account.
//! - Settings: what one account saves on one process is in force on the other at its
//!   next request (its plans follow its policy), another account keeps the server's,
//!   a bad value saves nothing, and the account's digest moves on the job queue.

use std::process::ExitCode;

use followup_store::pg::Pg;
use followup_store::Facts;
use libtest_mimic::{Arguments, Trial};
use serde_json::{json, Value};

mod common;
#[path = "common/http.rs"]
mod http;
#[path = "../../followup-store/tests/pg_db/mod.rs"]
mod pg_db;

use http::{form_field, free_port, post_form, request_as, sign_in, Server};
use pg_db::{with_db, Outcome};

const NOW: &str = "2026-12-04T15:00:00Z";
const PASSWORD: &str = "correct horse battery";

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test(
            "two_processes_on_one_database",
            two_processes_on_one_database,
        ),
        Trial::ignorable_test(
            "another_user_reaches_none_of_a_users_records",
            another_user_reaches_none,
        ),
        Trial::ignorable_test(
            "each_account_keeps_its_own_settings",
            each_account_keeps_its_own_settings,
        ),
        Trial::ignorable_test(
            "a_request_sent_twice_records_once_on_either_process",
            sent_twice_records_once,
        ),
        Trial::ignorable_test(
            "invitations_are_imported_updated_and_cancelled",
            invitations_imported,
        ),
        Trial::ignorable_test(
            "holiday_calendars_are_each_accounts_own",
            holiday_calendars_per_account,
        ),
    ];
    libtest_mimic::run(&args, tests).exit_code()
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

fn serve(home: &std::path::Path, url: &str, port: u16) -> Server {
    Server::start(home, &["--db", url, "--now", NOW, "serve"], port)
}

const USERS: usize = 20;
const CONNECTIONS: usize = 50;
const ROUNDS: usize = 4;

fn two_processes_on_one_database() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir().unwrap();
        let mut tokens = Vec::new();
        for u in 0..USERS {
            let email = format!("user{u}@example.com");
            admin(home.path(), &db.url, &["create-user", &email], None);
            tokens.push(
                admin(home.path(), &db.url, &["token", &email], None)
                    .trim()
                    .to_string(),
            );
        }
        let ports = [free_port(), free_port()];
        let _a = serve(home.path(), &db.url, ports[0]);
        let _b = serve(home.path(), &db.url, ports[1]);

        let problems =
            http::written_here_read_there(ports, &tokens, (CONNECTIONS, ROUNDS), |_, _| None);
        if !problems.is_empty() {
            return Err(problems.join("\n").into());
        }
        Ok(())
    })
}

/// A body each route accepts from its owner (so a refusal is for the id, not the body).
fn valid_body(method: &str, path: &str) -> Value {
    let end = path.rsplit('/').next().unwrap_or("");
    match (method, end) {
        ("PATCH", "{id}") if path.starts_with("/api/outbox/") => {
            json!({"at": "2026-12-03T15:00:00Z"})
        }
        ("PATCH", "{id}") => json!({"company": "Mallory Inc"}),
        ("PATCH", "{who}") | ("PUT", "{who}") => json!({"role": "recruiter"}),
        ("POST", "contacts") => json!({"name": "Eve Mallory"}),
        ("POST", "notes") => json!({"topic": ["something"]}),
        ("POST", "touchpoints") => json!({"kind": "call"}),
        ("POST", "replies") => json!({}),
        ("POST", "outcome") => json!({"outcome": "rejected"}),
        ("POST", "skips") => json!({"step": "follow_up"}),
        ("POST", "interviews") => json!({"at": "2026-12-09 10:00", "tz": "America/New_York"}),
        ("POST", "draft") => json!({"kind": "thank-you"}),
        ("POST", "send") => json!({"kind": "thank-you"}),
        _ => json!({}),
    }
}

fn another_user_reaches_none() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir().unwrap();
        for who in ["ann@example.com", "bob@example.com"] {
            admin(
                home.path(),
                &db.url,
                &["create-user", who, "--password-stdin"],
                Some(PASSWORD),
            );
        }
        let port = free_port();
        // A mail account (nobody listens there: only a message due later is queued).
        let smtp = format!("smtp://127.0.0.1:{}", free_port());
        let _server = Server::start_with(
            home.path(),
            &["--db", &db.url, "--now", NOW, "serve"],
            port,
            &[
                ("FOLLOWUP_SMTP", smtp.as_str()),
                ("FOLLOWUP_MAIL_ADDRESS", "jobs@followup.example"),
            ],
        );
        let ann_cookie = sign_in(port, "ann@example.com", PASSWORD).ok_or("Ann cannot sign in")?;
        let bob_cookie = sign_in(port, "bob@example.com", PASSWORD).ok_or("Bob cannot sign in")?;
        let ann_auth = format!("Cookie: {ann_cookie}");

        // Ann's records, made through the API.
        let call = |auth: &str, m: &str, path: &str, body: Value| {
            request_as(port, m, path, auth, &body.to_string())
        };
        let (s, text) = call(
            &ann_auth,
            "POST",
            "/api/applications",
            json!({"company": "Acme", "role": "Backend Engineer",
                   "round": {"at": "2026-12-01 10:00", "tz": "America/New_York",
                             "interviewer": ["Jane Doe <jane@acme.example>"]}}),
        );
        assert_eq!(s, 201, "{text}");
        let id = serde_json::from_str::<Value>(&text).unwrap()["id"]
            .as_i64()
            .unwrap();
        let base = format!("/api/applications/{id}");
        let (s, text) = call(
            &ann_auth,
            "POST",
            &format!("{base}/notes"),
            json!({"topic": ["billing"]}),
        );
        assert_eq!(s, 201, "{text}");
        let note = serde_json::from_str::<Value>(&text).unwrap()[0]["id"]
            .as_i64()
            .unwrap();
        let (s, text) = call(
            &ann_auth,
            "POST",
            &format!("{base}/touchpoints"),
            json!({"kind": "thank-you", "to": "Jane"}),
        );
        assert_eq!(s, 201, "{text}");
        let tid = serde_json::from_str::<Value>(&text).unwrap()["id"]
            .as_i64()
            .unwrap();
        let (s, text) = call(
            &ann_auth,
            "POST",
            &format!("{base}/skips"),
            json!({"step": "follow_up"}),
        );
        assert_eq!(s, 201, "{text}");
        let sid = serde_json::from_str::<Value>(&text).unwrap()["id"]
            .as_i64()
            .unwrap();
        // A follow-up in her outbox, for later (the step was skipped: any moment).
        let (s, text) = call(
            &ann_auth,
            "PUT",
            "/api/profile",
            json!({"name": "Ann Lee", "email": "ann@example.com"}),
        );
        assert_eq!(s, 200, "{text}");
        let (s, text) = call(
            &ann_auth,
            "POST",
            &format!("{base}/send"),
            json!({"kind": "follow-up", "at": "2026-12-21 10:00", "force": true,
                   "confirm_warnings": true}),
        );
        assert_eq!(s, 201, "{text}");
        let queued = serde_json::from_str::<Value>(&text).unwrap();
        assert_eq!(queued["state"], "queued", "{text}");
        let message = queued["outbox"].as_i64().unwrap();
        let (_, text) = call(&ann_auth, "GET", &base, json!({}));
        let who = serde_json::from_str::<Value>(&text).unwrap()["full"]["contacts"][0]["id"]
            .as_i64()
            .unwrap();
        let ids = [
            ("id", id),
            ("who", who),
            ("note", note),
            ("tid", tid),
            ("sid", sid),
        ];

        let ann_id = {
            use followup_store::accounts::AccountStore;
            Pg::open(&db.url)?
                .users()?
                .iter()
                .find(|u| u.email == "ann@example.com")
                .ok_or("no Ann")?
                .id
        };
        // A proposal read from her mailbox (as a sync stores it).
        let proposal = Pg::open(&db.url)?.user_store(ann_id).mail_record_sync(
            "INBOX",
            1,
            1,
            &[followup_store::NewMailProposal {
                message_id: "decision-1@acme.example".into(),
                application_id: id,
                contact_id: Some(who),
                kind: "decision".into(),
                folder: "INBOX".into(),
                sender: "Jane Doe <jane@acme.example>".into(),
                subject: "Re: Thank you".into(),
                date: Some("2026-12-02T15:00:00Z".parse()?),
                evidence: Some("We will decide within two weeks.".into()),
                decision: Some("within two weeks".into()),
                confidence: "high".into(),
                ..Default::default()
            }],
        )?[0];
        let ann_records = || {
            let mut pg = Pg::open(&db.url).unwrap();
            let mut ann = pg.user_store(ann_id);
            let mail = ann.mail_proposals(true).unwrap();
            (
                serde_json::to_string(&ann.export().unwrap()).unwrap(),
                serde_json::to_string(&mail).unwrap(),
            )
        };
        let before = ann_records();

        // Bob has a profile of his own (so that a draft is refused for whose the
        // application is, not for want of a profile).
        let (s, text) = request_as(
            port,
            "PUT",
            "/api/profile",
            &format!("Cookie: {bob_cookie}"),
            &json!({"name": "Bob Builder", "email": "bob@example.com"}).to_string(),
        );
        assert_eq!(s, 200, "{text}");
        let (_, doc) = request_as(port, "GET", "/api/openapi.json", &ann_auth, "");
        let doc: Value = serde_json::from_str(&doc).unwrap();
        let bob_token = admin(home.path(), &db.url, &["token", "bob@example.com"], None);
        let mut walked = 0;
        let mut wrong = Vec::new();
        for auth in [
            format!("Cookie: {bob_cookie}"),
            format!("Authorization: Bearer {}", bob_token.trim()),
        ] {
            for (path, item) in doc["paths"].as_object().unwrap() {
                if !path.contains('{') {
                    continue;
                }
                let mut uri = path.clone();
                // The outbox's id: her message's; the inbox's: her proposal's.
                if path.starts_with("/api/outbox/") {
                    uri = uri.replace("{id}", &message.to_string());
                }
                if path.starts_with("/api/inbox/") {
                    uri = uri.replace("{id}", &proposal.to_string());
                }
                for (name, id) in &ids {
                    uri = uri.replace(&format!("{{{name}}}"), &id.to_string());
                }
                if path.ends_with("/draft") {
                    uri.push_str("?kind=thank-you");
                }
                for method in item.as_object().unwrap().keys() {
                    let m = method.to_uppercase();
                    if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&m.as_str()) {
                        continue;
                    }
                    let body = valid_body(&m, path).to_string();
                    let (s, text) = request_as(port, &m, &uri, &auth, &body);
                    if s != 404 {
                        wrong.push(format!("{m} {uri}: {s} {text}"));
                    }
                    walked += 1;
                }
            }
        }
        if !wrong.is_empty() {
            return Err(wrong.join("\n").into());
        }
        assert!(walked >= 40, "{walked} requests");
        // Her pages lead to everything offered here.
        let (s, page) = request_as(port, "GET", "/", &ann_auth, "");
        assert_eq!(s, 200, "{page}");
        assert!(page.contains("href=\"/account\"") && page.contains("href=\"/pipeline\""));
        assert!(page.contains("href=\"/inbox\"") && page.contains("href=\"/outbox\""));
        // Bob's inbox lists none of hers.
        let (s, text) = request_as(
            port,
            "GET",
            "/api/inbox",
            &format!("Cookie: {bob_cookie}"),
            "",
        );
        assert_eq!((s, text.as_str()), (200, "{\"proposals\":[]}"));
        // The same read with Ann's own session answers (the walk's 404s were Bob's).
        let (s, text) = request_as(port, "GET", &base, &ann_auth, "");
        assert_eq!(s, 200, "{text}");
        assert_eq!(ann_records(), before, "Ann's records changed");
        Ok(())
    })
}

/// The status follow-up's date of the agenda's first application (`YYYY-MM-DD`).
fn follow_up_date(agenda: &str) -> Option<String> {
    let v: Value = serde_json::from_str(agenda).ok()?;
    let mut found = None;
    walk(&v, &mut |o| {
        let kind = o.get("kind").and_then(Value::as_str).unwrap_or("");
        if found.is_none() && (kind == "follow-up" || kind == "follow_up") {
            found = ["best", "at", "date", "due"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str))
                .map(|d| d.chars().take(10).collect());
        }
    });
    found
}

fn walk(v: &Value, f: &mut dyn FnMut(&serde_json::Map<String, Value>)) {
    match v {
        Value::Object(o) => {
            f(o);
            o.values().for_each(|x| walk(x, f));
        }
        Value::Array(a) => a.iter().for_each(|x| walk(x, f)),
        _ => {}
    }
}

fn each_account_keeps_its_own_settings() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir().unwrap();
        let mut auth = Vec::new();
        for who in ["ann@example.com", "bob@example.com"] {
            admin(home.path(), &db.url, &["create-user", who], None);
            let token = admin(home.path(), &db.url, &["token", who], None);
            auth.push(format!("Authorization: Bearer {}", token.trim()));
        }
        let (ann, bob) = (&auth[0], &auth[1]);
        let ports = [free_port(), free_port()];
        let _one = serve(home.path(), &db.url, ports[0]);
        let _two = serve(home.path(), &db.url, ports[1]);
        let call = |port: u16, auth: &str, m: &str, path: &str, body: Value| {
            let (status, text) = request_as(port, m, path, auth, &body.to_string());
            (status, text)
        };
        let json_of = |text: &str| serde_json::from_str::<Value>(text).unwrap();

        // The same application for both, interviewed on Tuesday.
        for who in [ann, bob] {
            let (s, text) = call(
                ports[0],
                who,
                "POST",
                "/api/applications",
                json!({"company": "Acme", "role": "Backend Engineer",
                       "round": {"at": "2026-12-01 10:00", "tz": "America/New_York",
                                 "interviewer": ["Jane Doe <jane@acme.example>"]}}),
            );
            assert_eq!(s, 201, "{text}");
        }
        let (_, before) = call(ports[1], ann, "GET", "/api/agenda", json!({}));
        let first = follow_up_date(&before).ok_or(format!("no follow-up in {before}"))?;

        // Nothing saved: the server's settings, the digest at 08:00.
        let (s, text) = call(ports[0], ann, "GET", "/api/settings", json!({}));
        assert_eq!(s, 200, "{text}");
        assert_eq!(json_of(&text)["settings"]["digest_hour"], 8, "{text}");

        // Ann saves hers on the first process...
        let mine = json!({"tz": "Asia/Tokyo", "hours": "10:00-18:00", "preset": "balanced",
                          "overrides": {"follow_up.recommended_days": 12},
                          "digest_hour": 7});
        let (s, text) = call(ports[0], ann, "PUT", "/api/settings", mine);
        assert_eq!(s, 200, "{text}");
        // ...and the second process has them at her next request, her plans too.
        let (s, text) = call(ports[1], ann, "GET", "/api/settings", json!({}));
        assert_eq!(s, 200, "{text}");
        let got = json_of(&text);
        assert_eq!(got["settings"]["tz"], "Asia/Tokyo", "{text}");
        assert_eq!(got["settings"]["hours"], "10:00-18:00", "{text}");
        assert_eq!(got["settings"]["digest_hour"], 7, "{text}");
        assert_eq!(got["numbers"]["follow_up.recommended_days"], 12, "{text}");
        assert_eq!(
            got["settings"]["overrides"]["follow_up.recommended_days"], 12,
            "{text}"
        );
        let (_, after) = call(ports[1], ann, "GET", "/api/agenda", json!({}));
        let later = follow_up_date(&after).ok_or(format!("no follow-up in {after}"))?;
        assert!(
            later > first,
            "12 days, not the preset's: {first} then {later}"
        );

        // Bob's are the server's still, on either process, and so are his plans.
        for port in ports {
            let (_, text) = call(port, bob, "GET", "/api/settings", json!({}));
            let got = json_of(&text);
            assert_eq!(got["settings"]["tz"], Value::Null, "{text}");
            assert_eq!(got["settings"]["digest_hour"], 8, "{text}");
            assert_eq!(got["settings"]["overrides"], json!({}), "{text}");
            let (_, agenda) = call(port, bob, "GET", "/api/agenda", json!({}));
            assert_eq!(follow_up_date(&agenda).as_deref(), Some(first.as_str()));
        }

        // Her digest: 07:00 in Tokyo (NOW is 00:00 there on Saturday), on the queue.
        let mut pg = Pg::open(&db.url).map_err(|e| e.to_string())?;
        let ann_id: i64 = pg
            .client()
            .query_one(
                "SELECT id FROM app_user WHERE email = 'ann@example.com'",
                &[],
            )
            .map_err(|e| e.to_string())?
            .get(0);
        let due = pg.next_due(ann_id).map_err(|e| e.to_string())?;
        let due = due.ok_or("Ann is not on the digests' schedule")?;
        assert_eq!(due.at.to_string(), "2026-12-04T22:00:00Z");
        assert_eq!(due.day.to_string(), "2026-12-05");

        // A bad value saves nothing, and says what was wrong in one line.
        let (s, text) = call(
            ports[1],
            ann,
            "PUT",
            "/api/settings",
            json!({"tz": "Mars/Olympus", "digest_hour": 9}),
        );
        assert_eq!(s, 400, "{text}");
        assert!(json_of(&text)["detail"]
            .as_str()
            .is_some_and(|d| d.contains("Mars/Olympus") && !d.contains('\n')));
        let (_, text) = call(ports[0], ann, "GET", "/api/settings", json!({}));
        assert_eq!(json_of(&text)["settings"]["tz"], "Asia/Tokyo", "{text}");
        assert_eq!(pg.next_due(ann_id).map_err(|e| e.to_string())?, Some(due));

        // The digest off: off the queue; the page says so on the other process.
        let off = json!({"tz": "Asia/Tokyo", "digest_hour": null});
        let (s, text) = call(ports[1], ann, "PUT", "/api/settings", off);
        assert_eq!(s, 200, "{text}");
        assert_eq!(pg.next_due(ann_id).map_err(|e| e.to_string())?, None);
        let (_, text) = call(ports[0], ann, "GET", "/api/settings", json!({}));
        assert_eq!(
            json_of(&text)["settings"]["digest_hour"],
            Value::Null,
            "{text}"
        );
        let (s, page) = call(ports[0], ann, "GET", "/settings", json!({}));
        assert_eq!(s, 200);
        assert!(page.contains("Kept for your account only"), "{page}");
        Ok(())
    })
}

fn sent_twice_records_once() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir().unwrap();
        admin(
            home.path(),
            &db.url,
            &["create-user", "ann@example.com", "--password-stdin"],
            Some(PASSWORD),
        );
        let token = admin(home.path(), &db.url, &["token", "ann@example.com"], None);
        let ann = format!("Authorization: Bearer {}", token.trim());
        let ports = [free_port(), free_port()];
        let _one = serve(home.path(), &db.url, ports[0]);
        let _two = serve(home.path(), &db.url, ports[1]);

        // Six copies of one request with one key, three on each process at once.
        let round = json!({"at": "2026-12-03 10:00", "tz": "America/New_York",
                           "interviewer": ["Jane Doe <jane@acme.example>"]});
        let body =
            json!({"company": "Acme", "role": "Backend Engineer", "round": round}).to_string();
        let answers: Vec<(u16, String)> = std::thread::scope(|scope| {
            let copies: Vec<_> = (0..6)
                .map(|i| {
                    let (port, auth, body) = (ports[i % 2], ann.clone(), body.clone());
                    scope.spawn(move || {
                        request_as(
                            port,
                            "POST",
                            "/api/applications",
                            &format!("{auth}\r\nIdempotency-Key: add-acme-1"),
                            &body,
                        )
                    })
                })
                .collect();
            copies.into_iter().map(|c| c.join().unwrap()).collect()
        });
        for (status, text) in &answers {
            assert_eq!(*status, 201, "{text}");
            assert_eq!(text, &answers[0].1, "every copy gets the first answer");
        }
        let (_, list) = request_as(ports[1], "GET", "/api/applications", &ann, "");
        let list: Value = serde_json::from_str(&list).unwrap();
        let apps = list
            .as_array()
            .or_else(|| list["applications"].as_array())
            .ok_or(format!("no list in {list}"))?;
        assert_eq!(apps.len(), 1, "{list}");
        let id = serde_json::from_str::<Value>(&answers[0].1).unwrap()["id"]
            .as_i64()
            .unwrap();

        // The key with another request: refused, on either process, nothing recorded.
        let other =
            json!({"company": "Globex", "role": "Backend Engineer", "round": round}).to_string();
        let (status, text) = request_as(
            ports[0],
            "POST",
            "/api/applications",
            &format!("{ann}\r\nIdempotency-Key: add-acme-1"),
            &other,
        );
        assert_eq!(status, 409, "{text}");
        assert!(text.contains("add-acme-1"), "{text}");

        // A page form sent twice (a double click, a reload), once to each process:
        // one reply recorded, both answers lead to the application's page.
        let cookie = sign_in(ports[0], "ann@example.com", PASSWORD).ok_or("no session")?;
        let (status, page) = request_as(
            ports[0],
            "GET",
            &format!("/applications/{id}"),
            &format!("Cookie: {cookie}"),
            "",
        );
        assert_eq!(status, 200, "{page}");
        let csrf = form_field(&page, "csrf").ok_or("no form token on the page")?;
        let form = format!("csrf={csrf}&idem=reply-form-1&note=Thanks%20for%20your%20time");
        for port in ports {
            let (status, to) =
                post_form(port, &format!("/applications/{id}/replies"), &cookie, &form);
            assert_eq!(status, 303, "{to}");
            assert!(to.starts_with(&format!("/applications/{id}")), "{to}");
        }
        let (_, full) = request_as(
            ports[1],
            "GET",
            &format!("/api/applications/{id}"),
            &ann,
            "",
        );
        let replies = full.matches("\"kind\":\"reply\"").count();
        assert_eq!(replies, 1, "{full}");

        // The checker reads the application there too (its people, its timing).
        let check = json!({"text": "Hi Jane,\n\nThank you for the interview.\n\nBest,\nAnn",
                           "application": id, "kind": "thank-you", "to": "Jane"});
        let (status, text) = request_as(ports[0], "POST", "/api/check", &ann, &check.to_string());
        assert_eq!(status, 200, "{text}");
        Ok(())
    })
}

/// The import tests' invitation `name` (crates/followup-core/tests/invites).
fn invite(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../followup-core/tests/invites")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

fn invitations_imported() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir().unwrap();
        let mut auth = Vec::new();
        for who in ["alex@example.com", "bob@example.com"] {
            admin(home.path(), &db.url, &["create-user", who], None);
            let token = admin(home.path(), &db.url, &["token", who], None);
            auth.push(format!("Authorization: Bearer {}", token.trim()));
        }
        let (alex, bob) = (&auth[0], &auth[1]);
        let ports = [free_port(), free_port()];
        let _one = serve(home.path(), &db.url, ports[0]);
        let _two = serve(home.path(), &db.url, ports[1]);
        // The candidate's own address is in the invitations: not an interviewer.
        let me = json!({"name": "Alex Candidate", "email": "alex.candidate@gmail.com"});
        let (s, text) = request_as(ports[0], "PUT", "/api/profile", alex, &me.to_string());
        assert_eq!(s, 200, "{text}");
        let import = |port: u16, who: &str, name: &str| {
            let body = json!({"ics": invite(name)}).to_string();
            let (s, text) = request_as(port, "POST", "/api/import", who, &body);
            assert_eq!(s, 201, "{name}: {text}");
            serde_json::from_str::<Value>(&text).unwrap()["imported"][0].clone()
        };
        let show = |port: u16, id: i64| {
            let (s, text) = request_as(port, "GET", &format!("/api/applications/{id}"), alex, "");
            assert_eq!(s, 200, "{text}");
            serde_json::from_str::<Value>(&text).unwrap()["full"].clone()
        };

        let done = import(ports[0], alex, "google.ics");
        assert_eq!(done["action"], "created", "{done}");
        let app = done["application_id"].as_i64().ok_or("no application")?;
        let iv = done["interview_id"].as_i64().ok_or("no interview")?;
        let full = show(ports[1], app);
        assert_eq!(full["application"]["company"], "Acme", "{full}");
        let names: Vec<&str> = full["contacts"]
            .as_array()
            .ok_or("no contacts")?
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        assert_eq!(names, ["Jane Doe", "Raj Patel"], "{full}");

        // The same file again, on the other process: nothing changes.
        let done = import(ports[1], alex, "google.ics");
        assert_eq!(done["action"], "unchanged", "{done}");
        // SEQUENCE 2 moves it and adds an interviewer: the same interview, the same
        // people reused.
        let done = import(ports[1], alex, "update-seq2.ics");
        assert_eq!(done["action"], "updated", "{done}");
        assert_eq!(done["interview_id"], iv);
        let full = show(ports[0], app);
        assert_eq!(
            full["interviews"][0]["start"], "2026-12-02T19:00:00Z",
            "{full}"
        );
        assert_eq!(full["contacts"].as_array().map(Vec::len), Some(3), "{full}");
        // The first version, arriving late, is older: it changes nothing.
        let done = import(ports[0], alex, "google.ics");
        assert_eq!(done["action"], "outdated", "{done}");
        let full = show(ports[1], app);
        assert_eq!(
            full["interviews"][0]["start"], "2026-12-02T19:00:00Z",
            "{full}"
        );
        // The cancellation.
        let done = import(ports[0], alex, "cancel.ics");
        assert_eq!(done["action"], "cancelled", "{done}");
        let full = show(ports[1], app);
        assert_eq!(full["interviews"][0]["cancelled"], true, "{full}");

        // Bob's records hold none of it; his own import is his own interview.
        let (_, list) = request_as(ports[0], "GET", "/api/applications", bob, "");
        assert_eq!(
            serde_json::from_str::<Value>(&list).unwrap(),
            json!([]),
            "{list}"
        );
        // Four copies of his import at once, two on each process (a double click, a
        // retry): one creates the interview, the others find it.
        let mut actions: Vec<String> = std::thread::scope(|scope| {
            let copies: Vec<_> = (0..4)
                .map(|i| scope.spawn(move || import(ports[i % 2], bob, "google.ics")))
                .collect();
            copies
                .into_iter()
                .map(|c| {
                    c.join().unwrap()["action"]
                        .as_str()
                        .unwrap_or("")
                        .to_string()
                })
                .collect()
        });
        actions.sort();
        assert_eq!(actions, ["created", "unchanged", "unchanged", "unchanged"]);
        let (_, list) = request_as(ports[1], "GET", "/api/applications", bob, "");
        let list: Value = serde_json::from_str(&list).unwrap();
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
        assert_ne!(list[0]["id"], json!(app));
        Ok(())
    })
}

fn holiday_calendars_per_account() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir().unwrap();
        let mut auth = Vec::new();
        for who in ["ann@example.com", "bob@example.com"] {
            admin(home.path(), &db.url, &["create-user", who], None);
            let token = admin(home.path(), &db.url, &["token", who], None);
            auth.push(format!("Authorization: Bearer {}", token.trim()));
        }
        let (ann, bob) = (&auth[0], &auth[1]);
        let ports = [free_port(), free_port()];
        let _one = serve(home.path(), &db.url, ports[0]);
        let _two = serve(home.path(), &db.url, ports[1]);
        let add = |port: u16, who: &str, region: &str| {
            let body = json!({"company": "Acme", "role": "Engineer", "region": region,
                              "round": {"at": "2026-11-30 10:00", "tz": "America/New_York",
                                        "decision": "within 2 business days"}});
            request_as(port, "POST", "/api/applications", who, &body.to_string())
        };
        // Not a region yet.
        let (s, text) = add(ports[0], ann, "acme-closures");
        assert_eq!(s, 400, "{text}");

        // Ann keeps Acme's closure days (Dec 7-8 and 11, 2026) on one process...
        let cal = json!({"name": "acme-closures", "ics": invite("closures.ics")});
        let (s, text) = request_as(ports[0], "POST", "/api/holidays", ann, &cal.to_string());
        assert_eq!(s, 201, "{text}");
        let got: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(got["days"], 3, "{text}");
        assert_eq!(got["first"], "2026-12-07", "{text}");
        // ...and the other process lists it and plans with it: the follow-up that
        // would fall on Monday Dec 7 moves to Wednesday Dec 9, saying why.
        let (_, text) = request_as(ports[1], "GET", "/api/settings", ann, "");
        let settings: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            settings["holiday_calendars"][0]["name"], "acme-closures",
            "{text}"
        );
        let (s, text) = add(ports[1], ann, "acme-closures");
        assert_eq!(s, 201, "{text}");
        let id = serde_json::from_str::<Value>(&text).unwrap()["id"]
            .as_i64()
            .unwrap();
        let (_, text) = request_as(ports[1], "GET", &format!("/api/applications/{id}"), ann, "");
        let shown: Value = serde_json::from_str(&text).unwrap();
        let follow = shown["items"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["kind"] == "follow_up"))
            .ok_or(format!("no follow-up in {text}"))?;
        assert_eq!(follow["due"], "2026-12-09T10:00:00-05:00", "{follow}");
        assert!(
            follow["why"].to_string().contains("Acme winter shutdown"),
            "{follow}"
        );
        // The default region of her settings may name it.
        let (s, text) = request_as(
            ports[0],
            "PUT",
            "/api/settings",
            ann,
            &json!({"region": "acme-closures"}).to_string(),
        );
        assert_eq!(s, 200, "{text}");

        // Bob has no such calendar.
        let (s, text) = add(ports[0], bob, "acme-closures");
        assert_eq!(s, 400, "{text}");
        let (_, text) = request_as(ports[1], "GET", "/api/settings", bob, "");
        let settings: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(settings["holiday_calendars"], json!([]), "{text}");

        // A name that is a built-in region: refused, saying why.
        let bad = json!({"name": "US-NY", "ics": invite("closures.ics")});
        let (s, text) = request_as(ports[0], "POST", "/api/holidays", ann, &bad.to_string());
        assert_eq!(s, 400, "{text}");
        assert!(text.contains("built-in region"), "{text}");
        Ok(())
    })
}
