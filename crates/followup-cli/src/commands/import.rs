//! `followup import` (T8): interview invitations (`.ics`, or an `.eml` with a
//! `text/calendar` part) read into the tracker.
//!
//! Every event of the file is read and checked first; only then is anything written,
//! all in one transaction, so a problem in the third event leaves nothing of the first
//! two. Per event, by its UID:
//!
//! - an interview imported before with the same UID is updated (moved, renamed, its
//!   interviewers replaced), or marked cancelled for `METHOD:CANCEL` /
//!   `STATUS:CANCELLED`; within one file the highest SEQUENCE of a UID wins, across
//!   files the latest import;
//! - otherwise the interview is added to the newest active application of the same
//!   company, or a new application (company, role) is created with it.
//!
//! Floating times are read in the configured zone (`tz` in config.toml, or
//! `FOLLOWUP_TZ`), else in the calendar's `X-WR-TIMEZONE`, else UTC; a note says so.
//! What counts as an invitation (exports without organiser, METHOD:PUBLISH, all-day
//! events, feeds, repeating events) is described in `followup_app::import`. The file
//! is read as bytes: UTF-8, else Windows-1252; an e-mail's calendar part by its
//! charset.

use std::collections::HashMap;

use followup_app::import::{self as imp, instant, Done, Planned};
use serde::Serialize;

use crate::cli::ImportArgs;
use crate::commands::holidays::read_bytes;
use crate::commands::track::Ctx;
use crate::error::Result;
use crate::output;

/// Runs `followup import`.
pub fn run(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    let bytes = read_bytes(&a.file)?;
    let label = a.file.display().to_string();
    let (planned, notes) = imp::plan(
        ctx,
        &bytes,
        &label,
        a.company.as_deref(),
        a.me.as_deref(),
        a.all,
    )?;
    // Notes only once everything was read and checked: bad input is one line.
    for n in &notes {
        eprintln!("note: {n}");
    }
    if a.dry_run {
        return print_dry_run(a.json, &planned);
    }
    let done = imp::write_all(ctx, &planned)?;
    print_done(a.json, &done)
}

/// The `--dry-run` view: what would be imported.
#[derive(Serialize)]
struct Preview<'a> {
    uid: &'a str,
    start: String,
    end: String,
    tz: Option<&'a str>,
    title: &'a str,
    location: Option<&'a str>,
    company: &'a str,
    interviewers: Vec<PreviewPerson<'a>>,
    /// `METHOD:CANCEL` or `STATUS:CANCELLED`: importing it cancels the interview.
    cancelled: bool,
    /// The invitation's SEQUENCE (a higher one is a newer version).
    sequence: i64,
}

/// The dry run's document, its keys in the documented order.
#[derive(Serialize)]
struct DryRun<'a> {
    interviews: &'a [Preview<'a>],
}

#[derive(Serialize)]
struct PreviewPerson<'a> {
    name: &'a str,
    email: Option<&'a str>,
}

fn print_dry_run(json: bool, planned: &[Planned]) -> Result<()> {
    let previews: Vec<Preview<'_>> = planned
        .iter()
        .map(|p| Preview {
            uid: &p.invite.uid,
            start: instant(p.invite.start, p.invite.tz.as_deref()),
            end: instant(p.invite.end, p.invite.tz.as_deref()),
            tz: p.invite.tz.as_deref(),
            title: &p.invite.title,
            location: p.invite.location.as_deref(),
            company: &p.company,
            interviewers: p
                .interviewers
                .iter()
                .map(|x| PreviewPerson {
                    name: &x.name,
                    email: x.email.as_deref(),
                })
                .collect(),
            cancelled: p.invite.cancelled,
            sequence: p.invite.sequence,
        })
        .collect();
    output::with_stdout(|out| {
        if json {
            serde_json::to_writer(
                &mut *out,
                &DryRun {
                    interviews: &previews,
                },
            )?;
            return writeln!(out);
        }
        for (p, v) in planned.iter().zip(&previews) {
            writeln!(
                out,
                "{} {} — {}: {} .. {}{}{}{}",
                if p.invite.cancelled {
                    "cancel"
                } else {
                    "import"
                },
                p.company,
                p.role,
                v.start,
                v.end,
                v.location.map_or(String::new(), |l| format!(" at {l}")),
                if v.interviewers.is_empty() {
                    String::new()
                } else {
                    format!(
                        " with {}",
                        v.interviewers
                            .iter()
                            .map(|x| x.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
                if p.company_source == "--company" {
                    String::new()
                } else {
                    format!(" (company from {})", p.company_source)
                }
            )?;
        }
        writeln!(out, "Dry run: nothing written.")
    })
}

fn print_done(json: bool, done: &[Done]) -> Result<()> {
    output::with_stdout(|out| {
        if json {
            serde_json::to_writer(&mut *out, &serde_json::json!({ "imported": done }))?;
            return writeln!(out);
        }
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for d in done {
            *counts.entry(d.action).or_default() += 1;
            if done.len() <= 20 {
                let ids = match (d.application_id, d.interview_id) {
                    (Some(a), Some(i)) => format!(" (application {a}, interview {i})"),
                    (Some(a), None) => format!(" (application {a})"),
                    _ => String::new(),
                };
                let what = match d.action {
                    "created" => "New application",
                    "added" => "Interview added to",
                    "updated" => "Interview updated in",
                    "unchanged" => "Already up to date:",
                    "cancelled" => "Interview cancelled in",
                    "outdated" => "Older version of the invitation, left as it is:",
                    _ => "Nothing to cancel for",
                };
                writeln!(out, "{what} {} — {}, {}{ids}", d.company, d.role, d.start)?;
            }
        }
        if done.len() > 20 {
            let mut parts: Vec<String> = counts.iter().map(|(k, v)| format!("{v} {k}")).collect();
            parts.sort();
            writeln!(
                out,
                "Imported {} event(s): {}.",
                done.len(),
                parts.join(", ")
            )?;
        }
        Ok(())
    })
}
