//! Business-day arithmetic on civil dates (rule T8).
//!
//! A [`Region`] is a holiday calendar selected by a code such as `US`, `US-CA`,
//! `DE-BY` or `GB-SCT`. A business day is a weekday (Monday to Friday) that is not a
//! public holiday of the region.

use jiff::civil::{Date, Weekday};

/// A public-holiday calendar for one country or subdivision.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region {
    code: String,
}

/// The region code is not one this build knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown region `{0}` (try a code such as US, US-CA, GB-SCT, DE-BY)")]
pub struct UnknownRegion(pub String);

impl std::str::FromStr for Region {
    type Err = UnknownRegion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Placeholder until the holiday tables land.
        Ok(Region { code: s.trim().to_ascii_uppercase() })
    }
}

impl Region {
    /// The canonical code, such as `US-CA`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The name of the public holiday on `date`, if it is one.
    pub fn holiday(&self, _date: Date) -> Option<&str> {
        None
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
pub fn next_business_day(date: Date, region: Option<&Region>) -> Date {
    let mut d = date;
    while !is_business_day(d, region) {
        d = d.tomorrow().expect("date in range");
    }
    d
}

/// `date` moved forward by `n` business days (the start day does not count).
pub fn add_business_days(date: Date, n: u32, region: Option<&Region>) -> Date {
    let mut d = date;
    let mut left = n;
    while left > 0 {
        d = d.tomorrow().expect("date in range");
        if is_business_day(d, region) {
            left -= 1;
        }
    }
    d
}
