//! What reading the mailbox keeps: folder state, proposals, addresses that bounce
//! (`migrations/0008_mail_inbox.sql`).

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::sql::{ts, Cols, Columns};
use crate::Store;

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProposalStatus {
    Pending,
    Applied,
    Dismissed,
}

impl ProposalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "pending",
            ProposalStatus::Applied => "applied",
            ProposalStatus::Dismissed => "dismissed",
        }
    }

    fn parse(s: &str) -> ProposalStatus {
        match s {
            "applied" => ProposalStatus::Applied,
            "dismissed" => ProposalStatus::Dismissed,
            _ => ProposalStatus::Pending,
        }
    }
}

/// A proposal to store: a matched message's headers and what it says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMailProposal {
    /// The Message-ID (without angle brackets), else `folder/uidvalidity/uid`.
    pub message_id: String,
    pub application_id: i64,
    pub contact_id: Option<i64>,
    /// sent, reply, decision, rejection, offer, invite, out-of-office, bounce.
    pub kind: String,
    pub folder: String,
    /// "Jane Doe <jane@acme.com>".
    pub sender: String,
    pub subject: String,
    pub date: Option<Timestamp>,
    pub evidence: Option<String>,
    pub decision: Option<String>,
    pub decision_date: Option<Date>,
    pub until: Option<Date>,
    pub touchpoint: Option<String>,
    pub bounced: Option<String>,
    /// An invitation's calendar part.
    pub calendar: Option<String>,
    /// high or low.
    pub confidence: String,
}

/// A stored proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailProposal {
    pub id: i64,
    #[serde(flatten)]
    pub new: NewMailProposalView,
    pub status: ProposalStatus,
    /// The touchpoint accepting it recorded.
    pub touchpoint_id: Option<i64>,
}

/// The stored fields of a proposal, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewMailProposalView {
    pub message_id: String,
    pub application_id: i64,
    pub contact_id: Option<i64>,
    pub kind: String,
    pub folder: String,
    pub sender: String,
    pub subject: String,
    pub date: Timestamp,
    pub evidence: Option<String>,
    pub decision: Option<String>,
    pub decision_date: Option<Date>,
    pub until: Option<Date>,
    pub touchpoint: Option<String>,
    pub bounced: Option<String>,
    #[serde(skip)]
    pub calendar: Option<String>,
    pub confidence: String,
}

/// The columns [`proposal_of`] reads, in order (both backends).
pub(crate) const COLUMNS: &str = "id, message_id, application_id, contact_id, kind, folder, \
     sender, subject, date, evidence, decision, decision_date, until, touchpoint, bounced, \
     calendar, confidence, status, touchpoint_id";

/// A proposal from a row of [`COLUMNS`], on either backend.
pub(crate) fn proposal_of(r: &mut impl Columns) -> Result<MailProposal> {
    Ok(MailProposal {
        id: r.int()?,
        new: NewMailProposalView {
            message_id: r.text()?,
            application_id: r.int()?,
            contact_id: r.opt_int()?,
            kind: r.text()?,
            folder: r.text()?,
            sender: r.text()?,
            subject: r.text()?,
            date: r.ts("mail_proposal.date")?,
            evidence: r.opt_text()?,
            decision: r.opt_text()?,
            decision_date: r.opt_date("mail_proposal.decision_date")?,
            until: r.opt_date("mail_proposal.until")?,
            touchpoint: r.opt_text()?,
            bounced: r.opt_text()?,
            calendar: r.opt_text()?,
            confidence: r.text()?,
        },
        status: r.with_opt_str(|s| Ok(ProposalStatus::parse(s.unwrap_or(""))))?,
        touchpoint_id: r.opt_int()?,
    })
}

fn proposals(conn: &rusqlite::Connection, sql: &str, id: Option<i64>) -> Result<Vec<MailProposal>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = match id {
        Some(id) => stmt.query([id])?,
        None => stmt.query([])?,
    };
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(proposal_of(&mut Cols::new(row))?);
    }
    Ok(out)
}

