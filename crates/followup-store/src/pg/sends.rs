//! The outbox on PostgreSQL: each user's messages (through [`Facts`](crate::Facts), as
//! on SQLite) and the workers that send them for every user, at most once and never
//! lost, as [`jobs`](super::jobs) does for digests.
//!
//! # The queue: `send_queue`
//!
//! A user's messages are rows of `outbox` under row-level security. A worker serves
//! every user, so it finds what is due in `send_queue` (schema 9), which is not under
//! row-level security: one row per message that is `queued` or `sending`, kept by a
//! trigger on `outbox` whoever writes it, so "which messages are due" is a range scan
//! of the index `send_queue_due (next_try, outbox_id)`. A message queued (or queued
//! again, or moved earlier) notifies [`JOBS_CHANNEL`](super::jobs::JOBS_CHANNEL) at
//! commit, so a waiting worker wakes at once.
//!
//! # A send
//!
//! 1. [`Pg::claim_send`]: in one transaction, the earliest due row is picked with
//!    `FOR UPDATE SKIP LOCKED` (two workers never pick the same one), a session-level
//!    advisory lock on the message is taken (keys [`SEND_LOCK_CLASS`] and the id), and
//!    the message is marked `sending` as its user, committed before the SMTP
//!    conversation starts (S3).
//! 2. The conversation.
//! 3. [`Pg::send_sent`] (the server accepted it: `sent`, and its touchpoint logged in
//!    the same transaction) or [`Pg::send_failed`] (queued again for a later try, or
//!    `failed`); either releases the claim's lock just before its commit.
//!
//! # Recovery
//!
//! A worker killed mid-send leaves its message `sending` and its session gone; the
//! server released the session's advisory locks when it ended. [`Pg::recover_sends`]
//! marks every `sending` message whose lock it can take (held by no live session, and
//! not its own) `unknown`: it may or may not have left, so it is never sent again by
//! itself; the user checks their Sent folder and retries or cancels it. Only one claim
//! per session is held at a time, so a session holds at most one such lock.

use jiff::Timestamp;
use postgres::types::Type;
use postgres::Transaction;

use super::facts::{insert_touchpoint, query, require_application, Cols, Refused, Tx};
use super::{as_user, pg_err, Pg};
use crate::model::{Channel, NewTouchpoint};
use crate::outbox::{message, touchpoint_kind, NewOutboxMessage, OutboxMessage, OutboxState};
use crate::sql::{opt_ts, ts};
use crate::{Result, StoreError};

/// The first key of a send claim's advisory lock ("send" in ASCII, folded with the
/// id's high bits); the second is the message id's low 32 bits.
pub const SEND_LOCK_CLASS: i32 = 0x7365_6e64;

/// The columns of [`message`], as PostgreSQL keeps them.
pub(super) const COLUMNS: &str =
    "id, application_id, contact_id, kind, at, next_try, state, from_name,
    from_addr, to_name, to_addr, subject, body, message_id, in_reply_to, refs, created_at,
    attempts::bigint, first_failure, error, reply, sent_at, touchpoint_id, reply_to";

/// A message a worker holds ([`Pg::claim_send`]): marked `sending`, to be handed to
/// the server and then marked with [`Pg::send_sent`] or [`Pg::send_failed`] on the
/// same connection.
#[derive(Debug, Clone)]
pub struct SendClaim {
    /// The user whose message it is.
    pub user_id: i64,
    /// The message, as marked `sending`.
    pub message: OutboxMessage,
}

fn one(tx: &mut Tx<'_>, user: i64, id: i64) -> Result<OutboxMessage> {
    let rows = query(
        tx,
        &format!("SELECT {COLUMNS} FROM outbox WHERE user_id = $1 AND id = $2"),
        &[&user, &id],
    )?;
    match rows.first() {
        Some(row) => message(&mut Cols::new(row)),
        None => Err(StoreError::NotFound {
            what: "outbox message",
            id,
        }),
    }
}

fn many(
    tx: &mut Tx<'_>,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<Vec<OutboxMessage>> {
    query(tx, sql, params)?
        .iter()
        .map(|row| message(&mut Cols::new(row)))
        .collect()
}

