//! Business-day arithmetic on civil dates (rule T8).
//!
//! Rule T8: waits count business days where the rule says so, and weekends and the
//! public holidays of the **recipient's** region are skipped. A business day is a
//! weekday (Monday to Friday) that is not a public holiday of the region.
//!
//! # Regions
//!
//! A [`Region`] is a public-holiday calendar. The built-in ones are selected by a code
//! (parsed case-insensitively, so `us-ca` works): a country such as `US`, `GB`, `DE`
//! or `JP`, or one of its subdivisions as `COUNTRY-SUB` (`US-CA`, `GB-SCT`, `DE-BY`,
//! `AU-NSW`, `CA-QC`, `ES-CT`, `IT-MI`, ...). [`Region::supported`] lists every code.
//! A country's calendar holds its nationwide holidays; a subdivision's holds what
//! applies there (for the United States, the federal holidays as the state observes
//! them plus the state's own). A user's own list, for example one imported from an
//! `.ics` file, becomes a region with [`Region::custom`] and works the same way.
//!
//! # Data
//!
//! The built-in tables come from the Python package
//! [`holidays`](https://pypi.org/project/holidays/), **pinned at 0.108**
//! (`scripts/requirements.txt`), for the years 2000 to 2060 inclusive
//! ([`Region::covers`]); outside them only weekends are skipped. They hold the package's
//! default (public) category with English names where the package offers them, so
//! an explanation can say "Christmas Day". Dates the package marks as estimated (some
//! lunar holidays) are kept as it gives them, "(estimated)" in the name included.
//!
//! Substitute and observed days are ordinary entries with their own names, exactly as
//! the package gives them: in the United States Christmas 2021 fell on a Saturday, so
//! Friday 2021-12-24 is "Christmas Day (observed)"; Japan's "Substitute Holiday" and
//! Scotland's "Saint Andrew's Day (substitute)" work the same way. No rule is applied
//! here on top of the data. When two holidays share a date, their names are joined
//! with `"; "`, as the package does.
//!
//! The data lives in `crates/followup-core/data/holidays.txt`, compiled into the crate
//! and parsed once, on first use (one region at a time); nothing is read at run time.
//! To regenerate it:
//!
//! ```text
//! pip install -r scripts/requirements.txt
//! python3 scripts/gen_holidays.py           # rewrite the data file
//! python3 scripts/gen_holidays.py --check   # fail if it is stale
//! ```
//!
//! The test `tests/holidays_vs_python.rs` compares every region and every year with
//! the package itself.
//!
//! ## Format of `holidays.txt`
//!
//! Line-based UTF-8; lines starting with `#` are comments.
//!
//! - `N <name>`: the name table; the k-th `N` line (counting from 0) is name `k`.
//! - `R <code> <parent or -> <display name>`: starts a region. A country's records
//!   list its holidays; a subdivision's records list only its differences from its
//!   country.
//! - `+<k> <tokens>`: the region has holiday name `k` on these dates.
//! - `-<k> <tokens>`: (subdivisions) the country's holiday `k` on these dates does not
//!   apply here. A holiday with another name on the same date is a `-` plus a `+`.
//!
//! `<tokens>` walk the years from 2000: `^n` skips `n` years; `MMDD[,MMDD...][*k]`
//! gives the month-days in each of `k` (default 1) consecutive years and then moves on
//! `k` years. So `^1 1225*3 0101,1231` is 25 December 2001 to 2003, then 1 January and
//! 31 December 2004.
//!
//! # Never panics
//!
//! The business-day functions work on the whole of jiff's date range. Where a result
//! would lie past its end (9999-12-31), they return that last date instead.

mod holidays;

use std::fmt;
use std::sync::Arc;

use jiff::civil::{Date, Weekday};
use jiff::Span;

/// A public-holiday calendar for one country or subdivision, or a custom list.
///
/// Cheap to clone: a built-in region is an index into the compiled-in tables and a
/// custom one is shared behind an [`Arc`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Region(Inner);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Inner {
    /// Index into the built-in tables.
    Builtin(u16),
    /// A user-supplied list.
    Custom(Arc<Custom>),
}

#[derive(PartialEq, Eq, Hash)]
struct Custom {
    name: String,
    /// Sorted by date, one entry per date.
    days: Vec<(Date, String)>,
}

/// The region code is not one this build knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown region `{0}` (use a code such as US, US-CA, GB-SCT, DE-BY or JP; \
     {n} codes are supported, see Region::supported)",
    n = holidays::table().regions().len()
)]
pub struct UnknownRegion(pub String);

impl std::str::FromStr for Region {
    type Err = UnknownRegion;

    /// A built-in region by code, compared case-insensitively (`us-ca`, `GB-SCT`);
    /// surrounding whitespace is ignored and `_` may stand for `-`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let code = s.trim().replace('_', "-");
        holidays::table()
            .find(&code)
            .and_then(|i| u16::try_from(i).ok())
            .map(|i| Region(Inner::Builtin(i)))
            .ok_or_else(|| UnknownRegion(s.to_owned()))
    }
}

