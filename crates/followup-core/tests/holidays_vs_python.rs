//! The built-in holiday tables against the Python package they come from (rule T8).
//!
//! Runs `python3 scripts/gen_holidays.py --dump-json` and `--check`. Where python3 or
//! the pinned `holidays` package is missing the tests say why and pass, unless
//! `CI=true`, where that is a failure (`pip install -r scripts/requirements.txt`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Output};

use followup_core::calendar::Region;
use jiff::civil::Date;

/// Exit status of the script when the pinned package is not installed.
const EXIT_MISSING_PACKAGE: i32 = 3;

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/gen_holidays.py")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Run the script with `arg`; `None` (after saying why) when it cannot run here.
fn run(arg: &str) -> Option<Output> {
    let output = match Command::new("python3").arg(script()).arg(arg).output() {
        Ok(output) => output,
        Err(e) => {
            let why = format!("cannot run python3 ({e})");
            assert!(!in_ci(), "{why}; CI must have python3");
            eprintln!("skipping the comparison with the holidays package: {why}");
            return None;
        }
    };
    if output.status.code() == Some(EXIT_MISSING_PACKAGE) {
        let why = String::from_utf8_lossy(&output.stderr);
        assert!(
            !in_ci(),
            "{}; CI must install scripts/requirements.txt",
            why.trim()
        );
        eprintln!(
            "skipping the comparison with the holidays package: {}",
            why.trim()
        );
        return None;
    }
    Some(output)
}

#[test]
fn data_file_is_up_to_date() {
    let Some(output) = run("--check") else { return };
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_region_and_year_matches_the_package() {
    let Some(output) = run("--dump-json") else {
        return;
    };
    assert!(
        output.status.success(),
        "--dump-json failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dump: BTreeMap<String, BTreeMap<String, String>> =
        serde_json::from_slice(&output.stdout).expect("--dump-json prints JSON");

    let ours: BTreeSet<&str> = Region::supported().collect();
    let theirs: BTreeSet<&str> = dump.keys().map(String::as_str).collect();
    assert_eq!(ours, theirs, "the region lists differ");

    let first = jiff::civil::date(2000, 1, 1);
    let last = jiff::civil::date(2060, 12, 31);
    let mut mismatches = Vec::new();
    let mut checked = 0usize;
    for (code, days) in &dump {
        let region: Region = code.parse().expect("a supported code parses");
        assert_eq!(region.code(), code);
        for year in 2000..=2060 {
            assert!(region.covers(year), "{code} should cover {year}");
        }
        let expected: BTreeMap<Date, &str> = days
            .iter()
            .map(|(d, n)| (d.parse::<Date>().expect("ISO date"), n.as_str()))
            .collect();
        assert!(
            expected.keys().all(|d| (first..=last).contains(d)),
            "{code}: the package gave a date outside 2000-2060"
        );
        // Every day of the range, so both directions are checked: a holiday the
        // package has and we lack, one we have and it lacks, and the names.
        for day in first.series(jiff::Span::new().days(1)) {
            if day > last {
                break;
            }
            let want = expected.get(&day).copied();
            let got = region.holiday(day);
            if want != got {
                mismatches.push(format!("{code} {day}: package {want:?}, ours {got:?}"));
            }
            checked += 1;
        }
        for year in 2000..=2060i16 {
            let listed = region.holidays_in(year);
            let want: Vec<(Date, &str)> = expected
                .iter()
                .filter(|(d, _)| d.year() == year)
                .map(|(d, n)| (*d, *n))
                .collect();
            if listed != want {
                mismatches.push(format!("{code} {year}: holidays_in differs"));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches (of {checked} region-days), first ones:\n{}",
        mismatches.len(),
        mismatches
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!("{checked} region-days match the holidays package");
}
