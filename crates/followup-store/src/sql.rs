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

/// Reads the columns of one row in order.
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

    pub(crate) fn int(&mut self) -> Result<i64> {
        let i = self.idx();
        Ok(self.row.get_ref(i)?.as_i64()?)
    }

    pub(crate) fn opt_int(&mut self) -> Result<Option<i64>> {
        let i = self.idx();
        Ok(self.row.get_ref(i)?.as_i64_or_null()?)
    }

    pub(crate) fn boolean(&mut self) -> Result<bool> {
        Ok(self.int()? != 0)
    }

    pub(crate) fn text(&mut self) -> Result<String> {
        let i = self.idx();
        Ok(self.row.get_ref(i)?.as_str()?.to_owned())
    }

    /// The text, borrowed from the row.
    pub(crate) fn str(&mut self) -> Result<&'r str> {
        let i = self.idx();
        Ok(self.row.get_ref(i)?.as_str()?)
    }

    pub(crate) fn opt_text(&mut self) -> Result<Option<String>> {
        let i = self.idx();
        Ok(self.row.get_ref(i)?.as_str_or_null()?.map(str::to_owned))
    }

    pub(crate) fn ts(&mut self, column: &'static str) -> Result<Timestamp> {
        let ns = self.int()?;
        ts_from(column, ns)
    }

    pub(crate) fn opt_ts(&mut self, column: &'static str) -> Result<Option<Timestamp>> {
        self.opt_int()?.map(|ns| ts_from(column, ns)).transpose()
    }

    pub(crate) fn opt_date(&mut self, column: &'static str) -> Result<Option<Date>> {
        let i = self.idx();
        match self.row.get_ref(i)?.as_str_or_null()? {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|e: jiff::Error| StoreError::Decode {
                    column: column.to_owned(),
                    value: s.to_owned(),
                    reason: e.to_string(),
                }),
        }
    }

    pub(crate) fn word<T: Word>(&mut self, column: &'static str) -> Result<T> {
        let i = self.idx();
        let s = self.row.get_ref(i)?.as_str()?;
        parse_word(column, s)
    }

    pub(crate) fn opt_word<T: Word>(&mut self, column: &'static str) -> Result<Option<T>> {
        let i = self.idx();
        match self.row.get_ref(i)?.as_str_or_null()? {
            None => Ok(None),
            Some(s) => parse_word(column, s).map(Some),
        }
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
