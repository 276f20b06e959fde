//! Opening a database: recognising it, setting up the connection, migrating it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::error::{Result, StoreError};
use crate::Store;

/// `PRAGMA application_id` of a followup database: the bytes `FLUP`.
pub const APPLICATION_ID: i32 = 0x464C_5550;

/// How long a connection waits for another one to release a lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// One schema step, applied in its own transaction.
pub(crate) struct Migration {
    /// The `user_version` after this step.
    pub(crate) version: i64,
    pub(crate) sql: &'static str,
}

/// Every migration, in order; version `n` is at index `n - 1`.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("../migrations/0001_initial.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("../migrations/0002_holidays.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("../migrations/0003_agenda_cache.sql"),
    },
    Migration {
        version: 4,
        sql: include_str!("../migrations/0004_invite_sequence.sql"),
    },
    Migration {
        version: 5,
        sql: include_str!("../migrations/0005_plan_gen_table.sql"),
    },
    Migration {
        version: 6,
        sql: include_str!("../migrations/0006_holiday_base.sql"),
    },
    Migration {
        version: 7,
        sql: include_str!("../migrations/0007_agenda_snapshot.sql"),
    },
    Migration {
        version: 8,
        sql: include_str!("../migrations/0008_idempotency.sql"),
    },
    Migration {
        version: 9,
        sql: include_str!("../migrations/0009_outbox.sql"),
    },
    Migration {
        version: 10,
        sql: include_str!("../migrations/0010_mail_inbox.sql"),
    },
    Migration {
        version: 11,
        sql: include_str!("../migrations/0011_skipped_step.sql"),
    },
    Migration {
        version: 12,
        sql: include_str!("../migrations/0012_accounts.sql"),
    },
    Migration {
        version: 13,
        sql: include_str!("../migrations/0013_outbox_reply_to.sql"),
    },
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// What a file says about itself.
#[derive(Debug, Clone, Copy)]
struct Identity {
    application_id: i32,
    user_version: i64,
    tables: i64,
}

impl Identity {
    fn read(conn: &Connection) -> rusqlite::Result<Identity> {
        conn.query_row(
            "SELECT (SELECT application_id FROM pragma_application_id),
                    (SELECT user_version FROM pragma_user_version),
                    (SELECT count(*) FROM sqlite_schema WHERE type = 'table')",
            [],
            |r| {
                Ok(Identity {
                    application_id: r.get(0)?,
                    user_version: r.get(1)?,
                    tables: r.get(2)?,
                })
            },
        )
    }

    /// Refuse what is not ours or too new; `Ok(true)` when the schema is current.
    fn check(self, path: &Path, latest: i64) -> Result<bool> {
        let ours = self.application_id == APPLICATION_ID;
        let blank = self.application_id == 0 && self.user_version == 0 && self.tables == 0;
        if !ours && !blank {
            return Err(StoreError::Foreign {
                path: path.to_owned(),
                application_id: self.application_id,
                tables: self.tables,
            });
        }
        if self.user_version > latest {
            return Err(StoreError::TooNew {
                path: path.to_owned(),
                found: self.user_version,
                supported: latest,
            });
        }
        Ok(ours && self.user_version == latest)
    }
}

/// Turn an error met while reading a file we do not know yet into the right variant.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotSqlite {
            path: path.to_owned(),
        },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_owned(),
            detail: e.to_string(),
        },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::from(e),
        _ => StoreError::Open {
            path: path.to_owned(),
            source: e,
        },
    }
}

/// Look at an existing file through a read-only connection, which cannot change it
/// (no journal rollback, no checkpoint), and refuse it unless it is ours or blank.
fn probe(path: &Path, latest: i64) -> Result<()> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| classify(path, e))?;
    let id = Identity::read(&conn).map_err(|e| classify(path, e))?;
    id.check(path, latest)?;
    Ok(())
}

