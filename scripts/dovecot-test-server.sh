#!/usr/bin/env bash
# A throw-away IMAP server for the mail tests and the sync benchmark: Debian's
# dovecot-imapd run as the current user, with a generated config, a passwd-file user
# and a mail directory under DIR, listening on 127.0.0.1:PORT without TLS (plain IMAP
# is accepted by followup only on loopback).
#
#   scripts/dovecot-test-server.sh start DIR PORT   # user "sam", password "secret"
#   scripts/dovecot-test-server.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?DIR}
DOVECOT=${DOVECOT:-$(command -v dovecot || echo /usr/sbin/dovecot)}
case "$cmd" in
start)
  port=${3:?PORT}
  user=$(id -un); group=$(id -gn); login=$user
  # The login process refuses to run as root: under root it runs as an unprivileged
  # user (Debian's package creates dovenull).
  # Mail is never read as root either: under root the mail processes run as that
  # user too, owning the mail directory.
  mailuser=$user; mailgroup=$group
  if [ "$(id -u)" = 0 ]; then
    login=$(id -un dovenull 2>/dev/null || echo nobody)
    mailuser=$login; mailgroup=$(id -gn "$login")
  fi
  mkdir -p "$dir/run" "$dir/mail" "$dir/state"
  # Sent is found by SPECIAL-USE \Sent, as on a real account.
  printf 'sam:{PLAIN}secret:::::\n' > "$dir/passwd"
  cat > "$dir/dovecot.conf" <<CONF
protocols = imap
listen = 127.0.0.1
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = $user
default_internal_group = $group
default_login_user = $login
mail_location = maildir:$dir/mail/%u
mail_fsync = never
first_valid_uid = 0
first_valid_gid = 0
mail_uid = $mailuser
mail_gid = $mailgroup
passdb {
  driver = passwd-file
  args = $dir/passwd
}
userdb {
  driver = passwd-file
  args = $dir/passwd
}
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
service stats {
  chroot =
}
protocol imap {
  mail_max_userip_connections = 50
}
CONF
  if [ "$mailuser" != "$user" ]; then chown -R "$mailuser:$mailgroup" "$dir/mail"; fi
  "$DOVECOT" -c "$dir/dovecot.conf"
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && exit 0
    sleep 0.1
  done
  echo "dovecot did not start; see $dir/dovecot.log" >&2
  cat "$dir/dovecot.log" >&2 || true
  exit 1
  ;;
stop)
  "$DOVECOT" -c "$dir/dovecot.conf" stop 2>/dev/null || true
  ;;
esac
