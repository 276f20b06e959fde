//! Each account's outbox on a PostgreSQL database, against the machine's PostgreSQL (a
//! fresh database per test) and a real SMTP server on loopback (scripts/smtp_sink.py):
//!
//! - A thank-you sent now on one `serve` process leaves at once through the service's
//!   mail account (From: the service's address in the user's name, Reply-To: the
//!   user's own address) and is logged on the application, read on the other process.
//! - A follow-up scheduled for later waits in the outbox, is sent by `followup worker`
//!   when its moment comes (in the thread of the thank-you), once: a second pass sends
//!   nothing.
//! - A recipient whose server answers "try later" is retried inside their business
//!   hours, and the worker says so.
//! - Another account sees none of it.
//! - Three workers over 50 users' 600 due messages, one killed with SIGKILL mid-run
//!   and another started: every message is sent exactly once, except the one the
//!   killed worker was handing over, which is reported `unknown` and never sent again.
//!
//! Without a PostgreSQL server, python3 or aiosmtpd, the tests are reported as ignored
//! with the reason; under CI=true they fail instead.

mod common;
#[path = "common/http.rs"]
mod http;
#[path = "../../followup-store/tests/pg_db/mod.rs"]
mod pg_db;
mod smtp_sink;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use followup_store::pg::Pg;

use common::{json_of, stdout_of};
use http::{form_field, free_port, post_form, request, request_as, sign_in, Server};
use libtest_mimic::{Arguments, Failed, Trial};
use pg_db::{Outcome, TestDb};
use serde_json::{json, Value};
use smtp_sink::{header, Sink, Workers};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test(
            "an_accounts_messages_leave_through_the_service_now_or_by_the_worker",
            messages_leave,
        ),
        Trial::ignorable_test(
            "three_workers_one_killed_send_each_message_at_most_once",
            three_workers_one_killed,
        ),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

/// A Friday, 10:00 in New York.
const NOW: &str = "2026-12-04T15:00:00Z";
const SERVICE: &str = "jobs@followup.example";
const PASSWORD: &str = "correct horse battery";

fn with_sink_and_db(test: impl FnOnce(&Sink, &TestDb, &Path) -> Result<(), Failed>) -> Outcome {
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    let sink = match Sink::start(root.path(), &["--tempfail", "busy@slow.example"]) {
        Ok(s) => s,
        Err(why) => return smtp_sink::cannot_run(&why),
    };
    pg_db::with_db(|db| test(&sink, db, root.path()))
}

fn followup(home: &Path, sink: &Sink, url: &str, now: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_followup"));
    c.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("FOLLOWUP_SMTP", format!("smtp://127.0.0.1:{}", sink.port))
        .env("FOLLOWUP_MAIL_ADDRESS", SERVICE)
        .args(["--db", url, "--now", now]);
    c
}

fn run(mut c: Command) -> Result<String, Failed> {
    stdout_of(&mut c)
}