/// [`Store::outbox_queue`](crate::Store::outbox_queue), as `user`.
pub(super) fn queue(tx: &mut Tx<'_>, user: i64, new: &NewOutboxMessage) -> Result<OutboxMessage> {
    new.validate()?;
    require_application(tx, user, new.application_id)?;
    let at = ts("at", new.at)?;
    let rows = query(
        tx,
        "INSERT INTO outbox (user_id, application_id, contact_id, kind, at, next_try, state,
            from_name, from_addr, to_name, to_addr, subject, body, message_id, in_reply_to,
            refs, created_at, reply_to)
         VALUES ($1, $2, $3, $4, $5, $5, 'queued', $6, $7, $8, $9, $10, $11, $12, $13, $14,
            $15, $16)
         RETURNING id",
        &[
            &user,
            &new.application_id,
            &new.contact_id,
            &new.kind,
            &at,
            &new.from_name,
            &new.from_addr,
            &new.to_name,
            &new.to_addr,
            &new.subject,
            &new.body,
            &new.message_id,
            &new.in_reply_to,
            &new.references,
            &ts("created_at", new.created_at)?,
            &new.reply_to,
        ],
    )?;
    let id: i64 = rows
        .first()
        .map(|r| r.get(0))
        .ok_or_else(|| StoreError::Postgres("the insert returned no id".into()))?;
    one(tx, user, id)
}

/// Every message of `user`, by id (for backups).
pub(super) fn all(tx: &mut Tx<'_>, user: i64) -> Result<Vec<OutboxMessage>> {
    many(
        tx,
        &format!("SELECT {COLUMNS} FROM outbox WHERE user_id = $1 ORDER BY id"),
        &[&user],
    )
}

/// Writes a message of a backup as it was, as `user`.
pub(super) fn insert_row(
    tx: &mut Tx<'_>,
    user: i64,
    m: &OutboxMessage,
) -> std::result::Result<(), Refused> {
    let attempts = i32::try_from(m.attempts)
        .map_err(|_| StoreError::invalid("outbox.attempts", "too many attempts to store"))?;
    tx.execute(
        "INSERT INTO outbox (id, user_id, application_id, contact_id, kind, at, next_try,
            state, from_name, from_addr, to_name, to_addr, subject, body, message_id,
            in_reply_to, refs, created_at, attempts, first_failure, error, reply, sent_at,
            touchpoint_id, reply_to)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
            $18, $19, $20, $21, $22, $23, $24, $25)",
        &[
            &m.id,
            &user,
            &m.application_id,
            &m.contact_id,
            &m.kind,
            &ts("at", m.at)?,
            &ts("next_try", m.next_try)?,
            &m.state.as_str(),
            &m.from_name,
            &m.from_addr,
            &m.to_name,
            &m.to_addr,
            &m.subject,
            &m.body,
            &m.message_id,
            &m.in_reply_to,
            &m.references,
            &ts("created_at", m.created_at)?,
            &attempts,
            &opt_ts("first_failure", m.first_failure)?,
            &m.error,
            &m.reply,
            &opt_ts("sent_at", m.sent_at)?,
            &m.touchpoint_id,
            &m.reply_to,
        ],
    )?;
    Ok(())
}

/// [`Store::outbox_message`](crate::Store::outbox_message), as `user`.
pub(super) fn get(tx: &mut Tx<'_>, user: i64, id: i64) -> Result<OutboxMessage> {
    one(tx, user, id)
}

/// [`Store::outbox_thread`](crate::Store::outbox_thread), as `user`.
pub(super) fn thread(
    tx: &mut Tx<'_>,
    user: i64,
    application_id: i64,
    contact_id: i64,
    before: Timestamp,
) -> Result<Option<OutboxMessage>> {
    let mut list = many(
        tx,
        &format!(
            "SELECT {COLUMNS} FROM outbox
             WHERE user_id = $1 AND application_id = $2 AND contact_id = $3 AND at <= $4
               AND state IN ('queued', 'sending', 'sent', 'unknown')
             ORDER BY at DESC, id DESC LIMIT 1"
        ),
        &[&user, &application_id, &contact_id, &ts("before", before)?],
    )?;
    Ok(list.pop())
}

