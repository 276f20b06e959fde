//! `followup import` and `followup holidays` through the real binary, in a clean
//! environment with the database in a temporary directory and the clock fixed.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{ok, refused};

const NOW: &str = "2026-11-25T12:00:00Z";
const ME: &str = "alex.candidate@gmail.com";

fn invite(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../followup-core/tests/invites")
        .join(name)
}

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

    fn everything(&self) -> Value {
        json(&ok(self.cmd().args(["list", "--all", "--json"])))
    }
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn dry_run_json_has_the_documented_shape_and_writes_nothing() {
    let env = Env::new();
    let out = ok(env
        .cmd()
        .args(["import", "--dry-run", "--json", "--me", ME])
        .arg(invite("google.ics")));
    let v = json(&out);
    let list = v["interviews"].as_array().unwrap();
    assert_eq!(v.as_object().unwrap().len(), 1);
    assert_eq!(list.len(), 1);
    let i = &list[0];
    let mut keys: Vec<&str> = i.as_object().unwrap().keys().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "cancelled",
            "company",
            "end",
            "interviewers",
            "location",
            "sequence",
            "start",
            "title",
            "tz",
            "uid"
        ]
    );
    assert_eq!(i["cancelled"], false);
    // The documented keys come in the documented order.
    let at = |k: &str| out.find(&format!("\"{k}\":")).unwrap();
    let order = [
        "uid",
        "start",
        "end",
        "tz",
        "title",
        "location",
        "company",
        "interviewers",
    ];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{out}");
    assert_eq!(i["uid"], "4k1ddb2ovq0ptc8ed7pcl9cs3f@google.com");
    assert_eq!(i["start"], "2026-12-01T10:00:00-05:00");
    assert_eq!(i["end"], "2026-12-01T10:45:00-05:00");
    assert_eq!(i["tz"], "America/New_York");
    assert_eq!(i["title"], "Acme — Backend Engineer interview");
    assert_eq!(i["location"], "https://meet.google.com/xyz-abcd-efg");
    assert_eq!(i["company"], "Acme");
    assert_eq!(
        i["interviewers"],
        serde_json::json!([
            {"name": "Jane Doe", "email": "jane.doe@acme.com"},
            {"name": "Raj Patel", "email": "raj.patel@acme.com"}
        ])
    );
    assert!(!env.db().exists(), "a dry run creates no database");

    // UTC times: tz null, instants in Z.
    let v = json(&ok(env
        .cmd()
        .args(["import", "--dry-run", "--json", "--me", "alex@example.org"])
        .arg(invite("zoom.ics"))));
    assert_eq!(v["interviews"][0]["tz"], Value::Null);
    assert_eq!(v["interviews"][0]["start"], "2026-12-04T17:00:00Z");
    // An e-mail with a calendar part.
    let v = json(&ok(env
        .cmd()
        .args(["import", "--dry-run", "--json", "--me", "alex@example.org"])
        .arg(invite("invite.eml"))));
    assert_eq!(v["interviews"][0]["company"], "Initech");
}

#[test]
fn the_guess_is_shown_and_company_flag_wins() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["import", "--dry-run", "--me", "alex@example.org"])
        .arg(invite("calendly.ics"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("company \"Hooli\" guessed from an attendee's domain"),
        "{err}"
    );
    let v = json(&ok(env
        .cmd()
        .args(["import", "--dry-run", "--json", "--company", "Hooli Inc."])
        .arg(invite("calendly.ics"))));
    assert_eq!(v["interviews"][0]["company"], "Hooli Inc.");
}