fn messages_leave() -> Outcome {
    with_sink_and_db(|sink, db, root| {
        let home = root.join("home");
        std::fs::create_dir_all(&home)?;
        let mut tokens = Vec::new();
        for who in ["ann@example.com", "bob@example.com"] {
            tokens.push(common::account_with_token(&home, &db.url, who, PASSWORD)?);
        }
        let (ann, bob) = (tokens[0].as_str(), tokens[1].as_str());
        let smtp = format!("smtp://127.0.0.1:{}", sink.port);
        let env = [
            ("FOLLOWUP_SMTP", smtp.as_str()),
            ("FOLLOWUP_MAIL_ADDRESS", SERVICE),
        ];
        let ports = [free_port(), free_port()];
        let _a = Server::start_with(
            &home,
            &["--db", &db.url, "--now", NOW, "serve"],
            ports[0],
            &env,
        );
        let _b = Server::start_with(
            &home,
            &["--db", &db.url, "--now", NOW, "serve"],
            ports[1],
            &env,
        );

        // Ann: her profile, and an interview this morning with Jane and with Raj,
        // whose server is slow to answer.
        let (s, text) = request(
            ports[0],
            "PUT",
            "/api/profile",
            ann,
            &json!({"name": "Ann Lee", "email": "ann.lee@home.example"}).to_string(),
        );
        assert_eq!(s, 200, "{text}");
        let (s, text) = request(
            ports[0],
            "POST",
            "/api/applications",
            ann,
            &json!({"company": "Acme", "role": "Backend Engineer",
                    "round": {"at": "2026-12-04 08:00", "tz": "America/New_York",
                              "interviewer": ["Jane Doe <jane@acme.example>",
                                              "Raj Patel <busy@slow.example>"]}})
            .to_string(),
        );
        assert_eq!(s, 201, "{text}");
        let app = json_of(&text)?["id"].as_i64().ok_or("no id")?;

        // A thank-you to Jane, now, on process A: it leaves at once.
        let send = |port: u16, body: Value| {
            request(
                port,
                "POST",
                &format!("/api/applications/{app}/send"),
                ann,
                &body.to_string(),
            )
        };
        let (s, text) = send(
            ports[0],
            json!({"kind": "thank-you", "to": "Jane", "at": "now", "force": true,
                   "confirm_warnings": true}),
        );
        assert_eq!(s, 201, "{text}");
        let sent = json_of(&text)?;
        assert_eq!(sent["state"], "sent", "{text}");
        let received = sink.received();
        assert_eq!(received.len(), 1);
        let mail = &received[0].1.clone();
        assert_eq!(
            header(mail, "To").as_deref(),
            Some("\"Jane Doe\" <jane@acme.example>")
        );
        assert_eq!(
            header(mail, "From").as_deref(),
            Some(&*format!("\"Ann Lee\" <{SERVICE}>"))
        );
        assert_eq!(
            header(mail, "Reply-To").as_deref(),
            Some("\"Ann Lee\" <ann.lee@home.example>")
        );
        let first_id = header(mail, "Message-ID").ok_or("no Message-ID")?;
        assert_eq!(sent["message_id"].as_str(), Some(first_id.as_str()));

        // Logged on the application, read on process B.
        let (s, text) = request(
            ports[1],
            "GET",
            &format!("/api/applications/{app}"),
            ann,
            "",
        );
        assert_eq!(s, 200, "{text}");
        let full = json_of(&text)?;
        let logged = full["full"]["touchpoints"]
            .as_array()
            .ok_or("no touchpoints")?
            .iter()
            .filter(|t| t["kind"] == "thank-you" && t["channel"] == "email")
            .count();
        assert_eq!(logged, 1, "{text}");

        // A follow-up to Jane at the plan's recommended moment, on process B: queued.
        let (s, text) = send(
            ports[1],
            json!({"kind": "follow-up", "to": "Jane", "force": true, "confirm_warnings": true}),
        );
        assert_eq!(s, 201, "{text}");
        let queued = json_of(&text)?;
        assert_eq!(queued["state"], "queued", "{text}");
        let later = queued["at"].as_str().ok_or("no at")?.to_string();
        let follow_up = queued["outbox"].as_i64().ok_or("no outbox id")?;
        // A thank-you to Raj, now: his server says "try later".
        let (s, text) = send(
            ports[0],
            json!({"kind": "thank-you", "to": "Raj", "at": "now", "force": true,
                   "confirm_warnings": true}),
        );
        assert_eq!(s, 201, "{text}");
        let raj = json_of(&text)?;
        assert_eq!(raj["state"], "queued", "{text}");
        assert!(raj["reply"].as_str().unwrap_or("").contains("4"), "{text}");
        assert_eq!(sink.received().len(), 1);

        // Ann's outbox on either process: three messages; Bob's: none, and hers are
        // not his to touch.
        let (s, text) = request(ports[1], "GET", "/api/outbox", ann, "");
        assert_eq!(s, 200, "{text}");
        assert_eq!(
            json_of(&text)?["messages"].as_array().map(Vec::len),
            Some(3),
            "{text}"
        );
        let (_, text) = request(ports[0], "GET", "/api/outbox", bob, "");
        assert_eq!(
            json_of(&text)?["messages"].as_array().map(Vec::len),
            Some(0),
            "{text}"
        );
        let (s, _) = request(
            ports[0],
            "POST",
            &format!("/api/outbox/{follow_up}/cancel"),
            bob,
            "",
        );
        assert_eq!(s, 404);
        // Her Outbox page lists them, and her pages link to it.
        let (s, page) = request(ports[0], "GET", "/outbox", ann, "");
        assert_eq!(s, 200, "{page}");
        assert!(
            page.contains("Jane Doe") && page.contains("Raj Patel"),
            "{page}"
        );
        let (_, page) = request(ports[0], "GET", "/", ann, "");
        assert!(page.contains("href=\"/outbox\""));

        // The service's /metrics counts the outbox of every user: nothing due yet
        // (Raj's next attempt is at 15:05), nothing being handed over.
        let (s, metrics) = request(ports[0], "GET", "/metrics", "", "");
        assert_eq!(s, 200, "{metrics}");
        assert!(metrics.contains("\nfollowup_outbox_due 0\n"), "{metrics}");
        assert!(
            metrics.contains("\nfollowup_outbox_sending 0\n"),
            "{metrics}"
        );

        // A worker ten minutes later: Raj's thank-you is tried again inside his
        // business hours (his server still says "try later"); nothing else is due.
        let worker = |now: &str| -> Result<Vec<Value>, Failed> {
            let out = run({
                let mut c = followup(&home, sink, &db.url, now);
                c.args(["worker", "--json", "--once"]);
                c
            })?;
            let jobs: Vec<Value> = out
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(json_of)
                .collect::<Result<_, _>>()?;
            Ok(jobs.into_iter().filter(|j| j["job"] == "outbox").collect())
        };
        let state_of = |jobs: &[Value], id: i64| {
            jobs.iter()
                .find(|j| j["id"].as_str() == Some(id.to_string().as_str()))
                .map(|j| j["state"].as_str().unwrap_or("").to_string())
        };
        let raj_id = raj["outbox"].as_i64().ok_or("no id")?;
        let jobs = worker("2026-12-04T15:10:00Z")?;
        assert_eq!(jobs.len(), 1, "{jobs:?}");
        assert_eq!(
            state_of(&jobs, raj_id).as_deref(),
            Some("retrying"),
            "{jobs:?}"
        );
        assert_eq!(jobs[0]["account"], 1, "{jobs:?}");
        // What reached people (the digests go to the accounts' own addresses).
        let to_people = || {
            sink.received()
                .into_iter()
                .map(|(_, m)| m)
                .filter(|m| !header(m, "To").unwrap_or_default().contains("@example.com"))
                .collect::<Vec<_>>()
        };
        assert_eq!(to_people().len(), 1);

        // Once the follow-up's moment has come: it leaves, in the thread of the
        // thank-you; Raj's gives up after 24 hours of "try later".
        let at: jiff::Timestamp = later.parse()?;
        let then = (at + jiff::SignedDuration::from_mins(1)).to_string();
        let jobs = worker(&then)?;
        assert_eq!(
            state_of(&jobs, follow_up).as_deref(),
            Some("sent"),
            "{jobs:?}"
        );
        assert_eq!(
            state_of(&jobs, raj_id).as_deref(),
            Some("failed"),
            "{jobs:?}"
        );
        let received = to_people();
        assert_eq!(received.len(), 2);
        let mail = &received[1];
        assert_eq!(
            header(mail, "To").as_deref(),
            Some("\"Jane Doe\" <jane@acme.example>")
        );
        assert_eq!(
            header(mail, "In-Reply-To").as_deref(),
            Some(first_id.as_str())
        );
        assert!(
            header(mail, "Subject")
                .unwrap_or_default()
                .starts_with("Re: "),
            "{mail}"
        );

        // /metrics counts them: the thank-you and the follow-up sent, Raj's failed.
        let (_, metrics) = request(ports[1], "GET", "/metrics", "", "");
        assert!(
            metrics.contains("\nfollowup_outbox_finished{state=\"sent\"} 2\n")
                && metrics.contains("\nfollowup_outbox_finished{state=\"failed\"} 1\n"),
            "{metrics}"
        );

        // A second pass at the same moment sends nothing more.
        assert!(worker(&then)?.is_empty());
        assert_eq!(to_people().len(), 2);
        let (_, text) = request(ports[0], "GET", "/api/outbox", ann, "");
        let mut states: Vec<String> = json_of(&text)?["messages"]
            .as_array()
            .ok_or("no messages")?
            .iter()
            .map(|m| m["state"].as_str().unwrap_or("").to_string())
            .collect();
        states.sort();
        assert_eq!(states, vec!["failed", "sent", "sent"], "{text}");

        // The web app's own way, signed in: the draft page offers "Send now" and
        // "Schedule" (the service has a mail account), and its form schedules Raj's
        // follow-up for the plan's moment.
        let cookie = sign_in(ports[1], "ann@example.com", PASSWORD).ok_or("no session")?;
        let (s, page) = request_as(
            ports[1],
            "GET",
            &format!("/applications/{app}/draft?kind=follow-up&to=Raj%20Patel"),
            &format!("Cookie: {cookie}"),
            "",
        );
        assert_eq!(s, 200, "{page}");
        assert!(page.contains("id=\"schedule\"") && !page.contains("id=\"no-account\""));
        let field =
            |name: &str| form_field(&page, name).ok_or(format!("no {name} on the draft page"));
        let form = format!(
            "csrf={}&idem={}&kind=follow-up&to=Raj%20Patel&at=recommended&confirm_warnings=yes",
            field("csrf")?,
            field("idem")?
        );
        let (s, to) = post_form(
            ports[0],
            &format!("/applications/{app}/send"),
            &cookie,
            &form,
        );
        assert_eq!(s, 303, "{to}");
        let (_, text) = request(ports[0], "GET", "/api/outbox", ann, "");
        let list = json_of(&text)?;
        let raj_follow_up = list["messages"]
            .as_array()
            .ok_or("no messages")?
            .iter()
            .find(|m| m["kind"] == "follow-up" && m["to"].as_str().unwrap_or("").contains("busy@"))
            .ok_or(format!("no follow-up to Raj in {text}"))?
            .clone();
        assert_eq!(raj_follow_up["state"], "queued", "{text}");

        // Bob's own pages' forms reach none of Ann's messages: cancel, edit, retry.
        let bob_cookie = sign_in(ports[0], "bob@example.com", PASSWORD).ok_or("no session")?;
        let (s, page) = request_as(
            ports[0],
            "GET",
            "/new",
            &format!("Cookie: {bob_cookie}"),
            "",
        );
        assert_eq!(s, 200, "{page}");
        let bob_csrf = form_field(&page, "csrf").ok_or("no form token on Bob's New page")?;
        let id = raj_follow_up["id"].as_i64().ok_or("no id")?;
        for (action, extra) in [
            ("cancel", ""),
            ("edit", "&at=2026-12-30%2010%3A00"),
            ("retry", ""),
        ] {
            let form = format!("csrf={bob_csrf}&idem=bob-{action}{extra}");
            let (s, to) = post_form(
                ports[1],
                &format!("/outbox/{id}/{action}"),
                &bob_cookie,
                &form,
            );
            assert_eq!(s, 404, "{action}: {s} {to}");
        }
        let (_, after) = request(ports[0], "GET", "/api/outbox", ann, "");
        assert_eq!(json_of(&after)?, list, "Ann's outbox changed");
        Ok(())
    })
}

