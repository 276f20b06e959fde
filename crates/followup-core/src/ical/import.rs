//! Interview invitations and holiday calendars read from iCalendar (RFC 5545) text.
//!
//! [`parse_invites`] turns an `.ics` file, or an e-mail (`.eml`) that carries a
//! `text/calendar` part, into plain [`Invite`]s: start and end as instants, the zone,
//! the title, the location or meeting link, the organiser and the attendees.
//! [`parse_holidays`] turns a calendar of closure days into `(date, name)` pairs for
//! [`Region::custom`](crate::calendar::Region::custom).
//!
//! The iCalendar syntax (folded lines, escaped commas and newlines, parameters, quoted
//! `CN="Doe, Jane"`) is read by the `calcard` crate; e-mails by `mail-parser` (MIME
//! parts, base64 and quoted-printable). This module maps what they give to the
//! tracker's terms.
//!
//! # Times
//!
//! - `…Z` times are UTC; [`Invite::tz`] is `None`.
//! - `TZID=…` names a zone: an IANA name, a zone the file defines in a `VTIMEZONE`
//!   block (recognised through its `X-LIC-LOCATION` or Exchange's
//!   `X-MICROSOFT-CDO-TZID`), or a Windows name such as `W. Europe Standard Time`
//!   (mapped to its IANA zone through calcard's table of Windows zone names). A TZID
//!   that none of these resolves is an error: guessing would shift the interview.
//! - Floating times (no `Z`, no `TZID`, as Apple Calendar writes for some events) are
//!   read in [`ParseOptions::floating_tz`] (the user's configured zone), else the
//!   calendar's `X-WR-TIMEZONE`, else UTC.
//! - An event with `DTSTART` only lasts an hour; a date-only event lasts its days.
//!
//! # Bad input
//!
//! Before anything is parsed, input over [`MAX_INPUT_BYTES`] and any line over
//! [`MAX_LINE_CHARS`] characters are refused. Every error is an [`ImportError`] naming
//! the problem and, where there is one, the line. Parsing never panics, whatever the
//! input (a fuzz target in `fuzz/` checks this).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use calcard::common::timezone::Tz;
use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarMethod,
    ICalendarParameterName, ICalendarParameterValue, ICalendarParticipationRole,
    ICalendarParticipationStatus, ICalendarProperty, ICalendarStatus, ICalendarUserTypes,
    ICalendarValue,
};
use calcard::{Entry, Parser};
use jiff::civil::{Date, DateTime};
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::model::Round;

/// Input larger than this (10 MB) is refused before parsing.
pub const MAX_INPUT_BYTES: usize = 10 * 1024 * 1024;

/// A line longer than this is refused before parsing.
pub const MAX_LINE_CHARS: usize = 100_000;

/// The longest run of days one holiday event may cover.
pub const MAX_HOLIDAY_DAYS: i64 = 366;

/// Why an invitation or holiday calendar could not be read. Each message is one line
/// that names the problem and, where there is one, the line of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The input is over [`MAX_INPUT_BYTES`].
    #[error("the file is too large: {bytes} bytes, at most {max} are read", max = MAX_INPUT_BYTES)]
    TooLarge {
        /// Its size.
        bytes: usize,
    },
    /// A line is over [`MAX_LINE_CHARS`] characters.
    #[error("line {line} is too long: {chars} characters, at most {max}", max = MAX_LINE_CHARS)]
    LineTooLong {
        /// The line (from 1).
        line: usize,
        /// Its length in characters (at least).
        chars: usize,
    },
    /// The input is neither iCalendar nor an e-mail.
    #[error("not an iCalendar file: line {line} is `{found}`, expected BEGIN:VCALENDAR")]
    NotICalendar {
        /// The first line that is not blank.
        line: usize,
        /// Its beginning.
        found: String,
    },
    /// Nothing but blank lines.
    #[error("the file is empty")]
    Empty,
    /// An e-mail without a calendar part.
    #[error("the e-mail has no text/calendar part (no invitation in it)")]
    NoCalendarPart,
    /// The calendar is cut short or malformed.
    #[error("malformed iCalendar at line {line}: {problem}")]
    Malformed {
        /// Where.
        line: usize,
        /// What.
        problem: String,
    },
    /// The calendar holds no event.
    #[error("the calendar has no event (no VEVENT in {lines} line(s))")]
    NoEvent {
        /// How many lines were read.
        lines: usize,
    },
    /// A TZID that is neither an IANA zone, nor defined by the file, nor a known
    /// Windows zone name.
    #[error("unknown TZID `{tzid}` at line {line} (not an IANA zone, a Windows zone name or a VTIMEZONE of the file)")]
    UnknownTzid {
        /// The zone name as written.
        tzid: String,
        /// The line that uses it.
        line: usize,
    },
    /// One event is unusable.
    #[error("event at line {line}: {problem}")]
    BadEvent {
        /// The event's `BEGIN:VEVENT` line.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// An error inside the calendar part of an e-mail.
    #[error("{0} (in the e-mail's calendar part)")]
    InEmail(Box<ImportError>),
}

/// A person named in an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The name (`CN`, with Outlook's "Last, First" turned into "First Last"), else one
    /// made from the address ("jane.doe@…" gives "Jane Doe").
    pub name: String,
    /// The address, without `mailto:`.
    pub email: Option<String>,
}

/// One event of an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Invite {
    /// The event's UID (one is made from its start and title when the file gives none).
    pub uid: String,
    /// Its SEQUENCE: an update of the same UID carries a higher one.
    pub sequence: i64,
    /// METHOD:CANCEL or STATUS:CANCELLED.
    pub cancelled: bool,
    /// When it starts.
    pub start: Timestamp,
    /// When it ends.
    pub end: Timestamp,
    /// The IANA zone the times were given in; `None` for UTC times, and for floating
    /// times read as UTC.
    pub tz: Option<String>,
    /// The times had no zone (read as described in the module documentation).
    pub floating: bool,
    /// A date-only event.
    pub all_day: bool,
    /// SUMMARY, on one line.
    pub title: String,
    /// LOCATION, and the meeting link when it is elsewhere, on one line.
    pub location: Option<String>,
    /// The meeting link: from the location, a conference property
    /// (`X-GOOGLE-CONFERENCE`, Teams' `X-MICROSOFT-SKYPETEAMSMEETINGURL`, `CONFERENCE`),
    /// `URL`, or the first meeting link in the description.
    pub link: Option<String>,
    /// DESCRIPTION.
    pub description: Option<String>,
    /// ORGANIZER.
    pub organizer: Option<Person>,
    /// ATTENDEEs who take part: not rooms and resources (`CUTYPE`), not those who
    /// declined (`PARTSTAT=DECLINED`) or only receive it (`ROLE=NON-PARTICIPANT`).
    pub attendees: Vec<Person>,
    /// The person the description names as the meeting's host when the event has no
    /// organiser or attendee: Zoom's "Jane Doe is inviting you to a scheduled Zoom
    /// meeting", an "Organizer: Jane Doe <jane@acme.com>" line of Teams or Meet.
    pub host: Option<Person>,
    /// The calendar's METHOD, upper-case (`REQUEST`, `PUBLISH`, `CANCEL`, ...).
    pub method: Option<String>,
    /// The event repeats (`RRULE` or `RDATE`); the invite is its first occurrence.
    pub recurring: bool,
    /// The line of its `BEGIN:VEVENT` (of the calendar part, in an e-mail).
    pub line: usize,
}

impl Invite {
    /// The organiser and the attendees without the user (`me`, compared
    /// case-insensitively) and without duplicates.
    ///
    /// Addresses of services rather than people (Calendly's notifications, `no-reply@`
    /// senders) are left out too.
    pub fn interviewers(&self, me: Option<&str>) -> Vec<Person> {
        let mut out: Vec<Person> = Vec::new();
        for p in self
            .organizer
            .iter()
            .chain(&self.attendees)
            .chain(self.host.iter())
        {
            if p.email.as_deref().is_some_and(is_service_address) {
                continue;
            }
            let is_me = match (me, &p.email) {
                (Some(me), Some(e)) => e.eq_ignore_ascii_case(me.trim()),
                _ => false,
            };
            let seen = out.iter().any(|q| match (&q.email, &p.email) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (None, None) => q.name.eq_ignore_ascii_case(&p.name),
                _ => false,
            });
            if !is_me && !seen {
                out.push(p.clone());
            }
        }
        out
    }

    /// The length in whole minutes (at least 1).
    pub fn duration_minutes(&self) -> i64 {
        (self.end.duration_since(self.start).as_secs() / 60).max(1)
    }
}

/// How to read what the file leaves open.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// The zone for floating times (the user's configured zone).
    pub floating_tz: Option<TimeZone>,
}

/// Reads the events of an `.ics` text, or of the calendar part of an e-mail, with
/// floating times in UTC unless the calendar names its zone (see [`parse_invites_with`]).
pub fn parse_invites(text: &str) -> Result<Vec<Invite>, ImportError> {
    parse_invites_with(text, &ParseOptions::default())
}

/// Reads the events of an `.ics` text, or of the calendar part of an e-mail.
///
/// Every event is checked; the first problem is returned and no event is, so a caller
/// that writes only on `Ok` writes all or nothing.
pub fn parse_invites_with(text: &str, opts: &ParseOptions) -> Result<Vec<Invite>, ImportError> {
    with_calendar_text(text, |cal| {
        let doc = Document::parse(cal)?;
        doc.invites(opts)
    })
}

/// [`parse_invites_with`] of a file's bytes: UTF-8, else Windows-1252 (Latin-1 with
/// the quotes and dashes Windows adds), as [`decode_text`] reads them. An e-mail is
/// read from its bytes, so the calendar part's own `charset` is honoured.
pub fn parse_invites_bytes(bytes: &[u8], opts: &ParseOptions) -> Result<Vec<Invite>, ImportError> {
    let text = decode_text(bytes);
    if bytes.len() <= MAX_INPUT_BYTES {
        let (_, first) = first_content_line(&text);
        if !starts_with_ignore_case(first, "BEGIN:VCALENDAR") && looks_like_email(&text) {
            let cal = email_calendar_part(bytes).map_err(|e| ImportError::InEmail(Box::new(e)))?;
            return with_calendar_text(&cal, |cal| Document::parse(cal)?.invites(opts))
                .map_err(|e| ImportError::InEmail(Box::new(e)));
        }
    }
    parse_invites_with(&text, opts)
}

/// A file's text: UTF-8 (without a byte-order mark's worries: it is skipped later),
/// else each byte as Windows-1252 reads it, which is Latin-1 with printable
/// characters in 0x80–0x9F (the bytes it leaves undefined are kept as the C1 controls
/// Latin-1 has there).
pub fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(s);
    }
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    Cow::Owned(
        bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9f => HIGH[usize::from(b - 0x80)],
                _ => char::from(b),
            })
            .collect(),
    )
}

/// Reads a calendar of holidays or closure days: each event's DTSTART date, or every
/// date from DTSTART up to DTEND (exclusive) for a multi-day event, named by its
/// SUMMARY. A repeating event (`RRULE`, `RDATE`, with `EXDATE` and `RECURRENCE-ID`
/// exceptions) gives every occurrence, for at most [`RECURRENCE_YEARS`] years or
/// [`MAX_OCCURRENCES`] occurrences. The pairs come in the file's order;
/// [`Region::custom`] sorts them.
///
/// [`Region::custom`]: crate::calendar::Region::custom
pub fn parse_holidays(text: &str) -> Result<Vec<(Date, String)>, ImportError> {
    with_calendar_text(text, |cal| {
        let doc = Document::parse(cal)?;
        doc.holidays()
    })
}

