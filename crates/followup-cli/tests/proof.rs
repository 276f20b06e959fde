//! Proof of applications: `followup export --format csv` read back with the `csv`
//! crate, and `followup report` parsed with `scraper` (html5ever, the HTML parser of
//! Servo), as a spreadsheet and a browser would read them.

use scraper::{Html, Selector};

mod common;
use common::{refused, Home};

/// Three applications in December 2026 and one in November; names with accents, a
/// company that looks like markup and one that looks like a formula.
fn home() -> Home {
    let h = Home::new("2026-12-22T17:00:00Z");
    h.run(["profile", "--name", "Sam Lee", "--email", "sam@example.com"]);
    h.run([
        "add",
        "--company",
        "Acme GmbH",
        "--role",
        "Backend Engineer",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "Europe/Berlin",
        "--round",
        "technical",
        "--interviewer",
        "Jane Doe <jane@acme.example>",
        "--interviewer",
        "José Núñez",
        "--source",
        "Bundesagentur für Arbeit",
    ]);
    h.run([
        "log",
        "1",
        "thank-you",
        "--to",
        "Jane",
        "--at",
        "2026-12-01 18:00",
    ]);
    h.run([
        "contact",
        "add",
        "1",
        "--name",
        "Petra Schmidt",
        "--role",
        "recruiter",
        "--phone",
        "+49 30 555 0100",
    ]);
    h.run([
        "add",
        "--company",
        "<script>alert(1)</script> & Co",
        "--role",
        "Data Analyst",
        "--at",
        "2026-12-03 14:00",
        "--tz",
        "America/New_York",
        "--interviewer",
        "Raj Patel",
    ]);
    h.run(["outcome", "2", "rejected", "--at", "2026-12-15 10:00"]);
    h.run([
        "add",
        "--company",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "--role=-Platform Engineer",
        "--at",
        "2026-12-08 16:00",
        "--tz",
        "Europe/London",
    ]);
    h.run([
        "add",
        "--company",
        "Vandelay Industries",
        "--role",
        "Analyst",
        "--at",
        "2026-11-10 09:00",
        "--tz",
        "America/Chicago",
    ]);
    h
}

