//! `followup plan` as a user runs it: the real binary, a clean environment.

use assert_cmd::Command;
use serde_json::Value;

mod common;

/// The binary with no settings leaking in from the machine.
fn followup(home: &tempfile::TempDir) -> Command {
    common::bare(home.path())
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_has_the_documented_shape() {
    let home = tempfile::tempdir().unwrap();
    let v = json(followup(&home).args([
        "plan",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
        "--duration",
        "45m",
        "--decision",
        "within a week",
        "--region",
        "US-NY",
        "--recipient-tz",
        "Europe/London",
        "--json",
    ]));
    assert_eq!(
        v["interview_end"], "2026-12-01T15:45:00+00:00",
        "in the recipient's offset"
    );
    assert_eq!(v["decision_by"], "2026-12-08");
    let steps = v["steps"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["thank_you", "follow_up", "final_follow_up", "move_on"]
    );
    for s in steps {
        for key in ["earliest", "recommended", "latest"] {
            let t = s[key].as_str().unwrap();
            assert!(t.ends_with("+00:00"), "{key} {t} in London's winter offset");
            assert!(t.parse::<jiff::Timestamp>().is_ok(), "{t} is RFC 3339");
        }
        assert!(s["alternatives"].is_array());
        assert!(!s["rules"].as_array().unwrap().is_empty());
        assert!(!s["why"].as_array().unwrap().is_empty());
        assert!(s.get("status").is_none(), "no status without --now");
    }
    assert_eq!(steps[1]["rules"][0], "T2");
    assert_eq!(steps[3]["channel"], "none");
    assert_eq!(
        steps[1]["recommended"], "2026-12-11T10:00:00+00:00",
        "decision Dec 8 + 3 days"
    );
}

#[test]
fn now_marks_each_step() {
    let home = tempfile::tempdir().unwrap();
    let v = json(
        followup(&home)
            .env("FOLLOWUP_NOW", "2026-12-02T12:00:00-05:00")
            .args([
                "plan",
                "--at",
                "2026-12-01 10:00",
                "--tz",
                "America/New_York",
                "--json",
            ]),
    );
    let status: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        ["overdue", "upcoming", "upcoming", "upcoming"],
        "thank-you past its 24 h deadline is overdue, still worth sending (T1)"
    );
    let v = json(followup(&home).args([
        "plan",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
        "--json",
        "--now",
        "2026-12-03T11:00:00-05:00",
    ]));
    assert_eq!(
        v["steps"][0]["status"], "overdue",
        "a week late is still worth sending before the follow-up opens"
    );
    assert_eq!(v["steps"][1]["status"], "upcoming");
    let v = json(followup(&home).args([
        "plan",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
        "--json",
        "--now",
        "2026-12-08T11:00:00-05:00",
    ]));
    assert_eq!(
        v["steps"][0]["status"], "missed",
        "the follow-up window has opened"
    );
    assert_eq!(v["steps"][1]["status"], "due");
}

