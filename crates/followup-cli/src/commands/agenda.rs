//! `followup agenda`: what to do today, across every open application (T1–T9).

use std::io::Write;

use followup_core::agenda::Item;
use followup_core::plan::{StepStatus, Why};
use followup_store::{AgendaRow, ApplicationFull};
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

/// A `Display` value written to JSON as a string, without an intermediate `String`.
struct Shown<'a, T>(&'a T);

impl<T: std::fmt::Display> Serialize for Shown<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

/// The reasons of a step, as a list of strings.
struct Whys(Vec<Why>);

impl Serialize for Whys {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Shown))
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
    rules: &'a [&'static str],
    status: &'static str,
    to: Option<&'a str>,
    why: Whys,
}

impl<'a> ItemJson<'a> {
    fn new(application: i64, company: &'a str, role: &'a str, i: &'a Item) -> ItemJson<'a> {
        ItemJson {
            application,
            channel: i.step.channel.as_str(),
            company,
            due: time::rfc3339(&i.step.zoned(i.step.recommended)),
            earliest: time::rfc3339(&i.step.zoned(i.step.earliest)),
            kind: i.kind.as_str(),
            late_by_hours: i.late_by.map(|d| d.as_hours()),
            latest: time::rfc3339(&i.step.zoned(i.step.latest)),
            role,
            rules: i.step.rules,
            status: i.status.as_str(),
            to: i.to.as_ref().map(|p| p.name.as_str()),
            why: Whys(i.step.why().collect()),
        }
    }
}

/// The JSON of an application's items.
pub fn items_json(full: &ApplicationFull, items: &[Item]) -> Vec<Value> {
    let a = &full.application;
    items
        .iter()
        .map(|i| {
            serde_json::to_value(ItemJson::new(a.id, &a.company, &a.role, i))
                .expect("an agenda item is plain JSON")
        })
        .collect()
}

/// `{"items": [...]}`, written item by item.
struct AgendaJson<'a>(&'a [(&'a AgendaRow, Item)]);

impl Serialize for AgendaJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let items = self
            .0
            .iter()
            .map(|(r, i)| ItemJson::new(r.id, &r.company, &r.role, i));
        let mut map = s.serialize_struct("Agenda", 1)?;
        map.serialize_field("items", &Items(std::cell::Cell::new(Some(items))))?;
        map.end()
    }
}

/// A list written from an iterator, once.
struct Items<I>(std::cell::Cell<Option<I>>);

impl<T: Serialize, I: Iterator<Item = T>> Serialize for Items<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// `followup agenda`.
pub fn run(ctx: &Ctx, days: u32, why: bool, json: bool) -> Result<()> {
    let apps = followup_app::agenda::rows(ctx)?;
    let all = followup_app::agenda::items(ctx, &apps, days)?;
    // The whole text is made first and written at once: stdout is line-buffered, and
    // a write per line is most of the time of a long agenda.
    if json {
        let mut buf = Vec::with_capacity(800 * all.len() + 64);
        serde_json::to_writer_pretty(&mut buf, &AgendaJson(&all)).map_err(std::io::Error::from)?;
        writeln!(buf)?;
        return write_unstyled(&buf);
    }
    let mut buf = Vec::with_capacity(100 * all.len() + 64);
    print_human(&mut buf, ctx.now, days, &all, why)?;
    output::with_stdout(|out| out.write_all(&buf))
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
    all: &[(&AgendaRow, Item)],
    why: bool,
) -> std::io::Result<()> {
    if all.is_empty() {
        return writeln!(out, "Nothing to do in the next {days} days.");
    }
    let today_end = now + SignedDuration::from_hours(24);
    let week_end = now + SignedDuration::from_hours(24 * 7);
    type Test<'a> = Box<dyn Fn(&Item) -> bool + 'a>;
    let groups: [(&str, Test); 4] = [
        (
            "Overdue",
            Box::new(|i: &Item| i.status == StepStatus::Overdue),
        ),
        (
            "Today",
            Box::new(move |i: &Item| {
                i.status == StepStatus::Due
                    || (i.status == StepStatus::Upcoming
                        && i.step.earliest.timestamp() <= today_end)
            }),
        ),
        (
            "This week",
            Box::new(move |i: &Item| {
                i.status == StepStatus::Upcoming
                    && i.step.earliest.timestamp() > today_end
                    && i.step.earliest.timestamp() <= week_end
            }),
        ),
        (
            "Later",
            Box::new(move |i: &Item| {
                i.status == StepStatus::Upcoming && i.step.earliest.timestamp() > week_end
            }),
        ),
    ];
    let mut first = true;
    for (title, test) in &groups {
        let members: Vec<_> = all.iter().filter(|(_, i)| test(i)).collect();
        if members.is_empty() {
            continue;
        }
        if !first {
            writeln!(out)?;
        }
        first = false;
        let sty = match *title {
            "Overdue" => style::BAD,
            "Today" => style::DUE,
            _ => style::HEAD,
        };
        writeln!(
            out,
            "{}{title}{} ({})",
            sty.render(),
            sty.render_reset(),
            members.len()
        )?;
        for (f, i) in members {
            let to =
                i.to.as_ref()
                    .map_or(String::new(), |p| format!(" to {}", p.name));
            let when = match i.status {
                StepStatus::Overdue => format!(
                    "was due by {} ({} late)",
                    i.step.zoned(i.step.latest).strftime("%a %b %-d %H:%M %Z"),
                    i.late_by.map(late).unwrap_or_default()
                ),
                StepStatus::Due => format!(
                    "send by {} (best {})",
                    i.step.zoned(i.step.latest).strftime("%a %b %-d %H:%M %Z"),
                    i.step.zoned(i.step.recommended).strftime("%a %H:%M")
                ),
                _ => format!(
                    "opens {}, best {}",
                    i.step.earliest.datetime().strftime("%a %b %-d"),
                    i.step
                        .zoned(i.step.recommended)
                        .strftime("%a %b %-d %H:%M %Z")
                ),
            };
            writeln!(
                out,
                "  {}#{}{} {} — {}{to}: {when} {}[{}]{}",
                style::HEAD.render(),
                f.id,
                style::HEAD.render_reset(),
                f.company,
                i.kind.label(),
                style::RULE.render(),
                i.step.rules.join(" "),
                style::RULE.render_reset()
            )?;
            if why {
                for w in i.step.why() {
                    writeln!(out, "      - {w}")?;
                }
            }
        }
    }
    Ok(())
}
