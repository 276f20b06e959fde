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
//! Events with neither organiser nor attendee (one's own entries) are not invitations
//! and are skipped, with a note.

use std::collections::HashMap;

use followup_core::ical::import::{
    clean_title, guess_company, parse_invites_with, role_from_title, round_from_title, Invite,
    ParseOptions, Person,
};
use followup_core::model::Round;
use followup_store::model::{ContactRole, Interviewer, NewContact};
use followup_store::{Batch, InterviewPatch, NewApplication, NewInterview, StoreError};
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::cli::ImportArgs;
use crate::commands::holidays::read_input;
use crate::commands::track::{store_err, Ctx};
use crate::error::{Error, Result};
use crate::output;
use crate::time;

/// The role recorded when the title names none.
pub const UNKNOWN_ROLE: &str = "(from invite)";

/// One event, read and checked, ready to be written.
struct Planned {
    invite: Invite,
    company: String,
    /// "--company", or where the guess came from.
    company_source: String,
    role: String,
    round: Option<Round>,
    interviewers: Vec<Person>,
    /// The zone the interview is kept in.
    tz: String,
}

/// What one event did.
#[derive(Debug, Serialize)]
struct Done {
    uid: String,
    /// created, added, updated, cancelled or skipped.
    action: &'static str,
    application_id: Option<i64>,
    interview_id: Option<i64>,
    company: String,
    company_source: String,
    role: String,
    start: String,
}

/// Runs `followup import`.
pub fn run(ctx: &Ctx, a: &ImportArgs) -> Result<()> {
    let text = read_input(&a.file)?;
    let floating = match ctx.settings.tz.as_deref() {
        Some(name) => Some(time::zone(name, "tz (settings)")?),
        None => None,
    };
    let opts = ParseOptions {
        floating_tz: floating.clone(),
    };
    let invites = parse_invites_with(&text, &opts)
        .map_err(|e| Error::input(format!("{}: {e}", a.file.display())))?;
    let me = match a.me.as_deref() {
        Some(m) => Some(m.trim().to_string()),
        None => profile_email(ctx)?,
    };
    let mut notes = Vec::new();
    let planned = plan(
        a,
        ctx,
        latest_by_uid(invites),
        me.as_deref(),
        floating.as_ref(),
        &mut notes,
    )?;
    // Notes only once everything was read and checked: bad input is one line.
    for n in &notes {
        eprintln!("note: {n}");
    }
    if a.dry_run {
        return print_dry_run(a.json, &planned);
    }
    let mut store = ctx.store()?;
    let now = ctx.now;
    let done = store
        .batch(|b| {
            planned
                .iter()
                .map(|p| write(b, p, now))
                .collect::<std::result::Result<Vec<_>, StoreError>>()
        })
        .map_err(store_err)?;
    print_done(a.json, &done)
}

/// The user's address from the profile, without creating a database to read it.
fn profile_email(ctx: &Ctx) -> Result<Option<String>> {
    if !ctx.db.exists() {
        return Ok(None);
    }
    let store = ctx.store()?;
    Ok(store.profile().map_err(store_err)?.map(|p| p.email))
}

/// One event per UID: the highest SEQUENCE, the later one on a tie.
fn latest_by_uid(invites: Vec<Invite>) -> Vec<Invite> {
    let mut at: HashMap<String, usize> = HashMap::with_capacity(invites.len());
    let mut out: Vec<Invite> = Vec::with_capacity(invites.len());
    for i in invites {
        match at.get(&i.uid) {
            Some(&k) if out[k].sequence > i.sequence => {}
            Some(&k) => out[k] = i,
            None => {
                at.insert(i.uid.clone(), out.len());
                out.push(i);
            }
        }
    }
    out
}

