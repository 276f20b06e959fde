//! The agenda over 10,000 applications with 40,000 touchpoints: read from the agenda
//! cache (every run after the first), and planned from scratch (the first run, or
//! after the settings or the build changed).
//!
//! The database is generated once into a temporary file with `demo::populate`. Each
//! iteration opens the store, as a new `followup agenda` process does.

use criterion::{criterion_group, criterion_main, Criterion};
use followup_app::agenda::entries;
use followup_app::settings::Settings;
use followup_app::Ctx;
use followup_core::policy::Preset;
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
    let ctx = Ctx::from_parts(Settings::default(), Preset::default().policy(), now, path);
    let items = entries(&ctx, 7, true).expect("agenda");
    eprintln!("agenda: {} items over 10,000 applications", items.len());

    let mut group = c.benchmark_group("agenda, 10k applications");
    group.sample_size(20);
    group.bench_function("cached", |b| {
        b.iter(|| entries(&ctx, 7, false).expect("agenda"))
    });
    group.bench_function("cached, with reasons", |b| {
        b.iter(|| entries(&ctx, 7, true).expect("agenda"))
    });
    group.bench_function("planned from scratch (cache emptied first)", |b| {
        b.iter(|| {
            ctx.store()
                .expect("open")
                .clear_agenda_cache()
                .expect("clear");
            entries(&ctx, 7, true).expect("agenda")
        })
    });
    group.finish();
}

criterion_group!(benches, agenda);
criterion_main!(benches);
