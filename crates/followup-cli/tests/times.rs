//! Every place a user types a time (`plan --at`, `add --at`, `interview --at`,
//! `log --at`, `reply --at`, `outcome --at`, `edit --at`, `--now` and
//! `FOLLOWUP_NOW`), and every place a zone comes from (`--tz`, `FOLLOWUP_TZ`,
//! `config.toml`): a bad value is refused in plain words that say where it came from;
//! a local time that does not exist or happens twice is accepted with a warning that
//! says which instant was taken.

use serde_json::Value;

mod common;
use common::{ok, refused, Home};

const NOW: &str = "2026-03-01T12:00:00Z";

/// A home with application 1 (interviewer Jane Doe), interviewed in New York.
fn tracked() -> Home {
    let h = Home::new(NOW);
    h.run([
        "add",
        "--company",
        "Acme",
        "--role",
        "Engineer",
        "--at",
        "2026-02-24 10:00",
        "--tz",
        "America/New_York",
        "--interviewer",
        "Jane Doe",
    ]);
    h
}

/// The commands that read a time from `--at`, with `at` in its place.
fn every_at(at: &str) -> Vec<Vec<String>> {
    let add = |cmd: &[&str]| -> Vec<String> {
        cmd.iter()
            .map(|s| s.to_string())
            .chain(["--at".to_string(), at.to_string()])
            .collect()
    };
    vec![
        add(&["plan", "--tz", "America/New_York"]),
        add(&[
            "add",
            "--company",
            "Initech",
            "--role",
            "R",
            "--tz",
            "America/New_York",
        ]),
        // (Before `interview`, which adds a round at the same moment.)
        add(&["edit", "1"]),
        add(&["interview", "1", "--tz", "America/New_York"]),
        add(&["log", "1", "thank-you", "--to", "Jane"]),
        add(&["reply", "1"]),
        add(&["outcome", "1", "rejected"]),
    ]
}

/// What `show 1 --json` holds: the database, to compare before and after.
fn snapshot(h: &Home) -> String {
    h.run(["show", "1", "--json"])
}

#[test]
fn an_impossible_day_says_how_many_days_the_month_has() {
    let h = tracked();
    let before = snapshot(&h);
    for args in every_at("2026-02-30 10:00") {
        let err = refused(h.cmd().args(&args));
        assert_eq!(
            err.trim_end(),
            "error: invalid --at `2026-02-30 10:00`: February 2026 has 28 days",
            "{args:?}"
        );
    }
    // The same with an offset, and in a year with a 29th.
    let err = refused(
        h.cmd()
            .args(["log", "1", "call", "--at", "2025-02-29T10:00:00Z"]),
    );
    assert!(err.contains("February 2025 has 28 days"), "{err}");
    let err = refused(h.cmd().args(["reply", "1", "--at", "2026-04-31 09:00"]));
    assert!(err.contains("April 2026 has 30 days"), "{err}");
    ok(h.cmd()
        .args(["plan", "--tz", "UTC", "--at", "2028-02-29 10:00"]));
    assert_eq!(snapshot(&h), before, "nothing was written");
}

#[test]
fn a_far_year_says_which_years_are_covered() {
    let h = tracked();
    let before = snapshot(&h);
    for at in [
        "9999-12-31 23:30",
        "9999-12-31T23:59:59Z",
        "1999-12-31 10:00",
        "2061-01-01 09:00",
    ] {
        for args in every_at(at) {
            let err = refused(h.cmd().args(&args));
            assert_eq!(
                err.trim_end(),
                format!(
                    "error: invalid --at `{at}`: years 2000–2060 only (what the planner and its holiday tables cover)"
                ),
                "{args:?}"
            );
            assert!(
                !err.contains("timestamp") && !err.contains("overflow"),
                "{err}"
            );
        }
    }
    assert_eq!(snapshot(&h), before, "nothing was written");
}

#[test]
fn other_parts_out_of_range_are_named() {
    let h = tracked();
    let cases = [
        (
            "2026-13-01 10:00",
            "there is no month 13 (months go from 01 to 12)",
        ),
        (
            "2026-12-00 10:00",
            "days start at 01 (December 2026 has 31 days)",
        ),
        ("2026-12-01 24:00", "hours go from 00 to 23"),
        ("2026-12-01 10:60", "minutes go from 00 to 59"),
        (
            "next tuesday",
            "expected a date and time such as \"2026-12-01 10:00\" (year-month-day hours:minutes)",
        ),
    ];
    for (at, says) in cases {
        for args in every_at(at) {
            let err = refused(h.cmd().args(&args));
            assert_eq!(
                err.trim_end(),
                format!("error: invalid --at `{at}`: {says}"),
                "{args:?}"
            );
        }
    }
    let err = refused(h.cmd().args(["log", "1", "call", "--at", "2026-12-01"]));
    assert!(err.contains("has no time of day"), "{err}");
}

