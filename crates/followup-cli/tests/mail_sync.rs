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
    let tests = vec![Trial::ignorable_test("sync_is_read_only_and_proposes", run)];
    libtest_mimic::run(&args, tests).exit();
}

fn followup(dir: &Path, port: u16, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_followup"))
        .args(args)
        .env("FOLLOWUP_DB", dir.join("db.sqlite"))
        .env("FOLLOWUP_CONFIG", dir.join("config.toml"))
        .env("FOLLOWUP_NOW", "2026-03-28T12:00:00Z")
        .env("FOLLOWUP_IMAP", format!("imap://127.0.0.1:{port}"))
        .env("FOLLOWUP_MAIL_USER", "sam")
        .env("FOLLOWUP_MAIL_PASSWORD", "secret")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "followup {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn run() -> Result<Completion, Failed> {
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
    let gone: serde_json::Value = serde_json::from_str(&f(&["mail", "forget", "--json"])).unwrap();
    assert_eq!(gone["forgotten"], 19);
}