#[test]
fn phone_follow_up_waits_five_business_days() {
    let home = tempfile::tempdir().unwrap();
    let v = json(followup(&home).args([
        "plan",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
        "--channel",
        "phone",
        "--preset",
        "prompt",
        "--json",
    ]));
    assert_eq!(v["steps"][1]["channel"], "phone");
    assert_eq!(v["steps"][1]["earliest"], "2026-12-08T09:00:00-05:00");
    assert!(v["steps"][1]["rules"]
        .as_array()
        .unwrap()
        .contains(&Value::from("T4")));
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let policy = home.path().join("policy.toml");
    std::fs::write(&policy, "[follow_up]\nrecommended_days = \"soon\"\n").unwrap();
    let base = [
        "plan",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
    ];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["plan", "--at", "2026-12-01 10:00", "--tz", "Mars/Olympus"],
            "unknown time zone `Mars/Olympus`",
        ),
        (
            vec!["plan", "--at", "2026-02-30 10:00", "--tz", "UTC"],
            "--at `2026-02-30 10:00`",
        ),
        (
            vec!["plan", "--at", "tomorrow", "--tz", "UTC"],
            "invalid --at `tomorrow`",
        ),
        (
            [&base[..], &["--region", "XX-YY"]].concat(),
            "unknown region `XX-YY`",
        ),
        (
            [&base[..], &["--preset", "eager"]].concat(),
            "unknown preset `eager`",
        ),
        (
            [&base[..], &["--policy", policy.to_str().unwrap()]].concat(),
            "invalid policy file",
        ),
        (
            [&base[..], &["--decision", "when the stars align"]].concat(),
            "when the stars align",
        ),
        (
            [&base[..], &["--round", "semifinal"]].concat(),
            "unknown round `semifinal`",
        ),
        (
            [&base[..], &["--duration", "forever"]].concat(),
            "invalid --duration",
        ),
        (
            [&base[..], &["--recipient-tz", "Nowhere"]].concat(),
            "--recipient-tz",
        ),
        (
            [&base[..], &["--now", "yesterday"]].concat(),
            "invalid --now",
        ),
        (
            vec!["plan", "--at", "2070-01-01 10:00", "--tz", "UTC"],
            "2000–2060",
        ),
    ];
    for (args, needle) in cases {
        let out = followup(&home).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{args:?}: one line: {err}"
        );
        assert!(err.starts_with("error: "), "{err}");
        assert!(
            err.contains(needle),
            "{args:?}: {err} should mention {needle}"
        );
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn settings_layer_defaults_file_env_flags() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/followup");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "tz = \"Europe/Berlin\"\nregion = \"DE-BY\"\nhours = \"08:00-16:00\"\n",
    )
    .unwrap();
    let at = ["plan", "--at", "2026-12-01 10:00", "--json"];
    let v = json(followup(&home).args(at));
    assert_eq!(v["tz"], "Europe/Berlin", "from config.toml");
    assert_eq!(v["region"], "DE-BY");
    assert!(
        v["steps"][1]["earliest"]
            .as_str()
            .unwrap()
            .contains("T08:00:00+01:00"),
        "hours from config"
    );
    let v = json(followup(&home).env("FOLLOWUP_TZ", "Asia/Tokyo").args(at));
    assert_eq!(v["tz"], "Asia/Tokyo", "variable beats file");
    let v = json(
        followup(&home)
            .env("FOLLOWUP_TZ", "Asia/Tokyo")
            .args(at)
            .args(["--tz", "UTC"]),
    );
    assert_eq!(v["tz"], "UTC", "flag beats variable");
    std::fs::write(dir.join("config.toml"), "tz = 3\n").unwrap();
    let out = followup(&home).args(at).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("config.toml"));
}

#[test]
fn policy_file_and_preset_change_the_numbers() {
    let home = tempfile::tempdir().unwrap();
    let policy = home.path().join("policy.toml");
    std::fs::write(&policy, "[follow_up]\nrecommended_days = 9\n").unwrap();
    let base = ["plan", "--at", "2026-12-01 10:00", "--tz", "UTC", "--json"];
    let v = json(
        followup(&home)
            .args(base)
            .args(["--policy", policy.to_str().unwrap()]),
    );
    assert_eq!(v["steps"][1]["recommended"], "2026-12-10T10:00:00+00:00");
    let why = v["steps"][1]["why"].to_string();
    assert!(why.contains("recommended 9 days"), "{why}");
    let gentle = json(followup(&home).args(base).args(["--preset", "gentle"]));
    let prompt = json(followup(&home).args(base).args(["--preset", "prompt"]));
    assert!(
        gentle["steps"][1]["recommended"].as_str() > prompt["steps"][1]["recommended"].as_str()
    );
}

#[test]
fn human_output_respects_no_color() {
    let home = tempfile::tempdir().unwrap();
    let args = [
        "plan",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
    ];
    let colored = followup(&home)
        .env("CLICOLOR_FORCE", "1")
        .args(args)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&colored.stdout).contains('\u{1b}'));
    let plain = followup(&home)
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&plain.stdout);
    assert!(!text.contains('\u{1b}'), "NO_COLOR wins");
    for needle in [
        "Thank-you",
        "Follow-up",
        "Final follow-up",
        "Move on",
        "T1",
        "T3",
        "Recommended",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
}

#[test]
fn completions_and_man_page() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = followup(&home)
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("recipient-tz"),
            "{shell} completes plan's flags"
        );
    }
    let out = followup(&home).arg("man").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(".TH followup"));
}

#[test]
fn decision_read_from_a_whole_sentence() {
    let home = tempfile::tempdir().unwrap();
    let v = json(followup(&home).args([
        "plan",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
        "--decision",
        "We anticipate making a decision by the end of next week.",
        "--region",
        "US",
        "--json",
    ]));
    assert_eq!(v["decision_by"], "2026-12-11");
    let out = followup(&home)
        .args([
            "plan",
            "--at",
            "2026-12-01 10:00",
            "--tz",
            "America/New_York",
            "--decision",
            "Thanks for coming in! We'll finish interviews this week and decide by the 18th.",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("read \\\"by the 18th\\\"") || text.contains("read \"by the 18th\""),
        "{text}"
    );
    // Two timelines, neither nearer a decision: refused in one line, naming both.
    let out = followup(&home)
        .args([
            "plan",
            "--at",
            "2026-12-01 10:00",
            "--tz",
            "America/New_York",
            "--decision",
            "We will decide by Friday. We will decide by the 18th.",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("by Friday") && err.contains("by the 18th"),
        "{err}"
    );
}
