//! Two `followup serve --multi-user` processes on one office: 50 connections spread
//! over 20 accounts write on one process and read on the other, with no error, and
//! every write is seen by the next read on the other process (sessions, tokens and
//! the pages' caches are in the database, not in one process's memory).

use serde_json::Value;

mod common;
#[path = "common/http.rs"]
mod http;

use http::{free_port, request, Server};

const USERS: usize = 20;
const CONNECTIONS: usize = 50;
const ROUNDS: usize = 4;

fn serve(home: &std::path::Path, db: &std::path::Path, port: u16) -> Server {
    Server::start(
        home,
        &["--db", db.to_str().unwrap(), "serve", "--multi-user"],
        port,
    )
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