/// Size checks, then the text itself or the calendar part of an e-mail.
fn with_calendar_text<T>(
    text: &str,
    f: impl FnOnce(&str) -> Result<T, ImportError>,
) -> Result<T, ImportError> {
    check_size(text)?;
    let (first_line, first) = first_content_line(text);
    if starts_with_ignore_case(first, "BEGIN:VCALENDAR") {
        return f(text);
    }
    if looks_like_email(text) {
        let cal = email_calendar_part(text.as_bytes())?;
        return check_size(&cal)
            .and_then(|()| f(&cal))
            .map_err(|e| ImportError::InEmail(Box::new(e)));
    }
    if first.is_empty() {
        return Err(ImportError::Empty);
    }
    Err(ImportError::NotICalendar {
        line: first_line,
        // Control characters (binary input) shown escaped, never sent to a terminal.
        found: first
            .chars()
            .take(40)
            .flat_map(|c| {
                if c.is_control() {
                    c.escape_default().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect(),
    })
}

fn check_size(text: &str) -> Result<(), ImportError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge { bytes: text.len() });
    }
    for (i, line) in text.split('\n').enumerate() {
        if line.len() > MAX_LINE_CHARS {
            let chars = line.chars().count();
            if chars > MAX_LINE_CHARS {
                return Err(ImportError::LineTooLong { line: i + 1, chars });
            }
        }
    }
    Ok(())
}

/// The first line that is not blank (from 1), without a byte-order mark.
fn first_content_line(text: &str) -> (usize, &str) {
    for (i, line) in text.split('\n').enumerate() {
        let t = line.trim_start_matches('\u{feff}').trim();
        if !t.is_empty() {
            return (i + 1, t);
        }
    }
    (1, "")
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether `s` ends with the ASCII `suffix`, ignoring ASCII case.
fn ends_with_ignore_case(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// A header block (`Name: value` lines) with a MIME header in it.
fn looks_like_email(text: &str) -> bool {
    let mut mime = false;
    for line in text.lines().take(200) {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((name, _)) = line.split_once(':') else {
            return false;
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
        mime |=
            name.eq_ignore_ascii_case("content-type") || name.eq_ignore_ascii_case("mime-version");
    }
    mime
}

/// The first `text/calendar` part of an e-mail (else an `application/ics` one), decoded.
fn email_calendar_part(bytes: &[u8]) -> Result<String, ImportError> {
    use mail_parser::{MessageParser, MimeHeaders, PartType};
    let msg = MessageParser::default()
        .parse(bytes)
        .ok_or(ImportError::NoCalendarPart)?;
    let mut fallback = None;
    for part in &msg.parts {
        if matches!(part.body, PartType::Multipart(_) | PartType::Message(_)) {
            continue;
        }
        let Some(ct) = part.content_type() else {
            continue;
        };
        let sub = ct.subtype().unwrap_or("");
        let calendar =
            ct.ctype().eq_ignore_ascii_case("text") && sub.eq_ignore_ascii_case("calendar");
        let attached = (ct.ctype().eq_ignore_ascii_case("application")
            && sub.eq_ignore_ascii_case("ics"))
            || part
                .attachment_name()
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(".ics"));
        if calendar || attached {
            // A text part is decoded from its charset by the parser; an attachment's
            // bytes are read as a file's.
            let body = match &part.body {
                PartType::Text(t) => t.to_string(),
                _ => decode_text(part.contents()).into_owned(),
            };
            if calendar {
                return Ok(body);
            }
            fallback.get_or_insert(body);
        }
    }
    fallback.ok_or(ImportError::NoCalendarPart)
}

/// A parsed calendar with the line of each `BEGIN:VEVENT`.
struct Document<'a> {
    text: Cow<'a, str>,
    calendars: Vec<ICalendar>,
    /// Line (from 1) of each `BEGIN:VEVENT`, in order.
    event_lines: Vec<usize>,
    lines: usize,
}

impl<'a> Document<'a> {
    fn parse(text: &'a str) -> Result<Document<'a>, ImportError> {
        // What is outside the calendars (a signature after END:VCALENDAR, a line a
        // mail program added) is not read; line numbers stay those of the file.
        let text = outside_calendars_blanked(text);
        let mut event_lines = Vec::new();
        let mut event_ends = 0;
        let mut calendar_end = 0;
        let mut lines = 0;
        for (i, line) in text.split('\n').enumerate() {
            lines = i + 1;
            let t = line.trim();
            if t.len() == 12 && t.eq_ignore_ascii_case("BEGIN:VEVENT") {
                event_lines.push(i + 1);
            } else if t.len() == 10 && t.eq_ignore_ascii_case("END:VEVENT") {
                event_ends += 1;
            } else if t.len() == 13 && t.eq_ignore_ascii_case("END:VCALENDAR") {
                calendar_end = i + 1;
            }
        }
        // A file cut short: calcard reads what is there, but half an invitation is
        // not one.
        if event_ends < event_lines.len() {
            return Err(ImportError::Malformed {
                line: lines,
                problem: "the input ends inside a VEVENT (END:VEVENT missing)".into(),
            });
        }
        if event_lines.last().is_some_and(|l| *l > calendar_end) {
            return Err(ImportError::Malformed {
                line: lines,
                problem: "END:VCALENDAR missing after the last event".into(),
            });
        }
        let mut calendars = Vec::new();
        let mut parser = Parser::new(&text);
        loop {
            match parser.entry() {
                Entry::ICalendar(cal) => calendars.push(cal),
                Entry::Eof => break,
                Entry::VCard(_) => {
                    return Err(ImportError::Malformed {
                        line: 1,
                        problem: "a vCard (contact), not a calendar".into(),
                    })
                }
                Entry::UnterminatedComponent(c) => {
                    return Err(ImportError::Malformed {
                        line: lines,
                        problem: format!("the input ends inside {c} (END:{c} missing)"),
                    })
                }
                Entry::TooManyComponents => {
                    return Err(ImportError::Malformed {
                        line: lines,
                        problem: "too many components".into(),
                    })
                }
                Entry::InvalidLine(l) => {
                    return Err(ImportError::Malformed {
                        line: line_of(&text, &l).unwrap_or(1),
                        problem: format!(
                            "invalid line `{}`",
                            l.chars().take(40).collect::<String>()
                        ),
                    })
                }
                Entry::UnexpectedComponentEnd { expected, found } => {
                    return Err(ImportError::Malformed {
                        line: lines,
                        problem: format!(
                            "END:{} where END:{} was expected",
                            found.as_str(),
                            expected.as_str()
                        ),
                    })
                }
                _ => {
                    return Err(ImportError::Malformed {
                        line: lines,
                        problem: "unreadable calendar".into(),
                    })
                }
            }
        }
        let doc = Document {
            text,
            calendars,
            event_lines,
            lines,
        };
        if doc.events().next().is_none() {
            return Err(ImportError::NoEvent { lines });
        }
        Ok(doc)
    }

    /// Every VEVENT with its calendar and its index among all events.
    fn events(&self) -> impl Iterator<Item = (usize, &ICalendar, &ICalendarComponent)> {
        self.calendars
            .iter()
            .flat_map(|cal| {
                cal.components
                    .iter()
                    .filter(|c| c.component_type == ICalendarComponentType::VEvent)
                    .map(move |c| (cal, c))
            })
            .enumerate()
            .map(|(i, (cal, c))| (i, cal, c))
    }

    fn event_line(&self, index: usize) -> usize {
        self.event_lines.get(index).copied().unwrap_or(self.lines)
    }

    /// The line of the event `index` that mentions `needle`, else the event's line.
    fn line_in_event(&self, index: usize, needle: &str) -> usize {
        let from = self.event_line(index);
        let to = self.event_lines.get(index + 1).copied();
        let start = self.line_start(from);
        let end = to.map_or(self.text.len(), |l| self.line_start(l));
        self.text
            .get(start..end)
            .and_then(|span| span.find(needle))
            .map_or(from, |at| {
                from + self.text[start..start + at]
                    .bytes()
                    .filter(|b| *b == b'\n')
                    .count()
            })
    }

    /// The byte offset where line `line` (from 1) starts.
    fn line_start(&self, line: usize) -> usize {
        if line <= 1 {
            return 0;
        }
        self.text
            .match_indices('\n')
            .nth(line - 2)
            .map_or(self.text.len(), |(i, _)| i + 1)
    }

    fn invites(&self, opts: &ParseOptions) -> Result<Vec<Invite>, ImportError> {
        let mut zones = Zones::default();
        let mut out = Vec::with_capacity(self.event_lines.len());
        // The moved or changed occurrences of repeating events (RECURRENCE-ID), with
        // the instant of the occurrence they replace.
        let mut exceptions: Vec<(Timestamp, Invite)> = Vec::new();
        for (index, cal, ev) in self.events() {
            let invite = self.invite(index, cal, ev, opts, &mut zones)?;
            match ev.property(&ICalendarProperty::RecurrenceId) {
                Some(rid) => {
                    let floating_tz = floating_zone(cal, opts);
                    let at = self
                        .moment(index, cal, rid, &floating_tz, &mut zones, "RECURRENCE-ID")?
                        .at;
                    exceptions.push((at, invite));
                }
                None => out.push(invite),
            }
        }
        Ok(apply_exceptions(out, exceptions))
    }

    fn invite(
        &self,
        index: usize,
        cal: &ICalendar,
        ev: &ICalendarComponent,
        opts: &ParseOptions,
        zones: &mut Zones,
    ) -> Result<Invite, ImportError> {
        let line = self.event_line(index);
        let bad = |problem: String| ImportError::BadEvent { line, problem };
        let floating_tz = floating_zone(cal, opts);

        let start_entry = ev
            .property(&ICalendarProperty::Dtstart)
            .ok_or_else(|| bad("no DTSTART".into()))?;
        let start = self.moment(index, cal, start_entry, &floating_tz, zones, "DTSTART")?;
        let end = match ev.property(&ICalendarProperty::Dtend) {
            Some(e) => Some(self.moment(index, cal, e, &floating_tz, zones, "DTEND")?.at),
            None => None,
        };
        let end = match (end, duration(ev)) {
            (Some(end), _) => end,
            (None, Some(d)) => start
                .at
                .checked_add(d)
                .map_err(|_| bad("DURATION goes past the supported range".into()))?,
            (None, None) if start.all_day => start
                .at
                .checked_add(SignedDuration::from_hours(24))
                .map_err(|_| bad("DTSTART is out of range".into()))?,
            (None, None) => start
                .at
                .checked_add(SignedDuration::from_hours(1))
                .map_err(|_| bad("DTSTART is out of range".into()))?,
        };
        if end < start.at {
            return Err(bad(format!("ends ({end}) before it starts ({})", start.at)));
        }

        let title = one_line(&strip_tags(
            &texts(ev, &ICalendarProperty::Summary).unwrap_or_default(),
        ));
        let description = texts(ev, &ICalendarProperty::Description)
            .filter(|d| !d.trim().is_empty())
            .map(Cow::into_owned);
        let raw_location = texts(ev, &ICalendarProperty::Location)
            .map(|l| one_line(&l))
            .filter(|l| !l.is_empty());
        let link = meeting_link(ev, raw_location.as_deref(), description.as_deref());
        let location = match (&raw_location, &link) {
            (Some(l), Some(u)) if !l.contains(u.as_str()) => Some(format!("{l} ({u})")),
            (Some(l), _) => Some(l.clone()),
            (None, Some(u)) => Some(u.clone()),
            (None, None) => None,
        };

        let method = cal.components.first().and_then(|root| {
            root.entries
                .iter()
                .find(|e| e.name == ICalendarProperty::Method)
                .and_then(|e| e.values.first())
                .map(|v| match v {
                    ICalendarValue::Method(m) => method_name(m).to_string(),
                    other => other
                        .as_text()
                        .unwrap_or_default()
                        .trim()
                        .to_ascii_uppercase(),
                })
        });
        let method_cancel = method.as_deref() == Some("CANCEL");
        let cancelled = method_cancel || matches!(ev.status(), Some(ICalendarStatus::Cancelled));
        let sequence = ev
            .property(&ICalendarProperty::Sequence)
            .and_then(|e| e.values.first())
            .and_then(|v| match v {
                ICalendarValue::Integer(i) => Some(*i),
                other => other.as_text().and_then(|t| t.trim().parse().ok()),
            })
            .unwrap_or(0);

        let organizer = ev.property(&ICalendarProperty::Organizer).and_then(person);
        let attendees: Vec<Person> = ev
            .properties(&ICalendarProperty::Attendee)
            .filter(|e| takes_part(e))
            .filter_map(person)
            .collect();
        let host = if organizer.is_none() && attendees.is_empty() {
            description.as_deref().and_then(host_in_description)
        } else {
            None
        };

        let uid = ev
            .uid()
            .map(one_line)
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| {
                format!(
                    "followup-{:016x}",
                    fnv(&[
                        &start.at.to_string(),
                        &title,
                        organizer
                            .as_ref()
                            .map_or("", |o: &Person| o.email.as_deref().unwrap_or(""))
                    ])
                )
            });

        Ok(Invite {
            uid,
            sequence,
            cancelled,
            start: start.at,
            end,
            tz: start.tz,
            floating: start.floating,
            all_day: start.all_day,
            title,
            location,
            link,
            description,
            organizer,
            attendees,
            host,
            method,
            recurring: is_recurring(ev),
            line,
        })
    }

    /// The first value of a DTSTART or DTEND and the civil date-time it writes, or an
    /// error naming `what` and the event's line.
    fn civil_of<'e>(
        &self,
        index: usize,
        entry: &'e ICalendarEntry,
        what: &str,
    ) -> Result<(&'e PartialDateTime, DateTime), ImportError> {
        let bad = |problem: String| ImportError::BadEvent {
            line: self.line_in_event(index, what),
            problem,
        };
        let dt = entry
            .values
            .first()
            .and_then(|v| v.as_partial_date_time())
            .ok_or_else(|| bad(format!("{what} is not a date or date-time")))?;
        let (Some(y), Some(m), Some(d)) = (dt.year, dt.month, dt.day) else {
            return Err(bad(format!("{what} has no date")));
        };
        let civil = civil_datetime(dt, y, m, d)
            .ok_or_else(|| bad(format!("{what} is not a valid date or time")))?;
        Ok((dt, civil))
    }

    /// A DTSTART or DTEND as an instant.
    fn moment(
        &self,
        index: usize,
        cal: &ICalendar,
        entry: &ICalendarEntry,
        floating_tz: &TimeZone,
        zones: &mut Zones,
        what: &str,
    ) -> Result<Moment, ImportError> {
        // The line is looked up only for an error.
        let bad = |problem: String| ImportError::BadEvent {
            line: self.line_in_event(index, what),
            problem,
        };
        let (dt, civil) = self.civil_of(index, entry, what)?;
        let all_day = !dt.has_time();
        let out_of_range = || bad(format!("{what} is out of range"));
        if dt.has_zone() {
            let secs = i32::from(dt.tz_hour.unwrap_or(0)) * 3600
                + i32::from(dt.tz_minute.unwrap_or(0)) * 60;
            let secs = if dt.tz_minus { -secs } else { secs };
            let offset = Offset::from_seconds(secs).map_err(|_| out_of_range())?;
            let at = offset.to_timestamp(civil).map_err(|_| out_of_range())?;
            return Ok(Moment {
                at,
                tz: None,
                floating: false,
                all_day,
            });
        }
        if let Some(tzid) = entry.tz_id().filter(|t| !t.trim().is_empty()) {
            let resolved = zones.resolve(cal, tzid);
            let Some((tz, name)) = resolved else {
                return Err(ImportError::UnknownTzid {
                    tzid: tzid.chars().take(80).collect(),
                    line: self.line_in_event(index, tzid),
                });
            };
            let at = tz
                .to_ambiguous_timestamp(civil)
                .compatible()
                .map_err(|_| out_of_range())?;
            return Ok(Moment {
                at,
                tz: name,
                floating: false,
                all_day,
            });
        }
        let at = floating_tz
            .to_ambiguous_timestamp(civil)
            .compatible()
            .map_err(|_| out_of_range())?;
        Ok(Moment {
            at,
            tz: floating_tz
                .iana_name()
                .filter(|n| *n != "UTC" && *n != "Etc/UTC")
                .map(str::to_string),
            floating: true,
            all_day,
        })
    }

    fn holidays(&self) -> Result<Vec<(Date, String)>, ImportError> {
        let mut out = Vec::new();
        let mut zones = Zones::default();
        // UIDs of recurring events: their RECURRENCE-ID exceptions are read with them.
        let recurring: std::collections::HashSet<&str> = self
            .events()
            .filter(|(_, _, ev)| is_recurring(ev))
            .filter_map(|(_, _, ev)| uid_of(ev))
            .collect();
        for (index, cal, ev) in self.events() {
            let line = self.event_line(index);
            let bad = |problem: String| ImportError::BadEvent { line, problem };
            if ev.property(&ICalendarProperty::RecurrenceId).is_some()
                && uid_of(ev).is_some_and(|u| recurring.contains(u))
            {
                continue;
            }
            let name = one_line(&texts(ev, &ICalendarProperty::Summary).unwrap_or_default());
            let name = if name.is_empty() {
                "Closed".to_string()
            } else {
                name
            };
            let first = self
                .civil_date(index, cal, ev, &ICalendarProperty::Dtstart, &mut zones)?
                .ok_or_else(|| bad("no DTSTART".into()))?;
            let last =
                match self.civil_date(index, cal, ev, &ICalendarProperty::Dtend, &mut zones)? {
                    // DTEND is exclusive for dates; a date-time ending at midnight too.
                    Some((end, midnight)) if end > first.0 => {
                        if midnight {
                            end.yesterday()
                                .map_err(|_| bad("DTEND is out of range".into()))?
                        } else {
                            end
                        }
                    }
                    _ => first.0,
                };
            let days = (last - first.0).get_days();
            if i64::from(days) >= MAX_HOLIDAY_DAYS {
                return Err(bad(format!(
                    "covers {} days, more than {MAX_HOLIDAY_DAYS}",
                    i64::from(days) + 1
                )));
            }
            if is_recurring(ev) {
                for (start, span) in occurrences(cal, ev, first.0, days).map_err(bad)? {
                    push_days(&mut out, start, span, &name);
                }
            } else {
                push_days(&mut out, first.0, days, &name);
            }
        }
        Ok(out)
    }

    /// The civil date of a DTSTART or DTEND (in its own zone), and whether it is a date
    /// or a date-time at midnight (so an exclusive end).
    fn civil_date(
        &self,
        index: usize,
        cal: &ICalendar,
        ev: &ICalendarComponent,
        prop: &ICalendarProperty,
        zones: &mut Zones,
    ) -> Result<Option<(Date, bool)>, ImportError> {
        let Some(entry) = ev.property(prop) else {
            return Ok(None);
        };
        let what = prop.as_str();
        let (dt, civil) = self.civil_of(index, entry, what)?;
        if !dt.has_time() {
            return Ok(Some((civil.date(), true)));
        }
        // A date-time in a zone: its date there (UTC for `Z`).
        if let Some(tzid) = entry.tz_id().filter(|t| !t.trim().is_empty()) {
            if zones.resolve(cal, tzid).is_none() {
                return Err(ImportError::UnknownTzid {
                    tzid: tzid.chars().take(80).collect(),
                    line: self.line_in_event(index, tzid),
                });
            }
        }
        let midnight = civil.time() == jiff::civil::Time::midnight();
        Ok(Some((civil.date(), midnight)))
    }
}

