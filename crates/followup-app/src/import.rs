//! Interview invitations (`.ics`, or an `.eml` with a `text/calendar` part) read into
//! the tracker: `followup import` and the web app's "drop an invite".
//!
//! Every event of the file is read and checked first ([`plan`]); only then is anything
//! written ([`write_all`]), all in one transaction, so a problem in the third event
//! leaves nothing of the first two. Per event, by its UID:
//!
//! - an interview imported before with the same UID is updated (moved, renamed, its
//!   interviewers replaced), or marked cancelled for `METHOD:CANCEL` /
//!   `STATUS:CANCELLED`; within one file the highest SEQUENCE of a UID wins; across
//!   files, the SEQUENCE last imported is kept, and a version with a lower one is
//!   "outdated" and changes nothing (an equal one updates: not every calendar raises
//!   it for every change);
//! - otherwise the interview is added to the newest active application of the same
//!   company, or a new application (company, role) is created with it.
//!
//! Floating times are read in the configured zone (`tz` in config.toml, or
//! `FOLLOWUP_TZ`), else in the calendar's `X-WR-TIMEZONE`, else UTC; a note says so.
//!
//! What is an invitation:
//!
//! - an event with an organiser or attendees (`METHOD:REQUEST`, or no METHOD);
//!   `METHOD:CANCEL` cancels;
//! - an event with neither (what Zoom and Teams let one download, one's own calendar's
//!   export) when the company can be told: `--company`, the title, the host the
//!   description names, a company's own meeting address; else it is skipped, with a
//!   note;
//! - `METHOD:PUBLISH` is an export, not an invitation: it is read as above, and when
//!   it lists attendees and the user's address is known but not among them, it is
//!   someone else's meeting and is skipped;
//! - replies (`REPLY`, `COUNTER`, `REFRESH`, `DECLINECOUNTER`) are skipped;
//! - an all-day event has a date, not an interview's time: it is skipped (refused
//!   when it is the only event), never placed at midnight;
//! - a repeating event is one interview, its first occurrence (a change of that
//!   occurrence applies; changes of later ones do not move it), with a note;
//! - a file of many events of which most are all-day or without organiser (a holiday
//!   feed, a calendar export) is refused unless `all` is set.

use std::collections::HashMap;

use followup_core::ical::import::{
    clean_title, guess_company, parse_invites_bytes, role_from_title, round_from_title, Invite,
    ParseOptions, Person,
};
use followup_core::model::Round;
use followup_store::model::{ContactRole, Interviewer, NewContact};
use followup_store::{InterviewPatch, InviteWrites, NewApplication, NewInterview, StoreError};
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::ctx::{store_err, Ctx};
use crate::error::{Error, Result};
use crate::time;

/// The role recorded when the title names none.
pub const UNKNOWN_ROLE: &str = "(from invite)";

/// One event, read and checked, ready to be written.
pub struct Planned {
    /// The event.
    pub invite: Invite,
    /// The company.
    pub company: String,
    /// "--company", or where the guess came from.
    pub company_source: String,
    /// The role.
    pub role: String,
    /// The round, from the title.
    pub round: Option<Round>,
    /// The interviewers (the user left out).
    pub interviewers: Vec<Person>,
    /// The zone the interview is kept in.
    pub tz: String,
}

/// What one event did.
#[derive(Debug, Clone, Serialize)]
pub struct Done {
    /// The event's UID.
    pub uid: String,
    /// created, added, updated, unchanged (imported before as it is), cancelled,
    /// outdated (an older SEQUENCE than the one imported before: nothing changed) or
    /// skipped.
    pub action: &'static str,
    /// The application it went to.
    pub application_id: Option<i64>,
    /// The interview.
    pub interview_id: Option<i64>,
    /// The company.
    pub company: String,
    /// "--company", or where the guess came from.
    pub company_source: String,
    /// The role.
    pub role: String,
    /// The start, RFC 3339 in the interview's zone.
    pub start: String,
}

/// The most events one import takes (an invitation holds one, a calendar export a few
/// dozen).
pub const MAX_EVENTS: usize = 500;

