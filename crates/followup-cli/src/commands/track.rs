//! The tracker commands: add, interview, list, show, log, reply, outcome, profile,
//! edit, delete, backup, restore. Facts go to the store; plans are derived by
//! `followup-core` on every read (T9).

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use followup_core::agenda;
use followup_core::model::Status;
use followup_core::plan::StepStatus;
use followup_store::Profile;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::json;

use crate::cli::{AddArgs, EditArgs, RoundArgs};
use crate::error::{Error, Result};
use crate::output::{self, style};
use crate::time;

pub use followup_app::ctx::{default_db, store_err, track_of, Ctx};
use followup_app::track::{AddInput, RoundInput};

/// The flags of one round, as the shared use cases take them.
fn round_input(r: &RoundArgs) -> RoundInput {
    RoundInput {
        at: r.at.clone(),
        tz: r.tz.clone(),
        duration: r.duration.clone(),
        round: r.round.clone(),
        decision: r.decision.clone(),
        interviewer: r.interviewer.clone(),
        topic: r.topic.clone(),
        strength: r.strength.clone(),
        gap: r.gap.clone(),
        question: r.question.clone(),
        location: r.location.clone(),
    }
}

/// `followup add`.
pub fn add(ctx: &Ctx, a: &AddArgs) -> Result<()> {
    let input = AddInput {
        company: a.company.clone(),
        role: a.role.clone(),
        round: round_input(&a.round),
        region: a.region.clone(),
        recipient_tz: a.recipient_tz.clone(),
        company_type: a.company_type.clone(),
        seniority: a.seniority.clone(),
        urgent: a.urgent,
        late_in_process: a.late_in_process,
        link: a.link.clone(),
        source: a.source.clone(),
    };
    let id = followup_app::track::add(ctx, &input)?;
    print_id(ctx, a.round.json, id, "application")?;
    if !a.round.json {
        // The id alone on stdout, for `id=$(followup add ...)`; the words for people.
        eprintln!(
            "Added {} — {} as #{id}: `followup show {id}` shows its plan.",
            input.company.trim(),
            input.role.trim()
        );
    }
    Ok(())
}

/// `followup log ID KIND`.
pub fn log(
    ctx: &Ctx,
    id: i64,
    kind: &str,
    to: Option<&str>,
    at: Option<&str>,
    note: Option<&str>,
    json: bool,
) -> Result<()> {
    let logged = followup_app::track::log(ctx, id, kind, to, at, note)?;
    warn(&logged.warnings);
    super::recorded::logged(ctx, id, logged.id, &logged.warnings, json)
}

/// Advice a recorded fact goes against, on stderr: `warning: T5: …`.
fn warn(warnings: &[String]) {
    for w in warnings {
        anstream::eprintln!(
            "{}warning{}: {w}",
            style::DUE.render(),
            style::DUE.render_reset()
        );
    }
}

/// The id of what was written; with `--json`, `{"id": N}`, plus `"notes"` when an
/// input was read in a way worth knowing (also warned about on stderr).
fn print_id(ctx: &Ctx, json: bool, id: i64, what: &str) -> Result<()> {
    let notes = ctx.notes.list();
    output::with_stdout(|out| {
        if json && notes.is_empty() {
            writeln!(out, "{}", json!({ "id": id }))
        } else if json {
            writeln!(out, "{}", json!({ "id": id, "notes": notes }))
        } else {
            let _ = what;
            writeln!(out, "{id}")
        }
    })
}

/// `followup interview ID`.
pub fn interview(ctx: &Ctx, id: i64, r: &RoundArgs, reopen: bool) -> Result<()> {
    let added = followup_app::track::add_round(ctx, id, &round_input(r), reopen)?;
    if let Some(t) = added.reopened {
        anstream::eprintln!("Reopened application {id} (recorded in its history, #{t})");
    }
    if r.json {
        return output::with_stdout(|out| {
            writeln!(
                out,
                "{}",
                super::recorded::noted(
                    ctx,
                    json!({ "id": added.interview, "reopened": added.reopened, "tz": added.tz })
                )
            )
        });
    }
    print_id(ctx, r.json, added.interview, "interview")
}

/// `followup reply ID`.
pub fn reply(
    ctx: &Ctx,
    id: i64,
    at: Option<&str>,
    decision: Option<&str>,
    from: Option<&str>,
    note: Option<&str>,
    json: bool,
) -> Result<()> {
    let tid = followup_app::track::reply(ctx, id, at, decision, from, note)?;
    super::recorded::replied(ctx, id, tid, json)
}

