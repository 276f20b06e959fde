//! The inbox: reading the user's mail (INBOX and Sent, over IMAP, read-only) into
//! proposals, and applying the ones the user accepts through the same use cases as
//! the commands `reply`, `outcome`, `log` and `import`.
//!
//! A sync fetches the headers of new messages, screens them against what the tracker
//! knows (`followup_core::inbox::screen`), fetches the bodies of those that may belong
//! to an application only, and reads each into at most one proposal. Of a matched
//! message only its headers and the evidence sentence are kept; unmatched mail leaves
//! nothing behind.

mod imap;
pub mod settings;
pub mod turn;

use followup_core::agenda;
use followup_core::inbox::{self, Known, KnownApp, KnownContact};
use followup_store::{
    MailProposal, NewMailProposal, NewTouchpoint, ProposalStatus, TouchpointKind,
};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

pub use imap::uid_set;
pub use settings::MailSettings;

use crate::ctx::{store_err, track_of, Ctx};
use crate::error::{Error, Result};
use crate::track::app_zone;

/// What the tracker knows, for matching mail: applications with their contacts and
/// each contact's next planned step, the user's addresses, stored Message-IDs.
pub fn known(ctx: &Ctx, mail: &MailSettings) -> Result<Known> {
    let mut store = ctx.facts()?;
    let mut me: Vec<String> = Vec::new();
    me.extend(mail.address.clone());
    if let Some(p) = store.profile().map_err(store_err)? {
        me.push(p.email);
    }
    if let Some(u) = mail.user.as_deref().filter(|u| u.contains('@')) {
        me.push(u.to_string());
    }
    let mut applications = Vec::new();
    for full in store.applications(true).map_err(store_err)? {
        let items = match track_of(ctx, &full)? {
            Some(track) => agenda::items(&track, &ctx.policy, ctx.now),
            None => Vec::new(),
        };
        let next_for = |contact: i64| {
            items
                .iter()
                .find(|i| i.to.as_ref().is_none_or(|p| p.id == contact))
                .and_then(|i| match i.kind {
                    followup_core::plan::StepKind::ThankYou => Some("thank-you"),
                    followup_core::plan::StepKind::FollowUp => Some("follow-up"),
                    followup_core::plan::StepKind::FinalFollowUp => Some("final-follow-up"),
                    _ => None,
                })
                .map(str::to_string)
        };
        let region = full
            .application
            .region
            .as_deref()
            .or(ctx.settings.region.as_deref())
            .map(|r| ctx.region(r))
            .transpose()
            .ok()
            .flatten();
        applications.push(KnownApp {
            id: full.application.id,
            company: full.application.company.clone(),
            role: full.application.role.clone(),
            active: full.application.status == followup_core::model::Status::Active,
            region,
            contacts: full
                .contacts
                .iter()
                .map(|c| KnownContact {
                    id: c.id,
                    name: c.name.clone(),
                    email: c.email.clone(),
                    next: next_for(c.id),
                })
                .collect(),
        });
    }
    // A reply names what it answers: the messages of earlier proposals, and what the
    // outbox sent (or was sending) to the application's people.
    let mut message_ids = store.mail_message_ids().map_err(store_err)?;
    for m in store.outbox().map_err(store_err)? {
        message_ids
            .entry(m.message_id.trim_matches(['<', '>']).to_string())
            .or_insert(m.application_id);
    }
    Ok(Known {
        me,
        applications,
        message_ids,
        bad_addresses: store.mail_bad_addresses().map_err(store_err)?,
    })
}

/// Logs in to the mailbox of `mail` and out again, reading nothing: the Sent folder
/// it would read besides INBOX (`followup admin mail-account --check`).
pub fn check_login(mail: &MailSettings) -> Result<Option<String>> {
    let endpoint = mail.endpoint()?;
    let user = mail.user()?;
    let password = mail.password()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::input(format!("cannot start the mail reader: {e}")))?;
    within(&rt, "the login", async {
        let mut session = imap::Session::connect(&endpoint, &user, &password).await?;
        let sent = session.sent_folder(mail.sent_folder.as_deref()).await?;
        session.logout().await;
        Ok(sent)
    })
}

/// The longest one step of the conversation with the IMAP server may take (the
/// login, a search, a batch of messages): a server that stops answering is given
/// up, rather than holding the reader (a worker, a page) for good.
pub const STEP: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs one step of the conversation on `rt`, for at most [`STEP`].
fn within<T>(
    rt: &tokio::runtime::Runtime,
    what: &str,
    step: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    within_for(rt, STEP, what, step)
}