/// Reads and checks every event of `text` (named `label` in messages); nothing is
/// written. `company` overrides the guess; `me` is the user's own address (left out of
/// the interviewers). Returns the events to write and the notes to show.
pub fn plan(
    ctx: &Ctx,
    input: &[u8],
    label: &str,
    company: Option<&str>,
    me: Option<&str>,
    all: bool,
) -> Result<(Vec<Planned>, Vec<String>)> {
    let floating = match ctx.settings.tz.as_deref() {
        Some(name) => Some(time::zone(name, &ctx.settings.origin("tz"))?),
        None => None,
    };
    let opts = ParseOptions {
        floating_tz: floating.clone(),
    };
    let invites =
        parse_invites_bytes(input, &opts).map_err(|e| Error::input(format!("{label}: {e}")))?;
    if invites.len() > MAX_EVENTS {
        return Err(Error::TooLarge(format!(
            "{label}: events: {} events; at most {MAX_EVENTS} are imported at once (split the calendar)",
            invites.len()
        )));
    }
    let me = match me {
        Some(m) => Some(m.trim().to_string()),
        None => profile_email(ctx)?,
    };
    let mut notes = Vec::new();
    if me.is_none() {
        notes.push(format!(
            "{label}: your own address is not known (set your e-mail in the profile, or \
             pass --me EMAIL), so every attendee is taken as an interviewer"
        ));
    }
    let invites = latest_by_uid(invites);
    if !all {
        refuse_feed(label, &invites)?;
    }
    let planned = plan_events(
        label,
        company,
        ctx,
        invites,
        me.as_deref(),
        floating.as_ref(),
        &mut notes,
    )?;
    Ok((planned, notes))
}

/// Writes the planned events, all in one transaction.
pub fn write_all(ctx: &Ctx, planned: &[Planned]) -> Result<Vec<Done>> {
    let mut facts = ctx.facts()?;
    let now = ctx.now;
    let mut done = Vec::with_capacity(planned.len());
    facts
        .with_invite_writes(&mut |b| {
            done.clear();
            let mut people = People::default();
            for p in planned {
                done.push(write(b, p, now, &mut people)?);
            }
            Ok(())
        })
        .map_err(store_err)?;
    Ok(done)
}

