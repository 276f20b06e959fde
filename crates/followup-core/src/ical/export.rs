//! The planned steps as an iCalendar document (RFC 5545): text in, text out.
//!
//! A small writer rather than a general iCalendar library: the export needs a handful
//! of properties, and the parts that are easy to get wrong are all here and tested —
//! CRLF line endings, lines folded at 75 octets without splitting a UTF-8 character,
//! TEXT escaping, and `VTIMEZONE` blocks generated from jiff's zone data for the span
//! the events cover, so every `DTSTART;TZID=...` has its definition in the file.
//!
//! [`uid`] gives each step a UID made of the application id, the step's kind and the
//! recipient's contact id, so the same step keeps its UID from one export to the next
//! and a calendar updates the event instead of adding a second one.

use std::fmt::Write as _;

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp, Zoned};

use crate::plan::StepKind;

/// The `PRODID` of every document written here.
pub const PRODID: &str = "-//followup//followup export//EN";

/// The longest content line, in octets, not counting the CRLF (RFC 5545, 3.1).
pub const MAX_LINE_OCTETS: usize = 75;

/// Whether an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    /// An open item of the agenda: upcoming, due or overdue.
    Confirmed,
    /// A later step of the plan; its date moves as things happen.
    Tentative,
    /// Done, or no longer on the plan: the calendar removes it.
    Cancelled,
}

impl EventStatus {
    /// The `STATUS` value.
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Confirmed => "CONFIRMED",
            EventStatus::Tentative => "TENTATIVE",
            EventStatus::Cancelled => "CANCELLED",
        }
    }
}

/// A reminder shown before the event (`VALARM` with `ACTION:DISPLAY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alarm {
    /// How long before the start it goes off (zero: at the start).
    pub before: SignedDuration,
    /// The text shown.
    pub description: String,
}

/// One `VEVENT`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The stable UID (see [`uid`]).
    pub uid: String,
    /// Revision number: higher when the event changed since an earlier export.
    pub sequence: u32,
    /// Confirmed, tentative or cancelled.
    pub status: EventStatus,
    /// The start, in the zone the event is written in (the recipient's).
    pub start: Zoned,
    /// How long the event lasts.
    pub duration: SignedDuration,
    /// One line a person understands at a glance.
    pub summary: String,
    /// The reasons, the draft, anything else; may have several lines.
    pub description: String,
    /// The reminder, if any.
    pub alarm: Option<Alarm>,
}

/// The UID of one step of one application: `followup-<app>-<kind>[-<contact>]@followup.local`.
/// The same inputs give the same UID in every export.
pub fn uid(application: i64, kind: StepKind, contact: Option<i64>) -> String {
    match contact {
        Some(c) => format!(
            "followup-{application}-{}-{c}@followup.local",
            kind.as_str()
        ),
        None => format!("followup-{application}-{}@followup.local", kind.as_str()),
    }
}

/// Escapes a TEXT value: `\` `;` `,` and line breaks (CRLF, CR or LF become `\n`);
/// other control characters, which TEXT cannot hold, are dropped. Tabs are kept.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line to `out`, folded so that no physical line is longer than
/// [`MAX_LINE_OCTETS`] octets (a continuation line's leading space counts), never
/// inside a UTF-8 character, and ended with CRLF.
pub fn fold_into(out: &mut String, line: &str) {
    let mut rest = line;
    let mut room = MAX_LINE_OCTETS;
    loop {
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = MAX_LINE_OCTETS - 1;
    }
}

/// One content line, folded.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 64 * 3 + 2);
    fold_into(&mut out, line);
    out
}

