//! Parsing the times, zones, durations and hours given on the command line.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};

use crate::error::{Error, Result};

/// The years the planner and its holiday tables cover.
pub const YEARS: std::ops::RangeInclusive<i16> = 2000..=2060;

/// An IANA zone by name.
pub fn zone(name: &str, flag: &str) -> Result<TimeZone> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::input(format!(
            "{flag} is empty: give an IANA zone such as America/New_York"
        )));
    }
    TimeZone::get(name).map_err(|_| {
        Error::input(format!(
            "unknown time zone `{name}` for {flag} (expected an IANA name such as America/New_York or Europe/London)"
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

/// A local date and time such as "2026-12-01 10:00", read in `tz`. An RFC 3339
/// timestamp with an offset is accepted too and converted to `tz`.
pub fn local_datetime(text: &str, tz: &TimeZone, flag: &str) -> Result<Zoned> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return in_range(ts.to_zoned(tz.clone()), flag, text);
    }
    if !t.contains(':') && t.parse::<Date>().is_ok() {
        return Err(Error::input(format!(
            "{flag} `{text}` has no time of day: write \"{t} 10:00\""
        )));
    }
    let dt: DateTime = match t.parse::<DateTime>() {
        Ok(dt) => dt,
        Err(e) => {
            return Err(Error::input(format!(
                "invalid {flag} `{text}`: {} (expected \"YYYY-MM-DD HH:MM\")",
                crate::settings::one_line(&e.to_string())
            )))
        }
    };
    let z = tz
        .to_ambiguous_zoned(dt)
        .compatible()
        .map_err(|e| Error::input(format!("invalid {flag} `{text}`: {e}")))?;
    in_range(z, flag, text)
}

fn in_range(z: Zoned, flag: &str, text: &str) -> Result<Zoned> {
    if !YEARS.contains(&z.year()) {
        return Err(Error::input(format!(
            "{flag} `{text}` is outside the years {}–{} that the planner covers",
            YEARS.start(),
            YEARS.end()
        )));
    }
    Ok(z)
}

/// The current moment from `--now` / `FOLLOWUP_NOW`: RFC 3339, or a local time in `tz`.
pub fn now(text: &str, tz: &TimeZone) -> Result<Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts);
    }
    match t.parse::<DateTime>() {
        Ok(dt) => tz
            .to_ambiguous_zoned(dt)
            .compatible()
            .map(|z| z.timestamp())
            .map_err(|e| Error::input(format!("invalid --now `{text}`: {e}"))),
        Err(e) => Err(Error::input(format!(
            "invalid --now `{text}`: {} (expected RFC 3339 such as 2026-12-02T09:00:00-05:00)",
            crate::settings::one_line(&e.to_string())
        ))),
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
        assert_eq!(duration("45m").unwrap(), SignedDuration::from_mins(45));
        assert_eq!(duration("1h30m").unwrap(), SignedDuration::from_mins(90));
        assert_eq!(duration("90").unwrap(), SignedDuration::from_mins(90));
        assert!(duration("0m").is_err());
        assert!(hours("17:00-09:00").is_err());
    }
}
