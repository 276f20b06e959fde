//! The PostgreSQL schema's migrations: compiled in, applied in order, each in its own
//! transaction under an advisory lock, the version kept in `followup_schema`.

use postgres::{Client, Transaction};

use super::pg_err;
use crate::{Result, StoreError};

/// The migrations, in order: the one at index `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations-pg/0001_accounts_and_facts.sql"),
    include_str!("../../migrations-pg/0002_plan_gen.sql"),
    include_str!("../../migrations-pg/0003_jobs.sql"),
    include_str!("../../migrations-pg/0004_sign_in_and_secrets.sql"),
    include_str!("../../migrations-pg/0005_digest_run_by_day.sql"),
    include_str!("../../migrations-pg/0006_user_settings.sql"),
    include_str!("../../migrations-pg/0007_feed.sql"),
    include_str!("../../migrations-pg/0008_digest_marks.sql"),
    include_str!("../../migrations-pg/0009_send_queue.sql"),
    include_str!("../../migrations-pg/0010_mail_read.sql"),
];

/// The newest PostgreSQL schema version this build knows.
pub const PG_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The key of the transaction-scoped advisory lock every opener takes before looking
/// at the schema version ("followup" in ASCII). Advisory locks belong to one database.
pub const MIGRATION_LOCK: i64 = 0x666f_6c6c_6f77_7570;

/// Locks, makes sure the version table exists, reads the version. A database without
/// one that holds tables belongs to something else: refused, left as it was.
fn locked_version(tx: &mut Transaction<'_>, url: &str) -> Result<i64> {
    tx.batch_execute(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        .map_err(pg_err)?;
    let row = tx
        .query_one(
            "SELECT to_regclass('followup_schema') IS NOT NULL,
                    (SELECT count(*) FROM pg_tables WHERE schemaname = current_schema())",
            &[],
        )
        .map_err(pg_err)?;
    let (ours, tables): (bool, i64) = (row.get(0), row.get(1));
    if !ours && tables > 0 {
        return Err(StoreError::PgForeign {
            url: url.to_string(),
            tables,
        });
    }
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS followup_schema (
             one     boolean PRIMARY KEY DEFAULT true CHECK (one),
             version bigint  NOT NULL CHECK (version >= 0)
         );
         INSERT INTO followup_schema (version) VALUES (0) ON CONFLICT DO NOTHING;",
    )
    .map_err(pg_err)?;
    let row = tx
        .query_one("SELECT version FROM followup_schema", &[])
        .map_err(pg_err)?;
    Ok(row.get(0))
}

/// Brings the database to [`PG_SCHEMA_VERSION`]; returns the version found first.
pub(super) fn migrate(client: &mut Client, url: &str) -> Result<i64> {
    let mut first = None;
    loop {
        let mut tx = client.transaction().map_err(pg_err)?;
        let found = locked_version(&mut tx, url)?;
        first.get_or_insert(found);
        if found > PG_SCHEMA_VERSION {
            return Err(StoreError::PgTooNew {
                url: url.to_string(),
                found,
                supported: PG_SCHEMA_VERSION,
            });
        }
        if found == PG_SCHEMA_VERSION {
            tx.commit().map_err(pg_err)?;
            return Ok(first.unwrap_or(found));
        }
        let version = found + 1;
        let failed = |e: postgres::Error| StoreError::PgMigration {
            url: url.to_string(),
            version,
            reason: match e.as_db_error() {
                Some(db) => db.message().to_string(),
                None => e.to_string(),
            },
        };
        tx.batch_execute(MIGRATIONS[found as usize])
            .map_err(failed)?;
        tx.execute("UPDATE followup_schema SET version = $1", &[&version])
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
}

/// The version, without migrating (0 when the database has no version table).
pub(super) fn version(client: &mut Client) -> Result<i64> {
    let exists: bool = client
        .query_one("SELECT to_regclass('followup_schema') IS NOT NULL", &[])
        .map_err(pg_err)?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let row = client
        .query_one("SELECT coalesce(max(version), 0) FROM followup_schema", &[])
        .map_err(pg_err)?;
    Ok(row.get(0))
}
