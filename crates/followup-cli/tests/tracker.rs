//! The tracker as a user runs it: `add`, `agenda`, `log`, `reply`, `outcome`, `list`,
//! `show`, `delete`, `backup` and `restore` through the real binary, in a clean
//! environment, with the database in a temporary directory and the clock fixed.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::{ok, refused};

/// Interview on Tuesday Dec 1 2026, 10:00 New York; "now" is two hours later.
const AT: &str = "2026-12-01 10:00";
const TZ: &str = "America/New_York";
const NOW: &str = "2026-12-01T12:00:00-05:00";

/// One user's machine: a home directory and a database inside it.
struct Env {
    home: common::Home,
}

impl std::ops::Deref for Env {
    type Target = common::Home;

    fn deref(&self) -> &common::Home {
        &self.home
    }
}

impl Env {
    fn new() -> Env {
        Env {
            home: common::Home::new(NOW),
        }
    }

    /// `add` with the usual interview and these extra flags; returns the id.
    fn add<const N: usize>(&self, company: &str, extra: [&str; N]) -> i64 {
        let out = ok(self
            .cmd()
            .args([
                "add",
                "--company",
                company,
                "--role",
                "Engineer",
                "--at",
                AT,
                "--tz",
                TZ,
                "--json",
            ])
            .args(extra));
        let v: Value = serde_json::from_str(&out).unwrap();
        v["id"].as_i64().unwrap()
    }

    /// The agenda's items at a given moment, over `days` days.
    fn agenda(&self, now: &str, days: u32) -> Vec<Value> {
        let v: Value = serde_json::from_str(&ok(self.cmd().args([
            "agenda",
            "--json",
            "--days",
            &days.to_string(),
            "--now",
            now,
        ])))
        .unwrap();
        v["items"].as_array().unwrap().clone()
    }

    /// Everything stored, as `list --all --json` shows it.
    fn everything(&self) -> Value {
        self.json(["list", "--all", "--json"])
    }
}

/// The items of one kind for one application.
fn of_kind<'a>(items: &'a [Value], app: i64, kind: &str) -> Vec<&'a Value> {
    items
        .iter()
        .filter(|i| i["application"] == app && i["kind"] == kind)
        .collect()
}

