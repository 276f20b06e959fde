#!/usr/bin/env bash
# A first `followup mail sync` of a 10,000-message mailbox on a local dovecot
# (scripts/dovecot-test-server.sh): 9,900 messages that belong to no application
# (newsletters, friends, alerts) and the 66 corpus messages, appended to INBOX and
# Sent. Prints the wall time of the sync.
# Usage: [PROFILE=release] scripts/bench_mail_sync.sh [COUNT]   (default: the debug build)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-10000}
cargo build -q ${PROFILE:+--$PROFILE} -p followup-cli
tmp=$(mktemp -d); port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chmod 711 "$tmp"
trap 'scripts/dovecot-test-server.sh stop "$tmp/imap"; rm -rf "$tmp"' EXIT
scripts/dovecot-test-server.sh start "$tmp/imap" "$port"
python3 - "$port" "$count" <<'PY'
import imaplib, glob, sys, random
port, count = int(sys.argv[1]), int(sys.argv[2])
m = imaplib.IMAP4("127.0.0.1", port); m.login("sam", "secret")
corpus = sorted(glob.glob("crates/followup-core/tests/inbox/*.eml"))
senders = ["chris.okafor@gmail.com", "news@shop.example", "alerts@jobs.example", "team@saas.example"]
random.seed(7)
date = '"10-Mar-2026 10:00:00 +0000"'
for i in range(count - len(corpus)):
    s = random.choice(senders)
    body = ("Hello Sam,\r\n\r\nHere is message %d with some text about the weekend, a link and a signature.\r\n" % i) * 8
    raw = ("From: Someone <%s>\r\nTo: sam.taylor@fastmail.com\r\nSubject: Note %d\r\nDate: Tue, 10 Mar 2026 10:00:00 +0000\r\nMessage-ID: <bench-%d@example>\r\n\r\n%s" % (s, i, i, body)).encode()
    m.append("INBOX", None, date, raw)
for f in corpus:
    m.append("INBOX", None, date, open(f, "rb").read())
m.logout()
PY
export FOLLOWUP_DB="$tmp/db.sqlite" FOLLOWUP_CONFIG="$tmp/none.toml" FOLLOWUP_NOW=2026-03-28T12:00:00Z
export FOLLOWUP_IMAP="imap://127.0.0.1:$port" FOLLOWUP_MAIL_USER=sam FOLLOWUP_MAIL_PASSWORD=secret
echo 'tz = "America/New_York"' > "$tmp/none.toml"
f=target/${PROFILE:-debug}/followup
$f profile --name "Sam Taylor" --email sam.taylor@fastmail.com >/dev/null
$f add --company "Acme Robotics" --role "Backend Engineer" --at "2026-03-02 10:00" \
  --interviewer "Jane Doe <jane.doe@acmerobotics.com>" --interviewer "Tom Reyes <tom@acmerobotics.com>" >/dev/null
$f add --company "Northwind Health" --role "Data Analyst" --at "2026-03-03 10:00" \
  --interviewer "Priya Raman <priya.raman@northwindhealth.org>" >/dev/null
start=$(date +%s.%N)
out=$($f mail sync --json)
end=$(date +%s.%N)
echo "$out"
python3 -c "print(f'first sync of $count messages: {($end - $start):.2f} s')"