/// [`within`], for at most `limit`.
fn within_for<T>(
    rt: &tokio::runtime::Runtime,
    limit: std::time::Duration,
    what: &str,
    step: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    rt.block_on(async {
        tokio::time::timeout(limit, step).await.unwrap_or_else(|_| {
            Err(Error::input(format!(
                "IMAP: the server did not answer {what} within {} s",
                limit.as_secs()
            )))
        })
    })
}

/// What a sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Synced {
    /// New messages whose headers were read.
    pub fetched: usize,
    /// Messages that belong to an application.
    pub matched: usize,
    /// Proposals added (a message proposed before is not added again).
    pub proposals: usize,
    /// Proposals applied during the sync (`auto_apply = "high"`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub applied: Vec<i64>,
    /// The folders read.
    #[serde(skip)]
    pub folders: Vec<String>,
}

impl Synced {
    /// What the messages read gave, in words: "2 matched an application, 1 new
    /// proposal(s)", and ", 1 applied" when some were.
    pub fn found(&self) -> String {
        let mut words = format!(
            "{} matched an application, {} new proposal(s)",
            self.matched, self.proposals
        );
        if !self.applied.is_empty() {
            words.push_str(&format!(", {} applied", self.applied.len()));
        }
        words
    }

    /// A worker's read, as its log line says it: "3 new message(s): 2 matched an
    /// application, 1 new proposal(s)".
    pub fn counted(&self) -> String {
        format!("{} new message(s): {}", self.fetched, self.found())
    }

    /// The sync in one sentence, as the command line and the Inbox page say it:
    /// "Read 3 new message(s) in INBOX and Sent: 2 matched an application, 1 new
    /// proposal(s)."
    pub fn summary(&self) -> String {
        format!(
            "Read {} new message(s) in {}: {}.",
            self.fetched,
            self.folders.join(" and "),
            self.found()
        )
    }
}

/// `followup mail sync`: reads what is new in INBOX and the Sent folder since the
/// last sync (a first sync, or one with `since`, looks back from that day; 60 days
/// by default).
pub fn sync(ctx: &Ctx, since: Option<Date>) -> Result<Synced> {
    // One read at a time, the worker's included (on PostgreSQL, its advisory lock);
    // the database is opened first, so a path that names none is said so.
    let _held = match ctx.pg() {
        Some(_) => None,
        None => {
            ctx.store()?;
            Some(turn::lock(&ctx.db)?.ok_or_else(being_read)?)
        }
    };
    let got = read_by(ctx, since, None)?;
    if ctx.pg().is_none() {
        turn::read_succeeded(&ctx.db)?;
    }
    Ok(got)
}

/// What a sync or forget says while another read of the mailbox is under way.
fn being_read() -> Error {
    Error::input("the mailbox is being read right now (by the worker, or another sync): try again in a minute")
}

