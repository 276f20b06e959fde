//! The daily digest: one mail a day, at the hour the user chose (`digest_hour`, in
//! their zone `tz`), to their own address through their own mail account, saying what
//! is overdue, what is due today and what opens tomorrow, each with a link to its
//! draft in the web app; nothing on a day with nothing to do.
//!
//! Once a day, at most once: the day's state is kept beside the database in
//! `<db>.digest` (one line, `DAY STATE [MESSAGE-ID]`, written to a temporary file and
//! renamed), and `sending` is written before the SMTP conversation starts, `sent`
//! after the server accepted the message. A run that finds `sending` for today was
//! stopped while handing it over: the digest may or may not have left, so it is
//! recorded `unknown` and not sent again. A refusal before anything was handed over
//! (no connection, a temporary error, no profile) is recorded `waiting` with its
//! reason and the next run tries again (reporting it again only when the reason
//! changes); a permanent refusal is recorded `failed` for the day. One run at a time:
//! the outbox's lock (`<db>.outbox-lock`) is held while it runs.
//!
//! The mail carries `List-Unsubscribe` with one-click unsubscription (RFC 8058): a
//! POST to `<url>/digest/unsubscribe/<secret>` turns the digest off; the secret is
//! kept in `<db>.digest-secret` ([`crate::secret`]).
//!
//! ```text
//! Subject: followup: 1 overdue, 2 due today, 1 opening tomorrow
//!
//! Overdue
//! - #3 Globex — Follow-up to Raj Patel: was due by Tue Dec 1 17:00 EST
//!   Draft: http://127.0.0.1:7878/applications/3/draft?kind=follow-up&to=Raj%20Patel
//! ...
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use followup_core::plan::StepStatus;
use jiff::civil::Date;
use jiff::{Timestamp, Zoned};

use crate::agenda::{self, Entry, Group};
use crate::ctx::{store_err, Ctx};
use crate::error::{Error, Result};
use crate::mail::{Account, Session, StepReport};

/// Where the web app is when the settings do not say (`url`).
pub const DEFAULT_URL: &str = "http://127.0.0.1:7878";

/// The name of the unsubscribe link's secret ([`crate::secret`]).
pub const SECRET: &str = "digest";

/// One day's digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// The user's day it is for.
    pub day: Date,
    pub subject: String,
    pub body: String,
    pub overdue: usize,
    pub today: usize,
    pub tomorrow: usize,
    /// Messages read from the mailbox whose proposals wait to be accepted or
    /// dismissed (the Inbox).
    pub inbox: usize,
}

/// The web app's address: `url` of the settings, else [`DEFAULT_URL`]; no slash at
/// the end.
pub fn base_url(ctx: &Ctx) -> String {
    ctx.settings
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(DEFAULT_URL)
        .trim_end_matches('/')
        .to_string()
}

