//! Plans per second for a mixed set of interviews (issue target: over one million per
//! second per core). Run with `cargo bench -p followup-core --bench plan`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use followup_core::plan::plan;
use followup_core::policy::Policy;

mod common;
use common::mixed;

fn bench(c: &mut Criterion) {
    let cases = mixed();
    let policy = Policy::default();
    let mut g = c.benchmark_group("plan");
    g.throughput(Throughput::Elements(cases.len() as u64));
    g.bench_function("mixed_256", |b| {
        b.iter(|| {
            for (i, r) in &cases {
                std::hint::black_box(plan(i, r, &policy));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
