//! Real calendar files, not ours: every `.ics` of the test suite of Python's
//! `icalendar` package (pinned in scripts/requirements.txt; its wheel ships them under
//! `icalendar/tests/`), read from the installed package at test time rather than
//! copied into this repository, and imported as `followup import FILE` would
//! ([`followup_app::import::plan`], which reads nothing but the file and writes nothing).
//!
//! Each file must import or be refused in plain words (one line, no internal field
//! name, no Debug output), never panic; a summary says how many imported and why the
//! others were refused. A few files whose shape matters have their own expectations.
//!
//! Where python3 or the package (at the pinned version) is missing, each test is
//! reported as ignored with the reason, unless `CI=true`, where that is a failure.
//! This file has its own harness (libtest-mimic), so the skip and the summary are
//! seen without `--nocapture`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use followup_app::import::{plan, Planned};
use followup_app::settings::Settings;
use followup_app::Ctx;
use followup_core::ical::import::{parse_invites_bytes, ParseOptions};
use jiff::Timestamp;
use libtest_mimic::{Arguments, Completion, Failed, Trial};

/// The version pinned in scripts/requirements.txt: the expectations below are about
/// its files.
const PINNED: &str = "7.3.0";

/// The user's address (an attendee of none of the files).
const ME: &str = "alex@example.org";

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test(
            "every_calendar_of_the_package_imports_or_is_refused_in_plain_words",
            every_calendar_imports_or_is_refused_in_plain_words,
        ),
        Trial::ignorable_test(
            "an_outlook_zone_named_by_its_offset_follows_its_own_vtimezone",
            an_outlook_zone_named_by_its_offset_follows_its_own_vtimezone,
        ),
        Trial::ignorable_test(
            "every_calendar_of_a_file_is_read",
            every_calendar_of_a_file_is_read,
        ),
        Trial::ignorable_test(
            "non_ascii_text_is_kept_in_utf_8_and_in_windows_1252",
            non_ascii_text_is_kept_in_utf_8_and_in_windows_1252,
        ),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Ignored with the reason, or under CI a failure.
fn cannot_run(why: &str) -> Result<Completion, Failed> {
    if in_ci() {
        Err(format!("{why} (CI=true: CI must run this test)").into())
    } else {
        Ok(Completion::ignored_with(format!("skipped: {why}")))
    }
}

/// The `tests` directory of the installed package, or why there is none.
fn package_tests() -> Result<PathBuf, String> {
    let install = "`python3 -m pip install -r scripts/requirements.txt`";
    let out = Command::new("python3")
        .args([
            "-c",
            "import icalendar, os; print(icalendar.__version__); \
             print(os.path.dirname(icalendar.__file__))",
        ])
        .output()
        .map_err(|e| format!("cannot run python3 ({e}); install Python 3, then {install}"))?;
    if !out.status.success() {
        return Err(format!(
            "the Python package icalendar is not installed; {install}"
        ));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = stdout.lines();
    let version = lines.next().unwrap_or_default().trim();
    if version != PINNED {
        return Err(format!(
            "icalendar {version} is installed, these tests read the files of {PINNED}; {install}"
        ));
    }
    let dir = PathBuf::from(lines.next().unwrap_or_default().trim()).join("tests");
    if !dir.join("calendars").is_dir() {
        return Err(format!(
            "{} has no calendars/ directory (an icalendar installed without its tests?)",
            dir.display()
        ));
    }
    Ok(dir)
}

/// Every `.ics` file under `dir`, sorted.
fn ics_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "ics") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn ctx(dir: &Path) -> Ctx {
    // A database that does not exist and is never created: `plan` writes nothing.
    Ctx::new(
        Settings::default(),
        Some(dir.join("never-created.db")),
        "2026-01-05T09:00:00Z".parse::<Timestamp>().unwrap(),
    )
    .unwrap()
}

