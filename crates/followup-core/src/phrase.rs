//! Decision phrases turned into dates (rule T2).
//!
//! Rule T2: when the employer states a decision date D, the first status follow-up is
//! not sent before D has passed. Employers rarely give D as a date; they say "we'll
//! decide within a week" or "by the end of the month". [`parse_decision`] reads such
//! a phrase relative to the interview date and returns D as a civil date, together
//! with a one-line explanation of how D was found. Where a phrase names a range, the
//! **end of the range counts**: "in 2-3 weeks" means three weeks.
//!
//! A phrase that is not understood is an error ([`PhraseError::Unknown`]); nothing is
//! guessed silently.
//!
//! # Phrases in running text
//!
//! The text may be a whole sentence or paragraph: "We anticipate making a decision by
//! the end of next week." When it is not one phrase as a whole, the module `scan`
//! finds the timeline in it (candidates at word boundaries, kept only near a decision
//! cue such as "decide", "hear back", "let you know" or "next steps"; see its docs).
//! [`Decision::read`] and [`Decision::span`] say which words were read, and the
//! explanation quotes them: `read "by the end of next week" = … = Fri Dec 11`. A text
//! with no timeline is [`PhraseError::Unknown`]; one with two timelines equally near a
//! decision is [`PhraseError::Ambiguous`], naming both.
//!
//! # What is understood
//!
//! Matching ignores case, punctuation and connecting words such as "we'll decide",
//! "we expect to", "let you know", "by", "until", "within", "in", "around", "about",
//! "the", "of", "no later than", "at the latest", "from now" and "after the interview".
//! Numbers are digits or words ("a"/"an"/"one" to "twenty", "thirty", "twenty-one" …).
//! In the table, *interview* is the interview date and weeks run Monday to Sunday.
//!
//! | phrase form | decision date |
//! |-------------|---------------|
//! | "today", "end of (the) day", "EOD", "COB", "close of business" | the interview date |
//! | "tomorrow" | interview + 1 day |
//! | "the day after tomorrow" | interview + 2 days |
//! | "within N days", "in N days" | interview + N calendar days |
//! | "within N hours" | interview + N/24 days, rounded up ("48 hours" = 2 days) |
//! | "within N business days", "N working days", "N workdays" | interview + N business days: weekends and the public holidays of the region are skipped, the interview day does not count |
//! | "within N business weeks" / "working weeks" | interview + 5×N business days |
//! | "in a few days", "in a couple of days" | interview + 3 (few) or 2 (couple) **business** days: vague day counts are office days |
//! | "within a week", "within N weeks" | interview + 7×N days |
//! | "a couple of weeks", "a few weeks" | couple = 2, few = 3 of the unit |
//! | "a fortnight", "N fortnights" | interview + 14×N days |
//! | "within a month", "in N months" | interview + N months; the day is clamped to the month's end (Jan 31 + 1 month = Feb 28) |
//! | "in 2-3 weeks", "two to three weeks", "2 or 3 weeks", "a week or two" | the end of the range: interview + 3 weeks (any unit above) |
//! | "over the next N days/weeks" | same as "within N days/weeks" |
//! | "by Friday", "Friday", "this Friday" (any weekday, "fri", "thurs" …) | the first such weekday strictly after the interview; if the interview is on a Friday, the Friday a week later |
//! | "next Wednesday", "Wednesday next week" | the Wednesday of the week after the interview's week (from Tue Dec 1 2026 that is Wed Dec 9, not Dec 2) |
//! | "by the end of the week", "this week", "later this week", "end of this week" | the Friday of the interview's week; for an interview on a Saturday or Sunday, the next Friday |
//! | "next week", "by the end of next week", "late next week" | the Friday of the following week |
//! | "early next week", "mid next week" | the Wednesday of the following week |
//! | "the week after next" | the Friday two weeks after the interview's week |
//! | "end of the month", "this month", "later this month", "month end" | the last day of the interview's month (the interview date itself if it is the last day) |
//! | "next month", "end of next month", "late next month" | the last day of the following month |
//! | "early next month" / "mid next month" | the 10th / the 15th of the following month |
//! | "early January", "beginning/start of January" | January 10, next occurrence on or after the interview |
//! | "mid January", "mid-January", "the middle of January" | January 15, next occurrence |
//! | "late January", "end of January" | January 31 (the month's last day), next occurrence |
//! | "in January", "during January" | the last day of January, next occurrence; "by January" alone is ambiguous (start or end?) and rejected |
//! | "by December 23", "Dec 23rd", "23 December", "the 23rd of December", "Wednesday, December 23" | the next December 23 on or after the interview (from December 2026, "January 5" is 2027-01-05); a named weekday must match |
//! | "by December 23, 2026", "23 Dec 2026", "by 2026-12-23" (ISO) | that date; a date before the interview is rejected |
//! | "by the 23rd" | the next 23rd of a month on or after the interview |
//! | "end of the year", "this year" | December 31 of the interview's year |
//! | "end of the quarter" | the last day of the interview's calendar quarter |
//!
//! | "in the next day or two" | interview + 2 days (the end of the range) |
//! | "by the weekend", "within the week" | as "by the end of the week" |
//! | "by the beginning/start of next week" | the first business day of the following week (Monday unless a holiday) |
//! | "by COB Friday", "by end of day Friday" | as "by Friday" |
//! | "the first week or two of January" | January 14 (7 per week), next occurrence |
//! | "before Christmas", "before the holidays" | the last business day before the next December 25 |
//! | "after the holidays", "in the new year" | the first business day after the next New Year's Day |
//! | "after Thanksgiving" | the first business day after Thanksgiving: the region's own if it has one (Canada's), otherwise the US one |
//! | "by 12/18", "by 18/12" | a reading only one convention allows is taken anywhere; otherwise month/day in the US, day/month in GB, DE, FR, AU, IN and the other regions |
//!
//! Numeric dates both conventions allow ("05/06") are rejected as ambiguous without a
//! region that decides, as in Canada; write "May 6" or "2026-05-06". "Before Friday" is
//! not understood (it would mean Thursday); use "by Thursday".
//!
//! The decision date is never before the interview date. Business days use
//! [`calendar::is_business_day`] with the region passed in (rule T8).
//!
//! # Example
//!
//! ```
//! use followup_core::phrase::parse_decision;
//! use jiff::civil::date;
//!
//! let d = parse_decision("We'll decide within a week.", date(2026, 12, 1), None)?;
//! assert_eq!(d.date, date(2026, 12, 8));
//! assert_eq!(
//!     d.meaning,
//!     "\"We'll decide within a week.\" = interview Tue Dec 1 + 7 days = Tue Dec 8"
//! );
//!
//! let d = parse_decision("in 2-3 weeks", date(2026, 12, 1), None)?;
//! assert_eq!(d.date, date(2026, 12, 22));
//!
//! assert!(parse_decision("when the stars align", date(2026, 12, 1), None).is_err());
//! # Ok::<(), followup_core::phrase::PhraseError>(())
//! ```

use jiff::civil::{Date, Weekday};
use jiff::Span;

use crate::calendar::{self, Region};

mod scan;

/// A few phrase forms that are understood, quoted in every error message.
const FORMS: &str = "try e.g. \"within a week\", \"in 2-3 weeks\", \"within 10 business days\", \
\"by Friday\", \"next Wednesday\", \"by December 23\", \"end of the month\" or \"mid January\"";

/// Longest wait accepted for a duration phrase, in days (about ten years).
const MAX_DAYS: i64 = 3660;
/// Longest wait accepted for a duration phrase, in months.
const MAX_MONTHS: i64 = 120;
/// Longest wait accepted for a duration phrase, in business days (about ten years).
const MAX_BUSINESS_DAYS: i64 = 2610;

/// The date by which the employer said they would decide (rule T2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The decision date D; where the phrase names a range, its end.
    pub date: Date,
    /// How `date` was found, e.g.
    /// `"within a week" = interview Tue Dec 1 + 7 days = Tue Dec 8`, or, for a
    /// timeline found in a longer text,
    /// `read "by the end of next week" = Friday of ... = Fri Dec 11`.
    pub meaning: String,
    /// The words the date was read from, as they stand in the text (the whole
    /// trimmed text when all of it is the phrase).
    pub read: String,
    /// Where [`read`](Self::read) stands in the text given, in bytes.
    pub span: std::ops::Range<usize>,
}

/// Why a decision phrase could not be turned into a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhraseError {
    /// The phrase is empty or only white space.
    #[error("the decision phrase is empty; {forms}", forms = FORMS)]
    Empty,
    /// The phrase is not one of the understood forms.
    #[error("decision phrase {phrase:?} is not understood; {forms}", forms = FORMS)]
    Unknown {
        /// The phrase as given.
        phrase: String,
    },
    /// The phrase can be read in more than one way.
    #[error("decision phrase {phrase:?} is ambiguous: {reason}; {forms}", forms = FORMS)]
    Ambiguous {
        /// The phrase as given.
        phrase: String,
        /// What the readings are and how to say it unambiguously.
        reason: String,
    },
    /// The phrase is understood but names no usable date.
    #[error("decision phrase {phrase:?} names no usable date: {reason}")]
    Impossible {
        /// The phrase as given.
        phrase: String,
        /// Why, e.g. "February 30 is not a date".
        reason: String,
    },
}

