//! The one error type of the store.

use std::path::PathBuf;

use rusqlite::ErrorCode;

/// Everything that can go wrong in the store. Each message is one line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The directory that should hold the database could not be created.
    #[error("cannot create directory {}: {source}", path.display())]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },

    /// The file could not be inspected or the pre-migration copy not be put in place.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },

    /// SQLite could not open or set up the file.
    #[error("cannot open database {}: {source}", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },

    /// The file is not a SQLite database at all.
    #[error("{} is not a followup database (not a SQLite file); it was left untouched", path.display())]
    NotSqlite {
        /// The file.
        path: PathBuf,
    },

    /// The file is a SQLite database that belongs to another program.
    #[error(
        "{} is not a followup database (application id {application_id:#010x} instead of {:#010x}, {tables} table(s)); it was left untouched",
        path.display(),
        crate::APPLICATION_ID
    )]
    Foreign {
        /// The file.
        path: PathBuf,
        /// The `PRAGMA application_id` found (0 when none is set).
        application_id: i32,
        /// How many tables the file holds.
        tables: i64,
    },

    /// The file is damaged.
    #[error("database {} is corrupt ({detail}); it was left untouched", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite reported.
        detail: String,
    },

    /// The file was written by a newer version of followup.
    #[error(
        "database {} has schema version {found}, newer than the {supported} this followup knows; upgrade followup",
        path.display()
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// The schema version in the file.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },

    /// The copy taken before a migration could not be written.
    #[error("cannot back up {} to {} before migrating: {reason}", path.display(), backup.display())]
    Backup {
        /// The database file.
        path: PathBuf,
        /// Where the copy was to go.
        backup: PathBuf,
        /// The cause.
        reason: String,
    },

    /// A schema migration failed; the database stays at the previous version.
    #[error("cannot migrate database {} to schema version {version}: {source}", path.display())]
    Migration {
        /// The database file.
        path: PathBuf,
        /// The version that could not be reached.
        version: i64,
        /// The cause.
        source: rusqlite::Error,
    },

    /// Another process held the database for longer than the busy timeout.
    #[error("database is busy: another followup kept it locked for more than {seconds} s")]
    Busy {
        /// The busy timeout.
        seconds: u64,
    },

    /// No record with this id.
    #[error("no {what} with id {id}")]
    NotFound {
        /// "application", "interview", "contact".
        what: &'static str,
        /// The id asked for.
        id: i64,
    },

    /// A value refused before writing.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field, such as `company` or `interviews[1].tz`.
        field: String,
        /// Why.
        reason: String,
    },

    /// A value over its length limit.
    #[error(
        "invalid {field}: {} {chars} characters, at most {max}",
        crate::validate::TOO_LONG
    )]
    TooLong {
        /// The field, such as `company`.
        field: String,
        /// How many characters it has.
        chars: usize,
        /// How many it may have.
        max: usize,
    },

    /// A round added to an application that is no longer active, without reopening it.
    #[error("application {id} is closed ({status})")]
    Closed {
        /// The application.
        id: i64,
        /// Its status: offer, rejected, withdrawn, no-response.
        status: String,
    },

    /// A value that must be unique is already taken.
    #[error("{what} `{value}` is already used")]
    Duplicate {
        /// What must be unique, such as "interview uid".
        what: &'static str,
        /// The value.
        value: String,
    },

    /// A backup written by an unknown version of the format.
    #[error(
        "backup format {found} is not supported (this followup reads formats 1 to {supported})"
    )]
    BackupFormat {
        /// The format in the backup.
        found: u32,
        /// The newest format this build reads, the one it writes.
        supported: u32,
    },

    /// A stored value that this build cannot read (edited by hand, or damaged).
    #[error("stored {column} `{value}` cannot be read: {reason}")]
    Decode {
        /// Table and column, such as "touchpoint.kind".
        column: String,
        /// The stored value.
        value: String,
        /// Why it cannot be read.
        reason: String,
    },

    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    /// The PostgreSQL server could not be reached or refused the connection.
    #[error("cannot reach PostgreSQL at {url}: {reason}")]
    PgConnect {
        /// The URL, without its password.
        url: String,
        /// Why, in the words of the system or the server.
        reason: String,
    },

    /// The PostgreSQL database was migrated by a newer version of followup.
    #[error(
        "PostgreSQL database {url} has schema version {found}, newer than the {supported} this followup knows; upgrade followup"
    )]
    PgTooNew {
        /// The URL, without its password.
        url: String,
        /// The schema version in the database.
        found: i64,
        /// The newest schema version this build knows.
        supported: i64,
    },

    /// The PostgreSQL database holds tables but no followup schema version.
    #[error(
        "PostgreSQL database {url} is not a followup database ({tables} table(s), no followup_schema); it was left untouched"
    )]
    PgForeign {
        /// The URL, without its password.
        url: String,
        /// How many tables its schema holds.
        tables: i64,
    },

    /// A PostgreSQL migration failed; the database stays at the previous version.
    #[error("cannot migrate PostgreSQL database {url} to schema version {version}: {reason}")]
    PgMigration {
        /// The URL, without its password.
        url: String,
        /// The version that could not be reached.
        version: i64,
        /// The server's message.
        reason: String,
    },

    /// Any other PostgreSQL error (the server's message).
    #[error("PostgreSQL error: {0}")]
    Postgres(String),

    /// The system's random source failed.
    #[error("cannot read random bytes from the system: {0}")]
    Random(String),

    /// A digest claim this connection no longer holds (already marked, or taken over
    /// after its session ended).
    #[error("the digest of user {user_id} for {day} is not held by this worker")]
    ClaimLost {
        /// The user.
        user_id: i64,
        /// Their local day.
        day: String,
    },

    /// No account with this e-mail address.
    #[error("no user with e-mail {email}")]
    NoUser {
        /// The address asked for (normalised).
        email: String,
    },
}

impl StoreError {
    /// Whether this is [`StoreError::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            StoreError::NotFound { .. } | StoreError::NoUser { .. }
        )
    }

    /// Whether the input was refused ([`StoreError::Invalid`] or [`StoreError::Duplicate`]).
    pub fn is_invalid(&self) -> bool {
        matches!(
            self,
            StoreError::Invalid { .. }
                | StoreError::TooLong { .. }
                | StoreError::Duplicate { .. }
                | StoreError::Closed { .. }
        )
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy {
                seconds: crate::BUSY_TIMEOUT.as_secs(),
            },
            _ => StoreError::Sqlite(e),
        }
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
