#!/usr/bin/env bash
# How fast `followup outbox run` empties an outbox of 1,000 due messages into a local
# SMTP server (scripts/smtp_sink.py, aiosmtpd) over one reused connection.
#
#   scripts/bench_outbox.sh [N]     (FOLLOWUP=path/to/followup; default target/release)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
BIN=${FOLLOWUP:-target/release/followup}
[ -x "$BIN" ] || cargo build --release -p followup-cli
work=$(mktemp -d)
trap 'kill $SINK 2>/dev/null || true; rm -rf "$work"' EXIT
mkfifo "$work/in"
python3 scripts/smtp_sink.py "$work/received" < "$work/in" > "$work/port" &
SINK=$!
exec 3> "$work/in"
while [ ! -s "$work/port" ]; do sleep 0.05; done
PORT=$(cut -d' ' -f2 < "$work/port")

export HOME="$work" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export FOLLOWUP_SMTP="smtp://127.0.0.1:$PORT" TZ=Europe/Paris
export FOLLOWUP_NOW=2026-12-01T17:30:00-05:00
"$BIN" profile --name "Sam Lee" --email sam@example.com >/dev/null
"$BIN" add --company Acme --role "Data Engineer" --at "2026-12-01 10:00" \
  --tz America/New_York --interviewer "Jane Doe <jane@acme.example>" >/dev/null
"$BIN" send 1 --kind thank-you --at 2026-12-02T09:00:00-05:00 --yes >/dev/null
python3 - "$work/data/followup/followup.sqlite" "$N" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("""WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
  INSERT INTO outbox (application_id, contact_id, kind, at, next_try, state, from_name,
    from_addr, to_name, to_addr, subject, body, message_id, created_at)
  SELECT application_id, contact_id, kind, at, next_try, state, from_name, from_addr,
    to_name, to_addr, subject, body, '<bench.' || i || '@example.com>', created_at
  FROM outbox, n WHERE outbox.id = 1""", (int(sys.argv[2]),))
c.commit()
PY
export FOLLOWUP_NOW=2026-12-02T09:30:00-05:00
start=$(date +%s.%N)
"$BIN" outbox run --json > "$work/run.json"
end=$(date +%s.%N)
sent=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['sent']))" "$work/run.json")
received=$(ls "$work/received" | wc -l)
python3 -c "
s, e, n, r = $start, $end, $sent, $received
print(f'{n} messages sent ({r} received) in {e - s:.2f} s: {n / (e - s):.0f} a second')"
