//! What reading a user's mailbox keeps on PostgreSQL (schema 1: `mail_folder`,
//! `mail_proposal`, `mail_bad_address`, each row the user's, under row-level
//! security), through [`Facts`](crate::Facts) as on SQLite (`src/mail.rs`): how far
//! each folder was read, the proposals found, the addresses that bounce.

use std::collections::HashMap;

use jiff::Timestamp;

use super::facts::{query, Cols, Tx};
use crate::error::{Result, StoreError};
use crate::mail::{proposal_of, MailProposal, NewMailProposal, ProposalStatus, COLUMNS};
use crate::sql::{ts, Columns};

/// A folder's UIDVALIDITY and the highest UID read, if it was read before.
pub(super) fn folder(tx: &mut Tx<'_>, user: i64, name: &str) -> Result<Option<(u32, u32)>> {
    let rows = query(
        tx,
        "SELECT uidvalidity, last_uid FROM mail_folder WHERE user_id = $1 AND name = $2",
        &[&user, &name],
    )?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let mut r = Cols::new(row);
    let (validity, last): (i64, i64) = (r.int()?, r.int()?);
    Ok(Some((
        uid("uidvalidity", validity)?,
        uid("last_uid", last)?,
    )))
}

fn uid(column: &str, v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| StoreError::Decode {
        column: format!("mail_folder.{column}"),
        value: v.to_string(),
        reason: "not a 32-bit IMAP number".into(),
    })
}

/// Records how far a folder was read with the proposals found in it, in the caller's
/// transaction; the ids of the proposals added (a message proposed before, or one of
/// an application deleted meanwhile, is not added).
pub(super) fn record_sync(
    tx: &mut Tx<'_>,
    user: i64,
    folder: &str,
    uidvalidity: u32,
    last_uid: u32,
    proposals: &[NewMailProposal],
) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for p in proposals {
        let date = ts("date", p.date.unwrap_or(Timestamp::UNIX_EPOCH))?;
        let decision_date = p.decision_date.map(|d| d.to_string());
        let until = p.until.map(|d| d.to_string());
        let rows = query(
            tx,
            "INSERT INTO mail_proposal (user_id, message_id, application_id, contact_id, kind,
                 folder, sender, subject, date, evidence, decision, decision_date, until,
                 touchpoint, bounced, calendar, confidence)
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17
             WHERE EXISTS (SELECT 1 FROM application WHERE user_id = $1 AND id = $3)
             ON CONFLICT (user_id, message_id) DO NOTHING
             RETURNING id",
            &[
                &user,
                &p.message_id,
                &p.application_id,
                &p.contact_id,
                &p.kind,
                &p.folder,
                &p.sender,
                &p.subject,
                &date,
                &p.evidence,
                &p.decision,
                &decision_date,
                &until,
                &p.touchpoint,
                &p.bounced,
                &p.calendar,
                &p.confidence,
            ],
        )?;
        ids.extend(rows.iter().map(|r| r.get::<_, i64>(0)));
    }
    query(
        tx,
        "INSERT INTO mail_folder (user_id, name, uidvalidity, last_uid) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, name) DO UPDATE SET uidvalidity = $3, last_uid = $4",
        &[
            &user,
            &folder,
            &i64::from(uidvalidity),
            &i64::from(last_uid),
        ],
    )?;
    Ok(ids)
}

/// The proposals, oldest message first: pending ones only, or all.
pub(super) fn proposals(tx: &mut Tx<'_>, user: i64, all: bool) -> Result<Vec<MailProposal>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mail_proposal WHERE user_id = $1 {} ORDER BY date, id",
        if all { "" } else { "AND status = 'pending'" }
    );
    query(tx, &sql, &[&user])?
        .iter()
        .map(|row| proposal_of(&mut Cols::new(row)))
        .collect()
}

/// One proposal of the user's.
pub(super) fn proposal(tx: &mut Tx<'_>, user: i64, id: i64) -> Result<MailProposal> {
    let sql = format!("SELECT {COLUMNS} FROM mail_proposal WHERE user_id = $1 AND id = $2");
    match query(tx, &sql, &[&user, &id])?.first() {
        Some(row) => proposal_of(&mut Cols::new(row)),
        None => Err(StoreError::NotFound {
            what: "proposal",
            id,
        }),
    }
}

