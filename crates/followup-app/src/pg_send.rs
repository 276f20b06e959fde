//! The outbox on PostgreSQL, sent: every user's due messages leave through the
//! service's mail account (the `[mail]` of the process), or through their own where
//! whoever runs the service set one up for them (`account_mail`,
//! [`crate::pg_settings::own_mail`]), each claimed by one worker at a time and marked
//! `sending` before its SMTP conversation starts, as on SQLite (S3).
//! The store's [`followup_store::pg::sends`] tells how claims are held and recovered.
//!
//! `followup worker` runs [`send_due`] for every user in each pass; `followup serve`
//! runs it for the one message a user sends now (the draft page's "Send now", a retry
//! due now), so it leaves at once without waiting for a worker.

use std::collections::HashMap;

use followup_store::pg::{Pg, SendClaim};
use followup_store::OutboxMessage;
use jiff::Timestamp;

use crate::ctx::{store_err, Ctx};
use crate::error::Result;
use crate::mail::{Account, Failure, Session, StepReport};
use crate::outbox::{after_failure, bytes_of, RunReport};

/// What a message left `sending` by a worker that stopped says, on the hosted service
/// (the user has no command line there).
pub const UNKNOWN_WHY_HOSTED: &str = "the worker sending it stopped before the server \
    answered: it may have left. Ask the person whether it arrived, then retry or cancel \
    it on the Outbox page";

/// Sends at most `limit` messages due at `clock()` (of any user, or only message
/// `only.1` of user `only.0`), each through its owner's account (`account_of`: their
/// own where the service set one up for them, else the service's,
/// [`Account::hosted`]). `ahead` is the account most messages are expected to leave
/// through (the service's; for `only`, the owner's). `ctx_of` gives a user's context
/// (their settings and facts), for when to try again. One SMTP connection per account
/// is kept for the whole run.
///
/// The connection of `ahead` is opened before a message is claimed, so a worker
/// stopped while connecting leaves nothing `sending`; a user's own account is
/// connected to after their message is claimed.
///
/// An `Err` is the database's: a message claimed then stays `sending` with this
/// connection's claim, which the next recovery marks `unknown` once the connection is
/// gone; the caller drops the connection.
#[allow(clippy::too_many_arguments)]
pub fn send_due(
    pg: &mut Pg,
    ahead: &Account,
    account_of: &mut dyn FnMut(i64) -> Result<Account>,
    clock: &dyn Fn() -> Timestamp,
    only: Option<(i64, i64)>,
    limit: usize,
    ctx_of: &mut dyn FnMut(i64) -> Result<Ctx>,
) -> Result<RunReport> {
    let mut report = RunReport::default();
    if only.is_none() && pg.send_counts(clock()).map_err(store_err)?.due == 0 {
        return Ok(report);
    }
    let mut sessions = Sessions::default();
    // Each owner's account, read once a run.
    let mut accounts: HashMap<i64, std::result::Result<Account, String>> = HashMap::new();
    for _ in 0..limit {
        sessions.open(ahead);
        let Some(claim) = pg.claim_send(clock(), only).map_err(store_err)? else {
            break;
        };
        report.owners.insert(claim.message.id, claim.user_id);
        let m = &claim.message;
        let account = accounts
            .entry(claim.user_id)
            .or_insert_with(|| account_of(claim.user_id).map_err(|e| e.to_string()))
            .clone();
        let account = match account {
            Ok(a) => a,
            Err(e) => {
                // Their mail account cannot be read (its file, their settings): tried
                // again later, as when a server cannot be reached.
                let f = Failure {
                    text: format!("the mail account to send from: {e}"),
                    temporary: true,
                };
                failed(pg, &claim, &f, clock(), ctx_of, &mut report)?;
                continue;
            }
        };
        let Some(s) = sessions.get(&account) else {
            // The server cannot be reached: nothing was handed over, and each due
            // message is tried again later as after a refusal (given up after 24
            // hours), as on SQLite.
            let f = sessions.down(&account);
            failed(pg, &claim, &f, clock(), ctx_of, &mut report)?;
            // The service's server out of reach ends the worker's pass; one user's
            // own server does not hold up everyone else's messages.
            report.unreachable |= account.key() == ahead.key();
            continue;
        };
        let bytes = match bytes_of(&through(m, &account), clock()) {
            Ok(b) => b,
            Err(e) => {
                let f = Failure {
                    text: format!("cannot build the message: {e}"),
                    temporary: false,
                };
                failed(pg, &claim, &f, clock(), ctx_of, &mut report)?;
                continue;
            }
        };
        match s.send(&m.to_addr, bytes.as_bytes()) {
            Ok(reply) => {
                pg.send_sent(&claim, clock(), &reply).map_err(store_err)?;
                report.sent.push((m.id, m.to_addr.clone(), reply));
            }
            Err(f) => {
                failed(pg, &claim, &f, clock(), ctx_of, &mut report)?;
                if !s.usable() {
                    sessions.drop_one(&account);
                }
            }
        }
    }
    sessions.close();
    Ok(report)
}

