//! `followup agenda`: what to do today, across every open application (T1–T9).

use std::io::Write;

use anstream::ColorChoice;
use anstyle::Style;

use followup_app::agenda::{Entry, Texts};
use followup_core::agenda::Item;
use followup_core::plan::StepStatus;
use followup_store::ApplicationFull;
use jiff::{SignedDuration, Timestamp};
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

/// One item in JSON. The fields are in alphabetical order, the order `serde_json`
/// gives the keys of a map, so the output is the same as that of a `json!` object.
#[derive(Serialize)]
struct ItemJson<'a> {
    application: i64,
    channel: &'static str,
    company: &'a str,
    due: String,
    earliest: String,
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
    fn new(e: &'a Entry) -> ItemJson<'a> {
        ItemJson {
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
pub fn items_json(full: &ApplicationFull, items: &[Item]) -> Vec<Value> {
    let a = &full.application;
    items
        .iter()
        .map(|i| {
            let e = Entry::of_item(a.id, &a.company, &a.role, i);
            serde_json::to_value(ItemJson::new(&e)).expect("an agenda item is plain JSON")
        })
        .collect()
}

/// `{"items": [...]}`.
#[derive(Serialize)]
struct AgendaJson<'a> {
    items: Vec<ItemJson<'a>>,
}

/// `followup agenda`.
pub fn run(ctx: &Ctx, days: u32, why: bool, json: bool) -> Result<()> {
    let all = followup_app::agenda::entries(ctx, days, json || why)?;
    // The whole text is made first and written at once: stdout is line-buffered, and
    // a write per line is most of the time of a long agenda.
    if json {
        let mut buf = Vec::with_capacity(800 * all.len() + 64);
        let doc = AgendaJson {
            items: all.iter().map(ItemJson::new).collect(),
        };
        serde_json::to_writer_pretty(&mut buf, &doc).map_err(std::io::Error::from)?;
        writeln!(buf)?;
        return write_unstyled(&buf);
    }
    let mut buf = Vec::with_capacity(100 * all.len() + 64);
    let color = anstream::AutoStream::choice(&std::io::stdout()) != ColorChoice::Never;
    print_human(&mut buf, ctx.now, days, &all, why, color)?;
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
    days: u32,
    all: &[Entry],
    why: bool,
    color: bool,
) -> std::io::Result<()> {
    if all.is_empty() {
        return writeln!(out, "Nothing to do in the next {days} days.");
    }
    let today_end = now + SignedDuration::from_hours(24);
    let week_end = now + SignedDuration::from_hours(24 * 7);
    type Test<'a> = Box<dyn Fn(&Entry) -> bool + 'a>;
    let groups: [(&str, Test); 4] = [
        (
            "Overdue",
            Box::new(|i: &Entry| i.status == StepStatus::Overdue),
        ),
        (
            "Today",
            Box::new(move |i: &Entry| {
                i.status == StepStatus::Due
                    || (i.status == StepStatus::Upcoming && i.earliest.timestamp() <= today_end)
            }),
        ),
        (
            "This week",
            Box::new(move |i: &Entry| {
                i.status == StepStatus::Upcoming
                    && i.earliest.timestamp() > today_end
                    && i.earliest.timestamp() <= week_end
            }),
        ),
        (
            "Later",
            Box::new(move |i: &Entry| {
                i.status == StepStatus::Upcoming && i.earliest.timestamp() > week_end
            }),
        ),
    ];
    // Styles are left out, not written and then stripped, when colour is off.
    let shown = |s: Style| if color { s } else { Style::new() };
    let (head, rule) = (shown(style::HEAD), shown(style::RULE));
    let mut first = true;
    for (title, test) in &groups {
        let members: Vec<_> = all.iter().filter(|i| test(i)).collect();
        if members.is_empty() {
            continue;
        }
        if !first {
            writeln!(out)?;
        }
        first = false;
        let sty = shown(match *title {
            "Overdue" => style::BAD,
            "Today" => style::DUE,
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
            if let Some(to) = &i.to {
                write!(out, " to {to}")?;
            }
            match i.status {
                StepStatus::Overdue => write!(
                    out,
                    ": was due by {} ({} late)",
                    i.latest.strftime("%a %b %-d %H:%M %Z"),
                    i.late_by.map(late).unwrap_or_default()
                )?,
                StepStatus::Due => write!(
                    out,
                    ": send by {} (best {})",
                    i.latest.strftime("%a %b %-d %H:%M %Z"),
                    i.recommended.strftime("%a %H:%M")
                )?,
                _ => write!(
                    out,
                    ": opens {}, best {}",
                    i.earliest.strftime("%a %b %-d"),
                    i.recommended.strftime("%a %b %-d %H:%M %Z")
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