/// Parses an employer's decision phrase into the decision date, relative to the
/// interview date (rule T2). See the [module docs](self) for every understood form.
///
/// `region` selects the public holidays skipped by business-day phrases; `None`
/// skips weekends only.
///
/// # Errors
///
/// [`PhraseError::Empty`] for an empty phrase, [`PhraseError::Unknown`] for a phrase
/// that is not understood, [`PhraseError::Ambiguous`] for "12/23" or "by January",
/// and [`PhraseError::Impossible`] for dates that do not exist, dates before the
/// interview and waits beyond about ten years.
pub fn parse_decision(
    text: &str,
    interview: Date,
    region: Option<&Region>,
) -> Result<Decision, PhraseError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(PhraseError::Empty);
    }
    let offset = text.len() - text.trim_start().len();
    let fail = |f: Fail| match f {
        Fail::Unknown => PhraseError::Unknown {
            phrase: trimmed.to_string(),
        },
        Fail::Ambiguous(reason) => PhraseError::Ambiguous {
            phrase: trimmed.to_string(),
            reason,
        },
        Fail::Impossible(reason) => PhraseError::Impossible {
            phrase: trimmed.to_string(),
            reason,
        },
    };
    // The whole text as one phrase, as before: "by the end of next week".
    let whole = tokenize(trimmed).and_then(|raw| read_tokens(&raw, interview, region));
    let whole_err = match whole {
        Ok((date, how)) => {
            return Ok(Decision {
                date,
                meaning: format!("{trimmed:?} = {how} = {}", show(date, interview)),
                read: trimmed.to_string(),
                span: offset..offset + trimmed.len(),
            })
        }
        Err(e) => e,
    };
    // A sentence or a paragraph: find the timeline in it.
    match scan::find(text, interview, region) {
        scan::Found::One(c) => Ok(Decision {
            date: c.date,
            meaning: format!(
                "read {:?} = {} = {}",
                c.read,
                c.how,
                show(c.date, interview)
            ),
            read: c.read,
            span: c.span,
        }),
        scan::Found::Two(a, b) => Err(fail(Fail::Ambiguous(format!(
            "it names two timelines, {:?} ({}) and {:?} ({}); give the one the decision is about",
            a.read,
            show(a.date, interview),
            b.read,
            show(b.date, interview)
        )))),
        scan::Found::None => Err(fail(whole_err)),
    }
}

/// Reads a run of tokens that is all phrase (fillers aside) into a date on or
/// after the interview.
fn read_tokens(raw: &[Tok], interview: Date, region: Option<&Region>) -> Resolved {
    let ctx = Ctx {
        interview,
        region,
        by: raw
            .iter()
            .any(|t| matches!(t, Tok::Word(w) if matches!(w.as_str(), "by" | "until" | "till"))),
    };
    let words = drop_fillers(raw.to_vec());
    let mut result = resolve(&quantities(&words), &ctx);
    if matches!(result, Err(Fail::Unknown)) && words.iter().any(|t| t.is_word("may")) {
        // "we may decide by Friday": "may" the verb, not the month.
        let without: Vec<Tok> = words.into_iter().filter(|t| !t.is_word("may")).collect();
        result = resolve(&quantities(&without), &ctx);
    }
    let (date, how) = result?;
    if date < interview {
        // Every form above resolves on or after the interview; keep the promise.
        return Err(Fail::Impossible(format!(
            "{} is before the interview ({})",
            show(date, interview),
            show(interview, interview)
        )));
    }
    Ok((date, how))
}

/// Why resolution failed, before the phrase is attached.
#[derive(Debug)]
enum Fail {
    Unknown,
    Ambiguous(String),
    Impossible(String),
}

fn impossible(reason: impl Into<String>) -> Fail {
    Fail::Impossible(reason.into())
}

fn out_of_range(_: jiff::Error) -> Fail {
    impossible("the date is outside the supported calendar range")
}

struct Ctx<'r> {
    interview: Date,
    region: Option<&'r Region>,
    /// The phrase said "by", "until" or "till" (matters for a bare month name).
    by: bool,
}

// ---------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Num(Num),
    Iso(Date),
    /// A numeric date with a slash, "12/18": the two numbers as written.
    Slash(u64, u64),
    Dash,
}

impl Tok {
    fn is_word(&self, w: &str) -> bool {
        matches!(self, Tok::Word(x) if x == w)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Num {
    value: u64,
    digits: usize,
    ordinal: bool,
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‐' | '‑' | '−')
}

/// Lower-cases, splits into words, numbers, ISO dates and dashes; drops other
/// punctuation and contractions ("we'll" → "we").
fn tokenize(s: &str) -> Result<Vec<Tok>, Fail> {
    let mut out = Vec::new();
    for chunk in s.split_whitespace() {
        let lower = chunk.to_lowercase().replace(['’', '‘', '`'], "'");
        let chunk = lower.trim_matches(|c: char| !c.is_alphanumeric() && !is_dash(c));
        if chunk.is_empty() {
            continue;
        }
        if let Some(date) = iso_date(chunk) {
            out.push(Tok::Iso(date?));
            continue;
        }
        if let Some(t) = slash_date(chunk) {
            out.push(t);
            continue;
        }
        if chunk.contains(['/', '\\']) && chunk.chars().any(|c| c.is_ascii_digit()) {
            return Err(Fail::Ambiguous(
                "a numeric date such as 12/23 or 05/06 can be month/day or day/month; \
                 write \"December 23\" or \"2026-12-23\""
                    .to_string(),
            ));
        }
        let chunk = match chunk.split_once('\'') {
            Some((head, "ll" | "d" | "s" | "re" | "ve" | "m")) => head,
            _ => chunk,
        };
        let mut cur = String::new();
        for c in chunk.chars() {
            if c.is_alphanumeric() {
                cur.push(c);
            } else {
                push_word(&mut out, &mut cur);
                if is_dash(c) {
                    out.push(Tok::Dash);
                }
            }
        }
        push_word(&mut out, &mut cur);
    }
    Ok(out)
}

fn push_word(out: &mut Vec<Tok>, cur: &mut String) {
    if cur.is_empty() {
        return;
    }
    let word = std::mem::take(cur);
    let (digits, ordinal) = match ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix))
    {
        Some(d) if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) => (d, true),
        _ => (word.as_str(), false),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        out.push(Tok::Num(Num {
            value: digits.parse().unwrap_or(u64::MAX),
            digits: digits.len(),
            ordinal,
        }));
    } else {
        out.push(Tok::Word(word));
    }
}

/// `Some` when `s` has the shape `M/D` or `D/M` (one or two digits each).
fn slash_date(s: &str) -> Option<Tok> {
    let (a, b) = s.split_once('/')?;
    let ok = |x: &str| (1..=2).contains(&x.len()) && x.bytes().all(|c| c.is_ascii_digit());
    if !(ok(a) && ok(b)) {
        return None;
    }
    Some(Tok::Slash(a.parse().ok()?, b.parse().ok()?))
}

/// `Some` when `s` has the shape `YYYY-MM-DD` (month and day may have one digit).
fn iso_date(s: &str) -> Option<Result<Date, Fail>> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let shape = parts.next().is_none()
        && y.len() == 4
        && (1..=2).contains(&m.len())
        && (1..=2).contains(&d.len())
        && [y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !shape {
        return None;
    }
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    Some(Date::new(y, m, d).map_err(|_| impossible(format!("{s} is not a date"))))
}

/// Words that carry no timing.
#[rustfmt::skip]
const FILLERS: &[&str] = &[
    "we", "us", "our", "i", "you", "your", "they", "them", "it", "is", "will", "would",
    "should", "shall", "can", "could", "be", "have", "has", "expect", "expects",
    "expecting", "expected", "hope", "hoping", "plan", "planning", "aim", "aiming",
    "intend", "decide", "deciding", "decision", "decisions", "make", "making", "final",
    "reach", "let", "know", "hear", "back", "get", "give", "come", "answer", "response",
    "respond", "news", "update", "word", "with", "from", "by", "until", "till", "within",
    "in", "on", "at", "over", "during", "between", "around", "about", "approximately",
    "approx", "roughly", "circa", "ca", "sometime", "some", "time", "the", "of", "latest",
    "most", "so", "hopefully", "probably", "likely", "ideally", "please", "said", "say",
    "says", "told", "another", "coming", "right", "their",
];

/// Multi-word fillers, removed before single words.
const FILLER_RUNS: &[&[&str]] = &[
    &["no", "later", "than"],
    &["not", "later", "than"],
    &["after", "the", "interview"],
    &["after", "interview"],
    &["after", "the", "interviews"],
    &["from", "now"],
    &["from", "today"],
    &["of", "the", "final", "interview"],
    &["of", "the", "interview"],
    &["of", "your", "interview"],
    &["of", "interview"],
    &["of", "applying"],
    &["after", "the", "final", "interview"],
    &["after", "their", "interview"],
    &["after", "your", "interview"],
    &["at", "the", "very", "latest"],
];