/// The digest at `ctx.now`: `None` when nothing is overdue, due today or opening
/// tomorrow, and no message read from the mailbox waits in the Inbox. `base` is the
/// web app's address, for the links.
pub fn compose(ctx: &Ctx, base: &str) -> Result<Option<Digest>> {
    let entries = agenda::entries(ctx, 2, false)?;
    let today = ctx.now.to_zoned(agenda::user_zone(ctx));
    let mut sections: [(&str, Vec<&Entry>); 3] = [
        ("Overdue", Vec::new()),
        ("Due today", Vec::new()),
        ("Opening tomorrow", Vec::new()),
    ];
    for e in &entries {
        match Group::of(e, &today) {
            Group::Overdue => sections[0].1.push(e),
            Group::DueNow | Group::OpensToday => sections[1].1.push(e),
            Group::Tomorrow => sections[2].1.push(e),
            Group::ThisWeek | Group::Later => {}
        }
    }
    let counts = [
        sections[0].1.len(),
        sections[1].1.len(),
        sections[2].1.len(),
    ];
    // Answers read from the mailbox (by `mail sync`, Sync now, or a hosted service's
    // worker) that wait to be accepted or dismissed.
    let inbox = ctx
        .facts()?
        .mail_proposals(false)
        .map_err(crate::ctx::store_err)?
        .len();
    if counts.iter().all(|n| *n == 0) && inbox == 0 {
        return Ok(None);
    }
    let words = ["overdue", "due today", "opening tomorrow"];
    let mut parts: Vec<String> = counts
        .iter()
        .zip(words)
        .filter(|(n, _)| **n > 0)
        .map(|(n, w)| format!("{n} {w}"))
        .collect();
    if inbox > 0 {
        parts.push(format!("{inbox} from your mailbox to review"));
    }
    let subject = format!("followup: {}", parts.join(", "));
    let mut body = format!("Your follow-ups for {}.\n", today.strftime("%A, %B %-d"));
    for (title, items) in &sections {
        if items.is_empty() {
            continue;
        }
        let _ = write!(body, "\n{title}\n");
        for e in items {
            let _ = write!(
                body,
                "- #{} {} — {}",
                e.application,
                e.company,
                e.kind.label()
            );
            if let Some(to) = &e.to {
                let _ = write!(body, " to {to}");
            }
            let _ = match e.status {
                StepStatus::Overdue | StepStatus::Missed => {
                    write!(body, ": was due by {}", moment(&e.latest))
                }
                StepStatus::Due => write!(
                    body,
                    ": send by {} (best {})",
                    moment(&e.latest),
                    moment(&e.recommended)
                ),
                StepStatus::Upcoming => write!(
                    body,
                    ": opens {}, best {}",
                    moment(&e.earliest),
                    moment(&e.recommended)
                ),
            };
            body.push('\n');
            let link = match crate::ics::message_kind(e.kind, e.channel) {
                Some(kind) => {
                    let mut l = format!(
                        "{base}/applications/{}/draft?kind={}",
                        e.application,
                        kind.as_str()
                    );
                    if let Some(to) = &e.to {
                        l.push_str("&to=");
                        l.push_str(&encode(to));
                    }
                    format!("  Draft: {l}\n")
                }
                None => format!("  Open: {base}/applications/{}\n", e.application),
            };
            body.push_str(&link);
        }
    }
    if inbox > 0 {
        let _ = write!(
            body,
            "\nFrom your mailbox\n- {inbox} message{} read from your mailbox wait{} for you to accept or dismiss: {base}/inbox\n",
            if inbox == 1 { "" } else { "s" },
            if inbox == 1 { "s" } else { "" },
        );
    }
    let _ = write!(body, "\nToday's page: {base}/\n");
    let _ = match ctx.settings.digest_hour {
        // On PostgreSQL the hour is the service's for everyone: only the link stops it.
        _ if ctx.pg().is_some() => writeln!(
            body,
            "This digest comes each morning with something to do; the unsubscribe link of your mail program turns it off."
        ),
        Some(h) => writeln!(
            body,
            "This digest comes at {h:02}:00 each day with something to do; turn it off in Settings ({base}/settings) or with the unsubscribe link of your mail program."
        ),
        None => writeln!(
            body,
            "The daily digest is off; turn it on in Settings ({base}/settings) to get this by mail each morning."
        ),
    };
    Ok(Some(Digest {
        day: today.date(),
        subject,
        body,
        overdue: counts[0],
        today: counts[1],
        tomorrow: counts[2],
        inbox,
    }))
}

/// A moment as the agenda writes it: `Wed Dec 2 17:00 EST`.
fn moment(z: &Zoned) -> String {
    z.strftime("%a %b %-d %H:%M %Z").to_string()
}

/// A query value, percent-encoded.
fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Where a day's digest stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Being handed to the server.
    Sending,
    /// Accepted by the server.
    Sent,
    /// Nothing to say that day.
    Nothing,
    /// A run stopped while handing it over: it may or may not have left.
    Unknown,
    /// The server refused it for good.
    Failed,
    /// Not sent yet, for the reason recorded (no connection, no profile); tried again
    /// at each run.
    Waiting,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Sending => "sending",
            State::Sent => "sent",
            State::Nothing => "nothing",
            State::Unknown => "unknown",
            State::Failed => "failed",
            State::Waiting => "waiting",
        }
    }

    fn parse(s: &str) -> Option<State> {
        [
            State::Sending,
            State::Sent,
            State::Nothing,
            State::Unknown,
            State::Failed,
            State::Waiting,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// The record of the last day a digest was considered: `<db>.digest`.
pub fn state_path(db: &Path) -> PathBuf {
    crate::beside::path(db, ".digest")
}

/// The last day recorded, its state and the rest of the line (the message id, the
/// server's words). A file this build did not write counts as no record.
pub fn last(db: &Path) -> Result<Option<(Date, State, String)>> {
    let path = state_path(db);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Read { path, source }),
    };
    let mut parts = text.trim().splitn(3, ' ');
    let day = parts.next().and_then(|d| d.parse::<Date>().ok());
    let state = parts.next().and_then(State::parse);
    Ok(match (day, state) {
        (Some(day), Some(state)) => Some((day, state, parts.next().unwrap_or("").to_string())),
        _ => None,
    })
}