#[test]
fn import_then_update_then_cancel_the_same_interview() {
    let env = Env::new();
    ok(env
        .cmd()
        .args(["profile", "--name", "Alex Candidate", "--email", ME]));
    let v = json(&ok(env
        .cmd()
        .args(["import", "--json"])
        .arg(invite("google.ics"))));
    let done = &v["imported"][0];
    assert_eq!(done["action"], "created");
    let app = done["application_id"].as_i64().unwrap();
    let iv = done["interview_id"].as_i64().unwrap();

    let show = json(&ok(env.cmd().args(["show", &app.to_string(), "--json"])));
    let a = &show["application"];
    assert_eq!(a["application"]["company"], "Acme");
    assert_eq!(a["application"]["role"], "Backend Engineer");
    let names: Vec<&str> = a["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    // The profile's address is the user: not an interviewer.
    assert_eq!(names, ["Jane Doe", "Raj Patel"]);
    assert_eq!(a["interviews"][0]["duration_minutes"], 45);
    assert_eq!(a["interviews"][0]["tz"], "America/New_York");

    // The same file again changes nothing and duplicates nothing.
    let v = json(&ok(env
        .cmd()
        .args(["import", "--json"])
        .arg(invite("google.ics"))));
    assert_eq!(v["imported"][0]["action"], "unchanged");
    assert_eq!(v["imported"][0]["interview_id"], iv);

    // SEQUENCE 2: moved and a new interviewer; same interview, same people reused.
    let v = json(&ok(env
        .cmd()
        .args(["import", "--json"])
        .arg(invite("update-seq2.ics"))));
    assert_eq!(v["imported"][0]["action"], "updated");
    let all = env.everything();
    assert_eq!(all["applications"].as_array().unwrap().len(), 1);
    let full = json(&ok(env.cmd().args(["show", &app.to_string(), "--json"])));
    let a = &full["application"];
    assert_eq!(a["interviews"].as_array().unwrap().len(), 1);
    assert_eq!(a["interviews"][0]["start"], "2026-12-02T19:00:00Z");
    assert_eq!(a["contacts"].as_array().unwrap().len(), 3);
    assert_eq!(
        a["interviews"][0]["interviewer_ids"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // The first version (SEQUENCE 0), arriving late, is older: it changes nothing.
    let v = json(&ok(env
        .cmd()
        .args(["import", "--json"])
        .arg(invite("google.ics"))));
    assert_eq!(v["imported"][0]["action"], "outdated");
    assert_eq!(v["imported"][0]["interview_id"], iv);
    assert_eq!(v["imported"][0]["start"], "2026-12-02T14:00:00-05:00");
    let full = json(&ok(env.cmd().args(["show", &app.to_string(), "--json"])));
    assert_eq!(
        full["application"]["interviews"][0]["start"],
        "2026-12-02T19:00:00Z"
    );
    assert_eq!(full["application"]["contacts"].as_array().unwrap().len(), 3);

    // METHOD:CANCEL marks it cancelled.
    let v = json(&ok(env
        .cmd()
        .args(["import", "--json"])
        .arg(invite("cancel.ics"))));
    assert_eq!(v["imported"][0]["action"], "cancelled");
    let full = json(&ok(env.cmd().args(["show", &app.to_string(), "--json"])));
    assert_eq!(full["application"]["interviews"][0]["cancelled"], true);

    // Another Acme interview joins the open application.
    let other = std::fs::read_to_string(invite("google.ics"))
        .unwrap()
        .replace(
            "4k1ddb2ovq0ptc8ed7pcl9cs3f@google.com",
            "second-round@google.com",
        )
        .replace("20261201T1", "20261210T1");
    let f = env.file("second.ics", &other);
    let v = json(&ok(env.cmd().args(["import", "--json"]).arg(&f)));
    assert_eq!(v["imported"][0]["action"], "added");
    assert_eq!(v["imported"][0]["application_id"], app);
    let full = json(&ok(env.cmd().args(["show", &app.to_string(), "--json"])));
    assert_eq!(
        full["application"]["interviews"].as_array().unwrap().len(),
        2
    );
    assert_eq!(
        full["application"]["contacts"].as_array().unwrap().len(),
        3,
        "people reused"
    );
}

#[test]
fn bad_input_is_one_line_exit_2_and_writes_nothing() {
    let env = Env::new();
    ok(env
        .cmd()
        .args(["profile", "--name", "Alex Candidate", "--email", ME]));
    let before = env.everything();

    let f = env.file("notes.txt", "just some notes\n");
    let e = refused(env.cmd().arg("import").arg(&f));
    assert!(e.contains("not an iCalendar file: line 1"), "{e}");

    let f = env.file(
        "empty.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
    );
    let e = refused(env.cmd().arg("import").arg(&f));
    assert!(e.contains("no event"), "{e}");

    let tz = std::fs::read_to_string(invite("google.ics"))
        .unwrap()
        .replace(
            "TZID=America/New_York:20261201T100000",
            "TZID=Nowhere/Special:20261201T100000",
        );
    let e = refused(env.cmd().arg("import").arg(env.file("tz.ics", &tz)));
    assert!(
        e.contains("unknown TZID `Nowhere/Special` at line 25"),
        "{e}"
    );

    // A million-character line.
    let long = format!(
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDESCRIPTION:{}\nEND:VEVENT\nEND:VCALENDAR\n",
        "a".repeat(1_000_000)
    );
    let e = refused(env.cmd().arg("import").arg(env.file("long.ics", &long)));
    assert!(e.contains("line 3 is too long"), "{e}");

    // 50 MB.
    let big = env.home.path().join("big.ics");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    let e = refused(env.cmd().arg("import").arg(&big));
    assert!(e.contains("too large"), "{e}");

    // Three events, the third broken: the first two are not written.
    let good = std::fs::read_to_string(invite("zoom.ics")).unwrap();
    let body = |uid: &str, start: &str| {
        good.replace(
            "20261118T174501Z-86123456789@fe80:0:0:0:1c2:3ff:fe4:5a6ens5",
            uid,
        )
        .replace("DTSTART:20261204T170000Z", &format!("DTSTART:{start}"))
        .replace("BEGIN:VCALENDAR\r\n", "")
        .replace("END:VCALENDAR\r\n", "")
    };
    let three = format!(
        "BEGIN:VCALENDAR\r\n{}{}{}END:VCALENDAR\r\n",
        body("a@x", "20261204T170000Z"),
        body("b@x", "20261204T170000Z"),
        body("c@x", "2026-12-06")
    );
    let e = refused(
        env.cmd()
            .args(["import", "--me", "alex@example.org"])
            .arg(env.file("three.ics", &three)),
    );
    assert!(e.contains("DTSTART"), "{e}");

    // Three events, the third one's company unknown (a personal address, a bare
    // title, a regional meeting link): the first two were already being written, and
    // are rolled back.
    let personal = body("c@x", "20261204T170000Z")
        .replace("SUMMARY:", "SUMMARY:Chat\r\nX-OLD-SUMMARY:")
        .replace("initech.zoom.us", "us02web.zoom.us")
        .lines()
        .filter(|l| !l.starts_with("ATTENDEE") && !l.starts_with("ORGANIZER"))
        .map(|l| format!("{l}\r\n"))
        .collect::<String>()
        .replace(
            "END:VEVENT",
            "ORGANIZER;CN=Pat:mailto:pat@gmail.com\r\nEND:VEVENT",
        );
    let three = format!(
        "BEGIN:VCALENDAR\r\n{}{}{}END:VCALENDAR\r\n",
        body("a@x", "20261204T170000Z"),
        body("b@x", "20261204T170000Z"),
        personal
    );
    let e = refused(
        env.cmd()
            .args(["import", "--me", "alex@example.org"])
            .arg(env.file("three-late.ics", &three)),
    );
    assert!(e.contains("cannot tell the company"), "{e}");
    assert_eq!(e.trim().lines().count(), 1, "{e}");

    let e = refused(
        env.cmd()
            .arg("import")
            .arg(env.home.path().join("missing.ics")),
    );
    assert!(e.contains("cannot read"), "{e}");
    assert_eq!(env.everything(), before);
}

#[test]
fn custom_holiday_calendar_moves_a_follow_up_off_a_closure_day() {
    let env = Env::new();
    let out = ok(env
        .cmd()
        .args(["holidays", "import", "--name", "acme-closures", "--json"])
        .arg(invite("closures.ics")));
    let v = json(&out);
    assert_eq!(v["days"], 3);
    let list = json(&ok(env.cmd().args(["holidays", "list", "--json"])));
    assert_eq!(list["calendars"][0]["name"], "acme-closures");
    assert_eq!(list["calendars"][0]["first"], "2026-12-07");

    // The follow-up after "within 2 business days" of Mon Nov 30 would be Mon Dec 7 (decision Wed Dec 2 + 3 days, past the weekend):
    // Dec 7 and 8 are closure days, so it moves to Wed Dec 9 and says why.
    let args = [
        "plan",
        "--at",
        "2026-11-30 10:00",
        "--tz",
        "America/New_York",
        "--decision",
        "within 2 business days",
        "--json",
    ];
    let plain = json(&ok(env.cmd().args(args)));
    let follow = |v: &Value| v["steps"][1].clone();
    assert_eq!(follow(&plain)["recommended"], "2026-12-07T10:00:00-05:00");
    let custom = json(&ok(env
        .cmd()
        .args(args)
        .args(["--region", "acme-closures"])));
    let f = follow(&custom);
    assert_eq!(custom["region"], "acme-closures");
    assert_eq!(f["recommended"], "2026-12-09T10:00:00-05:00");
    let why = f["why"].to_string();
    assert!(why.contains("Acme winter shutdown"), "{why}");

    // An application's region may name it too.
    let id = json(&ok(env.cmd().args([
        "add",
        "--company",
        "Acme",
        "--role",
        "Engineer",
        "--at",
        "2026-11-30 10:00",
        "--tz",
        "America/New_York",
        "--decision",
        "within 2 business days",
        "--region",
        "acme-closures",
        "--json",
    ])))["id"]
        .as_i64()
        .unwrap();
    let show = json(&ok(env.cmd().args(["show", &id.to_string(), "--json"])));
    assert_eq!(show["plan"][1]["recommended"], "2026-12-09T10:00:00-05:00");

    // A built-in code is not a custom name; unknown regions are still refused.
    let e = refused(
        env.cmd()
            .args(["holidays", "import", "--name", "us-ca"])
            .arg(invite("closures.ics")),
    );
    assert!(e.contains("built-in region US-CA"), "{e}");
    let e = refused(env.cmd().args(args).args(["--region", "nowhere"]));
    assert!(e.contains("unknown region `nowhere`"), "{e}");
    let e = refused(
        env.cmd()
            .args(["holidays", "import", "--name", "x"])
            .arg(invite("zoom.ics").with_extension("nope")),
    );
    assert!(e.contains("cannot read"), "{e}");
}

#[test]
fn an_agenda_read_before_an_update_follows_the_moved_interview() {
    // The first agenda keeps its plan in the agenda cache; the import that moves the
    // interview must make that plan stale, though it writes with triggers off.
    let env = Env::new();
    ok(env
        .cmd()
        .args(["profile", "--name", "Alex Candidate", "--email", ME]));
    ok(env.cmd().arg("import").arg(invite("google.ics")));
    let agenda = || {
        json(&ok(env
            .cmd()
            .env("FOLLOWUP_NOW", "2026-12-01T12:00:00Z")
            .args(["agenda", "--json"])))
    };
    let thank_you_due = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "thank_you")
            .map(|i| i["due"].as_str().unwrap().to_string())
            .collect()
    };
    let before = agenda();
    assert_eq!(
        thank_you_due(&before),
        ["2026-12-01T11:45:00-05:00", "2026-12-01T11:45:00-05:00"]
    );
    assert_eq!(
        thank_you_due(&agenda()),
        thank_you_due(&before),
        "from the cache"
    );

    ok(env.cmd().arg("import").arg(invite("update-seq2.ics")));
    // Moved to Wednesday 14:00 for an hour, with a third interviewer.
    assert_eq!(
        thank_you_due(&agenda()),
        [
            "2026-12-02T16:00:00-05:00",
            "2026-12-02T16:00:00-05:00",
            "2026-12-02T16:00:00-05:00"
        ]
    );
}

#[test]
fn an_outdated_invite_stays_outdated_after_backup_and_restore() {
    let env = Env::new();
    ok(env
        .cmd()
        .args(["profile", "--name", "Alex Candidate", "--email", ME]));
    ok(env.cmd().arg("import").arg(invite("google.ics")));
    let v = json(&ok(env
        .cmd()
        .args(["import", "--json"])
        .arg(invite("update-seq2.ics"))));
    assert_eq!(v["imported"][0]["action"], "updated");
    let app = v["imported"][0]["application_id"].as_i64().unwrap();

    // Backed up, then restored into a new database.
    let backup = env.path().join("backup.json");
    let restored = env.path().join("restored.sqlite");
    ok(env.cmd().arg("backup").arg(&backup));
    ok(env
        .cmd()
        .arg("--db")
        .arg(&restored)
        .args(["restore", "--yes"])
        .arg(&backup));

    // The first version (SEQUENCE 0) arrives late: still older than what was imported.
    let v = json(&ok(env
        .cmd()
        .arg("--db")
        .arg(&restored)
        .args(["import", "--json"])
        .arg(invite("google.ics"))));
    assert_eq!(v["imported"][0]["action"], "outdated");
    let full = json(&ok(env.cmd().arg("--db").arg(&restored).args([
        "show",
        &app.to_string(),
        "--json",
    ])));
    assert_eq!(
        full["application"]["interviews"][0]["start"], "2026-12-02T19:00:00Z",
        "the interview stays where the newer invitation put it"
    );

    // And a backup of the restored database is the same file, byte for byte.
    let again = env.path().join("again.json");
    ok(env
        .cmd()
        .arg("--db")
        .arg(&restored)
        .arg("backup")
        .arg(&again));
    assert_eq!(
        std::fs::read(&backup).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

/// Runs `cmd`, which must succeed: its standard output and standard error.
fn ok_with_notes(cmd: &mut assert_cmd::Command) -> (String, String) {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

#[test]
fn a_download_without_organiser_imports_with_what_was_guessed_and_from_where() {
    let env = Env::new();
    let (out, notes) = ok_with_notes(
        env.cmd()
            .args(["import", "--me", ME])
            .arg(invite("zoom-download.ics")),
    );
    assert!(
        out.contains("New application Northwind — Staff Engineer"),
        "{out}"
    );
    assert!(
        notes.contains("company \"Northwind\" guessed from the title"),
        "{notes}"
    );
    assert!(
        notes.contains("interviewer \"Dana Whitfield\" taken from the description"),
        "{notes}"
    );
    // An export that names no company: refused, pointing at --company, which works.
    let e = refused(
        env.cmd()
            .args(["import", "--me", ME])
            .arg(invite("weekly-moved-occurrence.ics")),
    );
    assert!(e.contains("no invitation in the file"), "{e}");
    assert!(e.contains("--company NAME"), "{e}");
    let (out, notes) = ok_with_notes(
        env.cmd()
            .args(["import", "--me", ME, "--company", "Lindqvist AB"])
            .arg(invite("weekly-moved-occurrence.ics")),
    );
    // The second week's change does not move the interview.
    assert!(out.contains("2025-09-01T09:00:00+02:00"), "{out}");
    assert!(notes.contains("repeats: its first occurrence"), "{notes}");
}

#[test]
fn a_feed_is_refused_unless_all_and_all_day_events_are_not_interviews() {
    let env = Env::new();
    let e = refused(
        env.cmd()
            .args(["import", "--me", ME])
            .arg(invite("holiday-feed.ics")),
    );
    assert!(e.contains("a calendar of 57 events (57 all-day"), "{e}");
    assert!(e.contains("--all"), "{e}");
    // With --all every event is looked at, and an all-day one is not an interview.
    let e = refused(
        env.cmd()
            .args(["import", "--all", "--me", ME])
            .arg(invite("holiday-feed.ics")),
    );
    assert!(
        e.contains("all-day event: it has a date but no time"),
        "{e}"
    );
    assert!(!env.db().exists());
}

#[test]
fn publish_to_others_is_not_an_invitation_and_errors_are_plain_words() {
    let env = Env::new();
    let published = std::fs::read_to_string(invite("google.ics"))
        .unwrap()
        .replace("METHOD:REQUEST", "METHOD:PUBLISH");
    let e = refused(
        env.cmd()
            .args(["import", "--me", "someone.else@example.org"])
            .arg(env.file("published.ics", &published)),
    );
    assert!(e.contains("METHOD:PUBLISH"), "{e}");
    assert!(e.contains("not your invitation"), "{e}");
    // The same file imports for one of its attendees.
    ok(env
        .cmd()
        .args(["import", "--dry-run", "--me", ME])
        .arg(env.file("p2.ics", &published)));

    let long = std::fs::read_to_string(invite("google.ics"))
        .unwrap()
        .replace(
            "DTEND;TZID=America/New_York:20261201T104500",
            "DTEND;TZID=America/New_York:20261231T104500",
        );
    let e = refused(
        env.cmd()
            .args(["import", "--me", ME])
            .arg(env.file("long.ics", &long)),
    );
    assert!(e.contains("it lasts 43245 minutes (30 days)"), "{e}");
    assert!(
        !e.contains("duration_minutes") && !e.contains("interviews["),
        "{e}"
    );
}

#[test]
fn latin_1_files_and_mail_parts_keep_their_accents() {
    let env = Env::new();
    let out = ok(env
        .cmd()
        .args(["import", "--dry-run", "--json", "--me", "alex@example.org"])
        .arg(invite("imip-latin1.eml")));
    let v = json(&out);
    let i = &v["interviews"][0];
    assert_eq!(i["title"], "Entretien téléphonique - Crèmerie Bélanger");
    assert_eq!(i["company"], "Crèmerie Bélanger");
    assert_eq!(i["interviewers"][0]["name"], "Hélène Côté");
    let out = ok(env
        .cmd()
        .args(["import", "--dry-run", "--json", "--me", ME])
        .arg(invite("outlook-cp1252.ics")));
    assert!(out.contains("Café – Technical interview"), "{out}");
}
