//! `followup agenda`: what to do today, across every open application (T1–T9).

use std::io::Write;

use anstream::ColorChoice;
use anstyle::Style;

use followup_app::agenda::{unnamed_interviewers, user_zone, Entry, Group, Texts};
use followup_core::agenda::Item;
use followup_core::plan::{StepKind, StepStatus};
use followup_store::ApplicationFull;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, Zoned};
use serde::Serialize;
use serde_json::Value;

use crate::commands::track::Ctx;
use crate::error::Result;
use crate::output::{self, style};
use crate::time;

fn late(d: SignedDuration) -> String {
    let hours = d.as_hours();
    if hours < 48 {
        format!("{}h", hours.max(1))
    } else {
        format!("{} days", hours / 24)
    }
}

/// The ways the agenda writes a moment: what `strftime` writes for `%a %b %-d`,
/// `%a %H:%M` and `%a %b %-d %H:%M %Z`, several times faster (thousands of lines).
const DAY: u8 = 0;
const WEEKDAY_TIME: u8 = 1;
const DAY_TIME_ZONE: u8 = 2;

/// A moment written one of the ways above.
struct Shown<'a>(&'a Zoned, u8);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let z = self.0;
        let weekday = WEEKDAYS[usize::from(z.weekday().to_monday_zero_offset().unsigned_abs())];
        let month = MONTHS[usize::from(z.month().unsigned_abs()) - 1];
        match self.1 {
            DAY => write!(f, "{weekday} {month} {}", z.day()),
            WEEKDAY_TIME => write!(f, "{weekday} {:02}:{:02}", z.hour(), z.minute()),
            _ => {
                let info = z.time_zone().to_offset_info(z.timestamp());
                write!(
                    f,
                    "{weekday} {month} {} {:02}:{:02} {}",
                    z.day(),
                    z.hour(),
                    z.minute(),
                    info.abbreviation()
                )
            }
        }
    }
}

/// One item in JSON. The fields are in alphabetical order, the order `serde_json`
/// gives the keys of a map, so the output is the same as that of a `json!` object.
#[derive(Serialize)]
struct ItemJson<'a> {
    application: i64,
    channel: &'static str,
    company: &'a str,
    due: String,
    earliest: String,
    group: &'static str,
    kind: &'static str,
    late_by_hours: Option<i64>,
    latest: String,
    role: &'a str,
    rules: &'a Texts,
    status: &'static str,
    to: Option<&'a str>,
    why: &'a Texts,
}

impl<'a> ItemJson<'a> {
    fn new(e: &'a Entry, today: &Zoned) -> ItemJson<'a> {
        ItemJson {
            group: Group::of(e, today).as_str(),
            application: e.application,
            channel: e.channel.as_str(),
            company: &e.company,
            due: time::rfc3339(&e.recommended),
            earliest: time::rfc3339(&e.earliest),
            kind: e.kind.as_str(),
            late_by_hours: e.late_by.map(|d| d.as_hours()),
            latest: time::rfc3339(&e.latest),
            role: &e.role,
            rules: &e.rules,
            status: e.status.as_str(),
            to: e.to.as_deref(),
            why: &e.why,
        }
    }
}

/// The JSON of an application's items.
pub fn items_json(ctx: &Ctx, full: &ApplicationFull, items: &[Item]) -> Vec<Value> {
    let a = &full.application;
    let today = ctx.now.to_zoned(user_zone(ctx));
    items
        .iter()
        .map(|i| {
            let e = Entry::of_item(a.id, &a.company, &a.role, i);
            serde_json::to_value(ItemJson::new(&e, &today)).expect("an agenda item is plain JSON")
        })
        .collect()
}

/// `{"items": [...]}`.
#[derive(Serialize)]
struct AgendaJson<'a> {
    items: Vec<ItemJson<'a>>,
}

/// What an empty tracker says: how to start.
pub const HOW_TO_START: &str = "No applications yet. Start with an interview: `followup add --company Acme --role \"Backend Engineer\" --at \"2026-12-01 10:00\" --tz America/New_York --interviewer \"Jane Doe <jane@acme.com>\"`, or import its invitation: `followup import invite.ics`.";

