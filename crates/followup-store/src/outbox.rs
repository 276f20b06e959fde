//! The outbox (schema version 9): messages queued by `followup send`, and what became
//! of them. Delivery is at most once (S3): a message is marked `sending` in a committed
//! transaction before the SMTP conversation starts ([`Store::outbox_claim`]) and `sent`
//! after the server accepted it ([`Store::outbox_sent`], which logs the touchpoint in
//! the same transaction). A row left `sending` by a run that stopped is marked
//! `unknown` by the next one ([`Store::outbox_orphans_unknown`]) and never sent again by
//! itself.

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use followup_core::word_enum;

use crate::error::{Result, StoreError};
use crate::model::{Channel, NewTouchpoint, TouchpointKind};
use crate::sql::{opt_ts, ts, Cols, Columns};
use crate::write::{insert_touchpoint, require_application};
use crate::Store;

word_enum! {
    /// Where a message of the outbox stands.
    OutboxState, "outbox state" {
        /// Waiting for its moment (or for the next attempt after a temporary failure).
        Queued => "queued",
        /// Handed to the server; its answer has not been recorded yet.
        Sending => "sending",
        /// The server accepted it.
        Sent => "sent",
        /// The server refused it for good, or temporary failures lasted 24 hours.
        Failed => "failed",
        /// A run stopped while it was being handed over: it may or may not have left.
        Unknown => "unknown",
        /// The user cancelled it.
        Cancelled => "cancelled",
    }
}

/// A message of the outbox, as stored (and kept in backups).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMessage {
    pub id: i64,
    pub application_id: i64,
    pub contact_id: i64,
    /// The message kind's word (`thank-you`, `follow-up`, ...).
    pub kind: String,
    /// When it may leave.
    pub at: Timestamp,
    /// When the next attempt is due (`at`, later after a temporary failure).
    pub next_try: Timestamp,
    pub state: OutboxState,
    pub from_name: String,
    pub from_addr: String,
    pub to_name: String,
    pub to_addr: String,
    pub subject: Option<String>,
    /// The checked text.
    pub body: String,
    /// `<...>`, given when queued.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    /// Space-separated message ids of the thread, oldest first.
    pub references: Option<String>,
    pub created_at: Timestamp,
    pub attempts: i64,
    /// The first temporary failure of the current series (retries stop 24 h after it).
    pub first_failure: Option<Timestamp>,
    /// The latest failure, in the server's words.
    pub error: Option<String>,
    /// The server's answer when it accepted the message.
    pub reply: Option<String>,
    pub sent_at: Option<Timestamp>,
    pub touchpoint_id: Option<i64>,
    /// Where replies go when it is not `from_addr` (a hosted service sends for its
    /// users from its own address, the user's as Reply-To).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
}

/// What `followup send` queues.
#[derive(Debug, Clone)]
pub struct NewOutboxMessage {
    pub application_id: i64,
    pub contact_id: i64,
    pub kind: String,
    pub at: Timestamp,
    pub from_name: String,
    pub from_addr: String,
    pub to_name: String,
    pub to_addr: String,
    pub subject: Option<String>,
    pub body: String,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Option<String>,
    pub created_at: Timestamp,
    /// Where replies go, when not to `from_addr`.
    pub reply_to: Option<String>,
}

impl NewOutboxMessage {
    /// Refuses header values with line breaks, so no value can add a header of its
    /// own.
    pub fn validate(&self) -> Result<()> {
        for (field, v) in [
            ("from_name", Some(&self.from_name)),
            ("from_addr", Some(&self.from_addr)),
            ("to_name", Some(&self.to_name)),
            ("to_addr", Some(&self.to_addr)),
            ("subject", self.subject.as_ref()),
            ("message_id", Some(&self.message_id)),
            ("in_reply_to", self.in_reply_to.as_ref()),
            ("references", self.references.as_ref()),
            ("reply_to", self.reply_to.as_ref()),
        ] {
            if let Some(v) = v {
                no_line_breaks(field, v)?;
            }
        }
        Ok(())
    }
}

/// The outbox counted ([`Store::outbox_counts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Messages in each state that has any.
    pub states: Vec<(OutboxState, usize)>,
    /// Queued messages whose moment has come.
    pub due: usize,
    /// The earliest moment among those.
    pub oldest_due: Option<Timestamp>,
}

pub(crate) const COLUMNS: &str =
    "id, application_id, contact_id, kind, at, next_try, state, from_name,
    from_addr, to_name, to_addr, subject, body, message_id, in_reply_to, refs, created_at,
    attempts, first_failure, error, reply, sent_at, touchpoint_id, reply_to";

