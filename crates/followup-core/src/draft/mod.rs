//! Drafting the messages of a follow-up (M1–M7): the facts of one application and one
//! recipient in, a subject and a body out.
//!
//! Every kind of [`MessageKind`] has a built-in template (in `templates/`, compiled in);
//! a user's own template replaces it with [`render_with`]. Both are minijinja templates
//! rendered in a sandbox: no loader (no file or network access), a fuel limit, a cap on
//! the output, and strict printing of unknown variables. A template's first line may be
//! `Subject: ...`.
//!
//! Personal (M7): the recipient's name, the topics discussed, the matching strengths, a
//! qualification not covered and a question raised go into the note; which topic and
//! strength come first and which phrasing opens the note depend on the interviewer
//! (their place in the round and their name), so two interviewers never get the same
//! note. Tone follows the company (T7): formal for government, academia, corporate and
//! executive roles; warmer and shorter for startups.
//!
//! The variables a template sees are listed in [`TemplateContext`].

mod engine;

use jiff::civil::{Date, Weekday};
use serde::Serialize;

use crate::model::{CompanyType, MessageKind, Round, Seniority};

pub use engine::{DraftError, FUEL, MAX_OUTPUT};

/// The person who sends the message (from `followup profile`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// Full name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// Phone number, if given.
    pub phone: Option<String>,
}

/// The person the message is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// Full name.
    pub name: String,
    /// Their part in the process ("interviewer", "recruiter", "hiring manager").
    pub role: Option<String>,
    /// Their place among the interviewers of the round (0 for the first); with the name
    /// it picks this note's variation (M7).
    pub index: usize,
}

/// Everything a draft is written from. Text fields are single facts: line breaks and
/// control characters in them become spaces before rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftInput {
    /// What to write.
    pub kind: MessageKind,
    /// Who writes.
    pub sender: Sender,
    /// To whom.
    pub recipient: Recipient,
    /// The company.
    pub company: String,
    /// The job title.
    pub role: String,
    /// The kind of employer (tone).
    pub company_type: Option<CompanyType>,
    /// The level of the role (tone).
    pub seniority: Option<Seniority>,
    /// The day of the interview, in the interview's zone.
    pub interview_date: Option<Date>,
    /// The round.
    pub round: Option<Round>,
    /// Topics discussed.
    pub topics: Vec<String>,
    /// Strengths that match the role.
    pub strengths: Vec<String>,
    /// Qualifications not covered in the interview.
    pub gaps: Vec<String>,
    /// Questions or concerns raised.
    pub questions: Vec<String>,
    /// The decision date they gave, if any.
    pub decision_date: Option<Date>,
    /// Follow-ups already sent (after the thank-you).
    pub followups_sent: u32,
    /// The day the draft is written (dates a printed letter).
    pub today: Option<Date>,
}

impl DraftInput {
    /// An input with only the required facts; lists empty, dates unknown.
    pub fn new(
        kind: MessageKind,
        sender: Sender,
        recipient: Recipient,
        company: &str,
        role: &str,
    ) -> DraftInput {
        DraftInput {
            kind,
            sender,
            recipient,
            company: company.to_string(),
            role: role.to_string(),
            company_type: None,
            seniority: None,
            interview_date: None,
            round: None,
            topics: Vec::new(),
            strengths: Vec::new(),
            gaps: Vec::new(),
            questions: Vec::new(),
            decision_date: None,
            followups_sent: 0,
            today: None,
        }
    }
}

/// A drafted message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Draft {
    /// The subject line (email kinds), one line.
    pub subject: Option<String>,
    /// The body, lines separated by `\n`, no trailing newline.
    pub body: String,
}

/// How formal a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tone {
    /// Government, academia, corporate, executive roles.
    Formal,
    /// Everyone else.
    Neutral,
    /// Startups: warmer and shorter.
    Warm,
}

impl Tone {
    /// The tone for a company and a level: executive roles and formal institutions
    /// first, then startups.
    pub fn of(company_type: Option<CompanyType>, seniority: Option<Seniority>) -> Tone {
        match (company_type, seniority) {
            (_, Some(Seniority::Executive))
            | (Some(CompanyType::Government | CompanyType::Academia | CompanyType::Corporate), _) => {
                Tone::Formal
            }
            (Some(CompanyType::Startup), _) => Tone::Warm,
            _ => Tone::Neutral,
        }
    }
}

/// The built-in template of a kind (minijinja source).
pub fn builtin_template(kind: MessageKind) -> &'static str {
    match kind {
        MessageKind::ThankYou => include_str!("../../templates/thank-you.txt"),
        MessageKind::Letter => include_str!("../../templates/letter.txt"),
        MessageKind::FollowUp => include_str!("../../templates/follow-up.txt"),
        MessageKind::FinalFollowUp => include_str!("../../templates/final-follow-up.txt"),
        MessageKind::PhoneScript => include_str!("../../templates/phone-script.txt"),
        MessageKind::Voicemail => include_str!("../../templates/voicemail.txt"),
        MessageKind::FeedbackRequest => include_str!("../../templates/feedback-request.txt"),
        MessageKind::ReplyToRejection => include_str!("../../templates/reply-to-rejection.txt"),
    }
}

