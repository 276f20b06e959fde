//! PostgreSQL storage for many users: the connection, its migrations, row-level
//! security and accounts ([`Pg`]).
//!
//! One PostgreSQL database holds every user's facts (the tables of the SQLite schema,
//! each row with its `user_id`) and the accounts that own them (`app_user`, `session`,
//! `api_token`, `one_time_link`). This is the foundation of the hosted service: one
//! user's core facts are read and written through [`UserStore`] (the [`Facts`](crate::Facts) trait);
//! the outbox is there too, sent for every user by the workers ([`sends`]); the rest
//! of the store (agenda cache, mail reading...) still runs on SQLite only. The
//! workers' job queue (each user's next due moment, each day's digest claimed exactly
//! once) is in [`jobs`], whose documentation tells how workers claim and recover.
//! Each user's calendar feed keeps only which generation of its address is in force and
//! what it last served ([`Pg::renew_feed`], [`Pg::feed_served`]; no secret).
//!
//! # Schema and migrations
//!
//! Versioned SQL files (`migrations-pg/`) are compiled in and applied on
//! [`Pg::open`], in order, each in its own transaction; the version reached is the
//! one row of `followup_schema`. Every opener first takes a transaction-scoped advisory
//! lock ([`MIGRATION_LOCK`]), so two processes opening one database at once never both
//! migrate: the second waits and then finds the work done. A database whose version is
//! newer than this build is refused ([`StoreError::PgTooNew`]), naming the URL without
//! its password; so is one that holds tables but no `followup_schema`
//! ([`StoreError::PgForeign`]: another program's), which is left as it was.
//!
//! # Row-level security
//!
//! Every table of facts has row-level security enabled *and forced* (its owner is held
//! to it too) with one policy: a row is visible and writable only when its `user_id`
//! equals the transaction's setting `followup.user_id`; with no setting, no row is.
//! Superusers and roles with `BYPASSRLS` ignore policies even when forced, and the
//! connecting role may be either (the tests connect as `postgres`). So the migration
//! makes a role `followup_user` (`NOLOGIN NOBYPASSRLS`, granted to the connecting role
//! and given only the rights it needs on the tables of facts), and every transaction
//! that reads or writes a user's data, [`Pg::user_transaction`], starts with
//!
//! ```sql
//! SET LOCAL ROLE followup_user;
//! SELECT set_config('followup.user_id', '<id>', true);
//! ```
//!
//! Both end with the transaction, so a connection returned to a pool carries neither.
//! A query that forgets its `WHERE user_id = …` still sees only that user's rows, and
//! an insert under another user's id is refused. The accounts tables are not under
//! row-level security (sign-in reads them before any user is known) and
//! `followup_user` has no right on them. References between tables carry the user
//! (`(user_id, application_id)` → `application (user_id, id)`), because foreign key
//! checks bypass row-level security.
//!
//! # Secrets
//!
//! Passwords are kept as argon2id hashes (the `argon2` crate's default parameters);
//! sessions, API tokens and one-time links as the SHA-256 of a random 32-byte token.
//! A token is returned once, when made, and never stored, printed or logged; nor is a
//! password or a hash. Errors carry the server's message only, never the values.
//!
//! The store never reads the clock: every method that records or compares a moment
//! takes `now`.

mod account_store;
mod accounts;
mod facts;
mod feed;
mod idempotency;
pub mod jobs;
mod mail;
mod migrate;
mod pool;
pub mod sends;
mod settings;

use std::time::Duration;

use postgres::NoTls;
pub use postgres::{Client, Transaction};

use crate::{Result, StoreError};

pub use accounts::{
    normalise_email, token_hash, CreatedUser, DeletedUser, Link, LinkPurpose, User, UserSummary,
    API_TOKEN_PREFIX, SESSION_TTL, SIGNUP_LINK_TTL,
};
pub use facts::UserStore;
pub use idempotency::KeyClaim;
pub use jobs::{
    DigestClaim, DigestRun, DigestState, Due, QueueFigures, Recovered, DIGEST_LOCK_CLASS,
    JOBS_CHANNEL,
};
pub use mail::MAIL_SYNC_LOCK_CLASS;
pub use migrate::{MIGRATION_LOCK, PG_SCHEMA_VERSION};
pub use pool::{pool, PgManager, PgPool, PooledPg, POOL_WAIT};
pub use sends::{SendClaim, SendCounts, SEND_LOCK_CLASS};
pub use settings::{Recipient, SavedSettings};

/// The role every transaction of user data takes (`SET LOCAL ROLE`).
pub const USER_ROLE: &str = "followup_user";