fn read(row: &Row<'_>) -> Result<OutboxMessage> {
    message(&mut Cols::new(row))
}

/// A message from its columns, in the order of [`COLUMNS`] (either backend).
pub(crate) fn message(r: &mut impl Columns) -> Result<OutboxMessage> {
    Ok(OutboxMessage {
        id: r.int()?,
        application_id: r.int()?,
        contact_id: r.int()?,
        kind: r.text()?,
        at: r.ts("at")?,
        next_try: r.ts("next_try")?,
        state: r.word("state")?,
        from_name: r.text()?,
        from_addr: r.text()?,
        to_name: r.text()?,
        to_addr: r.text()?,
        subject: r.opt_text()?,
        body: r.text()?,
        message_id: r.text()?,
        in_reply_to: r.opt_text()?,
        references: r.opt_text()?,
        created_at: r.ts("created_at")?,
        attempts: r.int()?,
        first_failure: r.opt_ts("first_failure")?,
        error: r.opt_text()?,
        reply: r.opt_text()?,
        sent_at: r.opt_ts("sent_at")?,
        touchpoint_id: r.opt_int()?,
        reply_to: r.opt_text()?,
    })
}

fn mark_sent(c: &Connection, id: i64, at: Timestamp, reply: &str) -> Result<i64> {
    let m = one(c, id)?;
    let mut tp = NewTouchpoint::new(touchpoint_kind(&m.kind), at);
    tp.contact_id = Some(m.contact_id);
    tp.channel = Some(Channel::Email);
    let tid = insert_touchpoint(c, m.application_id, &tp)?;
    c.prepare_cached(
        "UPDATE outbox SET state = 'sent', sent_at = ?2, reply = ?3, error = NULL,
                    touchpoint_id = ?4
                 WHERE id = ?1",
    )?
    .execute(params![id, ts("at", at)?, reply, tid])?;
    Ok(tid)
}

fn one(c: &Connection, id: i64) -> Result<OutboxMessage> {
    let mut stmt = c.prepare_cached(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => read(row),
        None => Err(StoreError::NotFound {
            what: "outbox message",
            id,
        }),
    }
}

fn many(c: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<OutboxMessage>> {
    let mut stmt = c.prepare_cached(sql)?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(read(row)?);
    }
    Ok(out)
}

/// The touchpoint a sent message of `kind` is logged as.
pub fn touchpoint_kind(kind: &str) -> TouchpointKind {
    match kind {
        "thank-you" => TouchpointKind::ThankYou,
        "final-follow-up" => TouchpointKind::FinalFollowUp,
        "feedback-request" | "reply-to-rejection" => TouchpointKind::FeedbackRequest,
        "letter" => TouchpointKind::Letter,
        _ => TouchpointKind::FollowUp,
    }
}

fn no_line_breaks(field: &str, v: &str) -> Result<()> {
    if v.contains(['\r', '\n']) {
        return Err(StoreError::invalid(
            field,
            "a header value cannot hold a line break",
        ));
    }
    Ok(())
}

pub(crate) fn insert_row(c: &Connection, m: &OutboxMessage) -> Result<()> {
    c.prepare_cached(&format!(
        "INSERT INTO outbox ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
            ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24)"
    ))?
    .execute(params![
        m.id,
        m.application_id,
        m.contact_id,
        m.kind,
        ts("at", m.at)?,
        ts("next_try", m.next_try)?,
        m.state.as_str(),
        m.from_name,
        m.from_addr,
        m.to_name,
        m.to_addr,
        m.subject,
        m.body,
        m.message_id,
        m.in_reply_to,
        m.references,
        ts("created_at", m.created_at)?,
        m.attempts,
        opt_ts("first_failure", m.first_failure)?,
        m.error,
        m.reply,
        opt_ts("sent_at", m.sent_at)?,
        m.touchpoint_id,
        m.reply_to,
    ])?;
    Ok(())
}

/// Every outbox row, by id (for backups).
pub(crate) fn all(c: &Connection) -> Result<Vec<OutboxMessage>> {
    many(c, &format!("SELECT {COLUMNS} FROM outbox ORDER BY id"), [])
}

