//! Reading the user's mail into proposals: which application a message belongs to,
//! what it says (a reply, a timeline, a rejection, an offer, an invitation, an
//! automatic reply, a bounce, or a message the user sent), and the sentence that
//! says it. Pure: the caller fetches the messages and knows the applications.
//!
//! A message is first screened by its headers alone ([`screen`]): only a message that
//! may belong to an application has its body fetched and read ([`classify`]).
//!
//! Matching, in order: `In-Reply-To`/`References` naming a stored Message-ID; the
//! sender (or, for mail the user sent, a recipient) is a contact's address; the
//! sender's domain is a contact's company domain (never a free-mail domain); an
//! applicant-tracking system's sender naming the company in its display name, subject
//! or body. Automatic replies are read only as out-of-office notes; newsletters, lists
//! and job alerts are never a reply. Quoted text is never read as the sender's words.

mod rules;
pub mod text;

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::Timestamp;
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};
use serde::Serialize;

use crate::calendar::Region;
use crate::phrase;

pub use rules::{is_ats_domain, is_free_mail};

/// What the tracker knows that mail is matched against.
#[derive(Debug, Clone, Default)]
pub struct Known {
    /// The user's own addresses, any case.
    pub me: Vec<String>,
    /// The applications, newest first preferred when a person is in several.
    pub applications: Vec<KnownApp>,
    /// Message-IDs the tracker stored (sent mail, mail read before), without angle
    /// brackets, with the application each belongs to.
    pub message_ids: HashMap<String, i64>,
    /// Addresses known to bounce: mail to them is not proposed again as sent.
    pub bad_addresses: Vec<String>,
}

/// One application as matching sees it.
#[derive(Debug, Clone, Default)]
pub struct KnownApp {
    pub id: i64,
    pub company: String,
    pub role: String,
    /// Still open: preferred when a person or domain is in several applications.
    pub active: bool,
    pub contacts: Vec<KnownContact>,
    /// The holiday region, for reading dates.
    pub region: Option<Region>,
}

/// A contact of an application.
#[derive(Debug, Clone, Default)]
pub struct KnownContact {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    /// The plan's open step for this person: thank-you, follow-up or final-follow-up.
    pub next: Option<String>,
}

impl KnownApp {
    /// The company's mail domains: its contacts' domains that are not free-mail.
    pub fn domains(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .contacts
            .iter()
            .filter_map(|c| c.email.as_deref())
            .filter_map(domain_of)
            .filter(|d| !is_free_mail(d) && !is_ats_domain(d))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// The kind of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Sent,
    Reply,
    Decision,
    Rejection,
    Offer,
    Invite,
    OutOfOffice,
    Bounce,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Sent => "sent",
            Kind::Reply => "reply",
            Kind::Decision => "decision",
            Kind::Rejection => "rejection",
            Kind::Offer => "offer",
            Kind::Invite => "invite",
            Kind::OutOfOffice => "out-of-office",
            Kind::Bounce => "bounce",
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Kind, String> {
        Ok(match s {
            "sent" => Kind::Sent,
            "reply" => Kind::Reply,
            "decision" => Kind::Decision,
            "rejection" => Kind::Rejection,
            "offer" => Kind::Offer,
            "invite" => Kind::Invite,
            "out-of-office" => Kind::OutOfOffice,
            "bounce" => Kind::Bounce,
            other => return Err(format!("unknown proposal kind `{other}`")),
        })
    }
}

/// How a message was matched to its application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MatchedBy {
    Thread,
    Contact,
    Domain,
    Ats,
}

/// How sure a proposal is: high ones may be applied without asking
/// (`auto_apply = "high"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    High,
    Low,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Low => "low",
        }
    }
}

/// What a message proposes for one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub application: i64,
    /// The contact who wrote (or, for sent mail, was written to), when known.
    pub contact: Option<i64>,
    pub kind: Kind,
    pub matched_by: MatchedBy,
    pub confidence: Confidence,
    /// The sentence that says it, in the sender's own words.
    pub evidence: Option<String>,
    /// The words naming the timeline ([`Kind::Decision`]).
    pub decision: Option<String>,
    /// The date they name.
    pub decision_date: Option<Date>,
    /// The return date of an out-of-office reply, when it gives one.
    pub until: Option<Date>,
    /// For sent mail: thank-you, follow-up or final-follow-up.
    pub touchpoint: Option<String>,
    /// For a bounce: the address that bounced.
    pub bounced: Option<String>,
    /// For an invitation: the calendar part, to import.
    pub calendar: Option<String>,
}