/// The days `first` to `first + span` (inclusive), each named `name`.
fn push_days(out: &mut Vec<(Date, String)>, first: Date, span: i32, name: &str) {
    let mut day = first;
    for _ in 0..=span {
        out.push((day, name.to_string()));
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
}

/// Whether an event repeats (`RRULE` or `RDATE`).
fn is_recurring(ev: &ICalendarComponent) -> bool {
    ev.property(&ICalendarProperty::Rrule).is_some()
        || ev.property(&ICalendarProperty::Rdate).is_some()
}

fn uid_of(ev: &ICalendarComponent) -> Option<&str> {
    ev.property(&ICalendarProperty::Uid)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_text)
}

/// How many occurrences of one repeating holiday are read at most.
pub const MAX_OCCURRENCES: usize = 1_000;

/// How many years after its first date a repeating holiday is read.
pub const RECURRENCE_YEARS: i16 = 100;

/// The first day and the span (in days after it) of each occurrence of a repeating
/// closure (`RRULE`, `RDATE`, with `EXDATE` and `RECURRENCE-ID` exceptions), expanded
/// by calcard. A rule without an end is read for [`RECURRENCE_YEARS`] years or
/// [`MAX_OCCURRENCES`] occurrences, whichever comes first. Dates are the occurrence's
/// own (in its zone, or floating).
fn occurrences(
    cal: &ICalendar,
    ev: &ICalendarComponent,
    first: Date,
    span: i32,
) -> Result<Vec<(Date, i32)>, String> {
    let uid = uid_of(ev);
    // The zones of the file, the event and its exceptions (same UID).
    let one = ICalendar {
        components: cal
            .components
            .iter()
            .filter(|c| {
                c.component_type == ICalendarComponentType::VTimezone
                    || std::ptr::eq(*c, ev)
                    || (c.component_type == ICalendarComponentType::VEvent
                        && uid.is_some()
                        && uid_of(c) == uid
                        && c.property(&ICalendarProperty::RecurrenceId).is_some())
            })
            .cloned()
            .collect(),
    };
    let expanded = one.expand_dates(Tz::Floating, MAX_OCCURRENCES);
    if let Some(e) = expanded.errors.first() {
        return Err(match &e.error {
            calcard::icalendar::dates::CalendarErrorType::RRule(r) => {
                format!("its RRULE cannot be expanded: {r}")
            }
            other => format!("its repetition cannot be expanded: {other:?}"),
        });
    }
    let until = first.year().saturating_add(RECURRENCE_YEARS);
    let mut out = Vec::with_capacity(expanded.events.len());
    for occurrence in &expanded.events {
        let Some(start) = chrono_date(&occurrence.start.naive_local()) else {
            continue;
        };
        if start.year() > until {
            continue;
        }
        let span = match &occurrence.end {
            calcard::icalendar::dates::TimeOrDelta::Time(end) => {
                let local = end.naive_local();
                match chrono_date(&local) {
                    // An end at midnight is exclusive.
                    Some(end) if end > start && local.time() == chrono::NaiveTime::MIN => {
                        (end - start).get_days() - 1
                    }
                    Some(end) if end > start => (end - start).get_days(),
                    _ => 0,
                }
            }
            calcard::icalendar::dates::TimeOrDelta::Delta(_) => span,
        };
        out.push((start, span.clamp(0, (MAX_HOLIDAY_DAYS - 1) as i32)));
    }
    Ok(out)
}

