//! Many processes at once: each thread opens its own `Store` on the same file.

use std::sync::{Arc, Barrier};
use std::thread;

use followup_store::{NewApplication, NewInterview, NewTouchpoint, Store, TouchpointKind};

fn at() -> jiff::Timestamp {
    "2026-12-01T15:00:00Z".parse().unwrap()
}

/// Twenty writers start together on a file that does not exist yet: one creates the
/// schema, the others wait their turn, and every application is there.
#[test]
fn twenty_writers_on_a_new_file_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/followup.sqlite");
    let start = Arc::new(Barrier::new(20));
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let path = path.clone();
            let start = Arc::clone(&start);
            thread::spawn(move || -> Result<i64, String> {
                start.wait();
                let mut store = Store::open(&path).map_err(|e| e.to_string())?;
                let mut app = NewApplication::new(format!("Company {i}"), "Engineer", at());
                app.interviews.push(NewInterview::new(at(), "UTC", 60));
                let id = store.add_application(&app).map_err(|e| e.to_string())?;
                store
                    .add_touchpoint(id, &NewTouchpoint::new(TouchpointKind::ThankYou, at()))
                    .map_err(|e| e.to_string())?;
                Ok(id)
            })
        })
        .collect();
    let mut ids: Vec<i64> = handles
        .into_iter()
        .map(|h| h.join().expect("no panic").expect("every writer succeeds"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);

    let store = Store::open(&path).unwrap();
    let all = store.applications(true).unwrap();
    assert_eq!(all.len(), 20);
    let mut companies: Vec<_> = all.iter().map(|a| a.application.company.clone()).collect();
    companies.sort();
    let mut expected: Vec<_> = (0..20).map(|i| format!("Company {i}")).collect();
    expected.sort();
    assert_eq!(companies, expected);
    assert!(all
        .iter()
        .all(|a| a.touchpoints.len() == 1 && a.interviews.len() == 1));
}

/// A reader keeps a consistent view while writers work.
#[test]
fn readers_and_writers_overlap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    drop(Store::open(&path).unwrap());
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let path = path.clone();
            thread::spawn(move || {
                let mut s = Store::open(&path).unwrap();
                for i in 0..10 {
                    s.add_application(&NewApplication::new(format!("W{w} #{i}"), "Dev", at()))
                        .unwrap();
                }
            })
        })
        .collect();
    let reader = {
        let path = path.clone();
        thread::spawn(move || {
            let s = Store::open(&path).unwrap();
            let mut last = 0;
            for _ in 0..50 {
                let n = s.applications(true).unwrap().len();
                assert!(n >= last, "never goes back");
                last = n;
            }
        })
    };
    for w in writers {
        w.join().unwrap();
    }
    reader.join().unwrap();
    assert_eq!(
        Store::open(&path)
            .unwrap()
            .applications(true)
            .unwrap()
            .len(),
        40
    );
}