/// A message's headers as the tracker keeps them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    pub from: String,
    pub from_address: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
    pub date: Option<Timestamp>,
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
}

/// The headers of `raw` (headers alone, or a whole message).
pub fn head(raw: &[u8]) -> Head {
    let Some(msg) = MessageParser::default().parse_headers(raw) else {
        return Head::default();
    };
    head_of(&msg)
}

fn head_of(msg: &Message<'_>) -> Head {
    let from = msg.from().and_then(|a| a.first());
    Head {
        from: from.map(show_addr).unwrap_or_default(),
        from_address: from.and_then(|a| a.address()).map(str::to_lowercase),
        to: recipients(msg),
        subject: text::one_line(msg.subject().unwrap_or("")),
        date: msg
            .date()
            .and_then(|d| Timestamp::from_second(d.to_timestamp()).ok()),
        message_id: msg.message_id().map(str::to_string),
        in_reply_to: ids(msg.in_reply_to())
            .into_iter()
            .chain(ids(msg.references()))
            .collect(),
    }
}

fn show_addr(a: &mail_parser::Addr<'_>) -> String {
    match (a.name(), a.address()) {
        (Some(n), Some(e)) => format!("{} <{e}>", n.trim_matches('"')),
        (None, Some(e)) => e.to_string(),
        (Some(n), None) => n.to_string(),
        (None, None) => String::new(),
    }
}

fn recipients(msg: &Message<'_>) -> Vec<String> {
    msg.to()
        .into_iter()
        .chain(msg.cc())
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .map(str::to_lowercase)
        .collect()
}

fn ids(v: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    match v {
        mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
        mail_parser::HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    }
}

/// The domain of an address, lower case.
pub fn domain_of(addr: &str) -> Option<String> {
    addr.rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('>').to_lowercase())
        .filter(|d| !d.is_empty())
}

/// Whether `domain` is `base` or one of its subdomains.
fn under(domain: &str, base: &str) -> bool {
    domain == base || domain.ends_with(&format!(".{base}"))
}

/// The user's own message (in the Sent folder, or from one of the user's addresses).
fn outgoing(h: &Head, known: &Known, sent_folder: bool) -> bool {
    sent_folder
        || h.from_address
            .as_deref()
            .is_some_and(|a| known.me.iter().any(|m| m.eq_ignore_ascii_case(a)))
}

/// Whether the body of a message with these headers is worth fetching: it may belong
/// to an application. Most mail is ruled out here, by its headers alone.
pub fn screen(raw_headers: &[u8], known: &Known, sent_folder: bool) -> bool {
    let Some(msg) = MessageParser::default().parse_headers(raw_headers) else {
        return false;
    };
    let h = head_of(&msg);
    if outgoing(&h, known, sent_folder) {
        return by_thread(&h, known).is_some() || by_recipient(&h, known).is_some();
    }
    if is_bounce_head(&msg, &h) {
        return true;
    }
    if by_thread(&h, known).is_some() || by_sender(&h, known).is_some() {
        return true;
    }
    h.from_address
        .as_deref()
        .and_then(domain_of)
        .is_some_and(|d| is_ats_domain(&d))
}

fn by_thread(h: &Head, known: &Known) -> Option<i64> {
    h.in_reply_to
        .iter()
        .find_map(|id| known.message_ids.get(id.trim_matches(['<', '>'])).copied())
}

/// The applications `addr` is a contact of, open ones first, then newest.
fn apps_of_address<'k>(known: &'k Known, addr: &str) -> Vec<(&'k KnownApp, &'k KnownContact)> {
    let mut hits: Vec<_> = known
        .applications
        .iter()
        .flat_map(|a| {
            a.contacts
                .iter()
                .filter(|c| {
                    c.email
                        .as_deref()
                        .is_some_and(|e| e.trim().eq_ignore_ascii_case(addr))
                })
                .map(move |c| (a, c))
        })
        .collect();
    hits.sort_by_key(|(a, _)| (!a.active, std::cmp::Reverse(a.id)));
    hits
}

