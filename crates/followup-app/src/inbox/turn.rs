//! The worker's reads of the mailbox of a SQLite database (`followup worker`, the
//! worker of `followup serve`, each account of an office): at most every
//! [`MAIL_READ_EVERY`] when `[mail]` names an IMAP server, so that answers show up in
//! the Inbox (and the digest) without anyone pressing "Sync now".
//!
//! The turn is kept beside the database: `<db>.mail-read` holds when the last read
//! started. It is taken under a lock (`<db>.mail-read-lock`), so two workers of one
//! database never read at once, and written through before the read: a server that
//! fails or hangs is asked again at the next turn, not at the next minute, and after
//! failures in a row less and less often ([`wait_after`]). The hosted service keeps
//! its turns in PostgreSQL (`pg_jobs`).
//!
//! ```no_run
//! # fn show(ctx: &followup_app::ctx::Ctx) -> followup_app::error::Result<()> {
//! use followup_app::inbox::turn::{read_due, Turn};
//! match read_due(ctx, None)? {
//!     Turn::Read(mailbox, got) => println!("{mailbox}: {}", got.summary()),
//!     Turn::Failed(mailbox, e) => eprintln!("{mailbox}: {e}"),
//!     Turn::Off | Turn::NotYet => {}
//! }
//! # Ok(())
//! # }
//! ```

use std::path::{Path, PathBuf};

use jiff::{SignedDuration, Timestamp};

use super::{MailSettings, Synced};
use crate::beside;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
/// How often a worker reads a mailbox (on PostgreSQL too, `pg_jobs`).
pub const MAIL_READ_EVERY: SignedDuration = SignedDuration::from_mins(15);

/// How long one pass of a worker may spend reading mailboxes before it leaves the rest
/// to the next pass.
pub const MAIL_READ_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// What a worker's turn at the mailbox did.
#[derive(Debug)]
pub enum Turn {
    /// No IMAP server is set up (or the database is a hosted service's).
    Off,
    /// Its turn has not come ([`wait_after`] the last read), or another read is under
    /// way.
    NotYet,
    /// Read: the mailbox (its login) and what the read found.
    Read(String, Synced),
    /// The read failed: the mailbox and why.
    Failed(String, Error),
}

/// `<db>.mail-read`: when the worker's last read of the mailbox started, and how many
/// reads in a row have failed since the last that did not.
pub fn state_path(db: &Path) -> PathBuf {
    beside::path(db, ".mail-read")
}

/// The lock of the mailbox's reads (`<db>.mail-read-lock`): the worker's, `mail
/// sync`'s, Sync now's and `mail forget`'s, held until the file returned is dropped
/// (or its process ends); `None` while another holds it.
pub fn lock(db: &Path) -> Result<Option<std::fs::File>> {
    crate::beside::try_lock(beside::path(db, ".mail-read-lock"))
}

/// When the last read started and the failures in a row before it; none when never
/// (or the file is not this build's).
pub fn last_read(db: &Path) -> Result<Option<(Timestamp, u32)>> {
    let path = state_path(db);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Read { path, source }),
    };
    let mut words = text.split_whitespace();
    let Some(Ok(at)) = words.next().map(str::parse::<Timestamp>) else {
        return Ok(None);
    };
    Ok(Some((
        at,
        words.next().and_then(|n| n.parse().ok()).unwrap_or(0),
    )))
}

/// How long after a read the next one comes: [`MAIL_READ_EVERY`], doubled for each
/// failed read in a row up to 32 times (8 hours), so a password that no longer works
/// is not tried 96 times a day (which may lock the account). Less 30 seconds, as the
/// worker's minutes drift by a little.
pub fn wait_after(failures: u32) -> SignedDuration {
    let times = 1i32 << failures.min(5);
    MAIL_READ_EVERY * times - SignedDuration::from_secs(30)
}

