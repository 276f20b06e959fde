//! Custom holiday calendars: a company's closure days, a country not built in. Each is
//! kept by name and becomes a holiday region of that name
//! (`followup_core::calendar::Region::custom`).

use jiff::civil::Date;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};
use crate::validate;
use crate::Store;

/// A custom holiday calendar, summed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {
    /// Its name, as given when it was set.
    pub name: String,
    /// How many dates it holds.
    pub days: usize,
    /// Its first date.
    pub first: Option<Date>,
    /// Its last date.
    pub last: Option<Date>,
}

impl Store {
    /// Creates the calendar `name`, or replaces all its dates, in one transaction. Names
    /// are compared without regard to case; several names on one date are kept.
    pub fn set_holiday_calendar(&mut self, name: &str, days: &[(Date, String)]) -> Result<()> {
        let name = name.trim();
        validate_calendar(name, days)?;
        self.write(|c| insert_calendar(c, name, days))
    }

    /// The dates and names of the calendar `name` (any case), in date order; `None`
    /// when there is no such calendar.
    pub fn holiday_calendar(&self, name: &str) -> Result<Option<Vec<(Date, String)>>> {
        let id: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM holiday_calendar WHERE name = ?1")?
            .query_row([name.trim()], |r| r.get(0))
            .optional()?;
        let Some(id) = id else { return Ok(None) };
        calendar_days(&self.conn, id).map(Some)
    }

    /// Every custom calendar, by name.
    pub fn holiday_calendars(&self) -> Result<Vec<HolidayCalendar>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.name, count(DISTINCT h.date), min(h.date), max(h.date)
             FROM holiday_calendar c LEFT JOIN holiday h ON h.calendar_id = c.id
             GROUP BY c.id ORDER BY c.name COLLATE NOCASE",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let first: Option<String> = row.get(2)?;
            let last: Option<String> = row.get(3)?;
            out.push(HolidayCalendar {
                name: row.get(0)?,
                days: usize::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
                first: first.as_deref().map(parse_date).transpose()?,
                last: last.as_deref().map(parse_date).transpose()?,
            });
        }
        Ok(out)
    }
}

/// The dates and names of the calendar with this id, in date order.
pub(crate) fn calendar_days(c: &rusqlite::Connection, id: i64) -> Result<Vec<(Date, String)>> {
    let mut stmt = c.prepare_cached(
        "SELECT date, name FROM holiday WHERE calendar_id = ?1 ORDER BY date, rowid",
    )?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let d: String = row.get(0)?;
        out.push((parse_date(&d)?, row.get(1)?));
    }
    Ok(out)
}

fn parse_date(s: &str) -> Result<Date> {
    s.parse().map_err(|e: jiff::Error| StoreError::Decode {
        column: "holiday.date".into(),
        value: s.into(),
        reason: e.to_string(),
    })
}

/// Checks a calendar before it is written.
pub(crate) fn validate_calendar(name: &str, days: &[(Date, String)]) -> Result<()> {
    validate::required_line("holiday calendar name", name)?;
    for (i, (_, n)) in days.iter().enumerate() {
        validate::required_line(&format!("holidays[{i}].name"), n)?;
    }
    Ok(())
}

/// Creates the calendar `name` or replaces its dates, inside the caller's transaction.
pub(crate) fn insert_calendar(
    c: &rusqlite::Connection,
    name: &str,
    days: &[(Date, String)],
) -> Result<()> {
    insert_calendar_with_id(c, None, name, days)
}

/// [`insert_calendar`], keeping the id `id` when given (a restore) and the name is new.
pub(crate) fn insert_calendar_with_id(
    c: &rusqlite::Connection,
    id: Option<i64>,
    name: &str,
    days: &[(Date, String)],
) -> Result<()> {
    let id: i64 = c
        .prepare_cached(
            "INSERT INTO holiday_calendar (id, name) VALUES (?1, ?2)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name
             RETURNING id",
        )?
        .query_row(params![id, name], |r| r.get(0))?;
    c.prepare_cached("DELETE FROM holiday WHERE calendar_id = ?1")?
        .execute([id])?;
    let mut insert = c.prepare_cached(
        "INSERT OR IGNORE INTO holiday (calendar_id, date, name) VALUES (?1, ?2, ?3)",
    )?;
    for (date, n) in days {
        insert.execute(params![id, date.to_string(), n.trim()])?;
    }
    Ok(())
}
