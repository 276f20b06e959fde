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
//!
//! Without a PostgreSQL server, python3 or aiosmtpd, the tests are reported as ignored
//! with the reason; under CI=true they fail instead.

mod common;
#[path = "common/http.rs"]
mod http;
#[path = "../../followup-store/tests/pg_db/mod.rs"]
mod pg_db;
mod smtp_sink;

use std::path::Path;
use std::process::{Command, ExitCode};

use http::{free_port, request, Server};
use libtest_mimic::{Arguments, Failed, Trial};
use pg_db::{Outcome, TestDb};
use serde_json::{json, Value};
use smtp_sink::Sink;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![Trial::ignorable_test(
        "an_accounts_messages_leave_through_the_service_now_or_by_the_worker",
        messages_leave,
    )];
    libtest_mimic::run(&args, tests).exit_code()
}

/// A Friday, 10:00 in New York.
const NOW: &str = "2026-12-04T15:00:00Z";
const SERVICE: &str = "jobs@followup.example";

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
    let out = c.output()?;
    let stdout = String::from_utf8(out.stdout)?;
    if !out.status.success() {
        return Err(format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(stdout)
}

/// The value of header `name` of a received message.
fn header(message: &str, name: &str) -> Option<String> {
    let want = format!("{}:", name.to_ascii_lowercase());
    let mut lines = message.lines().take_while(|l| !l.is_empty()).peekable();
    while let Some(line) = lines.next() {
        if line.to_ascii_lowercase().starts_with(&want) {
            let mut v = line[want.len()..].trim().to_string();
            while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
                v.push(' ');
                v.push_str(next.trim());
                lines.next();
            }
            return Some(v);
        }
    }
    None
}

fn json_of(text: &str) -> Result<Value, Failed> {
    serde_json::from_str(text).map_err(|e| format!("{e}: {text}").into())
}

fn messages_leave() -> Outcome {
    with_sink_and_db(|sink, db, root| {
        let home = root.join("home");
        std::fs::create_dir_all(&home)?;
        let mut tokens = Vec::new();
        for who in ["ann@example.com", "bob@example.com"] {
            let mut c = followup(&home, sink, &db.url, NOW);
            c.args(["admin", "create-user", who]);
            run(c)?;
            let mut c = followup(&home, sink, &db.url, NOW);
            c.args(["admin", "token", who]);
            tokens.push(run(c)?.trim().to_string());
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
        Ok(())
    })
}