/// What `followup import FILE --me ME` (with `--company` if given) decides, or the
/// panic's message.
fn import(
    ctx: &Ctx,
    bytes: &[u8],
    label: &str,
    company: Option<&str>,
) -> Result<Result<Vec<Planned>, String>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The parser alone, as the fuzz target calls it, must not panic either.
        let _ = parse_invites_bytes(bytes, &ParseOptions::default());
        plan(ctx, bytes, label, company, Some(ME), false)
            .map(|(planned, _notes)| planned)
            .map_err(|e| e.to_string())
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

fn every_calendar_imports_or_is_refused_in_plain_words() -> Result<Completion, Failed> {
    let dir = match package_tests() {
        Ok(d) => d,
        Err(why) => return cannot_run(&why),
    };
    let tmp = tempfile::tempdir().unwrap();
    let ctx = ctx(tmp.path());
    let files = ics_files(&dir);
    let mut imported = 0usize;
    let mut interviews = 0usize;
    let mut refused: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for path in &files {
        let label = path.strip_prefix(&dir).unwrap().display().to_string();
        let bytes = std::fs::read(path).unwrap();
        match import(&ctx, &bytes, &label, None) {
            Err(panic) => problems.push(format!("{label}: panics: {panic}")),
            Ok(Ok(planned)) => {
                imported += 1;
                interviews += planned.len();
            }
            Ok(Err(msg)) => {
                if let Err(why) = plain_words(&msg, &label) {
                    problems.push(format!("{label}: {why}: {msg}"));
                }
                refused.entry(reason(&msg, &label)).or_default().push(label);
            }
        }
    }
    println!(
        "icalendar {PINNED}: {} files: {imported} imported ({interviews} interviews), {} refused",
        files.len(),
        files.len() - imported
    );
    for (why, labels) in &refused {
        println!("  {:3} {why}", labels.len());
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        files.len() >= 150,
        "only {} files in {}",
        files.len(),
        dir.display()
    );
    Ok(Completion::Completed)
}

/// Whether a refusal is in plain words: one line, and, outside the file's own text it
/// quotes (the file's name, a title in `("…")`, a line in backquotes), no Debug
/// output and no internal name.
fn plain_words(msg: &str, label: &str) -> Result<(), &'static str> {
    if msg.contains('\n') {
        return Err("more than one line");
    }
    let text = without_quotes(&msg.replace(label, "FILE"));
    if text.contains(['{', '}']) || text.contains("::") {
        return Err("Debug output");
    }
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if ["Some", "None", "Ok", "Err"].contains(&word) {
            return Err("Debug output");
        }
        if word.trim_matches('_').contains('_') {
            return Err("an internal name (snake_case)");
        }
        let camel = word
            .chars()
            .zip(word.chars().skip(1))
            .any(|(a, b)| a.is_lowercase() && b.is_uppercase());
        if camel && word != "iCalendar" {
            return Err("an internal name (CamelCase)");
        }
    }
    Ok(())
}