/// Users `1..=n`, each with one application, one contact and `per` messages queued
/// for 06:00 UTC, written as the database's owner.
fn load(url: &str, n: i64, per: i64) -> Result<(), Failed> {
    // 2026-12-04T06:00:00Z, in nanoseconds.
    let due: i64 = 1_796_364_000_000_000_000;
    let mut pg = Pg::open(url)?;
    pg.client().batch_execute(&format!(
        "INSERT INTO app_user (id, email, created_at)
           SELECT u, 'user-' || u || '@example.com', 0 FROM generate_series(1, {n}) u;
         SELECT setval('app_user_id_seq', {n});
         INSERT INTO application (id, user_id, company, role, status, created_at)
           SELECT u, u, 'Acme ' || u, 'Backend Developer', 'active', 0
             FROM generate_series(1, {n}) u;
         SELECT setval('application_id_seq', {n});
         INSERT INTO contact (id, user_id, application_id, name, email, role)
           SELECT u, u, u, 'Raj Patel', 'raj-' || u || '@acme.example', 'interviewer'
             FROM generate_series(1, {n}) u;
         SELECT setval('contact_id_seq', {n});
         INSERT INTO outbox (user_id, application_id, contact_id, kind, at, next_try, state,
             from_name, from_addr, to_name, to_addr, subject, body, message_id, created_at,
             reply_to)
           SELECT u, u, u, 'follow-up', {due}, {due}, 'queued', 'User ' || u, '{SERVICE}',
                  'Raj Patel', 'raj-' || u || '@acme.example', 'Following up',
                  'Hello Raj,' || chr(10) || chr(10) || 'Message ' || k || '.',
                  '<m-' || u || '-' || k || '@followup.example>', 0,
                  'user-' || u || '@example.com'
             FROM generate_series(1, {n}) u, generate_series(1, {per}) k;"
    ))?;
    Ok(())
}