#[test]
fn the_csv_has_a_header_and_one_row_per_event_that_reads_back() {
    let h = home();
    let text = h.run(["export", "--format", "csv"]);
    assert!(text.starts_with('\u{feff}'), "a byte order mark for Excel");
    assert!(text.contains("\r\n"));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header[0], "application_id",
        "the mark is not part of the first name"
    );
    assert_eq!(
        header,
        [
            "application_id",
            "company",
            "role",
            "status",
            "event",
            "date",
            "time",
            "time_zone",
            "contacts",
            "round",
            "details",
            "note",
            "location",
            "link",
            "source"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let of = |id: &str| rows.iter().filter(|r| &r[0] == id).collect::<Vec<_>>();
    // Acme: recorded, the interview, the thank-you.
    let acme = of("1");
    let events: Vec<&str> = acme.iter().map(|r| &r[col("event")]).collect();
    assert_eq!(events, ["interview", "thank-you", "recorded"]);
    let iv = acme[0];
    assert_eq!(&iv[col("company")], "Acme GmbH");
    assert_eq!(
        (&iv[col("date")], &iv[col("time")]),
        ("2026-12-01", "10:00 CET")
    );
    assert_eq!(&iv[col("time_zone")], "Europe/Berlin");
    assert_eq!(
        &iv[col("contacts")],
        "Jane Doe <jane@acme.example>; José Núñez"
    );
    assert_eq!(&iv[col("round")], "technical");
    assert_eq!(&iv[col("source")], "Bundesagentur für Arbeit");
    assert_eq!(&acme[1][col("contacts")], "Jane Doe <jane@acme.example>");
    // The markup is plain text in a CSV; the outcome is a row of its own.
    let other = of("2");
    assert_eq!(&other[0][col("company")], "<script>alert(1)</script> & Co");
    assert_eq!(&other[1][col("event")], "outcome");
    assert_eq!(&other[1][col("details")], "rejected");
    assert_eq!(&other[1][col("status")], "rejected");
    // Cells that a spreadsheet would run as formulas start with an apostrophe.
    let formula = of("3");
    assert_eq!(
        &formula[0][col("company")],
        "'=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    assert_eq!(&formula[0][col("role")], "'-Platform Engineer");
    assert_eq!(rows.len(), 3 + 3 + 2 + 2);

    // One application; to a file.
    let one = h.run(["export", "--format", "csv", "--application", "2"]);
    assert_eq!(one.lines().count(), 1 + 3);
    let file = h.path().join("proof.csv");
    let out = h.run([
        "export",
        "--format",
        "csv",
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.starts_with("Wrote 10 row(s) of 4 application(s)"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);

    let err = refused(h.cmd().args(["export", "--format", "xlsx"]));
    assert!(err.contains("unknown --format `xlsx`"), "{err}");
    let err = refused(h.cmd().args(["export"]));
    assert!(
        err.contains("--ics FILE") && err.contains("--format csv"),
        "{err}"
    );
}

fn texts(doc: &Html, css: &str) -> Vec<String> {
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

#[test]
fn the_report_lists_the_applications_of_the_period_escaped_and_printable() {
    let h = home();
    let html = h.run(["report", "--from", "2026-12-01", "--to", "2026-12-10"]);
    let doc = Html::parse_document(&html);
    // Acme (Dec 1), the markup company (Dec 3) and the formula one (Dec 8); Vandelay's
    // interview was in November, but it was recorded on Dec 22, after the period.
    assert_eq!(
        texts(&doc, "tr.application .company"),
        [
            "Acme GmbH",
            "<script>alert(1)</script> & Co",
            "=HYPERLINK(\"http://evil.example\",\"x\")"
        ]
    );
    // The company named like markup is text: no script element in the page.
    assert!(texts(&doc, "script").is_empty(), "{html}");
    assert!(html.contains("&#60;script&#62;alert(1)"));
    // Dates, contacts and outcome.
    let acme = texts(&doc, "tr.application:first-child .steps li");
    assert_eq!(acme.len(), 2, "{acme:?}");
    assert!(
        acme[0]
            .starts_with("2026-12-01 10:00 CET — interview (technical) with Jane Doe, José Núñez"),
        "{acme:?}"
    );
    assert!(acme[1].contains("thank-you to Jane Doe"), "{acme:?}");
    let contacts = texts(&doc, "tr.application:first-child .contacts li");
    assert!(
        contacts
            .iter()
            .any(|c| c.contains("Petra Schmidt") && c.contains("+49 30 555 0100")),
        "{contacts:?}"
    );
    // The rejection on Dec 15 is after the period, but the outcome column says it.
    assert_eq!(
        texts(&doc, "td.outcome"),
        [
            "open (no decision yet)",
            "rejected on 2026-12-15",
            "open (no decision yet)"
        ]
    );
    assert!(texts(&doc, ".period")[0].contains("2026-12-01 to 2026-12-10"));
    assert!(texts(&doc, ".who")[0].contains("Sam Lee"));
    // Printable and self-contained: A4 by default, nothing loaded from elsewhere.
    assert!(html.contains("@page { size: A4;"));
    assert!(texts(&doc, "link").is_empty() && !html.contains("src="));
    let letter = h.run(["report", "--paper", "letter"]);
    assert!(letter.contains("@page { size: letter;"));
    // Without a period: everything up to today, November included.
    let all = Html::parse_document(&letter);
    assert_eq!(texts(&all, "tr.application").len(), 4);

    let err = refused(h.cmd().args(["report", "--from", "2026-02-30"]));
    assert!(err.contains("--from `2026-02-30` is not a date"), "{err}");
    let err = refused(
        h.cmd()
            .args(["report", "--from", "2026-12-10", "--to", "2026-12-01"]),
    );
    assert!(err.contains("before it starts"), "{err}");
    let err = refused(h.cmd().args(["report", "--paper", "a3"]));
    assert!(err.contains("--paper `a3`"), "{err}");
}
