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
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGOPTIONS="-c client_min_messages=warning"
db=followup_bench_sends_$$
url=postgres://$PGUSER@$PGHOST:$PGPORT/$db
work=$(mktemp -d)
SINK=
cleanup() {
  [ -n "$SINK" ] && kill "$SINK" 2>/dev/null || true
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }

mkfifo "$work/in"
python3 scripts/smtp_sink.py "$work/received" < "$work/in" > "$work/port" &
SINK=$!
exec 3> "$work/in"
while [ ! -s "$work/port" ]; do sleep 0.05; done
port=$(cut -d' ' -f2 < "$work/port")

export HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" TZ=UTC
export FOLLOWUP_SMTP="smtp://127.0.0.1:$port" FOLLOWUP_MAIL_ADDRESS=jobs@followup.example
export FOLLOWUP_NOW=2026-12-04T07:00:00Z
unset FOLLOWUP_DB FOLLOWUP_TZ FOLLOWUP_DIGEST_HOUR

psql -X -q -d postgres -c "CREATE DATABASE $db"
"$bin" --db "$url" admin list-users >/dev/null # migrates
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
python3 - "$work/received" "$start" <<'PY'
import os, sys
start = float(sys.argv[2])
lags = sorted(os.stat(os.path.join(sys.argv[1], f)).st_mtime_ns / 1e9 - start
              for f in os.listdir(sys.argv[1]) if f.endswith(".eml"))
if lags:
    at = lambda p: lags[min(len(lags) - 1, int(len(lags) * p))]
    print(f"lag from due to received: p50 {at(0.5):.2f} s, p99 {at(0.99):.2f} s, max {lags[-1]:.2f} s")
PY
echo "outbox: $states"
