//! Parsing the times, zones, durations and hours given on the command line.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

use crate::error::{Error, Result};

/// The years the planner and its holiday tables cover (`followup_core::calendar::YEARS`).
pub const YEARS: std::ops::RangeInclusive<i16> = followup_core::calendar::YEARS;

/// An IANA zone by name; `from` says where the name came from (`--tz`,
/// `FOLLOWUP_TZ`, `tz in ~/.config/followup/config.toml`).
pub fn zone(name: &str, from: &str) -> Result<TimeZone> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::input(format!(
            "{from} is empty: give an IANA zone such as America/New_York"
        )));
    }
    TimeZone::get(name).map_err(|_| {
        Error::input(format!(
            "unknown time zone `{name}` for {from} (expected an IANA name such as America/New_York or Europe/London)"
        ))
    })
}

/// The directory of the system's zone database: `TZDIR`, else the usual one.
pub fn zone_directory() -> std::path::PathBuf {
    std::env::var_os("TZDIR")
        .unwrap_or_else(|| "/usr/share/zoneinfo".into())
        .into()
}

/// A zone of the system's database by its IANA name, as [`TimeZone::get`] gives it,
/// read from its own file when the name is a plain path in the database's directory
/// (`America/New_York`, as kept by the agenda): jiff lists the whole directory on its
/// first lookup, hundreds of directories read, a few milliseconds, for a command that
/// shows a dozen zones. Any other name, or a file that is not a zone, goes to jiff.
pub fn zone_named(name: &str) -> std::result::Result<TimeZone, jiff::Error> {
    // The names jiff knows without a database (and answers so before reading it).
    if name.eq_ignore_ascii_case("utc") {
        return Ok(TimeZone::UTC);
    }
    if name.eq_ignore_ascii_case("etc/unknown") {
        return Ok(TimeZone::unknown());
    }
    let plain = !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_+-.".contains(&b))
        });
    if plain {
        if let Ok(data) = std::fs::read(zone_directory().join(name)) {
            if let Ok(tz) = TimeZone::tzif(name, &data) {
                return Ok(tz);
            }
        }
    }
    TimeZone::get(name)
}

/// The system's zone, as [`TimeZone::system`] finds it, by [`zone_named`] in the
/// usual cases: `TZ` empty (UTC) or naming a zone (`UTC`, `Area/City`: a POSIX rule
/// such as `EST5EDT` always has a digit, its offset), or unset and `/etc/localtime`
/// a link into the zone database. Anything else goes to jiff.
pub fn system_zone() -> TimeZone {
    let link = || std::fs::read_link("/etc/localtime").ok();
    zone_of_system(std::env::var_os("TZ").as_deref(), link).unwrap_or_else(TimeZone::system)
}

/// [`system_zone`] from the value of `TZ` and the target of `/etc/localtime`, or
/// `None` when jiff is to decide.
fn zone_of_system(
    tz: Option<&std::ffi::OsStr>,
    localtime: impl FnOnce() -> Option<std::path::PathBuf>,
) -> Option<TimeZone> {
    let named = |name: &str| -> Option<TimeZone> {
        let plain = !name.starts_with(['/', ':'])
            && (name.contains('/') || !name.bytes().any(|b| b.is_ascii_digit()));
        plain.then(|| zone_named(name).ok()).flatten()
    };
    match tz {
        Some(tz) if tz.is_empty() => Some(TimeZone::UTC),
        Some(tz) => tz.to_str().and_then(named),
        None => {
            let target = localtime()?;
            let target = target.to_str()?;
            let at = target.rfind("zoneinfo/")?;
            named(&target[at + "zoneinfo/".len()..])
        }
    }
}

/// `t + d`, or the last representable instant when that is past it (a window's end
/// near the year 9999 stays open rather than overflowing).
pub fn later(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_add(d).unwrap_or(Timestamp::MAX)
}