/// Whether the file's header (the first 100 bytes, which SQLite documents) says it
/// is a followup database in WAL mode whose schema is not newer than `latest`. Such a
/// file is opened without [`probe`]: it is ours, has no rollback journal to replay,
/// and a newer schema (written by a newer build and not yet copied back from the
/// write-ahead log) is still refused by `migrate`, which reads the identity through
/// the connection before anything is written.
fn header_says_ours(path: &Path, latest: i64) -> bool {
    use std::io::Read;
    let mut h = [0u8; 100];
    if fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut h))
        .is_err()
    {
        return false;
    }
    let be = |at: usize| i32::from_be_bytes([h[at], h[at + 1], h[at + 2], h[at + 3]]);
    &h[..16] == b"SQLite format 3\0"
        && h[18] == 2
        && h[19] == 2
        && be(68) == APPLICATION_ID
        && (1..=latest).contains(&i64::from(be(60)))
}

impl Store {
    /// Open the database at `path`, creating it (and its directory) if needed, and
    /// bring its schema up to date.
    ///
    /// An existing file is first inspected read-only: a file that is not SQLite, a
    /// SQLite database of another program, a damaged database or one written by a newer
    /// followup is refused with its own error and left byte-for-byte as it was. An empty
    /// file, or a SQLite database with no tables and no application id, is taken over.
    ///
    /// Before migrating a database that already holds data, a consistent copy is
    /// written next to it as `<file>.bak-v<old version>` (with `-2`, `-3`, … appended
    /// if that name is taken).
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Self::open_with(path.as_ref(), MIGRATIONS)
    }

    pub(crate) fn open_with(path: &Path, migrations: &[Migration]) -> Result<Store> {
        let latest = migrations.len() as i64;
        let existing = match fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(StoreError::Io {
                    path: path.to_owned(),
                    source: io::Error::other("it is a directory"),
                })
            }
            Ok(m) => m.len() > 0,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => {
                return Err(StoreError::Io {
                    path: path.to_owned(),
                    source: e,
                })
            }
        };
        if existing {
            // Our own file, as its header says, needs no look through a connection of
            // its own first: the connection below changes nothing before `migrate`
            // reads the identity again.
            if !header_says_ours(path, latest) {
                probe(path, latest)?;
            }
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| StoreError::CreateDir {
                path: dir.to_owned(),
                source: e,
            })?;
        }

        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        configure(&conn, true).map_err(|e| classify(path, e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_owned()),
        };
        migrate(&mut store.conn, path, migrations)?;
        Ok(store)
    }

    /// A fresh database in memory, for tests.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        configure(&conn, false)?;
        let mut store = Store { conn, path: None };
        migrate(&mut store.conn, Path::new(":memory:"), MIGRATIONS)?;
        Ok(store)
    }

    /// The file, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version of the open database (always [`SCHEMA_VERSION`] once open).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT user_version FROM pragma_user_version", [], |r| {
                r.get(0)
            })?)
    }
}

