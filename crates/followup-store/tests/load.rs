//! Loading many applications.

use std::time::Instant;

use followup_store::demo::populate;
use followup_store::Store;

fn now() -> jiff::Timestamp {
    "2026-12-01T15:00:00Z".parse().unwrap()
}

#[test]
fn many_applications_load_whole_and_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.sqlite");
    let mut s = Store::open(&path).unwrap();
    let ids = populate(&mut s, 2_000, 42, now()).unwrap();
    assert_eq!(ids.len(), 2_000);
    drop(s);

    let s = Store::open(&path).unwrap();
    let started = Instant::now();
    let all = s.applications(true).unwrap();
    let took = started.elapsed();
    eprintln!("loaded 2,000 applications in {took:?} (unoptimised build)");
    assert_eq!(all.len(), 2_000);
    let touchpoints: usize = all.iter().map(|a| a.touchpoints.len()).sum();
    assert_eq!(touchpoints, 8_000, "four per application on average");
    assert!(all
        .windows(2)
        .all(|w| w[0].application.id < w[1].application.id));

    for full in &all {
        assert!(full
            .touchpoints
            .windows(2)
            .all(|w| (w[0].at, w[0].id) <= (w[1].at, w[1].id)));
        assert!(full.interviews.windows(2).all(|w| w[0].start <= w[1].start));
        assert!(!full.interviews.is_empty() && !full.contacts.is_empty());
        for iv in &full.interviews {
            assert!(!iv.interviewer_ids.is_empty());
            assert!(iv
                .interviewer_ids
                .iter()
                .all(|c| full.contact(*c).is_some()));
        }
        for tp in &full.touchpoints {
            assert!(tp.contact_id.is_none_or(|c| full.contact(c).is_some()));
        }
    }
    // The bulk load agrees with loading one by one.
    for full in all.iter().step_by(97) {
        assert_eq!(&s.application(full.application.id).unwrap(), full);
    }

    let open = s.applications(false).unwrap();
    let closed = all
        .iter()
        .filter(|a| a.application.closed_at.is_some())
        .count();
    assert!(closed > 400 && closed < 1_000, "{closed} closed");
    assert_eq!(open.len(), 2_000 - closed);
    assert!(open.iter().all(|a| a.application.closed_at.is_none()));
    let expected: Vec<_> = all
        .iter()
        .filter(|a| a.application.closed_at.is_none())
        .cloned()
        .collect();
    assert_eq!(open, expected);
}

#[test]
fn populate_is_deterministic() {
    let mut a = Store::open_in_memory().unwrap();
    let mut b = Store::open_in_memory().unwrap();
    populate(&mut a, 100, 3, now()).unwrap();
    populate(&mut b, 100, 3, now()).unwrap();
    assert_eq!(a.export().unwrap(), b.export().unwrap());
    let mut c = Store::open_in_memory().unwrap();
    populate(&mut c, 100, 4, now()).unwrap();
    assert_ne!(a.export().unwrap(), c.export().unwrap());
}
