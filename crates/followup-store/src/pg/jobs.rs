//! The job queue of the workers: each user's next due moment, and each user's digest
//! once per local day, run by any number of `followup worker` processes on any
//! machines, at most once and never lost.
//!
//! # The schedule: `user_due`
//!
//! One row per user: `next_due` (nanoseconds; NULL when nothing is due) and `day`, the
//! user's local day the digest due then is for. The application derives both from the
//! user's plans and digest hour and keeps them current on every change
//! ([`Pg::set_next_due`], like the agenda cache), so finding who is due is a range scan
//! of the index `user_due_next (next_due, user_id)`, never a re-plan of everyone:
//!
//! ```text
//! EXPLAIN SELECT user_id FROM user_due WHERE next_due <= $1 ORDER BY next_due LIMIT 1000;
//!  Limit
//!    ->  Index Only Scan using user_due_next on user_due
//!          Index Cond: (next_due <= '...'::bigint)
//! ```
//!
//! (1,000,000 users, 10,681 of them due in the same minute: the first 1,000 in 0.3 ms
//! with the round trip, all of them in 1.9 ms, the claim's pick of 100 in 0.4 ms;
//! `scripts/bench_pg_sweep.sh` loads and times them, and prints the plans.)
//!
//! A day whose digest was already dealt with (any state but `waiting`) is never put
//! back on the schedule: [`Pg::set_next_due`] refuses it (returns `false`) under the
//! row's lock, so a change that races a worker's `mark_sent` cannot bring the day back.
//! When [`Pg::set_next_due`] or recovery sets a due moment earlier than it was, a
//! notification is sent on [`JOBS_CHANNEL`] (delivered at commit), which
//! [`Pg::wait_for_jobs`] waits for. The ending of a digest does not notify: the moment
//! it sets is the next day's or a retry minutes away, which the workers' polling finds.
//!
//! # Digests: `digest_run`, one row per user and local day
//!
//! A worker's round:
//!
//! 1. [`Pg::recover_digests`]: claims whose worker is gone are dealt with (below).
//! 2. [`Pg::claim_digests`]: in one transaction, the due users are picked with
//!    `SELECT … FROM user_due WHERE next_due <= $now ORDER BY next_due LIMIT n FOR
//!    UPDATE SKIP LOCKED` (two claimers never wait for each other nor pick the same
//!    row), each gets a `claimed` row for its day, and leaves the schedule (`next_due`
//!    NULL) while it is run, so the next scan does not meet it again.
//! 3. For each claim: compose; nothing to say, [`Pg::mark_nothing`]; else
//!    [`Pg::mark_sending`] just before the SMTP conversation starts, then
//!    [`Pg::mark_sent`], [`Pg::mark_waiting`] (refused before anything was handed
//!    over: tried again at `retry_at`, the day stays open) or [`Pg::mark_failed`]
//!    (refused for good that day). Each ending puts the user back on the schedule,
//!    with the next due moment the caller computed, in the same transaction.
//!
//! Each marking is one statement in a transaction of its own, one round trip: the
//! `sending` mark an `UPDATE`, an ending a call of `followup_digest_end` (schema 8),
//! which also reschedules and releases the claim. Rows are told apart by the server
//! session that holds them, whose name is read once per connection.
//! 4. [`Pg::wait_for_jobs`] until notified or the poll interval passes.
//!
//! # Who holds a claim: session-level advisory locks
//!
//! Row locks last one transaction, a claim as long as its digest takes. Each claim is
//! held by a session-level advisory lock on its user (keys [`DIGEST_LOCK_CLASS`] and
//! the user id), taken inside the claiming transaction (before its rows are visible)
//! and released by the marking transaction that ends it, just before its commit: until
//! then that transaction's lock on the row keeps recovery (`FOR UPDATE SKIP LOCKED`)
//! away from it, and once committed the row is neither `claimed` nor `sending`. The
//! server releases a session's advisory locks when the session ends, however it ends:
//! a worker killed with SIGKILL closes its socket, its server process sees it at once
//! and exits, and its claims are free. So recovery needs no lease and no clock: a row
//! that is `claimed` or `sending` but whose lock can be taken (by a session other than
//! the one named in the row's `session`, as advisory locks are re-entrant) belongs to
//! a session that is gone.
//!
//! * `claimed` with its worker gone: nothing was handed over, so the digest runs again.
//!   The row becomes `waiting` and the user goes back on the schedule at the claim's
//!   due moment ([`Recovered::requeued`]).
//! * `sending` with its worker gone: the server may or may not have accepted the mail.
//!   The row becomes `unknown` and is never sent again ([`Recovered::unknown`]). Report
//!   these, and put each user back on the schedule for their next day
//!   ([`Pg::set_next_due`]): the store cannot compute it.
//!
//! A machine that disappears without closing its sockets keeps its session (and its
//! claims) until the server notices it is gone: the server's `tcp_keepalives_idle`
//! and related settings bound that. Each claim holds one lock until it is marked, so
//! keep `limit` to a few hundred (the server's lock table is sized by
//! `max_locks_per_transaction × max_connections`).
//!
//! # Durability
//!
//! A claim and [`Pg::mark_sending`] are committed as the server is set to (by
//! default, written through to disk before the commit returns): a `sending` lost in a
//! crash of the database server would let the digest go out twice. The endings
//! ([`Pg::mark_sent`], [`Pg::mark_nothing`], [`Pg::mark_failed`],
//! [`Pg::mark_waiting`]) are committed with `synchronous_commit = off`: the commit
//! returns before its record reaches the disk (the server writes it within a fraction
//! of a second), which saves a disk flush per digest (0.2 to 4 ms on the test machine,
//! as much as the rest of a digest's work when its disk is busy). An ending lost in a
//! crash of the database server leaves the row as it was before, durable: `sending`
//! (recovered `unknown`, never sent again) or `claimed` (nothing was handed over: run
//! again). So at most once still holds; such a crash can only turn a `sent` into an
//! `unknown`.
//!
//! # Roles
//!
//! A worker serves every user: `user_due` and `digest_run` are not under row-level
//! security, like the accounts tables, and `followup_user` has no right on them. They
//! are read and written as the connecting role, never inside
//! [`Pg::user_transaction`].
//!
//! The store never reads the clock: every function that records or compares a moment
//! takes `now`.

