//! The tracker keeps every fact and plans faithfully to them: rounds keep their own
//! thank-yous, a closed application stays closed unless reopened, facts are recorded
//! with advice as warnings, a round without names still says whom to thank, a new
//! round keeps the application's zone, and "today" holds only what can be done today.

use assert_cmd::Command;
use serde_json::Value;

mod common;
use common::{ok, refused};

/// The first round: Tuesday Dec 1 2026, 10:00 New York, with Ann; now is that evening.
const NOW: &str = "2026-12-01T18:00:00-05:00";

fn home() -> common::Home {
    common::Home::new(NOW)
}

fn add(h: &common::Home, extra: &[&str]) -> i64 {
    let out = ok(h
        .cmd()
        .args([
            "add",
            "--company",
            "Acme",
            "--role",
            "Engineer",
            "--at",
            "2026-12-01 10:00",
            "--tz",
            "America/New_York",
            "--region",
            "US-NY",
            "--json",
        ])
        .args(extra));
    serde_json::from_str::<Value>(&out).unwrap()["id"]
        .as_i64()
        .unwrap()
}

fn agenda(h: &common::Home, now: &str) -> Vec<Value> {
    let v = h.json(["agenda", "--json", "--days", "14", "--now", now]);
    v["items"].as_array().unwrap().clone()
}

