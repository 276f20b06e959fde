//! The IMAP server the mailbox tests read: Debian's dovecot, started by
//! `scripts/dovecot-test-server.sh` with a mail directory of the test's own (user
//! "sam", password "secret", on a free loopback port), a small IMAP client to append
//! messages and read their flags, and the inbox corpus
//! (`crates/followup-core/tests/inbox`, real recruiter mail with its sources in its
//! manifest) appended as a user's mailbox.

#![allow(dead_code)] // each test file uses a part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The login the server accepts.
pub const USER: &str = "sam";
pub const PASSWORD: &str = "secret";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Why the server cannot run here, if it cannot (dovecot not installed).
pub fn missing() -> Option<&'static str> {
    let found = ["/usr/sbin/dovecot", "/usr/local/sbin/dovecot"]
        .iter()
        .any(|p| Path::new(p).exists());
    (!found).then_some("dovecot is not installed (apt-get install dovecot-imapd)")
}

/// A running dovecot; stopped when dropped.
pub struct Dovecot {
    dir: PathBuf,
    pub port: u16,
}

impl Dovecot {
    /// Starts one keeping its mail under `dir`.
    pub fn start(dir: &Path) -> Dovecot {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let st = Command::new(root().join("scripts/dovecot-test-server.sh"))
            .args(["start", dir.to_str().unwrap(), &port.to_string()])
            .status()
            .unwrap();
        assert!(st.success(), "dovecot did not start");
        Dovecot {
            dir: dir.to_path_buf(),
            port,
        }
    }

    /// `imap://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("imap://127.0.0.1:{}", self.port)
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new(root().join("scripts/dovecot-test-server.sh"))
            .args(["stop", self.dir.to_str().unwrap()])
            .status();
    }
}

/// A tiny IMAP client over std: enough to append and to read flags.
pub struct Imap {
    r: BufReader<TcpStream>,
    w: TcpStream,
    n: u32,
}

impl Imap {
    pub fn connect(port: u16) -> Imap {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let mut i = Imap {
            r: BufReader::new(s.try_clone().unwrap()),
            w: s,
            n: 0,
        };
        i.line();
        i.cmd(&format!("LOGIN {USER} {PASSWORD}"));
        i
    }

    fn line(&mut self) -> String {
        let mut l = String::new();
        self.r.read_line(&mut l).unwrap();
        // A literal: read it whole.
        if let Some(n) = l
            .trim_end()
            .strip_suffix('}')
            .and_then(|x| x.rsplit_once('{'))
        {
            let len: usize = n.1.parse().unwrap();
            let mut buf = vec![0; len];
            self.r.read_exact(&mut buf).unwrap();
            l.push_str(&String::from_utf8_lossy(&buf));
            l.push_str(&self.line());
        }
        l
    }

    pub fn cmd(&mut self, c: &str) -> Vec<String> {
        self.n += 1;
        let tag = format!("t{}", self.n);
        write!(self.w, "{tag} {c}\r\n").unwrap();
        self.done(&tag)
    }

    fn done(&mut self, tag: &str) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let l = self.line();
            if l.starts_with(&format!("{tag} ")) {
                assert!(l.starts_with(&format!("{tag} OK")), "{l}");
                return out;
            }
            out.push(l);
        }
    }

    pub fn append(&mut self, folder: &str, flags: &str, raw: &[u8]) {
        self.n += 1;
        let tag = format!("t{}", self.n);
        write!(
            self.w,
            "{tag} APPEND {folder} ({flags}) \"10-Mar-2026 10:00:00 +0000\" {{{}}}\r\n",
            raw.len()
        )
        .unwrap();
        let cont = self.line();
        assert!(cont.starts_with('+'), "{cont}");
        self.w.write_all(raw).unwrap();
        self.w.write_all(b"\r\n").unwrap();
        self.done(&tag);
    }

    /// Every message's UID and flags in `folder`, sorted.
    pub fn flags(&mut self, folder: &str) -> Vec<String> {
        self.cmd(&format!("EXAMINE {folder}"));
        let mut f: Vec<String> = self
            .cmd("UID FETCH 1:* (UID FLAGS)")
            .into_iter()
            .filter(|l| l.contains("FETCH"))
            .map(|l| l.trim().to_string())
            .collect();
        f.sort();
        f
    }

    /// Appends the inbox corpus (its received mail to INBOX, its sent mail to Sent),
    /// every other message already read and some flagged; the number appended.
    pub fn append_corpus(&mut self) -> usize {
        let corpus = root().join("crates/followup-core/tests/inbox");
        let manifest = std::fs::read_to_string(corpus.join("manifest.toml")).unwrap();
        let (mut file, mut n) = (String::new(), 0);
        for line in manifest.lines() {
            if let Some(v) = line.strip_prefix("file = ") {
                file = v.trim_matches('"').to_string();
            }
            if let Some(v) = line.strip_prefix("folder = ") {
                let folder = if v.contains("sent") { "Sent" } else { "INBOX" };
                let raw = std::fs::read(corpus.join(&file)).unwrap();
                let flags = ["\\Seen", "", "\\Seen \\Flagged", ""][n % 4];
                self.append(folder, flags, &raw);
                n += 1;
            }
        }
        n
    }
}