/// `followup outcome ID OUTCOME`.
pub fn outcome(
    ctx: &Ctx,
    id: i64,
    outcome: &str,
    at: Option<&str>,
    note: Option<&str>,
    json: bool,
) -> Result<()> {
    let tid = followup_app::track::outcome(ctx, id, outcome, at, note)?;
    super::recorded::outcome(ctx, id, tid, json)
}

/// One application in `list`.
#[derive(Serialize)]
struct ListItem {
    id: i64,
    company: String,
    role: String,
    status: &'static str,
    interviews: usize,
    next: Option<serde_json::Value>,
}

/// `followup list`.
pub fn list(ctx: &Ctx, all: bool, json: bool) -> Result<()> {
    let store = ctx.store()?;
    let apps = store.applications(all).map_err(store_err)?;
    let closed = if apps.is_empty() && !all {
        store.application_counts().map_err(store_err)?.1
    } else {
        0
    };
    let mut rows = Vec::new();
    for full in &apps {
        let next = match track_of(ctx, full)? {
            Some(track) => agenda::items(&track, &ctx.policy, ctx.now).into_iter().next().map(|i| {
                json!({"kind": i.kind.as_str(), "to": i.to.map(|p| p.name), "due": time::rfc3339(&i.step.zoned(i.step.recommended)), "status": i.status.as_str()})
            }),
            None => None,
        };
        rows.push(ListItem {
            id: full.application.id,
            company: full.application.company.clone(),
            role: full.application.role.clone(),
            status: full.application.status.as_str(),
            interviews: full.interviews.len(),
            next,
        });
    }
    output::with_stdout(|out| {
        if json {
            serde_json::to_writer_pretty(&mut *out, &json!({ "applications": rows }))?;
            return writeln!(out);
        }
        if rows.is_empty() {
            return match closed {
                0 => writeln!(out, "{}", super::agenda::HOW_TO_START),
                n => writeln!(
                    out,
                    "No open applications ({n} closed: `followup list --all`)."
                ),
            };
        }
        let table: Vec<Vec<output::Cell>> = rows
            .iter()
            .map(|r| {
                let next = r.next.as_ref().map_or(String::from("-"), |n| {
                    format!(
                        "{} {} ({})",
                        n["kind"].as_str().unwrap_or(""),
                        n["due"].as_str().unwrap_or(""),
                        n["status"].as_str().unwrap_or("")
                    )
                });
                vec![
                    output::Cell(r.id.to_string(), style::HEAD),
                    output::Cell::plain(&r.company),
                    output::Cell::plain(&r.role),
                    output::Cell::plain(r.status),
                    output::Cell::plain(next),
                ]
            })
            .collect();
        output::table(out, &["Id", "Company", "Role", "Status", "Next"], &table)
    })
}

