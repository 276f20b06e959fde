#!/usr/bin/env bash
# `followup agenda` (human and --json) side by side with remind(1) over the same
# 40,000 dated reminders, whole process, cache warm; prints the ratios.
#
# The database: `followup dev populate --count 10000` (10,000 applications, 40,000
# touchpoints), with the clock fixed. The remind file is written from that database:
# one line per touchpoint, `REM <its date> MSG #<application> <company> — <kind>[ to
# <contact>]`, so remind reads 40,000 dated reminders where the agenda reads the
# applications those touchpoints belong to, and each shows what falls on the same day
# (remind: the reminders of that date; the agenda: its items, from the agenda cache).
# Dates only, no `AT` times or advance warnings, which would make remind slower. Both
# run in UTC, the agenda with FOLLOWUP_NOW fixed and remind given the same date.
#
# Needs: remind, hyperfine, sqlite3, python3 (Debian: apt-get install -y remind
# hyperfine sqlite3). Usage: scripts/bench_agenda_vs_remind.sh [RUNS]
# With INSTRUCTIONS=1 it also counts each command's instructions with callgrind
# (valgrind), steadier than wall time on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
now=2026-12-01T15:00:00Z
day=2026-12-01

cargo build --release -q -p followup-cli
bin=${CARGO_TARGET_DIR:-target}/release/followup
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db=$dir/big.sqlite
rem=$dir/touchpoints.rem

# No settings file (an empty configuration directory), no settings in the environment.
export TZ=UTC FOLLOWUP_NOW=$now XDG_CONFIG_HOME=$dir/config
unset FOLLOWUP_CONFIG FOLLOWUP_TZ FOLLOWUP_REGION FOLLOWUP_HOURS FOLLOWUP_PRESET FOLLOWUP_POLICY FOLLOWUP_DB
"$bin" --db "$db" dev populate --count 10000 >/dev/null
sqlite3 -batch -noheader "$db" "
  SELECT 'REM ' || date(t.at / 1000000000, 'unixepoch') || ' MSG #' || a.id || ' '
         || a.company || ' — ' || t.kind || coalesce(' to ' || c.name, '')
  FROM touchpoint t
  JOIN application a ON a.id = t.application_id
  LEFT JOIN contact c ON c.id = t.contact_id
  ORDER BY t.id" >"$rem"
echo "$(wc -l <"$rem") reminders; agenda: $("$bin" --db "$db" agenda | grep -c '^  #') items"

# Warm: the first agenda plans every application and fills the agenda cache.
"$bin" --db "$db" agenda --json >/dev/null
cat "$db" "$rem" >/dev/null

if [ "${INSTRUCTIONS:-0}" = 1 ]; then
    count() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
    }
    echo "instructions: remind $(count remind "$rem" "$day")," \
        "agenda $(count "$bin" --db "$db" agenda)," \
        "agenda --json $(count "$bin" --db "$db" agenda --json)"
fi

hyperfine -N -w 5 -r "$runs" --export-json "$dir/times.json" \
    -n remind "remind $rem $day" \
    -n agenda "$bin --db $db agenda" \
    -n 'agenda --json' "$bin --db $db agenda --json"

python3 - "$dir/times.json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["remind"]
for name in ("agenda", "agenda --json"):
    x = r[name]
    print(f"{name}: {x['mean'] * 1000:.1f} ms (median {x['median'] * 1000:.1f}) = "
          f"{x['mean'] / base['mean']:.2f} x remind by mean, "
          f"{x['median'] / base['median']:.2f} x by median "
          f"(remind {base['mean'] * 1000:.1f} ms, median {base['median'] * 1000:.1f})")
EOF