impl Region {
    /// Every built-in region code, countries each followed by their subdivisions.
    pub fn supported() -> impl Iterator<Item = &'static str> {
        holidays::table().regions().iter().map(|r| r.code)
    }

    /// A region with the user's own holidays, such as a list imported from an `.ics`
    /// file. `name` serves as both [`code`](Self::code) and [`name`](Self::name).
    /// Several entries on one date are kept as one holiday whose names are joined
    /// with `"; "`, in the order given.
    pub fn custom(name: impl Into<String>, holidays: Vec<(Date, String)>) -> Region {
        let mut holidays = holidays;
        // A stable sort keeps the given order among entries of one date.
        holidays.sort_by_key(|(d, _)| *d);
        let mut days: Vec<(Date, String)> = Vec::with_capacity(holidays.len());
        for (date, name) in holidays {
            match days.last_mut() {
                Some((last, names)) if *last == date => {
                    if !names.split("; ").any(|n| n == name) {
                        names.push_str("; ");
                        names.push_str(&name);
                    }
                }
                _ => days.push((date, name)),
            }
        }
        Region(Inner::Custom(Arc::new(Custom {
            name: name.into(),
            days,
        })))
    }

    /// The canonical code, such as `US-CA`; a custom region's name.
    pub fn code(&self) -> &str {
        match &self.0 {
            Inner::Builtin(i) => entry(*i).map_or("", |r| r.code),
            Inner::Custom(c) => &c.name,
        }
    }

    /// A human-readable name, such as `California, United States`; a custom region's
    /// name.
    pub fn name(&self) -> &str {
        match &self.0 {
            Inner::Builtin(i) => entry(*i).map_or("", |r| r.name),
            Inner::Custom(c) => &c.name,
        }
    }

    /// Whether the calendar has data for `year`: 2000 to 2060 for the built-in regions;
    /// for a custom one, the years from its first holiday to its last. Outside them
    /// [`holiday`](Self::holiday) finds nothing and only weekends are skipped.
    pub fn covers(&self, year: i16) -> bool {
        match &self.0 {
            Inner::Builtin(_) => (holidays::FIRST_YEAR..=holidays::LAST_YEAR).contains(&year),
            Inner::Custom(c) => match (c.days.first(), c.days.last()) {
                (Some((first, _)), Some((last, _))) => (first.year()..=last.year()).contains(&year),
                _ => false,
            },
        }
    }

    /// The name of the public holiday on `date`, if it is one, such as
    /// `Christmas Day` or `Christmas Day (observed)`.
    pub fn holiday(&self, date: Date) -> Option<&str> {
        match &self.0 {
            Inner::Builtin(i) => holidays::holiday(usize::from(*i), date),
            Inner::Custom(c) => c
                .days
                .binary_search_by_key(&date, |(d, _)| *d)
                .ok()
                .and_then(|i| c.days.get(i))
                .map(|(_, n)| n.as_str()),
        }
    }

    /// The public holidays in `year`, in date order.
    pub fn holidays_in(&self, year: i16) -> Vec<(Date, &str)> {
        match &self.0 {
            Inner::Builtin(i) => holidays::in_year(usize::from(*i), year),
            Inner::Custom(c) => c
                .days
                .iter()
                .filter(|(d, _)| d.year() == year)
                .map(|(d, n)| (*d, n.as_str()))
                .collect(),
        }
    }

    /// The date of the last holiday the calendar knows; after it only weekends count.
    fn last_holiday(&self) -> Option<Date> {
        match &self.0 {
            Inner::Builtin(i) => holidays::last(usize::from(*i)),
            Inner::Custom(c) => c.days.last().map(|(d, _)| *d),
        }
    }
}

fn entry(i: u16) -> Option<&'static holidays::RegionEntry> {
    holidays::table().regions().get(usize::from(i))
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Builtin(_) => f.debug_tuple("Region").field(&self.code()).finish(),
            Inner::Custom(c) => f
                .debug_struct("Region")
                .field("custom", &c.name)
                .field("holidays", &c.days.len())
                .finish(),
        }
    }
}

/// The code, such as `US-CA`.
impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Whether `date` falls on Saturday or Sunday.
pub fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Whether `date` is a business day: a weekday that is not a holiday of `region`.
pub fn is_business_day(date: Date, region: Option<&Region>) -> bool {
    !is_weekend(date) && region.is_none_or(|r| r.holiday(date).is_none())
}

/// The first business day on or after `date`.
///
/// If there is none up to the end of jiff's range, returns 9999-12-31.
pub fn next_business_day(date: Date, region: Option<&Region>) -> Date {
    let mut d = date;
    while !is_business_day(d, region) {
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => return d,
        }
    }
    d
}

/// `date` moved forward by `n` business days (the start day does not count, and
/// `n == 0` returns `date` itself, even on a weekend or holiday).
///
/// Saturates: if the result would lie past the end of jiff's range, returns
/// 9999-12-31.
pub fn add_business_days(date: Date, n: u32, region: Option<&Region>) -> Date {
    // After the region's last holiday only weekends count, and the rest is arithmetic.
    let horizon = region.and_then(Region::last_holiday);
    let mut d = date;
    let mut left = n;
    while left > 0 {
        if horizon.is_none_or(|h| d >= h) {
            return add_weekdays(d, left);
        }
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => return d,
        }
        if is_business_day(d, region) {
            left -= 1;
        }
    }
    d
}

/// `date` moved forward by `n` weekdays, ignoring holidays; saturates at `Date::MAX`.
fn add_weekdays(date: Date, n: u32) -> Date {
    // Counting from a weekend day is the same as counting from the Friday before.
    let back: i64 = match date.weekday() {
        Weekday::Saturday => 1,
        Weekday::Sunday => 2,
        _ => 0,
    };
    // Monday 0 .. Friday 4 for that Friday-adjusted day.
    let weekday = i64::from(date.weekday().to_monday_zero_offset()) - back;
    let total = weekday + i64::from(n);
    let delta = (total / 5) * 7 + total % 5 - weekday - back;
    Span::new()
        .try_days(delta)
        .ok()
        .and_then(|span| date.checked_add(span).ok())
        .unwrap_or(Date::MAX)
}

#[cfg(test)]
mod tests;
