//! The message checker (L): everything a careful reader of the seeds would catch
//! before a follow-up is sent.
//!
//! [`parse_message`] reads plain text (optionally with `Subject:` and other headers
//! first) or an RFC 5322 message (`.eml`); [`check`] runs every rule that applies to
//! the message's [`MessageKind`] and returns [`Diagnostic`]s that point at lines and
//! columns of the input file, like a compiler's.
//!
//! | rule | severity | what | from |
//! |------|----------|------|------|
//! | `empty` | error | no text at all (an empty file, or headers only); no other rule runs | L |
//! | `placeholder` | error | `[Name]`, `{{role}}`, `<Company>`, `XXX`, `TODO` left in | L |
//! | `wrong-company` | error | names another tracked company (a former employer mentioned as experience is fine); warning for a company the tracker does not know named as the one to join ("excited to join Initrode") | L, M7 |
//! | `no-company` | info | never names the recipient's company | M7 |
//! | `wrong-name` | error | greets someone other than the recipient | L, M1 |
//! | `no-greeting-name` | warning | no greeting by name | M1, M2 |
//! | `no-thanks` | warning | no thanks or appreciation | M1, M2, M4, M6 |
//! | `no-interest` | warning | interest in the role is not restated | M1, M2 |
//! | `no-specifics` | warning | nothing from the conversation | M1, M4, M7 |
//! | `no-call-to-action` | warning | a follow-up that asks nothing (next steps, timeline, anything else needed); a voicemail without a callback request | M2, M3, M4, M5 |
//! | `no-closing` | warning | no sign-off | M1, M2 |
//! | `no-contact` | warning in a letter or voicemail (a postal address counts in a letter), info in an email (its reply address reaches you) | no email, phone number or address | M1, M5 |
//! | `too-long` | warning | over the word budget of its kind | M1–M5 |
//! | `subject-missing`, `subject-too-long` | warning | email kinds, when the text has headers (a text without them is a body) | M2 |
//! | `pushy`, `desperate` | warning | "ASAP", a question about a delay ("why is this taking so long?"), asking why nothing came, the reader's promise held against a later date ("you said you'd … and it's Tuesday now"), blame ("nobody has bothered"); "I'll do anything" | L |
//! | `shouting`, `exclamations` | warning | capitals that are not acronyms; `!!` or many `!` | L |
//! | `spelling` | warning (info for capitalised words) | Hunspell dictionary plus known words | L |
//! | `repeated-word` | warning | "the the" | L |
//! | `too-soon`, `off-hours` | warning | before the plan's earliest moment; outside business hours | T1–T3, T8 |
//! | `too-many` | error | a third follow-up | T5 |
//!
//! Everything here is pure: the dictionaries are compiled in and parsed once, on first
//! use; the send moment comes in through [`Timing`].
//!
//! ```
//! use followup_core::check::{check, parse_message, Context, Severity};
//! use followup_core::model::MessageKind;
//!
//! let msg = parse_message("Subject: Thank you\n\nDear [Name],\n\nThanks!\n");
//! let ctx = Context { kind: Some(MessageKind::ThankYou), ..Context::default() };
//! let found = check(&msg, &ctx);
//! assert!(found.iter().any(|d| d.rule == "placeholder" && d.severity == Severity::Error));
//! ```

mod message;
mod rules;
mod spell;
mod text;
mod timing;

pub use message::{parse_message, read_message, Message, Refused, MAX_INPUT_BYTES, MAX_TEXT_BYTES};
pub use spell::{dictionary, load_verdicts, save_verdicts, Lang, UnknownLang};

use jiff::Zoned;

use crate::calendar::Region;
use crate::model::MessageKind;
use crate::policy::Hours;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Must be fixed before sending (a placeholder, the wrong company or person, a
    /// third follow-up).
    Error,
    /// Should be fixed.
    Warning,
    /// Worth a look (a name the dictionary does not know).
    Info,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding. Lines and columns are 1-based, counted in characters, relative to the
/// whole input (headers included); the end is exclusive (`end_column` is the column
/// just after the span), and a span may be empty when the finding is about something
/// missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id, such as `placeholder`.
    pub rule: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// Where the span starts.
    pub line: usize,
    /// Where the span starts.
    pub column: usize,
    /// Where the span ends.
    pub end_line: usize,
    /// Where the span ends (exclusive).
    pub end_column: usize,
    /// One line that cites the rule of the rule book, such as "(M1)".
    pub message: String,
    /// What to write instead, when there is something to suggest.
    pub suggestion: Option<String>,
}