/// Company, role, round, interviewers and zone of every event, checked before any write.
fn plan(
    a: &ImportArgs,
    ctx: &Ctx,
    invites: Vec<Invite>,
    me: Option<&str>,
    floating: Option<&TimeZone>,
    notes: &mut Vec<String>,
) -> Result<Vec<Planned>> {
    let file = a.file.display();
    let company_flag = a
        .company
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if let Some(c) = company_flag {
        followup_store::validate::required_line("--company", c).map_err(store_err)?;
    }
    let mut out = Vec::with_capacity(invites.len());
    let mut skipped = 0;
    let mut floating_noted = false;
    for invite in invites {
        let line = invite.line;
        if invite.organizer.is_none() && invite.attendees.is_empty() {
            skipped += 1;
            if skipped <= 5 {
                notes.push(format!(
                    "{file}: skipped the event at line {line} (\"{}\"): no organiser or attendee, not an invitation",
                    invite.title
                ));
            }
            continue;
        }
        if invite.floating && !floating_noted {
            floating_noted = true;
            notes.push(format!(
                "{file}: the event at line {line} has floating times (no zone), read in {}",
                match (floating, &invite.tz) {
                    (Some(z), _) => format!(
                        "{} (the configured tz)",
                        z.iana_name().unwrap_or("the configured zone")
                    ),
                    (None, Some(z)) => format!("{z} (the calendar's X-WR-TIMEZONE)"),
                    (None, None) =>
                        "UTC (set tz in config.toml or FOLLOWUP_TZ to read them in your zone)"
                            .into(),
                }
            ));
        }
        let (company, company_source) = match company_flag {
            Some(c) => (c.to_string(), "--company".to_string()),
            None => match guess_company(&invite, me) {
                Some(g) => (g.name, g.source.to_string()),
                None => {
                    return Err(Error::input(format!(
                        "{file}: cannot tell the company of the event at line {line} (\"{}\"): pass --company NAME",
                        invite.title
                    )))
                }
            },
        };
        let tz = invite
            .tz
            .clone()
            .or_else(|| ctx.settings.tz.clone())
            .unwrap_or_else(|| "UTC".to_string());
        let title = clean_title(&invite.title).to_string();
        let role = role_from_title(&title).unwrap_or_else(|| UNKNOWN_ROLE.to_string());
        let round = round_from_title(&title);
        let interviewers = invite.interviewers(me);
        let p = Planned {
            invite,
            company,
            company_source,
            role,
            round,
            interviewers,
            tz,
        };
        // The checks the store runs, now, with the event's line in the message.
        let mut app = NewApplication::new(&p.company, &p.role, ctx.now);
        app.interviews.push(new_interview(&p, &HashMap::new()));
        app.validate().map_err(|e| {
            Error::input(format!(
                "{file}: the event at line {line} cannot be kept: {e}"
            ))
        })?;
        out.push(p);
    }
    if out.is_empty() {
        return Err(Error::input(format!(
            "{file}: no invitation in the file ({skipped} event(s) without organiser or attendee)"
        )));
    }
    if skipped > 5 {
        notes.push(format!(
            "{file}: {skipped} events without organiser or attendee skipped in all"
        ));
    }
    for p in out
        .iter()
        .filter(|p| p.company_source != "--company")
        .take(5)
    {
        notes.push(format!(
            "company \"{}\" guessed from {} for \"{}\"; pass --company to set it",
            p.company, p.company_source, p.invite.title
        ));
    }
    Ok(out)
}

/// The interview of an event; `known` maps lower-case e-mails and names to contacts
/// already stored for the application.
fn new_interview(p: &Planned, known: &HashMap<String, i64>) -> NewInterview {
    let i = &p.invite;
    let mut n = NewInterview::new(i.start, p.tz.clone(), i.duration_minutes());
    n.uid = Some(i.uid.clone());
    n.title = Some(clean_title(&i.title).to_string()).filter(|t| !t.is_empty());
    n.location = i.location.clone();
    n.cancelled = i.cancelled;
    n.round = p.round;
    n.interviewers = p
        .interviewers
        .iter()
        .map(|person| match known_contact(known, person) {
            Some(id) => Interviewer::Id(id),
            None => Interviewer::New(contact(person)),
        })
        .collect();
    n
}

fn contact(p: &Person) -> NewContact {
    let mut c = NewContact::new(p.name.clone(), ContactRole::Interviewer);
    c.email = p.email.clone();
    c
}

fn known_contact(known: &HashMap<String, i64>, p: &Person) -> Option<i64> {
    p.email
        .as_ref()
        .and_then(|e| known.get(&e.to_lowercase()))
        .or_else(|| known.get(&p.name.to_lowercase()))
        .copied()
}

/// The contacts of an application by lower-case e-mail and name.
fn contacts_of(b: &Batch<'_>, application_id: i64) -> Result<HashMap<String, i64>, StoreError> {
    Ok(known_of(&b.application(application_id)?))
}

