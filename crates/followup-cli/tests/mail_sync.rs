//! `followup mail sync` against a real IMAP server on loopback: Debian's dovecot,
//! started by `scripts/dovecot-test-server.sh` with a mail directory of the test's
//! own, the corpus messages appended over IMAP. Every message's flags are the same
//! before and after a sync (read-only). Without dovecot the test is reported ignored
//! with the reason, except under `CI=true`, where it must run.

use std::path::Path;
use std::process::Command;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

mod imap_server;

use imap_server::{Dovecot, Imap};

fn main() {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test("sync_is_read_only_and_proposes", || with_dovecot(scenario)),
        Trial::ignorable_test("the_worker_reads_the_mailbox_every_quarter_hour", || {
            with_dovecot(the_worker_reads_the_mailbox_every_quarter_hour)
        }),
        Trial::ignorable_test("an_offices_worker_reads_each_accounts_own_mailbox", || {
            with_dovecot(an_offices_worker_reads_each_accounts_own_mailbox)
        }),
    ];
    libtest_mimic::run(&args, tests).exit();
}

fn followup(dir: &Path, port: u16, args: &[&str]) -> String {
    followup_at(dir, port, "2026-03-28T12:00:00Z", args)
}

/// `followup ARGS` at `now`, with the mailbox of the environment (`FOLLOWUP_IMAP`, the
/// user and the password), which a single user's commands read.
fn followup_at(dir: &Path, port: u16, now: &str, args: &[&str]) -> String {
    followup_with(dir, port, now, args, &[])
}