fn kinds(items: &[Value], app: i64) -> Vec<String> {
    items
        .iter()
        .filter(|i| i["application"] == app)
        .map(|i| i["kind"].as_str().unwrap().to_string())
        .collect()
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn first_run_creates_the_default_database_and_prints_the_id() {
    let env = Env::new();
    let default = env.home.path().join("data/followup/followup.sqlite");
    assert!(!default.exists());
    // No --db, no FOLLOWUP_DB: the XDG data directory, created on first use.
    let out = ok(env.bare().env("FOLLOWUP_NOW", NOW).args([
        "add",
        "--company",
        "Acme",
        "--role",
        "Engineer",
        "--at",
        AT,
        "--tz",
        TZ,
    ]));
    assert_eq!(out, "1\n", "plain `add` prints the bare id");
    assert!(default.is_file(), "created at {}", default.display());

    let out = ok(env.bare().env("FOLLOWUP_NOW", NOW).args([
        "add",
        "--company",
        "Globex",
        "--role",
        "Analyst",
        "--at",
        AT,
        "--tz",
        TZ,
        "--json",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v, serde_json::json!({ "id": 2 }));

    let list: Value = serde_json::from_str(&ok(env
        .bare()
        .env("FOLLOWUP_NOW", NOW)
        .args(["list", "--json"])))
    .unwrap();
    let companies: Vec<&str> = list["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["company"].as_str().unwrap())
        .collect();
    assert_eq!(companies, ["Acme", "Globex"]);
}

#[test]
fn db_flag_creates_the_file_where_asked() {
    let env = Env::new();
    let db = env.home.path().join("mine.sqlite");
    let out = ok(env.bare().env("FOLLOWUP_NOW", NOW).args([
        "--db",
        db.to_str().unwrap(),
        "add",
        "--company",
        "Acme",
        "--role",
        "Engineer",
        "--at",
        AT,
        "--tz",
        TZ,
        "--json",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["id"], 1);
    assert!(db.is_file());
    assert!(
        !env.home
            .path()
            .join("data/followup/followup.sqlite")
            .exists(),
        "--db replaces the default location"
    );
}

/// Every file and directory under `dir`.
fn tree(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(tree(&p));
        }
        out.push(p);
    }
    out.sort();
    out
}

#[test]
fn a_mistyped_db_path_is_an_error_not_a_new_database() {
    let env = Env::new();
    let typo = env.home.path().join("trakcer.sqlite");
    let typo_s = typo.to_str().unwrap();
    let before = tree(env.home.path());
    // Commands that only read refuse a file that does not exist, naming it and where
    // the path came from, and saying how to start one.
    for args in [
        vec!["agenda"],
        vec!["list"],
        vec!["show", "1"],
        vec!["log", "1", "thank-you"],
        vec!["export", "--ics", "-"],
        vec!["holidays", "list"],
        vec!["profile"],
        vec!["serve", "--port", "0"],
    ] {
        let msg = refused(
            env.bare()
                .env("FOLLOWUP_NOW", NOW)
                .arg("--db")
                .arg(&typo)
                .args(&args),
        );
        assert!(
            msg.contains(&format!("no database at {typo_s} (from --db)")),
            "{args:?}: {msg}"
        );
        assert!(msg.contains("followup add"), "{msg}");
    }
    let msg = refused(env.bare().env("FOLLOWUP_DB", &typo).arg("agenda"));
    assert!(msg.contains("(from FOLLOWUP_DB)"), "{msg}");
    assert_eq!(tree(env.home.path()), before, "nothing created");

    // A command that records something creates the file, but not a missing directory.
    let nested = env.home.path().join("nested/dir/mine.sqlite");
    let msg = refused(
        env.bare()
            .env("FOLLOWUP_NOW", NOW)
            .arg("--db")
            .arg(&nested)
            .args([
                "add",
                "--company",
                "Acme",
                "--role",
                "Engineer",
                "--at",
                AT,
                "--tz",
                TZ,
            ]),
    );
    assert!(
        msg.contains(&format!(
            "directory {} does not exist",
            env.home.path().join("nested/dir").display()
        )),
        "{msg}"
    );
    assert_eq!(tree(env.home.path()), before, "nothing created");
    // Nor does a restore that was not confirmed.
    let backup = env.home.path().join("empty.json");
    std::fs::write(
        &backup,
        r#"{"format": 2, "profile": null, "applications": []}"#,
    )
    .unwrap();
    refused(
        env.bare()
            .arg("--db")
            .arg(&typo)
            .arg("restore")
            .arg(&backup),
    );
    refused(
        env.bare()
            .arg("--db")
            .arg(&typo)
            .args(["profile", "--phone", "555"]),
    );
    assert!(!typo.exists());
    ok(env.bare().arg("--db").arg(&typo).args([
        "profile",
        "--name",
        "Sam Lee",
        "--email",
        "sam@example.com",
    ]));
    assert!(typo.is_file());
    let out = ok(env
        .bare()
        .env("FOLLOWUP_NOW", NOW)
        .arg("--db")
        .arg(&typo)
        .arg("list"));
    assert!(out.starts_with("No applications yet"), "{out}");
}

#[test]
fn thank_you_per_interviewer_then_follow_ups_then_move_on() {
    let env = Env::new();
    let id = env.add(
        "Acme",
        [
            "--interviewer",
            "Jane Doe <jane@acme.com>",
            "--interviewer",
            "Bob Roe <bob@acme.com>",
        ],
    );

    let items = env.agenda(NOW, 7);
    let thanks = of_kind(&items, id, "thank_you");
    assert_eq!(thanks.len(), 2, "one thank-you per interviewer: {items:#?}");
    let mut to: Vec<&str> = thanks.iter().map(|i| i["to"].as_str().unwrap()).collect();
    to.sort_unstable();
    assert_eq!(to, ["Bob Roe", "Jane Doe"]);
    for t in &thanks {
        assert_eq!(t["status"], "due", "two hours after the interview");
        assert_eq!(t["company"], "Acme");
        assert!(t["due"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .is_ok());
        assert!(!t["rules"].as_array().unwrap().is_empty());
        assert!(!t["why"].as_array().unwrap().is_empty());
    }
    for item in &items {
        for key in [
            "application",
            "company",
            "kind",
            "to",
            "due",
            "status",
            "rules",
            "why",
        ] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
    }

    // Thanking Jane removes only Jane's item.
    env.run(["log", &id.to_string(), "thank-you", "--to", "Jane"]);
    let items = env.agenda(NOW, 7);
    let thanks = of_kind(&items, id, "thank_you");
    assert_eq!(thanks.len(), 1, "{items:#?}");
    assert_eq!(thanks[0]["to"], "Bob Roe");
    env.run(["log", &id.to_string(), "thank-you", "--to", "Bob"]);
    assert!(of_kind(&env.agenda(NOW, 7), id, "thank_you").is_empty());

    // Past the follow-up date: a follow-up is due.
    let later = "2026-12-09T12:00:00-05:00";
    let items = env.agenda(later, 7);
    assert_eq!(kinds(&items, id), ["follow_up"], "{items:#?}");
    assert_eq!(items[0]["to"], Value::Null);
    assert_eq!(items[0]["status"], "due");
    ok(env
        .cmd()
        .args(["log", &id.to_string(), "follow-up", "--now", later]));

    // The final follow-up comes next.
    let later = "2026-12-22T12:00:00-05:00";
    let items = env.agenda(later, 30);
    assert_eq!(kinds(&items, id), ["final_follow_up"], "{items:#?}");
    ok(env
        .cmd()
        .args(["log", &id.to_string(), "final-follow-up", "--now", later]));

    // Unanswered: move on.
    let later = "2027-01-08T12:00:00-05:00";
    let items = env.agenda(later, 30);
    assert_eq!(kinds(&items, id), ["move_on"], "{items:#?}");

    // A third follow-up is a fact: recorded, with T5's advice as a warning, and
    // never a third one planned.
    let out = env
        .cmd()
        .args(["log", &id.to_string(), "follow-up", "--now", later])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("warning: T5"), "{err}");
    let show = env.json(["show", &id.to_string(), "--json"]);
    let sent = show["application"]["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "follow-up")
        .count();
    assert_eq!(sent, 2, "{show}");
    assert_eq!(kinds(&env.agenda(later, 30), id), ["move_on"]);
}

#[test]
fn rejection_asks_for_feedback_in_show() {
    let env = Env::new();
    let id = env.add("Acme", []);
    env.run(["outcome", &id.to_string(), "rejected"]);
    let v = env.json(["show", &id.to_string(), "--json"]);
    let kinds: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["feedback_request"], "T9, and no follow-ups");
}

#[test]
fn rejection_puts_a_feedback_request_on_the_agenda() {
    let env = Env::new();
    let id = env.add("Acme", []);
    env.run(["outcome", &id.to_string(), "rejected"]);
    let items = env.agenda("2026-12-02T09:30:00-05:00", 7);
    assert_eq!(kinds(&items, id), ["feedback_request"], "{items:#?}");
}

#[test]
fn offer_ends_the_plan() {
    let env = Env::new();
    let id = env.add("Acme", ["--interviewer", "Jane Doe <jane@acme.com>"]);
    assert!(!kinds(&env.agenda(NOW, 7), id).is_empty());
    env.run(["outcome", &id.to_string(), "offer"]);
    for now in [
        NOW,
        "2026-12-09T12:00:00-05:00",
        "2027-01-08T12:00:00-05:00",
    ] {
        assert!(kinds(&env.agenda(now, 60), id).is_empty(), "at {now}");
    }
    let v = env.json(["show", &id.to_string(), "--json"]);
    assert_eq!(v["items"], serde_json::json!([]));
}

#[test]
fn a_reply_cancels_follow_ups() {
    let env = Env::new();
    let id = env.add("Acme", []);
    env.run(["log", &id.to_string(), "thank-you"]);
    assert_eq!(
        kinds(&env.agenda("2026-12-09T12:00:00-05:00", 7), id),
        ["follow_up"]
    );
    env.run(["reply", &id.to_string()]);
    for now in [
        "2026-12-09T12:00:00-05:00",
        "2026-12-22T12:00:00-05:00",
        "2027-01-08T12:00:00-05:00",
    ] {
        assert!(
            kinds(&env.agenda(now, 60), id).is_empty(),
            "nothing pending after a reply at {now}"
        );
    }
}

#[test]
fn a_reply_with_a_new_timeline_replans_from_it() {
    let env = Env::new();
    let id = env.add("Acme", []);
    env.run(["log", &id.to_string(), "thank-you"]);
    ok(env.cmd().args([
        "reply",
        &id.to_string(),
        "--decision",
        "by December 18",
        "--now",
        "2026-12-03T12:00:00-05:00",
    ]));
    let items = env.agenda("2026-12-03T12:00:00-05:00", 60);
    let follow = of_kind(&items, id, "follow_up");
    assert_eq!(follow.len(), 1, "{items:#?}");
    let earliest = follow[0]["earliest"]
        .as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .unwrap();
    let decision: jiff::Timestamp = "2026-12-19T00:00:00-05:00".parse().unwrap();
    assert!(
        earliest >= decision,
        "follow-up opens after Dec 18, not {earliest}"
    );
    assert_eq!(follow[0]["status"], "upcoming");
    // Nothing due in between.
    assert!(kinds(&env.agenda("2026-12-10T12:00:00-05:00", 1), id).is_empty());
}

#[test]
fn bad_input_is_one_line_exit_two_and_writes_nothing() {
    let env = Env::new();
    let id = env.add("Acme", ["--interviewer", "Jane Doe <jane@acme.com>"]);
    env.run(["log", &id.to_string(), "thank-you", "--to", "Jane"]);
    let before = env.everything();
    let backup = env.home.path().join("before.json");
    env.run(["backup", backup.to_str().unwrap()]);
    let id = id.to_string();

    let add = |extra: &[&str]| {
        let mut c = env.cmd();
        c.args(["add", "--role", "Engineer", "--tz", TZ])
            .args(extra);
        c
    };
    let cases: Vec<(&str, Command)> = vec![
        ("show 999", {
            let mut c = env.cmd();
            c.args(["show", "999"]);
            c
        }),
        ("log 999", {
            let mut c = env.cmd();
            c.args(["log", "999", "thank-you"]);
            c
        }),
        ("unknown log kind", {
            let mut c = env.cmd();
            c.args(["log", &id, "wave"]);
            c
        }),
        ("unknown outcome", {
            let mut c = env.cmd();
            c.args(["outcome", &id, "hired"]);
            c
        }),
        ("unknown contact", {
            let mut c = env.cmd();
            c.args(["log", &id, "thank-you", "--to", "Nobody"]);
            c
        }),
        ("bad --at on log", {
            let mut c = env.cmd();
            c.args(["log", &id, "follow-up", "--at", "next tuesday-ish"]);
            c
        }),
        (
            "bad --at on add",
            add(&["--company", "Globex", "--at", "tomorrow-ish"]),
        ),
        (
            "bad email",
            add(&[
                "--company",
                "Globex",
                "--at",
                AT,
                "--interviewer",
                "Jane <not-an-email>",
            ]),
        ),
        (
            "control character",
            add(&["--company", "Ac\u{7}me", "--at", AT]),
        ),
        (
            "control character in a name",
            add(&[
                "--company",
                "Globex",
                "--at",
                AT,
                "--interviewer",
                "Ja\u{1b}ne <jane@globex.com>",
            ]),
        ),
    ];
    for (what, mut cmd) in cases {
        let line = refused(&mut cmd);
        assert!(line.len() > "error: ".len() + 5, "{what}: {line:?}");
        assert_eq!(env.everything(), before, "{what} wrote nothing");
    }

    let after = env.home.path().join("after.json");
    env.run(["backup", after.to_str().unwrap()]);
    assert_eq!(bytes(&backup), bytes(&after), "backups identical");
}

#[test]
fn a_file_that_is_not_a_database_is_left_untouched() {
    let env = Env::new();
    let file = env.home.path().join("notes.txt");
    std::fs::write(&file, "hello\n").unwrap();
    for args in [
        vec!["list"],
        vec!["agenda"],
        vec![
            "add",
            "--company",
            "Acme",
            "--role",
            "Engineer",
            "--at",
            AT,
            "--tz",
            TZ,
        ],
    ] {
        let out = env
            .bare()
            .env("FOLLOWUP_NOW", NOW)
            .arg("--db")
            .arg(&file)
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(
            stderr.contains("not a followup database"),
            "clear error: {stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert_eq!(bytes(&file), b"hello\n", "{args:?} left the file alone");
    }
    let names: Vec<_> = std::fs::read_dir(env.home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        ["notes.txt"],
        "no -wal, -shm or backup file beside it"
    );
}

#[test]
fn backup_and_restore_round_trip() {
    let env = Env::new();
    let a = env.add(
        "Acme",
        [
            "--interviewer",
            "Jane Doe <jane@acme.com>",
            "--decision",
            "within a week",
            "--topic",
            "caching",
        ],
    );
    let b = env.add("Globex", []);
    env.run(["log", &a.to_string(), "thank-you", "--to", "Jane"]);
    env.run(["outcome", &b.to_string(), "rejected"]);
    env.run(["profile", "--name", "Sam Poe", "--email", "sam@example.com"]);
    let before = env.everything();
    let show_before = env.json(["show", &a.to_string(), "--json"]);

    let file = env.home.path().join("backup.json");
    env.run(["backup", file.to_str().unwrap()]);
    assert!(file.is_file());

    // Restore into a fresh database: the same data comes back.
    let other = env.home.path().join("other.sqlite");
    ok(env.cmd().args([
        "--db",
        other.to_str().unwrap(),
        "restore",
        file.to_str().unwrap(),
        "--yes",
    ]));
    let restored: Value = serde_json::from_str(&ok(env.cmd().args([
        "--db",
        other.to_str().unwrap(),
        "list",
        "--all",
        "--json",
    ])))
    .unwrap();
    assert_eq!(restored, before);

    // Restore over a changed database: the changes are replaced.
    env.add("Initech", []);
    env.run(["delete", &a.to_string(), "--yes"]);
    assert_ne!(env.everything(), before);
    env.run(["restore", file.to_str().unwrap(), "--yes"]);
    assert_eq!(env.everything(), before);
    assert_eq!(env.json(["show", &a.to_string(), "--json"]), show_before);
    let p = env.json(["profile", "--json"]);
    assert_eq!(p["profile"]["email"], "sam@example.com");
}

#[test]
fn a_broken_backup_is_refused_and_changes_nothing() {
    let env = Env::new();
    env.add("Acme", ["--interviewer", "Jane Doe <jane@acme.com>"]);
    env.add("Globex", []);
    let before = env.everything();
    let db_before = env.home.path().join("db-before.json");
    env.run(["backup", db_before.to_str().unwrap()]);

    let broken = env.home.path().join("broken.json");
    for text in [
        "{\"format\": 1, \"applications\": [",
        "not json at all",
        "{\"format\": 1, \"profile\": null, \"applications\": [{}]}",
    ] {
        std::fs::write(&broken, text).unwrap();
        let line = refused(
            env.cmd()
                .args(["restore", broken.to_str().unwrap(), "--yes"]),
        );
        assert!(line.contains("broken.json"), "{line}");
        assert_eq!(env.everything(), before, "{text:?}");
        assert_eq!(bytes(&broken), text.as_bytes(), "the backup is not touched");
    }
    let db_after = env.home.path().join("db-after.json");
    env.run(["backup", db_after.to_str().unwrap()]);
    assert_eq!(bytes(&db_before), bytes(&db_after));
}

#[test]
fn twenty_parallel_adds_all_succeed() {
    let env = Env::new();
    // Created by the processes themselves: no database exists yet.
    let handles: Vec<_> = (0..20)
        .map(|n| {
            let mut cmd = env.cmd();
            cmd.args([
                "add",
                "--company",
                &format!("Company {n}"),
                "--role",
                "Engineer",
                "--at",
                AT,
                "--tz",
                TZ,
                "--interviewer",
                &format!("Person {n} <p{n}@example.com>"),
                "--json",
            ]);
            std::thread::spawn(move || cmd.output().unwrap())
        })
        .collect();
    let mut ids = Vec::new();
    for h in handles {
        let out = h.join().unwrap();
        assert!(
            out.status.success(),
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        ids.push(v["id"].as_i64().unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20, "twenty distinct ids");

    let list = env.json(["list", "--json"]);
    let apps = list["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 20);
    let mut companies: Vec<&str> = apps
        .iter()
        .map(|a| a["company"].as_str().unwrap())
        .collect();
    companies.sort_unstable();
    companies.dedup();
    assert_eq!(companies.len(), 20);
    let thanks = env
        .agenda(NOW, 7)
        .into_iter()
        .filter(|i| i["kind"] == "thank_you")
        .count();
    assert_eq!(thanks, 20, "each one complete, with its interviewer");
}

#[test]
fn delete_asks_and_refuses_without_a_terminal() {
    let env = Env::new();
    let id = env.add("Acme", []);
    let keep = env.add("Globex", []);
    let before = env.everything();
    // stdin is not a terminal under the test harness.
    let line = refused(
        env.cmd()
            .args(["delete", &id.to_string()])
            .write_stdin("y\n"),
    );
    assert!(line.contains("--yes"), "{line}");
    assert_eq!(env.everything(), before, "kept");

    let out = env.run(["delete", &id.to_string(), "--yes"]);
    assert!(out.contains(&id.to_string()), "{out}");
    let list = env.everything();
    let ids: Vec<i64> = list["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [keep]);
    refused(env.cmd().args(["show", &id.to_string()]));
}

#[test]
fn list_and_show_name_the_company_and_the_next_step() {
    let env = Env::new();
    let id = env.add("Acme", ["--interviewer", "Jane Doe <jane@acme.com>"]);

    let list = env.run(["list"]);
    assert!(list.contains("Acme"), "{list}");
    assert!(list.contains("Engineer"), "{list}");
    assert!(list.contains("thank_you"), "next step: {list}");

    let show = env.run(["show", &id.to_string()]);
    assert!(show.contains("Acme"), "{show}");
    assert!(show.contains("Jane Doe"), "{show}");
    assert!(show.contains("Thank-you"), "next step: {show}");
    assert!(show.contains("Follow-up"), "{show}");

    env.run(["log", &id.to_string(), "thank-you", "--to", "Jane"]);
    let later = "2026-12-09T12:00:00-05:00";
    let list = ok(env.cmd().args(["list", "--now", later]));
    assert!(list.contains("follow_up"), "next step moves on: {list}");
    let show = ok(env.cmd().args(["show", &id.to_string(), "--now", later]));
    assert!(show.contains("thank-you"), "history: {show}");
    assert!(show.contains("due Follow-up"), "open item: {show}");
}

#[test]
fn empty_database_says_how_to_start() {
    let env = Env::new();
    let list = env.run(["list"]);
    assert!(list.contains("followup add"), "{list}");
    let v = env.json(["agenda", "--json"]);
    assert_eq!(v, serde_json::json!({ "items": [] }));
    let v = env.json(["list", "--json"]);
    assert_eq!(v, serde_json::json!({ "applications": [] }));
}

#[test]
fn edit_moves_a_round_and_the_agenda_follows() {
    let env = Env::new();
    let id = env.add(
        "Acme",
        [
            "--decision",
            "within a week",
            "--interviewer",
            "Jane Doe <jane@acme.com>",
        ],
    );
    let sid = id.to_string();
    let round =
        |env: &Env| env.json(["show", &sid, "--json"])["application"]["interviews"][0].clone();
    // The agenda before the change (and the cache it leaves behind).
    let before = env.agenda(NOW, 14);
    let thanks = of_kind(&before, id, "thank_you");
    assert_eq!(thanks.len(), 1);
    let due_before = thanks[0]["due"].as_str().unwrap().to_string();

    // Two days later, 14:00: the decision phrase is read from the new date.
    env.run(["edit", &sid, "--at", "2026-12-03 14:00"]);
    let r = round(&env);
    assert_eq!(r["start"], "2026-12-03T19:00:00Z");
    assert_eq!(r["decision_phrase"], "within a week");
    assert_eq!(r["decision_date"], "2026-12-10");
    let after = env.agenda(NOW, 14);
    let thanks = of_kind(&after, id, "thank_you");
    assert_eq!(thanks.len(), 1, "{after:?}");
    let due_after = thanks[0]["due"].as_str().unwrap();
    assert_ne!(due_after, due_before);
    assert!(due_after.starts_with("2026-12-03"), "{due_after}");
    assert_eq!(thanks[0]["status"], "upcoming");

    // A new zone without --at keeps the wall-clock time; other fields change too.
    env.run([
        "edit",
        &sid,
        "--tz",
        "Europe/London",
        "--duration",
        "45m",
        "--round",
        "final",
        "--location",
        "https://meet.example.com/x",
    ]);
    let r = round(&env);
    assert_eq!(r["start"], "2026-12-03T14:00:00Z");
    assert_eq!(r["tz"], "Europe/London");
    assert_eq!(r["duration_minutes"], 45);
    assert_eq!(r["round"], "final");
    assert_eq!(r["location"], "https://meet.example.com/x");

    // "" clears the decision: the follow-up falls back to the no-timeline rule (T3).
    env.run(["edit", &sid, "--decision", ""]);
    let r = round(&env);
    assert_eq!(r["decision_phrase"], Value::Null);
    assert_eq!(r["decision_date"], Value::Null);
    let fu = env.agenda("2026-12-20T12:00:00Z", 30);
    let fu = of_kind(&fu, id, "follow_up");
    assert!(
        fu[0]["rules"].as_array().unwrap().iter().any(|r| r == "T3"),
        "{fu:?}"
    );
}

#[test]
fn a_refused_edit_changes_nothing() {
    let env = Env::new();
    let id = env.add("Acme", []);
    let sid = id.to_string();
    let show = || env.json(["show", &sid, "--json"])["application"].clone();
    let before = show();
    let msg = refused(env.cmd().args(["edit", &sid, "--at", "2026-02-30 10:00"]));
    assert!(msg.contains("2026-02-30"), "{msg}");
    let msg = refused(
        env.cmd()
            .args(["edit", &sid, "--interview", "999", "--round", "final"]),
    );
    assert!(msg.contains("no interview 999"), "{msg}");
    let msg = refused(env.cmd().args(["edit", &sid, "--tz", "Mars/Olympus"]));
    assert!(msg.contains("Mars/Olympus"), "{msg}");
    let msg = refused(
        env.cmd()
            .args(["edit", &sid, "--decision", "when the stars align"]),
    );
    assert!(msg.contains("stars"), "{msg}");
    // An application change with a refused round change: neither is written.
    refused(
        env.cmd()
            .args(["edit", &sid, "--company", "Globex", "--duration", "forever"]),
    );
    assert_eq!(show(), before);
    let msg = refused(env.cmd().args(["edit", &sid]));
    assert!(msg.contains("nothing to change"), "{msg}");
}

#[test]
fn an_agenda_window_past_the_last_instant_stays_open() {
    let env = Env::new();
    env.add("Acme", []);
    let far = env.run(["agenda", "--days", "3000000", "--json"]);
    assert!(far.contains("Acme"), "{far}");
    let late = ok(env
        .cmd()
        .args(["--now", "9999-12-30T00:00:00Z", "agenda", "--json"]));
    let v: Value = serde_json::from_str(&late).unwrap();
    assert!(v["items"].is_array());
}

#[test]
fn a_command_line_clap_refuses_is_one_line_too() {
    let env = Env::new();
    let id = env.add("Acme", []).to_string();
    for args in [
        vec!["edit", id.as_str(), "--interview", "abc"],
        vec!["edit", id.as_str(), "--cancelled", "maybe"],
        vec!["edit", id.as_str(), "--interview", "-1"],
        vec!["show", "abc"],
        vec!["agenda", "--bogus"],
    ] {
        let msg = refused(env.cmd().args(&args));
        assert!(msg.contains("(see --help)"), "{args:?}: {msg}");
    }
    // Help is still help.
    let help = env.run(["edit", "--help"]);
    assert!(help.contains("--interview"), "{help}");
}

/// Standard output and standard error of a command that must succeed.
fn both(cmd: &mut Command) -> (String, String) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn recording_commands_say_what_they_recorded() {
    let env = Env::new();
    let start = env.run(["agenda"]);
    assert!(
        start.starts_with("No applications yet.")
            && start.contains("`followup add --company")
            && start.contains("`followup import invite.ics`"),
        "{start}"
    );

    // `add` keeps the bare id on stdout for scripts; the words go to stderr.
    let (out, err) = both(env.cmd().args([
        "add",
        "--company",
        "Acme",
        "--role",
        "Backend Engineer",
        "--at",
        AT,
        "--tz",
        TZ,
        "--decision",
        "within a week",
        "--interviewer",
        "Jane Doe <jane@acme.com>",
        "--interviewer",
        "Raj Patel",
    ]));
    assert_eq!(out, "1\n");
    assert!(
        err.starts_with("Added Acme — Backend Engineer as #1"),
        "{err}"
    );

    let out = env.run([
        "log",
        "1",
        "thank-you",
        "--to",
        "Jane",
        "--at",
        "2026-12-01 11:30",
    ]);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("Logged thank-you to Jane Doe for Acme (#1) at Tue Dec 1 11:30 EST (entry #1).")
    );
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("Next: Thank-you to Raj Patel, due"),
        "{out}"
    );
    let v = env.json(["log", "1", "thank-you", "--to", "Raj", "--json"]);
    assert_eq!(v["id"], 2, "--json keeps the id: {v}");
    assert_eq!(
        (&v["application_id"], &v["to"]),
        (&1.into(), &"Raj Patel".into())
    );

    let out = env.run([
        "edit",
        "1",
        "--role",
        "Staff Engineer",
        "--at",
        "2026-12-01 09:30",
    ]);
    assert!(
        out.starts_with(
            "Updated Acme (#1): role Backend Engineer → Staff Engineer; \
             interview #1 moved to Tue Dec 1 09:30 EST.\n"
        ),
        "{out}"
    );
    let v = env.json(["edit", "1", "--role", "Staff Engineer", "--json"]);
    assert_eq!(v, serde_json::json!({ "id": 1, "changes": [] }));

    let out = env.run([
        "reply",
        "1",
        "--from",
        "Jane",
        "--decision",
        "by December 18",
    ]);
    assert!(
        out.starts_with(
            "Recorded reply from Jane Doe, Acme (#1); decision by Fri Dec 18: re-planned"
        ),
        "{out}"
    );
    assert!(out.contains("Next: Follow-up"), "{out}");

    let out = env.run(["outcome", "1", "rejected"]);
    assert!(
        out.starts_with("Recorded outcome rejected for Acme (#1): feedback request planned"),
        "{out}"
    );
    let v = env.json(["outcome", "1", "rejected", "--json"]);
    assert_eq!(
        (&v["outcome"], &v["status"]),
        (&"rejected".into(), &"rejected".into())
    );

    assert_eq!(
        env.run(["list"]),
        "No open applications (1 closed: `followup list --all`).\n"
    );

    // History in the user's zone, like every other time shown.
    let out = ok(env
        .cmd()
        .env("FOLLOWUP_TZ", "Europe/London")
        .args(["show", "1"]));
    assert!(
        out.contains("  Tue Dec 1 2026 16:30 GMT thank-you — Jane Doe"),
        "{out}"
    );
    assert!(!out.contains("UTC"), "{out}");
}

#[test]
fn delete_backup_restore_and_export_take_json() {
    let env = Env::new();
    env.add("Acme", []);
    let id = env.add("Globex", []);
    let file = env.home.path().join("b.json");
    let v = env.json(["backup", file.to_str().unwrap(), "--json"]);
    assert_eq!(v["applications"], 2);
    assert_eq!(v["file"], file.to_str().unwrap());
    let v = env.json(["delete", &id.to_string(), "--yes", "--json"]);
    assert_eq!(v, serde_json::json!({ "id": id, "deleted": true }));
    let v = env.json(["restore", file.to_str().unwrap(), "--yes", "--json"]);
    assert_eq!(v["applications"], 2);
    let ics = env.home.path().join("f.ics");
    let v = env.json(["export", "--ics", ics.to_str().unwrap(), "--json"]);
    assert!(v["events"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(v["file"], ics.to_str().unwrap());
    let msg = refused(env.cmd().args(["export", "--ics", "-", "--json"]));
    assert!(msg.contains("--ics FILE"), "{msg}");
    let v = env.json(["holidays", "list", "--json"]);
    assert_eq!(v["calendars"], serde_json::json!([]));
}

#[test]
fn a_database_url_is_refused_with_where_it_came_from_and_nothing_is_created() {
    let home = tempfile::tempdir().unwrap();
    let e = common::refused(
        common::bare(home.path())
            .current_dir(home.path())
            .args([
                "--db",
                "postgres://localhost/followup",
                "add",
                "--company",
                "Acme",
            ])
            .args([
                "--role",
                "Engineer",
                "--at",
                "2026-12-01 10:00",
                "--tz",
                "UTC",
            ]),
    );
    assert!(
        e.contains("`postgres://…` (from --db) is a PostgreSQL database")
            && e.contains("give an SQLite file path for this command"),
        "{e}"
    );
    let e = common::refused(
        common::bare(home.path())
            .current_dir(home.path())
            .env("FOLLOWUP_DB", "postgresql://sam@db.example/jobs")
            .arg("agenda"),
    );
    assert!(
        e.contains("(from FOLLOWUP_DB)") && e.contains("SQLite file"),
        "{e}"
    );
    // No directory named after the scheme, nothing under the home.
    let left: Vec<_> = std::fs::read_dir(home.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}