fn chrono_date(dt: &chrono::NaiveDateTime) -> Option<Date> {
    use chrono::Datelike;
    let d = dt.date();
    Date::new(
        i16::try_from(d.year()).ok()?,
        i8::try_from(d.month()).ok()?,
        i8::try_from(d.day()).ok()?,
    )
    .ok()
}

fn method_name(m: &ICalendarMethod) -> &'static str {
    match m {
        ICalendarMethod::Publish => "PUBLISH",
        ICalendarMethod::Request => "REQUEST",
        ICalendarMethod::Reply => "REPLY",
        ICalendarMethod::Add => "ADD",
        ICalendarMethod::Cancel => "CANCEL",
        ICalendarMethod::Refresh => "REFRESH",
        ICalendarMethod::Counter => "COUNTER",
        ICalendarMethod::Declinecounter => "DECLINECOUNTER",
    }
}

/// The zone of floating times: the configured one, else the calendar's
/// `X-WR-TIMEZONE`, else UTC.
fn floating_zone(cal: &ICalendar, opts: &ParseOptions) -> TimeZone {
    opts.floating_tz
        .clone()
        .or_else(|| calendar_text(cal, "X-WR-TIMEZONE").and_then(|n| TimeZone::get(n.trim()).ok()))
        .unwrap_or(TimeZone::UTC)
}

/// Whether an ATTENDEE takes part in the meeting: not a room or a resource
/// (`CUTYPE`), not someone who declined (`PARTSTAT=DECLINED`) or delegated it, not
/// someone copied for information (`ROLE=NON-PARTICIPANT`).
fn takes_part(e: &ICalendarEntry) -> bool {
    !e.parameters(&ICalendarParameterName::Cutype).any(|c| {
        matches!(
            c,
            ICalendarParameterValue::Cutype(
                ICalendarUserTypes::Room | ICalendarUserTypes::Resource
            )
        )
    }) && !e.parameters(&ICalendarParameterName::Partstat).any(|c| {
        matches!(
            c,
            ICalendarParameterValue::Partstat(
                ICalendarParticipationStatus::Declined | ICalendarParticipationStatus::Delegated
            )
        )
    }) && !e.parameters(&ICalendarParameterName::Role).any(|c| {
        matches!(
            c,
            ICalendarParameterValue::Role(ICalendarParticipationRole::NonParticipant)
        )
    })
}