/// A moment typed by the user, and what they should be told about how it was read.
#[derive(Debug, Clone)]
pub struct Local {
    /// The moment, in the zone it was read in.
    pub zoned: Zoned,
    /// Set when the wall-clock time does not exist (a DST gap: the time that many
    /// minutes later was taken) or happens twice (a fold: the first was taken); it
    /// says which instant was taken and how to write the other.
    pub note: Option<String>,
}

/// A local date and time such as "2026-12-01 10:00", read in `tz`. An RFC 3339
/// timestamp with an offset is accepted too and converted to `tz`. Only the years
/// [`YEARS`] are accepted. `what` names the input in messages (`--at`).
///
/// A time that does not exist in `tz` (02:30 on a spring-forward night) is read as
/// the time the same length later (03:30); one that happens twice (01:30 on a
/// fall-back night) as the first of the two. Either way [`Local::note`] says so.
pub fn local(text: &str, tz: &TimeZone, what: &str) -> Result<Local> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::input(format!(
            "{what} is empty: give a date and time such as \"2026-12-01 10:00\""
        )));
    }
    if !t.contains(':') && t.parse::<Date>().is_ok() {
        return Err(Error::input(format!(
            "{what} `{text}` has no time of day: write \"{t} 10:00\""
        )));
    }
    read(t, tz, what, text, Kind::At)
}

/// [`local`] without its note, for callers with nobody to tell.
pub fn local_datetime(text: &str, tz: &TimeZone, what: &str) -> Result<Zoned> {
    local(text, tz, what).map(|l| l.zoned)
}

/// The current moment from `--now` / `FOLLOWUP_NOW` (`what` says which): RFC 3339,
/// or a local time in `tz` (with a note, as [`local`] gives, when the time does not
/// exist there or happens twice). Any moment the calendar holds is accepted (a clock
/// set far ahead tests the ends of windows), not only the years [`YEARS`].
pub fn now_local(text: &str, tz: &TimeZone, what: &str) -> Result<Local> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::input(format!(
            "{what} is empty: give a moment such as 2026-12-02T09:00:00-05:00"
        )));
    }
    read(t, tz, what, text, Kind::Now)
}

/// [`now_local`], the instant only.
pub fn now(text: &str, tz: &TimeZone) -> Result<Timestamp> {
    now_local(text, tz, "--now").map(|l| l.zoned.timestamp())
}

/// What is being read: a time of the record (`--at`, only the years [`YEARS`]) or
/// the clock (`--now`, any moment the calendar holds).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    At,
    Now,
}

impl Kind {
    /// What is expected, when the text is not even shaped like it.
    fn shape(self) -> &'static str {
        match self {
            Kind::At => {
                "expected a date and time such as \"2026-12-01 10:00\" (year-month-day hours:minutes)"
            }
            Kind::Now => {
                "expected RFC 3339 such as 2026-12-02T09:00:00-05:00, or a date and time such as \"2026-12-02 09:00\""
            }
        }
    }

    /// Why `year` is refused, if it is.
    fn refuses(self, year: i64) -> Option<String> {
        match self {
            Kind::At if !(i64::from(*YEARS.start())..=i64::from(*YEARS.end())).contains(&year) => {
                Some(format!(
                    "years {}–{} only (what the planner and its holiday tables cover)",
                    YEARS.start(),
                    YEARS.end()
                ))
            }
            Kind::Now if year >= 9999 => Some(format!(
                "after the last moment the calendar holds ({} UTC)",
                Timestamp::MAX.strftime("%Y-%m-%d %H:%M")
            )),
            _ => None,
        }
    }
}

/// Reads `t` (trimmed `text`) as RFC 3339 or a civil date and time in `tz`.
fn read(t: &str, tz: &TimeZone, what: &str, text: &str, kind: Kind) -> Result<Local> {
    if let Ok(ts) = t.parse::<Timestamp>() {
        let zoned = ts.to_zoned(tz.clone());
        if kind == Kind::At {
            check_year(zoned.year(), what, text, kind)?;
        }
        return Ok(Local { zoned, note: None });
    }
    let dt = match t.parse::<DateTime>() {
        Ok(dt) => dt,
        // With an offset but not a valid instant, or not a date at all: say what is
        // wrong in plain words.
        Err(_) => {
            return Err(Error::input(format!(
                "invalid {what} `{text}`: {}",
                explain(t, kind)
            )))
        }
    };
    zoned(dt, tz, what, text, kind)
}

