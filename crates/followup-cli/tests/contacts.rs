//! `followup contact` and `followup note` as a user runs them, and the drafts that
//! follow the record: the real binary, a clean environment, the clock fixed.

use serde_json::Value;

mod common;
use common::{refused, Home};

/// The evening of a Tuesday Dec 1 2026 interview in New York.
const NOW: &str = "2026-12-01T20:00:00Z";

/// Sam's profile and application 1 at Acme: one round with Jane (with an address)
/// and Bob (without one).
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
        "Bob Smith",
    ]);
    h
}

fn thank_you_names(h: &Home) -> Vec<String> {
    let v = h.json(["agenda", "--json"]);
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "thank_you")
        .map(|i| i["to"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_contact_added_to_a_round_gets_a_thank_you_and_is_shown() {
    let h = home();
    h.run([
        "interview",
        "1",
        "--at",
        "2026-12-03 10:00",
        "--tz",
        "America/New_York",
    ]);
    let out = h.run([
        "contact",
        "add",
        "1",
        "--name",
        "Raj Patel",
        "--email",
        "raj@acme.com",
        "--role",
        "interviewer",
        "--round",
        "2",
    ]);
    assert_eq!(
        out,
        "Added contact 3: Raj Patel (interviewer, raj@acme.com, round 2) of #1 Acme.\n"
    );
    let h2 = Home::new("2026-12-03T18:00:00Z");
    std::fs::create_dir_all(h2.db().parent().unwrap()).unwrap();
    std::fs::copy(h.db(), h2.db()).unwrap();
    assert!(thank_you_names(&h2).contains(&"Raj Patel".to_string()));
    let show = h.run(["show", "1"]);
    assert!(
        show.contains("[3] Raj Patel (interviewer) <raj@acme.com> · round 2"),
        "{show}"
    );
    assert!(show.contains("2. Thu Dec 3 2026 10:00 EST"), "{show}");

    let v = h.json([
        "contact",
        "edit",
        "1",
        "Raj",
        "--phone",
        "+1 555 0100",
        "--round",
        "1",
        "--json",
    ]);
    assert_eq!(v["action"], "changed");
    assert_eq!(v["contact"]["phone"], "+1 555 0100");
    assert_eq!(v["contact"]["rounds"], serde_json::json!([1, 2]));
}

#[test]
fn contacts_are_chosen_by_name_part_or_id_and_bad_values_name_their_flag() {
    let h = home();
    let v = h.json([
        "contact",
        "edit",
        "1",
        "2",
        "--email",
        "bob@acme.com",
        "--json",
    ]);
    assert_eq!(v["contact"]["name"], "Bob Smith");
    let v = h.json([
        "contact",
        "edit",
        "1",
        "smi",
        "--role",
        "hiring-manager",
        "--json",
    ]);
    assert_eq!(v["contact"]["role"], "hiring-manager");
    assert_eq!(v["contact"]["email"], "bob@acme.com");

    let err = refused(
        h.cmd()
            .args(["contact", "edit", "1", "Bob", "--email", "bob@"]),
    );
    assert!(err.contains("--email") && err.contains("`bob@`"), "{err}");
    let err = refused(
        h.cmd()
            .args(["contact", "add", "1", "--name", "Kim", "--role", "boss"]),
    );
    assert!(err.contains("--role `boss`"), "{err}");
    let err = refused(
        h.cmd()
            .args(["contact", "add", "1", "--name", "Kim", "--round", "2"]),
    );
    assert!(
        err.contains("--round 2: application 1 has 1 round(s)"),
        "{err}"
    );
    let err = refused(
        h.cmd()
            .args(["contact", "add", "1", "--name", "Kim", "--tz", "Mars/Base"]),
    );
    assert!(err.contains("Mars/Base") && err.contains("--tz"), "{err}");
    let err = refused(h.cmd().args(["contact", "add", "1", "--name", "jane doe"]));
    assert!(
        err.contains("already has a contact named Jane Doe"),
        "{err}"
    );
    let err = refused(
        h.cmd()
            .args(["contact", "edit", "1", "Zed", "--phone", "1"]),
    );
    assert!(err.contains("no contact named `Zed`"), "{err}");
    let err = refused(h.cmd().args(["contact", "add", "9", "--name", "Kim"]));
    assert!(err.contains("no application with id 9"), "{err}");
    // Nothing refused was written.
    let v = h.json(["show", "1", "--json"]);
    assert_eq!(v["application"]["contacts"].as_array().unwrap().len(), 2);
}

#[test]
fn removing_a_contact_never_loses_history() {
    let h = home();
    h.run(["log", "1", "thank-you", "--to", "Jane"]);
    let err = refused(h.cmd().args(["contact", "remove", "1", "Jane"]));
    assert!(
        err.contains("Jane Doe is kept: the history names them (thank-you on 2026-12-01)"),
        "{err}"
    );
    assert!(
        err.contains("followup contact edit 1 \"Jane Doe\""),
        "{err}"
    );
    let v = h.json(["show", "1", "--json"]);
    assert_eq!(v["application"]["touchpoints"][0]["contact_id"], 1);
    assert_eq!(v["application"]["contacts"][0]["name"], "Jane Doe");

    // Bob has no history: removed, and his thank-you leaves the agenda.
    assert_eq!(thank_you_names(&h), vec!["Bob Smith".to_string()]);
    let out = h.run(["contact", "remove", "1", "Bob"]);
    assert_eq!(
        out,
        "Removed contact 2: Bob Smith (interviewer, round 1) from #1 Acme.\n"
    );
    assert!(thank_you_names(&h).is_empty());
}

#[test]
fn notes_are_added_listed_with_ids_and_removed_by_id_or_text() {
    let h = home();
    let out = h.run([
        "note",
        "add",
        "1",
        "--topic",
        "event sourcing",
        "--strength",
        "Rust at scale",
        "--interview",
        "1",
    ]);
    assert_eq!(
        out,
        "Added note 1: topic \"event sourcing\" of #1 Acme (interview 1).\n\
         Added note 2: strength \"Rust at scale\" of #1 Acme (interview 1).\n"
    );
    let v = h.json([
        "note",
        "add",
        "1",
        "--question",
        "How do you deploy?",
        "--json",
    ]);
    assert_eq!(v["notes"][0]["id"], 3);
    assert_eq!(v["notes"][0]["kind"], "question");
    let show = h.run(["show", "1"]);
    assert!(
        show.contains("[1] topic (interview 1): event sourcing"),
        "{show}"
    );
    assert!(show.contains("[3] question: How do you deploy?"), "{show}");

    // The draft uses what was noted (M7).
    let d = h.json([
        "draft",
        "1",
        "--kind",
        "thank-you",
        "--to",
        "Jane",
        "--json",
    ]);
    assert!(
        d["body"].as_str().unwrap().contains("event sourcing"),
        "{d}"
    );

    let out = h.run(["note", "remove", "1", "event sourcing"]);
    assert_eq!(
        out,
        "Removed note 1: topic \"event sourcing\" of #1 Acme (interview 1).\n"
    );
    let v = h.json(["note", "remove", "1", "2", "--json"]);
    assert_eq!(v["note"]["text"], "Rust at scale");
    let err = refused(h.cmd().args(["note", "remove", "1", "event sourcing"]));
    assert!(
        err.contains("no note with the id or text `event sourcing`"),
        "{err}"
    );
    let err = refused(
        h.cmd()
            .args(["note", "add", "1", "--gap", "x", "--interview", "7"]),
    );
    assert!(err.contains("--interview 7"), "{err}");
    let err = refused(h.cmd().args(["note", "add", "1"]));
    assert!(err.contains("no note given"), "{err}");
    let v = h.json(["show", "1", "--json"]);
    assert_eq!(v["application"]["notes"].as_array().unwrap().len(), 1);
}

#[test]
fn the_thank_you_draft_goes_to_the_next_interviewer_still_owed_one() {
    let h = home();
    let first: Value = h.json(["draft", "1", "--kind", "thank-you", "--json"]);
    assert_eq!(first["to"], "Jane Doe");
    h.run(["log", "1", "thank-you", "--to", "Jane"]);
    let next: Value = h.json(["draft", "1", "--kind", "thank-you", "--json"]);
    assert_eq!(next["to"], "Bob Smith");
}

#[test]
fn a_draft_without_the_address_says_the_command_that_adds_it() {
    let h = home();
    h.run(["contact", "add", "1", "--name", "Raj Patel", "--round", "1"]);
    let err = refused(h.cmd().args([
        "draft",
        "1",
        "--kind",
        "thank-you",
        "--to",
        "Raj",
        "--format",
        "eml",
    ]));
    assert!(
        err.contains("Raj Patel has no email address")
            && err.contains("`followup contact edit 1 \"Raj Patel\" --email name@example.com`"),
        "{err}"
    );
    h.run([
        "contact",
        "edit",
        "1",
        "Raj Patel",
        "--email",
        "raj@acme.com",
    ]);
    let eml = h.run([
        "draft",
        "1",
        "--kind",
        "thank-you",
        "--to",
        "Raj",
        "--format",
        "eml",
    ]);
    assert!(eml.contains("raj@acme.com"), "{eml}");
}
