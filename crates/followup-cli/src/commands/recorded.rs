//! What the commands that record a fact print: what was recorded, in words, and what
//! it changed in the plan (`log`, `reply`, `outcome`, `edit`). `--json` keeps the
//! object these commands printed before (`{"id": N}`), with more fields.

use followup_core::agenda::{self, Derived, Item};
use followup_core::plan::StepKind;
use followup_store::{ApplicationFull, Touchpoint};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::json;

use crate::commands::track::{store_err, track_of, Ctx};
use crate::error::Result;
use crate::output;
use crate::time;

/// The user's zone: `tz` from the settings (`config.toml`, `FOLLOWUP_TZ`), else the
/// application's (its latest round's). What `show` and these messages write times in.
pub fn user_zone(ctx: &Ctx, full: &ApplicationFull) -> TimeZone {
    ctx.settings
        .tz
        .as_deref()
        .and_then(|z| TimeZone::get(z).ok())
        .unwrap_or_else(|| followup_app::track::app_zone(ctx, full))
}

/// "Tue Dec 1 17:00 EST", with the year when it is not this year's.
pub fn moment(ctx: &Ctx, t: Timestamp, tz: &TimeZone) -> String {
    let z = t.to_zoned(tz.clone());
    if z.year() == ctx.now.to_zoned(tz.clone()).year() {
        z.strftime("%a %b %-d %H:%M %Z").to_string()
    } else {
        z.strftime("%a %b %-d %Y %H:%M %Z").to_string()
    }
}

/// "Acme (#1)".
fn label(full: &ApplicationFull) -> String {
    format!("{} (#{})", full.application.company, full.application.id)
}

/// The application as it is now, and what planning derives from it.
fn reload(ctx: &Ctx, id: i64) -> Result<(ApplicationFull, Option<Derived>)> {
    let full = ctx.store()?.application(id).map_err(store_err)?;
    let derived = track_of(ctx, &full)?.map(|t| agenda::derive(&t, &ctx.policy, ctx.now));
    Ok((full, derived))
}

fn touchpoint(full: &ApplicationFull, id: i64) -> Option<&Touchpoint> {
    full.touchpoints.iter().find(|t| t.id == id)
}

/// "Follow-up to Jane Doe" or "Follow-up".
fn item_name(i: &Item) -> String {
    match &i.to {
        Some(p) => format!("{} to {}", i.kind.label(), p.name),
        None => i.kind.label().to_string(),
    }
}

/// The open item to act on first, in words: "Next: Thank-you to Raj Patel, best Wed
/// Dec 2 09:00 EST (by Wed Dec 2 11:00 EST)."
fn next_line(ctx: &Ctx, derived: Option<&Derived>) -> String {
    let Some(next) = derived.and_then(|d| d.items.iter().min_by_key(|i| i.step.recommended)) else {
        return "Nothing more is planned.".to_string();
    };
    let tz = next.step.zoned(next.step.recommended).time_zone().clone();
    format!(
        "Next: {}, {} (best {}, by {}).",
        item_name(next),
        next.status.as_str(),
        moment(ctx, next.step.recommended.timestamp(), &tz),
        moment(ctx, next.step.latest.timestamp(), &tz),
    )
}

/// `followup log`: "Logged thank-you to Jane Doe for Acme (#1) at Tue Dec 1 17:00 EST
/// (entry #12)." and the next item.
pub fn logged(ctx: &Ctx, id: i64, tid: i64, warnings: &[String], json: bool) -> Result<()> {
    let (full, derived) = reload(ctx, id)?;
    let tz = user_zone(ctx, &full);
    let t = touchpoint(&full, tid);
    let to = t
        .and_then(|t| t.contact_id)
        .and_then(|c| full.contact(c))
        .map(|c| c.name.as_str());
    output::with_stdout(|out| {
        if json {
            return writeln!(
                out,
                "{}",
                noted(
                    ctx,
                    json!({
                        "id": tid,
                        "application_id": id,
                        "kind": t.map(|t| t.kind.as_str()),
                        "to": to,
                        "at": t.map(|t| time::rfc3339(&t.at.to_zoned(tz.clone()))),
                        "warnings": warnings,
                    })
                )
            );
        }
        let Some(t) = t else {
            return writeln!(out, "Logged entry #{tid} for {}.", label(&full));
        };
        writeln!(
            out,
            "Logged {}{} for {} at {} (entry #{tid}).",
            t.kind,
            to.map_or(String::new(), |n| format!(" to {n}")),
            label(&full),
            moment(ctx, t.at, &tz),
        )?;
        writeln!(out, "{}", next_line(ctx, derived.as_ref()))
    })
}

