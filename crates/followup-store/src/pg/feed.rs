//! Each user's calendar feed on PostgreSQL (`calendar_feed`, schema 7): which
//! generation of its address is in force, and what the feed last served.
//!
//! No secret is kept: the address is made by the server from the user, the generation
//! and a secret of the server's (a MAC), so a row says only whether the feed is on and
//! which generation opens it. Renewing raises the generation (every older address stops
//! working); turning the feed off keeps the generation, so turning it on again gives
//! an address never given before.
//!
//! The feed's `Last-Modified` is kept here too, so that every process answers the same
//! ([`Pg::feed_served`]): the tag of the calendar last served and when it was first
//! served. Each method runs in one transaction as the user (row-level security).

use jiff::Timestamp;

use super::{pg_err, Pg};
use crate::sql::{ts, ts_from};
use crate::Result;

/// One second in the nanoseconds `modified` is kept in: a changed calendar is at least
/// this much later than the one before (HTTP dates count whole seconds).
const SECOND: i64 = 1_000_000_000;

impl Pg {
    /// The generation of `user`'s feed address while the feed is on; `None` while it
    /// is off (or was never turned on).
    pub fn feed_generation(&mut self, user: i64) -> Result<Option<i64>> {
        let mut tx = self.user_transaction(user)?;
        let rows = tx
            .query(
                "SELECT generation FROM calendar_feed WHERE user_id = $1 AND enabled",
                &[&user],
            )
            .map_err(pg_err)?;
        tx.commit().map_err(pg_err)?;
        Ok(rows.first().map(|r| r.get(0)))
    }

    /// Turns `user`'s feed on with a generation never used before (the first, or the
    /// one after the last): every older address stops working. Returns it.
    pub fn renew_feed(&mut self, user: i64) -> Result<i64> {
        let mut tx = self.user_transaction(user)?;
        let row = tx
            .query_one(
                "INSERT INTO calendar_feed (user_id, generation, enabled) VALUES ($1, 1, true)
                 ON CONFLICT (user_id) DO UPDATE
                    SET generation = calendar_feed.generation + 1, enabled = true
                 RETURNING generation",
                &[&user],
            )
            .map_err(pg_err)?;
        tx.commit().map_err(pg_err)?;
        Ok(row.get(0))
    }

    /// Turns `user`'s feed off: no address opens it until it is renewed.
    pub fn feed_off(&mut self, user: i64) -> Result<()> {
        let mut tx = self.user_transaction(user)?;
        tx.execute(
            "UPDATE calendar_feed SET enabled = false WHERE user_id = $1",
            &[&user],
        )
        .map_err(pg_err)?;
        tx.commit().map_err(pg_err)
    }

    /// The feed of `user` served a calendar tagged `etag` at `now`: when that calendar
    /// was first served (its `Last-Modified`), by whichever process. A tag other than
    /// the last one is recorded at `now`, or a second after the last one's moment if
    /// that is later (clocks of two processes differ), so the answer never goes back.
    /// `None` when the user has no feed.
    ///
    /// While the tag stays the same this reads only; two processes recording the same
    /// new tag at once record it once (the second finds it done).
    pub fn feed_served(
        &mut self,
        user: i64,
        etag: &str,
        now: Timestamp,
    ) -> Result<Option<Timestamp>> {
        let now = ts("now", now)?;
        let mut tx = self.user_transaction(user)?;
        let read = "SELECT etag, modified FROM calendar_feed WHERE user_id = $1";
        let rows = tx.query(read, &[&user]).map_err(pg_err)?;
        let Some(row) = rows.first() else {
            tx.commit().map_err(pg_err)?;
            return Ok(None);
        };
        let (tag, modified): (Option<String>, Option<i64>) = (row.get(0), row.get(1));
        let at = match (tag.as_deref() == Some(etag), modified) {
            (true, Some(at)) => at,
            _ => {
                let changed = tx
                    .query(
                        "UPDATE calendar_feed
                            SET etag = $2, modified = greatest(modified + $4, $3)
                          WHERE user_id = $1 AND etag IS DISTINCT FROM $2
                         RETURNING modified",
                        &[&user, &etag, &now, &SECOND],
                    )
                    .map_err(pg_err)?;
                match changed.first() {
                    Some(r) => r.get(0),
                    // Another process recorded this tag meanwhile: its moment holds.
                    None => tx
                        .query_one(read, &[&user])
                        .map_err(pg_err)?
                        .get::<_, Option<i64>>(1)
                        .unwrap_or(now),
                }
            }
        };
        tx.commit().map_err(pg_err)?;
        Ok(Some(ts_from("modified", at)?))
    }
}
