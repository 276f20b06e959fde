//! Connections to one PostgreSQL database kept open for reuse ([`PgPool`]), as the
//! server and the workers want: every request takes one, runs its transactions as
//! its user, and gives it back.
//!
//! The pool is [`r2d2`]'s (well kept, synchronous like the `postgres` client, with
//! health checks and a size limit), over a manager that connects as [`Pg::connect`]
//! does. The schema is migrated once, when the pool is made ([`pool`]), not on every
//! connection.
//!
//! A connection holds no user between uses: the user's role and id are set per
//! transaction ([`Pg::user_transaction`]) and end with it.
//!
//! ```no_run
//! use followup_store::pg::{pool, UserStore};
//! use followup_store::Facts;
//!
//! let pool = pool("postgres://postgres@127.0.0.1/followup", 8)?;
//! let mut facts = UserStore::new(pool.get_pg()?, 42);
//! # let _ = &mut facts;
//! let (open, closed) = facts.application_counts()?;
//! # Ok::<(), followup_store::StoreError>(())
//! ```

use std::time::Duration;

use super::Pg;
use crate::{Result, StoreError};

/// Makes [`Pg`] connections for [`r2d2`].
#[derive(Debug, Clone)]
pub struct PgManager {
    url: String,
}

impl r2d2::ManageConnection for PgManager {
    type Connection = Pg;
    type Error = StoreError;

    fn connect(&self) -> Result<Pg> {
        Pg::connect(&self.url)
    }

    fn is_valid(&self, conn: &mut Pg) -> Result<()> {
        conn.client
            .simple_query("")
            .map(|_| ())
            .map_err(super::pg_err)
    }

    fn has_broken(&self, conn: &mut Pg) -> bool {
        conn.client.is_closed()
    }
}

/// A pool of connections to one database ([`pool`]).
#[derive(Clone)]
pub struct PgPool {
    pool: r2d2::Pool<PgManager>,
    /// The URL without its password, for messages.
    url: String,
    /// The URL as given, for [`PgPool::connect_own`]; never shown.
    full: String,
}

impl std::fmt::Debug for PgPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgPool").field("url", &self.url).finish()
    }
}

/// A connection from a [`PgPool`]; it goes back when dropped.
pub type PooledPg = r2d2::PooledConnection<PgManager>;

/// How long taking a connection from a full pool may wait.
pub const POOL_WAIT: Duration = Duration::from_secs(10);

/// A pool of at most `size` connections to `url`, whose schema is first brought to
/// this build's version ([`Pg::open`]; a newer schema is refused).
pub fn pool(url: &str, size: u32) -> Result<PgPool> {
    // Migrates, and shows a connection problem plainly before any pool exists.
    let first = Pg::open(url)?;
    let shown = first.url().to_string();
    drop(first);
    let pool = r2d2::Pool::builder()
        .max_size(size.max(1))
        .min_idle(Some(0))
        .connection_timeout(POOL_WAIT)
        // A dead connection shows as closed (`has_broken`) or fails its statement;
        // no extra round trip on every checkout.
        .test_on_check_out(false)
        .error_handler(Box::new(r2d2::NopErrorHandler))
        .build(PgManager {
            url: url.to_string(),
        })
        .map_err(|e| StoreError::PgConnect {
            url: shown.clone(),
            reason: e.to_string(),
        })?;
    Ok(PgPool {
        pool,
        url: shown,
        full: url.to_string(),
    })
}

impl PgPool {
    /// A connection of its own to the pool's database, outside the pool (not counted
    /// in its size, closed when dropped): for a claim, which is a lock of the
    /// connection's session and must end with it however its user ends.
    pub fn connect_own(&self) -> Result<Pg> {
        Pg::connect(&self.full)
    }

    /// A connection, waiting at most [`POOL_WAIT`] for one to be free.
    pub fn get_pg(&self) -> Result<PooledPg> {
        self.pool.get().map_err(|e| StoreError::PgConnect {
            url: self.url.clone(),
            reason: format!("no connection free or made in time ({e})"),
        })
    }

    /// The URL, without its password.
    pub fn url(&self) -> &str {
        &self.url
    }
}