/// The wall-clock time `dt` in `tz`, as [`local`] reads a typed one (in [`YEARS`],
/// with a note when it does not exist there or happens twice); `what` names it.
pub fn in_zone(dt: DateTime, tz: &TimeZone, what: &str) -> Result<Local> {
    zoned(
        dt,
        tz,
        what,
        &dt.strftime("%Y-%m-%d %H:%M").to_string(),
        Kind::At,
    )
}

fn zoned(dt: DateTime, tz: &TimeZone, what: &str, text: &str, kind: Kind) -> Result<Local> {
    // Checked before converting: far years overflow the conversion.
    if kind == Kind::At {
        check_year(dt.year(), what, text, kind)?;
    }
    let ambiguous = tz.to_ambiguous_zoned(dt);
    let note = dst_note(&ambiguous, what, text);
    let zoned = ambiguous.compatible().map_err(|_| {
        // Only at the very ends of the calendar (a clock set there).
        let why = match Kind::Now.refuses(i64::from(dt.year())) {
            Some(why) => why,
            None => format!(
                "before the first moment the calendar holds ({} UTC)",
                Timestamp::MIN.strftime("%Y-%m-%d %H:%M")
            ),
        };
        Error::input(format!("invalid {what} `{text}`: {why}"))
    })?;
    check_year(zoned.year(), what, text, kind)?;
    Ok(Local { zoned, note })
}

fn check_year(year: i16, what: &str, text: &str, kind: Kind) -> Result<()> {
    if kind == Kind::Now {
        return Ok(());
    }
    match kind.refuses(i64::from(year)) {
        Some(why) => Err(Error::input(format!("invalid {what} `{text}`: {why}"))),
        None => Ok(()),
    }
}

/// Why `t` is not a date and time, in plain words: the part out of range ("February
/// 2026 has 28 days", "years 2000–2060 only", "hours go from 00 to 23") when it has
/// the shape `YYYY-MM-DD HH:MM`, else what is expected.
fn explain(t: &str, kind: Kind) -> String {
    let shape = kind.shape();
    let number = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (date, time) = match t.find([' ', 'T', 't']) {
        Some(i) => (&t[..i], t[i + 1..].trim_start()),
        None => (t, ""),
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) = (
        parts.next().and_then(number),
        parts.next().and_then(number),
        parts.next().and_then(number),
        parts.next(),
    ) else {
        return shape.to_string();
    };
    if kind == Kind::At {
        if let Some(why) = kind.refuses(y) {
            return why;
        }
    }
    let month = i8::try_from(m).ok();
    let Some(first) = month.and_then(|m| Date::new(y.min(9999) as i16, m, 1).ok()) else {
        return format!("there is no month {m} (months go from 01 to 12)");
    };
    let days = first.days_in_month();
    if d < 1 {
        return format!(
            "days start at 01 ({} has {days} days)",
            first.strftime("%B %Y")
        );
    }
    if d > i64::from(days) {
        return format!("{} has {days} days", first.strftime("%B %Y"));
    }
    // The time: HH:MM[:SS[.fraction]], then perhaps an offset.
    let clock = time.split(['+', 'Z', 'z', '-']).next().unwrap_or("");
    let mut fields = clock.split(':');
    let (h, min, sec) = (fields.next(), fields.next(), fields.next());
    let whole = |s: Option<&str>| s.map(|s| s.split('.').next().unwrap_or(s)).and_then(number);
    match (whole(h), whole(min)) {
        (Some(h), _) if h > 23 => "hours go from 00 to 23".to_string(),
        (Some(_), Some(m)) if m > 59 => "minutes go from 00 to 59".to_string(),
        (Some(_), Some(_)) if whole(sec).is_some_and(|s| s > 59) => {
            "seconds go from 00 to 59".to_string()
        }
        // Everything is in range: only the instant is past the calendar's end.
        _ => kind.refuses(y).unwrap_or_else(|| shape.to_string()),
    }
}

