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

use jiff::civil::Date;

/// The years the built-in holiday tables cover, 2000 to 2060 inclusive; outside them
/// only weekends are skipped ([`Region::covers`]).
pub const YEARS: std::ops::RangeInclusive<i16> = holidays::FIRST_YEAR..=holidays::LAST_YEAR;

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
pub(crate) struct Custom {
    name: String,
    /// Sorted by date, one entry per date.
    days: Vec<(Date, String)>,
    /// The same dates as day numbers (see [`Day`]), for quick tests.
    day_numbers: Vec<i32>,
    /// The code of the region whose holidays the list adds to, if any.
    base: Option<String>,
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
        Region::list(name.into(), holidays, None)
    }

    fn list(name: String, holidays: Vec<(Date, String)>, base: Option<String>) -> Region {
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
        let day_numbers = days.iter().map(|(d, _)| Day::new(*d).0).collect();
        Region(Inner::Custom(Arc::new(Custom {
            name,
            days,
            day_numbers,
            base,
        })))
    }

    /// A user's list on top of another region's holidays, such as a company's closure
    /// days on top of `US-NY`: a day is a holiday when it is one in either, and a date
    /// in both carries both names, the list's first ("Acme shutdown; Christmas Day").
    /// Its [`code`](Self::code) and [`name`](Self::name) are `name`; [`base`](Self::base)
    /// is the region under it. The base's holidays are copied in for every year it
    /// covers, so the result answers as fast as any custom list.
    pub fn custom_over(
        name: impl Into<String>,
        holidays: Vec<(Date, String)>,
        base: &Region,
    ) -> Region {
        let mut all = holidays;
        let years = match &base.0 {
            Inner::Builtin(_) => Some((holidays::FIRST_YEAR, holidays::LAST_YEAR)),
            Inner::Custom(c) => c
                .days
                .first()
                .zip(c.days.last())
                .map(|((first, _), (last, _))| (first.year(), last.year())),
        };
        for year in years.into_iter().flat_map(|(first, last)| first..=last) {
            all.extend(
                base.holidays_in(year)
                    .into_iter()
                    .map(|(d, n)| (d, n.to_string())),
            );
        }
        Region::list(name.into(), all, Some(base.code().to_string()))
    }

    /// For a custom list made with [`custom_over`](Self::custom_over), the code of the
    /// region it adds to.
    pub fn base(&self) -> Option<&str> {
        match &self.0 {
            Inner::Builtin(_) => None,
            Inner::Custom(c) => c.base.as_deref(),
        }
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
            Inner::Builtin(_) => YEARS.contains(&year),
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
    Day::new(date).is_weekend()
}

/// Whether `date` is a business day: a weekday that is not a holiday of `region`.
pub fn is_business_day(date: Date, region: Option<&Region>) -> bool {
    Cal::new(region).is_business_day(Day::new(date))
}

/// The first business day on or after `date`.
///
/// If there is none up to the end of jiff's range, returns 9999-12-31.
pub fn next_business_day(date: Date, region: Option<&Region>) -> Date {
    let day = Day::new(date);
    let next = Cal::new(region).next_business_day(day);
    if next == day {
        date
    } else {
        next.date()
    }
}

/// `date` moved forward by `n` business days (the start day does not count, and
/// `n == 0` returns `date` itself, even on a weekend or holiday).
///
/// Saturates: if the result would lie past the end of jiff's range, returns
/// 9999-12-31.
pub fn add_business_days(date: Date, n: u32, region: Option<&Region>) -> Date {
    if n == 0 {
        return date;
    }
    Cal::new(region).add_business_days(Day::new(date), n).date()
}

/// A civil date as a number of days since 1970-01-01 (negative before), for quick
/// arithmetic. Always within jiff's range, -9999-01-01 to 9999-12-31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Day(i32);

// The conversions are C. Neri and L. Schneider's, "Euclidean affine functions and
// their application to calendar algorithms" (2022): unsigned arithmetic on a
// calendar shifted by `SHIFT` 400-year cycles, with years starting on 1 March.
const SHIFT: u32 = 82;
/// Days from 1 March of year `-400 * SHIFT` to 1970-01-01.
const EPOCH: u32 = 719_468 + 146_097 * SHIFT;
/// Years in the shift.
const SHIFT_YEARS: u32 = 400 * SHIFT;