/// [`sync`] without its lock (the caller holds it), given up (nothing recorded) when
/// it is not done by `deadline`: the worker's read, which must not hold up the next
/// minute's messages for long.
pub(crate) fn read_by(
    ctx: &Ctx,
    since: Option<Date>,
    deadline: Option<std::time::Instant>,
) -> Result<Synced> {
    // Each step for at most [`STEP`], and not past the deadline.
    let left = || {
        deadline.map_or(STEP, |d| {
            d.saturating_duration_since(std::time::Instant::now())
                .min(STEP)
        })
    };
    let mail = MailSettings::load(ctx)?;
    let endpoint = mail.endpoint()?;
    let user = mail.user()?;
    let password = mail.password()?;
    let known = known(ctx, &mail)?;
    let first_day = since.unwrap_or_else(|| {
        ctx.now
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .checked_sub(60.days())
            .unwrap_or(Date::MIN)
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::input(format!("cannot start the mail reader: {e}")))?;
    let mut synced = Synced::default();
    let mut found: Vec<(String, u32, u32, Vec<NewMailProposal>)> = Vec::new();
    // The database is read between the steps of the conversation, never inside one
    // (its client runs a runtime of its own).
    let mut session = within_for(
        &rt,
        left(),
        "the login",
        imap::Session::connect(&endpoint, &user, &password),
    )?;
    let sent = within_for(
        &rt,
        left(),
        "the list of folders",
        session.sent_folder(mail.sent_folder.as_deref()),
    )?;
    let mut folders = vec![("INBOX".to_string(), false)];
    if let Some(s) = sent.filter(|s| !s.eq_ignore_ascii_case("INBOX")) {
        folders.push((s, true));
    }
    for (folder, is_sent) in folders {
        let (validity, _exists) =
            within_for(&rt, left(), "opening a folder", session.examine(&folder))?;
        let state = ctx.facts()?.mail_folder(&folder).map_err(store_err)?;
        let after = match state {
            Some((v, last)) if v == validity && since.is_none() => last,
            _ => 0,
        };
        let uids = within_for(
            &rt,
            left(),
            "a search",
            session.search(after, (after == 0).then_some(first_day)),
        )?;
        let heads = within_for(&rt, left(), "reading headers", session.headers(&uids))?;
        synced.fetched += heads.len();
        let keep: Vec<u32> = heads
            .iter()
            .filter(|h| inbox::screen(&h.bytes, &known, is_sent))
            .map(|h| h.uid)
            .collect();
        let bodies = within_for(&rt, left(), "reading messages", session.bodies(&keep))?;
        let mut proposals = Vec::new();
        for b in &bodies {
            let Some(p) = inbox::classify(&b.bytes, &known, is_sent) else {
                continue;
            };
            synced.matched += 1;
            let h = inbox::head_of_raw(&b.bytes);
            let message_id = h
                .message_id
                .clone()
                .unwrap_or_else(|| format!("{folder}/{validity}/{}", b.uid));
            proposals.push(NewMailProposal {
                message_id,
                application_id: p.application,
                contact_id: p.contact,
                kind: p.kind.to_string(),
                folder: folder.clone(),
                sender: if is_sent {
                    format!("to {}", h.to.join(", "))
                } else {
                    h.from.clone()
                },
                subject: h.subject.clone(),
                date: h.date,
                evidence: p.evidence,
                decision: p.decision,
                decision_date: p.decision_date,
                until: p.until,
                touchpoint: p.touchpoint,
                bounced: p.bounced,
                calendar: p.calendar,
                confidence: p.confidence.as_str().to_string(),
            });
        }
        let last = uids.iter().copied().max().unwrap_or(after).max(after);
        found.push((folder.clone(), validity, last, proposals));
        synced.folders.push(folder);
    }
    // A server that does not see us out is no error: everything was read.
    let _ = rt.block_on(async { tokio::time::timeout(left(), session.logout()).await });
    let mut store = ctx.facts()?;
    let mut added = Vec::new();
    for (folder, validity, last, proposals) in &found {
        added.extend(
            store
                .mail_record_sync(folder, *validity, *last, proposals)
                .map_err(store_err)?,
        );
    }
    drop(store);
    synced.proposals = added.len();
    if mail.auto_apply() {
        for id in added {
            let p = ctx.facts()?.mail_proposal(id).map_err(store_err)?;
            if p.new.confidence == "high" && accept(ctx, id).is_ok() {
                synced.applied.push(id);
            }
        }
    }
    Ok(synced)
}

/// A pending proposal as listed.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub id: i64,
    pub application: i64,
    pub company: String,
    pub kind: String,
    pub from: String,
    pub subject: String,
    /// RFC 3339.
    pub date: String,
    pub message_id: String,
    pub evidence: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub touchpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bounced: Option<String>,
    pub confidence: String,
    /// The command that records the same by hand.
    pub action: String,
}