/// The text with every line outside `BEGIN:VCALENDAR` … `END:VCALENDAR` made empty,
/// so that what follows a calendar (a mail signature, a second export glued on) is
/// not read as part of it, and line numbers stay those of the file.
fn outside_calendars_blanked(text: &str) -> Cow<'_, str> {
    let mut inside = false;
    let mut junk = false;
    for line in text.split('\n') {
        let t = line.trim().trim_start_matches('\u{feff}');
        if !inside {
            if t.eq_ignore_ascii_case("BEGIN:VCALENDAR") {
                inside = true;
            } else if !t.is_empty() {
                junk = true;
                break;
            }
        } else if t.eq_ignore_ascii_case("END:VCALENDAR") {
            inside = false;
        }
    }
    if !junk {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    inside = false;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let t = line.trim().trim_start_matches('\u{feff}');
        if !inside {
            if t.eq_ignore_ascii_case("BEGIN:VCALENDAR") {
                inside = true;
                out.push_str(line);
            }
        } else {
            if t.eq_ignore_ascii_case("END:VCALENDAR") {
                inside = false;
            }
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

/// The events with the one-occurrence changes of repeating events (`RECURRENCE-ID`)
/// applied. An interview is one meeting, so a repeating event is kept as its first
/// occurrence (its `DTSTART`): a change of that occurrence replaces it; a change of a
/// later one does not move it and is dropped. A change whose event is not in the file
/// (an invitation to one occurrence only) stands for itself, the earliest one per UID.
fn apply_exceptions(mut events: Vec<Invite>, exceptions: Vec<(Timestamp, Invite)>) -> Vec<Invite> {
    let mut orphans: Vec<Invite> = Vec::new();
    for (occurrence, mut change) in exceptions {
        let mut has_master = false;
        for master in events.iter_mut().filter(|m| m.uid == change.uid) {
            has_master = true;
            if master.start == occurrence && change.sequence >= master.sequence {
                change.recurring = master.recurring;
                change.line = master.line;
                // A change lists only what changed: the series' people stand.
                if change.attendees.is_empty() {
                    change.attendees = master.attendees.clone();
                }
                if change.organizer.is_none() {
                    change.organizer = master.organizer.clone();
                }
                if change.host.is_none() {
                    change.host = master.host.clone();
                }
                *master = change.clone();
            }
        }
        if !has_master {
            match orphans.iter_mut().find(|o| o.uid == change.uid) {
                Some(o) if change.start < o.start => *o = change,
                Some(_) => {}
                None => orphans.push(change),
            }
        }
    }
    events.extend(orphans);
    events
}

/// HTML tags (`<b>`, `</span>`, `<br/>`, `<a href="…">`) taken out of a title; text
/// in angle brackets that is not such a tag ("<x> Engineer", "Acme <> Jordan") is
/// kept as it is.
pub fn strip_tags(s: &str) -> Cow<'_, str> {
    const TAGS: &[&str] = &[
        "a", "b", "big", "br", "div", "em", "font", "i", "p", "small", "span", "strong", "sub",
        "sup", "u",
    ];
    if !s.contains('<') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut changed = false;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let tag_len = tail.find('>').and_then(|end| {
            let inner = tail[1..end].trim_start_matches('/').trim_end_matches('/');
            let name_end = inner
                .find(|c: char| c.is_whitespace())
                .unwrap_or(inner.len());
            let name = &inner[..name_end];
            (!name.is_empty() && TAGS.iter().any(|t| t.eq_ignore_ascii_case(name)))
                .then_some(end + 1)
        });
        match tag_len {
            Some(len) => {
                changed = true;
                // A tag between two words leaves a space between them.
                if !out.ends_with(' ') && !out.is_empty() {
                    out.push(' ');
                }
                rest = &tail[len..];
            }
            None => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    if changed {
        Cow::Owned(one_line(&out))
    } else {
        Cow::Borrowed(s)
    }
}

/// The host a description names: Zoom's "Jane Doe is inviting you to a scheduled
/// Zoom meeting", or an "Organizer: Jane Doe <jane@acme.com>" line (the name and the
/// address may be on the lines after "Organizer", as Google Meet writes them).
pub fn host_in_description(d: &str) -> Option<Person> {
    for line in d.lines() {
        let t = line.trim();
        // ASCII lower-casing keeps every byte where it is.
        if let Some(i) = t.to_ascii_lowercase().find(" is inviting you") {
            let name = t[..i].trim();
            if let Some(p) = person_in_text(name) {
                return Some(p);
            }
        }
    }
    let mut lines = d.lines().map(str::trim).filter(|l| !l.is_empty());
    while let Some(l) = lines.next() {
        let lower = l.to_ascii_lowercase();
        for key in ["organizer", "organiser"] {
            if let Some(rest) = lower.strip_prefix(key) {
                let rest = &l[l.len() - rest.len()..];
                let rest = rest.trim_start_matches([':', ' ']).trim();
                let candidate = if rest.is_empty() {
                    // "Organizer" alone: the name, maybe the address on the next line.
                    let name = lines.next()?;
                    match lines.clone().next() {
                        Some(next) if is_address(next.trim_matches(['<', '>'])) => {
                            format!("{name} <{}>", next.trim_matches(['<', '>']))
                        }
                        _ => name.to_string(),
                    }
                } else {
                    rest.to_string()
                };
                if let Some(p) = person_in_text(&candidate) {
                    return Some(p);
                }
            }
        }
    }
    None
}

/// "Jane Doe <jane@acme.com>", "jane@acme.com" or "Jane Doe" as a person: at most
/// five words, no link.
fn person_in_text(s: &str) -> Option<Person> {
    let s = s.trim().trim_matches(|c: char| c == '"' || c == '*');
    let (name, email) = match (s.rfind('<'), s.ends_with('>')) {
        (Some(i), true) => (s[..i].trim(), Some(s[i + 1..s.len() - 1].trim())),
        _ if is_address(s) => ("", Some(s)),
        _ => (s, None),
    };
    let email = email
        .map(|e| e.trim_start_matches("mailto:").to_string())
        .filter(|e| is_address(e));
    let name = name.trim_matches(|c: char| c == '"' || c.is_whitespace());
    if name.contains("://") || name.split_whitespace().count() > 5 {
        return None;
    }
    let name = if name.is_empty() {
        name_from_address(email.as_deref()?)
    } else {
        last_first(name)
    };
    (!name.is_empty()).then_some(Person { name, email })
}

/// An instant read from DTSTART or DTEND.
struct Moment {
    at: Timestamp,
    tz: Option<String>,
    floating: bool,
    all_day: bool,
}

fn civil_datetime(dt: &PartialDateTime, y: u16, m: u8, d: u8) -> Option<DateTime> {
    let year = i16::try_from(y).ok()?;
    let date = Date::new(year, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()?;
    let hour = i8::try_from(dt.hour.unwrap_or(0)).ok()?;
    let minute = i8::try_from(dt.minute.unwrap_or(0)).ok()?;
    // A leap second (60) is read as 59.
    let second = i8::try_from(dt.second.unwrap_or(0).min(59)).ok()?;
    let time = jiff::civil::Time::new(hour, minute, second, 0).ok()?;
    Some(date.to_datetime(time))
}

/// TZIDs resolved once per file.
#[derive(Default)]
struct Zones {
    cache: HashMap<String, Option<(TimeZone, Option<String>)>>,
}

impl Zones {
    /// The zone and its IANA name (`None` for UTC) for a TZID of this calendar.
    fn resolve(&mut self, cal: &ICalendar, tzid: &str) -> Option<(TimeZone, Option<String>)> {
        if let Some(hit) = self.cache.get(tzid) {
            return hit.clone();
        }
        let found = resolve_tzid(cal, tzid);
        self.cache.insert(tzid.to_string(), found.clone());
        found
    }
}

fn resolve_tzid(cal: &ICalendar, tzid: &str) -> Option<(TimeZone, Option<String>)> {
    let trimmed = tzid.trim().trim_matches('"');
    // A VTIMEZONE of the file that says which real zone it is.
    let from_block = cal
        .timezones()
        .filter_map(|c| c.timezone())
        .find(|(name, _)| name.trim() == trimmed)
        .map(|(_, tz)| tz);
    let tz = match from_block.or_else(|| Tz::from_str(trimmed).ok()) {
        // A name that is not a real zone's ("(UTC-03:00) Brasília", "(GMT-05:00)
        // Eastern Time"), read as a fixed offset: the file's own VTIMEZONE rules say
        // when its clock changes, and win.
        Some(tz)
            if TimeZone::get(trimmed).is_err()
                && match &tz {
                    Tz::Fixed(_) | Tz::Floating => true,
                    Tz::Tz(z) => z.name().starts_with("Etc/"),
                } =>
        {
            match zone_of_rules(cal, trimmed) {
                Some(found) => return Some(found),
                None => tz,
            }
        }
        Some(tz) => tz,
        // A block with rules and no real zone named (Exchange's "Customized Time
        // Zone"): its rules, and the IANA zone that keeps the same clock.
        None => return zone_of_rules(cal, trimmed),
    };
    match tz {
        Tz::Floating => None,
        Tz::Fixed(off) => {
            let secs = off.local_minus_utc();
            let offset = Offset::from_seconds(secs).ok()?;
            let name = (secs % 3600 == 0 && secs != 0).then(|| {
                let h = secs / 3600;
                // POSIX-style names: Etc/GMT-1 is one hour east of UTC.
                format!("Etc/GMT{}{}", if h > 0 { "-" } else { "+" }, h.abs())
            });
            Some((TimeZone::fixed(offset), name))
        }
        Tz::Tz(_) if tz.is_utc() => Some((TimeZone::UTC, None)),
        Tz::Tz(chrono) => {
            let name = current_name(chrono.name());
            let zone = TimeZone::get(name).ok()?;
            Some((zone, Some(name.to_string())))
        }
    }
}

/// A text property of the calendar itself (`X-WR-TIMEZONE`).
/// The zone a `VTIMEZONE` block describes by its rules alone (`STANDARD` and
/// `DAYLIGHT` with yearly `RRULE`s, or one fixed offset), as a POSIX TZ rule for jiff,
/// with the name of an IANA zone whose clock agrees with it from 2024 to 2030 (common
/// zones first), else a fixed offset's `Etc/GMT±h` name, else none.
fn zone_of_rules(cal: &ICalendar, tzid: &str) -> Option<(TimeZone, Option<String>)> {
    let block = cal.timezones().find(|c| {
        c.property(&ICalendarProperty::Tzid)
            .and_then(|e| e.values.first())
            .and_then(ICalendarValue::as_text)
            .is_some_and(|t| t.trim() == tzid)
    })?;
    // The latest observance of each kind: older ones are history.
    let mut standard: Option<Observance> = None;
    let mut daylight: Option<Observance> = None;
    for &id in &block.component_ids {
        let Some(c) = cal.components.get(id as usize) else {
            continue;
        };
        let slot = match c.component_type {
            ICalendarComponentType::Standard => &mut standard,
            ICalendarComponentType::Daylight => &mut daylight,
            _ => continue,
        };
        if let Some(o) = Observance::of(c) {
            if slot.as_ref().is_none_or(|old| o.since >= old.since) {
                *slot = Some(o);
            }
        }
    }
    let standard = standard.or_else(|| daylight.take())?;
    let posix = match (
        &daylight,
        &standard.rule,
        daylight.as_ref().and_then(|d| d.rule.as_ref()),
    ) {
        (Some(d), Some(std_rule), Some(dst_rule)) if d.offset != standard.offset => format!(
            "<STD>{}<DST>{},{dst_rule},{std_rule}",
            posix_offset(standard.offset),
            posix_offset(d.offset)
        ),
        _ => format!("<STD>{}", posix_offset(standard.offset)),
    };
    let zone = TimeZone::posix(&posix).ok()?;
    Some((zone.clone(), iana_like(&zone)))
}

/// One `STANDARD` or `DAYLIGHT` observance: its offset, since when, and its yearly
/// rule as a POSIX `Mm.w.d/time` rule.
struct Observance {
    offset: i32,
    since: (u16, u8, u8),
    rule: Option<String>,
}

impl Observance {
    fn of(c: &ICalendarComponent) -> Option<Observance> {
        let offset = match c
            .property(&ICalendarProperty::Tzoffsetto)
            .and_then(|e| e.values.first())?
        {
            ICalendarValue::PartialDateTime(o) => {
                let secs = i32::from(o.tz_hour?) * 3600 + i32::from(o.tz_minute.unwrap_or(0)) * 60;
                if o.tz_minus {
                    -secs
                } else {
                    secs
                }
            }
            _ => return None,
        };
        let start = match c
            .property(&ICalendarProperty::Dtstart)
            .and_then(|e| e.values.first())
        {
            Some(ICalendarValue::PartialDateTime(d)) => Some(d),
            _ => None,
        };
        let since = start.map_or((0, 0, 0), |d| {
            (
                d.year.unwrap_or(0),
                d.month.unwrap_or(0),
                d.day.unwrap_or(0),
            )
        });
        let rule = match c
            .property(&ICalendarProperty::Rrule)
            .and_then(|e| e.values.first())
        {
            Some(ICalendarValue::RecurrenceRule(r))
                if r.freq == calcard::icalendar::ICalendarFrequency::Yearly
                    && r.bymonth.len() == 1
                    && r.byday.len() == 1 =>
            {
                let month = r.bymonth[0].month();
                let day = r.byday[0];
                let week = match day.ordwk {
                    Some(n @ 1..=4) => n,
                    Some(-1) | Some(5) => 5,
                    _ => return None,
                };
                let weekday = day.weekday as u8;
                let (h, m, sec) = start.map_or((2, 0, 0), |d| {
                    (
                        d.hour.unwrap_or(0),
                        d.minute.unwrap_or(0),
                        d.second.unwrap_or(0),
                    )
                });
                Some(format!("M{month}.{week}.{weekday}/{h}:{m:02}:{sec:02}"))
            }
            _ => None,
        };
        Some(Observance {
            offset,
            since,
            rule,
        })
    }
}

/// A UTC offset in POSIX TZ form: hours west of Greenwich, `[-]h[:mm]`.
fn posix_offset(east: i32) -> String {
    let west = -east;
    let sign = if west < 0 { "-" } else { "" };
    let (h, m) = (west.abs() / 3600, west.abs() % 3600 / 60);
    if m == 0 {
        format!("{sign}{h}")
    } else {
        format!("{sign}{h}:{m:02}")
    }
}

/// The current name of a zone that the Windows zone table (or a file) calls by an
/// older one, such as `Asia/Calcutta` for "India Standard Time".
fn current_name(name: &str) -> &str {
    match name {
        "Asia/Calcutta" => "Asia/Kolkata",
        "Asia/Saigon" => "Asia/Ho_Chi_Minh",
        "Asia/Katmandu" => "Asia/Kathmandu",
        "Asia/Rangoon" => "Asia/Yangon",
        "Asia/Dacca" => "Asia/Dhaka",
        "Asia/Ulan_Bator" => "Asia/Ulaanbaatar",
        "Asia/Istanbul" => "Europe/Istanbul",
        "Europe/Kiev" => "Europe/Kyiv",
        "America/Godthab" => "America/Nuuk",
        "America/Buenos_Aires" => "America/Argentina/Buenos_Aires",
        "Atlantic/Faeroe" => "Atlantic/Faroe",
        "Pacific/Enderbury" => "Pacific/Kanton",
        other => other,
    }
}

/// Zones tried first when naming a zone known only by its rules.
const COMMON_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/Halifax",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Berlin",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Karachi",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Dhaka",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Brisbane",
    "Australia/Adelaide",
    "Australia/Sydney",
    "Australia/Perth",
    "Pacific/Auckland",
];

/// The name of an IANA zone whose clock agrees with `zone` every day of 2024–2030:
/// a common zone if one does, else the first other in the database.
fn iana_like(zone: &TimeZone) -> Option<String> {
    let from = Timestamp::from_second(1_704_067_200).ok()?; // 2024-01-01
    let samples: Vec<Timestamp> = (0..7 * 365)
        .filter_map(|d| from.checked_add(SignedDuration::from_hours(24 * d)).ok())
        .collect();
    let agrees = |name: &str| {
        TimeZone::get(name).is_ok_and(|z| {
            samples
                .iter()
                .all(|t| z.to_offset(*t) == zone.to_offset(*t))
        })
    };
    if let Some(hit) = COMMON_ZONES.iter().find(|n| agrees(n)) {
        return Some((*hit).to_string());
    }
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.to_string())
        .filter(|n| {
            n.contains('/')
                && ![
                    "Etc/", "US/", "SystemV/", "posix/", "right/", "Canada/", "Brazil/",
                ]
                .iter()
                .any(|p| n.starts_with(p))
        })
        .collect();
    names.sort();
    names.into_iter().find(|n| agrees(n))
}

fn calendar_text<'c>(cal: &'c ICalendar, name: &str) -> Option<&'c str> {
    let root = cal.components.first()?;
    root.entries.iter().find_map(|e| match &e.name {
        ICalendarProperty::Other(n) if n.eq_ignore_ascii_case(name) => {
            e.values.first().and_then(|v| v.as_text())
        }
        _ => None,
    })
}

/// Every value of the first such property, joined (an unescaped comma splits a text
/// into several values).
fn texts<'e>(ev: &'e ICalendarComponent, prop: &ICalendarProperty) -> Option<Cow<'e, str>> {
    let e = ev.property(prop)?;
    if let [ICalendarValue::Text(t)] = e.values.as_slice() {
        return Some(Cow::Borrowed(t));
    }
    let parts: Vec<Cow<'_, str>> = e
        .values
        .iter()
        .filter_map(|v| match v {
            ICalendarValue::Text(t) => Some(Cow::Borrowed(t.as_str())),
            other => other.clone().into_text(),
        })
        .collect();
    Some(Cow::Owned(parts.join(",")))
}

fn other_text<'c>(ev: &'c ICalendarComponent, name: &str) -> Option<&'c str> {
    ev.entries.iter().find_map(|e| match &e.name {
        ICalendarProperty::Other(n) if n.eq_ignore_ascii_case(name) => {
            e.values.first().and_then(|v| v.as_text())
        }
        _ => None,
    })
}

/// Control characters (newlines included) become spaces; runs of spaces one.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // The words between whitespace and control characters, one space between two.
    let mut word_start = 0;
    let end_word = |out: &mut String, from: usize, to: usize| {
        if from < to {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s[from..to]);
        }
    };
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let (gap, len) = if b[i].is_ascii() {
            // ASCII whitespace other than the space is a control character.
            (b[i] == b' ' || b[i].is_ascii_control(), 1)
        } else {
            match s[i..].chars().next() {
                Some(c) => (c.is_whitespace() || c.is_control(), c.len_utf8()),
                None => break,
            }
        };
        if gap {
            end_word(&mut out, word_start, i);
            word_start = i + len;
        }
        i += len;
    }
    end_word(&mut out, word_start, b.len());
    out
}

/// Hosts of meeting links, recognised in locations and descriptions.
const MEETING_HOSTS: &[&str] = &[
    "zoom.us/",
    "zoom.com/",
    "meet.google.com/",
    "teams.microsoft.com/",
    "teams.live.com/",
    "webex.com/",
    "whereby.com/",
    "gotomeeting.com/",
    "meet.goto.com/",
    "chime.aws/",
    "bluejeans.com/",
    "meet.jit.si/",
    "around.co/",
];

