//! The answers of requests that carried an idempotency key, per user (schema 1's
//! `idempotency`, under row-level security), with the meaning of the SQLite store's
//! ([`crate::Remembered`]): a request sent again with the same key gets the first
//! answer instead of recording its fact twice.
//!
//! Several server processes may get the same key at once (a double click spread by a
//! load balancer): [`Pg::hold_key`] takes a session-level advisory lock on the user and
//! key, so the second waits for the first and then finds its answer. The lock is the
//! connection's until [`Pg::release_key`], or until the connection ends (a process that
//! stops frees it).

use jiff::Timestamp;

use super::{pg_err, Pg};
use crate::idempotency::{Remembered, KEY_LIMIT};
use crate::sql::ts;
use crate::{Result, StoreError};

impl Pg {
    /// Waits for, then holds, the lock of `user`'s `key` on this connection.
    pub fn hold_key(&mut self, user: i64, key: &str) -> Result<()> {
        self.client
            .execute(
                "SELECT pg_advisory_lock(hashtextextended($1, $2))",
                &[&key, &user],
            )
            .map_err(pg_err)?;
        Ok(())
    }

    /// Lets go of the lock [`Pg::hold_key`] took.
    pub fn release_key(&mut self, user: i64, key: &str) -> Result<()> {
        self.client
            .execute(
                "SELECT pg_advisory_unlock(hashtextextended($1, $2))",
                &[&key, &user],
            )
            .map_err(pg_err)?;
        Ok(())
    }

    /// The answer kept under `user`'s `key`, if any.
    pub fn remembered(&mut self, user: i64, key: &str) -> Result<Option<Remembered>> {
        let mut tx = self.user_transaction(user)?;
        let row = tx
            .query_opt(
                "SELECT request, status, body FROM idempotency WHERE user_id = $1 AND key = $2",
                &[&user, &key],
            )
            .map_err(pg_err)?;
        tx.commit().map_err(pg_err)?;
        Ok(row.map(|r| Remembered {
            request: r.get(0),
            status: u16::try_from(r.get::<_, i32>(1)).unwrap_or(500),
            body: r.get(2),
        }))
    }

    /// Keeps the answer to `user`'s request with `key`, given at `at` (a key kept
    /// already is left as it is), and forgets their answers kept before
    /// `forget_before`.
    pub fn remember(
        &mut self,
        user: i64,
        key: &str,
        answer: &Remembered,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<()> {
        if key.is_empty() || key.len() > KEY_LIMIT {
            return Err(StoreError::invalid(
                "idempotency key",
                format!("an idempotency key has 1 to {KEY_LIMIT} characters"),
            ));
        }
        let (at, before) = (ts("at", at)?, ts("forget_before", forget_before)?);
        let mut tx = self.user_transaction(user)?;
        tx.execute(
            "DELETE FROM idempotency WHERE user_id = $1 AND created_at < $2",
            &[&user, &before],
        )
        .map_err(pg_err)?;
        tx.execute(
            "INSERT INTO idempotency (user_id, key, request, status, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[
                &user,
                &key,
                &answer.request,
                &i32::from(answer.status),
                &answer.body,
                &at,
            ],
        )
        .map_err(pg_err)?;
        tx.commit().map_err(pg_err)?;
        Ok(())
    }
}
