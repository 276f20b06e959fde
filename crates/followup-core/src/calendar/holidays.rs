//! The built-in holiday tables: `data/holidays.txt`, compiled in with `include_str!`
//! and parsed on first use (rule T8).
//!
//! The file is written by `scripts/gen_holidays.py`; its format is described in its
//! own header and in the [`calendar`](super) module docs. Parsing happens in two
//! steps, each at most once per process:
//!
//! 1. [`table`] reads the name table and finds where each region's records are
//!    (a cheap scan over the lines, no dates are decoded);
//! 2. [`Table::days`] decodes one region's records the first time that region is
//!    asked about, applying a subdivision's differences to its country's list.
//!
//! The decoded form is, per region, one sorted `(month-day, name)` slice per year, so
//! a lookup is an index by year and a binary search over a dozen or so entries.

use std::sync::OnceLock;

use jiff::civil::Date;

/// The first year the built-in tables cover.
pub(crate) const FIRST_YEAR: i16 = 2000;
/// The last year the built-in tables cover.
pub(crate) const LAST_YEAR: i16 = 2060;
const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;

const DATA: &str = include_str!("../../data/holidays.txt");

/// The parsed name table and region index.
#[derive(Debug, Default)]
pub(crate) struct Table {
    names: Vec<&'static str>,
    regions: Vec<RegionEntry>,
}

/// One region as listed in the data file.
#[derive(Debug)]
pub(crate) struct RegionEntry {
    /// The canonical code, such as `US-CA`.
    pub(crate) code: &'static str,
    /// The display name, such as `California, United States`.
    pub(crate) name: &'static str,
    /// The index of the country a subdivision belongs to.
    parent: Option<usize>,
    /// The region's `+`/`-` record lines.
    body: &'static str,
    days: OnceLock<Days>,
}

/// One region's holidays, decoded.
#[derive(Debug)]
pub(crate) struct Days {
    /// `entries[start[y]..start[y + 1]]` are the holidays of year `FIRST_YEAR + y`.
    start: [u32; YEARS + 1],
    /// `(month * 32 + day, name index)`, sorted within each year.
    entries: Vec<(u16, u16)>,
    /// The date of the last entry.
    last: Option<Date>,
    /// One bit per day from `FIRST_YEAR`-01-01 to the end of the word holding
    /// `LAST_YEAR`-12-31 (bit `i % 64` of word `i / 64` for day `i`), set on the days
    /// that are not business days: weekends and holidays. Makes the business-day
    /// test a bit test and the search for the next one a bit scan.
    closed: Vec<u64>,
}

/// The day number (see [`super::Day`]) of `FIRST_YEAR`-01-01.
const FIRST_DAY: i32 = 10_957;

/// A month-day packed so that the natural order is the calendar order.
fn month_day_key(month: i8, day: i8) -> u16 {
    // Months are 1..=12 and days 1..=31, so the casts cannot lose anything.
    (month as u16) * 32 + day as u16
}

fn year_index(year: i16) -> Option<usize> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        usize::try_from(year - FIRST_YEAR).ok()
    } else {
        None
    }
}

/// The built-in tables, parsed on first use.
pub(crate) fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    // The data is compiled in and checked by the tests (`data_parses_cleanly`); were
    // it ever malformed, the calendar would know no regions rather than panic.
    TABLE.get_or_init(|| Table::parse(DATA).unwrap_or_default())
}

impl Table {
    /// Read the name table and the region index.
    pub(crate) fn parse(text: &'static str) -> Result<Table, String> {
        let mut table = Table::default();
        // (region index, byte offset where its body starts)
        let mut open: Option<usize> = None;
        let mut offset = 0;
        let mut body_start = 0;
        for (lineno, raw) in text.split_inclusive('\n').enumerate() {
            let line_start = offset;
            offset += raw.len();
            let line = raw.trim_end_matches(['\n', '\r']);
            let err = |what: &str| format!("holidays.txt line {}: {what}", lineno + 1);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix("N ") {
                if !table.regions.is_empty() {
                    return Err(err("name after the first region"));
                }
                table.names.push(name);
            } else if let Some(rest) = line.strip_prefix("R ") {
                if let Some(prev) = open {
                    table.regions[prev].body = &text[body_start..line_start];
                }
                let mut parts = rest.splitn(3, ' ');
                let (Some(code), Some(parent), Some(name)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(err("a region needs a code, a parent and a name"));
                };
                let parent = match parent {
                    "-" => None,
                    p => Some(
                        table
                            .regions
                            .iter()
                            .position(|r| r.code == p && r.parent.is_none())
                            .ok_or_else(|| err("unknown parent region"))?,
                    ),
                };
                if table.regions.iter().any(|r| r.code == code) {
                    return Err(err("duplicate region"));
                }
                open = Some(table.regions.len());
                body_start = offset;
                table.regions.push(RegionEntry {
                    code,
                    name,
                    parent,
                    body: "",
                    days: OnceLock::new(),
                });
            } else if line.starts_with(['+', '-']) {
                if open.is_none() {
                    return Err(err("a record before the first region"));
                }
            } else {
                return Err(err("unknown line"));
            }
        }
        if let Some(prev) = open {
            table.regions[prev].body = &text[body_start..];
        }
        if u16::try_from(table.names.len()).is_err() {
            return Err("holidays.txt: too many names".into());
        }
        Ok(table)
    }