fn meeting_link(
    ev: &ICalendarComponent,
    location: Option<&str>,
    description: Option<&str>,
) -> Option<String> {
    let conference = [
        "X-GOOGLE-CONFERENCE",
        "X-MICROSOFT-SKYPETEAMSMEETINGURL",
        "X-MICROSOFT-ONLINEMEETINGCONFLINK",
    ]
    .iter()
    .find_map(|n| other_text(ev, n))
    .or_else(|| {
        ev.property(&ICalendarProperty::Conference)
            .and_then(|e| e.values.first())
            .and_then(|v| v.as_text())
    })
    .map(str::trim)
    .filter(|u| u.starts_with("http"))
    .map(str::to_string);
    conference
        .or_else(|| location.and_then(find_meeting_url))
        .or_else(|| {
            ev.property(&ICalendarProperty::Url)
                .and_then(|e| e.values.first())
                .and_then(|v| v.as_text())
                .and_then(find_meeting_url)
        })
        .or_else(|| description.and_then(find_meeting_url))
}

/// The first `https://` URL in `text` whose host is a meeting service.
fn find_meeting_url(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(i) = rest.find("http") {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ')' | ']' | '\\'))
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ',', ';']);
        let lower = url.to_ascii_lowercase();
        if (lower.starts_with("https://") || lower.starts_with("http://"))
            && MEETING_HOSTS.iter().any(|h| lower.contains(h))
        {
            return Some(url.to_string());
        }
        rest = &tail[4.min(tail.len())..];
    }
    None
}

fn duration(ev: &ICalendarComponent) -> Option<SignedDuration> {
    ev.property(&ICalendarProperty::Duration)
        .and_then(|e| e.values.first())
        .and_then(|v| match v {
            ICalendarValue::Duration(d) => Some(d.as_seconds()),
            _ => None,
        })
        .filter(|s| *s >= 0)
        .map(SignedDuration::from_secs)
}

/// ORGANIZER or ATTENDEE as a person; `None` without name or address.
fn person(e: &ICalendarEntry) -> Option<Person> {
    let address = e
        .values
        .first()
        .and_then(|v| v.as_text())
        .map(|v| {
            // Some writers quote the address: ATTENDEE;CN=Q:"mailto:q@acme.com".
            let v = v.trim().trim_matches('"').trim();
            calcard::icalendar::utils::strip_mailto_scheme(v)
                .trim()
                .trim_matches(['"', '<', '>'])
                .to_string()
        })
        .or_else(|| {
            e.parameters(&ICalendarParameterName::Email)
                .find_map(|v| v.as_text())
                .map(|s| s.trim().to_string())
        })
        .filter(|a| is_address(a));
    let cn = e
        .parameters(&ICalendarParameterName::Cn)
        .find_map(|v| v.as_text())
        // A backslash does not escape in a parameter (`CN=X\:mailto:x@…` is the name
        // "X\"), but is read as if it did: the address is not part of the name.
        .map(|n| match n.to_ascii_lowercase().find(":mailto") {
            Some(i) => n[..i].trim_end_matches('\\'),
            None => n,
        })
        .map(|n| one_line(n.trim().trim_matches('"')))
        .filter(|n| !n.is_empty() && !n.contains('@'));
    let name = match (cn, &address) {
        (Some(n), _) => last_first(&n),
        (None, Some(a)) => name_from_address(a),
        (None, None) => return None,
    };
    if name.is_empty() {
        return None;
    }
    Some(Person {
        name,
        email: address,
    })
}

/// A sender that is a service, not a person: `no-reply@…`, `notifications@…`, or any
/// address of a scheduling service.
fn is_service_address(email: &str) -> bool {
    let (local, domain) = email.split_once('@').unwrap_or((email, ""));
    [
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "notifications",
        "notification",
        "calendar-notification",
        "calendar",
        "invites",
        "scheduling",
        "scheduler",
    ]
    .iter()
    .any(|l| local.eq_ignore_ascii_case(l))
        || [
            "calendly.com",
            "goodtime.io",
            "greenhouse.io",
            "lever.co",
            "ashbyhq.com",
        ]
        .iter()
        .any(|d| {
            // The domain itself or a subdomain of it.
            ends_with_ignore_case(domain, d)
                && (domain.len() == d.len()
                    || domain.as_bytes()[domain.len() - d.len() - 1] == b'.')
        })
}

/// `local@domain.tld` without spaces.
fn is_address(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && find_short(domain, "..").is_none()
        && !has_space_or_control(a)
}

/// Whether `s` has a whitespace or control character.
fn has_space_or_control(s: &str) -> bool {
    if s.is_ascii() {
        // ASCII whitespace other than the space is a control character.
        s.bytes().any(|b| b == b' ' || b.is_ascii_control())
    } else {
        s.chars().any(|c| c.is_whitespace() || c.is_control())
    }
}

/// Outlook's "Doe, Jane" as "Jane Doe"; anything else as it is.
fn last_first(name: &str) -> String {
    match name.split_once(',') {
        Some((last, first))
            if !first.contains(',')
                && !last.trim().is_empty()
                && !first.trim().is_empty()
                && last.split_whitespace().count() <= 3
                && first.split_whitespace().count() <= 3 =>
        {
            let (first, last) = (first.trim(), last.trim());
            let mut out = String::with_capacity(first.len() + 1 + last.len());
            out.push_str(first);
            out.push(' ');
            out.push_str(last);
            out
        }
        _ => name.to_string(),
    }
}

/// "jane.doe@acme.com" gives "Jane Doe".
fn name_from_address(a: &str) -> String {
    let local = a.split('@').next().unwrap_or(a);
    let local = local.split('+').next().unwrap_or(local);
    local
        .split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(capitalize)
        .collect::<Vec<_>>()
        .join(" ")
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The first line of `text` equal to `content` (for calcard's invalid-line reports).
fn line_of(text: &str, content: &str) -> Option<usize> {
    text.split('\n')
        .position(|l| l.trim() == content.trim())
        .map(|i| i + 1)
}

// ---------------------------------------------------------------------------------------
// The company, the role and the round

/// Where a guessed company name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuessSource {
    /// The organiser's e-mail domain.
    OrganizerDomain,
    /// An attendee's e-mail domain (the organiser's was a mail or scheduling service).
    AttendeeDomain,
    /// The title.
    Title,
    /// The host the description names (its e-mail domain).
    Description,
    /// The meeting link (a company's own Zoom address, acme.zoom.us).
    MeetingLink,
}

impl fmt::Display for GuessSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GuessSource::OrganizerDomain => "the organiser's domain",
            GuessSource::AttendeeDomain => "an attendee's domain",
            GuessSource::Title => "the title",
            GuessSource::Description => "the description's host",
            GuessSource::MeetingLink => "the meeting link",
        })
    }
}

/// A company name guessed from an invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyGuess {
    /// The name, such as "Acme".
    pub name: String,
    /// Where it came from.
    pub source: GuessSource,
}

/// Domains of mail providers, meeting and scheduling services and applicant tracking
/// systems: they say nothing about the employer.
const GENERIC_DOMAINS: &[&str] = &[
    "gmail",
    "googlemail",
    "google",
    "outlook",
    "hotmail",
    "live",
    "msn",
    "microsoft",
    "office365",
    "yahoo",
    "ymail",
    "icloud",
    "me",
    "mac",
    "aol",
    "proton",
    "protonmail",
    "pm",
    "gmx",
    "mail",
    "fastmail",
    "hey",
    "yandex",
    "qq",
    "163",
    "zoho",
    "zoom",
    "calendly",
    "webex",
    "gotomeeting",
    "goto",
    "whereby",
    "teams",
    "skype",
    "greenhouse",
    "lever",
    "ashbyhq",
    "workday",
    "myworkday",
    "smartrecruiters",
    "icims",
    "jobvite",
    "goodtime",
    "gem",
    "example",
    "calendar",
    "noreply",
    "no-reply",
];

/// Second-level labels under which a company registers (acme.co.uk).
const SECOND_LEVELS: &[&str] = &[
    "co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "ltd", "plc",
];

/// The label that names the organisation in an address: "acme" for
/// jane@mail.acme.co.uk; `None` for mail and scheduling services.
pub fn company_label(email: &str) -> Option<String> {
    let domain = email.rsplit_once('@')?.1.trim().trim_end_matches('.');
    // The last three labels, from the end.
    let mut labels = domain.rsplit('.').filter(|l| !l.is_empty());
    let (Some(top), Some(second)) = (labels.next(), labels.next()) else {
        return None;
    };
    let label = match labels.next() {
        Some(third)
            if top.len() == 2 && SECOND_LEVELS.iter().any(|l| l.eq_ignore_ascii_case(second)) =>
        {
            third
        }
        _ => second,
    };
    if GENERIC_DOMAINS
        .iter()
        .any(|g| g.eq_ignore_ascii_case(label))
        || ends_with_ignore_case(domain, ".calendar.google.com")
    {
        return None;
    }
    Some(label.to_ascii_lowercase())
}

/// "acme" as "Acme", "blue-sky" as "Blue Sky"; or the title's own spelling when the
/// title names it ("Interview with AcmeCorp" for acmecorp, "Acme Corp" for acmecorp).
fn name_of_label(label: &str, title: &str) -> String {
    let mut words = title
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ':' | '|' | '-' | '—' | '–' | '(' | ')' | ',' | '@')
        })
        .filter(|w| !w.is_empty());
    // Up to four words in a row whose keys make the label.
    loop {
        let from = words.clone();
        if words.next().is_none() {
            break;
        }
        let mut matched = 0;
        for (n, w) in from.clone().take(4).enumerate() {
            match key_prefix_len(w, &label[matched..]) {
                Some(len) => matched += len,
                None => break,
            }
            if matched == label.len() {
                let mut name = String::new();
                for (i, w) in from.take(n + 1).enumerate() {
                    if i > 0 {
                        name.push(' ');
                    }
                    name.push_str(w);
                }
                return name;
            }
        }
    }
    label
        .split('-')
        .filter(|w| !w.is_empty())
        .map(capitalize)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The length in bytes of the key of `word` (see [`key_chars`]) if `text` starts with
/// it.
fn key_prefix_len(word: &str, text: &str) -> Option<usize> {
    let mut len = 0;
    for c in word.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                if text.as_bytes().get(len) != Some(&(c as u8).to_ascii_lowercase()) {
                    return None;
                }
                len += 1;
            }
            continue;
        }
        if !c.is_alphanumeric() {
            continue;
        }
        for l in c.to_lowercase() {
            let mut utf8 = [0; 4];
            let l = l.encode_utf8(&mut utf8);
            if !text[len..].starts_with(&*l) {
                return None;
            }
            len += l.len();
        }
    }
    Some(len)
}

/// Words that describe the meeting rather than the company or the role (sorted, for
/// [`in_list`]).
const MEETING_WORDS: &[&str] = &[
    "1st",
    "2nd",
    "30",
    "3rd",
    "45",
    "60",
    "behavioral",
    "behavioural",
    "call",
    "catch-up",
    "chat",
    "coding",
    "coffee",
    "conversation",
    "culture",
    "debrief",
    "design",
    "discussion",
    "entretien",
    "final",
    "first",
    "follow-up",
    "hiring",
    "interview",
    "interviewing",
    "interviews",
    "intro",
    "introduction",
    "introductory",
    "invitation",
    "invite",
    "loop",
    "manager",
    "meet",
    "meeting",
    "min",
    "minute",
    "on-site",
    "onsite",
    "panel",
    "phone",
    "recruiter",
    "round",
    "screen",
    "screening",
    "second",
    "stage",
    "sync",
    "system",
    "take-home",
    "teams",
    "tech",
    "technical",
    "third",
    "video",
    "virtual",
    "zoom",
];

