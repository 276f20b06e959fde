//! Plans the bench's 256 interviews `N` times (the first argument, default 1), for
//! counting instructions per plan:
//!
//! ```text
//! cargo build --release -p followup-core --example plan_count
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/plan_count 0
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/plan_count 40
//! ```
//!
//! (difference of the two totals) / (40 × 256) is the cost of one plan, reasons
//! included; rendering them is not counted.

use followup_core::plan::plan;
use followup_core::policy::Policy;

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(1, |s| s.parse().expect("a number of rounds"));
    let cases = common::mixed();
    let policy = Policy::default();
    // Warm the zone and holiday tables, as the bench's warm-up does.
    for (i, r) in &cases {
        std::hint::black_box(plan(i, r, &policy));
    }
    for _ in 0..n {
        for (i, r) in &cases {
            std::hint::black_box(plan(i, r, &policy));
        }
    }
}