    /// All regions, in file order.
    pub(crate) fn regions(&self) -> &[RegionEntry] {
        &self.regions
    }

    /// The index of the region with this code, compared case-insensitively.
    pub(crate) fn find(&self, code: &str) -> Option<usize> {
        self.regions
            .iter()
            .position(|r| r.code.eq_ignore_ascii_case(code))
    }

    /// A holiday name by index.
    fn name(&self, index: u16) -> Option<&'static str> {
        self.names.get(usize::from(index)).copied()
    }

    /// Region `index`'s holidays, decoded on first use.
    pub(crate) fn days(&self, index: usize) -> Option<&Days> {
        let region = self.regions.get(index)?;
        Some(
            region
                .days
                .get_or_init(|| self.decode(index).unwrap_or_default()),
        )
    }

    /// Decode region `index` (and apply its differences to its country's list).
    pub(crate) fn decode(&self, index: usize) -> Result<Days, String> {
        let region = self
            .regions
            .get(index)
            .ok_or_else(|| format!("no region #{index}"))?;
        let mut list: Vec<(u16, u16, u16)> = match region.parent {
            Some(p) => self
                .days(p)
                .map(Days::flatten)
                .ok_or_else(|| format!("{}: no parent", region.code))?,
            None => Vec::new(),
        };
        let mut removes = Vec::new();
        let mut adds = Vec::new();
        for line in region.body.lines() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |what: &str| format!("{} record `{line}`: {what}", region.code);
            let (sign, rest) = line.split_at_checked(1).ok_or_else(|| err("empty"))?;
            let (name, tokens) = rest.split_once(' ').unwrap_or((rest, ""));
            let name: u16 = name.parse().map_err(|_| err("bad name index"))?;
            if self.name(name).is_none() {
                return Err(err("name index out of range"));
            }
            let target = match sign {
                "+" => &mut adds,
                "-" if region.parent.is_some() => &mut removes,
                _ => return Err(err("bad sign")),
            };
            decode_tokens(tokens, |year, key| target.push((year, key, name)))
                .map_err(|e| err(&e))?;
        }
        removes.sort_unstable();
        for r in &removes {
            let pos = list
                .binary_search(r)
                .map_err(|_| format!("{}: removes a holiday its country lacks", region.code))?;
            list.remove(pos);
        }
        list.extend(adds);
        list.sort_unstable();
        if list
            .windows(2)
            .any(|w| w[0].0 == w[1].0 && w[0].1 == w[1].1)
        {
            return Err(format!("{}: two holidays on one date", region.code));
        }
        Ok(Days::from_sorted(&list))
    }
}

/// Walk a record's tokens (see the format), calling `emit(year index, month-day key)`.
fn decode_tokens(tokens: &str, mut emit: impl FnMut(u16, u16)) -> Result<(), String> {
    let mut year: usize = 0;
    for token in tokens.split_ascii_whitespace() {
        if let Some(skip) = token.strip_prefix('^') {
            let skip: usize = skip.parse().map_err(|_| format!("bad skip `{token}`"))?;
            year = year.saturating_add(skip);
            continue;
        }
        let (days, count) = match token.split_once('*') {
            Some((days, count)) => (
                days,
                count
                    .parse::<usize>()
                    .map_err(|_| format!("bad count `{token}`"))?,
            ),
            None => (token, 1),
        };
        for _ in 0..count {
            let y = u16::try_from(year)
                .ok()
                .filter(|&y| usize::from(y) < YEARS)
                .ok_or_else(|| format!("`{token}` runs past {LAST_YEAR}"))?;
            for md in days.split(',') {
                let key = parse_month_day(md, FIRST_YEAR + y as i16)
                    .ok_or_else(|| format!("bad month-day `{md}`"))?;
                emit(y, key);
            }
            year += 1;
        }
    }
    Ok(())
}