/// Words that make a phrase a job title (sorted, for [`in_list`]).
const ROLE_WORDS: &[&str] = &[
    "accountant",
    "administrator",
    "analyst",
    "architect",
    "associate",
    "backend",
    "consultant",
    "coordinator",
    "data",
    "designer",
    "developer",
    "devops",
    "director",
    "editor",
    "engineer",
    "engineering",
    "executive",
    "frontend",
    "full-stack",
    "fullstack",
    "head",
    "intern",
    "internship",
    "junior",
    "lead",
    "manager",
    "marketing",
    "officer",
    "operations",
    "owner",
    "principal",
    "product",
    "programmer",
    "qa",
    "representative",
    "researcher",
    "sales",
    "scientist",
    "senior",
    "software",
    "specialist",
    "sre",
    "staff",
    "strategist",
    "support",
    "technician",
    "tester",
    "vp",
    "writer",
];

/// The letters and digits of `s`, lower-case: "Acme Corp." gives `acmecorp`.
fn key_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
}

/// Whether the key of `s` (see [`key_chars`]) starts with the key of `prefix`.
fn key_starts_with(s: &str, prefix: &str) -> bool {
    if s.is_ascii() && prefix.is_ascii() {
        fn key(t: &str) -> impl Iterator<Item = u8> + '_ {
            t.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase())
        }
        let mut s = key(s);
        return key(prefix).all(|b| s.next() == Some(b));
    }
    let mut s = key_chars(s);
    key_chars(prefix).all(|c| s.next() == Some(c))
}

fn has_word(phrase: &str, list: &[&str]) -> bool {
    phrase.split_whitespace().any(|w| in_list(w, list))
}

/// Whether the word, without its punctuation, is one of `list` (lower-case words in
/// byte order), looked up by bisection: ASCII words lower-cased on the stack, others
/// with [`str::to_lowercase`].
fn in_list(w: &str, list: &[&str]) -> bool {
    let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
    let mut buf = [0u8; 32];
    if bare.is_ascii() && bare.len() <= buf.len() {
        let lower = &mut buf[..bare.len()];
        lower.copy_from_slice(bare.as_bytes());
        lower.make_ascii_lowercase();
        list.binary_search_by(|x| x.as_bytes().cmp(lower)).is_ok()
    } else {
        list.binary_search(&bare.to_lowercase().as_str()).is_ok()
    }
}

/// The first place of `pat` in `s`, as [`str::find`] gives it, for the short
/// patterns of titles (no searcher to set up).
fn find_short(s: &str, pat: &str) -> Option<usize> {
    if pat.is_empty() {
        return Some(0);
    }
    s.as_bytes()
        .windows(pat.len())
        .position(|w| w == pat.as_bytes())
}

/// Where `key` (lower-case ASCII, at most 8 bytes) is in `text`, compared as
/// [`str::to_lowercase`] would lower-case it: the first place, or the last with
/// `last`, as the byte range of `text` it covers. Found without lower-casing the text,
/// and a range of `text` itself, which is not a range of its lower-cased copy when a
/// letter's lower case is longer or shorter ("İ", the Kelvin sign "K").
fn find_lowercase(text: &str, key: &str, last: bool) -> Option<std::ops::Range<usize>> {
    const MAX: usize = 8;
    let key = key.as_bytes();
    debug_assert!(!key.is_empty() && key.len() <= MAX && key.is_ascii());
    // The last `key.len()` characters of the lower-cased text (non-ASCII ones as 0xFF,
    // which no ASCII key has), each with the range of `text` it comes from.
    let mut recent = [(0u8, 0usize, 0usize); MAX];
    let mut seen = 0;
    let mut found = None;
    let mut push = |byte: u8, from: usize, to: usize| {
        recent[seen % MAX] = (byte, from, to);
        seen += 1;
        if byte == key[key.len() - 1] && seen >= key.len() {
            let start = seen - key.len();
            if key
                .iter()
                .enumerate()
                .all(|(j, k)| recent[(start + j) % MAX].0 == *k)
            {
                found = Some(recent[start % MAX].1..to);
                return !last;
            }
        }
        false
    };
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii() {
            if push(b[i].to_ascii_lowercase(), i, i + 1) {
                break;
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let (from, to) = (i, i + c.len_utf8());
        i = to;
        if c.to_lowercase().any(|l| {
            let byte = if l.is_ascii() { l as u8 } else { 0xFF };
            push(byte, from, to)
        }) {
            break;
        }
    }
    found
}

/// E-mail subject prefixes that [`clean_title`] removes, longest first where one
/// starts another.
const SUBJECT_PREFIXES: &[&str] = &[
    "updated invitation with note:",
    "updated invitation:",
    "invitation:",
    "canceled event:",
    "cancelled event:",
    "canceled:",
    "cancelled:",
    "accepted:",
    "fw:",
    "fwd:",
    "re:",
];

/// The title without e-mail subject prefixes ("Invitation: ", "Updated invitation: ",
/// "Canceled: ") and Google's " @ Tue Dec 1, 2026 …" suffix.
pub fn clean_title(title: &str) -> &str {
    let mut t = title.trim();
    while let Some(p) = SUBJECT_PREFIXES.iter().find(|p| {
        t.as_bytes()
            .first()
            .is_some_and(|b| b.to_ascii_lowercase() == p.as_bytes()[0])
            && starts_with_ignore_case(t, p)
    }) {
        t = t[p.len()..].trim_start();
    }
    if let Some(i) = find_short(t, " @ ") {
        t = &t[..i];
    }
    t.trim()
}

/// The separators of a title's parts, in the order they are split at.
const TITLE_SEPARATORS: &[&str] = &[" — ", " – ", " - ", " | ", ": ", " / ", " <> "];

/// Which of `seps` occur in `s`, as bits (bit `i` for `seps[i]`).
fn separators_in(s: &str, seps: &[&str]) -> u32 {
    let b = s.as_bytes();
    let mut found = 0;
    for (i, &c) in b.iter().enumerate() {
        // Every separator starts with one of these.
        if c != b' ' && c != b':' {
            continue;
        }
        for (k, sep) in seps.iter().enumerate() {
            if b[i..].starts_with(sep.as_bytes()) {
                found |= 1 << k;
            }
        }
    }
    found
}

/// The first `Some` that `f` gives for a part of a title, the parts in order.
///
/// The title is split at each of [`TITLE_SEPARATORS`] in turn (" — ", " – ", " - ",
/// " | ", ": ", " / "): every piece is split at the next separator, trimmed, and
/// dropped if empty.
fn find_title_part<'a, T, F>(title: &'a str, f: &mut F) -> Option<T>
where
    F: FnMut(&'a str) -> Option<T>,
{
    find_part_from(title, TITLE_SEPARATORS, f)
}

/// [`find_title_part`] for a piece still to be split at `seps`.
fn find_part_from<'a, T, F>(piece: &'a str, seps: &[&str], f: &mut F) -> Option<T>
where
    F: FnMut(&'a str) -> Option<T>,
{
    let mut s = piece;
    let mut found = separators_in(s, seps);
    for (k, sep) in seps.iter().enumerate() {
        if found & (1 << k) != 0 {
            let mut rest = s;
            loop {
                let (piece, after) = match find_short(rest, sep) {
                    Some(i) => (&rest[..i], Some(&rest[i + sep.len()..])),
                    None => (rest, None),
                };
                let piece = piece.trim();
                if !piece.is_empty() {
                    if let Some(hit) = find_part_from(piece, &seps[k + 1..], f) {
                        return Some(hit);
                    }
                }
                match after {
                    Some(after) => rest = after,
                    None => return None,
                }
            }
        }
        // Not split here: only trimmed, which can take a separator's space away.
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return None;
        }
        if trimmed.len() != s.len() {
            s = trimmed;
            found = separators_in(s, seps);
        }
    }
    f(s)
}

/// Strips a parenthesised tail: "Acme (Backend Engineer)" gives "Acme".
fn strip_parens(s: &str) -> &str {
    match find_short(s, " (") {
        Some(i) => s[..i].trim(),
        None => s.trim(),
    }
}

/// The company named in a title, if the title names one: "Interview with Acme",
/// "Acme — Backend Engineer interview", "Backend Engineer Interview at Acme",
/// "Acme: technical screen". `people` are names that are not companies (the
/// organiser's and attendees').
pub fn company_from_title(title: &str, people: &[&str]) -> Option<String> {
    company_in_clean_title(clean_title(title), people)
}

/// [`company_from_title`] of a title that [`clean_title`] has cleaned.
fn company_in_clean_title(t: &str, people: &[&str]) -> Option<String> {
    if t.is_empty() {
        return None;
    }
    let plausible = |s: &str| plausible_company(s, people).map(str::to_string);
    // "… with Acme", "… at Acme"
    for key in [" at ", " with "] {
        if let Some(at) = find_lowercase(t, key, true) {
            let tail = &t[at.end..];
            let tail = find_title_part(tail, &mut Some).unwrap_or(tail);
            if let Some(c) = plausible(tail) {
                return Some(c);
            }
        }
    }
    // The first plausible part, when the title has several.
    let mut parts = 0;
    let mut first = None;
    let several = find_title_part(t, &mut |p| {
        parts += 1;
        if first.is_none() {
            first = plausible_company(p, people);
        }
        (parts > 1 && first.is_some()).then_some(())
    });
    if several.is_some() {
        return first.map(str::to_string);
    }
    // "Acme interview", "Acme Technical Screen": the words before the first meeting word.
    let first_meeting = t
        .split_whitespace()
        .position(|w| in_list(w, MEETING_WORDS))
        .filter(|n| *n > 0);
    if let Some(first_meeting) = first_meeting {
        let mut before = String::with_capacity(t.len());
        for (i, w) in t.split_whitespace().take(first_meeting).enumerate() {
            if i > 0 {
                before.push(' ');
            }
            before.push_str(w);
        }
        if let Some(c) = plausible(&before) {
            return Some(c);
        }
    }
    // "Staff Engineer interview (Acme)": a company in parentheses.
    let mut rest = t;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let close = after.find(')')?;
        if let Some(c) = plausible(&after[..close]) {
            return Some(c);
        }
        rest = &after[close + 1..];
    }
    None
}

/// `s` without its parenthesised tail and outer punctuation, if it can be a company's
/// name: at most five words, none a meeting or role word, not one of `people` (nor a
/// first name of one), no "and" or "between".
fn plausible_company<'s>(s: &'s str, people: &[&str]) -> Option<&'s str> {
    let s = strip_parens(s).trim_matches(|c: char| !c.is_alphanumeric());
    (!s.is_empty()
        && s.split_whitespace().count() <= 5
        && !has_word(s, MEETING_WORDS)
        && !has_word(s, ROLE_WORDS)
        && !is_person(s, people)
        && find_short(s, " and ").is_none()
        && find_short(s, " between ").is_none())
    .then_some(s)
}