fn three_workers_one_killed() -> Outcome {
    const USERS: i64 = 50;
    const PER: i64 = 12;
    // Before the digests' hour (08:00 UTC): only the outbox is due.
    const AT: &str = "2026-12-04T07:00:00Z";
    with_sink_and_db(|sink, db, root| {
        load(&db.url, USERS, PER)?;
        let total = usize::try_from(USERS * PER)?;
        let mut pg = Pg::open(&db.url)?;
        let spawn = |i: usize| -> Result<Child, Failed> {
            let out = std::fs::File::create(root.join(format!("worker-{i}.out")))?;
            let err = std::fs::File::create(root.join(format!("worker-{i}.err")))?;
            let mut c = followup(root, sink, &db.url, AT);
            c.args(["worker", "--json"]);
            Ok(c.stdout(Stdio::from(out))
                .stderr(Stdio::from(err))
                .spawn()?)
        };
        let started = Instant::now();
        let mut workers = Workers(Vec::new());
        for i in 0..3 {
            workers.0.push(spawn(i)?);
        }
        // Killed mid-run, once the sink has received some of the messages.
        while sink.received().len() < total / 10 {
            if started.elapsed() > Duration::from_secs(120) {
                return Err(format!(
                    "only {} messages received in two minutes\n{}",
                    sink.received().len(),
                    std::fs::read_to_string(root.join("worker-0.err")).unwrap_or_default()
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        workers.0[0].kill()?;
        workers.0[0].wait()?;
        let killed_at = sink.received().len();
        // Its server session ends as its socket closes; another worker starts.
        std::thread::sleep(Duration::from_millis(300));
        workers.0.push(spawn(3)?);
        let open = "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')";
        loop {
            let left: i64 = pg.client().query_one(open, &[])?.get(0);
            if left == 0 {
                break;
            }
            if started.elapsed() > Duration::from_secs(300) {
                return Err(format!("{left} messages still open after five minutes").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let took = started.elapsed().as_secs_f64();
        drop(workers);

        let mut received: HashMap<String, usize> = HashMap::new();
        for (name, text) in sink.received() {
            let id = header(&text, "Message-ID").ok_or_else(|| format!("no id in {name}"))?;
            *received.entry(id).or_default() += 1;
        }
        let mut reported: HashMap<String, String> = HashMap::new();
        for i in 0..4 {
            let out = std::fs::read_to_string(root.join(format!("worker-{i}.out")))?;
            // The killed worker may have been stopped mid-line.
            for line in out.lines().filter(|l| l.ends_with('}')) {
                let j = json_of(line)?;
                if j["job"] == "outbox" {
                    let id = j["id"].as_str().unwrap_or("").to_string();
                    let state = j["state"].as_str().unwrap_or("").to_string();
                    // A message is reported once, whoever reports it.
                    assert!(reported.insert(id.clone(), state).is_none(), "{id} twice");
                }
            }
        }
        let rows = pg
            .client()
            .query("SELECT id, message_id, state FROM outbox ORDER BY id", &[])?;
        assert_eq!(rows.len(), total);
        let mut unknown = 0;
        for r in &rows {
            let (id, message_id, state): (i64, String, String) = (r.get(0), r.get(1), r.get(2));
            let got = received.get(&message_id).copied().unwrap_or(0);
            match state.as_str() {
                "sent" => assert_eq!(got, 1, "message {id} received {got} times"),
                "unknown" => {
                    unknown += 1;
                    assert!(got <= 1, "message {id} received {got} times");
                    assert_eq!(
                        reported.get(&id.to_string()).map(String::as_str),
                        Some("unknown"),
                        "message {id}'s unknown was not reported"
                    );
                }
                other => return Err(format!("message {id}: {other}").into()),
            }
        }
        // The killed worker held at most one message at a time.
        assert!(unknown <= 1, "{unknown} unknown");
        // Each ending recorded once for /metrics.
        let mut want = vec![("sent".to_string(), i64::try_from(total - unknown)?)];
        if unknown > 0 {
            want.push(("unknown".to_string(), i64::try_from(unknown)?));
        }
        assert_eq!(pg.send_figures(jiff::Timestamp::UNIX_EPOCH)?, want);
        assert!(received.values().all(|&n| n == 1));
        eprintln!(
            "{total} messages of {USERS} users in {took:.1} s by three workers (one killed \
             after {killed_at} received, a fourth started): {:.0} a second; {unknown} unknown",
            total as f64 / took
        );
        Ok(())
    })
}