/// Connection settings, run on every open.
///
/// * WAL: readers never block the writer and the writer never blocks readers.
/// * `busy_timeout`: a writer waits up to [`BUSY_TIMEOUT`] for another one.
/// * `foreign_keys`: the references between tables are enforced.
/// * `synchronous = FULL`: in WAL mode, every commit is flushed to disk before it
///   returns, so a committed change survives a power cut or an operating system crash,
///   not only a killed process (which `NORMAL` already survives). It costs one flush per
///   write, a few milliseconds, which a tool that writes a handful of rows per command
///   can afford.
/// * Query planner stability (`SQLITE_DBCONFIG_ENABLE_QPSG`): a statement's plan does
///   not depend on the values bound to it. Without it, SQLite marks some statements
///   (`... WHERE application_id = ?1 ORDER BY id`) to be planned again whenever a
///   parameter changes, and since the statement cache clears the bindings of every
///   statement it takes back, such a statement was compiled again on every use: an
///   import re-reading 10,000 interviews spent a quarter of its time there. Our
///   queries have one good plan whatever the values.
fn configure(conn: &Connection, wal: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    if wal {
        // Switching to WAL needs an exclusive lock for a moment; when many processes
        // create the file at once, some see SQLITE_BUSY here without the busy handler.
        let deadline = Instant::now() + BUSY_TIMEOUT;
        loop {
            match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
                Ok(_) => break,
                Err(e)
                    if matches!(
                        e.sqlite_error_code(),
                        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
                    ) && Instant::now() < deadline =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(e),
            }
        }
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Reads straight from the file's pages, mapped, instead of copying each into
    // SQLite's cache first: the agenda reads a few MB of reasons from one blob (a
    // tenth faster over 10,000 applications). Writes still go through the journal as
    // before, so the file is never changed through the mapping.
    conn.pragma_update(None, "mmap_size", MMAP_SIZE)?;
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// How much of the database file reads may map (SQLite's `mmap_size`): larger than
/// any job search's database, which stays in the tens of MB.
const MMAP_SIZE: i64 = 256 << 20;

/// Apply the missing migrations, each in its own `BEGIN IMMEDIATE` transaction.
///
/// The identity is read again inside each transaction, so when several processes open
/// a new file at once exactly one of them creates the schema.
fn migrate(conn: &mut Connection, path: &Path, migrations: &[Migration]) -> Result<()> {
    let latest = migrations.len() as i64;
    // Fast path without the write lock: the schema is usually current.
    if Identity::read(conn)
        .map_err(|e| classify(path, e))?
        .check(path, latest)?
    {
        return Ok(());
    }
    // Only a database that held data when we came is copied, once, before its first step.
    let mut first_step = true;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id = Identity::read(&tx).map_err(|e| classify(path, e))?;
        if id.check(path, latest)? {
            tx.commit()?;
            return Ok(());
        }
        let from = id.user_version;
        if first_step && from > 0 && path != Path::new(":memory:") {
            quick_check(&tx, path)?;
            // This connection holds the write lock, so the copy is exactly the
            // database as it is before the migration.
            backup(path, from)?;
        }
        first_step = false;
        let Some(m) = usize::try_from(from).ok().and_then(|i| migrations.get(i)) else {
            // `check` refused newer versions; a negative version is not ours.
            return Err(StoreError::Foreign {
                path: path.to_owned(),
                application_id: id.application_id,
                tables: id.tables,
            });
        };
        let failed = |source| StoreError::Migration {
            path: path.to_owned(),
            version: m.version,
            source,
        };
        tx.execute_batch(m.sql).map_err(failed)?;
        if from == 0 {
            tx.pragma_update(None, "application_id", APPLICATION_ID)
                .map_err(failed)?;
        }
        tx.pragma_update(None, "user_version", m.version)
            .map_err(failed)?;
        tx.commit().map_err(failed)?;
    }
}

fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let mut problems = Vec::new();
    conn.pragma_query(None, "quick_check", |r| {
        let line: String = r.get(0)?;
        if line != "ok" {
            problems.push(line);
        }
        Ok(())
    })
    .map_err(|e| classify(path, e))?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Corrupt {
            path: path.to_owned(),
            detail: problems.join("; "),
        })
    }
}

