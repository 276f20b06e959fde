//! What the CLI test files share: the binary in a clean environment, and the two ways
//! a command ends (it worked; it refused bad input).

#![allow(dead_code)] // each test file uses a part

use std::path::Path;

use assert_cmd::Command;

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