/// Days since 1970-01-01 of a proleptic Gregorian date; `year` must be at least
/// `-SHIFT_YEARS + 1` (jiff's years are -9999 to 9999).
const fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let jan_feb = month <= 2;
    let y = (year + SHIFT_YEARS as i32 - jan_feb as i32) as u32;
    let m = if jan_feb { month + 12 } else { month };
    let century = y / 100;
    let year_days = 1461 * y / 4 - century + century / 4;
    let month_days = (979 * m - 2919) / 32;
    (year_days + month_days + day) as i32 - (EPOCH + 1) as i32
}

impl Day {
    /// jiff's first date, -9999-01-01.
    const MIN: Day = Day(days_from_civil(-9999, 1, 1));
    /// jiff's last date, 9999-12-31.
    const MAX: Day = Day(days_from_civil(9999, 12, 31));

    pub(crate) fn new(date: Date) -> Day {
        // Months are 1..=12 and days 1..=31: the casts keep them.
        Day(days_from_civil(
            i32::from(date.year()),
            date.month() as u32,
            date.day() as u32,
        ))
    }

    /// Days since 1970-01-01, clamped to jiff's range.
    pub(crate) fn from_number(n: i64) -> Day {
        // Clamped, so it fits an i32.
        Day(n.clamp(i64::from(Day::MIN.0), i64::from(Day::MAX.0)) as i32)
    }

    /// Days since 1970-01-01.
    pub(crate) fn number(self) -> i64 {
        i64::from(self.0)
    }

    /// The date.
    pub(crate) fn date(self) -> Date {
        // In range by construction, so the shifted day count is positive and small.
        let n = (self.0 + EPOCH as i32) as u32;
        let n1 = 4 * n + 3;
        let century = n1 / 146_097;
        let century_day = n1 % 146_097 / 4;
        let n2 = 4 * century_day + 3;
        let p2 = 2_939_745 * u64::from(n2);
        let year_in_century = (p2 >> 32) as u32;
        let year_day = (p2 as u32) / 2_939_745 / 4;
        let n3 = 2141 * year_day + 197_913;
        let month = n3 >> 16;
        let day = (n3 & 0xffff) / 2141 + 1;
        let jan_feb = year_day >= 306;
        let year = (100 * century + year_in_century) as i32 - SHIFT_YEARS as i32 + jan_feb as i32;
        let month = if jan_feb { month - 12 } else { month };
        // A real date by construction; the fallback is never taken.
        Date::new(year as i16, month as i8, day as i8).unwrap_or(Date::MAX)
    }

    /// `n` days later (earlier if negative); the day itself if that would leave
    /// jiff's range.
    pub(crate) fn plus(self, n: i64) -> Day {
        let target = i64::from(self.0).saturating_add(n);
        if (i64::from(Day::MIN.0)..=i64::from(Day::MAX.0)).contains(&target) {
            // In range, so it fits an i32.
            Day(target as i32)
        } else {
            self
        }
    }

    /// Monday 0 to Sunday 6 (1970-01-01 was a Thursday).
    fn weekday(self) -> i32 {
        (self.0 + 3).rem_euclid(7)
    }

    /// Saturday or Sunday.
    pub(crate) fn is_weekend(self) -> bool {
        self.weekday() >= 5
    }
}

/// `date` moved by `n` days; `date` itself if that would leave jiff's range.
#[cfg(test)]
fn add_days(date: Date, n: i64) -> Date {
    let day = Day::new(date);
    let to = day.plus(n);
    if to == day {
        date
    } else {
        to.date()
    }
}