#[test]
fn now_names_the_flag_or_the_variable() {
    let h = tracked();
    let err = refused(h.cmd().args(["--now", "2026-02-30T09:00:00Z", "agenda"]));
    assert_eq!(
        err.trim_end(),
        "error: invalid --now `2026-02-30T09:00:00Z`: February 2026 has 28 days"
    );
    let err = refused(
        h.cmd()
            .env("FOLLOWUP_NOW", "2026-02-30T09:00:00Z")
            .arg("agenda"),
    );
    assert_eq!(
        err.trim_end(),
        "error: invalid FOLLOWUP_NOW `2026-02-30T09:00:00Z`: February 2026 has 28 days"
    );
    // The clock may be set anywhere the calendar holds (to test the ends of
    // windows), and past it the message says so, not "timestamp overflowed".
    ok(h.cmd()
        .env("FOLLOWUP_NOW", "2070-01-01T00:00:00Z")
        .arg("list"));
    for late in [
        "9999-12-31T23:59:59Z",
        "9999-12-31 23:30",
        "10000-01-01 00:00",
    ] {
        let err = refused(h.cmd().env("FOLLOWUP_NOW", late).arg("list"));
        assert_eq!(
            err.trim_end(),
            format!(
                "error: invalid FOLLOWUP_NOW `{late}`: after the last moment the calendar holds (9999-12-30 22:00 UTC)"
            )
        );
    }
    let err = refused(h.cmd().args([
        "plan",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
        "--now",
        "9999-12-31 23:30",
    ]));
    assert!(
        err.contains("after the last moment the calendar holds"),
        "{err}"
    );
    let err = refused(h.cmd().args([
        "plan",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "UTC",
        "--now",
        "soon",
    ]));
    assert!(
        err.contains("invalid --now `soon`: expected RFC 3339 such as 2026-12-02T09:00:00-05:00"),
        "{err}"
    );
}

#[test]
fn a_bad_zone_says_where_it_came_from() {
    let h = Home::new(NOW);
    let plan = ["plan", "--at", "2026-12-01 10:00"];
    let add = [
        "add",
        "--company",
        "A",
        "--role",
        "R",
        "--at",
        "2026-12-01 10:00",
    ];
    let says = |from: &str| {
        format!(
            "error: unknown time zone `Mars/Olympus` for {from} (expected an IANA name such as America/New_York or Europe/London)"
        )
    };
    for args in [&plan[..], &add[..]] {
        let err = refused(h.cmd().env("FOLLOWUP_TZ", "Mars/Olympus").args(args));
        assert_eq!(err.trim_end(), says("FOLLOWUP_TZ"), "{args:?}");
        // A flag beats the variable, and is named as the flag.
        let err = refused(
            h.cmd()
                .env("FOLLOWUP_TZ", "UTC")
                .args(args)
                .args(["--tz", "Mars/Olympus"]),
        );
        assert_eq!(err.trim_end(), says("--tz"), "{args:?}");
    }
    // The settings file, by its path: the default one and one given with --config.
    let dir = h.path().join("config/followup");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.toml");
    std::fs::write(&file, "tz = \"Mars/Olympus\"\n").unwrap();
    let in_file = says(&format!("tz in {}", file.display()));
    for args in [&plan[..], &add[..]] {
        let err = refused(h.cmd().args(args));
        assert_eq!(err.trim_end(), in_file, "{args:?}");
    }
    let other = h.file("other.toml", "tz = \"Mars/Olympus\"\n");
    let err = refused(h.cmd().arg("--config").arg(&other).args(plan));
    assert_eq!(err.trim_end(), says(&format!("tz in {}", other.display())));
    // Invitations without a zone are read in the settings' zone: named the same way.
    let ics = h.file(
        "invite.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@b\r\nDTSTART:20261201T100000\r\nSUMMARY:Interview with Acme\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let err = refused(h.cmd().arg("import").arg(&ics));
    assert_eq!(err.trim_end(), in_file);
    // The variable overrides the file, and is named.
    let err = refused(h.cmd().env("FOLLOWUP_TZ", "Mars/Olympus").args(plan));
    assert_eq!(err.trim_end(), says("FOLLOWUP_TZ"));
    ok(h.cmd().env("FOLLOWUP_TZ", "Europe/Paris").args(plan));
}

/// Runs `args` (which must succeed); its standard output and the warnings on stderr.
fn warned(h: &Home, args: &[&str]) -> (String, Vec<String>) {
    let out = h.cmd().args(args).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{args:?}: {stderr}");
    (
        String::from_utf8(out.stdout).unwrap(),
        stderr.lines().map(str::to_string).collect(),
    )
}

const GAP: &str = "warning: --at `2026-03-08 02:30` does not exist in America/New_York (the clocks go forward from 02:00 to 03:00 on Sun Mar 8 2026): read as 03:30 EDT (2026-03-08T03:30:00-04:00)";
const FOLD: &str = "warning: --at `2026-11-01 01:30` happens twice in America/New_York (the clocks go back from 02:00 to 01:00 on Sun Nov 1 2026): took the first, 01:30 EDT (2026-11-01T01:30:00-04:00); for the second, write 2026-11-01T01:30:00-05:00";

#[test]
fn a_time_the_clocks_skip_is_taken_an_hour_later_with_a_warning() {
    let h = tracked();
    for args in every_at("2026-03-08 02:30") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, warnings) = warned(&h, &args);
        assert!(warnings.iter().any(|w| w == GAP), "{args:?}: {warnings:?}");
    }
    // The instant is the one the warning names.
    let v: Value = serde_json::from_str(&h.run([
        "plan",
        "--at",
        "2026-03-08 02:30",
        "--tz",
        "America/New_York",
        "--json",
    ]))
    .unwrap();
    assert_eq!(v["interview_start"], "2026-03-08T03:30:00-04:00");
    assert_eq!(v["notes"][0], GAP.trim_start_matches("warning: "));
    let (out, _) = warned(
        &h,
        &[
            "add",
            "--company",
            "Globex",
            "--role",
            "R",
            "--at",
            "2026-03-08 02:30",
            "--tz",
            "America/New_York",
            "--json",
        ],
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["notes"][0], GAP.trim_start_matches("warning: "));
    let id = v["id"].as_i64().unwrap().to_string();
    let show: Value = serde_json::from_str(&h.run(["show", &id, "--json"])).unwrap();
    let start = show["application"]["interviews"][0]["start"]
        .as_str()
        .unwrap();
    assert_eq!(
        start.parse::<jiff::Timestamp>().unwrap(),
        "2026-03-08T07:30:00Z".parse::<jiff::Timestamp>().unwrap(),
        "{show}"
    );
    // Without a note the JSON is as before.
    let v: Value = serde_json::from_str(&h.run(["log", &id, "call", "--json"])).unwrap();
    assert!(v.get("notes").is_none(), "{v}");
}

