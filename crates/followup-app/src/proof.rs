//! Proof of applications: what a job centre (the German "Bewerbungsnachweis") or an
//! unemployment office asks a job seeker to show. Two forms of the same record:
//!
//! - [`csv`]: every application and every event of its history, one row each, for a
//!   spreadsheet (`followup export --format csv`);
//! - [`report`]: a printable, self-contained HTML page of every application in a
//!   period, with dates, contacts and outcome (`followup report`).
//!
//! Times are local: an interview in its own zone, everything else in the
//! application's (its latest round's, else the configured one, else UTC).
//!
//! # The CSV
//!
//! RFC 4180 as written by the `csv` crate (fields quoted when needed, CRLF line ends),
//! UTF-8 with a byte order mark: Excel reads a CSV file without one in the system's
//! legacy code page and garbles "José Núñez"; LibreOffice, Numbers and Google Sheets
//! read the mark and drop it. A cell that would start with `=`, `+`, `-`, `@`, a tab or
//! a carriage return starts with an apostrophe instead (OWASP's advice against CSV
//! injection), so a spreadsheet shows the text rather than running it as a formula: a
//! company named `=HYPERLINK(...)` stays text, and a phone number `+1 555 0100` reads
//! `'+1 555 0100`. The JSON of `followup backup` keeps every value as it was typed.

use std::collections::BTreeSet;

use askama::Template;
use followup_store::model::{Contact, Interview, Touchpoint};
use followup_store::{ApplicationFull, Profile};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::track::app_zone;

/// The CSV's columns, in order.
pub const CSV_HEADER: [&str; 15] = [
    "application_id",
    "company",
    "role",
    "status",
    "event",
    "date",
    "time",
    "time_zone",
    "contacts",
    "round",
    "details",
    "note",
    "location",
    "link",
    "source",
];

/// One event of an application's history, in local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// `recorded` (the application entered in the tracker), `interview`, or a touchpoint kind (`thank-you`,
    /// `follow-up`, `reply`, `outcome`, ...).
    pub event: String,
    /// The local date.
    pub date: Date,
    /// `HH:MM` and the zone's abbreviation then, local: `10:00 EST`.
    pub time: String,
    /// The IANA zone of `date` and `time`.
    pub time_zone: String,
    /// Who: the interviewers of a round, the recipient of a message, who replied.
    pub contacts: Vec<String>,
    /// Their addresses, where known, one for each of `contacts`.
    pub addresses: Vec<Option<String>>,
    /// The round (screen, technical, ...), for an interview.
    pub round: String,
    /// What else is known: a decision phrase, an outcome, "cancelled".
    pub details: String,
    /// The note logged with it.
    pub note: String,
    /// Where, for an interview.
    pub location: String,
}

impl Event {
    /// Who, as "Jane Doe <jane@acme.com>" where the address is known.
    pub fn people(&self) -> Vec<String> {
        self.contacts
            .iter()
            .zip(&self.addresses)
            .map(|(n, e)| match e {
                Some(e) => format!("{n} <{e}>"),
                None => n.clone(),
            })
            .collect()
    }
}

fn zone_of(name: &str, fallback: &TimeZone) -> TimeZone {
    TimeZone::get(name).unwrap_or_else(|_| fallback.clone())
}

fn at(t: Timestamp, tz: &TimeZone) -> (Date, String, String) {
    let z = t.to_zoned(tz.clone());
    (
        z.date(),
        z.strftime("%H:%M %Z").to_string(),
        tz.iana_name().unwrap_or("UTC").to_string(),
    )
}

fn people<'a>(full: &'a ApplicationFull, ids: &[i64]) -> Vec<&'a Contact> {
    ids.iter().filter_map(|&id| full.contact(id)).collect()
}

fn interview_event(full: &ApplicationFull, i: &Interview, fallback: &TimeZone) -> Event {
    let (date, time, time_zone) = at(i.start, &zone_of(&i.tz, fallback));
    let who = people(full, &i.interviewer_ids);
    let mut details = Vec::new();
    if let Some(p) = &i.decision_phrase {
        details.push(format!("decision \"{p}\""));
    }
    if let Some(d) = i.decision_date {
        details.push(format!("decision by {d}"));
    }
    details.push(format!("{} min", i.duration_minutes));
    if i.cancelled {
        details.push("cancelled".into());
    }
    Event {
        event: "interview".into(),
        date,
        time,
        time_zone,
        contacts: who.iter().map(|c| c.name.clone()).collect(),
        addresses: who.iter().map(|c| c.email.clone()).collect(),
        round: i.round.map(|r| r.to_string()).unwrap_or_default(),
        details: details.join("; "),
        note: String::new(),
        location: i.location.clone().unwrap_or_default(),
    }
}

