//! Conversions between records and SQL values.

use jiff::civil::Date;
use jiff::Timestamp;
use rusqlite::Row;

use crate::error::{Result, StoreError};
use crate::model::{
    Channel, CompanyType, ContactRole, NoteKind, Outcome, Round, Seniority, Status, TouchpointKind,
};
use crate::outbox::OutboxState;

/// An enumeration stored as its word.
pub(crate) trait Word: Copy + 'static {
    fn all() -> &'static [Self];
    fn word(self) -> &'static str;
}

macro_rules! core_word {
    ($($t:ty),*) => {$(
        impl Word for $t {
            fn all() -> &'static [Self] {
                <$t>::ALL
            }
            fn word(self) -> &'static str {
                self.as_str()
            }
        }
    )*};
}
core_word!(
    CompanyType,
    Seniority,
    Round,
    Channel,
    Status,
    TouchpointKind,
    Outcome,
    ContactRole,
    NoteKind,
    OutboxState
);

/// Nanoseconds since the Unix epoch; instants outside 1677..2262 are refused.
pub(crate) fn ts(field: &str, t: Timestamp) -> Result<i64> {
    i64::try_from(t.as_nanosecond()).map_err(|_| {
        StoreError::invalid(
            field,
            format!("{t} is out of range (years 1678 to 2261 are stored)"),
        )
    })
}

pub(crate) fn opt_ts(field: &str, t: Option<Timestamp>) -> Result<Option<i64>> {
    t.map(|t| ts(field, t)).transpose()
}

pub(crate) fn date(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

pub(crate) fn word<T: Word>(v: Option<T>) -> Option<&'static str> {
    v.map(Word::word)
}

/// The columns of one row, read in order: what each backend's row gives (SQLite's
/// [`Cols`], PostgreSQL's in `pg::facts`), and the values of the model made from them,
/// the same on both ([`crate::rows`]).
pub(crate) trait Columns {
    fn int(&mut self) -> Result<i64>;
    fn opt_int(&mut self) -> Result<Option<i64>>;
    fn boolean(&mut self) -> Result<bool>;
    fn text(&mut self) -> Result<String>;
    fn opt_text(&mut self) -> Result<Option<String>>;
    /// A count of minutes (an `INTEGER` in SQLite, an `int4` in PostgreSQL).
    fn minutes(&mut self) -> Result<i64>;
    /// The next column's text, or none, handed to `f` without a copy.
    fn with_opt_str<R>(&mut self, f: impl FnOnce(Option<&str>) -> Result<R>) -> Result<R>;

    fn ts(&mut self, column: &'static str) -> Result<Timestamp> {
        let ns = self.int()?;
        ts_from(column, ns)
    }

    fn opt_ts(&mut self, column: &'static str) -> Result<Option<Timestamp>> {
        self.opt_int()?.map(|ns| ts_from(column, ns)).transpose()
    }

    fn opt_date(&mut self, column: &'static str) -> Result<Option<Date>> {
        self.with_opt_str(|s| match s {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|e: jiff::Error| StoreError::Decode {
                    column: column.to_owned(),
                    value: s.to_owned(),
                    reason: e.to_string(),
                }),
        })
    }

    fn word<T: Word>(&mut self, column: &'static str) -> Result<T> {
        self.with_opt_str(|s| match s {
            Some(s) => parse_word(column, s),
            None => Err(StoreError::Decode {
                column: column.to_owned(),
                value: "NULL".to_owned(),
                reason: "a value is required".to_owned(),
            }),
        })
    }

    fn opt_word<T: Word>(&mut self, column: &'static str) -> Result<Option<T>> {
        self.with_opt_str(|s| s.map(|s| parse_word(column, s)).transpose())
    }
}

/// Reads the columns of one SQLite row in order.
pub(crate) struct Cols<'r, 's> {
    row: &'r Row<'s>,
    next: usize,
}

impl<'r, 's> Cols<'r, 's> {
    pub(crate) fn new(row: &'r Row<'s>) -> Self {
        Cols { row, next: 0 }
    }

    fn idx(&mut self) -> usize {
        let i = self.next;
        self.next += 1;
        i
    }

    /// The text, borrowed from the row.
    pub(crate) fn str(&mut self) -> Result<&'r str> {
        let i = self.idx();
        Ok(self.row.get_ref(i)?.as_str()?)
    }
}

impl Columns for Cols<'_, '_> {
    fn int(&mut self) -> Result<i64> {
        let i = self.idx();
        Ok(self.row.get_ref(i)?.as_i64()?)
    }

    fn opt_int(&mut self) -> Result<Option<i64>> {
        let i = self.idx();
        Ok(self.row.get_ref(i)?.as_i64_or_null()?)
    }

    fn boolean(&mut self) -> Result<bool> {
        Ok(self.int()? != 0)
    }

    fn text(&mut self) -> Result<String> {
        Ok(self.str()?.to_owned())
    }

    fn opt_text(&mut self) -> Result<Option<String>> {
        self.with_opt_str(|s| Ok(s.map(str::to_owned)))
    }

    fn minutes(&mut self) -> Result<i64> {
        self.int()
    }

    fn with_opt_str<R>(&mut self, f: impl FnOnce(Option<&str>) -> Result<R>) -> Result<R> {
        let i = self.idx();
        f(self.row.get_ref(i)?.as_str_or_null()?)
    }
}

pub(crate) fn ts_from(column: &'static str, ns: i64) -> Result<Timestamp> {
    Timestamp::from_nanosecond(i128::from(ns)).map_err(|e| StoreError::Decode {
        column: column.to_owned(),
        value: ns.to_string(),
        reason: e.to_string(),
    })
}

pub(crate) fn parse_word<T: Word>(column: &'static str, s: &str) -> Result<T> {
    T::all()
        .iter()
        .copied()
        .find(|v| v.word() == s)
        .ok_or_else(|| StoreError::Decode {
            column: column.to_owned(),
            value: s.to_owned(),
            reason: format!(
                "expected one of: {}",
                T::all()
                    .iter()
                    .map(|v| v.word())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

impl From<rusqlite::types::FromSqlError> for StoreError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        StoreError::Decode {
            column: "a column".to_owned(),
            value: String::new(),
            reason: e.to_string(),
        }
    }
}