/// `MMDD` in `year` to a month-day key, if it is a real date.
fn parse_month_day(md: &str, year: i16) -> Option<u16> {
    if md.len() != 4 || !md.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month: i8 = md.get(..2)?.parse().ok()?;
    let day: i8 = md.get(2..)?.parse().ok()?;
    Date::new(year, month, day).ok()?;
    Some(month_day_key(month, day))
}

impl Default for Days {
    fn default() -> Self {
        Days {
            start: [0; YEARS + 1],
            entries: Vec::new(),
            last: None,
            closed: Vec::new(),
        }
    }
}

impl Days {
    fn from_sorted(list: &[(u16, u16, u16)]) -> Days {
        let mut days = Days {
            start: [0; YEARS + 1],
            entries: Vec::with_capacity(list.len()),
            last: None,
            closed: Vec::new(),
        };
        let mut y = 0;
        for &(year, key, name) in list {
            while y < usize::from(year) && y < YEARS {
                y += 1;
                days.start[y] = len_u32(&days.entries);
            }
            days.entries.push((key, name));
        }
        while y < YEARS {
            y += 1;
            days.start[y] = len_u32(&days.entries);
        }
        days.last = days.find_last();
        days.closed = days.build_closed();
        days
    }

    /// The bitset of closed days (see [`Days::closed`]).
    fn build_closed(&self) -> Vec<u64> {
        let last = super::Day::new(Date::constant(LAST_YEAR, 12, 31)).0;
        let words = (last - FIRST_DAY) as usize / 64 + 1;
        let mut closed = vec![0u64; words];
        for (w, word) in closed.iter_mut().enumerate() {
            for bit in 0..64 {
                // At most 64 * 349 days: it fits.
                let day = super::Day(FIRST_DAY + (w * 64 + bit) as i32);
                if day.is_weekend() {
                    *word |= 1 << bit;
                }
            }
        }
        for y in 0..YEARS {
            for &(key, _) in self.year(y) {
                let (Ok(month), Ok(day)) = (i8::try_from(key / 32), i8::try_from(key % 32)) else {
                    continue;
                };
                let Ok(date) = Date::new(FIRST_YEAR + y as i16, month, day) else {
                    continue;
                };
                let Ok(i) = usize::try_from(super::Day::new(date).0 - FIRST_DAY) else {
                    continue;
                };
                if let Some(word) = closed.get_mut(i / 64) {
                    *word |= 1 << (i % 64);
                }
            }
        }
        closed
    }

    /// The closed days from day number `n` on: bit `j` is set when day `n + j` is a
    /// weekend or holiday, for `j` below the count returned (1 to 64); the higher
    /// bits are clear. `None` outside the bitset.
    pub(crate) fn closed_from(&self, n: i32) -> Option<(u64, u32)> {
        let i = usize::try_from(n.wrapping_sub(FIRST_DAY)).ok()?;
        let word = *self.closed.get(i / 64)?;
        let shift = (i % 64) as u32;
        Some((word >> shift, 64 - shift))
    }

    /// The date of the last holiday, if any.
    pub(crate) fn last(&self) -> Option<Date> {
        self.last
    }

    /// Back to `(year index, month-day key, name)` triples, sorted.
    fn flatten(&self) -> Vec<(u16, u16, u16)> {
        let mut out = Vec::with_capacity(self.entries.len());
        for y in 0..YEARS {
            for &(key, name) in self.year(y) {
                // y < YEARS = 61, so it fits.
                out.push((y as u16, key, name));
            }
        }
        out
    }

    fn year(&self, y: usize) -> &[(u16, u16)] {
        let (Some(&a), Some(&b)) = (self.start.get(y), self.start.get(y + 1)) else {
            return &[];
        };
        self.entries.get(a as usize..b as usize).unwrap_or_default()
    }

    /// The name index of the holiday on `date`, if any.
    fn lookup(&self, date: Date) -> Option<u16> {
        let slice = self.year(year_index(date.year())?);
        let key = month_day_key(date.month(), date.day());
        let i = slice.binary_search_by_key(&key, |e| e.0).ok()?;
        slice.get(i).map(|e| e.1)
    }

