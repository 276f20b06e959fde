#!/usr/bin/env bash
# How fast `followup worker --multi-user` sends an office's daily digests: N accounts
# (each with a profile and one application due that day), all due at 08:00, one worker
# run into a local SMTP server (scripts/smtp_sink.py, aiosmtpd), timed; then a second
# run, which must find nothing to do, timed too (the sweep over every account).
#
#   scripts/bench_office_digests.sh [N]     (FOLLOWUP=path/to/followup; default target/release)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-500}
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
export FOLLOWUP_SMTP="smtp://127.0.0.1:$PORT" FOLLOWUP_TZ=UTC TZ=UTC
export FOLLOWUP_NOW=2026-12-01T08:00:00Z
office="$work/office.sqlite"
for i in $(seq "$N"); do
  "$BIN" --db "$office" admin create-user "user$i@example.com" >/dev/null
  db="$office.users/$i/followup.sqlite"
  "$BIN" --db "$db" profile --name "User $i" --email "user$i@example.com" >/dev/null
  "$BIN" --db "$db" add --company "Company $i" --role Engineer --at "2026-12-01 10:00" \
    --tz UTC --interviewer "Jane Doe <jane@example.org>" >/dev/null 2>&1
done
export FOLLOWUP_NOW=2026-12-02T08:00:30Z
start=$(date +%s.%N)
${STRACE:-} "$BIN" --db "$office" worker --multi-user --once --json > "$work/run.json"
mid=$(date +%s.%N)
"$BIN" --db "$office" worker --multi-user --once --json > "$work/again.json"
end=$(date +%s.%N)
sent=$(grep -c '"state":"sent"' "$work/run.json" || true)
received=$(ls "$work/received" | wc -l)
again=$(wc -l < "$work/again.json")
python3 -c "
s, m, e, n, r, a, N = $start, $mid, $end, $sent, $received, $again, $N
print(f'{N} accounts: {n} digests sent ({r} received) in {m - s:.2f} s, {n / (m - s):.0f} a second by one worker;')
print(f'the next run found {a} jobs to do in {e - m:.2f} s ({(e - m) / N * 1000:.2f} ms an account)')"
