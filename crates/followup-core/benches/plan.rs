//! Plans per second for a mixed set of interviews (issue target: over one million per
//! second per core). Run with `cargo bench -p followup-core --bench plan`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use followup_core::calendar::Region;
use followup_core::model::{Channel, CompanyType, Round, Seniority};
use followup_core::plan::{plan, Interview, Recipient};
use followup_core::policy::Policy;
use jiff::civil::date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, ToSpan};

fn mixed() -> Vec<(Interview, Recipient)> {
    let zones = [
        "America/New_York",
        "Europe/London",
        "Europe/Berlin",
        "Asia/Tokyo",
    ];
    let regions = ["US-NY", "GB-ENG", "DE-BY", "JP"];
    (0..256)
        .map(|n: i64| {
            let tz = TimeZone::get(zones[n as usize % 4]).unwrap();
            let day = date(2026, 1, 5).checked_add((n * 3).days()).unwrap();
            let start = day
                .at(9 + (n % 8) as i8, 0, 0, 0)
                .to_zoned(tz.clone())
                .unwrap();
            let mut i = Interview::new(start);
            i.duration = SignedDuration::from_mins(30 + 15 * (n % 4));
            i.company_type = Some(CompanyType::ALL[n as usize % CompanyType::ALL.len()]);
            i.seniority = Some(Seniority::ALL[n as usize % Seniority::ALL.len()]);
            i.round = Some(Round::ALL[n as usize % Round::ALL.len()]);
            i.urgent = n % 5 == 0;
            i.channel = if n % 7 == 0 {
                Channel::Phone
            } else {
                Channel::Email
            };
            if n % 2 == 0 {
                i.decision_by = Some(day.checked_add((7 + n % 14).days()).unwrap());
            }
            let mut r = Recipient::new(tz);
            r.region = Some(regions[n as usize % 4].parse::<Region>().unwrap());
            (i, r)
        })
        .collect()
}

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