/// Reads the mailbox of `ctx`'s settings if its turn has come at `ctx.now` (see
/// [`wait_after`]; a clock set back reads at once), giving up at `deadline`.
/// Settings that cannot be read are a failed read, reported at each turn only.
pub fn read_due(ctx: &Ctx, deadline: Option<std::time::Instant>) -> Result<Turn> {
    if ctx.pg().is_some() {
        return Ok(Turn::Off);
    }
    let mail = MailSettings::load(ctx);
    let set_up = match &mail {
        Ok(m) => m.imap.clone(),
        // Settings that do not read (an `auto_apply` mistyped): whether a server is
        // named all the same.
        Err(_) => {
            let env = std::env::var("FOLLOWUP_IMAP").ok();
            env.filter(|_| !ctx.settings.origins.isolated)
                .or_else(|| ctx.settings.mail.imap.clone())
        }
    }
    .is_some_and(|i| !i.trim().is_empty());
    if !set_up {
        return Ok(Turn::Off);
    }
    let Some(lock) = lock(&ctx.db)? else {
        return Ok(Turn::NotYet);
    };
    let now = ctx.now;
    let mut failures = 0;
    if let Some((last, failed)) = last_read(&ctx.db)? {
        if last <= now && now.duration_since(last) < wait_after(failed) {
            return Ok(Turn::NotYet);
        }
        failures = failed;
    }
    let state = state_path(&ctx.db);
    crate::settings::write_atomic(&state, &format!("{now} {failures}\n"))?;
    let m = &ctx.settings.mail;
    let mut mailbox = m.user.clone().or_else(|| m.address.clone());
    let read = mail.and_then(|mail| {
        mailbox = mail.user.clone().or_else(|| mail.address.clone());
        super::read_by(ctx, None, deadline)
    });
    let mailbox = mailbox.unwrap_or_else(|| "the mailbox".to_string());
    // A read the worker's time ran out on is no failure of the server's (a first read
    // of a large mailbox takes long): the next turn comes as usual.
    let out_of_time = read.is_err() && deadline.is_some_and(|d| std::time::Instant::now() >= d);
    let failures = match &read {
        Ok(_) => 0,
        Err(_) if out_of_time => failures,
        Err(_) => failures.saturating_add(1),
    };
    crate::settings::write_atomic(&state, &format!("{now} {failures}\n"))?;
    drop(lock);
    Ok(match read {
        Ok(got) => Turn::Read(mailbox, got),
        Err(_) if out_of_time => Turn::Failed(
            mailbox,
            Error::input(
                "the read did not finish in the worker's minute (nothing recorded): the next turn reads again; `followup mail sync` reads without a limit",
            ),
        ),
        Err(e) => Turn::Failed(mailbox, e),
    })
}

/// After a read that succeeded outside the worker (`mail sync`, Sync now): the
/// worker's failures in a row are over, so its next turn comes as usual.
pub(crate) fn read_succeeded(db: &Path) -> Result<()> {
    if let Some((at, failures)) = last_read(db)? {
        if failures > 0 {
            crate::settings::write_atomic(&state_path(db), &format!("{at} 0\n"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_with_each_failure_up_to_eight_hours() {
        let minutes = |f| wait_after(f).as_secs() as f64 / 60.0;
        assert_eq!(minutes(0), 14.5);
        assert_eq!(minutes(1), 29.5);
        assert_eq!(minutes(2), 59.5);
        assert_eq!(minutes(5), 8.0 * 60.0 - 0.5);
        assert_eq!(minutes(u32::MAX), minutes(5));
    }

    /// A server that says nothing until the worker's time is up: the read is given
    /// up and said so, and it is not counted a failure of the server's (the next turn
    /// comes after the usual 15 minutes, not 30).
    #[test]
    fn a_read_the_time_ran_out_on_is_no_failure() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.sqlite");
        followup_store::Store::open(&db).unwrap();
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut settings = crate::settings::Settings::default();
        settings.mail.imap = Some(format!(
            "imap://127.0.0.1:{}",
            silent.local_addr().unwrap().port()
        ));
        settings.mail.user = Some("sam".into());
        settings.mail.password_command = Some("echo secret".into());
        // The account of an office: no variable of this process counts.
        settings.origins.isolated = true;
        let now: Timestamp = "2026-03-28T12:00:00Z".parse().unwrap();
        let ctx = Ctx::new(settings, Some(db.clone()), now).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        match read_due(&ctx, Some(deadline)).unwrap() {
            Turn::Failed(mailbox, e) => {
                assert_eq!(mailbox, "sam");
                assert!(
                    e.to_string()
                        .contains("did not finish in the worker's minute"),
                    "{e}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(last_read(&db).unwrap(), Some((now, 0)));
        drop(silent);
    }
}
