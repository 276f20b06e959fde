//! The answers of requests that carried an idempotency key, per user (schema 1's
//! `idempotency`, under row-level security), with the meaning of the SQLite store's
//! ([`crate::Remembered`]): a request sent again with the same key gets the first
//! answer instead of recording its fact twice.
//!
//! Several server processes may get the same key at once (a double click spread by a
//! load balancer). The first to insert the key's row owns it ([`Pg::claim_key`]): the
//! row is kept with status 0 (pending; no HTTP status is 0) while its request runs, and
//! [`Pg::finish_key`] writes the answer into it, or removes it when the request failed.
//! The others see it pending and ask again a moment later; no connection is held
//! meanwhile, so a burst of keyed requests never waits on the pool for a second one.
//! A pending row older than the caller's `stale_before` (its process stopped mid-way)
//! is taken over.

use jiff::Timestamp;

use super::{pg_err, Pg};
use crate::idempotency::{Remembered, KEY_LIMIT};
use crate::sql::ts;
use crate::{Result, StoreError};

/// What [`Pg::claim_key`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// The key is the caller's: run the request, then [`Pg::finish_key`].
    Mine,
    /// Another request with the key (`request`) is running.
    Pending {
        /// What that request is.
        request: String,
    },
    /// The key's request was answered.
    Done(Remembered),
}

/// The status of a row whose request is still running.
const PENDING: i32 = 0;

impl Pg {
    /// Takes `user`'s `key` for `request` at `at`, unless another request has it
    /// (pending, and not older than `stale_before`) or answered it.
    pub fn claim_key(
        &mut self,
        user: i64,
        key: &str,
        request: &str,
        at: Timestamp,
        stale_before: Timestamp,
    ) -> Result<KeyClaim> {
        if key.is_empty() || key.len() > KEY_LIMIT {
            return Err(StoreError::invalid(
                "idempotency key",
                format!("an idempotency key has 1 to {KEY_LIMIT} characters"),
            ));
        }
        let (at, stale) = (ts("at", at)?, ts("stale_before", stale_before)?);
        let mut tx = self.user_transaction(user)?;
        let mine = tx
            .execute(
                "INSERT INTO idempotency (user_id, key, request, status, body, created_at)
                 VALUES ($1, $2, $3, $4, '', $5) ON CONFLICT DO NOTHING",
                &[&user, &key, &request, &PENDING, &at],
            )
            .map_err(pg_err)?
            == 1
            || tx
                .execute(
                    "UPDATE idempotency SET request = $3, created_at = $5
                      WHERE user_id = $1 AND key = $2 AND status = $4 AND created_at < $6",
                    &[&user, &key, &request, &PENDING, &at, &stale],
                )
                .map_err(pg_err)?
                == 1;
        let claim = if mine {
            KeyClaim::Mine
        } else {
            let r = tx
                .query_one(
                    "SELECT request, status, body FROM idempotency
                      WHERE user_id = $1 AND key = $2",
                    &[&user, &key],
                )
                .map_err(pg_err)?;
            let status: i32 = r.get(1);
            if status == PENDING {
                KeyClaim::Pending { request: r.get(0) }
            } else {
                KeyClaim::Done(Remembered {
                    request: r.get(0),
                    status: u16::try_from(status).unwrap_or(500),
                    body: r.get(2),
                })
            }
        };
        tx.commit().map_err(pg_err)?;
        Ok(claim)
    }

    /// Ends the request that claimed `user`'s `key`: keeps its answer (`status`,
    /// `body`), or with none (it failed) lets the key go, so that it may be sent again.
    /// Answers kept before `forget_before` are forgotten.
    pub fn finish_key(
        &mut self,
        user: i64,
        key: &str,
        answer: Option<(u16, &str)>,
        forget_before: Timestamp,
    ) -> Result<()> {
        let before = ts("forget_before", forget_before)?;
        let mut tx = self.user_transaction(user)?;
        match answer {
            Some((status, body)) => tx
                .execute(
                    "UPDATE idempotency SET status = $4, body = $5
                      WHERE user_id = $1 AND key = $2 AND status = $3",
                    &[&user, &key, &PENDING, &i32::from(status), &body],
                )
                .map_err(pg_err)?,
            None => tx
                .execute(
                    "DELETE FROM idempotency WHERE user_id = $1 AND key = $2 AND status = $3",
                    &[&user, &key, &PENDING],
                )
                .map_err(pg_err)?,
        };
        tx.execute(
            "DELETE FROM idempotency WHERE user_id = $1 AND created_at < $2",
            &[&user, &before],
        )
        .map_err(pg_err)?;
        tx.commit().map_err(pg_err)?;
        Ok(())
    }
}