use std::time::Duration;

use jiff::civil::Date;
use jiff::Timestamp;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::Type;
use postgres::{GenericClient, Transaction};

use super::{pg_err, Pg};
use crate::sql::ts_from;
use crate::{Result, StoreError};

/// The channel a notification goes out on when a user's next due moment is set earlier
/// than it was (the payload: the user's id).
pub const JOBS_CHANNEL: &str = "followup_jobs";

/// The first key of a digest claim's advisory lock ("jobs" in ASCII); the second is the
/// user id's low 32 bits (its high bits are folded into the first).
pub const DIGEST_LOCK_CLASS: i32 = 0x6a6f_6273;

/// The server session running the statement, as `PID@MICROSECONDS-SINCE-EPOCH` of its
/// start: unique over the server's life, unlike the process id alone. Read once per
/// connection ([`Pg::session`]) and passed to the statements that claim, mark and
/// recover.
const SESSION: &str = "(SELECT pid::text || '@' ||
        (extract(epoch FROM backend_start) * 1000000)::bigint::text
   FROM pg_stat_activity WHERE pid = pg_backend_pid())";

/// A user's next due moment and the local day the digest due then is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    /// When.
    pub at: Timestamp,
    /// The user's local day (in their zone) the digest due `at` is for.
    pub day: Date,
}