#[test]
fn a_time_that_happens_twice_takes_the_first_and_says_how_to_write_the_second() {
    let h = tracked();
    for args in every_at("2026-11-01 01:30") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, warnings) = warned(&h, &args);
        assert!(warnings.iter().any(|w| w == FOLD), "{args:?}: {warnings:?}");
    }
    let plan = |at: &str| -> (Value, Vec<String>) {
        let (out, warnings) = warned(
            &h,
            &["plan", "--at", at, "--tz", "America/New_York", "--json"],
        );
        (serde_json::from_str(&out).unwrap(), warnings)
    };
    let (first, _) = plan("2026-11-01 01:30");
    assert_eq!(first["interview_start"], "2026-11-01T01:30:00-04:00");
    // What the warning suggests is the second, and needs no warning.
    let (second, warnings) = plan("2026-11-01T01:30:00-05:00");
    assert_eq!(second["interview_start"], "2026-11-01T01:30:00-05:00");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(second.get("notes").is_none());
}

#[test]
fn now_in_a_gap_is_warned_about_too() {
    let h = Home::new(NOW);
    let (_, warnings) = warned(
        &h,
        &[
            "plan",
            "--at",
            "2026-03-02 10:00",
            "--tz",
            "America/New_York",
            "--now",
            "2026-03-08 02:30",
        ],
    );
    assert_eq!(
        warnings,
        [GAP.replace("--at", "--now")],
        "--now without an offset is read in the interview's zone"
    );
}

#[test]
fn a_round_moved_to_another_zone_that_skips_its_time_is_warned_about() {
    // `edit --tz` alone keeps the wall-clock time: 02:30 does not exist in London on
    // Sun Mar 29 2026, so the round moves to 02:30 BST, and the warning says so.
    let h = Home::new(NOW);
    h.run([
        "add",
        "--company",
        "Acme",
        "--role",
        "R",
        "--at",
        "2026-03-29 01:30",
        "--tz",
        "UTC",
    ]);
    let (_, warnings) = warned(&h, &["edit", "1", "--tz", "Europe/London"]);
    assert_eq!(
        warnings,
        ["warning: the interview's time `2026-03-29 01:30` does not exist in Europe/London (the clocks go forward from 01:00 to 02:00 on Sun Mar 29 2026): read as 02:30 BST (2026-03-29T02:30:00+01:00)"]
    );
}