/// `msg` without what it quotes of the file: `("title")`, `` `line` ``.
fn without_quotes(msg: &str) -> String {
    let mut out = String::new();
    let mut rest = msg;
    loop {
        let title = rest.find("(\"").map(|i| (i, "\")"));
        let code = rest.find('`').map(|i| (i, "`"));
        let next = match (title, code) {
            (Some(a), Some(b)) => Some(if a.0 < b.0 { a } else { b }),
            (a, b) => a.or(b),
        };
        let Some((at, close)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        match after.find(close) {
            Some(end) => rest = &after[end + close.len()..],
            None => return out,
        }
    }
}

/// The reason of a refusal, without what differs from file to file (its name, lines,
/// counts, titles).
fn reason(msg: &str, label: &str) -> String {
    let msg = msg.strip_prefix(&format!("{label}: ")).unwrap_or(msg);
    let known = [
        ("not an iCalendar file", None),
        (
            "the calendar has no event",
            Some("no event (a calendar of time zones, to-dos, free/busy, ...)"),
        ),
        (
            "a calendar of ",
            Some("a feed or a calendar's export (most events all-day or without organiser): --all"),
        ),
        (
            "is an all-day event",
            Some("its one event is all-day: a date, not an interview's time"),
        ),
        (
            "has no organiser or attendee, and its title",
            Some("no organiser or attendee, and nothing names a company: --company"),
        ),
        (
            "unknown TZID",
            Some("a TZID that is no IANA or Windows zone and has no VTIMEZONE in the file"),
        ),
        (
            "END:VCALENDAR missing",
            Some("cut short: END:VCALENDAR missing"),
        ),
    ];
    for (needle, name) in known {
        if msg.contains(needle) {
            return match name {
                Some(n) => n.to_string(),
                // Say what the file starts with instead.
                None => format!(
                    "not a calendar: starts with {}",
                    msg.split('`').nth(1).unwrap_or("something else")
                ),
            };
        }
    }
    // Otherwise the message with its numbers and the file's own text left out.
    without_quotes(msg)
        .split(|c: char| c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("N")
}

/// The refusal of `followup import`, or a failure if it imports.
fn refused(ctx: &Ctx, bytes: &[u8], label: &str, company: Option<&str>) -> Result<String, Failed> {
    match import(ctx, bytes, label, company)? {
        Ok(planned) => {
            Err(format!("{label}: {} event(s) imported, not refused", planned.len()).into())
        }
        Err(e) => Ok(e),
    }
}

/// The package's file, read.
fn file(dir: &Path, rel: &str) -> Vec<u8> {
    let path = dir.join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn an_outlook_zone_named_by_its_offset_follows_its_own_vtimezone() -> Result<Completion, Failed> {
    let dir = match package_tests() {
        Ok(d) => d,
        Err(why) => return cannot_run(&why),
    };
    let tmp = tempfile::tempdir().unwrap();
    let ctx = ctx(tmp.path());
    // Outlook's "(UTC-03:00) Brasília": a TZID that is neither IANA nor a Windows zone
    // name, with its own VTIMEZONE (summer time from October to February). One event,
    // no organiser, no title: refused, pointing at --company; with it, imported at
    // 13:30 of standard time (-03:00) in May.
    let label = "issue_237.ics";
    let bytes = file(
        &dir,
        "calendars/issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics",
    );
    let e = refused(&ctx, &bytes, label, None)?;
    assert_eq!(
        e,
        "issue_237.ics: no invitation in the file: the event at line 19 (without a title) \
         has no organiser or attendee, and its title, description and meeting link do not \
         name a company: pass --company NAME to import it"
    );
    let planned = import(&ctx, &bytes, label, Some("Acme Ltda"))??;
    assert_eq!(planned.len(), 1);
    let i = &planned[0].invite;
    assert_eq!(i.start, ts("2017-05-11T16:30:00Z"));
    assert_eq!(i.end, ts("2017-05-11T17:00:00Z"));
    assert_eq!(planned[0].company, "Acme Ltda");
    // The same event in December is in summer time (-02:00).
    let december = String::from_utf8(bytes)
        .unwrap()
        .replace(":20170511T", ":20171211T");
    let planned = import(&ctx, december.as_bytes(), label, Some("Acme Ltda"))??;
    assert_eq!(planned[0].invite.start, ts("2017-12-11T15:30:00Z"));
    Ok(Completion::Completed)
}

fn every_calendar_of_a_file_is_read() -> Result<Completion, Failed> {
    let dir = match package_tests() {
        Ok(d) => d,
        Err(why) => return cannot_run(&why),
    };
    let tmp = tempfile::tempdir().unwrap();
    let ctx = ctx(tmp.path());
    // Two VCALENDARs one after the other, each with an event that has no DTSTART: the
    // refusal names the first event's line and what it lacks.
    let bytes = file(&dir, "calendars/issue_1050_multiple_calendars.ics");
    let e = refused(&ctx, &bytes, "two.ics", None)?;
    assert_eq!(e, "two.ics: event at line 4: no DTSTART");
    // Given a start, both calendars' events are read, each with its UID and title.
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace(
            "SUMMARY:Event 1\n",
            "SUMMARY:Event 1\nDTSTART:20261201T100000Z\n",
        )
        .replace(
            "SUMMARY:Event 2\n",
            "SUMMARY:Event 2\nDTSTART:20261202T100000Z\n",
        );
    let v = parse_invites_bytes(text.as_bytes(), &ParseOptions::default()).unwrap();
    let got: Vec<_> = v
        .iter()
        .map(|i| (i.uid.as_str(), i.title.as_str(), i.start))
        .collect();
    assert_eq!(
        got,
        [
            ("event1@example.com", "Event 1", ts("2026-12-01T10:00:00Z")),
            ("event2@example.com", "Event 2", ts("2026-12-02T10:00:00Z")),
        ]
    );
    // Without organiser or a company's name they are skipped, with the way out.
    let e = refused(&ctx, text.as_bytes(), "two.ics", None)?;
    assert!(
        e.contains("2 event(s) skipped") && e.contains("--company"),
        "{e}"
    );
    Ok(Completion::Completed)
}

/// `text` in Windows-1252 (Latin-1, and the euro sign at 0x80), as an older Outlook or
/// a Windows editor saves it.
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            c => u8::try_from(u32::from(c)).expect("a Latin-1 character"),
        })
        .collect()
}