/// The file name of a kind's template: `thank-you.txt`. Users override a built-in by
/// putting a file of that name in `<config dir>/templates/`.
pub fn template_file_name(kind: MessageKind) -> String {
    format!("{}.txt", kind.as_str())
}

/// Renders the built-in template of `input.kind`.
pub fn render(input: &DraftInput) -> Result<Draft, DraftError> {
    let name = format!("built-in {}", template_file_name(input.kind));
    engine::render(&name, builtin_template(input.kind), input)
}

/// Renders a user's template; `name` (the file's path) is what errors cite.
pub fn render_with(input: &DraftInput, name: &str, source: &str) -> Result<Draft, DraftError> {
    engine::render(name, source, input)
}

/// The variables every template sees. Strings are single lines; a missing fact is
/// `none` (test it with `{% if gap %}`); printing an unknown variable is an error.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateContext {
    /// The kind being drafted: `thank-you`, `follow-up`, ...
    pub kind: &'static str,
    /// `formal`, `neutral` or `warm`.
    pub tone: Tone,
    /// `tone == "formal"`.
    pub formal: bool,
    /// `tone == "warm"`.
    pub warm: bool,
    /// `Dear Jane Doe,` (formal), `Dear Jane,` or `Hi Jane,` (warm).
    pub greeting: String,
    /// `Sincerely,` (formal), `Best regards,` or `Best,` (warm).
    pub closing: String,
    /// The sender's name, email and phone, one per line.
    pub signature: String,
    /// Who writes: `name`, `first_name`, `email`, `phone`.
    pub sender: PersonContext,
    /// To whom: `name`, `first_name`, `role`, `index`.
    pub recipient: PersonContext,
    /// The company.
    pub company: String,
    /// The job title.
    pub role: String,
    /// `position` (formal) or `role`.
    pub position_word: &'static str,
    /// `startup`, `government`, ... or none.
    pub company_type: Option<&'static str>,
    /// `entry`, `mid`, `senior`, `executive` or none.
    pub seniority: Option<&'static str>,
    /// The interview: `date` ("December 1"), `weekday` ("Tuesday"), `on` ("on
    /// Tuesday" or ""), `round` ("final" or none), `name` ("final interview").
    pub interview: InterviewContext,
    /// Topics discussed, this recipient's first.
    pub topics: Vec<String>,
    /// The first of `topics`, or none.
    pub topic: Option<String>,
    /// The second of `topics`, or none.
    pub topic2: Option<String>,
    /// Matching strengths, this recipient's first.
    pub strengths: Vec<String>,
    /// The first of `strengths`, or none.
    pub strength: Option<String>,
    /// Qualifications not covered.
    pub gaps: Vec<String>,
    /// The first of `gaps`, or none.
    pub gap: Option<String>,
    /// Questions or concerns raised.
    pub questions: Vec<String>,
    /// The first of `questions`, or none.
    pub question: Option<String>,
    /// `question` is a whole question ("How would you ...?") rather than a subject.
    pub question_is_sentence: bool,
    /// The decision date they gave ("December 8"), or none.
    pub decision_date: Option<String>,
    /// Follow-ups already sent.
    pub followups_sent: u32,
    /// Today's date for a letter ("December 1, 2026"), or none.
    pub today: Option<String>,
    /// 0, 1 or 2: which phrasing this recipient gets (M7).
    pub variant: usize,
    /// 0 or 1: a second, independent choice of phrasing, so that the first six
    /// interviewers of a round each get their own combination (M7).
    pub variant2: usize,
}

/// A person as templates see them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonContext {
    /// Full name.
    pub name: String,
    /// The first word of the name.
    pub first_name: String,
    /// Email (sender only).
    pub email: Option<String>,
    /// Phone (sender only).
    pub phone: Option<String>,
    /// Part in the process (recipient only).
    pub role: Option<String>,
    /// Place among the round's interviewers (recipient only).
    pub index: usize,
}

/// The interview as templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct InterviewContext {
    /// "December 1", or none.
    pub date: Option<String>,
    /// "Tuesday", or none.
    pub weekday: Option<String>,
    /// "on Tuesday" when the date is known, else "".
    pub on: String,
    /// The round word, or none.
    pub round: Option<&'static str>,
    /// "final interview", "technical interview", "interview", ...
    pub name: &'static str,
}

