//! Custom holiday calendars: a company's closure days, a country not built in, read
//! from a calendar file of all-day events (`followup holidays import`, Settings, or
//! `POST /api/holidays`) and kept with the user's facts on either backend. A calendar
//! becomes a holiday region of its name (`region` in the settings, `--region`).
//!
//! ```
//! use followup_app::holidays::{check_name, layer_of};
//! use followup_store::HolidayLayer;
//!
//! assert_eq!(check_name(" acme-closures ").unwrap(), "acme-closures");
//! // A built-in region's code is not a custom calendar's name.
//! assert!(check_name("US-NY").unwrap_err().to_string().contains("built-in region"));
//! assert_eq!(layer_of(Some("us-ny"), false, "--on").unwrap(), HolidayLayer::On("US-NY".into()));
//! assert_eq!(layer_of(None, true, "--on").unwrap(), HolidayLayer::Replaces);
//! ```

use followup_core::calendar::Region;
use followup_core::ical::import::parse_holidays;
use followup_store::{HolidayCalendar, HolidayLayer};

use crate::ctx::{store_err, Ctx};
use crate::error::{Error, Result};

/// A calendar's name, trimmed: letters, digits, `.`, `_` and `-`, at most 64, and not
/// a built-in region's code.
pub fn check_name(name: &str) -> Result<&str> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        return Err(Error::input(format!(
            "invalid calendar name `{name}`: use letters, digits, `.`, `_` and `-` (such as acme-closures)"
        )));
    }
    if let Ok(builtin) = name.parse::<Region>() {
        return Err(Error::input(format!(
            "`{name}` is the built-in region {} ({}); choose another name for a custom calendar",
            builtin.code(),
            builtin.name()
        )));
    }
    Ok(name)
}

/// What a calendar's days are to a region's own: on top of the built-in region `on`
/// (named by `flag` in an error), in place of any (`replaces`), or on top of the
/// default region.
pub fn layer_of(on: Option<&str>, replaces: bool, flag: &str) -> Result<HolidayLayer> {
    Ok(
        match (on.map(str::trim).filter(|o| !o.is_empty()), replaces) {
            (_, true) => HolidayLayer::Replaces,
            (Some(code), false) => HolidayLayer::On(
                code.parse::<Region>()
                    .map_err(|e| Error::input(format!("{flag}: {e}")))?
                    .code()
                    .to_string(),
            ),
            (None, false) => HolidayLayer::Adds,
        },
    )
}

/// Reads the all-day events of `text` (from `from`, for errors) and keeps them as the
/// calendar `name` (replacing its days if it exists), on `layer`. Returns it, summed
/// up.
pub fn import(
    ctx: &Ctx,
    text: &str,
    from: &str,
    name: &str,
    layer: &HolidayLayer,
) -> Result<HolidayCalendar> {
    let name = check_name(name)?;
    let days = parse_holidays(text).map_err(|e| Error::input(format!("{from}: {e}")))?;
    ctx.facts()?
        .set_holiday_calendar_layer(name, &days, layer)
        .map_err(store_err)?;
    list(ctx)?
        .into_iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| Error::Store(format!("the calendar {name} was not kept")))
}

/// Every custom calendar, by name.
pub fn list(ctx: &Ctx) -> Result<Vec<HolidayCalendar>> {
    let all = ctx
        .facts()?
        .holiday_calendars_with_days()
        .map_err(store_err)?;
    Ok(all
        .into_iter()
        .map(|c| {
            let mut dates: Vec<_> = c.days.iter().map(|(d, _)| *d).collect();
            dates.sort_unstable();
            dates.dedup();
            HolidayCalendar {
                name: c.name,
                days: dates.len(),
                first: dates.first().copied(),
                last: dates.last().copied(),
                base: c.base,
                replaces: c.replaces,
            }
        })
        .collect())
}