/// `followup mail inbox`: the pending proposals.
pub fn list(ctx: &Ctx) -> Result<Vec<Listed>> {
    let mut store = ctx.facts()?;
    let mut out = Vec::new();
    for p in store.mail_proposals(false).map_err(store_err)? {
        let full = store.application(p.new.application_id).map_err(store_err)?;
        let tz = app_zone(ctx, &full);
        let at = p.new.date.to_zoned(tz.clone());
        let when = at.strftime("%Y-%m-%d %H:%M").to_string();
        let id = p.new.application_id;
        let who = p
            .new
            .contact_id
            .and_then(|c| full.contact(c))
            .map(|c| {
                format!(
                    " --{} \"{}\"",
                    if p.new.kind == "sent" { "to" } else { "from" },
                    c.name
                )
            })
            .unwrap_or_default();
        let action = match p.new.kind.as_str() {
            "sent" => format!(
                "followup log {id} {} --at \"{when}\"{who}",
                p.new.touchpoint.as_deref().unwrap_or("follow-up")
            ),
            "decision" => format!(
                "followup reply {id} --at \"{when}\" --decision \"{}\"{who}",
                p.new.decision.as_deref().unwrap_or("")
            ),
            "rejection" => format!("followup outcome {id} rejected --at \"{when}\""),
            "offer" => format!("followup outcome {id} offer --at \"{when}\""),
            "invite" => format!(
                "followup import INVITE.ics --company \"{}\"",
                full.application.company
            ),
            "out-of-office" => match p.new.until {
                Some(d) => {
                    format!("followup reply {id} --at \"{when}\"  (out of office until {d})")
                }
                None => "nothing to record: no return date".to_string(),
            },
            "bounce" => format!(
                "followup contact edit … (the address {} bounces)",
                p.new.bounced.as_deref().unwrap_or("")
            ),
            _ => format!("followup reply {id} --at \"{when}\"{who}"),
        };
        out.push(Listed {
            id: p.id,
            application: id,
            company: full.application.company.clone(),
            kind: p.new.kind.clone(),
            from: p.new.sender.clone(),
            subject: p.new.subject.clone(),
            date: at.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            message_id: format!("<{}>", p.new.message_id.trim_matches(['<', '>'])),
            evidence: p.new.evidence.clone(),
            decision: p.new.decision.clone(),
            until: p.new.until,
            touchpoint: p.new.touchpoint.clone(),
            bounced: p.new.bounced.clone(),
            confidence: p.new.confidence.clone(),
            action,
        });
    }
    Ok(out)
}

/// What accepting one proposal did.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    pub id: i64,
    pub application: i64,
    pub kind: String,
    /// The touchpoint recorded, if one was.
    pub touchpoint: Option<i64>,
    /// Applied or dismissed before: nothing was done this time.
    pub already: bool,
    /// Advice the recorded fact goes against.
    pub warnings: Vec<String>,
}

/// `followup mail accept ID`: records what the proposal says, with the message's
/// own time, through the same use cases as the commands. Accepting twice does
/// nothing the second time.
pub fn accept(ctx: &Ctx, id: i64) -> Result<Accepted> {
    let p: MailProposal = ctx.facts()?.mail_proposal(id).map_err(store_err)?;
    let app = p.new.application_id;
    let mut done = Accepted {
        id,
        application: app,
        kind: p.new.kind.clone(),
        touchpoint: None,
        already: p.status != ProposalStatus::Pending,
        warnings: Vec::new(),
    };
    if done.already {
        return Ok(done);
    }
    let at = p.new.date;
    let note = format!(
        "e-mail {}: {}",
        p.new.message_id,
        p.new.evidence.as_deref().unwrap_or(&p.new.subject)
    );
    let note = Some(note.as_str());
    let from = p.new.contact_id;
    let mut warnings = Vec::new();
    let recorded = (|| -> Result<Option<i64>> {
        Ok(match p.new.kind.as_str() {
            "sent" => {
                let kind: TouchpointKind = p
                    .new
                    .touchpoint
                    .as_deref()
                    .unwrap_or("follow-up")
                    .parse()
                    .map_err(Error::input)?;
                let logged = crate::track::log_at(ctx, app, kind, from, at, note)?;
                warnings = logged.warnings;
                Some(logged.id)
            }
            "reply" => Some(crate::track::reply_at(ctx, app, at, None, from, note)?),
            "decision" => Some(crate::track::reply_at(
                ctx,
                app,
                at,
                p.new.decision.as_deref(),
                from,
                note,
            )?),
            "rejection" => Some(crate::track::outcome_at(
                ctx,
                app,
                followup_store::Outcome::Rejected,
                at,
                note,
            )?),
            "offer" => Some(crate::track::outcome_at(
                ctx,
                app,
                followup_store::Outcome::Offer,
                at,
                note,
            )?),
            "invite" => {
                let cal = p.new.calendar.as_deref().unwrap_or("");
                let company = ctx
                    .facts()?
                    .application(app)
                    .map_err(store_err)?
                    .application
                    .company;
                let (planned, notes) = crate::import::plan(
                    ctx,
                    cal.as_bytes(),
                    &p.new.subject,
                    Some(&company),
                    None,
                    false,
                )?;
                warnings = notes;
                let written = crate::import::write_all(ctx, &planned)?;
                written.first().and_then(|d| d.interview_id)
            }
            "out-of-office" => match p.new.until {
                Some(until) => {
                    // Their answer is still to come: the next follow-up waits until they are
                    // back, as after a reply that names a date (T2, T9).
                    let mut t = NewTouchpoint::new(TouchpointKind::Reply, at);
                    t.contact_id = from;
                    t.decision_date = Some(until);
                    t.decision_phrase = Some(format!("out of office until {until}"));
                    t.note = note.map(str::to_string);
                    Some(ctx.facts()?.add_touchpoint(app, &t).map_err(store_err)?)
                }
                None => None,
            },
            "bounce" => {
                if let Some(a) = &p.new.bounced {
                    ctx.facts()?
                        .mail_add_bad_address(a, at)
                        .map_err(store_err)?;
                }
                None
            }
            other => return Err(Error::input(format!("unknown proposal kind {other}"))),
        })
    })();
    done.touchpoint = match recorded {
        Ok(t) => t,
        Err(e) => {
            // Accepted meanwhile by another request (the same invitation imported
            // twice at once is refused by its UID): this one did nothing.
            let now = ctx.facts()?.mail_proposal(id).map_err(store_err)?;
            if now.status != ProposalStatus::Applied {
                return Err(e);
            }
            done.already = true;
            done.touchpoint = now.touchpoint_id;
            return Ok(done);
        }
    };
    done.warnings.append(&mut warnings);
    let settled = ctx
        .facts()?
        .mail_settle(id, ProposalStatus::Applied, done.touchpoint)
        .map_err(store_err)?;
    if !settled {
        // Another accept (another tab, process or key) or a dismissal came first: what
        // this one recorded is taken back, so the message is recorded once. An
        // invitation's import is the same interview again (by its UID), kept.
        if let Some(t) = done.touchpoint.filter(|_| p.new.kind != "invite") {
            ctx.facts()?.delete_touchpoint(app, t).map_err(store_err)?;
        }
        let now = ctx.facts()?.mail_proposal(id).map_err(store_err)?;
        if now.status == ProposalStatus::Dismissed {
            let kept = match p.new.kind.as_str() {
                "invite" => "its invitation's interview is kept",
                "bounce" => "the address stays marked as bouncing",
                _ => "nothing was recorded",
            };
            return Err(Error::conflict(format!(
                "proposal {id} was dismissed meanwhile: {kept}"
            )));
        }
        done.already = true;
        done.touchpoint = now.touchpoint_id;
        done.warnings.clear();
    }
    Ok(done)
}