fn known_of(full: &followup_store::ApplicationFull) -> HashMap<String, i64> {
    let mut known = HashMap::new();
    for c in &full.contacts {
        if let Some(e) = &c.email {
            known.entry(e.to_lowercase()).or_insert(c.id);
        }
        known.entry(c.name.to_lowercase()).or_insert(c.id);
    }
    known
}

/// Writes one event inside the import's transaction.
fn write(b: &mut Batch<'_>, p: &Planned, now: jiff::Timestamp) -> Result<Done, StoreError> {
    let i = &p.invite;
    let mut done = Done {
        uid: i.uid.clone(),
        action: "created",
        application_id: None,
        interview_id: None,
        company: p.company.clone(),
        company_source: p.company_source.clone(),
        role: p.role.clone(),
        start: instant(i.start, Some(p.tz.as_str()).filter(|z| *z != "UTC")),
    };
    if let Some(existing) = b.find_interview_by_uid(&i.uid)? {
        done.application_id = Some(existing.application_id);
        done.interview_id = Some(existing.id);
        let app = b.application(existing.application_id)?;
        done.company = app.application.company.clone();
        done.role = app.application.role.clone();
        if i.cancelled {
            done.action = "cancelled";
            b.update_interview(
                existing.id,
                &InterviewPatch {
                    cancelled: Some(true),
                    ..InterviewPatch::default()
                },
            )?;
            return Ok(done);
        }
        done.action = "updated";
        let mut known = known_of(&app);
        let mut ids = Vec::with_capacity(p.interviewers.len());
        for person in &p.interviewers {
            let id = match known_contact(&known, person) {
                Some(id) => id,
                None => {
                    let id = b.add_contact(existing.application_id, &contact(person))?;
                    known.insert(person.name.to_lowercase(), id);
                    id
                }
            };
            ids.push(id);
        }
        let patch = InterviewPatch {
            start: Some(i.start),
            tz: Some(p.tz.clone()),
            duration_minutes: Some(i.duration_minutes()),
            round: p.round.map(Some),
            location: Some(i.location.clone()),
            title: Some(Some(clean_title(&i.title).to_string()).filter(|t| !t.is_empty())),
            cancelled: Some(false),
            interviewer_ids: Some(ids),
            ..InterviewPatch::default()
        };
        b.update_interview(existing.id, &patch)?;
        return Ok(done);
    }
    if i.cancelled {
        // Nothing imported to cancel.
        done.action = "skipped";
        return Ok(done);
    }
    if let Some(app_id) = b.open_application_of(&p.company)? {
        let known = contacts_of(b, app_id)?;
        let iv = b.add_interview(app_id, &new_interview(p, &known))?;
        let full = b.application(app_id)?;
        done.action = "added";
        done.application_id = Some(app_id);
        done.interview_id = Some(iv);
        done.company = full.application.company;
        done.role = full.application.role;
        return Ok(done);
    }
    let mut app = NewApplication::new(&p.company, &p.role, now);
    app.interviews.push(new_interview(p, &HashMap::new()));
    let app_id = b.add_application(&app)?;
    done.application_id = Some(app_id);
    done.interview_id = b.interview_id_by_uid(&i.uid)?;
    Ok(done)
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
}

#[derive(Serialize)]
struct PreviewPerson<'a> {
    name: &'a str,
    email: Option<&'a str>,
}

fn instant(t: jiff::Timestamp, tz: Option<&str>) -> String {
    thread_local! {
        static ZONES: std::cell::RefCell<HashMap<String, TimeZone>> =
            std::cell::RefCell::new(HashMap::new());
    }
    let zone = tz
        .and_then(|n| {
            ZONES.with(|z| {
                let mut z = z.borrow_mut();
                if let Some(hit) = z.get(n) {
                    return Some(hit.clone());
                }
                let found = TimeZone::get(n).ok()?;
                z.insert(n.to_string(), found.clone());
                Some(found)
            })
        })
        .unwrap_or(TimeZone::UTC);
    let z = t.to_zoned(zone);
    if tz.is_none() {
        z.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        time::rfc3339(&z)
    }
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
        })
        .collect();
    output::with_stdout(|out| {
        if json {
            serde_json::to_writer(&mut *out, &serde_json::json!({ "interviews": previews }))?;
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
                    "cancelled" => "Interview cancelled in",
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