fn non_ascii_text_is_kept_in_utf_8_and_in_windows_1252() -> Result<Completion, Failed> {
    let dir = match package_tests() {
        Ok(d) => d,
        Err(why) => return cannot_run(&why),
    };
    let tmp = tempfile::tempdir().unwrap();
    let ctx = ctx(tmp.path());
    // Plone's calendar with umlauts and a euro sign; its third event has no DTSTART,
    // so the file is refused, naming that event.
    let bytes = file(&dir, "calendars/created_calendar_with_unicode_fields.ics");
    let e = refused(&ctx, &bytes, "plone.ics", None)?;
    assert_eq!(e, "plone.ics: event at line 20: no DTSTART");
    // Without it, the two others read the same in UTF-8 and in Windows-1252.
    let text = String::from_utf8(bytes).unwrap();
    let cut = text.rfind("BEGIN:VEVENT").unwrap();
    let end = text.rfind("END:VCALENDAR").unwrap();
    let text = format!("{}{}", &text[..cut], &text[end..]);
    for bytes in [text.as_bytes().to_vec(), windows_1252(&text)] {
        let v = parse_invites_bytes(&bytes, &ParseOptions::default()).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].title, "Non-ASCII Test: ÄÖÜ äöü €");
        assert_eq!(v[0].location.as_deref(), Some("Tribstrül"));
        assert_eq!(v[1].title, "åäö");
        let planned = import(&ctx, &bytes, "plone.ics", Some("Plönë"))??;
        assert_eq!(planned[0].company, "Plönë");
        assert_eq!(planned[0].invite.title, "Non-ASCII Test: ÄÖÜ äöü €");
    }
    // An organiser "acme, ädmin" (Outlook's "Last, First") in an event the package
    // keeps without its VCALENDAR: a bare VEVENT is refused, saying what it starts
    // with; in a calendar, in either encoding, the organiser is "ädmin acme" and the
    // company comes from the address.
    let bytes = file(
        &dir,
        "events/issue_101_icalendar_chokes_on_umlauts_in_organizer.ics",
    );
    let e = refused(&ctx, &bytes, "umlauts.ics", None)?;
    assert_eq!(
        e,
        "umlauts.ics: not an iCalendar file: line 1 is `BEGIN:VEVENT`, expected BEGIN:VCALENDAR"
    );
    let text = format!(
        "BEGIN:VCALENDAR\nVERSION:2.0\n{}END:VCALENDAR\n",
        String::from_utf8(bytes).unwrap()
    );
    for bytes in [text.as_bytes().to_vec(), windows_1252(&text)] {
        let planned = import(&ctx, &bytes, "umlauts.ics", None)??;
        let p = &planned[0];
        assert_eq!(p.invite.title, "wichtiger termin 1");
        assert_eq!(p.invite.location.as_deref(), Some("im büro"));
        let names: Vec<_> = p.interviewers.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ädmin acme"]);
        assert_eq!(p.company, "Mydomain");
    }
    Ok(Completion::Completed)
}
