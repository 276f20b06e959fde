//! Two `followup serve --multi-user` processes on one office: 50 connections spread
//! over 20 accounts write on one process and read on the other, with no error, and
//! every write is seen by the next read on the other process (sessions, tokens and
//! the pages' caches are in the database, not in one process's memory).

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

    // Account u+1's ids are in its own block.
    fn in_block(u: usize, id: i64) -> Option<String> {
        let account = u as i64 + 1;
        (id <= account * 1_000_000_000 || id > (account + 1) * 1_000_000_000)
            .then(|| format!("id {id} outside account {account}'s block"))
    }
    let problems = http::written_here_read_there(ports, &tokens, (CONNECTIONS, ROUNDS), in_block);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