/// The first free name among `<file>.bak-v<n>`, `<file>.bak-v<n>-2`, …
pub(crate) fn backup_path(path: &Path, version: i64) -> PathBuf {
    let base = format!("{}.bak-v{version}", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut n = 2;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

/// Copy the database with `VACUUM INTO` (a consistent snapshot, unlike a copy of the
/// file, which may miss what is still in the WAL) to a temporary name, flush it, then
/// rename it into place, so a backup file is always complete.
fn backup(path: &Path, version: i64) -> Result<PathBuf> {
    let target = backup_path(path, version);
    let tmp = PathBuf::from(format!("{}.tmp", target.display()));
    let fail = |reason: String| StoreError::Backup {
        path: path.to_owned(),
        backup: target.clone(),
        reason,
    };
    match fs::remove_file(&tmp) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(fail(e.to_string())),
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let reader = Connection::open_with_flags(path, flags).map_err(|e| fail(e.to_string()))?;
    reader
        .busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| fail(e.to_string()))?;
    let tmp_str = tmp
        .to_str()
        .ok_or_else(|| fail("the path is not valid UTF-8".to_owned()))?;
    reader
        .execute("VACUUM INTO ?1", [tmp_str])
        .map_err(|e| fail(e.to_string()))?;
    drop(reader);
    fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .and_then(|()| fs::rename(&tmp, &target))
        .map_err(|e| fail(e.to_string()))?;
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Make the rename durable; not every platform can open a directory.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: Migration = Migration {
        version: 1,
        sql: "CREATE TABLE t (x INTEGER NOT NULL) STRICT;",
    };
    const V2: Migration = Migration {
        version: 2,
        sql: "ALTER TABLE t ADD COLUMN y TEXT;",
    };
    const V3_BROKEN: Migration = Migration {
        version: 3,
        sql: "CREATE TABLE u (z INTEGER); INSERT INTO nowhere VALUES (1);",
    };

    fn version(path: &Path) -> i64 {
        let c = Connection::open(path).unwrap();
        c.query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn migrations_apply_in_order_and_back_up_first() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub/dir/f.sqlite");
        {
            let s = Store::open_with(&db, &[V1]).unwrap();
            s.conn.execute("INSERT INTO t VALUES (7)", []).unwrap();
        }
        assert!(!dir.path().join("sub/dir/f.sqlite.bak-v1").exists());
        {
            let s = Store::open_with(&db, &[V1, V2]).unwrap();
            s.conn.execute("INSERT INTO t VALUES (8, 'b')", []).unwrap();
        }
        assert_eq!(version(&db), 2);
        // The copy holds the old schema and the old rows.
        let bak = dir.path().join("sub/dir/f.sqlite.bak-v1");
        let c = Connection::open(&bak).unwrap();
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        let id: i32 = c
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        let rows: Vec<i64> = c
            .prepare("SELECT x FROM t")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let cols: i64 = c
            .query_row("SELECT count(*) FROM pragma_table_info('t')", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!((v, id, rows, cols), (1, APPLICATION_ID, vec![7], 1));
        assert!(!dir.path().join("sub/dir/f.sqlite.bak-v1.tmp").exists());
    }

    #[test]
    fn a_failed_migration_keeps_the_previous_version_and_a_second_backup_gets_a_new_name() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.sqlite");
        drop(Store::open_with(&db, &[V1]).unwrap());
        drop(Store::open_with(&db, &[V1, V2]).unwrap());
        let err = Store::open_with(&db, &[V1, V2, V3_BROKEN]).err().unwrap();
        assert!(
            matches!(err, StoreError::Migration { version: 3, .. }),
            "{err}"
        );
        assert_eq!(version(&db), 2);
        let c = Connection::open(&db).unwrap();
        let u: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'u'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(u, 0, "the half-applied step was rolled back");
        assert!(dir.path().join("f.sqlite.bak-v2").exists());
        // Trying again keeps the first copy and writes another.
        let _ = Store::open_with(&db, &[V1, V2, V3_BROKEN]);
        assert!(dir.path().join("f.sqlite.bak-v2-2").exists());
    }

    #[test]
    fn a_version_1_database_gains_holiday_calendars_and_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.sqlite");
        let at: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
        {
            let mut s = Store::open_with(&db, &MIGRATIONS[..1]).unwrap();
            s.add_application(&crate::NewApplication::new("Acme", "Engineer", at))
                .unwrap();
        }
        let mut s = Store::open(&db).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        assert_eq!(s.applications(true).unwrap().len(), 1);
        s.set_holiday_calendar("acme", &[]).unwrap();
        assert_eq!(s.holiday_calendars().unwrap().len(), 1);
        assert!(dir.path().join("f.sqlite.bak-v1").exists());
    }

    #[test]
    fn a_version_4_database_keeps_its_generations_and_cached_plans() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.sqlite");
        let at: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
        let (a, gen) = {
            let mut s = Store::open_with(&db, &MIGRATIONS[..4]).unwrap();
            let a = s
                .add_application(&crate::NewApplication::new("Acme", "Engineer", at))
                .unwrap();
            s.add_interview(a, &crate::NewInterview::new(at, "UTC", 45))
                .unwrap();
            let gen: i64 = s
                .conn
                .query_row("SELECT plan_gen FROM application WHERE id = ?1", [a], |r| {
                    r.get(0)
                })
                .unwrap();
            s.conn
                .execute(
                    "INSERT INTO agenda_cache (application_id, plan_gen, fingerprint) \
                     VALUES (?1, ?2, 'fp')",
                    [a, gen],
                )
                .unwrap();
            (a, gen)
        };
        assert!(gen > 0);
        let mut s = Store::open(&db).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        assert!(dir.path().join("f.sqlite.bak-v4").exists());
        assert_eq!(s.plan_gens().unwrap().get(&a), Some(&gen));
        let cached = s.agenda_cached("fp", false, |_, _, _| true).unwrap();
        assert!(cached.stale.is_empty() && cached.unplanned.is_empty());
        // The new triggers count from there.
        s.add_contact(
            a,
            &crate::model::NewContact::new("Jane Doe", crate::model::ContactRole::Interviewer),
        )
        .unwrap();
        assert_eq!(s.plan_gens().unwrap().get(&a), Some(&(gen + 1)));
        let cached = s.agenda_cached("fp", false, |_, _, _| true).unwrap();
        assert_eq!(cached.stale.len(), 1);
    }

    #[test]
    fn a_cached_statement_is_not_compiled_again_for_new_values() {
        let s = Store::open_in_memory().unwrap();
        let sql = "SELECT id, name, email FROM contact WHERE application_id = ?1 ORDER BY id";
        for id in 1..=5_i64 {
            let mut stmt = s.conn.prepare_cached(sql).unwrap();
            stmt.query_map([id], |r| r.get::<_, i64>(0))
                .unwrap()
                .for_each(drop);
        }
        let stmt = s.conn.prepare_cached(sql).unwrap();
        assert_eq!(
            stmt.get_status(rusqlite::StatementStatus::RePrepare),
            0,
            "planned again for each application id"
        );
    }

    #[test]
    fn only_our_current_files_skip_the_probe() {
        let dir = tempfile::tempdir().unwrap();
        let ours = dir.path().join("ours.sqlite");
        drop(Store::open(&ours).unwrap());
        assert!(header_says_ours(&ours, SCHEMA_VERSION));
        assert!(
            !header_says_ours(&ours, SCHEMA_VERSION - 1),
            "newer than this build"
        );
        let c = Connection::open(&ours).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        assert!(!header_says_ours(&ours, SCHEMA_VERSION));

        let foreign = dir.path().join("foreign.sqlite");
        let c = Connection::open(&foreign).unwrap();
        c.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x); PRAGMA user_version = 1;")
            .unwrap();
        drop(c);
        assert!(!header_says_ours(&foreign, SCHEMA_VERSION));

        let rollback = dir.path().join("rollback.sqlite");
        drop(Store::open(&rollback).unwrap());
        let c = Connection::open(&rollback).unwrap();
        c.pragma_update(None, "journal_mode", "DELETE").unwrap();
        drop(c);
        assert!(
            !header_says_ours(&rollback, SCHEMA_VERSION),
            "not in WAL mode"
        );

        let text = dir.path().join("notes.txt");
        fs::write(&text, "SQLite format 3 is not this").unwrap();
        assert!(!header_says_ours(&text, SCHEMA_VERSION));
        assert!(!header_says_ours(
            &dir.path().join("missing"),
            SCHEMA_VERSION
        ));
    }

    #[test]
    fn a_fresh_file_is_not_backed_up_and_gets_our_id() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("f.sqlite");
        drop(Store::open_with(&db, &[V1, V2]).unwrap());
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.contains(".bak"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
        let c = Connection::open(&db).unwrap();
        let id: i32 = c
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, APPLICATION_ID);
    }
}
