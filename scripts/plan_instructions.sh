#!/bin/sh
# Instructions per plan, reasons included, counted by callgrind over the bench's
# 256 interviews: (total for N rounds - total for 0 rounds) / (N x 256).
# Usage: scripts/plan_instructions.sh [N]   (default 40)
set -eu
n=${1:-40}
target=${CARGO_TARGET_DIR:-target}
cargo build --release -q -p followup-core --example plan_count
bin=$target/release/examples/plan_count
count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" 2>&1 |
        sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
base=$(count 0)
total=$(count "$n")
echo "$(( (total - base) / (n * 256) )) instructions per plan ($n x 256 plans)"
