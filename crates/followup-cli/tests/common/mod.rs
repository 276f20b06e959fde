//! What the CLI test files share: the binary in a clean environment, and the two ways
//! a command ends (it worked; it refused bad input).

#![allow(dead_code)] // each test file uses a part

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// `followup` with nothing leaking in from the machine: no variables, and the home,
/// config and data directories inside `home`.
pub fn bare(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("followup").unwrap();
    cmd.env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"));
    cmd
}

/// Runs `cmd`, which must succeed; its standard output.
pub fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `cmd`, which must refuse its input: exit 2, nothing on standard output, one
/// line `error: ...` on standard error, which is returned.
pub fn refused(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    assert!(stderr.starts_with("error: "), "{stderr:?}");
    stderr
}

/// One user's machine: a home directory (settings and data inside it), the database
/// at its default location in it (created on first use), and a clock fixed at `now`.
pub struct Home {
    dir: tempfile::TempDir,
    now: &'static str,
}

impl Home {
    pub fn new(now: &'static str) -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
            now,
        }
    }

    /// The home directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The database: the default location, `$XDG_DATA_HOME/followup/followup.sqlite`.
    pub fn db(&self) -> PathBuf {
        self.path().join("data/followup/followup.sqlite")
    }

    /// The binary with nothing leaking in from the machine, nothing else set.
    pub fn bare(&self) -> Command {
        bare(self.path())
    }

    /// The binary on this home's database (the default location: a `--db` file must
    /// exist unless the command records something) at the fixed clock.
    pub fn cmd(&self) -> Command {
        let mut cmd = self.bare();
        cmd.env("FOLLOWUP_NOW", self.now);
        cmd
    }

    /// Writes `text` to `name` in the home directory; its path.
    pub fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// Runs a command that must succeed; its standard output.
    pub fn run<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        ok(self.cmd().args(args))
    }

    /// Runs a command that must succeed and print JSON.
    pub fn json<I, S>(&self, args: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        serde_json::from_str(&self.run(args)).unwrap()
    }
}

/// `text` as JSON, or a failure that shows it.
pub fn json_of(text: &str) -> Result<Value, libtest_mimic::Failed> {
    serde_json::from_str(text).map_err(|e| format!("{e}: {text}").into())
}

/// What `cmd` printed, or a failure with its output and errors.
pub fn stdout_of(cmd: &mut std::process::Command) -> Result<String, libtest_mimic::Failed> {
    let out = cmd.stdin(std::process::Stdio::null()).output()?;
    let stdout = String::from_utf8(out.stdout)?;
    if !out.status.success() {
        return Err(format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(stdout)
}

/// An account of the database `url` with `password` (`admin create-user
/// --password-stdin`), and a new API token of its (`admin token`).
pub fn account_with_token(
    home: &Path,
    url: &str,
    email: &str,
    password: &str,
) -> Result<String, libtest_mimic::Failed> {
    ok(bare(home)
        .args([
            "--db",
            url,
            "admin",
            "create-user",
            email,
            "--password-stdin",
        ])
        .write_stdin(password.to_string()));
    Ok(ok(bare(home).args(["--db", url, "admin", "token", email]))
        .trim()
        .to_string())
}
