//! Drafting for the tracker (M1–M7): who a message is for, the facts it is drafted
//! from, and its `.eml` and `mailto:` forms. Nothing is ever sent.

use std::path::{Path, PathBuf};

use followup_core::draft::{self, Draft, DraftInput, Recipient, Sender};
use followup_core::model::MessageKind;
use followup_store::model::{Contact, ContactRole, Interview, NoteKind};
use followup_store::{ApplicationFull, Profile, TouchpointKind};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::ctx::{find_contact, Ctx};
use crate::error::{Error, Result};

/// How the draft is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `Subject: ...`, a blank line, the body.
    Text,
    /// An RFC 5322 message a mail client opens as a draft.
    Eml,
    /// A `mailto:` link.
    Mailto,
}

impl Format {
    pub fn parse(word: &str) -> Result<Format> {
        match word.trim().to_ascii_lowercase().as_str() {
            "text" | "txt" => Ok(Format::Text),
            "eml" => Ok(Format::Eml),
            "mailto" => Ok(Format::Mailto),
            _ => Err(Error::input(format!(
                "unknown format `{word}` (expected one of: text, eml, mailto)"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Eml => "eml",
            Format::Mailto => "mailto",
        }
    }
}

/// Kinds that go out by email (the others are printed, spoken or left on a voicemail).
pub fn is_email(kind: MessageKind) -> bool {
    !matches!(
        kind,
        MessageKind::Letter | MessageKind::PhoneScript | MessageKind::Voicemail
    )
}

/// The plain-text form: `Subject: ...`, a blank line, the body (what `followup check`
/// reads back).
pub fn text(d: &Draft) -> String {
    match &d.subject {
        Some(s) => format!("Subject: {s}\n\n{}", d.body),
        None => d.body.clone(),
    }
}

/// The interviews in time order, cancelled ones left out.
pub fn interviews(full: &ApplicationFull) -> Vec<&Interview> {
    let mut list: Vec<&Interview> = full.interviews.iter().filter(|i| !i.cancelled).collect();
    list.sort_by_key(|i| i.start);
    list
}

/// Who the draft is for: `--to`, else the first interviewer of the latest round for a
/// thank-you or letter, else the hiring manager, the recruiter, the latest round's
/// first interviewer, any contact.
pub fn recipient<'a>(
    full: &'a ApplicationFull,
    kind: MessageKind,
    to: Option<&str>,
) -> Result<&'a Contact> {
    let by_id = |id: i64| full.contacts.iter().find(|c| c.id == id);
    if let Some(name) = to {
        let id = find_contact(full, name).map_err(Error::in_body)?;
        return by_id(id).ok_or_else(|| Error::input(format!("no contact with id {id}")));
    }
    let latest_interviewer = interviews(full)
        .iter()
        .rev()
        .find_map(|i| i.interviewer_ids.iter().find_map(|&id| by_id(id)));
    let with_role = |role: ContactRole| full.contacts.iter().find(|c| c.role == role);
    let pick = match kind {
        MessageKind::ThankYou | MessageKind::Letter => latest_interviewer,
        _ => with_role(ContactRole::HiringManager)
            .or_else(|| with_role(ContactRole::Recruiter))
            .or(latest_interviewer),
    };
    pick.or_else(|| full.contacts.first()).ok_or_else(|| {
        Error::input(format!(
            "application {} has no contact to write to: add the interviewers with \
             `followup interview {} --at ... --interviewer \"Jane Doe <jane@example.com>\"`",
            full.application.id, full.application.id
        ))
    })
}

/// The interviewers whose thank-you is still open on the agenda at `ctx.now` (T1),
/// the one due first first: contact ids, each once.
pub fn open_thank_yous(ctx: &Ctx, full: &ApplicationFull) -> Result<Vec<i64>> {
    let Some(track) = crate::ctx::track_of(ctx, full)? else {
        return Ok(Vec::new());
    };
    let mut items: Vec<_> = followup_core::agenda::items(&track, &ctx.policy, ctx.now)
        .into_iter()
        .filter(|i| i.kind == followup_core::plan::StepKind::ThankYou)
        .filter_map(|i| i.to.map(|p| (i.step.latest, p.id)))
        .collect();
    // Stable: interviewers due at the same moment keep the agenda's order.
    items.sort_by_key(|(latest, _)| *latest);
    let mut ids: Vec<i64> = Vec::with_capacity(items.len());
    for (_, id) in items {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Who the draft is for, following the record: `--to`; else, for a thank-you or a
/// letter, the next interviewer whose thank-you is still open on the agenda (the one
/// due first), so that drafting one after another goes through every interviewer;
/// else as [`recipient`].
pub fn recipient_now<'a>(
    ctx: &Ctx,
    full: &'a ApplicationFull,
    kind: MessageKind,
    to: Option<&str>,
) -> Result<&'a Contact> {
    if to.is_none() && matches!(kind, MessageKind::ThankYou | MessageKind::Letter) {
        let open = open_thank_yous(ctx, full)?;
        if let Some(c) = open.first().and_then(|&id| full.contact(id)) {
            return Ok(c);
        }
    }
    recipient(full, kind, to)
}

/// The contact's address, required for email formats.
pub fn address_of(to: &Contact) -> Result<&str> {
    to.email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| {
            Error::input(format!(
                "{} has no email address in the tracker: add it with `followup contact \
                 edit {} \"{}\" --email name@example.com`, or use --format text and send \
                 it yourself",
                to.name, to.application_id, to.name
            ))
        })
}