/// Marks a pending proposal applied (with its touchpoint) or dismissed; whether it
/// was pending.
pub(super) fn settle(
    tx: &mut Tx<'_>,
    user: i64,
    id: i64,
    status: ProposalStatus,
    touchpoint: Option<i64>,
) -> Result<bool> {
    let n = tx
        .execute(
            "UPDATE mail_proposal SET status = $3, touchpoint_id = $4
             WHERE user_id = $1 AND id = $2 AND status = 'pending'",
            &[&user, &id, &status.as_str(), &touchpoint],
        )
        .map_err(super::pg_err)?;
    Ok(n == 1)
}

/// The Message-IDs of messages read before, with their application.
pub(super) fn message_ids(tx: &mut Tx<'_>, user: i64) -> Result<HashMap<String, i64>> {
    Ok(query(
        tx,
        "SELECT message_id, application_id FROM mail_proposal WHERE user_id = $1",
        &[&user],
    )?
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect())
}

/// Records that mail to `address` bounces.
pub(super) fn add_bad_address(
    tx: &mut Tx<'_>,
    user: i64,
    address: &str,
    at: Timestamp,
) -> Result<()> {
    let at = ts("at", at)?;
    query(
        tx,
        "INSERT INTO mail_bad_address (user_id, address, at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, address) DO NOTHING",
        &[&user, &address.trim().to_lowercase(), &at],
    )?;
    Ok(())
}

/// Addresses known to bounce.
pub(super) fn bad_addresses(tx: &mut Tx<'_>, user: i64) -> Result<Vec<String>> {
    Ok(query(
        tx,
        "SELECT address::text FROM mail_bad_address WHERE user_id = $1 ORDER BY address",
        &[&user],
    )?
    .iter()
    .map(|r| r.get(0))
    .collect())
}

/// Deletes everything reading mail stored for the user; the number of proposals
/// deleted. What accepting them recorded stays.
pub(super) fn forget(tx: &mut Tx<'_>, user: i64) -> Result<usize> {
    let n = tx
        .execute("DELETE FROM mail_proposal WHERE user_id = $1", &[&user])
        .map_err(super::pg_err)?;
    query(tx, "DELETE FROM mail_folder WHERE user_id = $1", &[&user])?;
    query(
        tx,
        "DELETE FROM mail_bad_address WHERE user_id = $1",
        &[&user],
    )?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// The first key of the advisory lock a worker holds while it reads a user's mailbox
/// ("mail" in ASCII, folded with the user id's high bits); the second is the id's
/// low 32 bits.
pub const MAIL_SYNC_LOCK_CLASS: i32 = 0x6d61_696c;

impl super::Pg {
    /// Takes the lock on reading `user`'s mailbox for this session, if no other
    /// session holds it: two workers never read one mailbox at once. Released by
    /// [`Pg::end_mail_sync`], or by the server when the session ends.
    pub fn begin_mail_sync(&mut self, user: i64) -> Result<bool> {
        let (a, b) = super::lock_keys(MAIL_SYNC_LOCK_CLASS, user);
        let row = self
            .client
            .query_one("SELECT pg_try_advisory_lock($1, $2)", &[&a, &b])
            .map_err(super::pg_err)?;
        Ok(row.get(0))
    }

    /// Takes `user`'s turn to have their mailbox read at `now`: whether their last read
    /// (by any worker) was at least `every` ago, or there was none; if so, it is now.
    /// One statement, so two workers never both get the turn.
    pub fn mail_read_turn(
        &mut self,
        user: i64,
        now: Timestamp,
        every: jiff::SignedDuration,
    ) -> Result<bool> {
        let at = ts("read_at", now)?;
        let every = i64::try_from(every.as_nanos()).unwrap_or(i64::MAX);
        let rows = self
            .client
            .query(
                "INSERT INTO mail_read (user_id, read_at) VALUES ($1, $2)
                 ON CONFLICT (user_id) DO UPDATE SET read_at = $2
                 WHERE mail_read.read_at <= $2 - $3
                 RETURNING 1",
                &[&user, &at, &every],
            )
            .map_err(super::pg_err)?;
        Ok(!rows.is_empty())
    }

    /// Releases the lock of [`Pg::begin_mail_sync`].
    pub fn end_mail_sync(&mut self, user: i64) -> Result<()> {
        let (a, b) = super::lock_keys(MAIL_SYNC_LOCK_CLASS, user);
        self.client
            .execute("SELECT pg_advisory_unlock($1, $2)", &[&a, &b])
            .map_err(super::pg_err)?;
        Ok(())
    }
}