/// The send moment against the application's plan (T1–T5, T8).
#[derive(Debug, Clone)]
pub struct Timing {
    /// When the message goes out, in the recipient's zone.
    pub send: Zoned,
    /// The plan's earliest moment for this message, if the plan has a step for it.
    pub earliest: Option<Zoned>,
    /// The rules behind `earliest`, such as `["T2", "T8"]`.
    pub earliest_rules: Vec<&'static str>,
    /// Follow-ups already sent since the latest round (T5: at most two).
    pub follow_ups_sent: usize,
    /// The recipient's business hours; `None` leaves `off-hours` unchecked.
    pub hours: Option<Hours>,
    /// The recipient's holiday region.
    pub region: Option<Region>,
}

/// What the checker knows besides the text.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// What the message is; without it only the rules that fit every message run.
    pub kind: Option<MessageKind>,
    /// The recipient's company.
    pub company: Option<&'a str>,
    /// The person the message goes to, such as "Priya Natarajan".
    pub recipient: Option<&'a str>,
    /// Other people the message may greet (the application's contacts) when the
    /// recipient is not given; greeting anyone else is a warning.
    pub people: &'a [String],
    /// The companies of the other applications in the tracker.
    pub other_companies: &'a [String],
    /// Topics of the conversation (the tracker's notes): mentioning one is a specific
    /// reference (M7).
    pub topics: &'a [String],
    /// Words the spelling rule accepts besides the dictionary: names, companies, the
    /// personal word list.
    pub known_words: &'a [String],
    /// The send moment against the plan, when checking against an application.
    pub timing: Option<Timing>,
    /// Which dictionary.
    pub lang: Lang,
}

/// Runs every rule that applies and returns the findings in the order of the text.
/// A message with nothing to read (an empty file, or headers only) gets one finding,
/// the error `empty`, and no other.
pub fn check(msg: &Message, ctx: &Context) -> Vec<Diagnostic> {
    check_until(msg, ctx, &|| false).unwrap_or_default()
}

/// [`check`], asking `stop` between its stages (reading the text, the rules, spelling,
/// timing) whether the answer is still wanted: `None` when it is not (the client of a
/// server went away), so that the work stops there.
pub fn check_until(
    msg: &Message,
    ctx: &Context,
    stop: &dyn Fn() -> bool,
) -> Option<Vec<Diagnostic>> {
    if stop() {
        return None;
    }
    let doc = text::Doc::new(msg);
    let mut out = Vec::new();
    if !msg.body.chars().any(char::is_alphanumeric) {
        let (seg, r) = match &doc.subject {
            Some(s) => (s, 0..s.text.len()),
            None => (&doc.body, 0..0),
        };
        out.push(seg.diag(
            r,
            "empty",
            Severity::Error,
            if msg.subject.is_some() {
                "the message has a subject but no text (L)"
            } else {
                "the message is empty: there is nothing to send (L)"
            },
            Some("write the message below the headers".into()),
        ));
        return Some(out);
    }
    let stages: [fn(&text::Doc, &Context, &mut Vec<Diagnostic>); 3] =
        [rules::run, spell::run, timing::run];
    for stage in stages {
        if stop() {
            return None;
        }
        stage(&doc, ctx, &mut out);
    }
    out.sort_by(|a, b| {
        (a.line, a.column, a.severity, a.rule).cmp(&(b.line, b.column, b.severity, b.rule))
    });
    Some(out)
}

/// Whether any finding is an error.
pub fn has_errors(found: &[Diagnostic]) -> bool {
    found.iter().any(|d| d.severity == Severity::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_no_longer_wanted_stops() {
        let msg = parse_message("Dear Sam,\n\nThanks for the the chat.\n");
        let ctx = Context::default();
        assert_eq!(check_until(&msg, &ctx, &|| true), None);
        let calls = std::cell::Cell::new(0);
        let third = || {
            calls.set(calls.get() + 1);
            calls.get() > 2
        };
        assert_eq!(check_until(&msg, &ctx, &third), None);
        assert_eq!(check_until(&msg, &ctx, &|| false), Some(check(&msg, &ctx)));
    }

    #[test]
    fn an_empty_message_is_one_error() {
        let ctx = Context {
            kind: Some(MessageKind::ThankYou),
            company: Some("Acme"),
            ..Context::default()
        };
        for text in ["", "  \n\n", "Subject: Hello", "Subject: Hello\n\n\n"] {
            let found = check(&parse_message(text), &ctx);
            assert_eq!(found.len(), 1, "{text:?}: {found:?}");
            assert_eq!(found[0].rule, "empty");
            assert_eq!(found[0].severity, Severity::Error);
            assert_eq!(
                (found[0].line, found[0].column),
                (1, 1 + 9 * usize::from(text.starts_with('S')))
            );
        }
        let found = check(&parse_message("Subject: Hello"), &ctx);
        assert_eq!((found[0].end_line, found[0].end_column), (1, 15));
    }
}
