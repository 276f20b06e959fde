//! Two `followup serve --multi-user` processes on one office: 50 connections spread
//! over 20 accounts write on one process and read on the other, with no error, and
//! every write is seen by the next read on the other process (sessions, tokens and
//! the pages' caches are in the database, not in one process's memory).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

const USERS: usize = 20;
const CONNECTIONS: usize = 50;
const ROUNDS: usize = 4;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One request on a connection of its own: the status and the body.
fn request(port: u16, method: &str, path: &str, token: &str, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let mut status = String::new();
    r.read_line(&mut status).unwrap();
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {status:?}"));
    let mut chunked = false;
    let mut length = None;
    loop {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if lower == "transfer-encoding: chunked" {
            chunked = true;
        }
        if let Some(n) = lower.strip_prefix("content-length:") {
            length = n.trim().parse::<usize>().ok();
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).unwrap();
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = length {
        body.resize(n, 0);
        r.read_exact(&mut body).unwrap();
    } else {
        r.read_to_end(&mut body).unwrap();
    }
    (code, String::from_utf8_lossy(&body).into_owned())
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(home: &Path, db: &Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_followup"))
        .env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("TZ", "UTC")
        .args(["--db", db.to_str().unwrap(), "serve", "--multi-user"])
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no server on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

#[test]
fn two_processes_serve_one_office_and_see_each_others_writes() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("office.sqlite");
    let mut tokens = Vec::new();
    for u in 0..USERS {
        let email = format!("user{u}@example.com");
        let admin = |args: &[&str]| {
            let out = common::bare(home.path())
                .args(["--db", db.to_str().unwrap(), "admin"])
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        };
        admin(&["create-user", &email]);
        tokens.push(admin(&["token", &email]).trim().to_string());
    }
    let ports = [free_port(), free_port()];
    let _a = serve(home.path(), &db, ports[0]);
    let _b = serve(home.path(), &db, ports[1]);

    // Each account's first requests reach both processes at once: both build its
    // app on the same database.
    let first: Vec<_> = tokens
        .iter()
        .flat_map(|t| ports.map(|p| (p, t.clone())))
        .map(|(p, t)| std::thread::spawn(move || request(p, "GET", "/api/agenda", &t, "").0))
        .collect();
    for t in first {
        assert_eq!(t.join().unwrap(), 200);
    }

    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            let token = tokens[c % USERS].clone();
            std::thread::spawn(move || {
                let mut problems = Vec::new();
                for round in 0..ROUNDS {
                    // Written on one process, read on the other.
                    let (w, r) = if (c + round) % 2 == 0 {
                        (ports[0], ports[1])
                    } else {
                        (ports[1], ports[0])
                    };
                    let company = format!("Company {c}-{round}");
                    let body = format!(
                        r#"{{"company":"{company}","role":"Engineer","round":{{"at":"2026-12-01 10:00","tz":"America/New_York","interviewer":["Jane Doe <jane@example.org>"]}}}}"#
                    );
                    let (s, text) = request(w, "POST", "/api/applications", &token, &body);
                    if s != 201 {
                        problems.push(format!("POST on {w}: {s} {text}"));
                        continue;
                    }
                    let id = serde_json::from_str::<Value>(&text).unwrap()["id"]
                        .as_i64()
                        .unwrap();
                    // Account u+1's ids are in its own block.
                    let account = (c % USERS) as i64 + 1;
                    if id <= account * 1_000_000_000 || id > (account + 1) * 1_000_000_000 {
                        problems.push(format!("id {id} outside account {account}'s block"));
                    }
                    let (s, text) =
                        request(r, "GET", &format!("/api/applications/{id}"), &token, "");
                    if s != 200 || !text.contains(&company) {
                        problems.push(format!("GET {id} on {r} after the write on {w}: {s}"));
                    }
                    // The agenda (a cached answer) shows it at once on the other process.
                    let (s, text) = request(r, "GET", "/api/agenda", &token, "");
                    if s != 200 || !text.contains(&company) {
                        problems.push(format!("the agenda on {r} lacks {company}: {s}"));
                    }
                }
                problems
            })
        })
        .collect();
    let problems: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // A form shown by one process is taken by the other: the same form token.
    let token_of = |port| {
        let (s, page) = request(port, "GET", "/settings", &tokens[0], "");
        assert_eq!(s, 200, "{page}");
        page.split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap_or_default()
            .to_string()
    };
    let form = token_of(ports[0]);
    assert_eq!(form.len(), 64);
    assert_eq!(token_of(ports[1]), form);

    // Every account holds exactly its own writes.
    for (u, token) in tokens.iter().enumerate() {
        let (s, text) = request(ports[u % 2], "GET", "/api/applications", token, "");
        assert_eq!(s, 200);
        let all = serde_json::from_str::<Value>(&text).unwrap();
        let n = all.as_array().map(Vec::len).unwrap_or(0);
        let mine = (0..CONNECTIONS).filter(|c| c % USERS == u).count() * ROUNDS;
        assert_eq!(n, mine, "user{u}: {text}");
        for c in (0..CONNECTIONS).filter(|c| c % USERS != u) {
            assert!(
                !text.contains(&format!("Company {c}-")),
                "user{u} sees {c}'s"
            );
        }
    }
}