fn touchpoint_event(full: &ApplicationFull, t: &Touchpoint, tz: &TimeZone) -> Event {
    let (date, time, time_zone) = at(t.at, tz);
    let who = t.contact_id.and_then(|c| full.contact(c));
    let mut details = Vec::new();
    if let Some(o) = t.outcome {
        details.push(o.to_string());
    }
    if let Some(p) = &t.decision_phrase {
        details.push(format!("new timeline \"{p}\""));
    }
    if let Some(c) = t.channel {
        details.push(format!("by {c}"));
    }
    Event {
        event: t.kind.to_string(),
        date,
        time,
        time_zone,
        contacts: who.iter().map(|c| c.name.clone()).collect(),
        addresses: who.iter().map(|c| c.email.clone()).collect(),
        round: String::new(),
        details: details.join("; "),
        note: t.note.clone().unwrap_or_default(),
        location: String::new(),
    }
}

/// Every event of an application's history, in time order: its recording, its
/// interviews, and what was sent and received.
pub fn history(ctx: &Ctx, full: &ApplicationFull) -> Vec<Event> {
    let tz = app_zone(ctx, full);
    let a = &full.application;
    let (date, time, time_zone) = at(a.created_at, &tz);
    let mut out: Vec<(Timestamp, Event)> = vec![(
        a.created_at,
        Event {
            event: "recorded".into(),
            date,
            time,
            time_zone,
            contacts: Vec::new(),
            addresses: Vec::new(),
            round: String::new(),
            details: String::new(),
            note: String::new(),
            location: String::new(),
        },
    )];
    out.extend(
        full.interviews
            .iter()
            .map(|i| (i.start, interview_event(full, i, &tz))),
    );
    out.extend(
        full.touchpoints
            .iter()
            .map(|t| (t.at, touchpoint_event(full, t, &tz))),
    );
    // Stable: the recording first, then rounds, then messages at the same moment.
    out.sort_by_key(|(t, _)| *t);
    out.into_iter().map(|(_, e)| e).collect()
}

/// A cell as a spreadsheet should show it: text that would start a formula starts
/// with an apostrophe.
pub fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// The UTF-8 byte order mark the CSV starts with.
pub const BOM: &str = "\u{feff}";

/// The CSV of `apps`: a header row, then one row per event of each one's history.
pub fn csv(ctx: &Ctx, apps: &[ApplicationFull]) -> Result<String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| Error::Store(format!("cannot write the CSV: {e}"));
    w.write_record(CSV_HEADER).map_err(fail)?;
    for full in apps {
        let a = &full.application;
        for e in history(ctx, full) {
            let people = e.people().join("; ");
            let row = [
                a.id.to_string(),
                cell(&a.company),
                cell(&a.role),
                a.status.to_string(),
                e.event,
                e.date.to_string(),
                e.time,
                e.time_zone,
                cell(&people),
                e.round,
                cell(&e.details),
                cell(&e.note),
                cell(&e.location),
                cell(a.link.as_deref().unwrap_or("")),
                cell(a.source.as_deref().unwrap_or("")),
            ];
            w.write_record(&row).map_err(fail)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Store(format!("cannot write the CSV: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|e| Error::Store(format!("cannot write the CSV: {e}")))?;
    Ok(format!("{BOM}{text}"))
}

// ---------------------------------------------------------------------------------------
// The report

/// The paper the report is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4, 210 × 297 mm.
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// `a4` or `letter`, any case.
    pub fn parse(word: &str) -> Result<Paper> {
        match word.trim().to_ascii_lowercase().as_str() {
            "a4" => Ok(Paper::A4),
            "letter" => Ok(Paper::Letter),
            _ => Err(Error::input(format!(
                "unknown --paper `{word}` (expected a4 or letter)"
            ))),
        }
    }

    /// The CSS `@page` size.
    pub fn css(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::Letter => "letter",
        }
    }
}

/// One person in the report.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    /// "interviewer", "recruiter", "hiring manager".
    pub role: String,
    pub email: String,
    pub phone: String,
}

/// One application in the report.
#[derive(Debug, Clone)]
pub struct Row {
    /// Numbered from 1 in the report.
    pub n: usize,
    pub id: i64,
    pub company: String,
    pub role: String,
    /// The posting, and where it was found.
    pub link: String,
    pub source: String,
    /// The earliest date the tracker holds for it: recorded, or its first interview
    /// or message if earlier.
    pub since: Date,
    pub contacts: Vec<Person>,
    /// Its events in the period, as "2026-12-01 10:00 EST — interview (technical)
    /// with Jane Doe".
    pub steps: Vec<String>,
    /// "open", "offer", "rejected on 2026-12-20", ...
    pub outcome: String,
}

