//! Loading 10,000 applications with 40,000 touchpoints.
//!
//! The database is generated once into a temporary file with `demo::populate`.
//! `warm` reuses an open store; `open+load` opens the file each time, as a new
//! `followup` process does.

use criterion::{criterion_group, criterion_main, Criterion};
use followup_store::demo::populate;
use followup_store::Store;

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("bench.sqlite");
    let now: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().expect("time");
    {
        let mut store = Store::open(&path).expect("open");
        populate(&mut store, 10_000, 1, now).expect("populate");
    }
    let store = Store::open(&path).expect("open");
    let all = store.applications(true).expect("load");
    let touchpoints: usize = all.iter().map(|a| a.touchpoints.len()).sum();
    let open = store.applications(false).expect("load").len();
    eprintln!(
        "database: {} applications ({open} active), {touchpoints} touchpoints, {} bytes",
        all.len(),
        std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0)
    );
    drop(all);

    let mut group = c.benchmark_group("load 10k applications");
    group.sample_size(30);
    group.bench_function("all, warm", |b| {
        b.iter(|| store.applications(true).expect("load"))
    });
    group.bench_function("active only, warm", |b| {
        b.iter(|| store.applications(false).expect("load"))
    });
    group.bench_function("open + all", |b| {
        b.iter(|| {
            Store::open(&path)
                .expect("open")
                .applications(true)
                .expect("load")
        })
    });
    group.bench_function("open only", |b| {
        b.iter(|| Store::open(&path).expect("open"))
    });
    group.bench_function("export", |b| b.iter(|| store.export().expect("export")));
    // The floor: the same six scans through SQLite, touching every column, building
    // nothing.
    let raw = rusqlite::Connection::open(&path).expect("open");
    group.bench_function("raw scans, no records", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for table in [
                "application",
                "interview",
                "interview_contact",
                "contact",
                "touchpoint",
                "note",
            ] {
                let mut stmt = raw
                    .prepare_cached(&format!("SELECT * FROM {table}"))
                    .expect("prepare");
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

    let mut group = c.benchmark_group("write");
    let mut writer = Store::open(&path).expect("open");
    group.bench_function("add_application", |b| {
        b.iter(|| {
            writer
                .add_application(&followup_store::NewApplication::new(
                    "Acme", "Engineer", now,
                ))
                .expect("add")
        })
    });
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