fn drop_fillers(toks: Vec<Tok>) -> Vec<Tok> {
    let mut kept = Vec::with_capacity(toks.len());
    let mut i = 0;
    'outer: while i < toks.len() {
        for run in FILLER_RUNS {
            let hit = toks
                .get(i..i + run.len())
                .is_some_and(|s| s.iter().zip(run.iter()).all(|(t, w)| t.is_word(w)));
            if hit {
                i += run.len();
                continue 'outer;
            }
        }
        match &toks[i] {
            Tok::Word(w) if FILLERS.contains(&w.as_str()) => {}
            Tok::Word(w) if w == "following" => kept.push(Tok::Word("next".to_string())),
            t => kept.push(t.clone()),
        }
        i += 1;
    }
    kept
}

// ---------------------------------------------------------------------------
// Quantities

/// An amount of some unit; `hi` is the end of a range (equal to `lo` otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Qty {
    lo: u64,
    hi: u64,
    /// "couple" or "few".
    vague: bool,
}

/// A token after quantities were recognised.
#[derive(Debug, Clone, Copy)]
enum P<'a> {
    W(&'a str),
    Q(Qty),
    N(Num),
    Iso(Date),
    Slash(u64, u64),
}

fn word_number(w: &str) -> Option<u64> {
    #[rustfmt::skip]
    const WORDS: &[&str] = &[
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
        "seventeen", "eighteen", "nineteen", "twenty",
    ];
    if let Some(n) = WORDS.iter().position(|x| *x == w) {
        return u64::try_from(n).ok();
    }
    tens(w)
}

fn tens(w: &str) -> Option<u64> {
    match w {
        "thirty" => Some(30),
        "forty" => Some(40),
        "fifty" => Some(50),
        "sixty" => Some(60),
        "seventy" => Some(70),
        "eighty" => Some(80),
        "ninety" => Some(90),
        _ => None,
    }
}

/// A plain number (digits or words) at `i`; returns it and the next index.
fn number(toks: &[Tok], i: usize) -> Option<(u64, usize)> {
    match toks.get(i)? {
        Tok::Num(n) if !n.ordinal => Some((n.value, i + 1)),
        Tok::Word(w) => {
            let base = word_number(w)?;
            if base == 20 || tens(w).is_some() {
                // "twenty-one", "thirty five"
                let (j, next) = match toks.get(i + 1) {
                    Some(Tok::Dash) => (i + 2, toks.get(i + 2)),
                    other => (i + 1, other),
                };
                if let Some(Tok::Word(u)) = next {
                    if let Some(unit @ 1..=9) = word_number(u) {
                        return Some((base + unit, j + 1));
                    }
                }
            }
            Some((base, i + 1))
        }
        _ => None,
    }
}

/// An amount at `i`: "a", "a couple", "a few", "few" or a plain number.
fn amount(toks: &[Tok], i: usize) -> Option<(u64, bool, usize)> {
    let article = matches!(toks.get(i), Some(Tok::Word(w)) if w == "a" || w == "an");
    let j = if article { i + 1 } else { i };
    match toks.get(j) {
        Some(Tok::Word(w)) if w == "couple" => return Some((2, true, j + 1)),
        Some(Tok::Word(w)) if w == "few" => return Some((3, true, j + 1)),
        _ => {}
    }
    if article {
        return Some((1, false, i + 1));
    }
    let (n, j) = number(toks, i)?;
    Some((n, false, j))
}

fn is_range_word(t: Option<&Tok>) -> bool {
    matches!(t, Some(Tok::Dash))
        || matches!(t, Some(Tok::Word(w)) if matches!(w.as_str(), "to" | "or" | "and"))
}

fn is_unit_start(t: Option<&Tok>) -> bool {
    matches!(t, Some(Tok::Word(w)) if matches!(
        w.as_str(),
        "day" | "days" | "hour" | "hours" | "week" | "weeks" | "fortnight" | "fortnights"
            | "month" | "months" | "business" | "working" | "workday" | "workdays"
            | "businessday" | "businessdays"
    ))
}

fn is_unit_end(t: Option<&Tok>) -> bool {
    matches!(t, Some(Tok::Word(w)) if matches!(
        w.as_str(),
        "day" | "days" | "hour" | "hours" | "week" | "weeks" | "fortnight" | "fortnights"
            | "month" | "months" | "workday" | "workdays" | "businessday" | "businessdays"
    ))
}

/// Folds amounts followed by a unit into [`P::Q`] ("2-3 weeks", "a week or two"),
/// and drops connecting words and articles that were not used.
fn quantities(toks: &[Tok]) -> Vec<P<'_>> {
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if let Some((lo, vague, mut j)) = amount(toks, i) {
            let mut hi = lo;
            if !vague && is_range_word(toks.get(j)) {
                if let Some((h, k)) = number(toks, j + 1) {
                    if is_unit_start(toks.get(k)) {
                        hi = h;
                        j = k;
                    }
                }
            }
            if is_unit_start(toks.get(j)) {
                out.push(P::Q(Qty { lo, hi, vague }));
                // The unit words themselves.
                let mut k = j;
                while k < toks.len() {
                    let end = is_unit_end(toks.get(k));
                    if let Tok::Word(w) = &toks[k] {
                        out.push(P::W(w));
                    }
                    k += 1;
                    if end {
                        break;
                    }
                }
                // "a week or two": a trailing alternative is the range's end.
                if hi == lo && !vague && is_range_word(toks.get(k)) {
                    if let Some((h, m)) = number(toks, k + 1) {
                        if let Some(P::Q(q)) = out.iter_mut().rev().find(|p| matches!(p, P::Q(_))) {
                            q.hi = h;
                        }
                        k = m;
                    }
                }
                i = k;
                continue;
            }
        }
        // "the next day or two", "the first week or two": one, or N, of the unit.
        if let Some(Tok::Word(u)) = toks.get(i) {
            if matches!(u.as_str(), "day" | "week" | "month") && is_range_word(toks.get(i + 1)) {
                if let Some((h, k)) = number(toks, i + 2) {
                    out.push(P::Q(Qty {
                        lo: 1,
                        hi: h,
                        vague: false,
                    }));
                    out.push(P::W(u));
                    i = k;
                    continue;
                }
            }
        }
        match &toks[i] {
            Tok::Dash => {}
            Tok::Word(w) if matches!(w.as_str(), "to" | "or" | "and" | "a" | "an") => {}
            Tok::Word(w) => out.push(P::W(w)),
            Tok::Num(n) => out.push(P::N(*n)),
            Tok::Iso(d) => out.push(P::Iso(*d)),
            Tok::Slash(a, b) => out.push(P::Slash(*a, *b)),
        }
        i += 1;
    }
    out
}

// ---------------------------------------------------------------------------
// Names

fn weekday(w: &str) -> Option<Weekday> {
    Some(match w {
        "monday" | "mon" => Weekday::Monday,
        "tuesday" | "tue" | "tues" => Weekday::Tuesday,
        "wednesday" | "wed" | "weds" => Weekday::Wednesday,
        "thursday" | "thu" | "thur" | "thurs" => Weekday::Thursday,
        "friday" | "fri" => Weekday::Friday,
        "saturday" | "sat" => Weekday::Saturday,
        "sunday" | "sun" => Weekday::Sunday,
        _ => return None,
    })
}

/// The months' English names, January first (also how drafts write dates).
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month(w: &str) -> Option<i8> {
    let m = match w {
        "sept" => 9,
        _ => {
            let i = MONTHS.iter().position(|m| {
                let m = m.to_ascii_lowercase();
                w == m || (w.len() == 3 && m.starts_with(w))
            })?;
            i8::try_from(i).ok()? + 1
        }
    };
    Some(m)
}

fn month_name(m: i8) -> &'static str {
    usize::try_from(m - 1)
        .ok()
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or("?")
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

/// Where in a month: early (10th), mid (15th) or late (last day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Early,
    Mid,
    Late,
}

fn part(w: &str) -> Option<Part> {
    match w {
        "early" | "beginning" | "start" => Some(Part::Early),
        "mid" | "middle" => Some(Part::Mid),
        "late" | "end" => Some(Part::Late),
        _ => None,
    }
}

/// "Tue Dec 8", with the year when it differs from the interview's.
fn show(d: Date, interview: Date) -> String {
    let wd = &weekday_name(d.weekday())[..3];
    let mon = &month_name(d.month())[..3];
    if d.year() == interview.year() {
        format!("{wd} {mon} {}", d.day())
    } else {
        format!("{wd} {mon} {} {}", d.day(), d.year())
    }
}

// ---------------------------------------------------------------------------
// Resolution

type Resolved = Result<(Date, String), Fail>;

