//! The worker's reads of the mailbox of a SQLite database (`followup worker`, the
//! worker of `followup serve`, each account of an office): at most every
//! [`MAIL_READ_EVERY`] when `[mail]` names an IMAP server, so that answers show up in
//! the Inbox (and the digest) without anyone pressing "Sync now".
//!
//! The turn is kept beside the database: `<db>.mail-read` holds when the last read
//! started. It is taken under a lock (`<db>.mail-read-lock`), so two workers of one
//! database never read at once, and written through before the read: a server that
//! fails or hangs is asked again at the next turn, not at the next minute. The hosted
//! service keeps its turns in PostgreSQL (`pg_jobs`).
//!
//! ```no_run
//! # fn show(ctx: &followup_app::ctx::Ctx) -> followup_app::error::Result<()> {
//! use followup_app::inbox::turn::{read_due, Turn};
//! match read_due(ctx)? {
//!     Turn::Read(mailbox, got) => println!("{mailbox}: {}", got.summary()),
//!     Turn::Failed(mailbox, e) => eprintln!("{mailbox}: {e}"),
//!     Turn::Off | Turn::NotYet => {}
//! }
//! # Ok(())
//! # }
//! ```

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::{MailSettings, Synced};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
pub use crate::pg_jobs::MAIL_READ_EVERY;

/// What a worker's turn at the mailbox did.
#[derive(Debug)]
pub enum Turn {
    /// No IMAP server is set up (or the database is a hosted service's).
    Off,
    /// Read less than [`MAIL_READ_EVERY`] ago, or by another worker now.
    NotYet,
    /// Read: the mailbox (its login) and what the read found.
    Read(String, Synced),
    /// The read failed: the mailbox and why.
    Failed(String, Error),
}

/// `<db>.mail-read`: when the worker's last read of the mailbox started.
pub fn state_path(db: &Path) -> PathBuf {
    beside(db, ".mail-read")
}

fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// When the last read started; none when never (or the file is not this build's).
pub fn last_read(db: &Path) -> Result<Option<Timestamp>> {
    let path = state_path(db);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text.trim().parse().ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read { path, source }),
    }
}

/// Reads the mailbox of `ctx`'s settings if its turn has come at `ctx.now`: at most
/// every [`MAIL_READ_EVERY`] (a clock set back reads at once). Settings that cannot
/// be read are a failed read, reported at each turn only.
pub fn read_due(ctx: &Ctx) -> Result<Turn> {
    if ctx.pg().is_some() {
        return Ok(Turn::Off);
    }
    let mail = MailSettings::load(ctx);
    let set_up = match &mail {
        Ok(m) => m.imap.as_deref().is_some_and(|i| !i.trim().is_empty()),
        Err(_) => true,
    };
    if !set_up {
        return Ok(Turn::Off);
    }
    let lock_path = beside(&ctx.db, ".mail-read-lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|source| Error::Write {
            path: lock_path.clone(),
            source,
        })?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(Turn::NotYet),
        Err(std::fs::TryLockError::Error(source)) => {
            return Err(Error::Write {
                path: lock_path,
                source,
            })
        }
    }
    let now = ctx.now;
    if let Some(last) = last_read(&ctx.db)? {
        if last <= now && now.duration_since(last) < MAIL_READ_EVERY {
            return Ok(Turn::NotYet);
        }
    }
    crate::settings::write_atomic(&state_path(&ctx.db), &format!("{now}\n"))?;
    let m = &ctx.settings.mail;
    let mut mailbox = m.user.clone().or_else(|| m.address.clone());
    let read = mail.and_then(|mail| {
        mailbox = mail.user.clone().or_else(|| mail.address.clone());
        super::sync(ctx, None)
    });
    let mailbox = mailbox.unwrap_or_else(|| "the mailbox".to_string());
    drop(lock);
    Ok(match read {
        Ok(got) => Turn::Read(mailbox, got),
        Err(e) => Turn::Failed(mailbox, e),
    })
}
