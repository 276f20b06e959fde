#!/usr/bin/env bash
# How fast `followup --db postgres://… worker` sends the daily digests of a PostgreSQL
# database's users: USERS accounts (default 10,000), each with one active application
# whose interview was yesterday with one interviewer (a thank-you is due), all due at
# 08:00 UTC; WORKERS workers (default 1) started together with `--once` into a local
# SMTP server (scripts/smtp_sink.py, aiosmtpd), timed until the last one ends; then a
# second pass, which must find nothing to do.
#
# Also printed: what one durable commit costs on this server just before the run (the
# median and 90th percentile of 200 one-row INSERTs, each its own transaction, timed by
# psql: a digest's `sending` mark waits for one such flush before its SMTP conversation),
# and the lag of the digests: when the SMTP server received each one (its file's
# time) minus the moment they all became due, the start of the workers (p50, p99, max).
#
#   scripts/bench_pg_digests.sh [USERS] [WORKERS]
#   TIME_CMD='/usr/bin/time -f %U_user_%S_sys_%e_wall'     wraps each worker (split on spaces)
#   URL_PARAMS='?options=-c%20synchronous_commit%3Doff'     appended to the URL
#
# Needs psql and a PostgreSQL server where PGUSER may create databases (default
# postgres@127.0.0.1:5432, trust), python3 with aiosmtpd, and the release binary
# (FOLLOWUP_BIN, default target/release/followup). The database is dropped after.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-10000}
workers=${2:-1}
bin=${FOLLOWUP_BIN:-${CARGO_TARGET_DIR:-target}/release/followup}
[ -x "$bin" ] || { echo "no $bin: cargo build --release -p followup-cli" >&2; exit 1; }
. scripts/bench_pg_mail_lib.sh
bench_start digests digests@followup.example
export FOLLOWUP_NOW=2026-12-01T10:00:00Z
# Moments in nanoseconds: applied 2026-11-10T09:00Z, interview 2026-11-30T14:00Z, due
# 2026-12-01T08:00Z (the same rows as crates/followup-cli/tests/pg_digest.rs).
q <<SQL
INSERT INTO app_user (id, email, created_at)
  SELECT u, 'user-' || u || '@example.com', 1794301200000000000 FROM generate_series(1, $users) u;
INSERT INTO application (id, user_id, company, role, status, created_at)
  SELECT u, u, 'Acme ' || u, 'Backend Developer', 'active', 1794301200000000000
    FROM generate_series(1, $users) u;
INSERT INTO interview (id, user_id, application_id, start, tz, duration_minutes)
  SELECT u, u, u, 1796047200000000000, 'UTC', 60 FROM generate_series(1, $users) u;
INSERT INTO contact (id, user_id, application_id, name, email, role, tz)
  SELECT u, u, u, 'Raj Patel', 'raj@acme.example', 'interviewer', 'UTC'
    FROM generate_series(1, $users) u;
INSERT INTO interview_contact (user_id, application_id, interview_id, contact_id)
  SELECT u, u, u, u FROM generate_series(1, $users) u;
INSERT INTO user_due (user_id, next_due, day)
  SELECT u, 1796112000000000000, '2026-12-01' FROM generate_series(1, $users) u;
SELECT setval(s, $users) FROM unnest(ARRAY['app_user_id_seq', 'application_id_seq',
  'interview_id_seq', 'contact_id_seq']) s;
VACUUM ANALYZE;
SQL

q -c 'CREATE TABLE bench_commit (n integer)'
commits=$(echo "SELECT 'INSERT INTO bench_commit VALUES (' || n || ')'
    FROM generate_series(1, 200) n \\gexec" | q -c '\timing on' -f - |
  sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | sort -n | awk '{ t[NR] = $1 } END {
    printf "%.2f ms median, %.2f ms p90", t[int(NR / 2) + 1], t[int(NR * 0.9)] }')
q -c 'DROP TABLE bench_commit'

echo "== $users users, $workers worker(s); load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
echo "a durable commit: $commits"
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 ", " $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }
cpu_sink() { awk '{ print ($14 + $15) / '"$(getconf CLK_TCK)"' }' "/proc/$SINK/stat"; }
busy0=$(busy) sink0=$(cpu_sink)
start=$(date +%s.%N)
pids=()
for i in $(seq "$workers"); do
  ${TIME_CMD:-} "$bin" --db "$url" worker --once --json > "$work/run-$i.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
mid=$(date +%s.%N)
busy1=$(busy) sink1=$(cpu_sink)
"$bin" --db "$url" worker --once --json > "$work/again.json"
end=$(date +%s.%N)
sent=$(cat "$work"/run-*.json | grep -c '"state":"sent"' || true)
received=$(find "$work/received" -name '*.eml' | wc -l)
again=$(wc -l < "$work/again.json")
states=$(q -Atc "SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, count(*) n FROM digest_run GROUP BY state) s")
python3 -c "
s, m, e, n, r, a, u, w = $start, $mid, $end, $sent, $received, $again, $users, $workers
t = m - s
print(f'{n} digests sent ({r} received) in {t:.2f} s: {n / t:.0f} a second, {n / t / w:.0f} per worker')
print(f'the next pass found {a} jobs to do in {e - m:.2f} s')
(b0, t0), (b1, t1) = ($busy0), ($busy1)
print(f'the machine busy {100 * (b1 - b0) / (t1 - t0):.0f}% of the run (every process), '
      f'the SMTP server {$sink1 - $sink0:.1f} s of CPU')"
lags "$start"
echo "digest_run: $states"