/// The SMTP connections of one run, one per account ([`Account::key`]), and why an
/// account's server could not be reached.
#[derive(Default)]
struct Sessions {
    open: HashMap<String, Session>,
    down: HashMap<String, Failure>,
}

impl Sessions {
    /// Connects to `account`'s server unless connected, or found down, this run.
    fn open(&mut self, account: &Account) {
        let key = account.key();
        if self.open.contains_key(&key) || self.down.contains_key(&key) {
            return;
        }
        match Session::open(account, &mut |_: StepReport| {}) {
            Ok(s) => {
                self.open.insert(key, s);
            }
            Err(f) => {
                self.down.insert(key, f);
            }
        }
    }

    /// The connection to `account`'s server, made if need be; `None` when it is down.
    fn get(&mut self, account: &Account) -> Option<&mut Session> {
        self.open(account);
        self.open.get_mut(&account.key())
    }

    /// Why `account`'s server could not be reached.
    fn down(&self, account: &Account) -> Failure {
        self.down.get(&account.key()).cloned().unwrap_or(Failure {
            text: "the mail server could not be reached".into(),
            temporary: true,
        })
    }

    /// Forgets a connection the server closed (the next message connects again).
    fn drop_one(&mut self, account: &Account) {
        self.open.remove(&account.key());
    }

    fn close(self) {
        for (_, s) in self.open {
            s.close();
        }
    }
}

/// The message as it leaves through `account`: from the account's address (a message
/// stored with another, restored from a backup say, keeps it as its Reply-To), in the
/// sender's name.
fn through(m: &OutboxMessage, account: &Account) -> OutboxMessage {
    let mut out = m.clone();
    if !out.from_addr.eq_ignore_ascii_case(&account.address) {
        out.reply_to = out.reply_to.or(Some(out.from_addr.clone()));
        out.from_addr = account.address.clone();
    }
    // Replies to where the message comes from need no Reply-To.
    if out
        .reply_to
        .as_deref()
        .is_some_and(|r| r.eq_ignore_ascii_case(&out.from_addr))
    {
        out.reply_to = None;
    }
    out
}

/// Marks messages left `sending` by workers that are gone `unknown`: a report of
/// them.
pub fn recover(pg: &mut Pg, now: Timestamp) -> Result<RunReport> {
    let mut report = RunReport::default();
    for (user, id) in pg
        .recover_sends(UNKNOWN_WHY_HOSTED, now)
        .map_err(store_err)?
    {
        report.unknown.push(id);
        report.owners.insert(id, user);
    }
    Ok(report)
}

