//! The API against its own OpenAPI document: schemathesis (pinned in
//! `scripts/requirements.txt`) runs every check (`--checks all`) with a bounded number
//! of examples per operation against a server on a free loopback port, over a
//! database with one application. It must find no failure and no server error.
//! Where a check and an intended behaviour disagree (a value only the use cases can
//! judge, such as a zone's name, refused with 400), `tests/schemathesis.toml` says so
//! for the operations concerned, with why.
//!
//! Where schemathesis is not installed the test is reported as ignored with the
//! reason, unless `CI=true`, where that is a failure (`.ci/run` installs it).
//! `FOLLOWUP_SCHEMATHESIS_EXAMPLES` sets the examples per operation (default 25).

mod common;

use std::process::{Command, ExitCode, Stdio};

use followup_app::track::{AddInput, RoundInput};
use libtest_mimic::{Arguments, Completion, Failed, Trial};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![Trial::ignorable_test(
        "schemathesis_finds_no_failure",
        schemathesis_finds_no_failure,
    )];
    libtest_mimic::run(&args, tests).exit_code()
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// The schemathesis command, if installed: `schemathesis`, else `python3 -m schemathesis.cli`.
fn schemathesis() -> Result<Command, String> {
    let works = |c: &mut Command| {
        c.arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    if works(&mut Command::new("schemathesis")) {
        return Ok(Command::new("schemathesis"));
    }
    let mut py = Command::new("python3");
    py.args(["-m", "schemathesis.cli"]);
    if works(&mut py) {
        let mut c = Command::new("python3");
        c.args(["-m", "schemathesis.cli"]);
        return Ok(c);
    }
    Err("schemathesis is not installed: `pip install -r scripts/requirements.txt`".into())
}

fn schemathesis_finds_no_failure() -> Result<Completion, Failed> {
    let mut st = match schemathesis() {
        Ok(c) => c,
        Err(why) if in_ci() => return Err(format!("{why} (CI=true: CI must run it)").into()),
        Err(why) => return Ok(Completion::ignored_with(format!("skipped: {why}"))),
    };
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = dir.path().join("f.sqlite");
    let ctx = common::ctx(&db);
    let input = AddInput {
        company: "Acme".into(),
        role: "Engineer".into(),
        round: RoundInput {
            at: "2026-12-01 10:00".into(),
            duration: "1h".into(),
            interviewer: vec!["Jane Doe <jane@acme.com>".into()],
            ..RoundInput::default()
        },
        ..AddInput::default()
    };
    followup_app::track::add(&ctx, &input).map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let config = followup_server::Config {
        pg: None,
        hosted: false,
        db: ctx.db.clone(),
        settings: ctx.settings.clone(),
        policy: ctx.policy.clone(),
        now: Some(ctx.now),
        token: None,
        config_file: Some(dir.path().join("config.toml")),
    };
    rt.spawn(followup_server::serve(listener, config));
    let examples = std::env::var("FOLLOWUP_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "25".into());
    // Where a check and an intended behaviour disagree, the file says so, narrowly.
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemathesis.toml");
    let out = st
        .args([
            "--config-file",
            config,
            "run",
            &format!("http://127.0.0.1:{port}/api/openapi.json"),
            "--checks",
            "all",
            "--max-examples",
            &examples,
            "--seed",
            "1",
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
        ])
        .current_dir(dir.path())
        .output()
        .map_err(|e| format!("cannot run schemathesis: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        println!(
            "{}",
            text.lines().rev().take(3).collect::<Vec<_>>().join("\n")
        );
        Ok(Completion::Completed)
    } else {
        Err(format!("schemathesis found failures:\n{text}").into())
    }
}