/// [`followup_at`] with some variables set otherwise (`env`).
fn followup_with(dir: &Path, port: u16, now: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = run(dir, port, now, args, env);
    assert!(
        out.status.success(),
        "followup {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The process of [`followup_with`], whatever its exit.
fn run(
    dir: &Path,
    port: u16,
    now: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_followup"))
        .args(args)
        .env("FOLLOWUP_DB", dir.join("db.sqlite"))
        .env("FOLLOWUP_CONFIG", dir.join("config.toml"))
        .env("FOLLOWUP_NOW", now)
        .env("FOLLOWUP_IMAP", format!("imap://127.0.0.1:{port}"))
        .env("FOLLOWUP_MAIL_USER", "sam")
        .env("FOLLOWUP_MAIL_PASSWORD", "secret")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .unwrap()
}

/// Runs `scenario` with a dovecot of its own (in a directory of its own, on a port of
/// its own), or reports why it cannot.
fn with_dovecot(scenario: fn(&Path, u16)) -> Result<Completion, Failed> {
    if let Some(why) = imap_server::missing() {
        if std::env::var("CI").as_deref() == Ok("true") {
            return Err(why.into());
        }
        return Ok(Completion::ignored_with(format!("skipped: {why}")));
    }
    let dir = tempfile::tempdir().unwrap();
    let server = Dovecot::start(&dir.path().join("imap"));
    let result = std::panic::catch_unwind(|| scenario(dir.path(), server.port));
    drop(server);
    match result {
        Ok(()) => Ok(Completion::Completed),
        Err(e) => Err(e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
            .into()),
    }
}

fn scenario(dir: &Path, port: u16) {
    std::fs::write(dir.join("config.toml"), "tz = \"America/New_York\"\n").unwrap();
    let f = |args: &[&str]| followup(dir, port, args);
    three_applications(&f);

    // The corpus, appended over IMAP: every other message already read, some flagged.
    let mut imap = Imap::connect(port);
    let n = imap.append_corpus();
    let before = (imap.flags("INBOX"), imap.flags("Sent"));
    assert_eq!(before.0.len() + before.1.len(), n);

    let first: serde_json::Value = serde_json::from_str(&f(&["mail", "sync", "--json"])).unwrap();
    assert_eq!(first["fetched"], n, "{first}");
    // The corpus's messages of these three applications: Acme 9, Northwind 6, Hooli 4.
    assert_eq!(first["proposals"], 19, "{first}: {}", f(&["mail", "inbox"]));
    assert_eq!(first["matched"], first["proposals"], "{first}");

    let after = (imap.flags("INBOX"), imap.flags("Sent"));
    assert_eq!(before, after, "a sync changed flags");

    let again: serde_json::Value = serde_json::from_str(&f(&["mail", "sync", "--json"])).unwrap();
    assert_eq!(
        again,
        serde_json::json!({"fetched": 0, "matched": 0, "proposals": 0})
    );

    let inbox: serde_json::Value = serde_json::from_str(&f(&["mail", "inbox", "--json"])).unwrap();
    let list = inbox["proposals"].as_array().unwrap();
    assert_eq!(list.len(), 19);
    let decision = list
        .iter()
        .find(|p| p["kind"] == "decision" && p["application"] == 2)
        .expect("Northwind's decision");
    assert_eq!(decision["confidence"], "high");
    assert!(decision["evidence"]
        .as_str()
        .unwrap()
        .contains("within two weeks"));
    assert!(decision["action"]
        .as_str()
        .unwrap()
        .starts_with("followup reply 2 --at"));
    let id = decision["id"].as_i64().unwrap().to_string();
    let accepted: serde_json::Value =
        serde_json::from_str(&f(&["mail", "accept", &id, "--json"])).unwrap();
    assert_eq!(accepted["accepted"][0]["already"], false, "{accepted}");
    let twice: serde_json::Value =
        serde_json::from_str(&f(&["mail", "accept", &id, "--json"])).unwrap();
    assert_eq!(twice["accepted"][0]["already"], true);
    let show: serde_json::Value = serde_json::from_str(&f(&["show", "2", "--json"])).unwrap();
    let replies: Vec<_> = show["application"]["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "reply")
        .collect();
    assert_eq!(replies.len(), 1, "{show}");
    assert_eq!(replies[0]["decision_phrase"], "within two weeks");

    // Dismissed and applied messages are not proposed again, even read from the start.
    let other = list
        .iter()
        .find(|p| p["id"].as_i64().unwrap().to_string() != id)
        .unwrap();
    f(&[
        "mail",
        "dismiss",
        &other["id"].as_i64().unwrap().to_string(),
    ]);
    let resync: serde_json::Value =
        serde_json::from_str(&f(&["mail", "sync", "--since", "2026-01-01", "--json"])).unwrap();
    assert_eq!(resync["proposals"], 0, "{resync}");
    let left: serde_json::Value = serde_json::from_str(&f(&["mail", "inbox", "--json"])).unwrap();
    assert_eq!(left["proposals"].as_array().unwrap().len(), 17);

    assert_eq!(
        before,
        (imap.flags("INBOX"), imap.flags("Sent")),
        "flags changed"
    );
    // While a read holds the mailbox's lock (the worker's), a sync and a forget wait
    // for their turn rather than overlap it.
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("db.sqlite.mail-read-lock"))
        .unwrap();
    held.lock().unwrap();
    for args in [["mail", "sync"], ["mail", "forget"]] {
        let busy = run(dir, port, "2026-03-28T12:00:00Z", &args, &[]);
        let err = String::from_utf8_lossy(&busy.stderr);
        assert_eq!(busy.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("being read right now"), "{args:?}: {err}");
    }
    drop(held);
    let gone: serde_json::Value = serde_json::from_str(&f(&["mail", "forget", "--json"])).unwrap();
    assert_eq!(gone["forgotten"], 19);
    // The mailbox is still named (FOLLOWUP_IMAP): the worker would read it again.
    assert!(gone["note"]
        .as_str()
        .unwrap()
        .contains("remove imap to stop"));

    // A Sent folder the server does not have: refused in the server's words.
    std::fs::write(
        dir.join("config.toml"),
        "tz = \"America/New_York\"\n\n[mail]\nsent_folder = \"Nope\"\n",
    )
    .unwrap();
    let refused = run(dir, port, "2026-03-28T12:00:00Z", &["mail", "sync"], &[]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the server said: ") && err.contains("Nope") && !err.contains("Outcome"),
        "{err}"
    );
}

/// Sam's profile and three applications whose people write in the corpus: Acme
/// Robotics (Jane Doe, Tom Reyes), Northwind Health (Priya Raman, Dan Whitaker) and
/// Hooli (Ana Sousa).
fn three_applications(f: &dyn Fn(&[&str]) -> String) {
    f(&[
        "profile",
        "--name",
        "Sam Taylor",
        "--email",
        "sam.taylor@fastmail.com",
    ]);
    f(&[
        "add",
        "--company",
        "Acme Robotics",
        "--role",
        "Backend Engineer",
        "--at",
        "2026-03-02 10:00",
        "--interviewer",
        "Jane Doe <jane.doe@acmerobotics.com>",
        "--interviewer",
        "Tom Reyes <tom@acmerobotics.com>",
    ]);
    f(&[
        "add",
        "--company",
        "Northwind Health",
        "--role",
        "Data Analyst",
        "--at",
        "2026-03-03 10:00",
        "--interviewer",
        "Priya Raman <priya.raman@northwindhealth.org>",
        "--interviewer",
        "Dan Whitaker <dan.whitaker@northwindhealth.org>",
    ]);
    f(&[
        "add",
        "--company",
        "Hooli",
        "--role",
        "Frontend Developer",
        "--at",
        "2026-03-02 14:00",
        "--interviewer",
        "Ana Sousa <ana.sousa@hooli.com>",
    ]);
}

/// The mail lines of `followup worker --once --json`'s output.
fn mail_lines(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|j| j["job"] == "mail")
        .collect()
}

/// An answer from Ana of Hooli (application 3) with a decision date.
const ANA_ANSWERS: &[u8] = b"From: Ana Sousa <ana.sousa@hooli.com>\r\n\
    To: Sam Taylor <sam.taylor@fastmail.com>\r\n\
    Subject: Re: Frontend Developer interview\r\n\
    Date: Sat, 28 Mar 2026 08:10:00 -0400\r\n\
    Message-ID: <ana-28-march@hooli.com>\r\n\r\n\
    Hi Sam,\r\n\r\nThanks for checking in. We expect to make a decision by April 10.\r\n\r\n\
    Ana\r\n";

/// With an IMAP server set up, `followup worker` (and `serve`'s worker) reads the
/// mailbox at most every 15 minutes, read-only, and proposes what it found: the
/// answers wait in the Inbox without anyone pressing "Sync now".
fn the_worker_reads_the_mailbox_every_quarter_hour(dir: &Path, port: u16) {
    std::fs::write(dir.join("config.toml"), "tz = \"America/New_York\"\n").unwrap();
    let f = |args: &[&str]| followup(dir, port, args);
    three_applications(&f);
    let mut imap = Imap::connect(port);
    let n = imap.append_corpus();
    let before = (imap.flags("INBOX"), imap.flags("Sent"));
    let worker = |now: &str| followup_at(dir, port, now, &["worker", "--once", "--json"]);

    let out = worker("2026-03-28T12:00:00Z");
    let read = mail_lines(&out);
    assert_eq!(read.len(), 1, "{out}");
    assert_eq!(read[0]["id"], "sam", "{out}");
    assert_eq!(read[0]["state"], "read", "{out}");
    assert_eq!(
        read[0]["detail"],
        format!("{n} new message(s): 19 matched an application, 19 new proposal(s)"),
        "{out}"
    );
    let inbox =
        || -> serde_json::Value { serde_json::from_str(&f(&["mail", "inbox", "--json"])).unwrap() };
    assert_eq!(inbox()["proposals"].as_array().unwrap().len(), 19);
    assert_eq!(
        before,
        (imap.flags("INBOX"), imap.flags("Sent")),
        "flags changed"
    );

    // An answer arrives; five minutes on, the mailbox is not read again yet.
    imap.append("INBOX", "", ANA_ANSWERS);
    let out = worker("2026-03-28T12:05:00Z");
    assert_eq!(mail_lines(&out), Vec::<serde_json::Value>::new(), "{out}");
    // A quarter of an hour after the last read it is, and only what is new.
    let out = worker("2026-03-28T12:15:00Z");
    let read = mail_lines(&out);
    assert_eq!(read.len(), 1, "{out}");
    assert_eq!(
        read[0]["detail"], "1 new message(s): 1 matched an application, 1 new proposal(s)",
        "{out}"
    );
    let all = inbox();
    let list = all["proposals"].as_array().unwrap();
    assert_eq!(list.len(), 20, "{all}");
    assert!(
        list.iter().any(|p| p["application"] == 3
            && p["evidence"]
                .as_str()
                .is_some_and(|e| e.contains("April 10"))),
        "{all}"
    );

    // A login refused is reported without the password, and tried again at the next
    // turn, not at every minute.
    let out = followup_with(
        dir,
        port,
        "2026-03-28T12:31:00Z",
        &["worker", "--once", "--json"],
        &[("FOLLOWUP_MAIL_PASSWORD", "not-the-password")],
    );
    let read = mail_lines(&out);
    assert_eq!(read.len(), 1, "{out}");
    assert_eq!(read[0]["state"], "error", "{out}");
    assert_eq!(
        read[0]["detail"],
        "IMAP login as sam refused: the server said: [AUTHENTICATIONFAILED] Authentication failed.",
        "{out}"
    );
    assert!(
        !out.contains("not-the-password"),
        "the password was shown: {out}"
    );
    let out = worker("2026-03-28T12:32:00Z");
    assert_eq!(mail_lines(&out), Vec::<serde_json::Value>::new(), "{out}");
    assert_eq!(imap.flags("INBOX").len(), before.0.len() + 1);
}

/// In an office (`worker --multi-user`), each account's mailbox is read with that
/// account's own `[mail]` (its password from its `password_command`); the mailbox of
/// the server's environment is nobody's, so an account without its own reads none.
fn an_offices_worker_reads_each_accounts_own_mailbox(dir: &Path, port: u16) {
    let office = dir.join("office.sqlite");
    let office_s = office.to_str().unwrap();
    let in_db = |db: &str, now: &str, args: &[&str]| {
        let mut all = vec!["--db", db];
        all.extend_from_slice(args);
        followup_at(dir, port, now, &all)
    };
    // The server's settings; its environment names a mailbox (FOLLOWUP_IMAP).
    std::fs::write(dir.join("config.toml"), "tz = \"America/New_York\"\n").unwrap();
    let setup = "2026-03-28T11:00:00Z";
    for who in ["sam@example.com", "bob@example.com"] {
        in_db(office_s, setup, &["admin", "create-user", who]);
    }
    let dbs: Vec<String> = (1..=2)
        .map(|id| {
            let db = dir.join(format!("office.sqlite.users/{id}/followup.sqlite"));
            db.to_str().unwrap().to_string()
        })
        .collect();
    // What their web apps write: each job search in its own database.
    for db in &dbs {
        three_applications(&|args: &[&str]| in_db(db, setup, args));
    }
    std::fs::write(
        dir.join("office.sqlite.users/1/config.toml"),
        format!(
            "tz = \"America/New_York\"\n\n[mail]\nimap = \"imap://127.0.0.1:{port}\"\n\
             user = \"sam\"\npassword_command = \"echo secret\"\n"
        ),
    )
    .unwrap();
    // Bob names a server and nothing else: the login and password of the server's
    // environment are not his.
    std::fs::write(
        dir.join("office.sqlite.users/2/config.toml"),
        format!("[mail]\nimap = \"imap://127.0.0.1:{port}\"\n"),
    )
    .unwrap();
    let mut imap = Imap::connect(port);
    let n = imap.append_corpus();

    // The server's own environment names a mailbox no account may use: another
    // port (nothing listens there), another login, a password that is not Sam's.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("imap://127.0.0.1:{}", dead.local_addr().unwrap().port());
    drop(dead);
    let server_env = [
        ("FOLLOWUP_IMAP", dead_url.as_str()),
        ("FOLLOWUP_MAIL_USER", "office"),
        ("FOLLOWUP_MAIL_PASSWORD", "the-offices-password"),
    ];
    let worker = |now: &str| {
        let args = [
            "--db",
            office_s,
            "worker",
            "--multi-user",
            "--once",
            "--json",
        ];
        followup_with(dir, port, now, &args, &server_env)
    };
    let out = worker("2026-03-28T12:00:00Z");
    let read = mail_lines(&out);
    assert_eq!(read.len(), 2, "{out}");
    assert_eq!(read[0]["account"], 1, "{out}");
    assert_eq!(read[0]["state"], "read", "{out}");
    assert_eq!(
        read[0]["detail"],
        format!("{n} new message(s): 19 matched an application, 19 new proposal(s)"),
        "{out}"
    );
    assert_eq!(read[1]["account"], 2, "{out}");
    assert_eq!(read[1]["state"], "error", "{out}");
    assert!(
        read[1]["detail"]
            .as_str()
            .unwrap()
            .starts_with("no IMAP user"),
        "{out}"
    );
    assert!(!out.contains("the-offices-password"), "{out}");
    let waiting = |db: &str| -> usize {
        let out = in_db(db, "2026-03-28T12:00:00Z", &["mail", "inbox", "--json"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["proposals"].as_array().unwrap().len()
    };
    assert_eq!(waiting(&dbs[0]), 19);
    assert_eq!(waiting(&dbs[1]), 0);
    let out = worker("2026-03-28T12:10:00Z");
    assert_eq!(mail_lines(&out), Vec::<serde_json::Value>::new(), "{out}");
    // Bob's failed read waits twice as long before the next; Sam's comes at 12:15.
    let out = worker("2026-03-28T12:15:00Z");
    let read = mail_lines(&out);
    assert_eq!(read.len(), 1, "{out}");
    assert_eq!(read[0]["account"], 1, "{out}");
    let out = worker("2026-03-28T12:30:00Z");
    let read = mail_lines(&out);
    assert_eq!(read.len(), 2, "{out}");
    assert_eq!(read[1]["account"], 2, "{out}");
}
