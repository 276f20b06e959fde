//! The answers of requests that carried an idempotency key (schema 8): a request sent
//! again with the same key gets the first answer instead of recording its fact twice.

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

use crate::error::{Result, StoreError};
use crate::sql::ts;
use crate::Store;

/// The longest key kept.
pub const KEY_LIMIT: usize = 200;

/// The first answer given to a request with an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    /// The request it answered ("POST /api/applications/1/replies").
    pub request: String,
    /// Its HTTP status.
    pub status: u16,
    /// Its body (or, for a redirect, where it led).
    pub body: String,
}

impl Store {
    /// The answer kept under `key`, if any.
    pub fn remembered(&self, key: &str) -> Result<Option<Remembered>> {
        Ok(self
            .conn
            .prepare_cached("SELECT request, status, body FROM idempotency WHERE key = ?1")?
            .query_row([key], |r| {
                Ok(Remembered {
                    request: r.get(0)?,
                    status: u16::try_from(r.get::<_, i64>(1)?).unwrap_or(500),
                    body: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// Keeps the answer to the request with `key`, given at `at` (a key kept already is
    /// left as it is), and forgets those kept before `forget_before`.
    pub fn remember(
        &mut self,
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
        self.write(|c| {
            c.prepare_cached("DELETE FROM idempotency WHERE created_at < ?1")?
                .execute([before])?;
            c.prepare_cached(
                "INSERT OR IGNORE INTO idempotency (key, request, status, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                key,
                answer.request,
                i64::from(answer.status),
                answer.body,
                at
            ])?;
            Ok(())
        })
    }
}
