//! A writer killed with SIGKILL mid-stream loses nothing it committed and leaves no
//! half-written application.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use followup_store::{
    ContactRole, Interviewer, NewApplication, NewContact, NewInterview, NewTouchpoint, Store,
    TouchpointKind,
};

const DB_VAR: &str = "FOLLOWUP_STORE_CRASH_DB";

fn app(i: u64) -> NewApplication {
    let at: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
    let mut a = NewApplication::new(format!("Company {i}"), "Engineer", at);
    a.contacts
        .push(NewContact::new("Rita", ContactRole::Recruiter));
    for r in 0..2 {
        let mut iv = NewInterview::new(at, "UTC", 30 + r);
        iv.interviewers.push(Interviewer::New(NewContact::new(
            "Jo",
            ContactRole::Interviewer,
        )));
        a.interviews.push(iv);
    }
    a
}

/// Run by the test below in a child process: writes until killed.
#[test]
#[ignore = "helper, started by killed_writer_leaves_only_whole_applications"]
fn crash_writer() {
    let Ok(path) = std::env::var(DB_VAR) else {
        return;
    };
    let mut store = Store::open(&path).unwrap();
    for i in 0.. {
        let id = store.add_application(&app(i)).unwrap();
        store
            .add_touchpoint(
                id,
                &NewTouchpoint::new(TouchpointKind::ThankYou, app(i).created_at),
            )
            .unwrap();
        println!("{id}");
    }
}

#[test]
fn killed_writer_leaves_only_whole_applications() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    drop(Store::open(&path).unwrap());
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "crash_writer",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(DB_VAR, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Let it commit some applications, then kill it without warning.
    let started = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(50));
        let n = Store::open(&path)
            .unwrap()
            .applications(true)
            .unwrap()
            .len();
        if n >= 20 || started.elapsed() > Duration::from_secs(20) {
            break;
        }
    }
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let committed: Vec<i64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    assert!(!committed.is_empty(), "the writer committed something");

    let store = Store::open(&path).unwrap();
    let all = store.applications(true).unwrap();
    for id in &committed {
        assert!(
            all.iter().any(|a| a.application.id == *id),
            "{id} was committed"
        );
    }
    for a in &all {
        assert_eq!(
            a.contacts.len(),
            3,
            "application {} is whole",
            a.application.id
        );
        assert_eq!(a.interviews.len(), 2);
        assert!(a.interviews.iter().all(|iv| iv.interviewer_ids.len() == 1));
    }
    let check: String = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