fn thank_yous(items: &[Value]) -> Vec<(String, String)> {
    items
        .iter()
        .filter(|i| i["kind"] == "thank_you")
        .map(|i| {
            (
                i["to"].as_str().unwrap_or("").to_string(),
                i["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn stderr_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_new_round_keeps_the_last_rounds_unsent_thank_yous() {
    let h = home();
    let id = add(&h, &["--interviewer", "Ann Lee <ann@acme.com>"]).to_string();
    ok(h.cmd().args([
        "interview",
        &id,
        "--at",
        "2026-12-08 10:00",
        "--tz",
        "America/New_York",
        "--interviewer",
        "Bo Chen <bo@acme.com>",
    ]));
    // That evening Ann's thank-you is still due; Bo's round is a week away.
    let items = agenda(&h, NOW);
    assert_eq!(
        thank_yous(&items),
        [
            ("Ann Lee".to_string(), "due".to_string()),
            ("Bo Chen".to_string(), "upcoming".to_string())
        ],
        "{items:#?}"
    );
    // `show` and `export` carry it too.
    let show = h.json(["show", &id, "--json"]);
    assert!(show.to_string().contains("Ann Lee"), "{show}");
    let ics = h.path().join("plan.ics");
    ok(h.cmd().args(["export", "--ics", ics.to_str().unwrap()]));
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(text.contains("Thank-you to Ann Lee"), "{text}");
    assert!(text.contains("Thank-you to Bo Chen"), "{text}");
    // Logged: gone. Once the second round has started, a missed one is too late.
    ok(h.cmd().args(["log", &id, "thank-you", "--to", "Ann"]));
    assert_eq!(
        thank_yous(&agenda(&h, NOW)),
        [("Bo Chen".to_string(), "upcoming".to_string())]
    );
}

#[test]
fn a_round_on_a_closed_application_needs_reopen_and_is_recorded() {
    let h = home();
    let id = add(&h, &["--interviewer", "Ann Lee <ann@acme.com>"]).to_string();
    ok(h.cmd().args(["log", &id, "thank-you"]));
    ok(h.cmd().args(["outcome", &id, "rejected"]));
    let before = h.json(["show", &id, "--json"]);
    let err = refused(h.cmd().args(["interview", &id, "--at", "2026-12-08 10:00"]));
    assert!(
        err.contains("closed (rejected)") && err.contains("--reopen"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(h.json(["show", &id, "--json"]), before, "nothing written");
    // The feedback request stays while it is closed.
    let kinds: Vec<_> = agenda(&h, NOW)
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["feedback_request"]);

    let out = h.json([
        "interview",
        &id,
        "--at",
        "2026-12-08 10:00",
        "--reopen",
        "--json",
    ]);
    assert!(out["reopened"].is_i64(), "{out}");
    let show = h.json(["show", &id, "--json"]);
    assert_eq!(
        show["application"]["application"]["status"], "active",
        "{show}"
    );
    assert!(show.to_string().contains("reopened"), "{show}");
    let items = agenda(&h, "2026-12-08T18:00:00-05:00");
    let kinds: Vec<_> = items
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["thank_you", "follow_up"], "{items:#?}");
}

#[test]
fn facts_are_recorded_and_advice_is_a_warning() {
    let h = home();
    let id = add(&h, &["--interviewer", "Ann Lee <ann@acme.com>"]).to_string();
    // A thank-you during the interview: recorded, with a warning (T1).
    let err = stderr_of(
        h.cmd()
            .args(["log", &id, "thank-you", "--at", "2026-12-01 10:30"]),
    );
    assert!(err.contains("warning") && err.contains("T1"), "{err}");
    // Before the interview started: impossible, refused.
    let err = refused(
        h.cmd()
            .args(["log", &id, "thank-you", "--at", "2026-12-01 09:00"]),
    );
    assert!(err.contains("before the first interview"), "{err}");
    // Three follow-ups and a call: each recorded, the third with "T5".
    let later = "2026-12-20T12:00:00-05:00";
    for kind in ["follow-up", "final-follow-up"] {
        ok(h.cmd().args(["log", &id, kind, "--now", later]));
    }
    let out = h
        .cmd()
        .args(["log", &id, "call", "--now", later, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("T5: more than two follow-ups"), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["warnings"][0].as_str().unwrap().starts_with("T5"), "{v}");
    let show = h.json(["show", &id, "--json"]);
    let calls = show["application"]["touchpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "call")
        .count();
    assert_eq!(calls, 1, "the call is in the record: {show}");
    // Never a third follow-up planned.
    let kinds: Vec<_> = agenda(&h, later)
        .iter()
        .map(|i| i["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["move_on"]);
}

#[test]
fn a_round_without_interviewers_says_whom_to_thank() {
    let h = home();
    let id = add(&h, &[]).to_string();
    let out = h.run(["agenda", "--now", NOW]);
    assert!(
        out.contains(&format!(
            "Thank-you to your interviewers (no names yet: add them with `followup contact add {id}"
        )),
        "{out}"
    );
    assert!(!out.contains("Thank-you:"), "{out}");
}

#[test]
fn a_new_round_keeps_the_applications_zone() {
    let h = home();
    let id = add(&h, &["--interviewer", "Ann Lee <ann@acme.com>"]).to_string();
    // No --tz and none configured: the application's zone (New York).
    let v = h.json(["interview", &id, "--at", "2026-12-08 10:00", "--json"]);
    assert_eq!(v["tz"], "America/New_York", "{v}");
    let show = h.json(["show", &id, "--json"]);
    let starts: Vec<_> = show["application"]["interviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["start"].as_str().unwrap().to_string())
        .collect();
    assert!(
        starts.contains(&"2026-12-08T15:00:00Z".to_string()),
        "{starts:?}"
    );
    // A third round held in London changes only that round: the recipient stays in
    // New York, so the follow-up lands in New York business hours.
    ok(h.cmd().args([
        "interview",
        &id,
        "--at",
        "2026-12-10 15:00",
        "--tz",
        "Europe/London",
    ]));
    let items = agenda(&h, "2026-12-10T18:00:00Z");
    let follow = items.iter().find(|i| i["kind"] == "follow_up").unwrap();
    let due = follow["due"].as_str().unwrap();
    assert!(due.ends_with("-05:00"), "planned in New York: {due}");
}

#[test]
fn today_holds_only_what_can_be_done_today() {
    let h = home();
    ok(h.cmd().env("FOLLOWUP_TZ", "America/New_York").args([
        "add",
        "--company",
        "Acme",
        "--role",
        "Engineer",
        "--at",
        "2026-12-02 10:00",
        "--interviewer",
        "Ann Lee",
    ]));
    // The evening before the interview: the thank-you opens tomorrow, not today.
    let out = h
        .cmd()
        .env("FOLLOWUP_TZ", "America/New_York")
        .args(["agenda", "--now", "2026-12-01T20:00:00-05:00"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("Tomorrow (1)"), "{text}");
    assert!(!text.contains("Today"), "{text}");
    let v: Value = serde_json::from_slice(
        &h.cmd()
            .env("FOLLOWUP_TZ", "America/New_York")
            .args(["agenda", "--json", "--now", "2026-12-02T12:00:00-05:00"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["items"][0]["group"], "due_now", "{v}");
}