impl Store {
    /// A folder's UIDVALIDITY and the highest UID read, if it was read before.
    pub fn mail_folder(&self, name: &str) -> Result<Option<(u32, u32)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT uidvalidity, last_uid FROM mail_folder WHERE name = ?1",
                [name],
                |r| Ok((r.get::<_, u32>(0)?, r.get::<_, u32>(1)?)),
            )
            .optional()?)
    }

    /// Records how far a folder was read, with the proposals found in it, in one
    /// transaction. Returns the ids of the proposals added (a message proposed
    /// before, whatever became of it, is not added again).
    pub fn mail_record_sync(
        &mut self,
        folder: &str,
        uidvalidity: u32,
        last_uid: u32,
        proposals: &[NewMailProposal],
    ) -> Result<Vec<i64>> {
        self.write(|c| {
            let mut ids = Vec::new();
            for p in proposals {
                let date = ts("date", p.date.unwrap_or(Timestamp::UNIX_EPOCH))?;
                let n = c.execute(
                    "INSERT OR IGNORE INTO mail_proposal (message_id, application_id, contact_id,
                         kind, folder, sender, subject, date, evidence, decision, decision_date,
                         until, touchpoint, bounced, calendar, confidence)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16
                     WHERE EXISTS (SELECT 1 FROM application WHERE id = ?2)",
                    params![
                        p.message_id,
                        p.application_id,
                        p.contact_id,
                        p.kind,
                        p.folder,
                        p.sender,
                        p.subject,
                        date,
                        p.evidence,
                        p.decision,
                        p.decision_date.map(|d| d.to_string()),
                        p.until.map(|d| d.to_string()),
                        p.touchpoint,
                        p.bounced,
                        p.calendar,
                        p.confidence,
                    ],
                )?;
                if n == 1 {
                    ids.push(c.last_insert_rowid());
                }
            }
            c.execute(
                "INSERT INTO mail_folder (name, uidvalidity, last_uid) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name) DO UPDATE SET uidvalidity = ?2, last_uid = ?3",
                params![folder, uidvalidity, last_uid],
            )?;
            Ok(ids)
        })
    }

    /// The proposals, oldest message first: pending ones only, or all.
    pub fn mail_proposals(&self, all: bool) -> Result<Vec<MailProposal>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM mail_proposal {} ORDER BY date, id",
            if all { "" } else { "WHERE status = 'pending'" }
        );
        proposals(&self.conn, &sql, None)
    }

    /// One proposal.
    pub fn mail_proposal(&self, id: i64) -> Result<MailProposal> {
        proposals(
            &self.conn,
            &format!("SELECT {COLUMNS} FROM mail_proposal WHERE id = ?1"),
            Some(id),
        )?
        .pop()
        .ok_or(StoreError::NotFound {
            what: "proposal",
            id,
        })
    }

    /// Marks a pending proposal applied (with the touchpoint it recorded) or
    /// dismissed. Returns whether it was pending.
    pub fn mail_settle(
        &mut self,
        id: i64,
        status: ProposalStatus,
        touchpoint: Option<i64>,
    ) -> Result<bool> {
        self.write(|c| {
            Ok(c.execute(
                "UPDATE mail_proposal SET status = ?2, touchpoint_id = ?3
                 WHERE id = ?1 AND status = 'pending'",
                params![id, status.as_str(), touchpoint],
            )? == 1)
        })
    }

    /// The Message-IDs of messages read before, with their application.
    pub fn mail_message_ids(&self) -> Result<HashMap<String, i64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT message_id, application_id FROM mail_proposal")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records that mail to `address` bounces.
    pub fn mail_add_bad_address(&mut self, address: &str, at: Timestamp) -> Result<()> {
        let at = ts("at", at)?;
        self.write(|c| {
            c.execute(
                "INSERT OR IGNORE INTO mail_bad_address (address, at) VALUES (?1, ?2)",
                params![address.trim().to_lowercase(), at],
            )?;
            Ok(())
        })
    }

    /// Addresses known to bounce.
    pub fn mail_bad_addresses(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT address FROM mail_bad_address ORDER BY address")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes everything reading mail stored. Returns the number of proposals
    /// deleted. What accepting a proposal recorded (a reply, an outcome) stays: it is
    /// the user's fact now.
    pub fn mail_forget(&mut self) -> Result<usize> {
        self.write(|c| {
            let n = c.execute("DELETE FROM mail_proposal", [])?;
            c.execute_batch("DELETE FROM mail_folder; DELETE FROM mail_bad_address;")?;
            Ok(n)
        })
    }
}
