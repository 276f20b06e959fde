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
    /// The built-in region it adds to, when one was given at import.
    #[serde(default)]
    pub base: Option<String>,
    /// It holds every holiday itself instead of adding to a region's.
    #[serde(default)]
    pub replaces: bool,
}

/// What a custom calendar's days are to a region's own holidays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum HolidayLayer {
    /// Added to the holidays of the region the front end finds (the default region,
    /// else the one the recipient's zone suggests).
    #[default]
    Adds,
    /// Added to this built-in region's holidays.
    On(String),
    /// The calendar holds every holiday itself (a country not built in).
    Replaces,
}

impl crate::model::HolidayCalendarDays {
    /// Its layer, as kept in a backup.
    pub fn layer(&self) -> HolidayLayer {
        match (&self.base, self.replaces) {
            (_, true) => HolidayLayer::Replaces,
            (Some(b), false) => HolidayLayer::On(b.clone()),
            (None, false) => HolidayLayer::Adds,
        }
    }
}

impl Store {
    /// Creates the calendar `name`, or replaces all its dates, in one transaction. Names
    /// are compared without regard to case; several names on one date are kept.
    pub fn set_holiday_calendar(&mut self, name: &str, days: &[(Date, String)]) -> Result<()> {
        self.set_holiday_calendar_layer(name, days, &HolidayLayer::Adds)
    }

    /// As [`set_holiday_calendar`](Self::set_holiday_calendar), saying what the days
    /// are to a region's own holidays.
    pub fn set_holiday_calendar_layer(
        &mut self,
        name: &str,
        days: &[(Date, String)],
        layer: &HolidayLayer,
    ) -> Result<()> {
        let name = name.trim();
        validate_calendar(name, days, layer)?;
        self.write(|c| insert_calendar(c, name, days, layer))
    }

    /// What the calendar `name` (any case) is to a region's own holidays; `None` when
    /// there is no such calendar.
    pub fn holiday_calendar_layer(&self, name: &str) -> Result<Option<HolidayLayer>> {
        let row: Option<(Option<String>, bool)> = self
            .conn
            .prepare_cached("SELECT base, replaces FROM holiday_calendar WHERE name = ?1")?
            .query_row([name.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.map(|(base, replaces)| match (base, replaces) {
            (_, true) => HolidayLayer::Replaces,
            (Some(b), false) => HolidayLayer::On(b),
            (None, false) => HolidayLayer::Adds,
        }))
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
            "SELECT c.name, count(DISTINCT h.date), min(h.date), max(h.date), c.base,
                    c.replaces
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
                base: row.get(4)?,
                replaces: row.get(5)?,
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
pub(crate) fn validate_calendar(
    name: &str,
    days: &[(Date, String)],
    layer: &HolidayLayer,
) -> Result<()> {
    validate::required_line("holiday calendar name", name)?;
    if let HolidayLayer::On(base) = layer {
        validate::required_line("holiday calendar base", base)?;
    }
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
    layer: &HolidayLayer,
) -> Result<()> {
    insert_calendar_with_id(c, None, name, days, layer)
}

/// [`insert_calendar`], keeping the id `id` when given (a restore) and the name is new.
pub(crate) fn insert_calendar_with_id(
    c: &rusqlite::Connection,
    id: Option<i64>,
    name: &str,
    days: &[(Date, String)],
    layer: &HolidayLayer,
) -> Result<()> {
    let (base, replaces) = match layer {
        HolidayLayer::Adds => (None, false),
        HolidayLayer::On(b) => (Some(b.trim()), false),
        HolidayLayer::Replaces => (None, true),
    };
    let id: i64 = c
        .prepare_cached(
            "INSERT INTO holiday_calendar (id, name, base, replaces) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE SET name = excluded.name, base = excluded.base,
                replaces = excluded.replaces
             RETURNING id",
        )?
        .query_row(params![id, name, base, replaces], |r| r.get(0))?;
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
