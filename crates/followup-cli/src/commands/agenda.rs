//! `followup agenda`: what to do today, across every open application (T1–T9).

use std::io::Write;

use followup_core::agenda::{self, Item};
use followup_core::model::Status;
use followup_core::plan::StepStatus;
use followup_store::ApplicationFull;
use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use crate::commands::track::{store_err, track_of, Ctx};
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

/// The JSON of an application's items.
pub fn items_json(full: &ApplicationFull, items: &[Item]) -> Vec<Value> {
    items
        .iter()
        .map(|i| {
            json!({
                "application": full.application.id,
                "company": full.application.company,
                "role": full.application.role,
                "kind": i.kind.as_str(),
                "to": i.to.as_ref().map(|p| p.name.clone()),
                "due": time::rfc3339(&i.step.recommended),
                "earliest": time::rfc3339(&i.step.earliest),
                "latest": time::rfc3339(&i.step.latest),
                "status": i.status.as_str(),
                "late_by_hours": i.late_by.map(|d| d.as_hours()),
                "channel": i.step.channel.as_str(),
                "rules": i.step.rules,
                "why": i.step.why.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// `followup agenda`.
pub fn run(ctx: &Ctx, days: u32, why: bool, json: bool) -> Result<()> {
    let store = ctx.store()?;
    // Open applications, and rejected ones: a rejection still asks for feedback (T9).
    let apps: Vec<ApplicationFull> = store
        .applications(true)
        .map_err(store_err)?
        .into_iter()
        .filter(|f| matches!(f.application.status, Status::Active | Status::Rejected))
        .collect();
    let horizon = ctx.now + SignedDuration::from_hours(24 * i64::from(days));
    let mut all: Vec<(&ApplicationFull, Item)> = Vec::new();
    for full in &apps {
        if let Some(track) = track_of(ctx, full)? {
            for item in agenda::items(&track, &ctx.policy, ctx.now) {
                if item.status != StepStatus::Upcoming || item.step.earliest.timestamp() <= horizon
                {
                    all.push((full, item));
                }
            }
        }
    }
    let rank = |s: StepStatus| match s {
        StepStatus::Overdue | StepStatus::Missed => 0,
        StepStatus::Due => 1,
        StepStatus::Upcoming => 2,
    };
    all.sort_by_key(|(f, i)| {
        (
            rank(i.status),
            i.step.recommended.timestamp(),
            f.application.id,
        )
    });
    if json {
        let items: Vec<Value> = all
            .iter()
            .flat_map(|(f, i)| items_json(f, std::slice::from_ref(i)))
            .collect();
        return output::with_stdout(|out| {
            serde_json::to_writer_pretty(&mut *out, &json!({ "items": items }))?;
            writeln!(out)
        });
    }
    output::with_stdout(|out| print_human(out, ctx.now, days, &all, why))
}

fn print_human(
    out: &mut dyn Write,
    now: Timestamp,
    days: u32,
    all: &[(&ApplicationFull, Item)],
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
                    i.step.latest.strftime("%a %b %-d %H:%M %Z"),
                    i.late_by.map(late).unwrap_or_default()
                ),
                StepStatus::Due => format!(
                    "send by {} (best {})",
                    i.step.latest.strftime("%a %b %-d %H:%M %Z"),
                    i.step.recommended.strftime("%a %H:%M")
                ),
                _ => format!(
                    "opens {}, best {}",
                    i.step.earliest.strftime("%a %b %-d"),
                    i.step.recommended.strftime("%a %b %-d %H:%M %Z")
                ),
            };
            writeln!(
                out,
                "  {}#{}{} {} — {}{to}: {when} {}[{}]{}",
                style::HEAD.render(),
                f.application.id,
                style::HEAD.render_reset(),
                f.application.company,
                i.kind.label(),
                style::RULE.render(),
                i.step.rules.join(" "),
                style::RULE.render_reset()
            )?;
            if why {
                for w in &i.step.why {
                    writeln!(out, "      - {w}")?;
                }
            }
        }
    }
    Ok(())
}
