# Shared by scripts/bench_pg_digests.sh and scripts/bench_pg_sends.sh (sourced, from the
# project's root): a new database `$db` for the run and the local SMTP server
# (scripts/smtp_sink.py) its mail goes to; `q` runs psql on the database; `lags`
# prints when the SMTP server received each message after a start.
#
#   bench_start NAME FROM_ADDRESS   needs $bin; sets $db, $url, $work, $port, the
#                                   environment of the followup commands, and removes
#                                   everything at exit
#   lags START                      p50, p99 and max of (receipt - START), seconds

bench_start() {
  export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
  export PGOPTIONS="-c client_min_messages=warning"
  db=followup_bench_$1_$$
  url=postgres://$PGUSER@$PGHOST:$PGPORT/$db${URL_PARAMS:-}
  work=$(mktemp -d)
  SINK=
  trap bench_cleanup EXIT
  mkfifo "$work/in"
  python3 scripts/smtp_sink.py "$work/received" < "$work/in" > "$work/port" &
  SINK=$!
  exec 3> "$work/in"
  while [ ! -s "$work/port" ]; do sleep 0.05; done
  port=$(cut -d' ' -f2 < "$work/port")
  export HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" TZ=UTC
  export FOLLOWUP_SMTP="smtp://127.0.0.1:$port" FOLLOWUP_MAIL_ADDRESS=$2
  unset FOLLOWUP_DB FOLLOWUP_TZ FOLLOWUP_DIGEST_HOUR
  psql -X -q -d postgres -c "CREATE DATABASE $db"
  "$bin" --db "$url" admin list-users >/dev/null # migrates
}

bench_cleanup() {
  [ -n "$SINK" ] && kill "$SINK" 2>/dev/null || true
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$work"
}

q() { psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }

lags() {
  python3 - "$work/received" "$1" <<'PY'
import os, sys
start = float(sys.argv[2])
lags = sorted(os.stat(os.path.join(sys.argv[1], f)).st_mtime_ns / 1e9 - start
              for f in os.listdir(sys.argv[1]) if f.endswith(".eml"))
if lags:
    at = lambda p: lags[min(len(lags) - 1, int(len(lags) * p))]
    print(f"lag from due to received: p50 {at(0.5):.2f} s, p99 {at(0.99):.2f} s, max {lags[-1]:.2f} s")
PY
}
