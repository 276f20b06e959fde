#!/usr/bin/env bash
# PostgreSQL at scale: USERS accounts (default 100,000), 10 applications each, with one
# interview, one contact (who sat in the interview) and 4 touchpoints per application
# (1,000,000 applications and 4,000,000 touchpoints at the default), one note for one
# application in five, and a skipped step for some, loaded with COPY into a new
# database; then the query plans of one user's reads, and optionally the web server
# under load.
#
# 1. Makes a database `followup_bench_<pid>` and brings it to the schema with
#    `followup --db URL admin list-users` (which migrates).
# 2. Loads it: the rows are made from the ids (scripts/bench_pg_scale.sql, the same
#    rows for the same USERS), streamed out of `COPY (SELECT ...) TO STDOUT` and into
#    `COPY table FROM STDIN`. The load runs with session_replication_role = replica,
#    so neither the plan_gen triggers nor the foreign key checks fire row by row;
#    `plan_gen` is loaded by COPY too, with the counts the triggers would have left
#    (each application's interview, contact, interviewer, touchpoints and skipped
#    step: 7 or 8), and every foreign key is checked afterwards in one pass.
#    The id sequences are moved past the ids loaded.
# 3. Every user N has a profile (the sender of the drafts), an API token `fu_` + N
#    zero-padded to 64 digits and a session (the `followup_account` cookie) `be` + N
#    zero-padded to 62 digits, stored as their SHA-256 as the server stores its own.
# 4. VACUUM ANALYZE, then EXPLAIN (ANALYZE, BUFFERS) of the reads of one random user's
#    applications, as the app runs them (role followup_user, followup.user_id set:
#    row-level security in the plan), each checked for a sequential scan.
# 5. With FOLLOWUP_BENCH_HTTP=1: two `followup --db URL serve` processes and wrk at 50
#    connections in all (25 on each process, at the same time) on random users'
#    GET /api/agenda (Authorization: Bearer TOKEN), then on the Today page `/` (the
#    session cookie); p50 and p99 of each process.
# 6. Drops the database, unless KEEP=1.
#
# The clock is fixed at 2026-12-04T15:00:00Z (FOLLOWUP_NOW), the data around it.
#
# Needs: psql, a PostgreSQL server where PGUSER may create databases (default
# postgres@127.0.0.1:5432, trust), the release binary (FOLLOWUP_BIN, default
# target/release/followup), python3 (the JSON check); for HTTP: wrk and curl
# (Debian: apt-get install -y wrk curl).
#
# Usage: scripts/bench_pg_scale.sh [USERS]
#   KEEP=1                      keep the database (its URL is printed)
#   FOLLOWUP_BENCH_DB=NAME      a database this script loaded and kept before: no load
#                               (USERS is read from it), kept afterwards
#   FOLLOWUP_BENCH_HTTP=1       the server part
#   FOLLOWUP_BENCH_SECONDS=30   how long each wrk run lasts
#   FOLLOWUP_BENCH_PACE_MS=80   the paced runs: each connection waits that long after
#                               each answer (0: no paced runs)
#   FOLLOWUP_BENCH_PORT=7990    the first server's port (the second: the next one)
#   FOLLOWUP_BENCH_SERVE_ARGS   more arguments for `serve`
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-100000}
if ! [[ $users =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [USERS]  (a positive number, default 100000)" >&2
  exit 2
fi
bin=${FOLLOWUP_BIN:-${CARGO_TARGET_DIR:-target}/release/followup}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
now=2026-12-04T15:00:00Z
now_s=1796396400 # $now in seconds since the epoch
db=${FOLLOWUP_BENCH_DB:-followup_bench_$$}
[ -n "${FOLLOWUP_BENCH_DB:-}" ] && KEEP=1
url=postgres://$PGUSER@$PGHOST:$PGPORT/$db
export FOLLOWUP_NOW=$now TZ=UTC PGOPTIONS="-c client_min_messages=warning"
unset FOLLOWUP_DB PGDATABASE

if [ ! -x "$bin" ]; then
  echo "no followup binary at $bin (cargo build --release -p followup-cli, or set FOLLOWUP_BIN)" >&2
  exit 1
fi

q() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept: $url"
  else
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  fi
}
trap cleanup EXIT
clock() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(clock)" 'BEGIN { printf "%.1f", b - a }'; }

if [ -n "${FOLLOWUP_BENCH_DB:-}" ]; then
  users=$(q -Atc 'SELECT count(*) FROM app_user')
  echo "== $db as loaded before: $users users; load average $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
else
echo "== $users users, $((users * 10)) applications, $((users * 40)) touchpoints into $url"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(psql -X -Atd postgres -c 'SHOW server_version')"
psql -X -q -d postgres -c "CREATE DATABASE $db"
t=$(clock)
"$bin" --db "$url" admin list-users >/dev/null
echo "schema (followup admin list-users, migrating): $(since "$t") s, version $(q -Atc 'SELECT version FROM followup_schema')"

t=$(clock)
q -v users="$users" -v now_s="$now_s" -f scripts/bench_pg_scale.sql
echo "rows made (scratch schema bench_gen): $(since "$t") s"

# COPY of the SELECT's rows into the table; the time and the count.
load() {
  local table=$1 columns=$2 select=$3 t0 out
  t0=$(clock)
  out=$(q -c "COPY ($select) TO STDOUT" |
    PGOPTIONS="$PGOPTIONS -c session_replication_role=replica -c synchronous_commit=off" \
      q -c "COPY $table ($columns) FROM STDIN" -c "SELECT 'rows', count(*) FROM $table" -At)
  printf '  %-18s %10s rows %8s s\n' "$table" "${out#rows|}" "$(since "$t0")"
}

echo "COPY:"
t_load=$(clock)
load app_user "id, email, password_hash, created_at" \
  "SELECT id, 'bench-user-' || id || '@example.com', NULL, bench_gen.ns(created_s)
   FROM bench_gen.usr ORDER BY id"
load api_token "token_hash, user_id, name, created_at" \
  "SELECT sha256(convert_to('fu_' || lpad(id::text, 64, '0'), 'UTF8')), id, 'bench',
          bench_gen.ns(created_s + 3600)
   FROM bench_gen.usr ORDER BY id"
load session "token_hash, user_id, created_at, expires_at, last_seen_at" \
  "SELECT sha256(convert_to('be' || lpad(u.id::text, 62, '0'), 'UTF8')), u.id,
          bench_gen.ns(c.now_s - 86400), bench_gen.ns(c.now_s - 86400 + 30 * 86400),
          bench_gen.ns(c.now_s - 3600)
   FROM bench_gen.usr u, bench_gen.const c ORDER BY u.id"
load profile "user_id, name, email, phone" \
  "SELECT id, 'Bench User ' || id, 'bench-user-' || id || '@example.com',
          CASE WHEN id % 3 = 0 THEN '+1 555 0100' END
   FROM bench_gen.usr ORDER BY id"
load application "id, user_id, company, role, source, link, company_type, seniority, region,
                  status, created_at, closed_at, urgent, late_in_process, recipient_tz" \
  "SELECT a.id, a.user_id, a.company, a.role,
          CASE WHEN bench_gen.h(a.id, 20) % 5 = 0 THEN NULL
               ELSE bench_gen.pick(c.sources, a.id, 21) END,
          'https://jobs.example.com/' || lower(replace(a.company, ' ', '-')) || '/' || a.id,
          CASE WHEN bench_gen.h(a.id, 22) % 7 = 0 THEN NULL
               ELSE bench_gen.pick(c.company_types, a.id, 23) END,
          CASE WHEN bench_gen.h(a.id, 24) % 10 = 0 THEN NULL
               ELSE bench_gen.pick(c.seniorities, a.id, 25) END,
          CASE WHEN bench_gen.h(a.id, 26) % 10 < 3 THEN NULL ELSE c.regions[a.zone_i] END,
          a.status, bench_gen.ns(a.created_s), bench_gen.ns(a.closed_s),
          bench_gen.h(a.id, 27) % 20 = 0, bench_gen.h(a.id, 28) % 10 = 0,
          CASE WHEN bench_gen.h(a.id, 29) % 10 = 0 THEN c.zones[1 + (a.zone_i + 2) % 10] END
   FROM bench_gen.app a, bench_gen.const c ORDER BY a.id"
load plan_gen "user_id, application_id, gen" \
  "SELECT user_id, id, 7 + a.has_skip::int FROM bench_gen.app a ORDER BY id"
load interview "id, user_id, application_id, start, tz, duration_minutes, round,
                decision_phrase, decision_date, location, uid, cancelled, title" \
  "SELECT a.id, a.user_id, a.id, bench_gen.ns(a.start_s), c.zones[a.zone_i],
          (ARRAY[30, 45, 60, 90])[1 + bench_gen.h(a.id, 30) % 4],
          CASE WHEN bench_gen.h(a.id, 31) % 10 = 0 THEN NULL
               ELSE bench_gen.pick(c.rounds, a.id, 32) END,
          (ARRAY['within a week', 'by the end of next week', 'in two weeks', NULL])
              [1 + bench_gen.h(a.id, 33) % 4],
          bench_gen.day(a.start_s + (ARRAY[7, 11, 14, NULL])[1 + bench_gen.h(a.id, 33) % 4] * 86400),
          CASE WHEN bench_gen.h(a.id, 34) % 10 < 7
               THEN 'https://meet.example.com/' || to_hex(bench_gen.h(a.id, 35))
               ELSE 'Office, floor ' || (1 + bench_gen.h(a.id, 35) % 9) END,
          CASE WHEN bench_gen.h(a.id, 36) % 10 < 6 THEN 'bench-' || a.id || '@calendar.example' END,
          bench_gen.h(a.id, 37) % 50 = 0,
          CASE WHEN bench_gen.h(a.id, 38) % 10 < 7
               THEN 'Interview: ' || a.role || ' at ' || a.company END
   FROM bench_gen.app a, bench_gen.const c ORDER BY a.id"
load contact "id, user_id, application_id, name, email, phone, role, tz" \
  "SELECT a.id, a.user_id, a.id, n.first || ' ' || n.last,
          CASE WHEN bench_gen.h(a.id, 42) % 10 > 0
               THEN replace(lower(n.first || '.' || n.last), 'ü', 'ue') || '@'
                    || lower(replace(a.company, ' ', '')) || '.example' END,
          CASE WHEN bench_gen.h(a.id, 43) % 10 < 3
               THEN '+1 555 01' || lpad((bench_gen.h(a.id, 44) % 100)::text, 2, '0') END,
          (ARRAY['interviewer', 'interviewer', 'interviewer', 'interviewer', 'interviewer',
                 'recruiter', 'recruiter', 'recruiter', 'hiring-manager', 'hiring-manager'])
              [1 + bench_gen.h(a.id, 45) % 10],
          CASE WHEN bench_gen.h(a.id, 46) % 10 < 7 THEN c.zones[a.zone_i] END
   FROM bench_gen.app a, bench_gen.const c,
        LATERAL (SELECT bench_gen.pick(c.first_names, a.id, 40) AS first,
                        bench_gen.pick(c.last_names, a.id, 41) AS last) n
   ORDER BY a.id"
load interview_contact "user_id, application_id, interview_id, contact_id" \
  "SELECT user_id, id, id, id FROM bench_gen.app ORDER BY id"
# Over by a day and open: thank-you, reply, follow-up, call. Closed: thank-you, reply,
# call, the outcome (at closed_at, the outcome the status names). Ahead: reply, call,
# reply, voicemail, spread between the application and now.
load touchpoint "id, user_id, application_id, kind, at, contact_id, channel, note, outcome,
                 decision_phrase, decision_date" \
  "SELECT (a.id - 1) * 4 + j, a.user_id, a.id, t.kind, bench_gen.ns(t.at_s),
          CASE WHEN t.kind <> 'outcome' THEN a.id END,
          CASE WHEN t.kind = 'outcome' THEN NULL
               WHEN t.kind IN ('call', 'voicemail') THEN 'phone' ELSE 'email' END,
          CASE t.kind WHEN 'thank-you' THEN 'Thanked them for the conversation'
                      WHEN 'reply' THEN 'They are still interviewing'
                      WHEN 'voicemail' THEN 'Left a message' END,
          CASE WHEN t.kind = 'outcome' THEN a.status END,
          CASE WHEN t.kind = 'reply' AND a.past AND bench_gen.h(a.id, 50) % 4 = 0
               THEN 'next week' END,
          CASE WHEN t.kind = 'reply' AND a.past AND bench_gen.h(a.id, 50) % 4 = 0
               THEN bench_gen.day(a.start_s + 7 * 86400) END
   FROM bench_gen.app a CROSS JOIN generate_series(1, 4) AS j,
        LATERAL (SELECT * FROM (VALUES
          (a.past AND a.status = 'active',
           (ARRAY['thank-you', 'reply', 'follow-up', 'call'])[j],
           (ARRAY[a.start_s + 3 * 3600,
                  least(a.start_s + 86400 + bench_gen.h(a.id, 51) % 28800, a.now_s - 3 * 3600),
                  least(a.start_s + 8 * 86400, a.now_s - 2 * 3600),
                  least(a.start_s + 9 * 86400, a.now_s - 3600)])[j]),
          (a.status <> 'active',
           (ARRAY['thank-you', 'reply', 'call', 'outcome'])[j],
           (ARRAY[a.start_s + 3 * 3600,
                  a.start_s + 86400 + bench_gen.h(a.id, 51) % 28800,
                  a.start_s + 2 * 86400 + bench_gen.h(a.id, 52) % 14400,
                  a.closed_s])[j]),
          (a.status = 'active' AND NOT a.past,
           (ARRAY['reply', 'call', 'reply', 'voicemail'])[j],
           a.created_s + j * (a.now_s - a.created_s) / 5)
        ) AS v(applies, kind, at_s) WHERE v.applies) t
   ORDER BY a.id, j"
load note "id, user_id, application_id, interview_id, kind, text" \
  "SELECT a.id, a.user_id, a.id, a.id,
          (ARRAY['topic', 'strength', 'gap', 'question'])[1 + bench_gen.h(a.id, 60) % 4],
          (ARRAY['The migration of the billing service', 'Ran the on-call rotation at scale',
                 'No production Kubernetes yet', 'How do teams pick their roadmap?'])
              [1 + bench_gen.h(a.id, 60) % 4]
   FROM bench_gen.app a WHERE a.has_note ORDER BY a.id"
load skipped_step "id, user_id, application_id, kind, contact_id, interview_id, at, note" \
  "SELECT a.id, a.user_id, a.id, 'final_follow_up', a.id, a.id,
          bench_gen.ns(a.now_s - 4 * 3600), 'They asked for more time'
   FROM bench_gen.app a WHERE a.has_skip ORDER BY a.id"
echo "COPY in all: $(since "$t_load") s"

t=$(clock)
q <<'SQL'
-- Each id sequence past the ids loaded.
DO $$
DECLARE
    t text;
    top bigint;
BEGIN
    FOREACH t IN ARRAY ARRAY['app_user', 'application', 'interview', 'contact', 'touchpoint',
        'note', 'skipped_step']
    LOOP
        EXECUTE format('SELECT max(id) FROM %I', t) INTO top;
        IF top IS NOT NULL THEN
            PERFORM setval(pg_get_serial_sequence(t, 'id'), top);
        END IF;
    END LOOP;
END
$$;
DROP SCHEMA bench_gen CASCADE;
SQL
echo "sequences set, scratch schema dropped: $(since "$t") s"

# The load skipped the foreign key triggers: every foreign key of the schema is
# checked here, once, over the whole tables (MATCH SIMPLE: a row with a NULL in the key
# references nothing).
t=$(clock)
q <<'SQL'
DO $$
DECLARE
    r record;
    cond text;
    present text;
    n bigint;
BEGIN
    FOR r IN SELECT c.conname, c.conrelid::regclass AS child, c.confrelid::regclass AS parent,
                    c.conkey, c.confkey
             FROM pg_constraint c
             WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
    LOOP
        SELECT string_agg(format('p.%I = c.%I', pa.attname, ca.attname), ' AND '),
               string_agg(format('c.%I IS NOT NULL', ca.attname), ' AND ')
          INTO cond, present
          FROM unnest(r.conkey, r.confkey) AS k(ck, pk)
          JOIN pg_attribute ca ON ca.attrelid = r.child AND ca.attnum = k.ck
          JOIN pg_attribute pa ON pa.attrelid = r.parent AND pa.attnum = k.pk;
        EXECUTE format('SELECT count(*) FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)',
                       r.child, present, r.parent, cond) INTO n;
        IF n > 0 THEN
            RAISE EXCEPTION 'foreign key %: % row(s) of % without their row in %',
                r.conname, n, r.child, r.parent;
        END IF;
    END LOOP;
END
$$;
SQL
echo "every foreign key checked: $(since "$t") s"

t=$(clock)
q -c "VACUUM (ANALYZE)"
echo "VACUUM ANALYZE: $(since "$t") s"
echo "load in all (rows, COPY, checks, vacuum): $(since "$t_load") s"
fi

echo
echo "== rows and sizes"
q -P footer=off <<'SQL'
SELECT c.relname AS "table",
       c.reltuples::bigint AS "rows (estimate)",
       pg_size_pretty(pg_table_size(c.oid)) AS data,
       pg_size_pretty(pg_indexes_size(c.oid)) AS indexes,
       pg_size_pretty(pg_total_relation_size(c.oid)) AS total
FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
  AND pg_total_relation_size(c.oid) > 65536
ORDER BY pg_total_relation_size(c.oid) DESC;
SELECT pg_size_pretty(pg_database_size(current_database())) AS "database";
SQL

echo "== read back"
q -P footer=off <<'SQL'
SELECT (SELECT count(*) FROM app_user) AS users, (SELECT count(*) FROM api_token) AS tokens,
       (SELECT count(*) FROM session) AS sessions, (SELECT count(*) FROM profile) AS profiles,
       (SELECT count(*) FROM application) AS applications,
       (SELECT count(*) FROM interview) AS interviews, (SELECT count(*) FROM contact) AS contacts,
       (SELECT count(*) FROM interview_contact) AS interviewers,
       (SELECT count(*) FROM touchpoint) AS touchpoints, (SELECT count(*) FROM note) AS notes,
       (SELECT count(*) FROM skipped_step) AS skipped, (SELECT count(*) FROM plan_gen) AS plan_gens;
SELECT status, count(*), round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS "%"
FROM application GROUP BY status ORDER BY count(*) DESC;
SQL
t=$(clock)
"$bin" --db "$url" admin list-users --json >"/tmp/$db.users.json"
listed=$(since "$t")
python3 - "/tmp/$db.users.json" "$users" <<'PY'
import json, sys
users = json.load(open(sys.argv[1]))["users"]
want = int(sys.argv[2])
assert len(users) == want, f"{len(users)} users listed, {want} loaded"
wrong = [u for u in users if u["applications"] != 10 or u["api_tokens"] != 1]
assert not wrong, f"{len(wrong)} users without 10 applications and 1 token, e.g. {wrong[0]}"
print(f"followup admin list-users --json: {len(users)} users, each with 10 applications and 1 API token")
PY
rm -f "/tmp/$db.users.json"
echo "  (listed in $listed s)"

# ---------------------------------------------------------------------------------------
# Query plans: one random user's reads, as the app sends them (its statements, with
# their parameters), under the role and user setting of its transactions.

user=$(((RANDOM * 32768 + RANDOM) % users + 1))
app=$(((user - 1) * 10 + 1 + RANDOM % 10))
open_apps=" AND application_id IN (SELECT id FROM application WHERE user_id = \$1 AND closed_at IS NULL)"
APPLICATION="SELECT id, company, role, source, link, company_type, seniority, region, status, created_at, closed_at, urgent, late_in_process, recipient_tz FROM application WHERE user_id = \$1"
INTERVIEW="SELECT id, application_id, start, tz, duration_minutes, round, decision_phrase, decision_date, location, uid, cancelled, title FROM interview WHERE user_id = \$1"
CONTACT="SELECT id, application_id, name, email, phone, role, tz FROM contact WHERE user_id = \$1"
INTERVIEWER="SELECT application_id, interview_id, contact_id FROM interview_contact WHERE user_id = \$1"
TOUCHPOINT="SELECT id, application_id, kind, at, contact_id, channel, note, outcome, decision_phrase, decision_date FROM touchpoint WHERE user_id = \$1"
NOTE="SELECT id, application_id, interview_id, kind, text FROM note WHERE user_id = \$1"
SKIPPED="SELECT id, application_id, kind, contact_id, interview_id, at, note FROM skipped_step WHERE user_id = \$1"
USER_COLUMNS="id, email::text AS email, created_at, password_hash IS NOT NULL AS has_password"

summary=()
# explain NAME ROLE PARAMS-TYPES ARGS SQL: the plan of SQL (PREPAREd with $1, $2...)
# executed with ARGS; ROLE "user" runs it as the app's user transactions do, "owner" as
# the connecting role (the accounts tables). A write is rolled back.
explain() {
  local name=$1 role=$2 types=$3 args=$4 sql=$5 setup="" out
  if [ "$role" = user ]; then
    setup="SET LOCAL ROLE followup_user; SELECT set_config('followup.user_id', '$user', true);"
  fi
  out=$(q -At <<SQL
BEGIN ISOLATION LEVEL REPEATABLE READ;
$setup
PREPARE stmt ($types) AS $sql;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE stmt ($args);
ROLLBACK;
SQL
  )
  out=$(grep -v '^set_config\|^$\|^[0-9]*$' <<<"$out")
  echo "-- $name"
  echo "$sql" | fold -s -w 100 | sed 's/^/   /'
  echo "$out" | sed 's/^/   /'
  local scans verdict ms
  # Each scan in short: "index (table)", "index only (table)", "index bitmap", "SEQ table".
  scans=$(sed -n -e 's/.*Index Only Scan using \([a-z_]*\) on \([a-z_]*\).*/\1 only (\2)/p' \
    -e 's/.*Index Scan using \([a-z_]*\) on \([a-z_]*\).*/\1 (\2)/p' \
    -e 's/.*Bitmap Index Scan on \([a-z_]*\).*/\1 bitmap/p' \
    -e 's/.*Seq Scan on \([a-z_]*\).*/SEQ \1/p' <<<"$out" | sort -u | paste -sd, - | sed 's/,/, /g')
  ms=$(awk '/Execution Time/ {print $3}' <<<"$out")
  # A sequential scan of a table of a few pages (empty, or nearly) is the planner's
  # right choice; of a bigger one (over 1 MB), a missing index.
  verdict="index"
  local table bytes
  for table in $(sed -n 's/.*Seq Scan on \([a-z_]*\).*/\1/p' <<<"$out"); do
    bytes=$(q -Atc "SELECT pg_relation_size('$table')")
    if [ "$bytes" -gt 1048576 ]; then
      verdict="SEQ SCAN"
    elif [ "$verdict" = index ]; then
      verdict="small"
    fi
  done
  summary+=("$(printf '%-36s %-8s %8s ms  %s' "$name" "$verdict" "$ms" "$scans")")
}

echo
echo "== query plans, user $user, application $app"
tok="sha256(convert_to('fu_' || lpad('$user', 64, '0'), 'UTF8'))"
ses="sha256(convert_to('be' || lpad('$user', 62, '0'), 'UTF8'))"
at_now=$((now_s * 1000000000))
# As the server's front asks on every request (crates/followup-store/src/pg/account_store.rs).
explain "api token -> user" owner "bytea" "$tok" \
  "SELECT u.id, u.email::text AS email, u.created_at, u.password_hash IS NOT NULL AS has_password FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = \$1"
explain "session -> user" owner "bytea, bigint" "$ses, $at_now" \
  "SELECT u.id, u.email::text AS email, u.created_at, u.password_hash IS NOT NULL AS has_password FROM session s JOIN app_user u ON u.id = s.user_id WHERE s.token_hash = \$1 AND s.expires_at > \$2"
explain "application counts" user "bigint" "$user" \
  "SELECT count(*) FILTER (WHERE closed_at IS NULL), count(*) FILTER (WHERE closed_at IS NOT NULL) FROM application WHERE user_id = \$1"
explain "applications, open" user "bigint" "$user" "$APPLICATION AND closed_at IS NULL ORDER BY id"
explain "applications, all" user "bigint" "$user" "$APPLICATION ORDER BY id"
explain "interviews, open" user "bigint" "$user" "$INTERVIEW$open_apps ORDER BY start, id"
explain "interviewers, open" user "bigint" "$user" "$INTERVIEWER$open_apps ORDER BY contact_id"
explain "contacts, open" user "bigint" "$user" "$CONTACT$open_apps ORDER BY id"
explain "touchpoints, open" user "bigint" "$user" "$TOUCHPOINT$open_apps ORDER BY at, id"
explain "notes, open" user "bigint" "$user" "$NOTE$open_apps ORDER BY id"
explain "skipped steps, open" user "bigint" "$user" "$SKIPPED$open_apps ORDER BY id"
explain "interviews, all" user "bigint" "$user" "$INTERVIEW ORDER BY start, id"
explain "touchpoints, all" user "bigint" "$user" "$TOUCHPOINT ORDER BY at, id"
explain "application by id" user "bigint, bigint" "$user, $app" "$APPLICATION AND id = \$2 ORDER BY id"
explain "its touchpoints" user "bigint, bigint" "$user, $app" "$TOUCHPOINT AND application_id = \$2 ORDER BY at, id"
explain "interview by id" user "bigint, bigint" "$user, $app" "$INTERVIEW AND id = \$2"
uid=$(q -Atc "SELECT uid FROM interview WHERE user_id = $user AND uid IS NOT NULL LIMIT 1")
explain "interview by calendar uid" user "bigint, text" "$user, '$uid'" \
  "SELECT id FROM interview WHERE user_id = \$1 AND uid = \$2"
explain "plan_gen of the user" user "bigint" "$user" \
  "SELECT application_id, gen FROM plan_gen WHERE user_id = \$1 ORDER BY application_id"
explain "profile" user "bigint" "$user" "SELECT name, email, phone FROM profile WHERE user_id = \$1"
explain "holiday calendars" user "bigint" "$user" \
  "SELECT id, name, base, replaces FROM holiday_calendar WHERE user_id = \$1"
explain "holidays" user "bigint" "$user" \
  "SELECT calendar_id, date, name FROM holiday WHERE user_id = \$1 ORDER BY calendar_id, date, position"
explain "list-users count (one user)" user "bigint" "$user" "SELECT \$1, count(*) FROM application"

echo
echo "== plans in short (user $user)"
printf '%-36s %-8s %11s  %s\n' query scan time "tables read"
printf '%s\n' "${summary[@]}"
echo "(each time is one execution, the first, so it may include reading pages from disk;"
echo " small: a sequential scan of a table under 1 MB, which the planner prefers to an index)"
if printf '%s\n' "${summary[@]}" | grep -q 'SEQ SCAN'; then
  echo "some query scans a table over 1 MB sequentially (see above)"
fi

# ---------------------------------------------------------------------------------------
# The server under load (FOLLOWUP_BENCH_HTTP=1): two processes, 25 connections on each.

if [ "${FOLLOWUP_BENCH_HTTP:-0}" != 1 ]; then
  echo
  echo "(FOLLOWUP_BENCH_HTTP=1 runs the server part)"
  exit 0
fi
seconds=${FOLLOWUP_BENCH_SECONDS:-30}
port=${FOLLOWUP_BENCH_PORT:-7990}
ports=("$port" "$((port + 1))")
logdir=$(mktemp -d)
echo
echo "== HTTP: two servers on ports ${ports[*]}, 2 x 25 connections, ${seconds} s a run"
for p in "${ports[@]}"; do
  # shellcheck disable=SC2086 # FOLLOWUP_BENCH_SERVE_ARGS holds several arguments
  "$bin" --db "$url" serve --port "$p" ${FOLLOWUP_BENCH_SERVE_ARGS:-} >"$logdir/serve-$p.log" 2>&1 &
  servers+=($!)
done
probe_token="fu_$(printf '%064d' 1)"
for p in "${ports[@]}"; do
  code=000
  for _ in $(seq 300); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $probe_token" \
      "http://127.0.0.1:$p/api/agenda" || true)
    [ "$code" != 000 ] && break
    sleep 0.2
  done
  echo "port $p: GET /api/agenda as user 1 -> $code"
  if [ "$code" != 200 ]; then
    echo "the server on port $p does not answer 200; its log:" >&2
    grep -v '^ *[0-9]*: \|^ *at ' "$logdir/serve-$p.log" | head -20 >&2 # without backtraces
    exit 1
  fi
done
# run NAME PATH MODE: wrk on both servers at once, each picking a random user per
# request (scripts/bench_pg_scale.lua); p50, p99 and requests a second of each.
run() {
  local name=$1 path=$2 mode=$3 pace=${4:-0} p
  for p in "${ports[@]}"; do
    BENCH_PACE_MS=$pace BENCH_USERS=$users BENCH_AUTH=$mode wrk -t1 -c25 -d2s -s scripts/bench_pg_scale.lua \
      "http://127.0.0.1:$p$path" >/dev/null 2>&1 &
  done
  wait_wrk
  for p in "${ports[@]}"; do
    BENCH_PACE_MS=$pace BENCH_USERS=$users BENCH_AUTH=$mode wrk -t1 -c25 -d"${seconds}s" --latency \
      -s scripts/bench_pg_scale.lua "http://127.0.0.1:$p$path" >"$logdir/wrk-$p.txt" 2>&1 &
  done
  wait_wrk
  for p in "${ports[@]}"; do
    local out=$logdir/wrk-$p.txt p50 p99 rps bad=""
    p50=$(awk '$1 == "50%" {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
    grep -q "Non-2xx" "$out" && bad=" ($(grep Non-2xx "$out" | tr -s ' '))"
    grep -q "Socket errors" "$out" && bad="$bad ($(grep 'Socket errors' "$out" | tr -s ' '))"
    printf '%-22s port %-6s p50 %9s  p99 %9s  %9s req/s%s\n' "$name" "$p" "$p50" "$p99" "$rps" "$bad"
  done
}
wrk_pids() { jobs -rp | grep -vxF -f <(printf '%s\n' "${servers[@]}") || true; }
wait_wrk() {
  local pid
  for pid in $(wrk_pids); do wait "$pid" || true; done
}
run "GET /api/agenda" /api/agenda token
run "GET / (Today)" / session
pace=${FOLLOWUP_BENCH_PACE_MS:-80}
if [ "$pace" -gt 0 ]; then
  run "GET /api/agenda, paced" /api/agenda token "$pace"
  run "GET / (Today), paced" / session "$pace"
  echo "(paced: each of the 50 connections waits ${pace} ms after each answer)"
fi
echo "(the p99 of the 50 connections together lies between the two processes' p99)"
rm -rf "$logdir"