/// The report page.
#[derive(Template)]
#[template(path = "report.html")]
pub struct Report {
    /// The sender, when a profile is set.
    pub name: String,
    pub email: String,
    pub phone: String,
    pub from: Date,
    pub to: Date,
    /// When it was made (local date).
    pub made: Date,
    pub rows: Vec<Row>,
    pub paper: &'static str,
}

fn role_words(c: &Contact) -> String {
    c.role.to_string().replace('-', " ")
}

fn outcome(full: &ApplicationFull, tz: &TimeZone) -> String {
    let a = &full.application;
    match a.closed_at {
        None => "open (no decision yet)".into(),
        Some(t) => format!("{} on {}", a.status, t.to_zoned(tz.clone()).date()),
    }
}

fn step_line(e: &Event) -> String {
    let mut s = format!("{} {} — {}", e.date, e.time, e.event);
    if !e.round.is_empty() {
        s.push_str(&format!(" ({})", e.round));
    }
    if !e.contacts.is_empty() {
        let word = if e.event == "interview" { "with" } else { "to" };
        let word = if e.event == "reply" { "from" } else { word };
        s.push_str(&format!(" {word} {}", e.contacts.join(", ")));
    }
    if !e.details.is_empty() {
        s.push_str(&format!(": {}", e.details));
    }
    s
}

/// The report of every application with an event (recorded, an interview, a
/// message, the outcome) from `from` to `to`, both included, in local dates. Without
/// `from`, the period starts at the first event of all; without `to`, it ends today.
pub fn report(
    ctx: &Ctx,
    profile: Option<&Profile>,
    apps: &[ApplicationFull],
    from: Option<Date>,
    to: Option<Date>,
    paper: Paper,
) -> Result<String> {
    let here = ctx
        .settings
        .tz
        .as_deref()
        .and_then(|z| TimeZone::get(z).ok())
        .unwrap_or(TimeZone::UTC);
    let today = ctx.now.to_zoned(here).date();
    let histories: Vec<(&ApplicationFull, Vec<Event>)> =
        apps.iter().map(|f| (f, history(ctx, f))).collect();
    let first = histories
        .iter()
        .flat_map(|(_, h)| h.iter().map(|e| e.date))
        .min()
        .unwrap_or(today);
    let from = from.unwrap_or(first);
    let to = to.unwrap_or(today.max(from));
    if to < from {
        return Err(Error::input(format!(
            "the period ends ({to}) before it starts ({from}): --to must not be before --from"
        )));
    }
    let mut rows = Vec::new();
    for (full, events) in &histories {
        let within: Vec<&Event> = events
            .iter()
            .filter(|e| (from..=to).contains(&e.date))
            .collect();
        if within.is_empty() {
            continue;
        }
        let a = &full.application;
        let tz = app_zone(ctx, full);
        // Contacts named in the period first, then the others of the application.
        let named: BTreeSet<&str> = within
            .iter()
            .flat_map(|e| e.contacts.iter().map(String::as_str))
            .collect();
        let mut contacts: Vec<&Contact> = full.contacts.iter().collect();
        contacts.sort_by_key(|c| !named.contains(c.name.as_str()));
        rows.push(Row {
            n: rows.len() + 1,
            id: a.id,
            company: a.company.clone(),
            role: a.role.clone(),
            link: a.link.clone().unwrap_or_default(),
            source: a.source.clone().unwrap_or_default(),
            since: events.iter().map(|e| e.date).min().unwrap_or(from),
            contacts: contacts
                .iter()
                .map(|c| Person {
                    name: c.name.clone(),
                    role: role_words(c),
                    email: c.email.clone().unwrap_or_default(),
                    phone: c.phone.clone().unwrap_or_default(),
                })
                .collect(),
            steps: within
                .iter()
                .filter(|e| e.event != "recorded")
                .map(|e| step_line(e))
                .collect(),
            outcome: outcome(full, &tz),
        });
    }
    let page = Report {
        name: profile.map(|p| p.name.clone()).unwrap_or_default(),
        email: profile.map(|p| p.email.clone()).unwrap_or_default(),
        phone: profile.and_then(|p| p.phone.clone()).unwrap_or_default(),
        from,
        to,
        made: today,
        rows,
        paper: paper.css(),
    };
    page.render()
        .map_err(|e| Error::Store(format!("cannot write the report: {e}")))
}