/// `followup agenda`.
pub fn run(ctx: &Ctx, days: u32, why: bool, json: bool) -> Result<()> {
    let all = followup_app::agenda::entries(ctx, days, json || why)?;
    if all.is_empty() && !json {
        let (open, closed) = ctx
            .store()?
            .application_counts()
            .map_err(crate::commands::track::store_err)?;
        if open + closed == 0 {
            return output::with_stdout(|out| writeln!(out, "{HOW_TO_START}"));
        }
    }
    // The whole text is made first and written at once: stdout is line-buffered, and
    // a write per line is most of the time of a long agenda.
    if json {
        let mut buf = Vec::with_capacity(800 * all.len() + 64);
        let today = ctx.now.to_zoned(user_zone(ctx));
        let doc = AgendaJson {
            items: all.iter().map(|e| ItemJson::new(e, &today)).collect(),
        };
        serde_json::to_writer_pretty(&mut buf, &doc).map_err(std::io::Error::from)?;
        writeln!(buf)?;
        return write_unstyled(&buf);
    }
    let mut buf = Vec::with_capacity(100 * all.len() + 64);
    let color = anstream::AutoStream::choice(&std::io::stdout()) != ColorChoice::Never;
    print_human(&mut buf, ctx.now, &user_zone(ctx), days, &all, why, color)?;
    if color {
        output::with_stdout(|out| out.write_all(&buf))
    } else {
        write_unstyled(&buf)
    }
}

/// Writes text that has no styles (JSON) to stdout as it is, without going through the
/// colour filter of [`output::with_stdout`], which would look at every byte of it; a
/// closed pipe (`| head`) ends quietly, as there.
fn write_unstyled(buf: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(buf).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn print_human(
    out: &mut dyn Write,
    now: Timestamp,
    user_tz: &TimeZone,
    days: u32,
    all: &[Entry],
    why: bool,
    color: bool,
) -> std::io::Result<()> {
    if all.is_empty() {
        return writeln!(out, "Nothing to do in the next {days} days.");
    }
    let today = now.to_zoned(user_tz.clone());
    // Styles are left out, not written and then stripped, when colour is off.
    let shown = |s: Style| if color { s } else { Style::new() };
    let (head, rule) = (shown(style::HEAD), shown(style::RULE));
    let mut first = true;
    for group in Group::ALL {
        let title = group.title();
        let members: Vec<_> = all
            .iter()
            .filter(|i| Group::of(i, &today) == group)
            .collect();
        if members.is_empty() {
            continue;
        }
        if !first {
            writeln!(out)?;
        }
        first = false;
        let sty = shown(match group {
            Group::Overdue => style::BAD,
            Group::DueNow | Group::OpensToday => style::DUE,
            _ => style::HEAD,
        });
        writeln!(
            out,
            "{}{title}{} ({})",
            sty.render(),
            sty.render_reset(),
            members.len()
        )?;
        for i in members {
            write!(
                out,
                "  {}#{}{} {} — {}",
                head.render(),
                i.application,
                head.render_reset(),
                i.company,
                i.kind.label(),
            )?;
            match (&i.to, i.kind) {
                (Some(to), _) => write!(out, " to {to}")?,
                (None, StepKind::ThankYou) => {
                    write!(out, " to {}", unnamed_interviewers(i.application))?;
                }
                _ => {}
            }
            match i.status {
                StepStatus::Overdue => write!(
                    out,
                    ": was due by {} ({} late)",
                    Shown(&i.latest, DAY_TIME_ZONE),
                    i.late_by.map(late).unwrap_or_default()
                )?,
                StepStatus::Due => write!(
                    out,
                    ": send by {} (best {})",
                    Shown(&i.latest, DAY_TIME_ZONE),
                    Shown(&i.recommended, WEEKDAY_TIME)
                )?,
                _ => write!(
                    out,
                    ": opens {}, best {}",
                    Shown(&i.earliest, DAY),
                    Shown(&i.recommended, DAY_TIME_ZONE)
                )?,
            }
            writeln!(
                out,
                " {}[{}]{}",
                rule.render(),
                i.rules.joined(),
                rule.render_reset()
            )?;
            if why {
                for w in i.why.iter() {
                    writeln!(out, "      - {w}")?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_written_as_strftime_writes_them() {
        let instants = [
            "2026-12-01T15:00:00Z",
            "2027-03-28T01:30:00Z",
            "2026-07-04T23:59:00Z",
            "2030-01-05T09:05:00Z",
        ];
        for zone in [
            "UTC",
            "America/New_York",
            "Europe/London",
            "Asia/Kolkata",
            "Australia/Lord_Howe",
            "America/Sao_Paulo",
        ] {
            let tz = jiff::tz::TimeZone::get(zone).unwrap();
            for at in instants {
                let z = at.parse::<Timestamp>().unwrap().to_zoned(tz.clone());
                for (way, format) in [
                    (DAY, "%a %b %-d"),
                    (WEEKDAY_TIME, "%a %H:%M"),
                    (DAY_TIME_ZONE, "%a %b %-d %H:%M %Z"),
                ] {
                    let want = z.strftime(format).to_string();
                    assert_eq!(Shown(&z, way).to_string(), want, "{zone} {at} {format}");
                }
            }
        }
    }
}