fn failed(
    pg: &mut Pg,
    claim: &SendClaim,
    f: &Failure,
    now: Timestamp,
    ctx_of: &mut dyn FnMut(i64) -> Result<Ctx>,
    report: &mut RunReport,
) -> Result<()> {
    let m = &claim.message;
    let stopped = || crate::outbox::AfterFailure {
        error: f.text.clone(),
        first: m.first_failure,
        next: None,
    };
    // A permanent failure stops, whatever the user's settings; a temporary one is
    // tried again inside the recipient's hours, which the user's context gives.
    // Without it (their settings unreadable), in five minutes rather than lost, and
    // given up as any other after `RETRY_FOR`.
    let after = if !f.temporary {
        stopped()
    } else {
        match ctx_of(claim.user_id).and_then(|ctx| after_failure(&ctx, m, f, now)) {
            Ok(a) => a,
            Err(e) => {
                let first = m.first_failure.unwrap_or(now);
                let gave_up = now.duration_since(first) >= crate::outbox::RETRY_FOR;
                crate::outbox::AfterFailure {
                    error: format!(
                        "{} (and its recipient's hours could not be read: {e})",
                        f.text
                    ),
                    first: Some(first),
                    next: (!gave_up).then(|| now + jiff::SignedDuration::from_mins(5)),
                }
            }
        }
    };
    pg.send_failed(claim, now, &after.error, after.first, after.next)
        .map_err(store_err)?;
    report.record(m.id, after);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(address: &str) -> Account {
        let mut settings = crate::settings::Settings::default();
        settings.mail.smtp = Some("smtp://127.0.0.1:2525".into());
        settings.mail.address = Some(address.into());
        Account::of_server(&settings).unwrap()
    }

    fn message(from: &str, reply_to: Option<&str>) -> OutboxMessage {
        let at: Timestamp = "2026-12-04T15:00:00Z".parse().unwrap();
        OutboxMessage {
            id: 1,
            application_id: 1,
            contact_id: 1,
            kind: "thank-you".into(),
            at,
            next_try: at,
            state: followup_store::OutboxState::Sending,
            from_name: "Ann Lee".into(),
            from_addr: from.into(),
            to_name: "Jane Doe".into(),
            to_addr: "jane@acme.example".into(),
            subject: Some("Thank you".into()),
            body: "Thank you.\n".into(),
            message_id: "<1@followup.example>".into(),
            in_reply_to: None,
            references: None,
            created_at: at,
            attempts: 1,
            first_failure: None,
            error: None,
            reply: None,
            sent_at: None,
            touchpoint_id: None,
            reply_to: reply_to.map(str::to_string),
        }
    }

    #[test]
    fn a_message_leaves_from_the_services_address_whatever_was_stored() {
        let service = account("jobs@followup.example");
        // Queued on the service: as stored.
        let m = message("jobs@followup.example", Some("ann@home.example"));
        assert_eq!(through(&m, &service), m);
        // Restored from a backup made elsewhere: the service's From, the stored one
        // where replies go.
        let foreign = through(&message("ceo@bank.example", None), &service);
        assert_eq!(foreign.from_addr, "jobs@followup.example");
        assert_eq!(foreign.reply_to.as_deref(), Some("ceo@bank.example"));
        assert_eq!(foreign.from_name, "Ann Lee");
        let bytes = bytes_of(&foreign, foreign.at).unwrap();
        assert!(
            bytes.contains("From: \"Ann Lee\" <jobs@followup.example>"),
            "{bytes}"
        );
        assert!(
            bytes.contains("Reply-To: \"Ann Lee\" <ceo@bank.example>"),
            "{bytes}"
        );
        // A Reply-To it had is kept.
        let both = through(
            &message("ceo@bank.example", Some("ann@home.example")),
            &service,
        );
        assert_eq!(both.reply_to.as_deref(), Some("ann@home.example"));
        // Queued through the service, sent through her own account: from her address,
        // with no Reply-To of the same address.
        let own = account("Ann@Home.example");
        let mine = through(
            &message("jobs@followup.example", Some("ann@home.example")),
            &own,
        );
        assert_eq!(mine.from_addr, "Ann@Home.example");
        assert_eq!(mine.reply_to, None);
    }

    #[test]
    fn accounts_share_a_connection_only_with_the_same_sender() {
        // Two accounts on one relay without a login: each message keeps its own
        // envelope sender, so they are not one connection.
        let (ann, bob) = (account("ann@home.example"), account("bob@home.example"));
        assert_ne!(ann.key(), bob.key());
        assert_eq!(ann.key(), account("ann@home.example").key());
    }
}