impl Store {
    /// Queue a message; returns it as stored. Header values with line breaks are
    /// refused, so no value can add a header of its own.
    pub fn outbox_queue(&mut self, new: &NewOutboxMessage) -> Result<OutboxMessage> {
        new.validate()?;
        self.write(|c| {
            require_application(c, new.application_id)?;
            c.prepare_cached(
                "INSERT INTO outbox (application_id, contact_id, kind, at, next_try, state,
                    from_name, from_addr, to_name, to_addr, subject, body, message_id,
                    in_reply_to, refs, created_at, reply_to)
                 VALUES (?1, ?2, ?3, ?4, ?4, 'queued', ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
                    ?14, ?15)",
            )?
            .execute(params![
                new.application_id,
                new.contact_id,
                new.kind,
                ts("at", new.at)?,
                new.from_name,
                new.from_addr,
                new.to_name,
                new.to_addr,
                new.subject,
                new.body,
                new.message_id,
                new.in_reply_to,
                new.references,
                ts("created_at", new.created_at)?,
                new.reply_to,
            ])?;
            one(c, c.last_insert_rowid())
        })
    }

    /// One message of the outbox.
    pub fn outbox_message(&self, id: i64) -> Result<OutboxMessage> {
        one(&self.conn, id)
    }

    /// Every message, the next to leave first, then the sent ones, latest last.
    pub fn outbox(&self) -> Result<Vec<OutboxMessage>> {
        many(
            &self.conn,
            &format!("SELECT {COLUMNS} FROM outbox ORDER BY at, id"),
            [],
        )
    }

    /// How many messages are in each state, and of the queued ones how many are due at
    /// `now` and the oldest moment among those (for `/metrics`): counted by the
    /// database, no message read.
    pub fn outbox_counts(&self, now: Timestamp) -> Result<OutboxCounts> {
        let mut states = Vec::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT state, count(*) FROM outbox GROUP BY state")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let word: String = row.get(0)?;
            let n: i64 = row.get(1)?;
            let state = word
                .parse::<OutboxState>()
                .map_err(|e| StoreError::Decode {
                    column: "outbox.state".into(),
                    value: word.clone(),
                    reason: e.to_string(),
                })?;
            states.push((state, usize::try_from(n).unwrap_or(0)));
        }
        let (due, oldest): (i64, Option<i64>) = self.conn.query_row(
            "SELECT count(*), min(next_try) FROM outbox WHERE state = 'queued' AND next_try <= ?1",
            [ts("now", now)?],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let oldest = oldest
            .map(|ns| {
                Timestamp::from_nanosecond(i128::from(ns)).map_err(|e| StoreError::Decode {
                    column: "outbox.next_try".into(),
                    value: ns.to_string(),
                    reason: e.to_string(),
                })
            })
            .transpose()?;
        Ok(OutboxCounts {
            states,
            due: usize::try_from(due).unwrap_or(0),
            oldest_due: oldest,
        })
    }

    /// The latest message to this contact of this application that left or may leave
    /// before `before`: what a follow-up replies to.
    pub fn outbox_thread(
        &self,
        application_id: i64,
        contact_id: i64,
        before: Timestamp,
    ) -> Result<Option<OutboxMessage>> {
        let mut list = many(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM outbox
                 WHERE application_id = ?1 AND contact_id = ?2 AND at <= ?3
                   AND state IN ('queued', 'sending', 'sent', 'unknown')
                 ORDER BY at DESC, id DESC LIMIT 1"
            ),
            params![application_id, contact_id, ts("before", before)?],
        )?;
        Ok(list.pop())
    }

    /// Marks every message left `sending` by a run that stopped as `unknown`, with
    /// `why`; returns their ids. Call it only while holding the dispatcher's lock.
    pub fn outbox_orphans_unknown(&mut self, why: &str) -> Result<Vec<i64>> {
        self.write(|c| {
            let ids: Vec<i64> = c
                .prepare("SELECT id FROM outbox WHERE state = 'sending' ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            c.execute(
                "UPDATE outbox SET state = 'unknown', error = ?1 WHERE state = 'sending'",
                [why],
            )?;
            Ok(ids)
        })
    }

    /// The queued messages due at `now`, the earliest first.
    pub fn outbox_due(&self, now: Timestamp) -> Result<Vec<OutboxMessage>> {
        many(
            &self.conn,
            &format!(
                "SELECT {COLUMNS} FROM outbox WHERE state = 'queued' AND next_try <= ?1
                 ORDER BY next_try, id"
            ),
            [ts("now", now)?],
        )
    }

    /// Marks a queued message `sending`, in a committed transaction; `false` when it
    /// is no longer queued (cancelled meanwhile, or taken by another run).
    pub fn outbox_claim(&mut self, id: i64) -> Result<bool> {
        self.write(|c| {
            Ok(c.prepare_cached(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1
                 WHERE id = ?1 AND state = 'queued'",
            )?
            .execute([id])?
                == 1)
        })
    }

    /// Records that the server accepted a message at `at` with `reply`, and logs it as
    /// a touchpoint (by email, to its contact) in the same transaction.
    pub fn outbox_sent(&mut self, id: i64, at: Timestamp, reply: &str) -> Result<i64> {
        self.write(|c| mark_sent(c, id, at, reply))
    }

    /// [`outbox_sent`](Self::outbox_sent) for the message before, if any, and
    /// [`outbox_claim`](Self::outbox_claim) for the next, in one committed transaction:
    /// one flush to disk per message instead of two.
    pub fn outbox_sent_then_claim(
        &mut self,
        sent: Option<(i64, Timestamp, &str)>,
        next: i64,
    ) -> Result<bool> {
        self.write(|c| {
            if let Some((id, at, reply)) = sent {
                mark_sent(c, id, at, reply)?;
            }
            Ok(c.prepare_cached(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1
                 WHERE id = ?1 AND state = 'queued'",
            )?
            .execute([next])?
                == 1)
        })
    }

    /// Records a failure: `next` is when to try again (state `queued`), or `None` to
    /// stop (state `failed`).
    pub fn outbox_failed(
        &mut self,
        id: i64,
        error: &str,
        first_failure: Option<Timestamp>,
        next: Option<Timestamp>,
    ) -> Result<()> {
        self.write(|c| {
            let state = if next.is_some() { "queued" } else { "failed" };
            c.prepare_cached(
                "UPDATE outbox SET state = ?2, error = ?3, first_failure = ?4,
                    next_try = coalesce(?5, next_try)
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                state,
                error,
                opt_ts("first_failure", first_failure)?,
                opt_ts("next_try", next)?
            ])?;
            Ok(())
        })
    }

    /// Cancels a message that has not left: queued, failed or unknown. Returns it.
    pub fn outbox_cancel(&mut self, id: i64) -> Result<OutboxMessage> {
        self.change_state(
            id,
            &[
                OutboxState::Queued,
                OutboxState::Failed,
                OutboxState::Unknown,
            ],
            |c| {
                c.execute("UPDATE outbox SET state = 'cancelled' WHERE id = ?1", [id])?;
                Ok(())
            },
        )
    }

    /// Moves a queued (or failed, unknown) message to `at`, queued again.
    pub fn outbox_reschedule(&mut self, id: i64, at: Timestamp) -> Result<OutboxMessage> {
        let at = ts("at", at)?;
        self.change_state(id, &[OutboxState::Queued, OutboxState::Failed], |c| {
            c.execute(
                "UPDATE outbox SET state = 'queued', at = ?2, next_try = ?2, first_failure = NULL
                 WHERE id = ?1",
                params![id, at],
            )?;
            Ok(())
        })
    }

    /// Queues a failed, unknown or cancelled message again, to leave at `at`.
    pub fn outbox_retry(&mut self, id: i64, at: Timestamp) -> Result<OutboxMessage> {
        let at = ts("at", at)?;
        let from = [
            OutboxState::Failed,
            OutboxState::Unknown,
            OutboxState::Cancelled,
            OutboxState::Queued,
        ];
        self.change_state(id, &from, |c| {
            c.execute(
                "UPDATE outbox SET state = 'queued', next_try = max(?2, at),
                    first_failure = NULL
                 WHERE id = ?1",
                params![id, at],
            )?;
            Ok(())
        })
    }

    fn change_state(
        &mut self,
        id: i64,
        from: &[OutboxState],
        f: impl FnOnce(&Connection) -> Result<()>,
    ) -> Result<OutboxMessage> {
        self.write(|c| {
            let m = one(c, id)?;
            if !from.contains(&m.state) {
                return Err(StoreError::invalid(
                    "state",
                    format!(
                        "message {id} is {}; only a message that is {} can be changed so",
                        m.state,
                        from.iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            f(c)?;
            one(c, id)
        })
    }

    /// The message id of an outbox message logged as touchpoint `touchpoint_id`.
    pub fn message_id_of_touchpoint(&self, touchpoint_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT message_id FROM outbox WHERE touchpoint_id = ?1")?
            .query_row([touchpoint_id], |r| r.get(0))
            .optional()?)
    }
}