fn resolve(p: &[P<'_>], ctx: &Ctx<'_>) -> Resolved {
    use P::W;
    let iv = ctx.interview;
    let at = || format!("interview {}", show(iv, iv));
    match p {
        [W("today" | "tonight" | "eod" | "cob")]
        | [W("end"), W("day")]
        | [W("close"), W("business")] => Ok((iv, "the interview day".to_string())),
        [W("tomorrow")] => Ok((add_days(iv, 1)?, format!("{} + 1 day", at()))),
        [W("day"), W("after"), W("tomorrow")] => {
            Ok((add_days(iv, 2)?, format!("{} + 2 days", at())))
        }
        [W("next"), W("day")] => Ok((add_days(iv, 1)?, format!("{} + 1 day", at()))),
        [P::Q(q), rest @ ..] | [W("next"), P::Q(q), rest @ ..] => duration(*q, rest, ctx),

        // "by COB Friday", "by end of day Friday": that weekday.
        [W("cob" | "eod"), W(x)]
        | [W("end"), W("day"), W(x)]
        | [W("close"), W("business"), W(x)]
            if weekday(x).is_some() =>
        {
            resolve(&[W(x)], ctx)
        }
        // Holidays of the region (or, for Thanksgiving, the US calendar).
        [W("before"), W("christmas" | "xmas" | "holidays")] => before_christmas(ctx),
        [W("after"), W("holidays")]
        | [W("after"), W("new"), W("year" | "years")]
        | [W("new"), W("year" | "years")] => after_new_year(ctx),
        [W("after"), W("thanksgiving")] => after_thanksgiving(ctx),
        [W("first"), W("week"), W(m)] if month(m).is_some() => {
            first_weeks(month(m).unwrap_or(1), 1, ctx)
        }
        [W("first"), P::Q(q), W("week" | "weeks"), W(m)] if month(m).is_some() && q.lo == 1 => {
            first_weeks(month(m).unwrap_or(1), q.hi, ctx)
        }
        [P::Slash(a, b)] => slash_date_resolve(*a, *b, ctx),

        // Weekdays.
        [W(x)] | [W("this"), W(x)] if weekday(x).is_some() => {
            let wd = weekday(x).ok_or(Fail::Unknown)?;
            let d = iv.nth_weekday(1, wd).map_err(out_of_range)?;
            Ok((
                d,
                format!("the first {} after the {}", weekday_name(wd), at()),
            ))
        }
        [W("next"), W(x)] | [W(x), W("next"), W("week")] if weekday(x).is_some() => {
            let wd = weekday(x).ok_or(Fail::Unknown)?;
            let d = week_day(iv, 1, wd)?;
            Ok((
                d,
                format!(
                    "{} of the week after the interview's week ({})",
                    weekday_name(wd),
                    at()
                ),
            ))
        }

        // Weeks.
        [W("end"), W("week")]
        | [W("end"), W("this"), W("week")]
        | [W("this"), W("week")]
        | [W("later"), W("this"), W("week")]
        | [W("week"), W("end")]
        | [W("weekend")]
        | [W("end"), W("weekend")]
        | [W("week")]
        | [W("eow")] => {
            let d = week_day(iv, 0, Weekday::Friday)?;
            if d >= iv {
                Ok((d, format!("Friday of the interview's week ({})", at())))
            } else {
                let d = iv.nth_weekday(1, Weekday::Friday).map_err(out_of_range)?;
                Ok((
                    d,
                    format!(
                        "the Friday after the weekend (interview on {})",
                        show(iv, iv)
                    ),
                ))
            }
        }
        [W("next"), W("week")]
        | [W("end"), W("next"), W("week")]
        | [W("late" | "later"), W("next"), W("week")] => Ok((
            week_day(iv, 1, Weekday::Friday)?,
            format!("Friday of the week after the interview's week ({})", at()),
        )),
        [W("beginning" | "start"), W("next"), W("week")] => {
            let monday = week_day(iv, 1, Weekday::Monday)?;
            let d = calendar::next_business_day(monday, ctx.region);
            Ok((
                d,
                format!(
                    "the first business day of the week after the interview's week ({})",
                    at()
                ),
            ))
        }
        [W("early" | "mid" | "middle" | "midweek"), W("next"), W("week")] => Ok((
            week_day(iv, 1, Weekday::Wednesday)?,
            format!(
                "Wednesday of the week after the interview's week ({})",
                at()
            ),
        )),
        [W("week"), W("after"), W("next")] | [W("end"), W("week"), W("after"), W("next")] => Ok((
            week_day(iv, 2, Weekday::Friday)?,
            format!("Friday two weeks after the interview's week ({})", at()),
        )),

        // Months, quarters, years.
        [W("end"), W("month")]
        | [W("end"), W("this"), W("month")]
        | [W("this"), W("month")]
        | [W("later"), W("this"), W("month")]
        | [W("month"), W("end")]
        | [W("eom")] => Ok((
            iv.last_of_month(),
            format!("the last day of the interview's month ({})", at()),
        )),
        [W("next"), W("month")]
        | [W("end"), W("next"), W("month")]
        | [W("late" | "later"), W("next"), W("month")] => Ok((
            next_month(iv)?.last_of_month(),
            format!("the last day of the month after the {}", at()),
        )),
        [W(a), W("next"), W("month")] if part(a).is_some() => {
            let first = next_month(iv)?;
            let (d, what) = month_part(first, part(a).unwrap_or(Part::Late))?;
            Ok((d, format!("{what} of the month after the {}", at())))
        }
        [W("end"), W("year")]
        | [W("end"), W("this"), W("year")]
        | [W("year"), W("end")]
        | [W("this"), W("year")]
        | [W("later"), W("this"), W("year")] => Ok((
            Date::new(iv.year(), 12, 31).map_err(out_of_range)?,
            format!("December 31 of the interview's year ({})", at()),
        )),
        [W("end"), W("quarter")]
        | [W("end"), W("this"), W("quarter")]
        | [W("quarter"), W("end")] => {
            let last_month = (iv.month() - 1) / 3 * 3 + 3;
            let d = Date::new(iv.year(), last_month, 1)
                .map_err(out_of_range)?
                .last_of_month();
            Ok((
                d,
                format!("the last day of the interview's quarter ({})", at()),
            ))
        }
        [W(a), W(m)] if part(a).is_some() && month(m).is_some() => {
            month_anchor(month(m).unwrap_or(1), part(a).unwrap_or(Part::Late), ctx)
        }
        [W(m)] if month(m).is_some() => {
            let m = month(m).unwrap_or(1);
            if ctx.by {
                return Err(Fail::Ambiguous(format!(
                    "\"by {0}\" can mean the start or the end of {0}; say \"early {0}\" \
                     or \"end of {0}\"",
                    month_name(m)
                )));
            }
            month_anchor(m, Part::Late, ctx)
        }

        // Dates.
        [P::Iso(d)] => {
            if *d < iv {
                Err(impossible(format!(
                    "{} is before the interview ({})",
                    show(*d, iv),
                    show(iv, iv)
                )))
            } else {
                Ok((*d, "the date given".to_string()))
            }
        }
        [P::N(n)] if n.ordinal => day_of_month(n.value, ctx),
        [W(x), rest @ ..] if weekday(x).is_some() && !rest.is_empty() => {
            calendar_date(rest, weekday(x), ctx)
        }
        _ => calendar_date(p, None, ctx),
    }
}

/// The first business day after `d` (holidays of the region skipped).
fn business_day_after(d: Date, ctx: &Ctx<'_>) -> Result<Date, Fail> {
    Ok(calendar::next_business_day(
        d.tomorrow().map_err(out_of_range)?,
        ctx.region,
    ))
}

/// The last business day before `d`.
fn business_day_before(d: Date, ctx: &Ctx<'_>) -> Result<Date, Fail> {
    let mut d = d.yesterday().map_err(out_of_range)?;
    for _ in 0..60 {
        if calendar::is_business_day(d, ctx.region) {
            return Ok(d);
        }
        d = d.yesterday().map_err(out_of_range)?;
    }
    Err(impossible("no business day found"))
}

/// "(US holidays skipped)" or "(no region, weekends skipped)".
fn region_note(ctx: &Ctx<'_>) -> String {
    match ctx.region {
        Some(r) => format!("weekends and {} public holidays skipped", r.code()),
        None => "weekends skipped, no region so no holidays".to_string(),
    }
}

/// The years to try for a yearly event: the interview's and the next.
fn years(iv: Date) -> [i16; 2] {
    [iv.year(), iv.year().saturating_add(1)]
}

/// "before Christmas": the last business day before the next December 25.
fn before_christmas(ctx: &Ctx<'_>) -> Resolved {
    let iv = ctx.interview;
    for y in years(iv) {
        let day = Date::new(y, 12, 25).map_err(out_of_range)?;
        let d = business_day_before(day, ctx)?;
        if d >= iv {
            return Ok((
                d,
                format!(
                    "the last business day before Christmas Day, {} ({})",
                    show(day, iv),
                    region_note(ctx)
                ),
            ));
        }
    }
    Err(impossible(
        "the date is outside the supported calendar range",
    ))
}

/// "after the holidays", "in the new year": the first business day after the
/// New Year holiday.
fn after_new_year(ctx: &Ctx<'_>) -> Resolved {
    let iv = ctx.interview;
    for y in years(iv) {
        let day = Date::new(y, 1, 1).map_err(out_of_range)?;
        let d = business_day_after(day, ctx)?;
        if d >= iv {
            return Ok((
                d,
                format!(
                    "the first business day after New Year's Day, {} ({})",
                    show(day, iv),
                    region_note(ctx)
                ),
            ));
        }
    }
    Err(impossible(
        "the date is outside the supported calendar range",
    ))
}

/// Thanksgiving in `year`: the region's own if it has one (Canada's is in
/// October), otherwise the US one, the fourth Thursday of November.
fn thanksgiving(year: i16, ctx: &Ctx<'_>) -> Result<(Date, &'static str), Fail> {
    if let Some(r) = ctx.region {
        if let Some((d, _)) = r
            .holidays_in(year)
            .into_iter()
            .find(|(_, n)| n.starts_with("Thanksgiving"))
        {
            return Ok((d, "the region's calendar"));
        }
    }
    let d = Date::new(year, 11, 1)
        .and_then(|d| d.nth_weekday_of_month(4, Weekday::Thursday))
        .map_err(out_of_range)?;
    Ok((d, "US calendar"))
}

/// "after Thanksgiving": the first business day after it.
fn after_thanksgiving(ctx: &Ctx<'_>) -> Resolved {
    let iv = ctx.interview;
    for y in years(iv) {
        let (day, cal) = thanksgiving(y, ctx)?;
        let d = business_day_after(day, ctx)?;
        if d >= iv {
            return Ok((
                d,
                format!(
                    "the first business day after Thanksgiving, {} ({cal}; {})",
                    show(day, iv),
                    region_note(ctx)
                ),
            ));
        }
    }
    Err(impossible(
        "the date is outside the supported calendar range",
    ))
}

/// "the first week or two of January": the 7th (14th) of the next January.
fn first_weeks(m: i8, weeks: u64, ctx: &Ctx<'_>) -> Resolved {
    let iv = ctx.interview;
    let day = match weeks {
        1 => 7,
        2 => 14,
        3 => 21,
        4 => 28,
        _ => return Err(Fail::Unknown),
    };
    let d = next_month_day(m, day, ctx)?;
    Ok((
        d,
        format!(
            "the end of the first {} of {}, the next on or after the interview {}",
            plural(i64::try_from(weeks).unwrap_or(1), "week"),
            month_name(m),
            show(iv, iv)
        ),
    ))
}

/// The next `m`/`day` on or after the interview.
fn next_month_day(m: i8, day: i8, ctx: &Ctx<'_>) -> Result<Date, Fail> {
    let iv = ctx.interview;
    // February 29 may be up to eight years away.
    for offset in 0..=8 {
        if let Ok(d) = Date::new(iv.year().saturating_add(offset), m, day) {
            if d >= iv {
                return Ok(d);
            }
        }
    }
    Err(impossible(format!("{} {day} is not a date", month_name(m))))
}

/// Whether the region writes numeric dates month first (`Some(true)`, the United
/// States), day first (`Some(false)`, most other countries) or either (`None`:
/// Canada, no region, a custom calendar of its own).
fn month_first(region: Option<&Region>) -> Option<bool> {
    let r = region?;
    let code = r.base().unwrap_or(r.code());
    if !Region::supported().any(|c| c == code) {
        return None;
    }
    match code.split('-').next().unwrap_or("") {
        "US" | "PH" | "PR" | "GU" | "AS" | "VI" | "MP" | "UM" | "FM" | "MH" | "PW" => Some(true),
        "CA" => None,
        _ => Some(false),
    }
}

/// "12/18" or "18/12": a reading only one convention allows is taken anywhere;
/// otherwise the region decides.
fn slash_date_resolve(a: u64, b: u64, ctx: &Ctx<'_>) -> Resolved {
    let md = (1..=12).contains(&a) && (1..=31).contains(&b);
    let dm = (1..=12).contains(&b) && (1..=31).contains(&a);
    let (m, d, why) = match (md, dm) {
        (false, false) => return Err(impossible(format!("{a}/{b} is not a date"))),
        (true, false) => (a, b, "month/day: the only reading".to_string()),
        (false, true) => (b, a, "day/month: the only reading".to_string()),
        (true, true) if a == b => (a, b, "month and day alike".to_string()),
        (true, true) => match month_first(ctx.region) {
            Some(true) => (
                a,
                b,
                format!("month/day as in {}", ctx.region.map_or("", |r| r.code())),
            ),
            Some(false) => (
                b,
                a,
                format!("day/month as in {}", ctx.region.map_or("", |r| r.code())),
            ),
            None => {
                return Err(Fail::Ambiguous(format!(
                    "{a}/{b} can be month/day or day/month; give a region (--region US or GB) \
                     or write \"{} {}\" or \"{} {}\"",
                    month_name(i8::try_from(a).unwrap_or(1)),
                    b,
                    month_name(i8::try_from(b).unwrap_or(1)),
                    a
                )))
            }
        },
    };
    let (m, d) = (
        i8::try_from(m).map_err(|_| impossible("not a date"))?,
        i8::try_from(d).map_err(|_| impossible("not a date"))?,
    );
    let date = next_month_day(m, d, ctx)?;
    let iv = ctx.interview;
    Ok((
        date,
        format!(
            "{a}/{b} read as {} {d} ({why}), the next on or after the interview {}",
            month_name(m),
            show(iv, iv)
        ),
    ))
}

/// Adds whole days with range checks.
fn add_days(d: Date, n: i64) -> Result<Date, Fail> {
    let span = Span::new().try_days(n).map_err(out_of_range)?;
    d.checked_add(span).map_err(out_of_range)
}

/// The first day of the month after `d`'s month.
fn next_month(d: Date) -> Result<Date, Fail> {
    let span = Span::new().try_months(1).map_err(out_of_range)?;
    d.first_of_month().checked_add(span).map_err(out_of_range)
}

/// Weekday `wd` of the week `weeks` after `d`'s week (weeks start on Monday).
fn week_day(d: Date, weeks: i64, wd: Weekday) -> Result<Date, Fail> {
    let monday = -i64::from(d.weekday().to_monday_zero_offset());
    add_days(
        d,
        monday + 7 * weeks + i64::from(wd.to_monday_zero_offset()),
    )
}

/// The early/mid/late day of the month starting at `first`.
fn month_part(first: Date, p: Part) -> Result<(Date, &'static str), Fail> {
    match p {
        Part::Early => Ok((
            Date::new(first.year(), first.month(), 10).map_err(out_of_range)?,
            "the 10th",
        )),
        Part::Mid => Ok((
            Date::new(first.year(), first.month(), 15).map_err(out_of_range)?,
            "the 15th",
        )),
        Part::Late => Ok((first.last_of_month(), "the last day")),
    }
}

/// "early/mid/late January": the next such day on or after the interview.
fn month_anchor(m: i8, p: Part, ctx: &Ctx<'_>) -> Resolved {
    let iv = ctx.interview;
    for year in [iv.year(), iv.year().saturating_add(1)] {
        let Ok(first) = Date::new(year, m, 1) else {
            continue;
        };
        let (d, what) = month_part(first, p)?;
        if d >= iv {
            return Ok((
                d,
                format!(
                    "{what} of {}, the next on or after the interview {}",
                    month_name(m),
                    show(iv, iv)
                ),
            ));
        }
    }
    Err(impossible(
        "the date is outside the supported calendar range",
    ))
}

/// "by the 23rd": the next 23rd on or after the interview.
fn day_of_month(day: u64, ctx: &Ctx<'_>) -> Resolved {
    let iv = ctx.interview;
    let day = i8::try_from(day)
        .ok()
        .filter(|d| (1..=31).contains(d))
        .ok_or_else(|| impossible(format!("no month has a day {day}")))?;
    let mut first = iv.first_of_month();
    for _ in 0..13 {
        if let Ok(d) = Date::new(first.year(), first.month(), day) {
            if d >= iv {
                return Ok((
                    d,
                    format!(
                        "the next {} of a month on or after the interview {}",
                        ordinal(day),
                        show(iv, iv)
                    ),
                ));
            }
        }
        first = next_month(first)?;
    }
    Err(impossible(
        "the date is outside the supported calendar range",
    ))
}

/// "December 23", "23 December", optionally with a year and a weekday to check.
fn calendar_date(p: &[P<'_>], wd: Option<Weekday>, ctx: &Ctx<'_>) -> Resolved {
    use P::{N, W};
    let day_num = |n: &Num| n.digits <= 2;
    let year_num = |n: &Num| n.digits == 4 && !n.ordinal;
    let (m, day, year) = match p {
        [W(m), N(d)] | [N(d), W(m)] if month(m).is_some() && day_num(d) => {
            (month(m), d.value, None)
        }
        [W(m), N(d), N(y)] | [N(d), W(m), N(y)]
            if month(m).is_some() && day_num(d) && year_num(y) =>
        {
            (month(m), d.value, Some(y.value))
        }
        _ => return Err(Fail::Unknown),
    };
    let m = m.ok_or(Fail::Unknown)?;
    let iv = ctx.interview;
    let name = format!("{} {day}", month_name(m));
    let not_a_date = || impossible(format!("{name} is not a date"));
    let day = i8::try_from(day).map_err(|_| not_a_date())?;
    let date = match year {
        Some(y) => {
            let y = i16::try_from(y).map_err(|_| not_a_date())?;
            let d = Date::new(y, m, day)
                .map_err(|_| impossible(format!("{name} {y} is not a date")))?;
            if d < iv {
                return Err(impossible(format!(
                    "{name} {y} is before the interview ({})",
                    show(iv, iv)
                )));
            }
            d
        }
        None => {
            let mut found = None;
            // February 29 may be up to eight years away.
            for offset in 0..=8 {
                if let Ok(d) = Date::new(iv.year().saturating_add(offset), m, day) {
                    if d >= iv {
                        found = Some(d);
                        break;
                    }
                }
            }
            found.ok_or_else(not_a_date)?
        }
    };
    if let Some(wd) = wd {
        if date.weekday() != wd {
            return Err(impossible(format!(
                "{} {} {} is a {}, not a {}",
                month_name(m),
                day,
                date.year(),
                weekday_name(date.weekday()),
                weekday_name(wd)
            )));
        }
    }
    let how = if year.is_some() {
        "the date given".to_string()
    } else {
        format!("the next {name} on or after the interview {}", show(iv, iv))
    };
    Ok((date, how))
}

/// The units a duration can be counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Hours,
    Days,
    BusinessDays,
    BusinessWeeks,
    Weeks,
    Fortnights,
    Months,
}

fn unit(rest: &[P<'_>]) -> Option<Unit> {
    use P::W;
    Some(match rest {
        [W("hour" | "hours")] => Unit::Hours,
        [W("day" | "days")] => Unit::Days,
        [W("business" | "working"), W("day" | "days")]
        | [W("workday" | "workdays" | "businessday" | "businessdays")] => Unit::BusinessDays,
        [W("business" | "working"), W("week" | "weeks")] => Unit::BusinessWeeks,
        [W("week" | "weeks")] => Unit::Weeks,
        [W("fortnight" | "fortnights")] => Unit::Fortnights,
        [W("month" | "months")] => Unit::Months,
        _ => return None,
    })
}

/// "1st", "2nd", "23rd", "11th".
fn ordinal(n: i8) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn plural(n: i64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// "within N units", "in N-M units", "a few days" and the like.
fn duration(q: Qty, rest: &[P<'_>], ctx: &Ctx<'_>) -> Resolved {
    let unit = unit(rest).ok_or(Fail::Unknown)?;
    if q.lo == 0 || q.hi == 0 {
        return Err(impossible("a wait of zero is not a timeline"));
    }
    if q.lo > q.hi {
        return Err(impossible(format!(
            "the range {}-{} runs backwards",
            q.lo, q.hi
        )));
    }
    let too_far = || impossible("the wait is more than ten years");
    let n = i64::try_from(q.hi).map_err(|_| too_far())?;
    let iv = ctx.interview;
    let mut notes = Vec::new();
    if q.lo != q.hi {
        notes.push("the end of the range counts".to_string());
    }
    if q.vague {
        let word = if q.hi == 2 { "couple" } else { "few" };
        notes.push(format!("\"a {word}\" = {}", q.hi));
    }
    let unit = if q.vague && unit == Unit::Days {
        notes.push("vague day counts are business days".to_string());
        Unit::BusinessDays
    } else {
        unit
    };
    let (date, amount) = match unit {
        Unit::Hours | Unit::Days | Unit::Weeks | Unit::Fortnights => {
            let (days, amount) = match unit {
                Unit::Hours => {
                    let d = (n + 23) / 24;
                    notes.push(format!("{}, rounded up to whole days", plural(n, "hour")));
                    (d, plural(d, "day"))
                }
                Unit::Weeks if n == 1 => (7, "7 days".to_string()),
                Unit::Weeks => (n.saturating_mul(7), plural(n, "week")),
                Unit::Fortnights => {
                    let d = n.saturating_mul(14);
                    (d, plural(d, "day"))
                }
                _ => (n, plural(n, "day")),
            };
            if days > MAX_DAYS {
                return Err(too_far());
            }
            (add_days(iv, days)?, amount)
        }
        Unit::Months => {
            if n > MAX_MONTHS {
                return Err(too_far());
            }
            let span = Span::new().try_months(n).map_err(out_of_range)?;
            (
                iv.checked_add(span).map_err(out_of_range)?,
                plural(n, "month"),
            )
        }
        Unit::BusinessDays | Unit::BusinessWeeks => {
            let b = if unit == Unit::BusinessWeeks {
                n.saturating_mul(5)
            } else {
                n
            };
            if b > MAX_BUSINESS_DAYS {
                return Err(too_far());
            }
            let (d, holidays) = add_business_days(iv, b, ctx.region)?;
            if let Some(r) = ctx.region {
                if !(r.covers(iv.year()) && r.covers(d.year())) {
                    notes.push(format!(
                        "{} has no holiday data for part of the period, only weekends \
                         are skipped there",
                        r.code()
                    ));
                }
            }
            notes.push(match ctx.region {
                None => "weekends skipped, no region so no holidays".to_string(),
                Some(r) if holidays.is_empty() => {
                    format!("weekends and {} public holidays skipped", r.code())
                }
                Some(r) => format!(
                    "weekends and {} public holidays skipped: {}",
                    r.code(),
                    holidays.join(", ")
                ),
            });
            (d, plural(b, "business day"))
        }
    };
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    Ok((
        date,
        format!("interview {} + {amount}{notes}", show(iv, iv)),
    ))
}

/// `date` moved forward by `n` business days (the start day does not count), with
/// the holidays passed on the way. Same rule as [`calendar::add_business_days`],
/// but a date beyond the calendar's range is an error rather than a panic.
fn add_business_days(
    date: Date,
    n: i64,
    region: Option<&Region>,
) -> Result<(Date, Vec<String>), Fail> {
    let mut d = date;
    let mut left = n;
    let mut holidays = Vec::new();
    while left > 0 {
        d = d.tomorrow().map_err(out_of_range)?;
        if calendar::is_business_day(d, region) {
            left -= 1;
        } else if !calendar::is_weekend(d) {
            if let Some(name) = region.and_then(|r| r.holiday(d)) {
                holidays.push(format!("{name} {}", show(d, date)));
            }
        }
    }
    Ok((d, holidays))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    /// Tue 2026-12-01.
    const TUE: Date = date(2026, 12, 1);

    fn at(phrase: &str, interview: Date) -> Date {
        match parse_decision(phrase, interview, None) {
            Ok(d) => d.date,
            Err(e) => panic!("{phrase:?}: {e}"),
        }
    }

    fn d(phrase: &str) -> Date {
        at(phrase, TUE)
    }

    #[test]
    fn weeks_and_days() {
        assert_eq!(d("within a week"), date(2026, 12, 8));
        assert_eq!(d("We'll decide within a week."), date(2026, 12, 8));
        assert_eq!(
            d("we expect to make a decision within one week"),
            date(2026, 12, 8)
        );
        assert_eq!(d("within 2 weeks"), date(2026, 12, 15));
        assert_eq!(d("within two weeks"), date(2026, 12, 15));
        assert_eq!(d("a couple of weeks"), date(2026, 12, 15));
        assert_eq!(d("in a few weeks"), date(2026, 12, 22));
        assert_eq!(d("within 3 days"), date(2026, 12, 4));
        assert_eq!(d("in 10 days"), date(2026, 12, 11));
        assert_eq!(d("within a fortnight"), date(2026, 12, 15));
        assert_eq!(d("within 48 hours"), date(2026, 12, 3));
        assert_eq!(d("within 36 hours"), date(2026, 12, 3));
        assert_eq!(d("a week from now"), date(2026, 12, 8));
        assert_eq!(d("over the next two weeks"), date(2026, 12, 15));
        assert_eq!(d("in twenty-one days"), date(2026, 12, 22));
    }

    #[test]
    fn ranges_take_the_end() {
        for p in [
            "in 2-3 weeks",
            "in 2 - 3 weeks",
            "in 2–3 weeks",
            "in two to three weeks",
            "2 or 3 weeks",
            "between 2 and 3 weeks",
            "we'll decide in two-three weeks",
        ] {
            assert_eq!(d(p), date(2026, 12, 22), "{p}");
        }
        assert_eq!(d("a week or two"), date(2026, 12, 15));
        assert_eq!(d("a week or so"), date(2026, 12, 8));
        assert_eq!(d("5-7 business days"), date(2026, 12, 10));
        let m = parse_decision("in 2-3 weeks", TUE, None).map(|d| d.meaning);
        assert_eq!(
            m.as_deref(),
            Ok("\"in 2-3 weeks\" = interview Tue Dec 1 + 3 weeks (the end of the range counts) = Tue Dec 22")
        );
    }

    #[test]
    fn months() {
        assert_eq!(d("within a month"), date(2027, 1, 1));
        assert_eq!(d("in 2 months"), date(2027, 2, 1));
        assert_eq!(at("in a month", date(2027, 1, 31)), date(2027, 2, 28));
        assert_eq!(d("end of the month"), date(2026, 12, 31));
        assert_eq!(d("by the end of the month"), date(2026, 12, 31));
        assert_eq!(
            at("end of the month", date(2026, 12, 31)),
            date(2026, 12, 31)
        );
        assert_eq!(
            at("by the end of the month", date(2027, 2, 27)),
            date(2027, 2, 28)
        );
        assert_eq!(d("end of next month"), date(2027, 1, 31));
        assert_eq!(d("next month"), date(2027, 1, 31));
        assert_eq!(d("early next month"), date(2027, 1, 10));
        assert_eq!(d("mid next month"), date(2027, 1, 15));
        assert_eq!(
            at("end of next month", date(2027, 1, 31)),
            date(2027, 2, 28)
        );
        assert_eq!(d("end of the year"), date(2026, 12, 31));
        assert_eq!(
            at("end of the quarter", date(2026, 8, 5)),
            date(2026, 9, 30)
        );
    }

    #[test]
    fn month_parts() {
        assert_eq!(d("early January"), date(2027, 1, 10));
        assert_eq!(d("mid January"), date(2027, 1, 15));
        assert_eq!(d("mid-January"), date(2027, 1, 15));
        assert_eq!(d("by the middle of January"), date(2027, 1, 15));
        assert_eq!(d("late January"), date(2027, 1, 31));
        assert_eq!(d("end of January"), date(2027, 1, 31));
        assert_eq!(d("in January"), date(2027, 1, 31));
        assert_eq!(d("late December"), date(2026, 12, 31));
        assert_eq!(d("mid December"), date(2026, 12, 15));
        // Already past in the interview's month: next year.
        assert_eq!(at("early December", date(2026, 12, 12)), date(2027, 12, 10));
        assert_eq!(at("end of February", date(2027, 2, 3)), date(2027, 2, 28));
        assert!(matches!(
            parse_decision("by January", TUE, None),
            Err(PhraseError::Ambiguous { .. })
        ));
    }

    #[test]
    fn calendar_dates() {
        assert_eq!(d("by December 23"), date(2026, 12, 23));
        assert_eq!(d("by Dec 23"), date(2026, 12, 23));
        assert_eq!(d("by Dec. 23rd"), date(2026, 12, 23));
        assert_eq!(d("by 23 December"), date(2026, 12, 23));
        assert_eq!(d("by the 23rd of December"), date(2026, 12, 23));
        assert_eq!(d("by Wednesday, December 23"), date(2026, 12, 23));
        assert_eq!(d("by December 1"), TUE);
        // Year wrap.
        assert_eq!(d("by January 5"), date(2027, 1, 5));
        assert_eq!(d("by November 30"), date(2027, 11, 30));
        assert_eq!(d("by December 23, 2026"), date(2026, 12, 23));
        assert_eq!(d("by 2026-12-23"), date(2026, 12, 23));
        assert_eq!(d("by 2027-1-5"), date(2027, 1, 5));
        assert_eq!(d("by the 23rd"), date(2026, 12, 23));
        assert_eq!(at("by the 31st", date(2026, 11, 5)), date(2026, 12, 31));
        assert_eq!(at("by February 29", date(2026, 3, 1)), date(2028, 2, 29));
        for bad in [
            "by 2026-11-30",
            "by November 30, 2026",
            "by 2026-02-30",
            "by February 30",
            "by Friday, December 23",
            "by December 45",
        ] {
            assert!(
                matches!(
                    parse_decision(bad, TUE, None),
                    Err(PhraseError::Impossible { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            parse_decision("by Friday, December 23", TUE, None)
                .err()
                .map(|e| e.to_string()),
            Some(
                "decision phrase \"by Friday, December 23\" names no usable date: \
                 December 23 2026 is a Wednesday, not a Friday"
                    .to_string()
            )
        );
        assert_eq!(
            parse_decision("by the 22nd", TUE, None).map(|d| d.meaning),
            Ok(
                "\"by the 22nd\" = the next 22nd of a month on or after the interview \
                Tue Dec 1 = Tue Dec 22"
                    .to_string()
            )
        );
        assert!(matches!(
            parse_decision("by the 32nd", TUE, None),
            Err(PhraseError::Impossible { .. })
        ));
        // Only month/day allows "12/23": taken anywhere. "05/06" needs the region.
        assert_eq!(d("by 12/23"), date(2026, 12, 23));
        assert_eq!(d("by 23/12"), date(2026, 12, 23));
        assert!(matches!(
            parse_decision("by 05/06", TUE, None),
            Err(PhraseError::Ambiguous { .. })
        ));
        let us: Region = "US".parse().unwrap_or_else(|e| panic!("{e}"));
        let gb: Region = "GB".parse().unwrap_or_else(|e| panic!("{e}"));
        let fr: Region = "FR".parse().unwrap_or_else(|e| panic!("{e}"));
        let at_in = |p: &str, r: &Region| parse_decision(p, TUE, Some(r)).map(|d| d.date);
        assert_eq!(at_in("by 12/11", &us), Ok(date(2026, 12, 11)));
        assert_eq!(at_in("by 12/11", &gb), Ok(date(2027, 11, 12)));
        assert_eq!(at_in("by 11/12", &fr), Ok(date(2026, 12, 11)));
        assert_eq!(at_in("by 12/18", &gb), Ok(date(2026, 12, 18)));
        let m = parse_decision("by January 5", TUE, None).map(|d| d.meaning);
        assert_eq!(
            m.as_deref(),
            Ok("\"by January 5\" = the next January 5 on or after the interview Tue Dec 1 = Tue Jan 5 2027")
        );
    }

    #[test]
    fn weekdays() {
        assert_eq!(d("by Friday"), date(2026, 12, 4));
        assert_eq!(d("Friday"), date(2026, 12, 4));
        assert_eq!(d("by this Fri"), date(2026, 12, 4));
        assert_eq!(d("by Monday"), date(2026, 12, 7));
        assert_eq!(d("by Wednesday"), date(2026, 12, 2));
        // The interview falls on the named weekday: a week later.
        assert_eq!(d("by Tuesday"), date(2026, 12, 8));
        assert_eq!(at("by Friday", date(2026, 12, 4)), date(2026, 12, 11));
        assert_eq!(d("next Wednesday"), date(2026, 12, 9));
        assert_eq!(d("Wednesday next week"), date(2026, 12, 9));
        assert_eq!(d("next Tuesday"), date(2026, 12, 8));
        assert_eq!(d("next Monday"), date(2026, 12, 7));
        assert_eq!(at("next Wednesday", date(2026, 12, 6)), date(2026, 12, 9));
        assert_eq!(at("next Friday", date(2026, 12, 4)), date(2026, 12, 11));
        assert_eq!(d("we may decide by Thursday"), date(2026, 12, 3));
    }

    #[test]
    fn week_ends() {
        assert_eq!(d("by the end of the week"), date(2026, 12, 4));
        assert_eq!(d("this week"), date(2026, 12, 4));
        assert_eq!(at("end of the week", date(2026, 12, 4)), date(2026, 12, 4));
        assert_eq!(at("end of the week", date(2026, 12, 5)), date(2026, 12, 11));
        assert_eq!(d("by the end of next week"), date(2026, 12, 11));
        assert_eq!(d("next week"), date(2026, 12, 11));
        assert_eq!(d("early next week"), date(2026, 12, 9));
        assert_eq!(d("the week after next"), date(2026, 12, 18));
        assert_eq!(at("next week", date(2026, 12, 6)), date(2026, 12, 11));
    }

    #[test]
    fn today_tomorrow() {
        assert_eq!(d("today"), TUE);
        assert_eq!(d("by end of day"), TUE);
        assert_eq!(d("tomorrow"), date(2026, 12, 2));
        assert_eq!(d("the day after tomorrow"), date(2026, 12, 3));
    }

    #[test]
    fn business_days() {
        // Fri Dec 4 + 1 business day skips the weekend.
        assert_eq!(
            at("within 1 business day", date(2026, 12, 4)),
            date(2026, 12, 7)
        );
        assert_eq!(d("within 10 business days"), date(2026, 12, 15));
        assert_eq!(d("within 10 working days"), date(2026, 12, 15));
        assert_eq!(d("within 2 working weeks"), date(2026, 12, 15));
        assert_eq!(
            at("in 3 business days", date(2026, 12, 3)),
            date(2026, 12, 8)
        );
        // "a few days" = 3 business days.
        assert_eq!(at("in a few days", date(2026, 12, 3)), date(2026, 12, 8));
        assert_eq!(
            at("in a couple of days", date(2026, 12, 4)),
            date(2026, 12, 8)
        );
        let region: Region = "US".parse().unwrap_or_else(|e| panic!("{e}"));
        let with_region = parse_decision("within 10 business days", TUE, Some(&region));
        assert!(with_region
            .is_ok_and(|r| r.date >= date(2026, 12, 15)
                && calendar::is_business_day(r.date, Some(&region))));
        // Holidays of the region are skipped and named.
        let custom = Region::custom(
            "Test",
            vec![(date(2026, 12, 3), "Founders Day".to_string())],
        );
        let r = parse_decision("within 3 business days", TUE, Some(&custom));
        assert_eq!(
            r.map(|d| (d.date, d.meaning)),
            Ok((
                date(2026, 12, 7),
                "\"within 3 business days\" = interview Tue Dec 1 + 3 business days \
                 (weekends and Test public holidays skipped: Founders Day Thu Dec 3) = Mon Dec 7"
                    .to_string()
            ))
        );
        // US: Christmas Day 2026 is a Friday.
        let r = parse_decision("within 5 business days", date(2026, 12, 21), Some(&region));
        assert!(r.is_ok_and(|d| d.date == date(2026, 12, 29) && d.meaning.contains("Christmas")));
        let m = parse_decision("in a few days", TUE, None).map(|d| d.meaning);
        assert_eq!(
            m.as_deref(),
            Ok("\"in a few days\" = interview Tue Dec 1 + 3 business days (\"a few\" = 3; vague day counts are business days; weekends skipped, no region so no holidays) = Fri Dec 4")
        );
    }

    #[test]
    fn whole_sentences() {
        for (p, want) in [
            (
                "We hope to have a decision by the end of next week.",
                date(2026, 12, 11),
            ),
            (
                "Expect to hear back in 7-10 business days",
                date(2026, 12, 15),
            ),
            (
                "We'll let you know by Friday at the latest!",
                date(2026, 12, 4),
            ),
            ("Around mid-January.", date(2027, 1, 15)),
            ("In 2 weeks' time", date(2026, 12, 15)),
            ("They said no later than December 18th", date(2026, 12, 18)),
            ("WITHIN THE NEXT FEW WEEKS", date(2026, 12, 22)),
            (
                "we\u{2019}ll get back to you within a week or so",
                date(2026, 12, 8),
            ),
            ("a week after the interview", date(2026, 12, 8)),
        ] {
            assert_eq!(d(p), want, "{p}");
        }
    }

    #[test]
    fn found_in_running_text() {
        let r = parse_decision(
            "We anticipate making a decision by the end of next week.",
            TUE,
            None,
        );
        assert_eq!(
            r.as_ref()
                .map(|d| (d.date, d.read.as_str(), d.span.clone())),
            Ok((date(2026, 12, 11), "by the end of next week", 32..55))
        );
        assert!(r.is_ok_and(|d| d.meaning.starts_with("read \"by the end of next week\" = ")));
        assert_eq!(
            d("we'll finish interviews this week and decide by the 18th"),
            date(2026, 12, 18)
        );
        let two = parse_decision(
            "We will decide by Friday. We will decide by the 18th.",
            TUE,
            None,
        );
        let msg = two.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            msg.contains("two timelines")
                && msg.contains("by Friday")
                && msg.contains("by the 18th"),
            "{msg}"
        );
        assert!(!msg.contains('\n'));
        for none in [
            "Thank you for interviewing with us today.",
            "I interviewed with a company two weeks ago.",
            "We won't decide within a week.",
            "They want someone to start on Monday, we'll let you know.",
        ] {
            assert!(parse_decision(none, TUE, None).is_err(), "{none}");
        }
    }

    #[test]
    fn new_forms() {
        let us: Region = "US".parse().unwrap_or_else(|e| panic!("{e}"));
        let r = |p: &str| match parse_decision(p, TUE, Some(&us)) {
            Ok(d) => d.date,
            Err(e) => panic!("{p:?}: {e}"),
        };
        assert_eq!(r("in the next day or two"), date(2026, 12, 3));
        assert_eq!(r("by the weekend"), date(2026, 12, 4));
        assert_eq!(r("within the week"), date(2026, 12, 4));
        assert_eq!(r("the first week or two of January"), date(2027, 1, 14));
        assert_eq!(r("another couple of weeks or so"), date(2026, 12, 15));
        assert_eq!(r("by the end of this coming week"), date(2026, 12, 4));
        // Christmas Day 2026 is a Friday: Thursday the 24th.
        assert_eq!(r("before Christmas"), date(2026, 12, 24));
        // New Year's Day 2027 is a Friday: Monday the 4th.
        assert_eq!(r("after the holidays"), date(2027, 1, 4));
        assert_eq!(
            at("after Thanksgiving", date(2026, 11, 20)),
            date(2026, 11, 27)
        );
        assert_eq!(r("by COB Friday"), date(2026, 12, 4));
        assert_eq!(r("by end of day Friday"), date(2026, 12, 4));
        assert_eq!(r("by 12/18"), date(2026, 12, 18));
        assert_eq!(r("by the beginning of next week"), date(2026, 12, 7));
        assert_eq!(r("by the start of next week"), date(2026, 12, 7));
        // Christmas Eve is a holiday in some regions: the last business day before.
        let custom = Region::custom(
            "Test",
            vec![(date(2026, 12, 24), "Christmas Eve".to_string())],
        );
        assert_eq!(
            parse_decision("before Christmas", TUE, Some(&custom)).map(|d| d.date),
            Ok(date(2026, 12, 23))
        );
    }

    #[test]
    fn errors() {
        assert_eq!(parse_decision("", TUE, None), Err(PhraseError::Empty));
        assert_eq!(parse_decision("  \n", TUE, None), Err(PhraseError::Empty));
        for p in [
            "soon",
            "we'll decide",
            "...",
            "before Friday",
            "we won't decide within a week",
            "within several weeks",
            "by 5pm",
            "within a week of Friday",
        ] {
            assert!(
                matches!(
                    parse_decision(p, TUE, None),
                    Err(PhraseError::Unknown { .. })
                ),
                "{p}"
            );
        }
        for p in [
            "within 0 days",
            "in 3-2 weeks",
            "within 100000 weeks",
            "in 99999999999999999999999 days",
        ] {
            assert!(
                matches!(
                    parse_decision(p, TUE, None),
                    Err(PhraseError::Impossible { .. })
                ),
                "{p}"
            );
        }
        let msg = parse_decision("soon", TUE, None)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(msg.starts_with("decision phrase \"soon\" is not understood; try"));
        assert!(!msg.contains('\n'));
        let msg = parse_decision("a\nb", TUE, None)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn calendar_edges_do_not_panic() {
        for iv in [Date::MIN, Date::MAX, date(9999, 12, 25), date(-9999, 1, 2)] {
            for t in TEMPLATES {
                let p = t.replace('N', "3");
                if let Ok(r) = parse_decision(&p, iv, None) {
                    assert!(r.date >= iv, "{p}");
                }
            }
        }
    }

    /// Supported phrase forms; `N` is replaced by a number.
    const TEMPLATES: &[&str] = &[
        "within a week",
        "within N weeks",
        "in N-N weeks",
        "in N to N weeks",
        "in a few days",
        "within N business days",
        "within N working days",
        "within N days",
        "within N hours",
        "within N months",
        "a couple of weeks",
        "by Monday",
        "by Tuesday",
        "by Wednesday",
        "by Thursday",
        "by Friday",
        "by Saturday",
        "by Sunday",
        "next Monday",
        "next Wednesday",
        "next Friday",
        "next Sunday",
        "by December N",
        "by N January",
        "by February N",
        "by the end of the week",
        "by the end of next week",
        "next week",
        "early next week",
        "end of the month",
        "end of next month",
        "next month",
        "early January",
        "mid June",
        "late February",
        "end of December",
        "in March",
        "today",
        "tomorrow",
        "within a month",
        "end of the year",
        "end of the quarter",
        "by the Nrd",
    ];

    fn interview() -> impl Strategy<Value = Date> {
        (0i64..=22_280).prop_map(|n| {
            date(2000, 1, 1)
                .checked_add(Span::new().days(n))
                .unwrap_or(date(2000, 1, 1))
        })
    }

    proptest! {
        #[test]
        fn never_before_the_interview(
            iv in interview(),
            t in proptest::sample::select(TEMPLATES),
            n in 1u32..=28,
        ) {
            let p = t.replace("N-N", &format!("{n}-{}", n + 1))
                .replace("N to N", &format!("{n} to {}", n + 1))
                .replace('N', &n.to_string());
            let r = parse_decision(&p, iv, None);
            prop_assert!(r.is_ok(), "{p}: {r:?}");
            if let Ok(r) = r {
                prop_assert!(r.date >= iv, "{p}: {:?} < {iv}", r.date);
                let prefix = format!("{p:?} = ");
                prop_assert!(r.meaning.starts_with(&prefix));
            }
        }

        #[test]
        fn weeks_are_monotone(iv in interview(), n in 1u32..=200) {
            let a = parse_decision(&format!("within {n} weeks"), iv, None).map(|d| d.date);
            let b = parse_decision(&format!("within {} weeks", n + 1), iv, None).map(|d| d.date);
            prop_assert!(matches!((a, b), (Ok(a), Ok(b)) if a < b));
        }

        #[test]
        fn business_days_land_on_business_days(iv in interview(), n in 1u32..=60) {
            let r = parse_decision(&format!("within {n} business days"), iv, None);
            prop_assert!(r.is_ok_and(|r| r.date > iv && calendar::is_business_day(r.date, None)));
        }

        #[test]
        fn arbitrary_strings_do_not_panic(s in ".*", iv in interview()) {
            if let Ok(r) = parse_decision(&s, iv, None) {
                prop_assert!(r.date >= iv);
            }
        }

        #[test]
        fn word_soup_does_not_panic(
            words in proptest::collection::vec(
                proptest::sample::select(&[
                    "a", "an", "the", "by", "next", "end", "of", "week", "weeks", "day",
                    "days", "business", "working", "month", "few", "couple", "2", "3",
                    "23rd", "-", "to", "or", "and", "friday", "may", "january", "mid",
                    "early", "late", "this", "after", "2026-12-23", "0", "99999999999",
                    "twenty", "one", "hours", "fortnight", "year", "quarter", "today",
                ][..]),
                0..7,
            ),
            iv in interview(),
        ) {
            let s = words.join(" ");
            if let Ok(r) = parse_decision(&s, iv, None) {
                prop_assert!(r.date >= iv, "{s}");
            }
        }
    }
}
