//! The SMTP server the mail tests talk to: scripts/smtp_sink.py (aiosmtpd, pinned in
//! scripts/requirements.txt) on a free loopback port, and how a test that cannot
//! start it reports so (ignored with the reason; a failure under CI=true).

#![allow(dead_code)] // each test file uses a part

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use libtest_mimic::{Completion, Failed};

pub type Outcome = Result<Completion, Failed>;

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

pub fn cannot_run(why: &str) -> Outcome {
    if in_ci() {
        Err(format!("{why} (CI=true: CI must run the SMTP tests)").into())
    } else {
        Ok(Completion::ignored_with(format!("skipped: {why}")))
    }
}

/// The SMTP server of scripts/smtp_sink.py; stopped when dropped.
pub struct Sink {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
    pub cert: PathBuf,
}

impl Sink {
    /// Starts it; `Err` with the reason when it cannot run here.
    pub fn start(root: &Path, flags: &[&str]) -> Result<Sink, String> {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/smtp_sink.py");
        let dir = root.join("received");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(&dir)
            .args(flags)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run python3 ({e}): install Python 3 and `pip install -r scripts/requirements.txt`"))?;
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .map_err(|e| e.to_string())?;
        let Some(port) = first.trim().strip_prefix("PORT ") else {
            let _ = child.kill();
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            let err = String::from_utf8_lossy(&out.stderr);
            let why = err.lines().last().unwrap_or("no output").to_string();
            return Err(format!(
                "scripts/smtp_sink.py did not start ({why}): `pip install -r scripts/requirements.txt`"
            ));
        };
        Ok(Sink {
            port: port.parse().unwrap(),
            child,
            dir,
            cert: root.join("cert.pem"),
        })
    }

    /// What the server received, in order: (file name, bytes).
    pub fn received(&self) -> Vec<(String, String)> {
        let mut names: Vec<String> = std::fs::read_dir(&self.dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".eml") && !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
            .into_iter()
            .map(|n| {
                let text = std::fs::read_to_string(self.dir.join(&n)).unwrap();
                (n, text)
            })
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One user: a home directory, the clock, the mail account.
pub struct User {
    pub home: tempfile::TempDir,
    pub env: Vec<(String, String)>,
}

impl User {
    /// A user with an empty home whose mail account is `smtp`, in Paris (the tests'
    /// machine zone).
    pub fn bare(smtp: &str) -> User {
        User {
            home: tempfile::tempdir().unwrap(),
            env: vec![
                ("FOLLOWUP_SMTP".to_string(), smtp.to_string()),
                ("TZ".to_string(), "Europe/Paris".to_string()),
            ],
        }
    }

    pub fn with(mut self, k: &str, v: &str) -> User {
        self.env.push((k.into(), v.into()));
        self
    }

    pub fn cmd(&self, now: &str, args: &[&str]) -> Command {
        let h = self.home.path();
        let mut c = Command::new(env!("CARGO_BIN_EXE_followup"));
        c.env_clear()
            .env("HOME", h)
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_DATA_HOME", h.join("data"))
            .env("FOLLOWUP_NOW", now)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .args(args);
        c
    }

    pub fn run(&self, now: &str, args: &[&str]) -> Output {
        self.cmd(now, args).output().unwrap()
    }

    pub fn ok(&self, now: &str, args: &[&str]) -> String {
        let out = self.run(now, args);
        assert!(
            out.status.success(),
            "followup {args:?}: exit {:?}\n{}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn db(&self) -> PathBuf {
        self.home.path().join("data/followup/followup.sqlite")
    }
}

/// The value of header `name` of a received message (folded lines joined).
pub fn header(message: &str, name: &str) -> Option<String> {
    let want = format!("{}:", name.to_ascii_lowercase());
    let mut lines = message.lines().take_while(|l| !l.is_empty()).peekable();
    while let Some(line) = lines.next() {
        if line.to_ascii_lowercase().starts_with(&want) {
            let mut v = line[want.len()..].trim().to_string();
            while let Some(next) = lines.peek().filter(|l| l.starts_with([' ', '\t'])) {
                v.push(' ');
                v.push_str(next.trim());
                lines.next();
            }
            return Some(v);
        }
    }
    None
}

/// Worker processes, killed and reaped on drop (a failed assertion leaves none behind).
pub struct Workers(pub Vec<Child>);

impl Drop for Workers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