/// Whether `s` is one of `people`, or the first name of one, ignoring case.
fn is_person(s: &str, people: &[&str]) -> bool {
    let mut lower: Option<String> = None;
    people.iter().any(|p| {
        if s.is_ascii() && p.is_ascii() {
            return !p.is_empty()
                && (p.eq_ignore_ascii_case(s)
                    || p.split_whitespace()
                        .next()
                        .is_some_and(|w| w.eq_ignore_ascii_case(s)));
        }
        let k = lower.get_or_insert_with(|| s.to_lowercase()).as_str();
        let p = p.to_lowercase();
        !p.is_empty() && (p == k || p.split_whitespace().next() == Some(k))
    })
}

/// Words left out of a role (sorted, for [`in_list`]).
const ROLE_FILLERS: &[&str] = &["a", "an", "for", "the", "–", "—"];

/// The role named in a title: "Acme — Backend Engineer interview" gives
/// "Backend Engineer"; `None` when no part of the title reads as a job title.
pub fn role_from_title(title: &str) -> Option<String> {
    let t = clean_title(title);
    // "Backend Engineer interview at Acme": the part before " at " / " with ".
    let before_at = find_lowercase(t, " at ", false).map(|at| &t[..at.start]);
    let before_with = find_lowercase(t, " with ", false).map(|at| &t[..at.start]);
    let mut buf = String::new();
    let mut role_in = |part: &str| role_in_part(part, &mut buf);
    before_at
        .into_iter()
        .chain(before_with)
        .find_map(|c| find_title_part(c, &mut role_in))
        // A part of the title has no separator left: it is its own only part.
        .or_else(|| find_title_part(t, &mut role_in))
}

/// The role in one part of a title: in its parentheses, else in the rest, without
/// meeting words and fillers. `buf` is scratch space.
fn role_in_part(part: &str, buf: &mut String) -> Option<String> {
    let inner = find_short(part, " (").and_then(|i| part[i + 2..].strip_suffix(')'));
    for p in inner.into_iter().chain([strip_parens(part)]) {
        if !has_word(p, ROLE_WORDS) {
            continue;
        }
        buf.clear();
        let words = p
            .split_whitespace()
            .filter(|w| !in_list(w, MEETING_WORDS) || in_list(w, ROLE_WORDS))
            .filter(|w| !in_list(w, ROLE_FILLERS));
        for (i, w) in words.enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            buf.push_str(w);
        }
        let role = trim_role(buf);
        if !role.is_empty() && has_word(role, ROLE_WORDS) {
            return Some(role.to_string());
        }
    }
    None
}

/// A role without the punctuation around it, but with its brackets when they are
/// its own: "<x> Engineer" keeps its "<", "C++ Developer" its "+".
fn trim_role(s: &str) -> &str {
    let keep_open = |c: char, rest: &str| match c {
        '<' => rest.contains('>'),
        '(' => rest.contains(')'),
        '[' => rest.contains(']'),
        _ => false,
    };
    let mut t = s;
    while let Some(c) = t.chars().next() {
        if c.is_alphanumeric() || keep_open(c, &t[c.len_utf8()..]) {
            break;
        }
        t = &t[c.len_utf8()..];
    }
    while let Some(c) = t.chars().next_back() {
        let before = &t[..t.len() - c.len_utf8()];
        let keep = c.is_alphanumeric()
            || c == '+'
            || (c == '>' && before.contains('<'))
            || (c == ')' && before.contains('('))
            || (c == ']' && before.contains('['));
        if keep {
            break;
        }
        t = before;
    }
    t
}

/// The round a title names: "phone screen" is a screen, "Technical interview" a
/// technical round, "Onsite", "Panel", "Final round".
pub fn round_from_title(title: &str) -> Option<Round> {
    let lower;
    let t = if title.is_ascii() {
        title
    } else {
        lower = title.to_lowercase();
        &lower
    };
    let (mut fin, mut panel, mut onsite, mut technical, mut screen) =
        (false, false, false, false, false);
    for w in t
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
    {
        let is = |x: &str| w.eq_ignore_ascii_case(x);
        fin |= is("final");
        panel |= is("panel");
        onsite |= is("onsite") || is("on-site");
        technical |= is("technical") || is("tech") || is("coding");
        screen |= is("screen") || is("screening") || is("intro") || is("recruiter");
    }
    if fin {
        Some(Round::Final)
    } else if panel {
        Some(Round::Panel)
    } else if onsite {
        Some(Round::Onsite)
    } else if technical {
        Some(Round::Technical)
    } else if screen {
        Some(Round::Screen)
    } else {
        None
    }
}

/// The company of an invitation: the organiser's domain, else an attendee's (not the
/// user's, nor a mail or scheduling service's), else the title.
pub fn guess_company(invite: &Invite, me: Option<&str>) -> Option<CompanyGuess> {
    let my_label = me.and_then(company_label);
    let title = clean_title(&invite.title);
    let from_domain = |p: &Person| {
        let label = company_label(p.email.as_deref()?)?;
        (Some(&label) != my_label.as_ref()).then(|| name_of_label(&label, title))
    };
    let is_me = |p: &Person| match (me, &p.email) {
        (Some(me), Some(e)) => e.eq_ignore_ascii_case(me.trim()),
        _ => false,
    };
    let people: Vec<&str> = invite
        .organizer
        .iter()
        .chain(&invite.attendees)
        .map(|p| p.name.as_str())
        .collect();
    let from_title = company_in_clean_title(title, &people);
    // The title's fuller name for the same company: "Vandelay Industries" for vandelay.
    let fuller = |name: String| match &from_title {
        Some(t) if key_starts_with(t, &name) => t.clone(),
        _ => name,
    };
    if let Some(name) = invite
        .organizer
        .as_ref()
        .filter(|o| !is_me(o))
        .and_then(from_domain)
    {
        return Some(CompanyGuess {
            name: fuller(name),
            source: GuessSource::OrganizerDomain,
        });
    }
    if let Some(name) = from_title.clone() {
        return Some(CompanyGuess {
            name,
            source: GuessSource::Title,
        });
    }
    if let Some(name) = invite
        .attendees
        .iter()
        .filter(|p| !is_me(p))
        .find_map(from_domain)
    {
        return Some(CompanyGuess {
            name: fuller(name),
            source: GuessSource::AttendeeDomain,
        });
    }
    if let Some(name) = invite
        .host
        .as_ref()
        .filter(|h| !is_me(h))
        .and_then(from_domain)
    {
        return Some(CompanyGuess {
            name: fuller(name),
            source: GuessSource::Description,
        });
    }
    invite
        .link
        .as_deref()
        .and_then(link_label)
        .map(|label| CompanyGuess {
            name: fuller(name_of_label(&label, title)),
            source: GuessSource::MeetingLink,
        })
}

/// The company a meeting link names: the subdomain of a company's own Zoom or Webex
/// address (acme.zoom.us, acme.webex.com), not a region's (us02web.zoom.us).
fn link_label(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let sub = ["zoom.us", "zoom.com", "webex.com", "zoomgov.com"]
        .iter()
        .find_map(|d| host.strip_suffix(d)?.strip_suffix('.'))?;
    let label = sub.rsplit('.').next()?;
    let regional = label.starts_with("us0")
        || label.starts_with("eu0")
        || label.ends_with("web")
        || ["www", "app", "meet", "zoom", "events", "success"].contains(&label);
    (!label.is_empty()
        && !regional
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    .then(|| label.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_are_sorted_for_in_list() {
        for list in [MEETING_WORDS, ROLE_WORDS, ROLE_FILLERS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
        assert!(in_list("Interview,", MEETING_WORDS));
        assert!(in_list("ENGINEER", ROLE_WORDS));
        assert!(!in_list("Acme", ROLE_WORDS));
    }

    #[test]
    fn separators_start_with_a_space_or_a_colon() {
        for sep in TITLE_SEPARATORS {
            assert!(sep.starts_with([' ', ':']), "{sep:?}");
        }
    }

    #[test]
    fn title_parts_are_split_at_one_separator_after_the_other() {
        let parts = |t| {
            let mut out = Vec::new();
            find_title_part(t, &mut |p| {
                out.push(p);
                None::<()>
            });
            out
        };
        assert_eq!(
            parts(" Acme — Backend Engineer | Phone screen "),
            ["Acme", "Backend Engineer", "Phone screen"]
        );
        // " — " is split first, which takes the space of " - " away.
        assert_eq!(parts("a — - b"), ["a", "- b"]);
        assert_eq!(parts(" — "), Vec::<&str>::new());
    }

    #[test]
    fn find_short_finds_what_str_find_finds() {
        for (s, pat) in [
            ("Acme (x) (y)", " ("),
            ("a  @ b @ c", " @ "),
            ("", " @ "),
            ("é @ ", " @ "),
        ] {
            assert_eq!(find_short(s, pat), s.find(pat), "{s:?} {pat:?}");
        }
    }

    #[test]
    fn lowercase_places_are_ranges_of_the_text_itself() {
        for (text, key, first, last) in [
            ("Lunch AT Acme at noon", " at ", Some(" AT "), Some(" at ")),
            ("no key here", " at ", None, None),
            // "İ" lower-cases to three bytes, the Kelvin sign to one ASCII "k".
            ("İstanbul Tech at Acme", " at ", Some(" at "), Some(" at ")),
            (
                "\u{212A}ey Tech With Acme",
                " with ",
                Some(" With "),
                Some(" With "),
            ),
            ("ΣΑΣ with Acme", " with ", Some(" with "), Some(" with ")),
            (
                "Pay Tech \u{212A}IT at İİİ at Acme",
                " at ",
                Some(" at "),
                Some(" at "),
            ),
        ] {
            let first_found = find_lowercase(text, key, false);
            let last_found = find_lowercase(text, key, true);
            assert_eq!(first_found.clone().map(|r| &text[r]), first, "{text:?}");
            assert_eq!(last_found.clone().map(|r| &text[r]), last, "{text:?}");
            if let (Some(f), Some(l)) = (first_found, last_found) {
                assert!(f.start <= l.start, "{text:?}");
            }
        }
        // The last " at " is the second one.
        let text = "Pay Tech \u{212A}IT at İİİ at Acme";
        assert_eq!(
            &text[find_lowercase(text, " at ", true).unwrap().end..],
            "Acme"
        );
        assert_eq!(
            &text[..find_lowercase(text, " at ", false).unwrap().start],
            "Pay Tech \u{212A}IT"
        );
    }

    #[test]
    fn titles_whose_lower_case_is_longer_are_read_not_refused() {
        // "İ" is two bytes and lower-cases to three: a place in the lower-cased title
        // is not a place in the title.
        assert_eq!(
            company_from_title("İstanbul Tech interview with Acme", &[]),
            Some("Acme".to_string())
        );
        assert_eq!(
            role_from_title("İİİİ Backend Engineer interview at Acme").as_deref(),
            Some("İİİİ Backend Engineer")
        );
        assert_eq!(
            company_from_title("Backend Engineer interview at İzmir Yazılım", &[]),
            Some("İzmir Yazılım".to_string())
        );
    }

    #[test]
    fn one_line_joins_words_with_one_space() {
        assert_eq!(
            one_line("  Acme\t\tinterview\r\nround 2 "),
            "Acme interview round 2"
        );
        assert_eq!(one_line("a\u{a0}b\u{85}c\u{0}d"), "a b c d");
        assert_eq!(one_line(" \n "), "");
    }
}