/// `followup reply`: "Recorded reply from Jane Doe, Acme (#1); decision by Fri Dec
/// 18: re-planned." and the next item.
pub fn replied(ctx: &Ctx, id: i64, tid: i64, json: bool) -> Result<()> {
    let (full, derived) = reload(ctx, id)?;
    let t = touchpoint(&full, tid);
    let from = t
        .and_then(|t| t.contact_id)
        .and_then(|c| full.contact(c))
        .map(|c| c.name.as_str());
    let decision = t.and_then(|t| t.decision_date);
    output::with_stdout(|out| {
        if json {
            return writeln!(
                out,
                "{}",
                noted(
                    ctx,
                    json!({
                        "id": tid,
                        "application_id": id,
                        "from": from,
                        "decision_date": decision.map(|d| d.to_string()),
                    })
                )
            );
        }
        let who = match from {
            Some(name) => format!("{name}, {}", label(&full)),
            None => label(&full),
        };
        match decision {
            Some(d) => writeln!(
                out,
                "Recorded reply from {who}; decision by {}: re-planned from it (T9).",
                d.strftime("%a %b %-d")
            )?,
            None => writeln!(
                out,
                "Recorded reply from {who}: pending follow-ups are cancelled until they give a new timeline (T9)."
            )?,
        }
        writeln!(out, "{}", next_line(ctx, derived.as_ref()))
    })
}

/// `followup outcome`: "Recorded outcome rejected for Acme (#1): feedback request
/// planned (T9)."
pub fn outcome(ctx: &Ctx, id: i64, tid: i64, json: bool) -> Result<()> {
    let (full, derived) = reload(ctx, id)?;
    let outcome = touchpoint(&full, tid).and_then(|t| t.outcome);
    let feedback = derived
        .as_ref()
        .and_then(|d| d.items.iter().find(|i| i.kind == StepKind::FeedbackRequest));
    output::with_stdout(|out| {
        if json {
            return writeln!(
                out,
                "{}",
                noted(
                    ctx,
                    json!({
                        "id": tid,
                        "application_id": id,
                        "outcome": outcome.map(|o| o.as_str()),
                        "status": full.application.status.as_str(),
                    })
                )
            );
        }
        let what = outcome.map_or_else(|| "recorded".to_string(), |o| o.to_string());
        match feedback {
            Some(f) => {
                let tz = f.step.zoned(f.step.recommended).time_zone().clone();
                writeln!(
                    out,
                    "Recorded outcome {what} for {}: {} planned, best {} (T9).",
                    label(&full),
                    item_name(f).to_lowercase(),
                    moment(ctx, f.step.recommended.timestamp(), &tz)
                )
            }
            None => writeln!(
                out,
                "Recorded outcome {what} for {}: the plan ends, nothing more is planned (T9).",
                label(&full)
            ),
        }
    })
}

