#!/usr/bin/env bash
# The web app and the API under load: `wrk -c 50` per route over 1,000 applications,
# the server and the load on the same machine; prints each route's p99 latency, and
# the time of one /api/check of 256 KiB.
#
# The database: `followup dev populate --count 1000`, the clock fixed (FOLLOWUP_NOW),
# UTC. Each route gets a warm-up second, then DURATION seconds (default 10) of 50
# connections over 2 threads.
#
# Needs: wrk, curl, python3 (Debian: apt-get install -y wrk curl).
# Usage: scripts/bench_web.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
port=${PORT:-7979}
now=2026-12-01T15:00:00Z

cargo build --release -q -p followup-cli
bin=${CARGO_TARGET_DIR:-target}/release/followup
dir=$(mktemp -d)
db=$dir/bench.sqlite
export TZ=UTC FOLLOWUP_NOW=$now XDG_CONFIG_HOME=$dir/config
unset FOLLOWUP_CONFIG FOLLOWUP_TZ FOLLOWUP_REGION FOLLOWUP_HOURS FOLLOWUP_PRESET FOLLOWUP_POLICY FOLLOWUP_DB FOLLOWUP_TOKEN
export FOLLOWUP_TZ=UTC
"$bin" --db "$db" dev populate --count 1000 >/dev/null
"$bin" --db "$db" serve --port "$port" >"$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -sf "$base/api/stats" >/dev/null && break; sleep 0.1; done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
printf '%-28s %10s %10s %10s\n' route p50 p99 req/s
run() {
  local route=$1
  shift
  wrk -t2 -c50 -d1s "$@" "$base$route" >/dev/null 2>&1
  local out
  out=$(wrk -t2 -c50 -d"${duration}s" --latency "$@" "$base$route")
  local p50 p99 rps
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  if grep -q "Non-2xx" <<<"$out"; then rps="$rps (non-2xx!)"; fi
  printf '%-28s %10s %10s %10s\n' "$route" "$p50" "$p99" "$rps"
}
id=$(curl -sf "$base/api/applications" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
for route in / /pipeline "/applications/$id" /new /stats /settings \
  /api/agenda /api/applications "/api/applications/$id" /api/stats /api/settings /api/profile; do
  run "$route"
done

# One check of a 256 KiB message (a real follow-up, repeated), after a warm-up.
python3 - "$dir/check.json" <<'PY'
import json, sys
para = ("Dear Priya,\n\nThank you for taking the time to speak with me today about the "
        "role at Acme. I enjoyed learning about the billing rewrite and your team's plans. "
        "Please let me know the next steps.\n\nBest regards,\nSam\n\n")
text = "Subject: Thank you\n\n" + para * (256 * 1024 // len(para))
json.dump({"text": text[:256 * 1024], "kind": "thank-you"}, open(sys.argv[1], "w"))
PY
check() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
    --data-binary @"$dir/check.json" "$base/api/check"
}
check >/dev/null
best=
for _ in 1 2 3 4 5; do
  read -r code t < <(check)
  [ "$code" = 200 ] || { echo "/api/check answered $code"; exit 1; }
  best=$(python3 -c "print(min(float('$t'), float('${best:-1e9}')))")
done
printf '/api/check 256 KiB: best of 5 %.0f ms\n' "$(python3 -c "print($best * 1000)")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
