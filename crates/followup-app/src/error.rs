//! The one error type of the CLI: every variant prints as one line.

use std::path::PathBuf;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value given on the command line, in the environment or a file is wrong.
    #[error("{0}")]
    Input(String),
    /// What the request names does not exist (an application, contact, note or skip
    /// by its id or name in the path).
    #[error("{0}")]
    NotFound(String),
    /// Not possible in the current state (no sender profile yet, a closed
    /// application, a proposal already dismissed).
    #[error("{0}")]
    Conflict(String),
    /// A value over its limit: a field too long, too many events in one import.
    #[error("{0}")]
    TooLarge(String),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `followup check` found errors in the message (exit 1, as a compiler would).
    #[error("{0}")]
    Findings(String),
    /// The database could not be used.
    #[error("{0}")]
    Store(String),
    /// Writing the output failed (a closed pipe is not an error).
    /// A feature this database does not offer (yet): the PostgreSQL backend serves
    /// the job search's facts and agenda, not yet mail, the outbox or imports.
    #[error("{0}")]
    Unsupported(String),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

/// What kind of refusal or failure an [`Error`] is: what a front end answers it with
/// (the web server's HTTP status), without reading its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input: a value that cannot be read or is not allowed.
    Input,
    /// What was named does not exist.
    NotFound,
    /// Not possible in the current state.
    Conflict,
    /// A value over its limit.
    TooLarge,
    /// The checker found errors in a message.
    Findings,
    /// Not offered by this backend (the server answers 501).
    Unsupported,
    /// Something on this machine failed (files, the database, the output).
    Internal,
}

impl Error {
    /// A bad-input error from anything printable.
    pub fn input(msg: impl std::fmt::Display) -> Error {
        Error::Input(msg.to_string())
    }

    /// A "no such thing" error from anything printable.
    pub fn not_found(msg: impl std::fmt::Display) -> Error {
        Error::NotFound(msg.to_string())
    }

    /// A "not in this state" error from anything printable.
    pub fn conflict(msg: impl std::fmt::Display) -> Error {
        Error::Conflict(msg.to_string())
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Input(_) | Error::Read { .. } => ErrorKind::Input,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::TooLarge(_) => ErrorKind::TooLarge,
            Error::Findings(_) => ErrorKind::Findings,
            Error::Unsupported(_) => ErrorKind::Unsupported,
            Error::Output(_) | Error::Write { .. } | Error::Store(_) => ErrorKind::Internal,
        }
    }

    /// A thing named in a request body rather than its path: not finding it is a wrong
    /// value of that field (bad input), not a missing resource.
    pub fn in_body(self) -> Error {
        match self {
            Error::NotFound(m) => Error::Input(m),
            e => e,
        }
    }

    /// 2 for bad input (of any kind), 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self.kind() {
            ErrorKind::Input | ErrorKind::NotFound | ErrorKind::Conflict | ErrorKind::TooLarge => 2,
            ErrorKind::Findings | ErrorKind::Unsupported | ErrorKind::Internal => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An optional word (`--round final`) parsed into its enumeration; an unknown word is
/// bad input.
pub fn parse_word<T: std::str::FromStr>(v: Option<&str>) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    v.map(|s| s.parse::<T>().map_err(Error::input)).transpose()
}

impl From<followup_store::StoreError> for Error {
    fn from(e: followup_store::StoreError) -> Self {
        crate::ctx::store_err(e)
    }
}