/// Changes a message's state with `sql` (`$1` the user, `$2` the id, `$3` the moment `at`)
/// when it is in one of `from`; the message after.
pub(super) fn change_state(
    tx: &mut Tx<'_>,
    user: i64,
    id: i64,
    from: &[OutboxState],
    sql: &str,
    at: Option<Timestamp>,
) -> Result<OutboxMessage> {
    let rows = query(
        tx,
        "SELECT state FROM outbox WHERE user_id = $1 AND id = $2 FOR UPDATE",
        &[&user, &id],
    )?;
    let Some(row) = rows.first() else {
        return Err(StoreError::NotFound {
            what: "outbox message",
            id,
        });
    };
    let word: String = row.get(0);
    let state = crate::sql::parse_word::<OutboxState>("outbox.state", &word)?;
    if !from.contains(&state) {
        return Err(StoreError::invalid(
            "state",
            format!(
                "message {id} is {state}; only a message that is {} can be changed so",
                from.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    match at {
        Some(at) => tx.execute(sql, &[&user, &id, &ts("at", at)?]),
        None => tx.execute(sql, &[&user, &id]),
    }
    .map_err(pg_err)?;
    one(tx, user, id)
}

/// [`Store::outbox_cancel`](crate::Store::outbox_cancel), as `user`.
pub(super) fn cancel(tx: &mut Tx<'_>, user: i64, id: i64) -> Result<OutboxMessage> {
    change_state(
        tx,
        user,
        id,
        &[
            OutboxState::Queued,
            OutboxState::Failed,
            OutboxState::Unknown,
        ],
        "UPDATE outbox SET state = 'cancelled' WHERE user_id = $1 AND id = $2",
        None,
    )
}

/// [`Store::outbox_reschedule`](crate::Store::outbox_reschedule), as `user`.
pub(super) fn reschedule(
    tx: &mut Tx<'_>,
    user: i64,
    id: i64,
    at: Timestamp,
) -> Result<OutboxMessage> {
    change_state(
        tx,
        user,
        id,
        &[OutboxState::Queued, OutboxState::Failed],
        "UPDATE outbox SET state = 'queued', at = $3, next_try = $3, first_failure = NULL
          WHERE user_id = $1 AND id = $2",
        Some(at),
    )
}

/// [`Store::outbox_retry`](crate::Store::outbox_retry), as `user`.
pub(super) fn retry(tx: &mut Tx<'_>, user: i64, id: i64, at: Timestamp) -> Result<OutboxMessage> {
    change_state(
        tx,
        user,
        id,
        &[
            OutboxState::Failed,
            OutboxState::Unknown,
            OutboxState::Cancelled,
            OutboxState::Queued,
        ],
        "UPDATE outbox SET state = 'queued', next_try = greatest($3, at), first_failure = NULL
          WHERE user_id = $1 AND id = $2",
        Some(at),
    )
}

/// [`Store::message_id_of_touchpoint`](crate::Store::message_id_of_touchpoint), as
/// `user`.
pub(super) fn message_id_of_touchpoint(
    tx: &mut Tx<'_>,
    user: i64,
    touchpoint_id: i64,
) -> Result<Option<String>> {
    Ok(query(
        tx,
        "SELECT message_id FROM outbox WHERE user_id = $1 AND touchpoint_id = $2",
        &[&user, &touchpoint_id],
    )?
    .first()
    .map(|r| r.get(0)))
}

/// How many messages of every user are due and the earliest moment among them (for
/// `/metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SendCounts {
    /// Queued messages whose moment has come.
    pub due: usize,
    /// The earliest moment among those.
    pub oldest_due: Option<Timestamp>,
    /// Messages being sent now (or left so by a worker that stopped).
    pub sending: usize,
}

impl Pg {
    /// Claims the earliest message due at `now` of any user (only message `only` of
    /// user `only.0`, when given) and marks it `sending`, committed: hand it to the
    /// server next, then mark it with [`Pg::send_sent`] or [`Pg::send_failed`] on this
    /// connection. `None` when nothing is due (or the one asked for is not, or is held
    /// by another worker).
    pub fn claim_send(
        &mut self,
        now: Timestamp,
        only: Option<(i64, i64)>,
    ) -> Result<Option<SendClaim>> {
        let session = self.session()?;
        let now = ts("now", now)?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        // A few candidates, so that one held elsewhere (its lock, or its outbox row
        // being changed by its user) does not hide the rest.
        let picked = match only {
            None => tx.query_typed(
                "SELECT outbox_id, user_id FROM send_queue
                  WHERE state = 'queued' AND next_try <= $1
                  ORDER BY next_try, outbox_id LIMIT 8 FOR UPDATE SKIP LOCKED",
                &[(&now, Type::INT8)],
            ),
            Some((user, id)) => tx.query_typed(
                "SELECT outbox_id, user_id FROM send_queue
                  WHERE state = 'queued' AND next_try <= $1 AND outbox_id = $2
                    AND user_id = $3
                  FOR UPDATE SKIP LOCKED",
                &[(&now, Type::INT8), (&id, Type::INT8), (&user, Type::INT8)],
            ),
        }
        .map_err(pg_err)?;
        for row in &picked {
            let (id, user): (i64, i64) = (row.get(0), row.get(1));
            let (a, b) = super::lock_keys(SEND_LOCK_CLASS, id);
            let locked: bool = tx
                .query_typed_one(
                    "SELECT pg_try_advisory_lock($1, $2)",
                    &[(&a, Type::INT4), (&b, Type::INT4)],
                )
                .map_err(pg_err)?
                .get(0);
            if !locked {
                // Held by a session still marking it (released just before its commit).
                continue;
            }
            let marked = match claim_as_user(&mut tx, user, id, &session) {
                Ok(m) => m,
                Err(e) => {
                    drop(tx);
                    self.unlock(id);
                    return Err(e);
                }
            };
            let Some(m) = marked else {
                if let Err(e) = tx.execute_typed(
                    "SELECT pg_advisory_unlock($1, $2)",
                    &[(&a, Type::INT4), (&b, Type::INT4)],
                ) {
                    drop(tx);
                    self.unlock(id);
                    return Err(pg_err(e));
                }
                continue;
            };
            if let Err(e) = tx.commit() {
                self.unlock(id);
                return Err(pg_err(e));
            }
            return Ok(Some(SendClaim {
                user_id: user,
                message: m,
            }));
        }
        Ok(None)
    }

    /// Records that the server accepted the claimed message at `at` with `reply`, and
    /// logs it as a touchpoint (by email, to its contact) in the same transaction;
    /// releases the claim. The touchpoint's id.
    pub fn send_sent(&mut self, claim: &SendClaim, at: Timestamp, reply: &str) -> Result<i64> {
        let (user, id) = (claim.user_id, claim.message.id);
        let mut tx = self.user_transaction(user)?;
        let rows = tx
            .query_typed(
                &format!("SELECT {COLUMNS} FROM outbox WHERE user_id = $1 AND id = $2 FOR UPDATE"),
                &[(&user, Type::INT8), (&id, Type::INT8)],
            )
            .map_err(pg_err)?;
        let m = match rows.first() {
            Some(row) => message(&mut Cols::new(row))?,
            None => {
                return Err(StoreError::NotFound {
                    what: "outbox message",
                    id,
                })
            }
        };
        if m.state != OutboxState::Sending {
            return Err(claim_lost(id, m.state));
        }
        let mut tp = NewTouchpoint::new(touchpoint_kind(&m.kind), at);
        tp.contact_id = Some(m.contact_id);
        tp.channel = Some(Channel::Email);
        let tid = insert_touchpoint(&mut tx, user, m.application_id, &tp)?;
        let n = tx
            .execute_typed(
                "UPDATE outbox SET state = 'sent', sent_at = $3, reply = $4, error = NULL,
                    touchpoint_id = $5
                  WHERE user_id = $1 AND id = $2 AND state = 'sending'",
                &[
                    (&user, Type::INT8),
                    (&id, Type::INT8),
                    (&ts("at", at)?, Type::INT8),
                    (&reply, Type::TEXT),
                    (&tid, Type::INT8),
                ],
            )
            .map_err(pg_err)?;
        if n != 1 {
            return Err(claim_lost(id, m.state));
        }
        finished(&mut tx, user, id, "sent", at)?;
        release(&mut tx, id)?;
        tx.commit().map_err(pg_err)?;
        Ok(tid)
    }

    /// Records a failure of the claimed message at `at`: `next` is when to try again
    /// (state `queued`), or `None` to stop (state `failed`); releases the claim.
    pub fn send_failed(
        &mut self,
        claim: &SendClaim,
        at: Timestamp,
        error: &str,
        first_failure: Option<Timestamp>,
        next: Option<Timestamp>,
    ) -> Result<()> {
        let (user, id) = (claim.user_id, claim.message.id);
        let mut tx = self.user_transaction(user)?;
        let state = if next.is_some() { "queued" } else { "failed" };
        let n = tx
            .execute_typed(
                "UPDATE outbox SET state = $3, error = $4, first_failure = $5,
                    next_try = coalesce($6, next_try)
                  WHERE user_id = $1 AND id = $2 AND state = 'sending'",
                &[
                    (&user, Type::INT8),
                    (&id, Type::INT8),
                    (&state, Type::TEXT),
                    (&error, Type::TEXT),
                    (&opt_ts("first_failure", first_failure)?, Type::INT8),
                    (&opt_ts("next_try", next)?, Type::INT8),
                ],
            )
            .map_err(pg_err)?;
        if n != 1 {
            let m = one(&mut tx, user, id)?;
            return Err(claim_lost(id, m.state));
        }
        if next.is_none() {
            finished(&mut tx, user, id, "failed", at)?;
        }
        release(&mut tx, id)?;
        tx.commit().map_err(pg_err)?;
        Ok(())
    }

    /// Marks every message left `sending` by a worker that is gone `unknown`, with
    /// `why`, at `now`; returns them as (user, message id). Messages this session holds
    /// are left alone. Also drops the records of messages finished over a week before
    /// `now` ([`Pg::send_figures`]).
    pub fn recover_sends(&mut self, why: &str, now: Timestamp) -> Result<Vec<(i64, i64)>> {
        let session = self.session()?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let rows = tx
            .query(
                "SELECT outbox_id, user_id, session FROM send_queue
                  WHERE state = 'sending' ORDER BY outbox_id FOR UPDATE SKIP LOCKED",
                &[],
            )
            .map_err(pg_err)?;
        let week_ago = ts("now", now)?.saturating_sub(7 * 24 * 3600 * 1_000_000_000);
        tx.execute("DELETE FROM send_done WHERE at < $1", &[&week_ago])
            .map_err(pg_err)?;
        let mut gone = Vec::new();
        for row in &rows {
            let (id, user, held): (i64, i64, Option<String>) = (row.get(0), row.get(1), row.get(2));
            if held.as_deref() == Some(session.as_str()) {
                continue;
            }
            let (a, b) = super::lock_keys(SEND_LOCK_CLASS, id);
            let free: bool = tx
                .query_one("SELECT pg_try_advisory_xact_lock($1, $2)", &[&a, &b])
                .map_err(pg_err)?
                .get(0);
            if free {
                gone.push((user, id));
            }
        }
        if gone.is_empty() {
            return Ok(gone);
        }
        tx.batch_execute(&format!("SET LOCAL ROLE {}", super::USER_ROLE))
            .map_err(pg_err)?;
        let mut marked = Vec::with_capacity(gone.len());
        for &(user, id) in &gone {
            tx.execute(
                "SELECT set_config('followup.user_id', $1, true)",
                &[&user.to_string()],
            )
            .map_err(pg_err)?;
            // A row its user is changing right now (a restore, a deletion) is left
            // for the next round rather than waited for (that change waits for this
            // transaction's lock on `send_queue`).
            let n = tx
                .execute(
                    "UPDATE outbox SET state = 'unknown', error = $3
                      WHERE id = (SELECT id FROM outbox
                                   WHERE user_id = $1 AND id = $2 AND state = 'sending'
                                   FOR UPDATE SKIP LOCKED)",
                    &[&user, &id, &why],
                )
                .map_err(pg_err)?;
            if n == 1 {
                marked.push((user, id));
            }
        }
        tx.batch_execute("RESET ROLE").map_err(pg_err)?;
        for &(user, id) in &marked {
            tx.execute(
                "INSERT INTO send_done (outbox_id, user_id, state, at) VALUES ($1, $2, 'unknown', $3)",
                &[&id, &user, &ts("now", now)?],
            )
            .map_err(pg_err)?;
        }
        tx.commit().map_err(pg_err)?;
        Ok(marked)
    }

    /// Messages of every user due at `now`, the earliest's moment, and how many are
    /// being sent: counted from `send_queue`, no message read.
    pub fn send_counts(&mut self, now: Timestamp) -> Result<SendCounts> {
        let row = self
            .client
            .query_one(
                "SELECT count(*) FILTER (WHERE state = 'queued' AND next_try <= $1),
                        min(next_try) FILTER (WHERE state = 'queued' AND next_try <= $1),
                        count(*) FILTER (WHERE state = 'sending')
                   FROM send_queue",
                &[&ts("now", now)?],
            )
            .map_err(pg_err)?;
        let due: i64 = row.get(0);
        let oldest: Option<i64> = row.get(1);
        let sending: i64 = row.get(2);
        Ok(SendCounts {
            due: usize::try_from(due).unwrap_or(0),
            oldest_due: oldest
                .map(|ns| crate::sql::ts_from("send_queue.next_try", ns))
                .transpose()?,
            sending: usize::try_from(sending).unwrap_or(0),
        })
    }

    /// Messages of every user finished at or after `since`, by state (`sent`, `failed`,
    /// `unknown`), in the order of the states' names.
    pub fn send_figures(&mut self, since: Timestamp) -> Result<Vec<(String, i64)>> {
        Ok(self
            .client
            .query(
                "SELECT state, count(*) FROM send_done WHERE at >= $1 GROUP BY state
                 ORDER BY state",
                &[&ts("since", since)?],
            )
            .map_err(pg_err)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    /// Releases message `id`'s claim lock outside a marking (the claim was not made).
    fn unlock(&mut self, id: i64) {
        let (a, b) = super::lock_keys(SEND_LOCK_CLASS, id);
        let _ = self
            .client
            .execute("SELECT pg_advisory_unlock($1, $2)", &[&a, &b]);
    }
}

/// Marks message `id` of `user` `sending` inside the claiming transaction, as the
/// user, then names the claim's session on its `send_queue` row as the connecting
/// role; the message, or `None` when it is no longer queued or its row is being
/// changed by its user right now (skipped rather than waited for: that change waits
/// for this transaction's lock on `send_queue`, so waiting here could deadlock).
fn claim_as_user(
    tx: &mut Transaction<'_>,
    user: i64,
    id: i64,
    session: &str,
) -> Result<Option<OutboxMessage>> {
    as_user(tx, user)?;
    let rows = tx
        .query_typed(
            &format!(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1
                  WHERE id = (SELECT id FROM outbox
                               WHERE user_id = $1 AND id = $2 AND state = 'queued'
                               FOR UPDATE SKIP LOCKED)
                  RETURNING {COLUMNS}"
            ),
            &[(&user, Type::INT8), (&id, Type::INT8)],
        )
        .map_err(pg_err)?;
    let m = rows
        .first()
        .map(|row| message(&mut Cols::new(row)))
        .transpose()?;
    tx.batch_execute("RESET ROLE").map_err(pg_err)?;
    if m.is_some() {
        tx.execute_typed(
            "UPDATE send_queue SET session = $2 WHERE outbox_id = $1",
            &[(&id, Type::INT8), (&session, Type::TEXT)],
        )
        .map_err(pg_err)?;
    }
    Ok(m)
}

/// Records that message `id` of `user` finished as `state` at `at`, inside its
/// marking transaction, as the connecting role, which owns `send_done`: the last write
/// of the transaction (only the claim's release, which needs no role, and the commit
/// follow), so it does not act as the user again.
fn finished(
    tx: &mut Transaction<'_>,
    user: i64,
    id: i64,
    state: &str,
    at: Timestamp,
) -> Result<()> {
    tx.batch_execute("RESET ROLE").map_err(pg_err)?;
    tx.execute_typed(
        "INSERT INTO send_done (outbox_id, user_id, state, at) VALUES ($1, $2, $3, $4)",
        &[
            (&id, Type::INT8),
            (&user, Type::INT8),
            (&state, Type::TEXT),
            (&ts("at", at)?, Type::INT8),
        ],
    )
    .map_err(pg_err)?;
    Ok(())
}

/// Releases message `id`'s claim lock inside the marking transaction, just before its
/// commit: until then the transaction's lock on the message's `send_queue` row keeps
/// recovery away, and after it the message is no longer `sending`.
fn release(tx: &mut Transaction<'_>, id: i64) -> Result<()> {
    let (a, b) = super::lock_keys(SEND_LOCK_CLASS, id);
    tx.execute_typed(
        "SELECT pg_advisory_unlock($1, $2)",
        &[(&a, Type::INT4), (&b, Type::INT4)],
    )
    .map_err(pg_err)?;
    Ok(())
}

fn claim_lost(id: i64, state: OutboxState) -> StoreError {
    StoreError::invalid(
        "state",
        format!("message {id} is {state}, no longer being sent by this worker"),
    )
}
