//! The built-in holiday tables against the Python package they come from (rule T8).
//!
//! Runs `python3 scripts/gen_holidays.py --dump-json` and `--check`. Where python3 or
//! the pinned `holidays` package is missing, each test is reported as ignored with
//! the reason (`test ... ignored (cannot run python3 ...)`), unless `CI=true`, where
//! that is a failure (`pip install -r scripts/requirements.txt`).
//!
//! This file has its own harness (`harness = false`, libtest-mimic): cargo shows what
//! such a test binary prints, while libtest keeps a passing test's output to itself,
//! so a skip printed from a `#[test]` went unseen without `--nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Output};

use followup_core::calendar::Region;
use jiff::civil::Date;
use libtest_mimic::{Arguments, Completion, Failed, Trial};

/// Exit status of the script when the pinned package is not installed.
const EXIT_MISSING_PACKAGE: i32 = 3;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test("data_file_is_up_to_date", data_file_is_up_to_date),
        Trial::ignorable_test(
            "every_region_and_year_matches_the_package",
            every_region_and_year_matches_the_package,
        ),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/gen_holidays.py")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Why the comparison cannot run here: ignored with that reason, or under CI a failure.
fn cannot_run(why: &str) -> Result<Completion, Failed> {
    if in_ci() {
        Err(format!("{why} (CI=true: CI must run the comparison)").into())
    } else {
        Ok(Completion::ignored_with(format!("skipped: {why}")))
    }
}

/// Run the script with `arg`; `Err` with the reason when it cannot run here.
fn run(arg: &str) -> Result<Output, String> {
    let output = Command::new("python3")
        .arg(script())
        .arg(arg)
        .output()
        .map_err(|e| {
            format!(
                "cannot run python3 ({e}); install Python 3, then `pip install -r scripts/requirements.txt`"
            )
        })?;
    if output.status.code() == Some(EXIT_MISSING_PACKAGE) {
        let why = String::from_utf8_lossy(&output.stderr);
        let why = why.trim();
        return Err(why
            .strip_prefix("gen_holidays: ")
            .unwrap_or(why)
            .to_string());
    }
    Ok(output)
}

fn data_file_is_up_to_date() -> Result<Completion, Failed> {
    let output = match run("--check") {
        Ok(output) => output,
        Err(why) => return cannot_run(&why),
    };
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(Completion::Completed)
}

fn every_region_and_year_matches_the_package() -> Result<Completion, Failed> {
    let output = match run("--dump-json") {
        Ok(output) => output,
        Err(why) => return cannot_run(&why),
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
    Ok(Completion::Completed)
}