/// The user's address from the profile, without creating a database to read it.
pub fn profile_email(ctx: &Ctx) -> Result<Option<String>> {
    if ctx.pg().is_some() {
        return Ok(ctx.facts()?.profile().map_err(store_err)?.map(|p| p.email));
    }
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

/// How many events a file may have before it is looked at as a feed.
pub const FEED_MIN_EVENTS: usize = 4;

/// Whether an event is not an invitation by its shape: all-day, or with neither
/// organiser nor attendee.
fn not_an_invitation(i: &Invite) -> bool {
    i.all_day || (i.organizer.is_none() && i.attendees.is_empty())
}

/// Refuses a calendar of many unrelated events (a holiday feed, a calendar's
/// export): at least [`FEED_MIN_EVENTS`] events, most of them all-day or without
/// organiser and attendee.
fn refuse_feed(file: &str, invites: &[Invite]) -> Result<()> {
    let n = invites.len();
    let odd = invites.iter().filter(|i| not_an_invitation(i)).count();
    if n >= FEED_MIN_EVENTS && odd * 2 > n {
        let all_day = invites.iter().filter(|i| i.all_day).count();
        return Err(Error::input(format!(
            "{file}: a calendar of {n} events ({all_day} all-day, {} without organiser or attendee), \
             not an invitation: a feed or a calendar's export. Pass --all to import its events \
             anyway (or use `followup holidays import` for days off)",
            invites
                .iter()
                .filter(|i| i.organizer.is_none() && i.attendees.is_empty())
                .count()
        )));
    }
    Ok(())
}

/// A field the store refused, in the words of the import (no internal field names).
fn plain(e: followup_store::StoreError, minutes: i64) -> String {
    match &e {
        followup_store::StoreError::Invalid { field, reason } => {
            let last = field.rsplit('.').next().unwrap_or(field);
            let last = last.split('[').next().unwrap_or(last);
            let what = match last {
                "duration_minutes" => {
                    return format!(
                    "it lasts {minutes} minutes ({} days), and an interview lasts at most {} days",
                    minutes / (24 * 60),
                    followup_store::validate::MAX_DURATION_MINUTES / (24 * 60)
                )
                }
                "tz" | "recipient_tz" => "its time zone",
                "title" => "its title",
                "location" => "its place",
                "uid" => "its UID",
                "company" => "the company's name",
                "role" => "the role",
                "name" => "an interviewer's name",
                "email" => "an interviewer's e-mail address",
                "interviewers" => "its interviewers",
                _ => "a value",
            };
            format!("{what} {reason}")
        }
        _ => e.to_string(),
    }
}

/// Company, role, round, interviewers and zone of every event, checked before any write.
fn plan_events(
    file: &str,
    company: Option<&str>,
    ctx: &Ctx,
    invites: Vec<Invite>,
    me: Option<&str>,
    floating: Option<&TimeZone>,
    notes: &mut Vec<String>,
) -> Result<Vec<Planned>> {
    let company_flag = company.map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = company_flag {
        followup_store::validate::required_line("--company", c).map_err(store_err)?;
    }
    let mut out = Vec::with_capacity(invites.len());
    let mut skipped: Vec<String> = Vec::new();
    let mut floating_noted = false;
    let one = invites.len() == 1;
    for invite in invites {
        let line = invite.line;
        let at = if invite.title.trim().is_empty() {
            format!("the event at line {line} (without a title)")
        } else {
            format!("the event at line {line} (\"{}\")", invite.title)
        };
        let no_people = invite.organizer.is_none() && invite.attendees.is_empty();
        let method = invite.method.as_deref().unwrap_or("REQUEST");
        if matches!(method, "REPLY" | "COUNTER" | "REFRESH" | "DECLINECOUNTER") {
            skipped.push(format!(
                "{at} is an answer to an invitation (METHOD:{method}), not an invitation"
            ));
            continue;
        }
        if invite.all_day {
            let why = format!(
                "{at} is an all-day event: it has a date but no time, so it is not an \
                 interview's time (add the interview with `followup add`, or import the \
                 invitation that has its time)"
            );
            if one {
                return Err(Error::input(format!("{file}: {why}")));
            }
            skipped.push(why);
            continue;
        }
        if method == "PUBLISH" && !invite.attendees.is_empty() {
            if let Some(me) = me {
                let invited = invite.organizer.iter().chain(&invite.attendees).any(|p| {
                    p.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(me))
                });
                if !invited {
                    skipped.push(format!(
                        "{at} is published (METHOD:PUBLISH) to attendees you ({me}) are not \
                         among: someone else's meeting, not your invitation"
                    ));
                    continue;
                }
            }
        }
        let guess = match company_flag {
            Some(_) => None,
            None => guess_company(&invite, me),
        };
        if no_people && company_flag.is_none() && guess.is_none() {
            skipped.push(format!(
                "{at} has no organiser or attendee, and its title, description and meeting \
                 link do not name a company: pass --company NAME to import it"
            ));
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
        let (company, company_source) = match (company_flag, guess) {
            (Some(c), _) => (c.to_string(), "--company".to_string()),
            (None, Some(g)) => (g.name, g.source.to_string()),
            (None, None) => {
                return Err(Error::input(format!(
                    "{file}: cannot tell the company of {at}: pass --company NAME"
                )))
            }
        };
        if invite.recurring {
            notes.push(format!(
                "{file}: {at} repeats: its first occurrence is the interview"
            ));
        }
        if let Some(h) = &invite.host {
            notes.push(format!(
                "{file}: interviewer \"{}\" taken from the description of {at}",
                h.name
            ));
        }
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
        app.interviews.push(new_interview(&p));
        app.validate().map_err(|e| {
            Error::input(format!(
                "{file}: {at} cannot be kept: {}",
                plain(e, p.invite.duration_minutes())
            ))
        })?;
        out.push(p);
    }
    if out.is_empty() {
        return Err(Error::input(match skipped.as_slice() {
            [one] => format!("{file}: no invitation in the file: {one}"),
            _ => format!(
                "{file}: no invitation in the file: {} event(s) skipped, the first: {}",
                skipped.len(),
                skipped.first().map_or("", String::as_str)
            ),
        }));
    }
    for why in skipped.iter().take(5) {
        notes.push(format!("{file}: skipped {why}"));
    }
    if skipped.len() > 5 {
        notes.push(format!("{file}: {} events skipped in all", skipped.len()));
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

/// The interview of an event, its interviewers as new contacts.
fn new_interview(p: &Planned) -> NewInterview {
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
        .map(|person| Interviewer::New(contact(person)))
        .collect();
    n
}

fn contact(p: &Person) -> NewContact {
    let mut c = NewContact::new(p.name.clone(), ContactRole::Interviewer);
    c.email = p.email.clone();
    c
}

/// The contacts of the applications an import touches, by lower-case e-mail and
/// name, read once per application and kept up to date as people are added: an
/// import of many events for one company costs one read, not one per event.
#[derive(Default)]
struct People {
    by_application: HashMap<i64, HashMap<String, i64>>,
}

impl People {
    /// The ids of `p`'s interviewers among the application's contacts, adding those
    /// not known yet (matched on e-mail, else name, without regard to case).
    fn ids(
        &mut self,
        b: &mut dyn InviteWrites,
        application_id: i64,
        p: &Planned,
    ) -> Result<Vec<i64>, StoreError> {
        let known = match self.by_application.entry(application_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut known = HashMap::new();
                for (id, name, email) in b.contact_names(application_id)? {
                    if let Some(email) = email {
                        known.entry(email.to_lowercase()).or_insert(id);
                    }
                    known.entry(name.to_lowercase()).or_insert(id);
                }
                e.insert(known)
            }
        };
        let mut ids = Vec::with_capacity(p.interviewers.len());
        for person in &p.interviewers {
            let found = person
                .email
                .as_ref()
                .and_then(|e| known.get(&e.to_lowercase()))
                .or_else(|| known.get(&person.name.to_lowercase()))
                .copied();
            let id = match found {
                Some(id) => id,
                None => {
                    let id = b.add_contact(application_id, &contact(person))?;
                    if let Some(e) = &person.email {
                        known.entry(e.to_lowercase()).or_insert(id);
                    }
                    known.entry(person.name.to_lowercase()).or_insert(id);
                    id
                }
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}

/// Writes one event inside the import's transaction.
fn write(
    b: &mut dyn InviteWrites,
    p: &Planned,
    now: jiff::Timestamp,
    people: &mut People,
) -> Result<Done, StoreError> {
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
        (done.company, done.role) = b.company_and_role(existing.application_id)?;
        let stored = b.invite_sequence(existing.id)?;
        if stored.is_some_and(|stored| i.sequence < stored) {
            // An older version of an invitation already imported: RFC 5545 says the
            // higher SEQUENCE wins, so the interview is left as it is.
            done.action = "outdated";
            done.start = instant(
                existing.start,
                Some(existing.tz.as_str()).filter(|z| *z != "UTC"),
            );
            return Ok(done);
        }
        if stored != Some(i.sequence) {
            b.set_invite_sequence(existing.id, i.sequence)?;
        }
        if i.cancelled {
            done.action = "cancelled";
            b.update_read_interview(
                existing,
                &InterviewPatch {
                    cancelled: Some(true),
                    ..InterviewPatch::default()
                },
            )?;
            return Ok(done);
        }
        done.action = "updated";
        let ids = people.ids(b, existing.application_id, p)?;
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
        let mut after = existing.clone();
        patch.apply(&mut after);
        if after == existing && stored == Some(i.sequence) {
            // The same invitation again (a calendar exported anew): nothing is
            // written, so the agenda keeps its cached plan.
            done.action = "unchanged";
            return Ok(done);
        }
        b.update_read_interview(existing, &patch)?;
        return Ok(done);
    }
    if i.cancelled {
        // Nothing imported to cancel.
        done.action = "skipped";
        return Ok(done);
    }
    if let Some(app_id) = b.open_application_of(&p.company)? {
        let mut n = new_interview(p);
        n.interviewers = people
            .ids(b, app_id, p)?
            .into_iter()
            .map(Interviewer::Id)
            .collect();
        let iv = b.add_interview(app_id, &n)?;
        b.set_invite_sequence(iv, i.sequence)?;
        done.action = "added";
        done.application_id = Some(app_id);
        done.interview_id = Some(iv);
        (done.company, done.role) = b.company_and_role(app_id)?;
        return Ok(done);
    }
    let mut app = NewApplication::new(&p.company, &p.role, now);
    app.interviews.push(new_interview(p));
    let (app_id, interviews) = b.add_application_with_interviews(&app)?;
    done.application_id = Some(app_id);
    done.interview_id = interviews.first().copied();
    if let Some(iv) = done.interview_id {
        b.set_invite_sequence(iv, i.sequence)?;
    }
    Ok(done)
}

/// A time as RFC 3339 in `tz` (cached zones), or UTC with `Z`.
pub fn instant(t: jiff::Timestamp, tz: Option<&str>) -> String {
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