fn record(db: &Path, day: Date, state: State, rest: &str) -> Result<()> {
    let line = format!("{day} {} {}\n", state.as_str(), one_line(rest));
    // Written through before the mail leaves: a crash cannot lose `sending`.
    crate::settings::write_atomic(&state_path(db), &line)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    /// No digest hour set.
    Off,
    /// Today's hour has not come yet.
    NotYet,
    /// Another run holds the lock.
    Busy,
    /// Today's digest was already dealt with (its state).
    Done(Date, State),
    /// Nothing to say today (recorded: no mail).
    Nothing(Date),
    /// Sent: the day, the message id, the server's answer.
    Sent(Date, String, String),
    /// A run stopped while handing it over (recorded `unknown`, not sent again).
    Unknown(Date),
    /// Refused before anything was handed over; tried again at the next run.
    Retry(Date, String),
    /// Refused again for the reason already reported (tried again, said once).
    StillWaiting(Date),
    /// Refused for good (recorded `failed` for the day).
    Failed(Date, String),
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Run::Off => write!(f, "digest: off (no digest_hour)"),
            Run::NotYet => write!(f, "digest: not yet today"),
            Run::Busy => write!(f, "digest: another run is at work"),
            Run::Done(d, st) => write!(f, "digest: {d} already {}", st.as_str()),
            Run::Nothing(d) => write!(f, "digest: {d} nothing to do, no mail"),
            Run::Sent(d, id, reply) => write!(f, "digest: {d} sent {id} ({reply})"),
            Run::Unknown(d) => write!(
                f,
                "digest: {d} unknown: a run stopped while handing it over; it is not sent again"
            ),
            Run::Retry(d, why) => write!(f, "digest: {d} not sent, tried again next run: {why}"),
            Run::StillWaiting(d) => write!(f, "digest: {d} still waiting"),
            Run::Failed(d, why) => write!(f, "digest: {d} failed: {why}"),
        }
    }
}