/// A region resolved once for a run of business-day questions: the holiday tests
/// become a bit test (built-in regions) or a binary search over day numbers.
#[derive(Clone, Copy)]
pub(crate) enum Cal<'a> {
    /// Only weekends are skipped.
    Weekends,
    /// A built-in region's decoded table.
    Builtin(&'static holidays::Days),
    /// A user's list.
    Custom(&'a Custom),
}

impl<'a> Cal<'a> {
    /// The calendar of `region` (weekends only without one).
    pub(crate) fn new(region: Option<&'a Region>) -> Cal<'a> {
        match region.map(|r| &r.0) {
            None => Cal::Weekends,
            Some(Inner::Builtin(i)) => match holidays::table().days(usize::from(*i)) {
                Some(days) => Cal::Builtin(days),
                None => Cal::Weekends,
            },
            Some(Inner::Custom(c)) => Cal::Custom(c),
        }
    }

    /// The last holiday known; after it only weekends count.
    fn horizon(self) -> Option<Day> {
        match self {
            Cal::Weekends => None,
            Cal::Builtin(days) => days.last().map(Day::new),
            Cal::Custom(c) => c.day_numbers.last().copied().map(Day),
        }
    }

    /// See [`is_business_day`].
    pub(crate) fn is_business_day(self, day: Day) -> bool {
        match self {
            Cal::Weekends => !day.is_weekend(),
            Cal::Builtin(days) => match days.closed_from(day.0) {
                Some((closed, _)) => closed & 1 == 0,
                None => !day.is_weekend(),
            },
            Cal::Custom(c) => !day.is_weekend() && c.day_numbers.binary_search(&day.0).is_err(),
        }
    }

    /// See [`next_business_day`].
    pub(crate) fn next_business_day(self, day: Day) -> Day {
        let mut d = day;
        if let Cal::Builtin(days) = self {
            // Skip the run of closed days a word at a time.
            while let Some((closed, len)) = days.closed_from(d.0) {
                let run = (!closed).trailing_zeros();
                if run < len {
                    return Day(d.0 + run as i32);
                }
                d = Day(d.0 + len as i32);
            }
        }
        while !self.is_business_day(d) && d < Day::MAX {
            d = Day(d.0 + 1);
        }
        d
    }

    /// See [`add_business_days`].
    pub(crate) fn add_business_days(self, day: Day, n: u32) -> Day {
        let mut d = day;
        let mut left = n;
        if let Cal::Builtin(days) = self {
            // Count the open days a word at a time while inside the table.
            while left > 0 {
                let next = d.0 + 1;
                let Some((closed, len)) = days.closed_from(next) else {
                    break;
                };
                let mask = if len == 64 { u64::MAX } else { (1 << len) - 1 };
                let open = !closed & mask;
                let count = open.count_ones();
                if count >= left {
                    let mut open = open;
                    for _ in 1..left {
                        open &= open - 1;
                    }
                    return Day(next + open.trailing_zeros() as i32);
                }
                left -= count;
                d = Day(next + len as i32 - 1);
            }
        }
        // After the region's last holiday only weekends count, and the rest is
        // arithmetic.
        let horizon = self.horizon();
        while left > 0 {
            if horizon.is_none_or(|h| d >= h) {
                return add_weekdays(d, left);
            }
            if d >= Day::MAX {
                break;
            }
            d = Day(d.0 + 1);
            if self.is_business_day(d) {
                left -= 1;
            }
        }
        d
    }
}

/// `day` moved forward by `n` weekdays, ignoring holidays; saturates at the end of
/// jiff's range.
fn add_weekdays(day: Day, n: u32) -> Day {
    // Counting from a weekend day is the same as counting from the Friday before.
    let wd = i64::from(day.weekday());
    let back: i64 = (wd - 4).max(0);
    // Monday 0 .. Friday 4 for that Friday-adjusted day.
    let weekday = wd - back;
    let total = weekday + i64::from(n);
    let delta = (total / 5) * 7 + total % 5 - weekday - back;
    let to = i64::from(day.0) + delta;
    Day(i32::try_from(to).map_or(Day::MAX.0, |to| to.min(Day::MAX.0)))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod day_number_tests {
    use super::*;
    use jiff::civil::{date, Weekday};
    use jiff::ToSpan;

    #[test]
    fn day_numbers_match_jiff() {
        let epoch = date(1970, 1, 1);
        let check = |d: Date| {
            let n = Day::new(d);
            assert_eq!(i64::from(n.0), (d - epoch).get_days().into(), "{d}");
            assert_eq!(n.date(), d);
            let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            assert_eq!(is_weekend(d), weekend, "{d}");
        };
        let mut d = date(1899, 12, 1);
        while d < date(2101, 2, 1) {
            check(d);
            d = d.tomorrow().unwrap();
        }
        for d in [
            Date::MIN,
            Date::MAX,
            date(-1, 2, 28),
            date(0, 2, 29),
            date(1600, 2, 29),
        ] {
            check(d);
        }
        // Every 397th day of the whole range.
        let mut d = Date::MIN;
        while let Ok(next) = d.checked_add(397.days()) {
            check(d);
            d = next;
        }
        assert_eq!(Day::MIN.date(), Date::MIN);
        assert_eq!(Day::MAX.date(), Date::MAX);
    }

    #[test]
    fn add_days_matches_jiff_or_keeps_the_date() {
        for d in [date(2026, 3, 1), Date::MIN, Date::MAX, date(9999, 12, 1)] {
            for n in [-40_000i64, -400, -1, 0, 1, 31, 366, 40_000, 7_304_484] {
                let want = d.checked_add(n.days()).unwrap_or(d);
                assert_eq!(add_days(d, n), want, "{d} + {n}");
            }
        }
        assert_eq!(add_days(Date::MAX, i64::MAX), Date::MAX);
        assert_eq!(add_days(Date::MIN, i64::MIN), Date::MIN);
    }
}