/// `followup show ID`.
pub fn show(ctx: &Ctx, id: i64, json: bool) -> Result<()> {
    let store = ctx.store()?;
    let full = store.application(id).map_err(store_err)?;
    let derived = track_of(ctx, &full)?.map(|t| (agenda::derive(&t, &ctx.policy, ctx.now), t));
    if json {
        let plan = derived.as_ref().and_then(|(d, t)| Some((d.plan.as_ref()?, t))).map(|(p, t)| {
            p.steps
                .iter()
                .map(|s| json!({
                    "kind": s.kind.as_str(), "channel": s.channel.as_str(),
                    "alternatives": s.alternatives.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                    "earliest": time::rfc3339(&s.zoned(s.earliest)), "recommended": time::rfc3339(&s.zoned(s.recommended)),
                    "latest": time::rfc3339(&s.zoned(s.latest)),
                    "status": if t.skips_kind(s.kind) { "skipped" } else { s.status(ctx.now).as_str() },
                    "rules": s.rules, "why": s.why().map(|w| w.to_string()).collect::<Vec<_>>(),
                }))
                .collect::<Vec<_>>()
        });
        let items = derived
            .as_ref()
            .map(|(d, _)| crate::commands::agenda::items_json(ctx, &full, &d.items))
            .unwrap_or_default();
        return output::with_stdout(|out| {
            serde_json::to_writer_pretty(
                &mut *out,
                &json!({"application": full, "plan": plan, "items": items,
                        "skipped": followup_app::skip::list(&full)}),
            )?;
            writeln!(out)
        });
    }
    output::with_stdout(|out| {
        let a = &full.application;
        let (h, r) = (style::HEAD.render(), style::HEAD.render_reset());
        writeln!(
            out,
            "{h}#{} {} — {}{r} ({})",
            a.id, a.company, a.role, a.status
        )?;
        let facts: Vec<String> = [
            a.company_type.map(|t| format!("company type {t}")),
            a.seniority.map(|s| format!("seniority {s}")),
            a.region.as_ref().map(|r| format!("region {r}")),
            a.recipient_tz
                .as_ref()
                .map(|z| format!("recipients in {z}")),
            a.urgent.then(|| "urgent".to_string()),
            a.late_in_process.then(|| "late in the process".to_string()),
            a.link.clone(),
            a.source.as_ref().map(|s| format!("source {s}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !facts.is_empty() {
            writeln!(out, "{}", facts.join(" · "))?;
        }
        writeln!(out, "\n{h}Interviews{r}")?;
        for (n, i) in full.interviews.iter().enumerate() {
            let tz = TimeZone::get(&i.tz).unwrap_or(TimeZone::UTC);
            let who: Vec<&str> = i
                .interviewer_ids
                .iter()
                .filter_map(|c| full.contact(*c))
                .map(|c| c.name.as_str())
                .collect();
            writeln!(
                out,
                "  {}. {} {}{}{}{}{}(interview {})",
                n + 1,
                i.start.to_zoned(tz).strftime("%a %b %-d %Y %H:%M %Z"),
                i.round.map_or(String::new(), |r| format!("{r} round ")),
                if who.is_empty() {
                    String::new()
                } else {
                    format!("with {} ", who.join(", "))
                },
                i.decision_phrase
                    .as_ref()
                    .map_or(String::new(), |p| format!("· decision \"{p}\" ")),
                i.decision_date.map_or(String::new(), |d| format!("({d}) ")),
                if i.cancelled { "· cancelled " } else { "" },
                i.id,
            )?;
        }
        if !full.contacts.is_empty() {
            writeln!(out, "\n{h}Contacts{r}")?;
            for c in &full.contacts {
                let rounds = followup_app::contact::rounds_of(&full, c.id);
                writeln!(
                    out,
                    "  [{}] {} ({}){}{}{}",
                    c.id,
                    c.name,
                    c.role,
                    c.email
                        .as_ref()
                        .map_or(String::new(), |e| format!(" <{e}>")),
                    c.phone.as_ref().map_or(String::new(), |p| format!(" {p}")),
                    match rounds.as_slice() {
                        [] => String::new(),
                        r => format!(
                            " · round {}",
                            r.iter()
                                .map(usize::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    }
                )?;
            }
        }
        if !full.notes.is_empty() {
            writeln!(out, "\n{h}Notes{r}")?;
            for n in &full.notes {
                let round = n
                    .interview_id
                    .map_or(String::new(), |i| format!(" (interview {i})"));
                writeln!(out, "  [{}] {}{round}: {}", n.id, n.kind, n.text)?;
            }
        }
        writeln!(out, "\n{h}History{r}")?;
        let user_tz = super::recorded::user_zone(ctx, &full);
        if full.touchpoints.is_empty() {
            writeln!(out, "  nothing logged yet")?;
        }
        for t in &full.touchpoints {
            let who = t
                .contact_id
                .and_then(|c| full.contact(c))
                .map_or(String::new(), |c| format!(" — {}", c.name));
            let extra = t
                .outcome
                .map(|o| format!(" {o}"))
                .or_else(|| {
                    t.decision_phrase
                        .as_ref()
                        .map(|p| format!(" (new timeline \"{p}\")"))
                })
                .unwrap_or_default();
            writeln!(
                out,
                "  {} {}{extra}{who}{}",
                t.at.to_zoned(user_tz.clone())
                    .strftime("%a %b %-d %Y %H:%M %Z"),
                t.kind,
                t.note.as_ref().map_or(String::new(), |n| format!(": {n}"))
            )?;
        }
        if !full.skipped.is_empty() {
            writeln!(out, "\n{h}Skipped{r}")?;
            for v in followup_app::skip::list(&full) {
                let at: jiff::Timestamp = v.at.parse().unwrap_or(ctx.now);
                writeln!(
                    out,
                    "  [{}] {} {}{}",
                    v.id,
                    at.to_zoned(user_tz.clone())
                        .strftime("%a %b %-d %Y %H:%M %Z"),
                    v.describe(),
                    v.note.as_ref().map_or(String::new(), |n| format!(": {n}"))
                )?;
            }
        }
        match &derived {
            None => writeln!(out, "\nNo interview to plan from.")?,
            Some((d, track)) => {
                if let Some(replied) = d.replied {
                    writeln!(out, "\nThey replied on {}: pending follow-ups are cancelled unless they gave a new timeline (T9).", replied.to_zoned(track.recipient.tz.clone()).strftime("%a %b %-d"))?;
                }
                if let Some(p) = &d.plan {
                    if a.status == Status::Active {
                        writeln!(
                            out,
                            "\n{h}Plan{r} (recipient's time, {})",
                            track.recipient.tz.iana_name().unwrap_or("")
                        )?;
                        for s in &p.steps {
                            let st = if track.skips_kind(s.kind) {
                                "skipped"
                            } else {
                                s.status(ctx.now).as_str()
                            };
                            writeln!(
                                out,
                                "  {:<16} {:<8} {} .. {} .. {}  {} [{}]",
                                s.kind.label(),
                                s.channel,
                                s.earliest.datetime().strftime("%a %b %-d %H:%M"),
                                s.recommended.datetime().strftime("%a %b %-d %H:%M"),
                                s.latest.datetime().strftime("%a %b %-d %H:%M"),
                                st,
                                s.rules.join(" ")
                            )?;
                            for w in s.why() {
                                writeln!(out, "      - {w}")?;
                            }
                        }
                    }
                }
                writeln!(out, "\n{h}Open items{r}")?;
                if d.items.is_empty() {
                    writeln!(out, "  none")?;
                }
                for i in &d.items {
                    let sty = match i.status {
                        StepStatus::Overdue => style::BAD,
                        StepStatus::Due => style::DUE,
                        _ => anstyle::Style::new(),
                    };
                    writeln!(
                        out,
                        "  {}{}{} {}{} — recommended {}",
                        sty.render(),
                        i.status.as_str(),
                        sty.render_reset(),
                        i.kind.label(),
                        i.to.as_ref()
                            .map_or(String::new(), |p| format!(" to {}", p.name)),
                        i.step
                            .zoned(i.step.recommended)
                            .strftime("%a %b %-d %H:%M %Z")
                    )?;
                }
            }
        }
        Ok(())
    })
}

/// `followup profile`.
pub fn profile(
    ctx: &Ctx,
    name: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    json: bool,
) -> Result<()> {
    let setting = name.is_some() || email.is_some() || phone.is_some();
    if setting && (name.is_none() || email.is_none()) && !ctx.db.exists() {
        // Nothing to complete the profile from: refused before a database is made.
        return Err(Error::input("a profile needs --name and --email"));
    }
    let mut store = ctx.store()?;
    if !setting {
        let p = store.profile().map_err(store_err)?;
        return output::with_stdout(|out| match (&p, json) {
            (_, true) => writeln!(out, "{}", json!({ "profile": p })),
            (Some(p), false) => writeln!(
                out,
                "{} <{}>{}",
                p.name,
                p.email,
                p.phone.as_ref().map_or(String::new(), |x| format!(" {x}"))
            ),
            (None, false) => writeln!(
                out,
                "No profile yet: `followup profile --name \"Your Name\" --email you@example.com`."
            ),
        });
    }
    let old = store.profile().map_err(store_err)?;
    let name = name
        .map(str::to_string)
        .or_else(|| old.as_ref().map(|p| p.name.clone()));
    let email = email
        .map(str::to_string)
        .or_else(|| old.as_ref().map(|p| p.email.clone()));
    let (Some(name), Some(email)) = (name, email) else {
        return Err(Error::input("a profile needs --name and --email"));
    };
    let p = Profile {
        name: name.trim().to_string(),
        email: email.trim().to_string(),
        phone: phone
            .map(str::to_string)
            .or_else(|| old.and_then(|p| p.phone)),
    };
    store.set_profile(&p).map_err(store_err)?;
    output::with_stdout(|out| {
        if json {
            writeln!(out, "{}", json!({ "profile": p }))
        } else {
            writeln!(out, "Profile saved: {} <{}>", p.name, p.email)
        }
    })
}

/// `followup edit ID`.
pub fn edit(ctx: &Ctx, e: &EditArgs) -> Result<()> {
    let input = followup_app::track::EditInput {
        company: e.company.clone(),
        role: e.role.clone(),
        source: e.source.clone(),
        link: e.link.clone(),
        urgent: e.urgent,
        late_in_process: e.late_in_process,
        region: e.region.clone(),
        recipient_tz: e.recipient_tz.clone(),
        company_type: e.company_type.clone(),
        seniority: e.seniority.clone(),
        round: followup_app::track::RoundEdit {
            interview: e.interview,
            at: e.at.clone(),
            tz: e.tz.clone(),
            duration: e.duration.clone(),
            round: e.round.clone(),
            decision: e.decision.clone(),
            location: e.location.clone(),
            cancelled: e.cancelled,
        },
    };
    let before = followup_app::track::edit(ctx, e.id, &input)?;
    super::recorded::edited(ctx, &before, e.json)
}

fn confirm(question: &str) -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Error::input(format!(
            "{question}: not asked without a terminal; pass --yes"
        )));
    }
    eprint!("{question} [y/N] ");
    let mut line = String::new();
    stdin.lock().read_line(&mut line).map_err(Error::Output)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

/// `followup delete ID`.
pub fn delete(ctx: &Ctx, id: i64, yes: bool, json: bool) -> Result<()> {
    let full = ctx.store()?.application(id).map_err(store_err)?;
    let (company, role) = (&full.application.company, &full.application.role);
    let q = format!("Delete #{id} {company} — {role} and its history");
    let deleted = yes || confirm(&q)?;
    if deleted {
        followup_app::track::delete(ctx, id)?;
    }
    output::with_stdout(|out| match (json, deleted) {
        (true, _) => writeln!(out, "{}", json!({ "id": id, "deleted": deleted })),
        (false, true) => writeln!(out, "Deleted application {id} ({company} — {role})."),
        (false, false) => writeln!(out, "Kept application {id}."),
    })
}

/// `followup backup FILE`: written to a temporary file, then renamed into place.
pub fn backup(ctx: &Ctx, file: &Path, json: bool) -> Result<()> {
    let store = ctx.store()?;
    let b = store.export().map_err(store_err)?;
    let text = serde_json::to_string_pretty(&b).map_err(|e| Error::Store(e.to_string()))?;
    let tmp = file.with_extension("tmp-followup");
    std::fs::write(&tmp, text).map_err(|source| Error::Write {
        path: tmp.clone(),
        source,
    })?;
    std::fs::rename(&tmp, file).map_err(|source| Error::Write {
        path: file.to_path_buf(),
        source,
    })?;
    output::with_stdout(|out| {
        if json {
            return writeln!(
                out,
                "{}",
                json!({ "file": file, "format": b.format, "applications": b.applications.len() })
            );
        }
        writeln!(
            out,
            "Backed up {} application(s) to {}.",
            b.applications.len(),
            file.display()
        )
    })
}

/// `followup restore FILE`: all or nothing.
pub fn restore(ctx: &Ctx, file: &Path, yes: bool, json: bool) -> Result<()> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
        path: file.to_path_buf(),
        source,
    })?;
    let b: followup_store::Backup = serde_json::from_str(&text)
        .map_err(|e| Error::input(format!("{} is not a followup backup: {e}", file.display())))?;
    if !yes && !confirm("Replace everything in the database with this backup")? {
        return Ok(());
    }
    let mut store = ctx.store()?;
    store.restore(&b).map_err(store_err)?;
    output::with_stdout(|out| {
        if json {
            return writeln!(
                out,
                "{}",
                json!({ "file": file, "format": b.format, "applications": b.applications.len() })
            );
        }
        writeln!(
            out,
            "Restored {} application(s) from {}.",
            b.applications.len(),
            file.display()
        )
    })
}

/// `followup dev populate`.
pub fn populate(ctx: &Ctx, count: usize, seed: u64) -> Result<()> {
    let mut store = ctx.store()?;
    let ids =
        followup_store::demo::populate(&mut store, count, seed, ctx.now).map_err(store_err)?;
    output::with_stdout(|out| {
        writeln!(
            out,
            "Added {} applications to {}.",
            ids.len(),
            ctx.db.display()
        )
    })
}