/// The queue at a moment ([`Pg::queue_figures`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFigures {
    /// Users whose digest is due and not taken by a worker.
    pub due: i64,
    /// The earliest due moment among them.
    pub oldest_due: Option<Timestamp>,
    /// Digests of the days asked for, by state (`sent`, `nothing`, `unknown`...).
    pub by_state: Vec<(String, i64)>,
}

/// One user's digest for one day, claimed by this connection until it is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestClaim {
    /// The user.
    pub user_id: i64,
    /// Their local day.
    pub day: Date,
    /// The due moment it was claimed for.
    pub due_at: Timestamp,
}

/// What [`Pg::recover_digests`] found of claims whose worker is gone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Stopped before the SMTP conversation: back on the schedule, run again.
    pub requeued: Vec<DigestClaim>,
    /// Stopped during it: recorded `unknown`, never sent again; to be reported, and
    /// each user put back on the schedule for their next day.
    pub unknown: Vec<DigestClaim>,
}

/// Where a day's digest stands (`digest_run.state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestState {
    /// A worker holds it and has not begun the SMTP conversation.
    Claimed,
    /// The conversation began.
    Sending,
    /// The server accepted it.
    Sent,
    /// Nothing to say that day: no mail.
    Nothing,
    /// A worker stopped while sending: maybe sent, never sent again.
    Unknown,
    /// Refused for good that day.
    Failed,
    /// Refused before anything was handed over: tried again when due.
    Waiting,
}

impl DigestState {
    /// The word stored.
    pub fn as_str(self) -> &'static str {
        match self {
            DigestState::Claimed => "claimed",
            DigestState::Sending => "sending",
            DigestState::Sent => "sent",
            DigestState::Nothing => "nothing",
            DigestState::Unknown => "unknown",
            DigestState::Failed => "failed",
            DigestState::Waiting => "waiting",
        }
    }

    fn parse(s: &str) -> Result<DigestState> {
        [
            DigestState::Claimed,
            DigestState::Sending,
            DigestState::Sent,
            DigestState::Nothing,
            DigestState::Unknown,
            DigestState::Failed,
            DigestState::Waiting,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| StoreError::Decode {
            column: "digest_run.state".into(),
            value: s.to_string(),
            reason: "not a digest state".into(),
        })
    }
}

/// The record of one user's digest for one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestRun {
    /// The user.
    pub user_id: i64,
    /// Their local day.
    pub day: Date,
    /// Where it stands.
    pub state: DigestState,
    /// The worker that last claimed it.
    pub worker: String,
    /// The due moment it was last claimed for.
    pub due_at: Timestamp,
    /// When it was last claimed.
    pub claimed_at: Timestamp,
    /// When its state last changed.
    pub updated_at: Timestamp,
    /// How many times it was claimed.
    pub attempts: i32,
    /// The message id, the server's answer, or why it failed or was recovered.
    pub detail: String,
}

fn ns(field: &str, t: Timestamp) -> Result<i64> {
    crate::sql::ts(field, t)
}

fn day_from(s: &str) -> Result<Date> {
    s.parse().map_err(|e: jiff::Error| StoreError::Decode {
        column: "day".into(),
        value: s.to_string(),
        reason: e.to_string(),
    })
}

fn lock_arrays(users: &[i64]) -> (Vec<i32>, Vec<i32>) {
    users
        .iter()
        .map(|&u| super::lock_keys(DIGEST_LOCK_CLASS, u))
        .unzip()
}

