#!/usr/bin/env bash
# How fast `followup --db postgres://… worker` sends the messages of every user's
# outbox: USERS accounts (default 1,000) with PER messages each (default 10) queued for
# 06:00 UTC; WORKERS workers (default 1) started together with `--once` at 07:00 UTC
# (before the digests' hour: only the outbox is due) into a local SMTP server
# (scripts/smtp_sink.py, aiosmtpd), timed until the last one ends; then a second pass,
# which must find nothing to do. Also printed: the lag from the workers' start to the
# SMTP server's receipt of each message (p50, p99, max).
#
#   scripts/bench_pg_sends.sh [USERS] [WORKERS] [PER]
#
# Needs psql and a PostgreSQL server where PGUSER may create databases (default
# postgres@127.0.0.1:5432, trust), python3 with aiosmtpd, and the release binary
# (FOLLOWUP_BIN, default target/release/followup). The database is dropped after.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-1000}
workers=${2:-1}
per=${3:-10}
bin=${FOLLOWUP_BIN:-${CARGO_TARGET_DIR:-target}/release/followup}
[ -x "$bin" ] || { echo "no $bin: cargo build --release -p followup-cli" >&2; exit 1; }
. scripts/bench_pg_mail_lib.sh
bench_start sends jobs@followup.example
export FOLLOWUP_NOW=2026-12-04T07:00:00Z
# Due 2026-12-04T06:00Z, in nanoseconds (the rows of crates/followup-cli/tests/pg_outbox.rs).
q <<SQL
INSERT INTO app_user (id, email, created_at)
  SELECT u, 'user-' || u || '@example.com', 0 FROM generate_series(1, $users) u;
INSERT INTO application (id, user_id, company, role, status, created_at)
  SELECT u, u, 'Acme ' || u, 'Backend Developer', 'active', 0 FROM generate_series(1, $users) u;
INSERT INTO contact (id, user_id, application_id, name, email, role)
  SELECT u, u, u, 'Raj Patel', 'raj-' || u || '@acme.example', 'interviewer'
    FROM generate_series(1, $users) u;
SELECT setval(s, $users) FROM unnest(ARRAY['app_user_id_seq', 'application_id_seq',
  'contact_id_seq']) s;
INSERT INTO outbox (user_id, application_id, contact_id, kind, at, next_try, state, from_name,
    from_addr, to_name, to_addr, subject, body, message_id, created_at, reply_to)
  SELECT u, u, u, 'follow-up', 1796364000000000000, 1796364000000000000, 'queued',
         'User ' || u, 'jobs@followup.example', 'Raj Patel', 'raj-' || u || '@acme.example',
         'Following up', 'Hello Raj,' || chr(10) || chr(10) || 'Message ' || k || '.',
         '<m-' || u || '-' || k || '@followup.example>', 0, 'user-' || u || '@example.com'
    FROM generate_series(1, $users) u, generate_series(1, $per) k;
VACUUM ANALYZE;
SQL
total=$((users * per))
echo "== $total messages of $users users, $workers worker(s); load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
start=$(date +%s.%N)
pids=()
for i in $(seq "$workers"); do
  "$bin" --db "$url" worker --once --json > "$work/run-$i.json" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
mid=$(date +%s.%N)
"$bin" --db "$url" worker --once --json > "$work/again.json"
sent=$(cat "$work"/run-*.json | grep -c '"state":"sent"' || true)
received=$(find "$work/received" -name '*.eml' | wc -l)
again=$(grep -c '"job":"outbox"' "$work/again.json" || true)
states=$(q -Atc "SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, count(*) n FROM outbox GROUP BY state) s")
python3 -c "
s, m, n, r, a, w = $start, $mid, $sent, $received, $again, $workers
t = m - s
print(f'{n} messages sent ({r} received) in {t:.2f} s: {n / t:.0f} a second, {n / t / w:.0f} per worker')
print(f'the next pass found {a} messages to send')"
lags "$start"
echo "outbox: $states"