    /// The last holiday in the table, if any.
    fn find_last(&self) -> Option<Date> {
        (0..YEARS).rev().find_map(|y| {
            let &(key, _) = self.year(y).last()?;
            let month = i8::try_from(key / 32).ok()?;
            let day = i8::try_from(key % 32).ok()?;
            Date::new(FIRST_YEAR + y as i16, month, day).ok()
        })
    }
}

fn len_u32<T>(v: &[T]) -> u32 {
    u32::try_from(v.len()).unwrap_or(u32::MAX)
}

/// The name of the holiday on `date` in built-in region `index`.
pub(crate) fn holiday(index: usize, date: Date) -> Option<&'static str> {
    let table = table();
    let n = table.days(index)?.lookup(date)?;
    table.name(n)
}

/// The holidays of built-in region `index` in `year`, in date order.
pub(crate) fn in_year(index: usize, year: i16) -> Vec<(Date, &'static str)> {
    let table = table();
    let (Some(days), Some(y)) = (table.days(index), year_index(year)) else {
        return Vec::new();
    };
    days.year(y)
        .iter()
        .filter_map(|&(key, n)| {
            let month = i8::try_from(key / 32).ok()?;
            let day = i8::try_from(key % 32).ok()?;
            Some((Date::new(year, month, day).ok()?, table.name(n)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_parses_cleanly() {
        let table = Table::parse(DATA).expect("the data file parses");
        assert!(table.regions().len() > 300, "{}", table.regions().len());
        for (i, r) in table.regions().iter().enumerate() {
            let days = table.decode(i).unwrap_or_else(|e| panic!("{e}"));
            assert!(!days.entries.is_empty(), "{} has no holidays", r.code);
        }
    }

    #[test]
    fn first_day_is_the_first_year() {
        assert_eq!(
            FIRST_DAY,
            super::super::Day::new(Date::constant(FIRST_YEAR, 1, 1)).0
        );
    }

    #[test]
    fn closed_days_match_the_entries() {
        let table = Table::parse(DATA).expect("the data file parses");
        for i in 0..table.regions().len() {
            let days = table.decode(i).unwrap_or_else(|e| panic!("{e}"));
            let mut n = 0;
            for y in 0..YEARS {
                let year = FIRST_YEAR + y as i16;
                let mut d = Date::constant(year, 1, 1);
                while d.year() == year {
                    let day = super::super::Day::new(d);
                    let (bits, _) = days.closed_from(day.0).unwrap();
                    let holiday = days.lookup(d).is_some();
                    assert_eq!(bits & 1 == 1, holiday || day.is_weekend(), "{d}");
                    n += usize::from(holiday);
                    d = d.tomorrow().unwrap();
                }
            }
            assert_eq!(n, days.entries.len());
            // Past the last year, only weekends.
            let mut d = Date::constant(LAST_YEAR + 1, 1, 1);
            while let Some((bits, _)) = days.closed_from(super::super::Day::new(d).0) {
                assert_eq!(bits & 1 == 1, super::super::is_weekend(d), "{d}");
                d = d.tomorrow().unwrap();
            }
            assert!(days.closed_from(FIRST_DAY - 1).is_none());
        }
    }

    #[test]
    fn tokens_decode_as_documented() {
        // The example in the file header.
        let mut got = Vec::new();
        decode_tokens("^1 1225*3 0101,1231", |y, k| got.push((y, k))).unwrap();
        let key = |m, d| month_day_key(m, d);
        assert_eq!(
            got,
            [
                (1, key(12, 25)),
                (2, key(12, 25)),
                (3, key(12, 25)),
                (4, key(1, 1)),
                (4, key(12, 31)),
            ]
        );
    }

    #[test]
    fn malformed_data_is_an_error_not_a_panic() {
        for bad in [
            "+0 0101",
            "N a\nR X - X\n+0 1301",
            "N a\nR X - X\n+0 0230",
            "N a\nR X - X\n+0 0101*62",
            "N a\nR X - X\n+9 0101",
            "N a\nR X - X\n-0 0101",
            "N a\nR X - X\nR X - Y",
            "N a\nR X - X\n+0 0101 ^99999999999999999999999",
            "N a\nR X - X\nR X-A X A\n-0 0101",
            "bogus",
        ] {
            let result = Table::parse(bad)
                .and_then(|t| (0..t.regions().len()).try_for_each(|i| t.decode(i).map(drop)));
            assert!(result.is_err(), "{bad:?} should be rejected");
        }
    }
}
