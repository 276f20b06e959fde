//! A custom holiday calendar adds to a region's holidays (a company's closure days on
//! top of US-NY) unless it says it replaces them.

use serde_json::Value;

mod common;
use common::{refused, Home};

/// Acme closes on the Friday after Thanksgiving 2026.
const CLOSURES: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Acme//Closures//EN\r\n\
BEGIN:VEVENT\r\nUID:closure-1@acme.example\r\nDTSTAMP:20260101T000000Z\r\n\
DTSTART;VALUE=DATE:20261127\r\nSUMMARY:Acme closure\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/// A Tuesday Nov 24 interview in New York; the follow-up without a stated timeline
/// opens 3 business days later (T3): Wed 25, then past Thanksgiving (Thu 26) and the
/// closure (Fri 27), Mon 30 and Tue Dec 1.
const PLAN: [&str; 9] = [
    "plan",
    "--at",
    "2026-11-24 10:00",
    "--tz",
    "America/New_York",
    "--region",
    "acme",
    "--json",
    "--duration=45m",
];

fn follow_up_earliest(h: &Home) -> (String, String) {
    let v: Value = h.json(PLAN);
    let step = &v["steps"][1];
    (
        step["earliest"].as_str().unwrap().to_string(),
        step["why"].to_string(),
    )
}

fn import(h: &Home, extra: &[&str]) -> Value {
    let file = h.file("closures.ics", CLOSURES);
    let mut cmd = h.cmd();
    cmd.args(["holidays", "import", "--name", "acme", "--json"])
        .args(extra)
        .arg(file);
    serde_json::from_str(&common::ok(&mut cmd)).unwrap()
}

#[test]
fn a_closure_day_on_top_of_us_ny_also_skips_thanksgiving() {
    let h = Home::new("2026-11-24T12:00:00Z");
    let v = import(&h, &["--on", "us-ny"]);
    assert_eq!(
        (v["base"].as_str(), v["replaces"].as_bool()),
        (Some("US-NY"), Some(false))
    );
    let (earliest, why) = follow_up_earliest(&h);
    assert_eq!(earliest, "2026-12-01T09:00:00-05:00", "{why}");
    let list = h.run(["holidays", "list"]);
    assert!(list.contains("US-NY"), "{list}");
}

#[test]
fn without_a_region_named_it_adds_to_the_default_one_or_the_zones() {
    let h = Home::new("2026-11-24T12:00:00Z");
    import(&h, &[]);
    // No default region: America/New_York suggests US, which keeps Thanksgiving.
    let (earliest, why) = follow_up_earliest(&h);
    assert_eq!(earliest, "2026-12-01T09:00:00-05:00", "{why}");
    // An application with the calendar as its region plans the same way.
    h.run([
        "add",
        "--company",
        "Acme",
        "--role",
        "Engineer",
        "--at",
        "2026-11-24 10:00",
        "--duration",
        "45m",
        "--tz",
        "America/New_York",
        "--region",
        "acme",
    ]);
    let show: Value = h.json(["show", "1", "--json"]);
    assert_eq!(show["plan"][1]["earliest"], "2026-12-01T09:00:00-05:00");
}

#[test]
fn a_calendar_that_replaces_the_holidays_stands_alone() {
    let h = Home::new("2026-11-24T12:00:00Z");
    let v = import(&h, &["--replaces"]);
    assert_eq!(v["replaces"], true);
    // Thanksgiving is a business day for it: Wed 25, Thu 26, then Mon 30.
    let (earliest, why) = follow_up_earliest(&h);
    assert_eq!(earliest, "2026-11-30T09:00:00-05:00", "{why}");

    let file = h.file("closures.ics", CLOSURES);
    let err = refused(
        h.cmd()
            .args(["holidays", "import", "--name", "acme", "--on", "Narnia"])
            .arg(&file),
    );
    assert!(err.contains("--on") && err.contains("Narnia"), "{err}");
    let err = refused(
        h.cmd()
            .args([
                "holidays",
                "import",
                "--name",
                "acme",
                "--on",
                "US",
                "--replaces",
            ])
            .arg(&file),
    );
    assert!(err.contains("--replaces"), "{err}");
}
