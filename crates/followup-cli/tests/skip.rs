//! `followup skip` as a user runs it: a skipped step leaves the agenda, `show`'s plan,
//! the calendar export and the drafts' choice of recipient, and `--undo` plans it
//! again; bad input is one line.

use serde_json::Value;

mod common;
use common::{refused, Home};

/// The evening of a Tuesday Dec 1 2026 interview in New York.
const NOW: &str = "2026-12-01T20:00:00Z";

fn home() -> Home {
    let h = Home::new(NOW);
    h.run(["profile", "--name", "Sam Lee", "--email", "sam@example.com"]);
    h.run([
        "add",
        "--company",
        "Acme",
        "--role",
        "Backend Engineer",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
        "--region",
        "US-NY",
        "--interviewer",
        "Jane Doe <jane@acme.com>",
        "--interviewer",
        "Raj Patel <raj@acme.com>",
    ]);
    h
}

/// The agenda's items as (kind, to).
fn agenda(h: &Home) -> Vec<(String, String)> {
    let v = h.json(["agenda", "--days", "30", "--json"]);
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["to"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, t)| (k.to_string(), t.to_string()))
        .collect()
}

#[test]
fn a_skipped_step_leaves_every_plan_and_undo_brings_it_back() {
    let h = home();
    assert_eq!(
        agenda(&h),
        pairs(&[
            ("thank_you", "Jane Doe"),
            ("thank_you", "Raj Patel"),
            ("follow_up", "")
        ])
    );

    let out = h.run([
        "skip",
        "1",
        "thank-you",
        "--to",
        "Jane",
        "--note",
        "thanked her in person",
    ]);
    assert_eq!(
        out,
        "Skipped thank-you to Jane Doe of Acme (#1) (skip #1): `followup skip 1 thank-you --to \"Jane Doe\" --undo` plans it again.\n\
         Next: Thank-you to Raj Patel, due (best Tue Dec 1 12:00 EST, by Wed Dec 2 11:00 EST).\n"
    );
    assert_eq!(
        agenda(&h),
        pairs(&[("thank_you", "Raj Patel"), ("follow_up", "")])
    );
    // The draft goes to the next interviewer still owed a thank-you.
    let draft = h.run(["draft", "1", "--kind", "thank-you"]);
    assert!(draft.contains("Dear Raj"), "{draft}");
    // The calendar keeps Jane's thank-you only as cancelled.
    let ics = h.run(["export", "--ics", "-"]);
    assert!(
        ics.contains("SUMMARY:Thank-you to Jane Doe\\, Acme (no longer needed)"),
        "{ics}"
    );

    // A follow-up skipped: gone from the agenda, "skipped" in show's plan.
    let v: Value = h.json(["skip", "1", "follow_up", "--json"]);
    assert_eq!(v["action"], "skipped");
    assert_eq!(v["skip"]["step"], "follow_up");
    assert_eq!(v["skip"]["to"], Value::Null);
    assert_eq!(agenda(&h), pairs(&[("thank_you", "Raj Patel")]));
    let show = h.run(["show", "1"]);
    assert!(show.contains("Skipped\n  [1] Tue Dec 1 2026 15:00 EST thank-you to Jane Doe: thanked her in person\n  [2] Tue Dec 1 2026 15:00 EST follow-up\n"), "{show}");
    assert!(
        show.lines()
            .any(|l| l.starts_with("  Follow-up") && l.contains(" skipped [T3")),
        "{show}"
    );
    let shown = h.json(["show", "1", "--json"]);
    assert_eq!(shown["skipped"].as_array().unwrap().len(), 2);
    assert_eq!(shown["items"].as_array().unwrap().len(), 1);

    // Undo: the latest skip of that step, then nothing left to undo.
    let out = h.run(["skip", "1", "follow-up", "--undo"]);
    assert!(
        out.starts_with("Planned follow-up of Acme (#1) again (skip #2 taken back).\n"),
        "{out}"
    );
    assert_eq!(
        agenda(&h),
        pairs(&[("thank_you", "Raj Patel"), ("follow_up", "")])
    );
    assert_eq!(
        refused(h.cmd().args(["skip", "1", "follow-up", "--undo"])),
        "error: nothing to undo: no follow-up of Acme (#1) is skipped\n"
    );
    h.run(["skip", "1", "thank-you", "--to", "Jane", "--undo"]);
    assert_eq!(agenda(&h).len(), 3);

    // A reply with a new timeline after a skip plans a new follow-up.
    h.run(["skip", "1", "follow-up"]);
    assert_eq!(agenda(&h).len(), 2);
    h.cmd()
        .args([
            "reply",
            "1",
            "--decision",
            "by December 18",
            "--now",
            "2026-12-04T15:00:00Z",
        ])
        .assert()
        .success();
    let later = h.json([
        "agenda",
        "--json",
        "--days",
        "30",
        "--now",
        "2026-12-04T16:00:00Z",
    ]);
    let kinds: Vec<&str> = later["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"follow_up"), "{later}");
}

#[test]
fn bad_input_is_one_line() {
    let h = home();
    let cases: &[(&[&str], &str)] = &[
        (
            &["skip", "9", "follow-up"],
            "error: no application with id 9\n",
        ),
        (
            &["skip", "1", "followup"],
            "error: unknown step `followup` (expected one of: thank-you, follow-up, final-follow-up, move-on, feedback-request)\n",
        ),
        (
            &["skip", "1", "move-on"],
            "error: Acme (#1) has no open move-on to skip (open: thank-you to Jane Doe, thank-you to Raj Patel, follow-up)\n",
        ),
        (
            &["skip", "1", "thank-you", "--to", "Zed"],
            "error: no contact named `Zed` in application 1 (known: Jane Doe, Raj Patel)\n",
        ),
        (
            &["skip", "1", "feedback-request", "--undo"],
            "error: nothing to undo: no feedback-request of Acme (#1) is skipped\n",
        ),
    ];
    for (args, want) in cases {
        assert_eq!(&refused(h.cmd().args(*args)), want, "{args:?}");
    }
    // Skipped once, a step is no longer open to skip again.
    h.run(["skip", "1", "follow-up"]);
    assert!(refused(h.cmd().args(["skip", "1", "follow-up"]))
        .starts_with("error: Acme (#1) has no open follow-up to skip"));
}

#[test]
fn skips_survive_a_backup_and_restore() {
    let h = home();
    h.run(["skip", "1", "thank-you", "--to", "Raj"]);
    let file = h.path().join("backup.json");
    h.run(["backup", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"format\": 4"), "{text}");
    assert!(text.contains("\"skipped\""), "{text}");
    h.run(["delete", "1", "--yes"]);
    h.run(["restore", file.to_str().unwrap(), "--yes"]);
    assert_eq!(
        agenda(&h),
        pairs(&[("thank_you", "Jane Doe"), ("follow_up", "")])
    );
}
