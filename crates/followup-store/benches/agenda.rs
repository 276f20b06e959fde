//! The agenda's read over 10,000 applications with 40,000 touchpoints, next to the
//! full load it replaces.
//!
//! The database is generated once into a temporary file with `demo::populate`.
//! `warm` reuses an open store; `open + ...` opens the file each time, as a new
//! `followup agenda` process does.

use criterion::{criterion_group, criterion_main, Criterion};
use followup_store::demo::populate;
use followup_store::Store;

fn agenda(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("bench.sqlite");
    let now: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().expect("time");
    {
        let mut store = Store::open(&path).expect("open");
        populate(&mut store, 10_000, 1, now).expect("populate");
    }
    let store = Store::open(&path).expect("open");
    let rows = store.agenda_rows().expect("agenda rows");
    let touchpoints: usize = rows.iter().map(|r| r.touchpoints.len()).sum();
    eprintln!(
        "agenda: {} applications, {touchpoints} touchpoints",
        rows.len()
    );
    drop(rows);

    let mut group = c.benchmark_group("agenda read, 10k applications");
    group.sample_size(30);
    group.bench_function("agenda_rows, warm", |b| {
        b.iter(|| store.agenda_rows().expect("agenda rows"))
    });
    group.bench_function("open + agenda_rows", |b| {
        b.iter(|| {
            Store::open(&path)
                .expect("open")
                .agenda_rows()
                .expect("agenda rows")
        })
    });
    group.bench_function("applications(true), warm (the full load)", |b| {
        b.iter(|| store.applications(true).expect("load"))
    });
    // The floor: the same five scans through SQLite, touching every column, building
    // nothing.
    let raw = rusqlite::Connection::open(&path).expect("open");
    group.bench_function("raw scans, no records", |b| {
        b.iter(|| {
            let tx = raw.unchecked_transaction().expect("transaction");
            let mut n = 0usize;
            for sql in [
                "SELECT id, company, role, status, company_type, seniority, region, urgent, \
                 late_in_process, recipient_tz FROM application \
                 WHERE status IN ('active', 'rejected') ORDER BY id",
                "SELECT application_id, id, start, tz, duration_minutes, round, \
                 decision_phrase, decision_date FROM interview WHERE cancelled = 0",
                "SELECT application_id, interview_id, contact_id FROM interview_contact",
                "SELECT application_id, id, name FROM contact",
                "SELECT application_id, id, kind, at, contact_id, outcome, decision_phrase, \
                 decision_date FROM touchpoint",
            ] {
                let mut stmt = tx.prepare_cached(sql).expect("prepare");
                let cols = stmt.column_count();
                let mut rows = stmt.query([]).expect("query");
                while let Some(row) = rows.next().expect("row") {
                    for i in 0..cols {
                        if let Ok(rusqlite::types::ValueRef::Text(t)) = row.get_ref(i) {
                            n += t.len();
                        } else {
                            n += 1;
                        }
                    }
                }
            }
            n
        })
    });
    group.finish();
}

criterion_group!(benches, agenda);
criterion_main!(benches);
