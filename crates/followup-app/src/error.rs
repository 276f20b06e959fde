//! The one error type of the CLI: every variant prints as one line.

use std::path::PathBuf;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value given on the command line, in the environment or a file is wrong.
    #[error("{0}")]
    Input(String),
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
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
}

impl Error {
    /// A bad-input error from anything printable.
    pub fn input(msg: impl std::fmt::Display) -> Error {
        Error::Input(msg.to_string())
    }

    /// 2 for bad input, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Read { .. } => 2,
            Error::Output(_) | Error::Write { .. } | Error::Store(_) | Error::Findings(_) => 1,
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