fn by_recipient<'k>(h: &Head, known: &'k Known) -> Option<(&'k KnownApp, &'k KnownContact)> {
    h.to.iter()
        .filter(|a| {
            !known
                .bad_addresses
                .iter()
                .any(|b| b.eq_ignore_ascii_case(a))
        })
        .find_map(|a| apps_of_address(known, a).into_iter().next())
}

fn by_sender<'k>(
    h: &Head,
    known: &'k Known,
) -> Option<(&'k KnownApp, Option<&'k KnownContact>, MatchedBy)> {
    let addr = h.from_address.as_deref()?;
    if let Some((a, c)) = apps_of_address(known, addr).into_iter().next() {
        return Some((a, Some(c), MatchedBy::Contact));
    }
    let domain = domain_of(addr)?;
    if is_free_mail(&domain) || is_ats_domain(&domain) {
        return None;
    }
    let mut apps: Vec<&KnownApp> = known
        .applications
        .iter()
        .filter(|a| a.domains().iter().any(|d| under(&domain, d)))
        .collect();
    apps.sort_by_key(|a| (!a.active, std::cmp::Reverse(a.id)));
    apps.first().map(|a| (*a, None, MatchedBy::Domain))
}

/// An applicant-tracking system's message: the application whose company (or, when
/// several share it, role) it names; and whether the name stood in the display name or
/// subject (high confidence) rather than only in the body.
fn by_ats<'k>(
    msg: &Message<'_>,
    h: &Head,
    body: &str,
    known: &'k Known,
) -> Option<(&'k KnownApp, bool)> {
    let domain = h.from_address.as_deref().and_then(domain_of)?;
    if !is_ats_domain(&domain) {
        return None;
    }
    let display = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.name())
        .unwrap_or("");
    let head_text = format!("{display} {}", h.subject);
    let names = |a: &KnownApp, t: &str| contains_word(t, &a.company);
    let mut hits: Vec<(&KnownApp, bool)> = known
        .applications
        .iter()
        .filter_map(|a| {
            if names(a, &head_text) {
                Some((a, true))
            } else if names(a, body) {
                Some((a, false))
            } else {
                None
            }
        })
        .collect();
    if hits.len() > 1 {
        // Several applications at one company: the role named decides.
        let by_role: Vec<_> = hits
            .iter()
            .copied()
            .filter(|(a, _)| contains_word(&head_text, &a.role) || contains_word(body, &a.role))
            .collect();
        if !by_role.is_empty() {
            hits = by_role;
        }
    }
    hits.sort_by_key(|(a, head)| (!head, !a.active, std::cmp::Reverse(a.id)));
    hits.first().copied()
}