/// Takes the locks of `users` that no other session holds; the users locked.
fn try_lock(tx: &mut Transaction<'_>, users: &[i64]) -> Result<Vec<i64>> {
    if users.is_empty() {
        return Ok(Vec::new());
    }
    let (a, b) = lock_arrays(users);
    let users = users.to_vec();
    let rows = tx
        .query_typed(
            "SELECT k.u FROM unnest($1::bigint[], $2::int4[], $3::int4[]) AS k(u, a, b)
              WHERE pg_try_advisory_lock(k.a, k.b)",
            &[
                (&users, Type::INT8_ARRAY),
                (&a, Type::INT4_ARRAY),
                (&b, Type::INT4_ARRAY),
            ],
        )
        .map_err(pg_err)?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Releases this session's locks of `users` (once each).
fn unlock(client: &mut impl GenericClient, users: &[i64]) -> Result<()> {
    if users.is_empty() {
        return Ok(());
    }
    let (a, b) = lock_arrays(users);
    client
        .execute_typed(
            "SELECT count(pg_advisory_unlock(k.a, k.b)) FROM unnest($1::int4[], $2::int4[]) AS k(a, b)",
            &[(&a, Type::INT4_ARRAY), (&b, Type::INT4_ARRAY)],
        )
        .map_err(pg_err)?;
    Ok(())
}

/// Puts `user` on the schedule at `due` (or off it) under the row's lock, unless the
/// day's digest was already dealt with; with `notify`, notifies when the moment comes
/// earlier. Whether it was kept. One call of `followup_schedule` (schema 8): one round
/// trip, in `client`'s transaction or its own.
pub(super) fn schedule(
    client: &mut impl GenericClient,
    user: i64,
    due: Option<Due>,
    notify: bool,
) -> Result<bool> {
    let at = due.map(|d| ns("next_due", d.at)).transpose()?;
    let day = due.map(|d| d.day.to_string());
    let row = client
        .query_typed_one(
            "SELECT followup_schedule($1, $2, $3, $4)",
            &[
                (&user, Type::INT8),
                (&at, Type::INT8),
                (&day, Type::TEXT),
                (&notify, Type::BOOL),
            ],
        )
        .map_err(pg_err)?;
    Ok(row.get(0))
}

fn claim_of(row: &postgres::Row) -> Result<DigestClaim> {
    Ok(DigestClaim {
        user_id: row.get("user_id"),
        day: day_from(row.get("day"))?,
        due_at: ts_from("digest_run.due_at", row.get("due_at"))?,
    })
}

impl Pg {
    /// Sets `user`'s next due moment (`None`: nothing due), as computed from their
    /// plans and digest hour after a change. A due moment for a day whose digest was
    /// already dealt with or is under way is not kept: `false` (compute the next day's).
    /// Setting it earlier than it was notifies the workers ([`JOBS_CHANNEL`]).
    pub fn set_next_due(&mut self, user: i64, due: Option<Due>) -> Result<bool> {
        schedule(&mut self.client, user, due, true)
    }

    /// This connection's server session, as the job queue's records name it
    /// (`digest_run.session`): read once, then kept.
    pub(super) fn session(&mut self) -> Result<String> {
        if let Some(s) = &self.session {
            return Ok(s.clone());
        }
        let row = self
            .client
            .query_typed_one(&format!("SELECT {SESSION}"), &[])
            .map_err(pg_err)?;
        let name: Option<String> = row.get(0);
        let name = name.ok_or_else(|| StoreError::Decode {
            column: "pg_stat_activity.backend_start".into(),
            value: "NULL".into(),
            reason: "the server does not show this session's start".into(),
        })?;
        Ok(self.session.insert(name).clone())
    }

    /// Puts every account that has no schedule yet (no `user_due` row: an account just
    /// made by `admin create-user`) on the schedule at `due`, in one statement; how many
    /// were added. Every user shares the server's zone and digest hour, so one moment
    /// serves them all. Accounts already on the schedule (or taken off it) are left as
    /// they are. Notifies the workers ([`JOBS_CHANNEL`]) when any was added.
    pub fn schedule_missing(&mut self, due: Due) -> Result<u64> {
        let at = ns("next_due", due.at)?;
        let day = due.day.to_string();
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let added = tx
            .execute(
                "INSERT INTO user_due (user_id, next_due, day)
                 SELECT u.id, $1, $2 FROM app_user u
                  WHERE NOT EXISTS (SELECT 1 FROM user_due d WHERE d.user_id = u.id)
                  ORDER BY u.id
                 ON CONFLICT (user_id) DO NOTHING",
                &[&at, &day],
            )
            .map_err(pg_err)?;
        if added > 0 {
            tx.execute("SELECT pg_notify($1, '')", &[&JOBS_CHANNEL])
                .map_err(pg_err)?;
        }
        tx.commit().map_err(pg_err)?;
        Ok(added)
    }

    /// The e-mail addresses of the accounts among `users` (an account deleted since is
    /// left out).
    pub fn emails(&mut self, users: &[i64]) -> Result<Vec<(i64, String)>> {
        let rows = self
            .client
            .query(
                "SELECT id, email::text FROM app_user WHERE id = ANY($1)",
                &[&users],
            )
            .map_err(pg_err)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// `user`'s next due moment, if any.
    pub fn next_due(&mut self, user: i64) -> Result<Option<Due>> {
        let row = self
            .client
            .query_opt(
                "SELECT next_due, day FROM user_due WHERE user_id = $1 AND next_due IS NOT NULL",
                &[&user],
            )
            .map_err(pg_err)?;
        row.map(|r| {
            Ok(Due {
                at: ts_from("user_due.next_due", r.get(0))?,
                day: day_from(r.get(1))?,
            })
        })
        .transpose()
    }

    /// What a scrape of `/metrics` shows of the queue at `now`: how many users are
    /// due and not taken, since when the oldest waits, and the digests of the local
    /// days from `since` on, by state.
    pub fn queue_figures(&mut self, now: Timestamp, since: Date) -> Result<QueueFigures> {
        let at = ns("now", now)?;
        let row = self
            .client
            .query_one(
                "SELECT count(*), min(next_due) FROM user_due WHERE next_due <= $1",
                &[&at],
            )
            .map_err(pg_err)?;
        let (due, oldest): (i64, Option<i64>) = (row.get(0), row.get(1));
        let oldest_due = oldest
            .map(|ns| crate::sql::ts_from("user_due.next_due", ns))
            .transpose()?;
        let by_state = self
            .client
            .query(
                "SELECT state, count(*) FROM digest_run WHERE day >= $1 GROUP BY state
                 ORDER BY state",
                &[&since.to_string()],
            )
            .map_err(pg_err)?
            .iter()
            .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1)))
            .collect();
        Ok(QueueFigures {
            due,
            oldest_due,
            by_state,
        })
    }

    /// The users due at or before `now`, earliest first, at most `limit` (a range scan
    /// of the index on `next_due`). A user whose digest is being run is not among them.
    pub fn due_users(&mut self, now: Timestamp, limit: i64) -> Result<Vec<i64>> {
        let now = ns("now", now)?;
        let rows = self
            .client
            .query(
                "SELECT user_id FROM user_due WHERE next_due <= $1 ORDER BY next_due LIMIT $2",
                &[&now, &limit],
            )
            .map_err(pg_err)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// Claims the digests of at most `limit` users due at or before `now`, earliest
    /// first, for `worker` (a name for the reports: host and process). Rows another
    /// claimer is picking are skipped, not waited for. Each claim is held by this
    /// connection until it is marked (see the module's documentation).
    pub fn claim_digests(
        &mut self,
        now: Timestamp,
        worker: &str,
        limit: i64,
    ) -> Result<Vec<DigestClaim>> {
        let at = ns("now", now)?;
        let session = self.session()?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        // The same index as due_users; a day already dealt with is passed over (it
        // cannot be put back by set_next_due, so this is only a safeguard).
        let rows = tx
            .query_typed(
                "SELECT d.user_id FROM user_due d
                  WHERE d.next_due <= $1
                    AND NOT EXISTS (SELECT 1 FROM digest_run r
                                     WHERE r.user_id = d.user_id AND r.day = d.day
                                       AND r.state <> 'waiting')
                  ORDER BY d.next_due
                  LIMIT $2
                  FOR UPDATE OF d SKIP LOCKED",
                &[(&at, Type::INT8), (&limit, Type::INT8)],
            )
            .map_err(pg_err)?;
        let picked: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        // Session locks outlive the transaction, even its rollback: released on error.
        let locked = try_lock(&mut tx, &picked)?;
        let claimed = (|| -> Result<Vec<DigestClaim>> {
            let rows = tx
                .query_typed(
                    "INSERT INTO digest_run AS r (user_id, day, state, worker, session,
                                                  due_at, claimed_at, updated_at)
                     SELECT d.user_id, d.day, 'claimed', $2, $4, d.next_due, $3, $3
                       FROM user_due d WHERE d.user_id = ANY($1)
                     ON CONFLICT (user_id, day) DO UPDATE
                        SET state = 'claimed', worker = EXCLUDED.worker,
                            session = EXCLUDED.session, due_at = EXCLUDED.due_at,
                            claimed_at = EXCLUDED.claimed_at,
                            updated_at = EXCLUDED.updated_at,
                            attempts = r.attempts + 1
                      WHERE r.state = 'waiting'
                     RETURNING r.user_id, r.day, r.due_at",
                    &[
                        (&locked, Type::INT8_ARRAY),
                        (&worker, Type::TEXT),
                        (&at, Type::INT8),
                        (&session, Type::TEXT),
                    ],
                )
                .map_err(pg_err)?;
            let claims = rows.iter().map(claim_of).collect::<Result<Vec<_>>>()?;
            let users: Vec<i64> = claims.iter().map(|c| c.user_id).collect();
            tx.execute_typed(
                "UPDATE user_due SET next_due = NULL, day = NULL WHERE user_id = ANY($1)",
                &[(&users, Type::INT8_ARRAY)],
            )
            .map_err(pg_err)?;
            Ok(claims)
        })();
        let claims = match claimed {
            Ok(c) => c,
            Err(e) => {
                drop(tx);
                let _ = unlock(&mut self.client, &locked);
                return Err(e);
            }
        };
        if let Err(e) = tx.commit() {
            let _ = unlock(&mut self.client, &locked);
            return Err(pg_err(e));
        }
        let not_claimed: Vec<i64> = locked
            .iter()
            .copied()
            .filter(|u| !claims.iter().any(|c| c.user_id == *u))
            .collect();
        unlock(&mut self.client, &not_claimed)?;
        Ok(claims)
    }

    /// Deals with the claims of workers that are gone (their session ended): one
    /// stopped before the SMTP conversation runs again, one stopped during it is
    /// recorded `unknown` (see the module's documentation).
    pub fn recover_digests(&mut self, now: Timestamp) -> Result<Recovered> {
        let at = ns("now", now)?;
        let session = self.session()?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let rows = tx
            .query_typed(
                "SELECT user_id, day, state, due_at FROM digest_run
                  WHERE state IN ('claimed', 'sending')
                    AND session IS DISTINCT FROM $1
                  FOR UPDATE SKIP LOCKED",
                &[(&session, Type::TEXT)],
            )
            .map_err(pg_err)?;
        let found = rows
            .iter()
            .map(|r| Ok((claim_of(r)?, r.get::<_, String>("state"))))
            .collect::<Result<Vec<_>>>()?;
        let users: Vec<i64> = found.iter().map(|(c, _)| c.user_id).collect();
        let locked = try_lock(&mut tx, &users)?;
        let recovered = (|| -> Result<Recovered> {
            let mut out = Recovered::default();
            for (claim, state) in &found {
                if !locked.contains(&claim.user_id) {
                    continue; // its worker is alive
                }
                let day = claim.day.to_string();
                if state == "claimed" {
                    tx.execute(
                        "UPDATE digest_run SET state = 'waiting', session = NULL, updated_at = $3,
                                detail = 'its worker stopped before sending: run again'
                          WHERE user_id = $1 AND day = $2",
                        &[&claim.user_id, &day, &at],
                    )
                    .map_err(pg_err)?;
                    schedule(
                        &mut tx,
                        claim.user_id,
                        Some(Due {
                            at: claim.due_at,
                            day: claim.day,
                        }),
                        true,
                    )?;
                    out.requeued.push(*claim);
                } else {
                    tx.execute(
                        "UPDATE digest_run SET state = 'unknown', session = NULL, updated_at = $3,
                                detail = btrim(detail || ' its worker stopped while handing it \
                                               over: maybe sent; not sent again')
                          WHERE user_id = $1 AND day = $2",
                        &[&claim.user_id, &day, &at],
                    )
                    .map_err(pg_err)?;
                    out.unknown.push(*claim);
                }
            }
            Ok(out)
        })();
        let recovered = match recovered {
            Ok(r) => r,
            Err(e) => {
                drop(tx);
                let _ = unlock(&mut self.client, &locked);
                return Err(e);
            }
        };
        let committed = tx.commit().map_err(pg_err);
        unlock(&mut self.client, &locked)?;
        committed?;
        Ok(recovered)
    }

    /// Records that the SMTP conversation of `claim` is about to start (`detail`: the
    /// message id). From now on a stop leaves it `unknown`, never sent again.
    pub fn mark_sending(
        &mut self,
        claim: &DigestClaim,
        now: Timestamp,
        detail: &str,
    ) -> Result<()> {
        let at = ns("now", now)?;
        let session = self.session()?;
        let day = claim.day.to_string();
        // One statement, its own transaction: committed (durably, see "Durability")
        // when it returns.
        let n = self
            .client
            .execute_typed(
                "UPDATE digest_run SET state = 'sending', updated_at = $4, detail = $5
                  WHERE user_id = $1 AND day = $2 AND state = 'claimed' AND session = $3",
                &[
                    (&claim.user_id, Type::INT8),
                    (&day, Type::TEXT),
                    (&session, Type::TEXT),
                    (&at, Type::INT8),
                    (&detail, Type::TEXT),
                ],
            )
            .map_err(pg_err)?;
        if n == 0 {
            return Err(claim_lost(claim));
        }
        Ok(())
    }

    /// Records that the server accepted `claim`'s mail (`detail`: the message id and
    /// its answer) and puts the user back on the schedule at `next` (their next day's
    /// digest), in one transaction; the claim is released.
    pub fn mark_sent(
        &mut self,
        claim: &DigestClaim,
        now: Timestamp,
        detail: &str,
        next: Option<Due>,
    ) -> Result<()> {
        self.finish(
            claim,
            now,
            &["claimed", "sending"],
            DigestState::Sent,
            detail,
            next,
        )
    }

    /// Records that `claim`'s day had nothing to say (no mail) and puts the user back
    /// on the schedule at `next`; the claim is released.
    pub fn mark_nothing(
        &mut self,
        claim: &DigestClaim,
        now: Timestamp,
        next: Option<Due>,
    ) -> Result<()> {
        self.finish(claim, now, &["claimed"], DigestState::Nothing, "", next)
    }

    /// Records that `claim`'s mail was refused for good that day (`detail`: why) and
    /// puts the user back on the schedule at `next`; the claim is released.
    pub fn mark_failed(
        &mut self,
        claim: &DigestClaim,
        now: Timestamp,
        detail: &str,
        next: Option<Due>,
    ) -> Result<()> {
        self.finish(
            claim,
            now,
            &["claimed", "sending"],
            DigestState::Failed,
            detail,
            next,
        )
    }

    /// Records that `claim`'s mail was refused before anything was handed over
    /// (`detail`: why): the day stays open and the user is due again at `retry_at`;
    /// the claim is released.
    pub fn mark_waiting(
        &mut self,
        claim: &DigestClaim,
        now: Timestamp,
        detail: &str,
        retry_at: Timestamp,
    ) -> Result<()> {
        let retry = Due {
            at: retry_at,
            day: claim.day,
        };
        self.finish(
            claim,
            now,
            &["claimed", "sending"],
            DigestState::Waiting,
            detail,
            Some(retry),
        )
    }

    fn finish(
        &mut self,
        claim: &DigestClaim,
        now: Timestamp,
        from: &[&str],
        to: DigestState,
        detail: &str,
        next: Option<Due>,
    ) -> Result<()> {
        if to != DigestState::Waiting && next.is_some_and(|n| n.day == claim.day) {
            return Err(StoreError::invalid(
                "next_due",
                format!("{} is the day just dealt with", claim.day),
            ));
        }
        let at = ns("now", now)?;
        let session = self.session()?;
        let day = claim.day.to_string();
        let from = from.to_vec();
        let next_at = next.map(|n| ns("next_due", n.at)).transpose()?;
        let next_day = next.map(|n| n.day.to_string());
        let (key_a, key_b) = super::lock_keys(DIGEST_LOCK_CLASS, claim.user_id);
        // One statement, its own transaction, not waited for on disk (see
        // "Durability"); the claim's lock released in it.
        let ended: bool = self
            .client
            .query_typed_one(
                "SELECT followup_digest_end($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                &[
                    (&claim.user_id, Type::INT8),
                    (&day, Type::TEXT),
                    (&from, Type::TEXT_ARRAY),
                    (&to.as_str(), Type::TEXT),
                    (&session, Type::TEXT),
                    (&at, Type::INT8),
                    (&detail, Type::TEXT),
                    (&next_at, Type::INT8),
                    (&next_day, Type::TEXT),
                    (&key_a, Type::INT4),
                    (&key_b, Type::INT4),
                ],
            )
            .map_err(pg_err)?
            .get(0);
        if !ended {
            return Err(claim_lost(claim));
        }
        Ok(())
    }

    /// The record of `user`'s digest for `day`, if one was claimed.
    pub fn digest_run(&mut self, user: i64, day: Date) -> Result<Option<DigestRun>> {
        let row = self
            .client
            .query_opt(
                "SELECT user_id, day, state, worker, due_at, claimed_at, updated_at, attempts,
                        detail
                   FROM digest_run WHERE user_id = $1 AND day = $2",
                &[&user, &day.to_string()],
            )
            .map_err(pg_err)?;
        row.map(|r| {
            Ok(DigestRun {
                user_id: r.get("user_id"),
                day: day_from(r.get("day"))?,
                state: DigestState::parse(r.get("state"))?,
                worker: r.get("worker"),
                due_at: ts_from("digest_run.due_at", r.get("due_at"))?,
                claimed_at: ts_from("digest_run.claimed_at", r.get("claimed_at"))?,
                updated_at: ts_from("digest_run.updated_at", r.get("updated_at"))?,
                attempts: r.get("attempts"),
                detail: r.get("detail"),
            })
        })
        .transpose()
    }

    /// Starts listening on [`JOBS_CHANNEL`] (once per connection, before the first
    /// [`Pg::wait_for_jobs`]).
    pub fn listen_jobs(&mut self) -> Result<()> {
        self.client
            .batch_execute(&format!("LISTEN {JOBS_CHANNEL}"))
            .map_err(pg_err)
    }

    /// Waits at most `timeout` for a notification on [`JOBS_CHANNEL`] (polling is the
    /// fallback: run a round either way); whether one came. Every notification already
    /// received is consumed.
    pub fn wait_for_jobs(&mut self, timeout: Duration) -> Result<bool> {
        let mut notifications = self.client.notifications();
        let came = notifications
            .timeout_iter(timeout)
            .next()
            .map_err(pg_err)?
            .is_some();
        while notifications.iter().next().map_err(pg_err)?.is_some() {}
        Ok(came)
    }
}

/// The error of a marking whose claim this session does not hold.
fn claim_lost(claim: &DigestClaim) -> StoreError {
    StoreError::ClaimLost {
        user_id: claim.user_id,
        day: claim.day.to_string(),
    }
}