/// The facts of the draft: the round the recipient sat in (else the latest), its notes
/// (and the application's), the latest decision date, the follow-ups already sent.
pub fn input(
    full: &ApplicationFull,
    kind: MessageKind,
    profile: &Profile,
    to: &Contact,
    now: Timestamp,
) -> DraftInput {
    let rounds = interviews(full);
    let theirs = rounds
        .iter()
        .rev()
        .find(|i| i.interviewer_ids.contains(&to.id))
        .or(rounds.last())
        .copied();
    let index = theirs
        .and_then(|i| i.interviewer_ids.iter().position(|&id| id == to.id))
        .unwrap_or(0);
    let zone = |i: &Interview| TimeZone::get(&i.tz).unwrap_or(TimeZone::UTC);

    let app = &full.application;
    let mut input = DraftInput::new(
        kind,
        Sender {
            name: profile.name.clone(),
            email: profile.email.clone(),
            phone: profile.phone.clone(),
        },
        Recipient {
            name: to.name.clone(),
            role: Some(to.role.as_str().replace('-', " ")),
            index,
        },
        &app.company,
        &app.role,
    );
    input.company_type = app.company_type;
    input.seniority = app.seniority;
    if let Some(i) = theirs {
        let tz = zone(i);
        input.interview_date = Some(i.start.to_zoned(tz.clone()).date());
        input.round = i.round;
        input.today = Some(now.to_zoned(tz).date());
    } else {
        input.today = Some(now.to_zoned(TimeZone::UTC).date());
    }

    let notes = |k: NoteKind| -> Vec<String> {
        let of_round: Vec<String> = full
            .notes
            .iter()
            .filter(|n| n.kind == k)
            .filter(|n| n.interview_id.is_none() || n.interview_id == theirs.map(|i| i.id))
            .map(|n| n.text.clone())
            .collect();
        if of_round.is_empty() {
            full.notes
                .iter()
                .filter(|n| n.kind == k)
                .map(|n| n.text.clone())
                .collect()
        } else {
            of_round
        }
    };
    input.topics = notes(NoteKind::Topic);
    input.strengths = notes(NoteKind::Strength);
    input.gaps = notes(NoteKind::Gap);
    input.questions = notes(NoteKind::Question);

    // The latest word on the decision: a reply's new date, else the latest interview's.
    let from_interview = rounds
        .iter()
        .rev()
        .find_map(|i| i.decision_date.map(|d| (i.start, d)));
    let from_reply = full
        .touchpoints
        .iter()
        .filter(|t| t.kind == TouchpointKind::Reply)
        .filter_map(|t| t.decision_date.map(|d| (t.at, d)))
        .max_by_key(|(at, _)| *at);
    input.decision_date = match (from_interview, from_reply) {
        (Some(a), Some(b)) => Some(if b.0 >= a.0 { b.1 } else { a.1 }),
        (a, b) => a.or(b).map(|(_, d)| d),
    };
    input.followups_sent = full
        .touchpoints
        .iter()
        .filter(|t| {
            matches!(
                t.kind,
                TouchpointKind::FollowUp | TouchpointKind::FinalFollowUp | TouchpointKind::Call
            )
        })
        .count()
        .try_into()
        .unwrap_or(u32::MAX);
    input
}

/// `<config dir>/templates/<kind>.txt`, when the user has one.
pub fn user_template(kind: MessageKind) -> Result<Option<(PathBuf, String)>> {
    let Some(dir) = crate::settings::config_dir() else {
        return Ok(None);
    };
    let path = dir.join("templates").join(draft::template_file_name(kind));
    read_if_exists(&path).map(|t| t.map(|text| (path, text)))
}