/// Sends today's digest if its hour has come at `ctx.now` and it was not dealt with
/// yet (see the module's documentation).
pub fn run_due(ctx: &Ctx) -> Result<Run> {
    let Some(hour) = ctx.settings.digest_hour else {
        return Ok(Run::Off);
    };
    let now = ctx.now.to_zoned(agenda::user_zone(ctx));
    if now.hour() < i8::try_from(hour).unwrap_or(i8::MAX) {
        return Ok(Run::NotYet);
    }
    let day = now.date();
    let Some(_lock) = crate::outbox::lock(&ctx.db)? else {
        return Ok(Run::Busy);
    };
    match last(&ctx.db)? {
        Some((d, State::Sending, rest)) if d == day => {
            record(&ctx.db, day, State::Unknown, &rest)?;
            return Ok(Run::Unknown(day));
        }
        Some((d, state, _)) if d == day && state != State::Waiting => {
            return Ok(Run::Done(day, state))
        }
        _ => {}
    }
    let waiting = match last(&ctx.db)? {
        Some((d, State::Waiting, why)) if d == day => Some(why),
        _ => None,
    };
    // A refusal that leaves the day open: recorded, and reported once per reason.
    let retry = |why: String| -> Result<Run> {
        if waiting.as_deref() == Some(one_line(&why).as_str()) {
            return Ok(Run::StillWaiting(day));
        }
        record(&ctx.db, day, State::Waiting, &why)?;
        Ok(Run::Retry(day, why))
    };
    let base = base_url(ctx);
    let Some(digest) = compose(ctx, &base)? else {
        record(&ctx.db, day, State::Nothing, "")?;
        return Ok(Run::Nothing(day));
    };
    let profile = ctx.store()?.profile().map_err(store_err)?;
    let Some(profile) = profile else {
        return retry(
            "no sender profile: set one with `followup profile --name ... --email ...`".into(),
        );
    };
    let account = Account::from_ctx(ctx)?;
    let to = profile.email.clone();
    let secret = match crate::secret::read(&ctx.db, SECRET) {
        Ok(Some(s)) => Ok(s),
        Ok(None) => crate::secret::renew(&ctx.db, SECRET),
        Err(e) => Err(e),
    }
    .map_err(|source| Error::Write {
        path: crate::secret::path(&ctx.db, SECRET),
        source,
    })?;
    let id = format!(
        "followup.digest.{day}.{}@{}",
        now.timestamp().as_nanosecond(),
        account.address.rsplit('@').next().unwrap_or("localhost")
    );
    let bytes = message(&account, &to, &digest, &id, &base, &secret, now.timestamp())?;
    let mut session = match Session::open(&account, &mut |_: StepReport| {}) {
        Ok(s) => s,
        Err(f) if f.temporary => return retry(f.text),
        Err(f) => {
            record(&ctx.db, day, State::Failed, &f.text)?;
            return Ok(Run::Failed(day, f.text));
        }
    };
    record(&ctx.db, day, State::Sending, &format!("<{id}>"))?;
    let sent = session.send(&to, bytes.as_bytes());
    session.close();
    match sent {
        Ok(reply) => {
            record(&ctx.db, day, State::Sent, &format!("<{id}> {reply}"))?;
            Ok(Run::Sent(day, format!("<{id}>"), reply))
        }
        // Refused by the server: nothing left; the day stays open.
        Err(f) if f.temporary => retry(f.text),
        Err(f) => {
            record(&ctx.db, day, State::Failed, &f.text)?;
            Ok(Run::Failed(day, f.text))
        }
    }
}

/// The digest as a message (RFC 5322) to the user, with one-click unsubscription at
/// `<base>/digest/unsubscribe/<secret>`.
pub(crate) fn message(
    account: &Account,
    to: &str,
    d: &Digest,
    id: &str,
    base: &str,
    secret: &str,
    date: Timestamp,
) -> Result<String> {
    use mail_builder::headers::address::Address;
    use mail_builder::headers::raw::Raw;
    use mail_builder::MessageBuilder;
    let unsubscribe = format!("<{base}/digest/unsubscribe/{secret}>");
    if [to, &account.address, &account.name, &unsubscribe]
        .iter()
        .any(|v| v.contains(['\r', '\n']))
    {
        return Err(Error::input(
            "a header value of the digest holds a line break: refused",
        ));
    }
    MessageBuilder::new()
        .from(Address::new_address(
            Some(account.name.clone()),
            account.address.clone(),
        ))
        .to(Address::new_address(None::<String>, to.to_string()))
        .subject(d.subject.clone())
        .date(date.as_second())
        .message_id(id.to_string())
        .header("List-Unsubscribe", Raw::new(unsubscribe))
        .header(
            "List-Unsubscribe-Post",
            Raw::new("List-Unsubscribe=One-Click"),
        )
        .header("Auto-Submitted", Raw::new("auto-generated"))
        .text_body(d.body.clone())
        .write_to_string()
        .map_err(|e| Error::input(format!("cannot build the digest: {e}")))
}

/// Turns the digest off in `config_file` (the one-click unsubscription): its
/// `digest_hour` is removed, every other line of the file kept as it was.
pub fn turn_off(config_file: &Path) -> Result<()> {
    let text = match std::fs::read_to_string(config_file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(Error::Read {
                path: config_file.to_path_buf(),
                source,
            })
        }
    };
    let kept: String = text
        .lines()
        .filter(|l| {
            let key = l.trim_start();
            !(key.starts_with("digest_hour")
                && key["digest_hour".len()..].trim_start().starts_with('='))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    if kept != text {
        crate::settings::write_atomic(config_file, &kept)?;
    }
    Ok(())
}