/// The pending high-confidence proposals (`followup mail accept --all-high`).
pub fn pending_high(ctx: &Ctx) -> Result<Vec<i64>> {
    Ok(ctx
        .facts()?
        .mail_proposals(false)
        .map_err(store_err)?
        .into_iter()
        .filter(|p| p.new.confidence == "high")
        .map(|p| p.id)
        .collect())
}

/// `followup mail dismiss ID`: the message is never proposed again. Returns whether
/// it was pending.
pub fn dismiss(ctx: &Ctx, id: i64) -> Result<bool> {
    let mut store = ctx.facts()?;
    store.mail_proposal(id).map_err(store_err)?;
    store
        .mail_settle(id, ProposalStatus::Dismissed, None)
        .map_err(store_err)
}

/// `followup mail forget`: deletes everything the mail features stored. Returns the
/// number of proposals deleted.
pub fn forget(ctx: &Ctx) -> Result<usize> {
    // Not in the middle of a read, which would record part of what it read after.
    let mut facts = ctx.facts()?;
    let _held = match ctx.pg() {
        Some(_) => None,
        None => Some(turn::lock(&ctx.db)?.ok_or_else(being_read)?),
    };
    facts.mail_forget().map_err(store_err)
}

/// The instant a proposal's message was sent, for tests and displays.
pub fn message_time(p: &MailProposal) -> Timestamp {
    p.new.date
}

#[cfg(test)]
mod tests {
    use super::settings::{Endpoint, Security};
    use super::*;

    /// A server that takes the connection and never says a word (no greeting, as a
    /// hung server or a wrong port behind a firewall that accepts) is given up after
    /// the step's limit with a sentence saying so, rather than holding the reader (a
    /// worker, a page) for good. The limit here is a second; `sync` gives each step
    /// [`STEP`].
    #[test]
    fn a_server_that_never_answers_is_given_up() {
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = Endpoint {
            host: "127.0.0.1".into(),
            port: silent.local_addr().unwrap().port(),
            security: Security::Plain,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let connect = imap::Session::connect(&endpoint, "ann@example.com", "secret");
        let limit = std::time::Duration::from_secs(1);
        let Err(e) = within_for(&rt, limit, "the login", connect) else {
            panic!("a session with a server that said nothing");
        };
        assert_eq!(
            e.to_string(),
            "IMAP: the server did not answer the login within 1 s"
        );
        drop(silent);
    }
}