/// What to tell the user when `dt` does not exist in its zone or happens twice
/// there: which instant was taken (jiff's "compatible" choice: a gap moves forward by
/// its length, a fold takes the earlier instant) and, in a fold, how to write the
/// other.
fn dst_note(a: &jiff::tz::AmbiguousZoned, what: &str, text: &str) -> Option<String> {
    use jiff::tz::AmbiguousOffset;
    let (before, after) = match a.offset() {
        AmbiguousOffset::Unambiguous { .. } => return None,
        AmbiguousOffset::Gap { before, after } | AmbiguousOffset::Fold { before, after } => {
            (before, after)
        }
    };
    let tz = a.time_zone();
    let dt = a.datetime();
    let name = tz.iana_name().unwrap_or("this zone");
    let at = |offset: jiff::tz::Offset| {
        let ts = offset.to_timestamp(dt).ok()?;
        Some(Zoned::new(ts, tz.clone()))
    };
    // The transition lies within an offset change of the wall-clock time: after the
    // earliest instant the time could be.
    let widest = if before > after { before } else { after };
    let transition = widest
        .to_timestamp(dt)
        .ok()
        .and_then(|lo| tz.following(lo).next())
        .map(|t| t.timestamp());
    let clocks = |verb: &str| match transition {
        Some(t) => {
            let from = t.to_zoned(TimeZone::fixed(before)).datetime();
            let to = t.to_zoned(TimeZone::fixed(after)).datetime();
            if from.date() == to.date() {
                format!(
                    "the clocks go {verb} from {} to {} on {}",
                    from.strftime("%H:%M"),
                    to.strftime("%H:%M"),
                    dt.strftime("%a %b %-d %Y")
                )
            } else {
                // Across the date line: whole days.
                format!(
                    "the clocks go {verb} from {} to {}",
                    from.strftime("%a %b %-d %Y %H:%M"),
                    to.strftime("%a %b %-d %Y %H:%M")
                )
            }
        }
        None => format!("the clocks go {verb} that day"),
    };
    let taken = at(before)?;
    if after > before {
        Some(format!(
            "{what} `{}` does not exist in {name} ({}): read as {} ({})",
            text.trim(),
            clocks("forward"),
            taken.strftime("%H:%M %Z"),
            rfc3339(&taken)
        ))
    } else {
        let other = at(after)?;
        Some(format!(
            "{what} `{}` happens twice in {name} ({}): took the first, {} ({}); for the second, write {}",
            text.trim(),
            clocks("back"),
            taken.strftime("%H:%M %Z"),
            rfc3339(&taken),
            rfc3339(&other)
        ))
    }
}

/// A duration such as "45m", "1h", "1h30m", "90min" or a bare number of minutes.
pub fn duration(text: &str) -> Result<SignedDuration> {
    let t = text.trim();
    let d = if let Ok(mins) = t.parse::<i64>() {
        SignedDuration::from_mins(mins)
    } else {
        t.parse::<SignedDuration>().map_err(|_| {
            Error::input(format!(
                "invalid --duration `{text}` (expected something like 45m, 1h or 1h30m)"
            ))
        })?
    };
    if d <= SignedDuration::ZERO || d > SignedDuration::from_hours(24) {
        return Err(Error::input(format!(
            "invalid --duration `{text}`: an interview lasts more than 0 and at most 24 hours"
        )));
    }
    Ok(d)
}