/// How long connecting may take before it is given up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// One connection to a followup PostgreSQL database, migrated to this build's schema.
pub struct Pg {
    client: Client,
    url: String,
    /// The server session's name in the job queue's records, read once
    /// ([`jobs`]: who holds a claim).
    session: Option<String>,
}

impl std::fmt::Debug for Pg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pg").field("url", &self.url).finish()
    }
}

/// Whether `db` is a PostgreSQL URL (`postgres://` or `postgresql://`).
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

impl Pg {
    /// Connects to `url` (`postgres://user[:password]@host[:port]/database`) and brings
    /// its schema to this build's version; a newer schema is refused.
    pub fn open(url: &str) -> Result<Pg> {
        let mut pg = Pg::connect(url)?;
        migrate::migrate(&mut pg.client, &pg.url)?;
        Ok(pg)
    }

    /// Connects without migrating (tests, and a look at a database's version).
    pub fn connect(url: &str) -> Result<Pg> {
        let shown = redact(url);
        let mut config: postgres::Config =
            url.parse()
                .map_err(|e: postgres::Error| StoreError::PgConnect {
                    url: shown.clone(),
                    reason: format!("not a PostgreSQL URL ({})", connect_reason(&e)),
                })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("followup");
        }
        let client = config.connect(NoTls).map_err(|e| StoreError::PgConnect {
            url: shown.clone(),
            reason: connect_reason(&e),
        })?;
        Ok(Pg {
            client,
            url: shown,
            session: None,
        })
    }

    /// The URL, without its password.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The schema version of the database (0: not a followup database yet).
    pub fn schema_version(&mut self) -> Result<i64> {
        migrate::version(&mut self.client)
    }

    /// A transaction as `user`: role [`USER_ROLE`] and `followup.user_id` set for its
    /// length, so row-level security shows and accepts only that user's rows.
    pub fn user_transaction(&mut self, user: i64) -> Result<Transaction<'_>> {
        let mut tx = self.client.transaction().map_err(pg_err)?;
        as_user(&mut tx, user)?;
        Ok(tx)
    }

    /// The connection itself, as the connecting role (no user set: the tables of
    /// facts show nothing to a role held to row-level security).
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// Takes the user role and sets the user for the rest of `tx`.
pub(crate) fn as_user(tx: &mut Transaction<'_>, user: i64) -> Result<()> {
    // One round trip for both.
    tx.batch_execute(&as_user_sql(user)).map_err(pg_err)?;
    Ok(())
}

/// The statements that take the user role and set the user for the rest of the
/// transaction (the id is a number, written by us: nothing to quote).
pub(crate) fn as_user_sql(user: i64) -> String {
    format!("SET LOCAL ROLE {USER_ROLE}; SELECT set_config('followup.user_id', '{user}', true)")
}

/// `url` without its password (in the user part or a `password=` parameter).
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority_end, _) = rest
        .char_indices()
        .find(|&(_, c)| c == '/' || c == '?')
        .unwrap_or((rest.len(), ' '));
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|p| !p.to_ascii_lowercase().starts_with("password="))
                .collect();
            if kept.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// Why connecting failed, in plain words: "connection refused", or the server's
/// message ("database \"x\" does not exist").
fn connect_reason(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            let text = io.to_string();
            let text = match text.find(" (os error") {
                Some(i) => &text[..i],
                None => &text,
            };
            return lower_first(text);
        }
        source = s.source();
    }
    let text = e.to_string();
    lower_first(
        text.strip_prefix("error connecting to server: ")
            .unwrap_or(&text),
    )
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A PostgreSQL error as the store's: the server's message (never its detail, which
/// may quote a stored value), or the client's.
/// The two keys of an advisory lock on `id` of the kind `class` (the lock classes of
/// [`jobs`], [`sends`] and the mailbox reads): `id`'s high 32 bits folded into the
/// class, its low 32 bits.
pub(crate) fn lock_keys(class: i32, id: i64) -> (i32, i32) {
    let [a, b, c, d, e, f, g, h] = id.to_be_bytes();
    (
        class ^ i32::from_be_bytes([a, b, c, d]),
        i32::from_be_bytes([e, f, g, h]),
    )
}

pub(crate) fn pg_err(e: postgres::Error) -> StoreError {
    match e.as_db_error() {
        Some(db) => StoreError::Postgres(db.message().to_string()),
        None => StoreError::Postgres(lower_first(&e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_left_out_of_urls() {
        assert_eq!(
            redact("postgres://sam:s3cret@db.example:5432/followup"),
            "postgres://sam@db.example:5432/followup"
        );
        assert_eq!(
            redact("postgresql://sam:p%40ss@h/db?sslmode=disable&password=x"),
            "postgresql://sam@h/db?sslmode=disable"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(redact("postgres://h/db?password=x"), "postgres://h/db");
    }
}