/// A parameter value: quoted when it holds `:`, `;` or `,`; double quotes and control
/// characters, which no parameter value can hold, are dropped.
fn param_value(v: &str) -> String {
    let clean: String = v.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// `20261201T170000Z`.
pub fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn local(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

/// `-PT15M`, `P1DT2H`, `PT0S`: an RFC 5545 duration (whole seconds).
pub fn duration(d: SignedDuration) -> String {
    let mut out = String::new();
    if d.is_negative() {
        out.push('-');
    }
    let mut secs = d.as_secs().unsigned_abs();
    out.push('P');
    let days = secs / 86_400;
    secs %= 86_400;
    if days > 0 {
        let _ = write!(out, "{days}D");
    }
    if secs > 0 || days == 0 {
        out.push('T');
        let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
        if h > 0 {
            let _ = write!(out, "{h}H");
        }
        if m > 0 {
            let _ = write!(out, "{m}M");
        }
        if s > 0 || (h == 0 && m == 0) {
            let _ = write!(out, "{s}S");
        }
    }
    out
}

/// `+0100`, `-0500`, `+054500`.
fn offset(o: Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.unsigned_abs();
    let (h, m, sec) = (a / 3600, a / 60 % 60, a % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// The zone's IANA name when events can be written with `TZID` (not for UTC or a zone
/// without a name, which are written in UTC).
fn tzid(tz: &TimeZone) -> Option<&str> {
    tz.iana_name()
        .filter(|n| !matches!(*n, "UTC" | "Etc/UTC" | "Etc/Universal" | "Etc/Zulu"))
}

/// A `VTIMEZONE` for `tz` valid from `from` to `to`: one observance for the offset in
/// force at `from` and one per transition up to `to`, each with `DTSTART` (local time
/// before the change), `TZOFFSETFROM`, `TZOFFSETTO` and `TZNAME`. `None` for UTC and
/// for a zone without an IANA name.
pub fn vtimezone(tz: &TimeZone, from: Timestamp, to: Timestamp) -> Option<String> {
    let id = tzid(tz)?;
    let mut out = String::new();
    fold_into(&mut out, "BEGIN:VTIMEZONE");
    fold_into(&mut out, &format!("TZID:{}", escape_text(id)));
    let observance =
        |out: &mut String, at: Timestamp, before: Offset, after: Offset, dst: bool, name: &str| {
            let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
            fold_into(out, &format!("BEGIN:{kind}"));
            fold_into(out, &format!("DTSTART:{}", local(before.to_datetime(at))));
            fold_into(out, &format!("TZOFFSETFROM:{}", offset(before)));
            fold_into(out, &format!("TZOFFSETTO:{}", offset(after)));
            if !name.is_empty() {
                fold_into(out, &format!("TZNAME:{}", escape_text(name)));
            }
            fold_into(out, &format!("END:{kind}"));
        };
    let before_of = |t: Timestamp| {
        t.checked_sub(SignedDuration::from_secs(1))
            .map_or_else(|_| tz.to_offset(t), |p| tz.to_offset(p))
    };
    let mut last = match tz.preceding(from).next() {
        Some(t) => {
            let at = t.timestamp();
            observance(
                &mut out,
                at,
                before_of(at),
                t.offset(),
                t.dst().is_dst(),
                t.abbreviation(),
            );
            at
        }
        None => {
            // No change before `from` (a fixed-offset zone, or a span before the first
            // recorded change): the offset in force, from the epoch.
            let info = tz.to_offset_info(from);
            let o = info.offset();
            let epoch = Timestamp::UNIX_EPOCH.min(from);
            observance(
                &mut out,
                epoch,
                o,
                o,
                info.dst().is_dst(),
                info.abbreviation(),
            );
            from
        }
    };
    for t in tz.following(last) {
        let at = t.timestamp();
        if at > to {
            break;
        }
        if at <= last {
            continue;
        }
        observance(
            &mut out,
            at,
            before_of(at),
            t.offset(),
            t.dst().is_dst(),
            t.abbreviation(),
        );
        last = at;
    }
    fold_into(&mut out, "END:VTIMEZONE");
    Some(out)
}

/// `DTSTART;TZID=Zone:20261201T130000`, or `DTSTART:20261201T180000Z` in UTC.
fn date_time(name: &str, z: &Zoned) -> String {
    match tzid(z.time_zone()) {
        Some(id) => format!("{name};TZID={}:{}", param_value(id), local(z.datetime())),
        None => format!("{name}:{}", utc(z.timestamp())),
    }
}

/// The whole document: `VCALENDAR` with `VERSION:2.0`, `PRODID`, `CALSCALE`,
/// `METHOD:PUBLISH`, a `VTIMEZONE` per zone used (covering every event), then the
/// events in the order given. `stamp` is the `DTSTAMP` of every event (when the
/// document was made); `name` the calendar's display name.
pub fn write(name: &str, events: &[Event], stamp: Timestamp) -> String {
    let mut out = String::with_capacity(1024 + events.len() * 1536);
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        &format!("PRODID:{PRODID}"),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        &format!("NAME:{}", escape_text(name)),
        &format!("X-WR-CALNAME:{}", escape_text(name)),
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ] {
        fold_into(&mut out, line);
    }

    // One VTIMEZONE per zone, over the span of its events.
    let mut zones: Vec<(&str, &TimeZone, Timestamp, Timestamp)> = Vec::new();
    for e in events {
        let Some(id) = tzid(e.start.time_zone()) else {
            continue;
        };
        let start = e.start.timestamp();
        let end = start.checked_add(e.duration).unwrap_or(start).max(start);
        match zones.iter_mut().find(|z| z.0 == id) {
            Some(z) => {
                z.2 = z.2.min(start);
                z.3 = z.3.max(end);
            }
            None => zones.push((id, e.start.time_zone(), start, end)),
        }
    }
    zones.sort_by(|a, b| a.0.cmp(b.0));
    for (_, tz, from, to) in &zones {
        if let Some(block) = vtimezone(tz, *from, *to) {
            out.push_str(&block);
        }
    }

    let stamp = utc(stamp);
    for e in events {
        let end = e
            .start
            .checked_add(e.duration)
            .unwrap_or_else(|_| e.start.clone());
        let lines = [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", escape_text(&e.uid)),
            format!("DTSTAMP:{stamp}"),
            format!("SEQUENCE:{}", e.sequence),
            date_time("DTSTART", &e.start),
            date_time("DTEND", &end),
            format!("SUMMARY:{}", escape_text(&e.summary)),
            format!("DESCRIPTION:{}", escape_text(&e.description)),
            format!("STATUS:{}", e.status.as_str()),
            "TRANSP:TRANSPARENT".to_string(),
            "CATEGORIES:followup".to_string(),
        ];
        for l in &lines {
            fold_into(&mut out, l);
        }
        if let (Some(a), false) = (&e.alarm, e.status == EventStatus::Cancelled) {
            fold_into(&mut out, "BEGIN:VALARM");
            fold_into(&mut out, "ACTION:DISPLAY");
            fold_into(
                &mut out,
                &format!("TRIGGER;RELATED=START:{}", duration(-a.before.abs())),
            );
            fold_into(
                &mut out,
                &format!("DESCRIPTION:{}", escape_text(&a.description)),
            );
            fold_into(&mut out, "END:VALARM");
        }
        fold_into(&mut out, "END:VEVENT");
    }
    fold_into(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(SignedDuration::from_mins(-15)), "-PT15M");
        assert_eq!(duration(SignedDuration::ZERO), "PT0S");
        assert_eq!(duration(SignedDuration::from_hours(26)), "P1DT2H");
        assert_eq!(duration(SignedDuration::from_hours(24)), "P1D");
        assert_eq!(duration(SignedDuration::from_secs(3661)), "PT1H1M1S");
    }

    #[test]
    fn offsets_and_params() {
        assert_eq!(offset(Offset::from_seconds(-5 * 3600).unwrap()), "-0500");
        assert_eq!(
            offset(Offset::from_seconds(5 * 3600 + 45 * 60).unwrap()),
            "+0545"
        );
        assert_eq!(
            offset(Offset::from_seconds(-(3600 + 2)).unwrap()),
            "-010002"
        );
        assert_eq!(param_value("Europe/Paris"), "Europe/Paris");
        assert_eq!(param_value("a:b\"c"), "\"a:bc\"");
    }
}