/// Business hours such as "09:00-17:00".
pub fn hours(text: &str) -> Result<(Time, Time)> {
    let bad = || {
        Error::input(format!(
            "invalid business hours `{text}` (expected HH:MM-HH:MM, such as 09:00-17:00)"
        ))
    };
    let (a, b) = text.trim().split_once('-').ok_or_else(bad)?;
    let a: Time = a.trim().parse().map_err(|_| bad())?;
    let b: Time = b.trim().parse().map_err(|_| bad())?;
    if a >= b {
        return Err(Error::input(format!(
            "invalid business hours `{text}`: the start must be before the end"
        )));
    }
    Ok((a, b))
}

/// The recipients' business hours from "HH:MM-HH:MM", keeping the policy's preferred
/// moment inside them; `None` leaves the policy's hours.
pub fn business_hours(
    text: Option<&str>,
    policy: &followup_core::policy::Policy,
) -> Result<Option<followup_core::policy::Hours>> {
    let Some(text) = text else { return Ok(None) };
    let (start, end) = hours(text)?;
    Ok(Some(followup_core::policy::Hours {
        start,
        end,
        preferred: policy.hours.preferred.clamp(start, end),
    }))
}

/// RFC 3339 with the zone's offset, as used in JSON output.
pub fn rfc3339(z: &Zoned) -> String {
    if z.timestamp().subsec_nanosecond() == 0 {
        // The same text, several times faster: whole seconds print no fraction.
        z.timestamp().display_with_offset(z.offset()).to_string()
    } else {
        z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// Appends [`rfc3339`]`(z)` to `out`, digit by digit when the year has four digits
/// and the offset whole minutes (every zone in use today); else as `rfc3339`.
pub fn push_rfc3339(out: &mut Vec<u8>, z: &Zoned) {
    let dt = z.datetime();
    let offset = z.offset().seconds();
    let year = dt.year();
    if !(1000..=9999).contains(&year) || offset % 60 != 0 {
        out.extend_from_slice(rfc3339(z).as_bytes());
        return;
    }
    let year = year.unsigned_abs();
    let two = |n: u16| [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
    let [c, y] = [year / 100, year % 100].map(two);
    let field = |n: i8| two(n.unsigned_abs().into());
    let minutes = offset.unsigned_abs() / 60;
    let [oh, om] = [minutes / 60, minutes % 60].map(|n| two(n as u16));
    let [mo, d, h, mi, se] = [dt.month(), dt.day(), dt.hour(), dt.minute(), dt.second()].map(field);
    let sign = if offset < 0 { b'-' } else { b'+' };
    out.extend_from_slice(&[
        c[0], c[1], y[0], y[1], b'-', mo[0], mo[1], b'-', d[0], d[1], b'T', h[0], h[1], b':',
        mi[0], mi[1], b':', se[0], se[1], sign, oh[0], oh[1], b':', om[0], om[1],
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_is_the_strftime_text_in_every_zone() {
        let instants = [
            "2026-12-01T15:00:00Z",
            "2027-03-28T01:30:00Z",
            "2000-01-01T00:00:00Z",
        ];
        for zone in [
            "UTC",
            "Asia/Kolkata",
            "America/St_Johns",
            "Europe/London",
            "Pacific/Chatham",
        ] {
            let tz = TimeZone::get(zone).unwrap();
            for at in instants {
                let z = at.parse::<jiff::Timestamp>().unwrap().to_zoned(tz.clone());
                let want = z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
                assert_eq!(rfc3339(&z), want, "{zone} {at}");
            }
        }
        // Written digit by digit, the same text, in zones east and west, with
        // offsets of half and three quarters of an hour, and in the past.
        for zone in [
            "UTC",
            "America/New_York",
            "Asia/Kolkata",
            "America/St_Johns",
            "Pacific/Chatham",
            "Australia/Lord_Howe",
            "Europe/Dublin",
            "America/Sao_Paulo",
        ] {
            let tz = TimeZone::get(zone).unwrap();
            for at in [
                "2026-12-01T15:00:00Z",
                "2026-03-29T00:59:59Z",
                "2026-07-04T23:59:00.25Z",
                "1999-12-31T23:59:59Z",
                "1883-11-18T16:00:00Z",
                "1000-01-01T12:00:00Z",
                "0999-12-31T23:00:00Z",
                "9999-12-30T00:00:00Z",
            ] {
                let z = at.parse::<jiff::Timestamp>().unwrap().to_zoned(tz.clone());
                let mut out = Vec::new();
                push_rfc3339(&mut out, &z);
                assert_eq!(String::from_utf8(out).unwrap(), rfc3339(&z), "{zone} {at}");
            }
        }
        // With a fraction of a second, the seconds stay whole, as before.
        let z = "2026-12-01T15:00:00.5Z"
            .parse::<jiff::Timestamp>()
            .unwrap()
            .to_zoned(TimeZone::UTC);
        assert_eq!(rfc3339(&z), "2026-12-01T15:00:00+00:00");
    }

    #[test]
    fn zones_read_from_their_files_are_the_zones_jiff_finds() {
        let instants = [
            "1900-01-01T00:00:00Z",
            "1970-06-01T12:00:00Z",
            "2026-03-08T06:59:59Z",
            "2026-03-08T07:00:00Z",
            "2026-11-01T05:30:00Z",
            "2040-07-01T00:00:00Z",
        ];
        for name in [
            "America/New_York",
            "Europe/London",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "America/Argentina/Buenos_Aires",
            "US/Eastern",
            "Etc/GMT+5",
            "UTC",
            "utc",
            "Etc/UTC",
            "Etc/Unknown",
            "america/new_york",
            "../zoneinfo/Europe/Paris",
            "/usr/share/zoneinfo/Europe/Paris",
            "Europe//Paris",
            "No/Such_Zone",
            "zone1970.tab",
            "",
        ] {
            let (ours, theirs) = (zone_named(name), TimeZone::get(name));
            assert_eq!(ours.is_ok(), theirs.is_ok(), "{name}");
            let (Ok(ours), Ok(theirs)) = (ours, theirs) else {
                continue;
            };
            assert_eq!(ours.iana_name(), theirs.iana_name(), "{name}");
            for at in instants {
                let at: Timestamp = at.parse().unwrap();
                let (a, b) = (ours.to_offset_info(at), theirs.to_offset_info(at));
                assert_eq!(a.offset(), b.offset(), "{name} {at}");
                assert_eq!(a.abbreviation(), b.abbreviation(), "{name} {at}");
                assert_eq!(a.dst(), b.dst(), "{name} {at}");
            }
        }
        let (ours, theirs) = (system_zone(), TimeZone::system());
        let at: Timestamp = "2026-07-01T00:00:00Z".parse().unwrap();
        assert_eq!(ours.to_offset(at), theirs.to_offset(at));

        // What `TZ` and `/etc/localtime` say, as jiff reads them.
        let name = |tz: Option<&str>, link: Option<&str>| {
            zone_of_system(tz.map(std::ffi::OsStr::new), || link.map(Into::into))
                .map(|z| z.iana_name().map(str::to_owned))
        };
        let some = |n: &str| Some(Some(n.to_owned()));
        assert_eq!(name(Some(""), None), some("UTC"));
        assert_eq!(name(Some("UTC"), None), some("UTC"));
        assert_eq!(name(Some("Europe/Paris"), None), some("Europe/Paris"));
        assert_eq!(name(Some("EST5EDT"), None), None, "a POSIX rule");
        assert_eq!(name(Some("<+05>-5"), None), None, "a POSIX rule");
        assert_eq!(name(Some(":Europe/Paris"), None), None);
        assert_eq!(name(Some("/usr/share/zoneinfo/Europe/Paris"), None), None);
        assert_eq!(name(Some("No/Such_Zone"), None), None);
        let paris = Some("/usr/share/zoneinfo/Europe/Paris");
        assert_eq!(name(None, paris), some("Europe/Paris"));
        assert_eq!(
            name(None, Some("../usr/share/zoneinfo/Asia/Tokyo")),
            some("Asia/Tokyo")
        );
        assert_eq!(name(None, Some("/etc/zones/Paris")), None);
        assert_eq!(name(None, None), None);
        assert_eq!(
            name(Some("Asia/Tokyo"), paris),
            some("Asia/Tokyo"),
            "TZ first"
        );
    }

    #[test]
    fn parses_what_people_type() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let z = local_datetime("2026-12-01 10:00", &tz, "--at").unwrap();
        assert_eq!(rfc3339(&z), "2026-12-01T10:00:00-05:00");
        let z = local_datetime("2026-12-01T15:00:00Z", &tz, "--at").unwrap();
        assert_eq!(rfc3339(&z), "2026-12-01T10:00:00-05:00");
        assert!(local_datetime("2026-02-30 10:00", &tz, "--at").is_err());
        assert!(local_datetime("2026-12-01", &tz, "--at")
            .unwrap_err()
            .to_string()
            .contains("no time of day"));
        let err = |text: &str| local(text, &tz, "--at").unwrap_err().to_string();
        assert_eq!(
            err("2026-02-30 10:00"),
            "invalid --at `2026-02-30 10:00`: February 2026 has 28 days"
        );
        assert_eq!(
            err("9999-12-31 23:30"),
            "invalid --at `9999-12-31 23:30`: years 2000–2060 only (what the planner and its holiday tables cover)"
        );
        assert!(err("12/01/2026 10:00").contains("expected a date and time"));
        assert_eq!(duration("45m").unwrap(), SignedDuration::from_mins(45));
        assert_eq!(duration("1h30m").unwrap(), SignedDuration::from_mins(90));
        assert_eq!(duration("90").unwrap(), SignedDuration::from_mins(90));
        assert!(duration("0m").is_err());
        assert!(hours("17:00-09:00").is_err());
    }

    #[test]
    fn gaps_and_folds_are_taken_as_jiff_does_and_noted() {
        let tz = TimeZone::get("America/New_York").unwrap();
        for (text, want) in [
            ("2026-03-08 02:30", "2026-03-08T03:30:00-04:00"),
            ("2026-11-01 01:30", "2026-11-01T01:30:00-04:00"),
            ("2026-07-01 02:30", "2026-07-01T02:30:00-04:00"),
        ] {
            let l = local(text, &tz, "--at").unwrap();
            assert_eq!(rfc3339(&l.zoned), want);
            let jiff = text
                .parse::<DateTime>()
                .unwrap()
                .to_zoned(tz.clone())
                .unwrap();
            assert_eq!(l.zoned, jiff, "the instant jiff's compatible choice gives");
            assert_eq!(l.note.is_some(), text != "2026-07-01 02:30", "{text}");
        }
        // Across the date line, a whole day is skipped (Samoa, December 2011).
        let apia = TimeZone::get("Pacific/Apia").unwrap();
        let dt = jiff::civil::date(2011, 12, 30).at(12, 0, 0, 0);
        let l = in_zone(dt, &apia, "the interview's time").unwrap();
        assert_eq!(rfc3339(&l.zoned), "2011-12-31T12:00:00+14:00");
        assert_eq!(
            l.note.as_deref(),
            Some("the interview's time `2011-12-30 12:00` does not exist in Pacific/Apia (the clocks go forward from Fri Dec 30 2011 00:00 to Sat Dec 31 2011 00:00): read as 12:00 +14 (2011-12-31T12:00:00+14:00)")
        );
        // Lord Howe moves its clocks by half an hour.
        let lh = TimeZone::get("Australia/Lord_Howe").unwrap();
        let l = local("2026-10-04 02:15", &lh, "--at").unwrap();
        assert_eq!(
            l.note.as_deref(),
            Some("--at `2026-10-04 02:15` does not exist in Australia/Lord_Howe (the clocks go forward from 02:00 to 02:30 on Sun Oct 4 2026): read as 02:45 +11 (2026-10-04T02:45:00+11:00)")
        );
    }
}