/// What changed between two versions of an application, in words: "role Engineer →
/// Staff Engineer", "interview #2 moved to Tue Dec 8 10:00 EST".
pub fn changes(ctx: &Ctx, before: &ApplicationFull, after: &ApplicationFull) -> Vec<String> {
    fn text<T: std::fmt::Display>(v: &Option<T>) -> String {
        v.as_ref().map_or("(none)".to_string(), ToString::to_string)
    }
    let mut out = Vec::new();
    let mut field = |name: &str, old: String, new: String| {
        if old != new {
            out.push(if new == "(none)" {
                format!("{name} cleared")
            } else if old == "(none)" {
                format!("{name} set to {new}")
            } else {
                format!("{name} {old} → {new}")
            });
        }
    };
    let (a, b) = (&before.application, &after.application);
    field("company", a.company.clone(), b.company.clone());
    field("role", a.role.clone(), b.role.clone());
    field("company type", text(&a.company_type), text(&b.company_type));
    field("seniority", text(&a.seniority), text(&b.seniority));
    field("region", text(&a.region), text(&b.region));
    field(
        "recipients' zone",
        text(&a.recipient_tz),
        text(&b.recipient_tz),
    );
    field("link", text(&a.link), text(&b.link));
    field("source", text(&a.source), text(&b.source));
    field("urgent", a.urgent.to_string(), b.urgent.to_string());
    field(
        "late in the process",
        a.late_in_process.to_string(),
        b.late_in_process.to_string(),
    );
    for new in &after.interviews {
        let Some(old) = before.interview(new.id) else {
            continue;
        };
        let name = format!("interview #{}", new.id);
        if (old.start, &old.tz) != (new.start, &new.tz) {
            let tz = TimeZone::get(&new.tz).unwrap_or(TimeZone::UTC);
            out.push(format!("{name} moved to {}", moment(ctx, new.start, &tz)));
        }
        let mut field = |what: &str, old: String, new: String| {
            if old != new {
                out.push(if new == "(none)" {
                    format!("{name}: {what} cleared")
                } else {
                    format!("{name}: {what} {new}")
                });
            }
        };
        field(
            "lasts",
            format!("{} min", old.duration_minutes),
            format!("{} min", new.duration_minutes),
        );
        field("round", text(&old.round), text(&new.round));
        field(
            "decision",
            text(&old.decision_phrase),
            text(&new.decision_phrase),
        );
        let day = |d: &Option<jiff::civil::Date>| d.map(|d| d.strftime("%a %b %-d %Y").to_string());
        field(
            "decision by",
            text(&day(&old.decision_date)),
            text(&day(&new.decision_date)),
        );
        field("location", text(&old.location), text(&new.location));
        if old.cancelled != new.cancelled {
            out.push(if new.cancelled {
                format!("{name} cancelled")
            } else {
                format!("{name} no longer cancelled")
            });
        }
    }
    out
}

/// `followup edit`: "Updated Acme (#1): interview #2 moved to Tue Dec 8 10:00 EST."
pub fn edited(ctx: &Ctx, before: &ApplicationFull, json: bool) -> Result<()> {
    let id = before.application.id;
    let (after, derived) = reload(ctx, id)?;
    let changed = changes(ctx, before, &after);
    output::with_stdout(|out| {
        if json {
            return writeln!(
                out,
                "{}",
                noted(ctx, json!({ "id": id, "changes": changed }))
            );
        }
        if changed.is_empty() {
            return writeln!(
                out,
                "Nothing changed for {}: it already had these values.",
                label(&after)
            );
        }
        writeln!(out, "Updated {}: {}.", label(&after), changed.join("; "))?;
        writeln!(out, "{}", next_line(ctx, derived.as_ref()))
    })
}

/// A `--json` answer with `"notes"` added when an input was read in a way worth
/// knowing (a local time in a DST gap or fold; also warned about on stderr).
pub fn noted(ctx: &Ctx, mut value: serde_json::Value) -> serde_json::Value {
    let notes = ctx.notes.list();
    if !notes.is_empty() {
        value["notes"] = json!(notes);
    }
    value
}

/// `followup skip`: "Skipped follow-up of Acme (#1) (skip #3): `followup skip 1
/// follow-up --undo` plans it again." and the next item; with `undone`, "Planned
/// follow-up of Acme (#1) again (skip #3 taken back)."
pub fn skipped(
    ctx: &Ctx,
    skip: &followup_app::skip::SkipView,
    undone: bool,
    json: bool,
) -> Result<()> {
    let (full, derived) = reload(ctx, skip.application_id)?;
    let next = next_line(ctx, derived.as_ref());
    output::with_stdout(|out| {
        if json {
            let action = if undone { "undone" } else { "skipped" };
            return writeln!(out, "{}", json!({ "action": action, "skip": skip }));
        }
        let what = skip.describe();
        if undone {
            writeln!(
                out,
                "Planned {what} of {} again (skip #{} taken back).\n{next}",
                label(&full),
                skip.id
            )
        } else {
            let to = skip
                .to
                .as_ref()
                .map_or(String::new(), |t| format!(" --to \"{t}\""));
            writeln!(
                out,
                "Skipped {what} of {} (skip #{}): `followup skip {} {}{to} --undo` plans it again.\n{next}",
                label(&full),
                skip.id,
                skip.application_id,
                skip.step.cli_word()
            )
        }
    })
}