pub fn read_if_exists(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// One line, for header values: no database value can start a header of its own.
pub fn header_value(text: &str) -> String {
    draft::one_line(text)
}

/// Everything of a message but its bytes: what `draft --format eml` writes and what
/// the outbox sends, through the same [`Letter::build`].
#[derive(Debug, Clone)]
pub struct Letter {
    pub from_name: String,
    pub from_addr: String,
    pub to_name: String,
    pub to_addr: String,
    pub subject: Option<String>,
    pub body: String,
    /// Without the angle brackets.
    pub message_id: String,
    /// Without the angle brackets.
    pub in_reply_to: Option<String>,
    /// Without the angle brackets, oldest first.
    pub references: Vec<String>,
    /// Where replies go, when not to From (a hosted service sends for its users from
    /// its own address, the user's as Reply-To).
    pub reply_to: Option<String>,
}

/// What a message to someone replies to: the latest message to them through the
/// outbox (A follow-up stays in the thread of what they last received).
#[derive(Debug, Clone)]
pub struct Thread {
    pub in_reply_to: String,
    pub references: Vec<String>,
    pub subject: Option<String>,
}

/// `<id>` -> `id`.
pub fn bare_id(id: &str) -> &str {
    id.trim().trim_start_matches('<').trim_end_matches('>')
}

/// The thread a message to `to` of application `app` at `at` continues, if any.
pub fn thread_of(
    store: &mut dyn followup_store::Facts,
    app: i64,
    to: i64,
    at: Timestamp,
) -> Result<Option<Thread>> {
    let Some(last) = store
        .outbox_thread(app, to, at)
        .map_err(crate::ctx::store_err)?
    else {
        return Ok(None);
    };
    let mut references: Vec<String> = last
        .references
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(|r| bare_id(r).to_string())
        .collect();
    references.push(bare_id(&last.message_id).to_string());
    Ok(Some(Thread {
        in_reply_to: bare_id(&last.message_id).to_string(),
        references,
        subject: last.subject,
    }))
}

/// `Re: <subject>`, once.
pub fn reply_subject(subject: &str) -> String {
    let mut s = subject.trim();
    while let Some(rest) = s
        .strip_prefix("Re: ")
        .or_else(|| s.strip_prefix("RE: "))
        .or_else(|| s.strip_prefix("re: "))
    {
        s = rest.trim_start();
    }
    format!("Re: {s}")
}

/// `followup.<application>.<kind>.<contact>.<nanoseconds>@<domain of from>`: one per
/// application, kind, recipient and moment.
pub fn new_message_id(app: i64, kind: MessageKind, to: i64, at: Timestamp, from: &str) -> String {
    let domain = from.rsplit('@').next().unwrap_or("localhost");
    format!(
        "followup.{app}.{}.{to}.{}@{domain}",
        kind.as_str(),
        at.as_nanosecond()
    )
}

impl Letter {
    /// The message for `draft` from `from` to `to`, in `thread` if given: its subject
    /// becomes `Re: ` the thread's.
    pub fn new(
        from: (&str, &str),
        to: &Contact,
        d: &Draft,
        message_id: String,
        thread: Option<&Thread>,
    ) -> Result<Letter> {
        let from_addr = header_value(from.1);
        let to_addr = header_value(address_of(to)?);
        for (who, addr) in [("the sender's", &from_addr), ("the contact's", &to_addr)] {
            if !plain_address(addr) {
                return Err(Error::input(format!(
                    "{who} email address `{addr}` cannot go in a mail header"
                )));
            }
        }
        let subject = match (thread, &d.subject) {
            (Some(t), _) if t.subject.is_some() => t.subject.as_deref().map(reply_subject),
            (_, s) => s.as_deref().map(header_value),
        };
        let mut body = d.body.clone();
        body.push('\n');
        Ok(Letter {
            from_name: header_value(from.0),
            from_addr,
            to_name: header_value(&to.name),
            to_addr,
            subject,
            body,
            message_id,
            in_reply_to: thread.map(|t| t.in_reply_to.clone()),
            references: thread.map(|t| t.references.clone()).unwrap_or_default(),
            reply_to: None,
        })
    }

    /// The RFC 5322 bytes, dated `date` (seconds since 1970); `unsent` adds
    /// `X-Unsent: 1`, so mail clients open it as a draft. Values with line breaks are
    /// refused, so no value can add a header of its own.
    pub fn build(&self, date: i64, unsent: bool) -> Result<String> {
        use mail_builder::headers::address::Address;
        use mail_builder::headers::raw::Raw;
        use mail_builder::MessageBuilder;

        let values = [
            Some(&self.from_name),
            Some(&self.from_addr),
            Some(&self.to_name),
            Some(&self.to_addr),
            self.subject.as_ref(),
            Some(&self.message_id),
            self.in_reply_to.as_ref(),
            self.reply_to.as_ref(),
        ];
        if values
            .iter()
            .flatten()
            .chain(self.references.iter().by_ref().collect::<Vec<_>>().iter())
            .any(|v| v.contains(['\r', '\n']))
        {
            return Err(Error::input(
                "a header value holds a line break: refused, so that it cannot add a header",
            ));
        }
        let mut message = MessageBuilder::new()
            .from(Address::new_address(
                Some(self.from_name.clone()),
                self.from_addr.clone(),
            ))
            .to(Address::new_address(
                Some(self.to_name.clone()),
                self.to_addr.clone(),
            ))
            .date(date)
            .message_id(self.message_id.clone());
        if let Some(r) = &self.in_reply_to {
            message = message.in_reply_to(r.clone());
        }
        if let Some(r) = &self.reply_to {
            message = message.reply_to(Address::new_address(
                Some(self.from_name.clone()),
                r.clone(),
            ));
        }
        if !self.references.is_empty() {
            message = message.references(self.references.clone());
        }
        if unsent {
            message = message.header("X-Unsent", Raw::new("1"));
        }
        message = message.text_body(self.body.clone());
        if let Some(s) = &self.subject {
            message = message.subject(s.clone());
        }
        message
            .write_to_string()
            .map_err(|e| Error::input(format!("cannot build the message: {e}")))
    }
}

/// The From of a message: `[mail] address` (or `FOLLOWUP_MAIL_ADDRESS`) when set, else
/// the profile's email. On PostgreSQL (a hosted service) the mail settings are the
/// service's, not the user's: the profile's email.
pub fn from_address(ctx: &Ctx, profile: &Profile) -> String {
    if ctx.pg().is_some() {
        return profile.email.trim().to_string();
    }
    ctx.settings
        .mail
        .address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .unwrap_or(&profile.email)
        .to_string()
}

/// An RFC 5322 message with `X-Unsent: 1`, so mail clients open it as a draft: the
/// bytes `followup send` would send now, but for Date and Message-ID (and `X-Unsent`).
/// A message to someone who already received one through the outbox replies to it.
pub fn eml(
    ctx: &Ctx,
    full: &ApplicationFull,
    kind: MessageKind,
    profile: &Profile,
    to: &Contact,
    d: &Draft,
) -> Result<String> {
    eml_in_thread(ctx, full, kind, profile, to, d, false)
}

/// [`eml`], optionally in a new thread (`--new-thread`).
pub fn eml_in_thread(
    ctx: &Ctx,
    full: &ApplicationFull,
    kind: MessageKind,
    profile: &Profile,
    to: &Contact,
    d: &Draft,
    new_thread: bool,
) -> Result<String> {
    let from = from_address(ctx, profile);
    let thread = if new_thread {
        None
    } else {
        thread_of(&mut *ctx.facts()?, full.application.id, to.id, ctx.now)?
    };
    let id = new_message_id(
        full.application.id,
        kind,
        to.id,
        ctx.now,
        &header_value(&from),
    );
    Letter::new((&profile.name, &from), to, d, id, thread.as_ref())?
        .build(ctx.now.as_second(), true)
}

/// `local@domain` with nothing a header parser could misread.
pub fn plain_address(addr: &str) -> bool {
    let mut parts = addr.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && addr
            .chars()
            .all(|c| c.is_ascii_graphic() && !"<>()[],;:\\\"".contains(c))
}

/// RFC 6068: everything but unreserved characters is percent-encoded (and `@` in the
/// address); line breaks become `%0D%0A`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub fn mailto(address: &str, d: &Draft) -> String {
    let to: String = address
        .split('@')
        .map(|part| utf8_percent_encode(part, COMPONENT).to_string())
        .collect::<Vec<_>>()
        .join("@");
    let crlf = |s: &str| s.replace("\r\n", "\n").replace('\n', "\r\n");
    let mut url = format!("mailto:{to}");
    let mut sep = '?';
    if let Some(s) = &d.subject {
        url.push(sep);
        url.push_str("subject=");
        url.push_str(&utf8_percent_encode(&header_value(s), COMPONENT).to_string());
        sep = '&';
    }
    url.push(sep);
    url.push_str("body=");
    url.push_str(&utf8_percent_encode(&crlf(&d.body), COMPONENT).to_string());
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_encodes_everything_reserved() {
        let d = Draft {
            subject: Some("Thank you & more?".into()),
            body: "Hi Jane,\n\n100% yes=no #1".into(),
        };
        let url = mailto("jane+jobs@acme.com", &d);
        assert_eq!(
            url,
            "mailto:jane%2Bjobs@acme.com?subject=Thank%20you%20%26%20more%3F\
             &body=Hi%20Jane%2C%0D%0A%0D%0A100%25%20yes%3Dno%20%231"
        );
    }

    #[test]
    fn plain_addresses_only() {
        assert!(plain_address("jane@acme.com"));
        assert!(!plain_address("jane@acme.com\r\nBcc: x@y"));
        assert!(!plain_address("a@b@c"));
        assert!(!plain_address("Jane <jane@acme.com>"));
    }
}