/// Line breaks, tabs and other control characters become single spaces; runs of
/// spaces collapse; the ends are trimmed. No fact can start a new line (or header).
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_control() || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// FNV-1a: a hash that is the same on every machine and in every version.
fn stable_hash(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.to_lowercase().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The list rotated so that item `by % len` comes first.
fn rotated(list: &[String], by: usize) -> Vec<String> {
    let clean: Vec<String> = list
        .iter()
        .map(|s| one_line(s))
        .filter(|s| !s.is_empty())
        .collect();
    if clean.is_empty() {
        return clean;
    }
    let k = by % clean.len();
    clean[k..].iter().chain(&clean[..k]).cloned().collect()
}

fn month_day(d: Date) -> String {
    use crate::phrase::MONTHS;
    format!(
        "{} {}",
        MONTHS[usize::from(d.month().unsigned_abs()) - 1],
        d.day()
    )
}

fn weekday_name(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

fn round_name(round: Option<Round>) -> &'static str {
    match round {
        None => "interview",
        Some(Round::Screen) => "screening call",
        Some(Round::Technical) => "technical interview",
        Some(Round::Onsite) => "on-site interview",
        Some(Round::Panel) => "panel interview",
        Some(Round::Final) => "final interview",
    }
}

fn first_word(name: &str) -> String {
    name.split_whitespace().next().unwrap_or(name).to_string()
}

impl TemplateContext {
    /// The variables for one draft.
    pub fn new(input: &DraftInput) -> TemplateContext {
        let tone = Tone::of(input.company_type, input.seniority);
        let sender_name = one_line(&input.sender.name);
        let sender_email = one_line(&input.sender.email);
        let sender_phone = input
            .sender
            .phone
            .as_deref()
            .map(one_line)
            .filter(|p| !p.is_empty());
        let to_name = one_line(&input.recipient.name);
        let to_first = first_word(&to_name);
        let index = input.recipient.index;
        let name_key = usize::try_from(stable_hash(&to_name) % 1024).unwrap_or(0);

        let greeting = match tone {
            Tone::Formal => format!("Dear {to_name},"),
            Tone::Neutral => format!("Dear {to_first},"),
            Tone::Warm => format!("Hi {to_first},"),
        };
        let closing = match tone {
            Tone::Formal => "Sincerely,",
            Tone::Neutral => "Best regards,",
            Tone::Warm => "Best,",
        }
        .to_string();
        let mut signature = vec![sender_name.clone(), sender_email.clone()];
        signature.extend(sender_phone.clone());

        // M7: the place in the round rotates the topics (so two interviewers of one
        // round open on different points) and picks the phrasing; the name rotates
        // the strengths.
        let topics = rotated(&input.topics, index);
        let strengths = rotated(&input.strengths, index + name_key);
        let gaps = rotated(&input.gaps, 0);
        let questions = rotated(&input.questions, 0);
        let question = questions.first().cloned();

        let interview = InterviewContext {
            date: input.interview_date.map(month_day),
            weekday: input
                .interview_date
                .map(|d| weekday_name(d.weekday()).to_string()),
            on: input
                .interview_date
                .map(|d| format!("on {}", weekday_name(d.weekday())))
                .unwrap_or_default(),
            round: input.round.map(Round::as_str),
            name: round_name(input.round),
        };

        TemplateContext {
            kind: input.kind.as_str(),
            tone,
            formal: tone == Tone::Formal,
            warm: tone == Tone::Warm,
            greeting,
            closing,
            signature: signature.join("\n"),
            sender: PersonContext {
                first_name: first_word(&sender_name),
                name: sender_name,
                email: Some(sender_email),
                phone: sender_phone,
                role: None,
                index: 0,
            },
            recipient: PersonContext {
                name: to_name,
                first_name: to_first,
                email: None,
                phone: None,
                role: input
                    .recipient
                    .role
                    .as_deref()
                    .map(one_line)
                    .filter(|r| !r.is_empty()),
                index,
            },
            company: one_line(&input.company),
            role: one_line(&input.role),
            position_word: if tone == Tone::Formal {
                "position"
            } else {
                "role"
            },
            company_type: input.company_type.map(CompanyType::as_str),
            seniority: input.seniority.map(Seniority::as_str),
            interview,
            topic: topics.first().cloned(),
            topic2: topics.get(1).cloned(),
            topics,
            strength: strengths.first().cloned(),
            strengths,
            gap: gaps.first().cloned(),
            gaps,
            question_is_sentence: question.as_deref().is_some_and(|q| q.ends_with('?')),
            question,
            questions,
            decision_date: input.decision_date.map(month_day),
            followups_sent: input.followups_sent,
            today: input
                .today
                .map(|d| format!("{}, {}", month_day(d), d.year())),
            variant: index % 3,
            variant2: (index / 3) % 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_removes_every_break() {
        assert_eq!(one_line(" Acme\r\nBcc: x@y\t co "), "Acme Bcc: x@y co");
        assert_eq!(one_line("a\u{2028}b\u{0}c"), "a b c");
    }

    #[test]
    fn tone_follows_company_and_level() {
        assert_eq!(Tone::of(Some(CompanyType::Startup), None), Tone::Warm);
        assert_eq!(
            Tone::of(Some(CompanyType::Startup), Some(Seniority::Executive)),
            Tone::Formal
        );
        assert_eq!(Tone::of(Some(CompanyType::Government), None), Tone::Formal);
        assert_eq!(Tone::of(None, Some(Seniority::Mid)), Tone::Neutral);
    }

    #[test]
    fn rotation_puts_a_different_topic_first() {
        let list = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(rotated(&list, 0)[0], "a");
        assert_eq!(rotated(&list, 1)[0], "b");
        assert_eq!(rotated(&list, 4)[0], "b");
        assert!(rotated(&[], 3).is_empty());
    }
}
