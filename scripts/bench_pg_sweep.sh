#!/usr/bin/env bash
# The sweep that finds the users due this minute, on a PostgreSQL database of USERS
# accounts (default 1,000,000): the query plans (EXPLAIN (ANALYZE, BUFFERS)) and the
# time of the workers' queries on the schedule, as `followup --db postgres://… worker`
# sends them (Pg::due_users, the pick of Pg::claim_digests, the count of /metrics).
#
# 1. Makes a database `followup_bench_sweep_<pid>` and brings it to the schema with
#    `followup --db URL admin list-users` (which migrates).
# 2. Loads, in one statement each (the sweep reads the schedule only, so the users'
#    facts are not loaded: scripts/bench_pg_scale.sh loads those):
#    - USERS accounts (`app_user`);
#    - their schedule (`user_due`): each user's next digest at a moment of the 24 hours
#      from 2026-12-01T08:00:00Z on, spread evenly in an order unrelated to the ids
#      (about USERS / 1440 a minute); PEAK more of them (default 10,000, one user in
#      USERS / PEAK) at 08:00 itself, everyone's digest hour; one user in a hundred
#      off the schedule (unsubscribed: `next_due` NULL);
#    - the day before, every user's digest `sent` (`digest_run`, USERS rows: what
#      the claim's check against a day already dealt with reads).
#    Then VACUUM ANALYZE.
# 3. At 2026-12-01T08:00:59.999999999Z (the last instant of that minute), for each
#    query: its plan with EXPLAIN (ANALYZE, BUFFERS), then RUNS runs (default 50) timed
#    by psql (the round trip included), their median and maximum:
#    - the first 1,000 users due (Pg::due_users with a limit of 1,000);
#    - every user due this minute (about PEAK + USERS / 1440 rows);
#    - the claim's pick of 100 users (Pg::claim_digests: `FOR UPDATE SKIP LOCKED`, the
#      day not already dealt with), in a transaction rolled back;
#    - how many are due and since when (the figures of GET /metrics).
# 4. Drops the database, unless KEEP=1.
#
# Needs psql, a PostgreSQL server where PGUSER may create databases (default
# postgres@127.0.0.1:5432, trust), and the release binary (FOLLOWUP_BIN, default
# target/release/followup).
#
# Usage: scripts/bench_pg_sweep.sh [USERS]
#   PEAK=10000   users due at 08:00 on top of the spread
#   RUNS=50      timed runs of each query
#   KEEP=1       keep the database (its URL is printed)
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-1000000}
peak=${PEAK:-10000}
runs=${RUNS:-50}
for n in "$users" "$runs"; do
  if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [USERS]  (USERS and RUNS positive numbers, PEAK a number)" >&2
    exit 2
  fi
done
if ! [[ $peak =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [USERS]  (PEAK a number)" >&2
  exit 2
fi
bin=${FOLLOWUP_BIN:-${CARGO_TARGET_DIR:-target}/release/followup}
[ -x "$bin" ] || { echo "no $bin: cargo build --release -p followup-cli" >&2; exit 1; }
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGOPTIONS="-c client_min_messages=warning"
unset PGDATABASE
db=followup_bench_sweep_$$
url=postgres://$PGUSER@$PGHOST:$PGPORT/$db
cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept: $url"
  else
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  fi
}
trap cleanup EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
clock() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(clock)" 'BEGIN { printf "%.1f", b - a }'; }

# Moments in nanoseconds since the epoch.
minute=1796112000000000000 # 2026-12-01T08:00:00Z
now=$((minute + 59999999999)) # 08:00:59.999999999
day_ns=86400000000000
step=0 # one user in $step is among the PEAK
[ "$peak" -gt 0 ] && step=$((users / peak > 1 ? users / peak : 1))

psql -X -q -d postgres -c "CREATE DATABASE $db"
FOLLOWUP_NOW=2026-12-01T08:00:00Z "$bin" --db "$url" admin list-users >/dev/null # migrates
echo "== $users users ($peak more due at 08:00), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(clock)
q <<SQL
INSERT INTO app_user (id, email, created_at)
  SELECT u, 'user-' || u || '@example.com', $minute FROM generate_series(1, $users) u;
SELECT setval('app_user_id_seq', $users) \gset
INSERT INTO user_due (user_id, next_due, day)
  SELECT u, at, to_char(to_timestamp(at / 1000000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')
    FROM (SELECT u, CASE
                      WHEN u % 100 = 1 THEN NULL
                      WHEN $step > 0 AND u % $step = 0 THEN $minute
                      ELSE $minute + (u::numeric * 7919 % $users * $day_ns / $users)::bigint
                    END AS at
            FROM generate_series(1, $users) u) s;
INSERT INTO digest_run (user_id, day, state, worker, due_at, claimed_at, updated_at, detail)
  SELECT u, '2026-11-30', 'sent', 'bench', $minute - $day_ns, $minute - $day_ns,
         $minute - $day_ns + 1000000000, '<followup.digest.2026-11-30.' || u || '> 250 ok'
    FROM generate_series(1, $users) u;
VACUUM ANALYZE;
SQL
echo "loaded in $(since "$t0") s: $(q -Atc "SELECT count(*) FILTER (WHERE next_due IS NOT NULL)
  || ' on the schedule, ' || count(*) FILTER (WHERE next_due <= $now) || ' due at 08:00:59'
  FROM user_due")"

# The queries, with the values the worker would send.
due_users="SELECT user_id FROM user_due WHERE next_due <= $now ORDER BY next_due LIMIT 1000"
due_minute="SELECT user_id FROM user_due WHERE next_due <= $now ORDER BY next_due"
claim_pick="SELECT d.user_id FROM user_due d
  WHERE d.next_due <= $now
    AND NOT EXISTS (SELECT 1 FROM digest_run r
                     WHERE r.user_id = d.user_id AND r.day = d.day AND r.state <> 'waiting')
  ORDER BY d.next_due LIMIT 100 FOR UPDATE OF d SKIP LOCKED"
metrics="SELECT count(*), min(next_due) FROM user_due WHERE next_due <= $now"

# EXPLAIN (ANALYZE, BUFFERS) of $2, then $runs runs timed by psql; $1 names it. A
# statement that locks runs in a transaction rolled back.
sweep() {
  local name=$1 sql=$2 begin='' end=''
  if [[ $sql == *"FOR UPDATE"* ]]; then begin='BEGIN;' end='ROLLBACK;'; fi
  echo
  echo "-- $name"
  q -c "$begin EXPLAIN (ANALYZE, BUFFERS) $sql; $end" | sed 's/^/   /'
  for _ in $(seq "$runs"); do echo "$begin"; echo "$sql;"; echo "$end"; done |
    q -o /dev/null -c '\timing on' -f - | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' |
    if [ -n "$begin" ]; then awk 'NR % 3 == 2'; else cat; fi | sort -n |
    awk -v runs="$runs" '{ t[NR] = $1 } END {
      printf "   %d runs (psql, round trip included): median %.2f ms, max %.2f ms\n",
        runs, t[int(NR / 2) + 1], t[NR] }'
}

sweep "the first 1,000 users due (Pg::due_users)" "$due_users"
sweep "every user due this minute" "$due_minute"
sweep "the claim's pick of 100 (Pg::claim_digests)" "$claim_pick"
sweep "the figures of /metrics (Pg::queue_figures)" "$metrics"