/// Whether `needle` stands in `hay` as whole words, any case.
fn contains_word(hay: &str, needle: &str) -> bool {
    let n = needle.trim().to_lowercase();
    if n.len() < 2 {
        return false;
    }
    let h = hay.to_lowercase();
    h.match_indices(&n).any(|(i, _)| {
        let before = h[..i].chars().next_back();
        let after = h[i + n.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn header_text<'m>(msg: &'m Message<'_>, name: &'static str) -> Option<&'m str> {
    msg.header_raw(name).map(str::trim)
}

/// An automatic reply, by its headers or its subject.
fn is_auto_reply(msg: &Message<'_>, h: &Head) -> bool {
    let auto = header_text(msg, "Auto-Submitted").is_some_and(|v| !v.eq_ignore_ascii_case("no"));
    let x = msg.header_raw("X-Autoreply").is_some() || msg.header_raw("X-Autorespond").is_some();
    let prec = header_text(msg, "Precedence").is_some_and(|v| v.eq_ignore_ascii_case("auto_reply"));
    auto || x || prec || rules::is_auto_subject(&h.subject)
}

/// Bulk mail: lists, newsletters, marketing, job alerts.
fn is_bulk(msg: &Message<'_>, h: &Head) -> bool {
    let prec = header_text(msg, "Precedence").is_some_and(|v| {
        ["bulk", "list", "junk"]
            .iter()
            .any(|p| v.eq_ignore_ascii_case(p))
    });
    prec || msg.header_raw("List-Id").is_some()
        || msg.header_raw("List-Unsubscribe").is_some()
        || rules::is_job_alert(&h.subject, &h.from)
}

fn is_bounce_head(msg: &Message<'_>, h: &Head) -> bool {
    let report = msg.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let daemon = h.from_address.as_deref().is_some_and(|a| {
        let local = a.split('@').next().unwrap_or("");
        local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
    });
    report || daemon
}

/// The address a delivery report says failed: `Final-Recipient`, else an address
/// of the report's text that is a known contact's.
fn bounced_address(msg: &Message<'_>, known: &Known) -> Option<String> {
    let mut texts = Vec::new();
    for part in &msg.parts {
        match &part.body {
            PartType::Text(t) | PartType::Html(t) => texts.push(t.to_string()),
            PartType::Binary(b) | PartType::InlineBinary(b) => {
                texts.push(String::from_utf8_lossy(b).into_owned())
            }
            _ => {}
        }
    }
    let all = texts.join("\n");
    for line in all.lines() {
        let l = line.trim();
        let lower = l.to_lowercase();
        if lower.starts_with("final-recipient:") || lower.starts_with("original-recipient:") {
            let addr = l.rsplit([';', ' ']).next().unwrap_or("").trim();
            if addr.contains('@') {
                return Some(addr.trim_matches(['<', '>']).to_lowercase());
            }
        }
    }
    let contacts: Vec<String> = known
        .applications
        .iter()
        .flat_map(|a| a.contacts.iter().filter_map(|c| c.email.clone()))
        .collect();
    contacts
        .into_iter()
        .find(|c| all.to_lowercase().contains(&c.to_lowercase()))
        .map(|c| c.to_lowercase())
}

/// The calendar part of an invitation.
fn calendar_part(msg: &Message<'_>) -> Option<String> {
    for part in &msg.parts {
        if matches!(part.body, PartType::Multipart(_) | PartType::Message(_)) {
            continue;
        }
        let Some(ct) = part.content_type() else {
            continue;
        };
        let sub = ct.subtype().unwrap_or("");
        if (ct.ctype().eq_ignore_ascii_case("text") && sub.eq_ignore_ascii_case("calendar"))
            || (ct.ctype().eq_ignore_ascii_case("application") && sub.eq_ignore_ascii_case("ics"))
            || part
                .attachment_name()
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(".ics"))
        {
            let body = String::from_utf8_lossy(part.contents()).into_owned();
            if body.contains("BEGIN:VEVENT") {
                return Some(body);
            }
        }
    }
    None
}

/// Reads one message (`raw`, whole) into at most one proposal; `None` when it belongs
/// to no application or says nothing the tracker records.
pub fn classify(raw: &[u8], known: &Known, sent_folder: bool) -> Option<Proposal> {
    let msg = MessageParser::default().parse(raw)?;
    let h = head_of(&msg);
    let date = h
        .date
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
        .unwrap_or_else(|| Date::constant(2000, 1, 1));

    if outgoing(&h, known, sent_folder) {
        return classify_sent(&msg, &h, known);
    }

    if is_bounce_head(&msg, &h) {
        let addr = bounced_address(&msg, known)?;
        let (app, contact) = apps_of_address(known, &addr).into_iter().next()?;
        return Some(Proposal {
            evidence: Some(format!("Delivery to {addr} failed.")),
            bounced: Some(addr),
            ..proposal(
                app.id,
                Some(contact.id),
                Kind::Bounce,
                MatchedBy::Contact,
                Confidence::High,
            )
        });
    }

    let body = text::own_words(&text::body_text(&msg));
    let thread = by_thread(&h, known);
    let sender = by_sender(&h, known);
    let (app, contact, matched_by, named_in_head) = match (thread, sender) {
        (Some(id), s) => {
            let app = known.applications.iter().find(|a| a.id == id)?;
            let contact = s.and_then(|(a, c, _)| (a.id == id).then_some(c)).flatten();
            (app, contact, MatchedBy::Thread, true)
        }
        (None, Some((a, c, by))) => (a, c, by, true),
        (None, None) => {
            let (a, head) = by_ats(&msg, &h, &body, known)?;
            (a, None, MatchedBy::Ats, head)
        }
    };
    let strong = matches!(matched_by, MatchedBy::Thread | MatchedBy::Contact);

    if is_auto_reply(&msg, &h) {
        let (until, evidence) = rules::return_date(&body, date);
        return Some(Proposal {
            until,
            evidence,
            confidence: if until.is_some() && strong {
                Confidence::High
            } else {
                Confidence::Low
            },
            ..proposal(
                app.id,
                contact.map(|c| c.id),
                Kind::OutOfOffice,
                matched_by,
                Confidence::Low,
            )
        });
    }
    if is_bulk(&msg, &h) {
        return None;
    }
    let base =
        |kind, confidence| proposal(app.id, contact.map(|c| c.id), kind, matched_by, confidence);
    let confidence = |clear: bool| {
        if clear && (strong || (matched_by == MatchedBy::Ats && named_in_head)) {
            Confidence::High
        } else {
            Confidence::Low
        }
    };
    if let Some(cal) = calendar_part(&msg) {
        return Some(Proposal {
            calendar: Some(cal),
            evidence: Some(h.subject.clone()).filter(|s| !s.is_empty()),
            ..base(Kind::Invite, confidence(true))
        });
    }
    let sentences = text::sentences(&body);
    let find = |cues: fn(&str) -> bool| {
        sentences
            .iter()
            .map(|(_, s)| text::one_line(s))
            .find(|s| cues(s))
    };
    if let Some(ev) = find(rules::is_rejection) {
        return Some(Proposal {
            evidence: Some(ev),
            ..base(Kind::Rejection, confidence(true))
        });
    }
    if let Some(ev) = find(rules::is_offer) {
        return Some(Proposal {
            evidence: Some(ev),
            ..base(Kind::Offer, confidence(true))
        });
    }
    // A timeline, read by the decision-phrase reader sentence by sentence.
    for (_, s) in &sentences {
        if s.trim_end().ends_with('?') {
            continue;
        }
        let s = text::one_line(s);
        if let Ok(d) = phrase::parse_decision(&s, date, app.region.as_ref()) {
            if d.date < date {
                continue;
            }
            return Some(Proposal {
                decision: Some(d.read.clone()),
                evidence: Some(s),
                decision_date: Some(d.date),
                ..base(Kind::Decision, confidence(true))
            });
        }
    }
    if matched_by == MatchedBy::Ats
        && (rules::is_acknowledgement(&h.subject)
            || rules::is_acknowledgement(&text::one_line(&body)))
    {
        // An acknowledgement from a tracking system says nothing the tracker records.
        return None;
    }
    let evidence = sentences
        .iter()
        .map(|(_, s)| text::one_line(s))
        .find(|s| !rules::is_greeting(s));
    Some(Proposal {
        evidence,
        ..base(Kind::Reply, confidence(matched_by != MatchedBy::Domain))
    })
}

fn proposal(app: i64, contact: Option<i64>, kind: Kind, by: MatchedBy, c: Confidence) -> Proposal {
    Proposal {
        application: app,
        contact,
        kind,
        matched_by: by,
        confidence: c,
        evidence: None,
        decision: None,
        decision_date: None,
        until: None,
        touchpoint: None,
        bounced: None,
        calendar: None,
    }
}

fn classify_sent(msg: &Message<'_>, h: &Head, known: &Known) -> Option<Proposal> {
    let (app, contact, by) = match by_recipient(h, known) {
        Some((a, c)) => (a, Some(c), MatchedBy::Contact),
        None => {
            let id = by_thread(h, known)?;
            let app = known.applications.iter().find(|a| a.id == id)?;
            (app, None, MatchedBy::Thread)
        }
    };
    let body = text::own_words(&text::body_text(msg));
    let said = rules::sent_kind(&h.subject, &body);
    let planned = contact.and_then(|c| c.next.clone());
    let (touchpoint, confidence) = match (said, planned) {
        (Some(s), Some(p)) if s == p => (s.to_string(), Confidence::High),
        (Some(s), _) => (s.to_string(), Confidence::Low),
        (None, Some(p)) => (p, Confidence::Low),
        (None, None) => return None,
    };
    let evidence = text::sentences(&body)
        .into_iter()
        .map(|(_, s)| text::one_line(s))
        .find(|s| rules::sent_kind(s, s).is_some())
        .or_else(|| Some(h.subject.clone()).filter(|s| !s.is_empty()));
    Some(Proposal {
        touchpoint: Some(touchpoint),
        evidence,
        ..proposal(app.id, contact.map(|c| c.id), Kind::Sent, by, confidence)
    })
}

/// The headers kept of a matched message.
pub fn head_of_raw(raw: &[u8]) -> Head {
    MessageParser::default()
        .parse(raw)
        .map(|m| head_of(&m))
        .unwrap_or_default()
}
