//! Finding a decision phrase in running text.
//!
//! A recruiter rarely writes a bare phrase; they write "We anticipate making a
//! decision by the end of next week." The scan works in three steps, each small
//! enough to check by eye:
//!
//! 1. **Words.** The text is split at white space into words that keep their byte
//!    span. Sentence ends (`.`, `!`, `?`, `;`, a line break) and parentheses split
//!    the text into segments; a question is skipped, since it states no timeline.
//! 2. **Candidates.** Within a segment, a candidate is a run of *timeline words*
//!    (numbers, units, weekdays, months, "by", "within", "next", "end", "the", …)
//!    that the phrase reader of the parent module understands as a whole. From
//!    each word the longest such run is taken, then the scan moves past it, so
//!    "by the end of next week" is one candidate, not four.
//! 3. **Cues.** A candidate counts only when a decision cue stands near it in the
//!    same sentence ("decide", "decision", "hear back", "get back to", "let you
//!    know", "be in touch", "update", "next steps", "feedback", "offer", …), and no
//!    nearer word ties it to something else ("start on Monday", "interviews next
//!    week", "two weeks ago", "it's been a week", "won't decide within a week").
//!    The candidate with the nearest cue wins; two equally near with different
//!    dates are refused as ambiguous. "Wednesday or Thursday" and "within a week or
//!    even a few days" are ranges: the later date counts.
//!
//! ```text
//! We anticipate making a decision by the end of next week.
//!                      ^^^^^^^^ cue  ^^^^^^^^^^^^^^^^^^^^^^^ candidate, distance 0
//! we'll finish interviews this week and decide by the 18th
//!              ^^^^^^^^^^ nearer than any cue: "this week" is about the interviews
//! ```

use std::ops::Range;

use jiff::civil::Date;

use super::{month, read_tokens, tokenize, weekday, word_number, Tok};
use crate::calendar::Region;

/// The longest run of words tried as one candidate.
const MAX_WORDS: usize = 12;
/// How far (in words) a cue may stand from its candidate.
const CUE_REACH: usize = 12;

/// A timeline found in the text.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub date: Date,
    pub how: String,
    pub read: String,
    pub span: Range<usize>,
    first: usize,
    last: usize,
}

/// What the scan found.
pub(super) enum Found {
    None,
    One(Candidate),
    Two(Candidate, Candidate),
}

/// One token with where it came from.
struct Word {
    tok: Tok,
    /// The white-space separated chunk, lower-cased, punctuation trimmed.
    chunk: String,
    span: Range<usize>,
    /// The chunk starts with a capital letter.
    cap: bool,
    seg: usize,
    sentence: usize,
}

/// Words that may stand in a candidate, besides numbers, weekdays and months.
#[rustfmt::skip]
const VOCAB: &[&str] = &[
    "by", "within", "in", "until", "till", "over", "on", "before", "after", "at", "no",
    "later", "than", "latest", "very", "the", "of", "a", "an", "few", "couple", "to", "or",
    "and", "next", "this", "coming", "following", "another", "first", "early", "mid",
    "middle", "midweek", "late", "end", "beginning", "start", "today", "tomorrow",
    "tonight", "eod", "cob", "eow", "eom", "close", "business", "working", "day", "days",
    "week", "weeks", "weekend", "month", "months", "hour", "hours", "fortnight",
    "fortnights", "workday", "workdays", "year", "years", "quarter", "holidays",
    "christmas", "xmas", "thanksgiving", "new", "so", "around", "about", "approximately",
    "roughly", "from", "now", "interview", "your", "their", "final", "applying", "right",
    "during", "sometime", "time",
];

/// Words a candidate may not start with.
const NO_HEAD: &[&str] = &[
    "of",
    "and",
    "or",
    "to",
    "so",
    "than",
    "later",
    "latest",
    "very",
    "interview",
    "your",
    "their",
    "final",
    "applying",
    "now",
    "time",
];

/// Words a candidate may not end with.
const NO_TAIL: &[&str] = &[
    "by", "within", "in", "until", "till", "over", "on", "before", "after", "at", "the", "of", "a",
    "an", "to", "or", "and", "no", "next", "this", "from", "your", "their", "final", "very",
    "around", "about",
];

/// A word just before the candidate that makes it about the past or a span of time
/// rather than a deadline: "last week", "for two weeks", "it's been a week",
/// "after a week" (the reader's own wait), "before Friday".
const BAD_BEFORE: &[&str] = &[
    "last", "past", "previous", "for", "been", "every", "than", "since", "after", "before", "per",
    "each", "beyond", "longer", "least",
];

/// A word just after the candidate with the same effect: "two weeks ago", "a week of
/// silence", "two weeks later", "two weeks' notice".
const BAD_AFTER: &[&str] = &[
    "ago", "notice", "since", "of", "later", "before", "after", "earlier", "old", "long",
];

/// Negations: "we won't decide within a week" is no timeline.
const NEGATIONS: &[&str] = &[
    "not", "never", "won't", "wont", "cannot", "can't", "cant", "unable", "don't", "dont",
    "didn't", "doesn't", "isn't", "wasn't", "no",
];

/// "haven't heard in two weeks" looks back; "if I hadn't heard by the 24th" is a
/// deadline. These negate a candidate without "by" or "until".
const PERFECT_NEGATIONS: &[&str] = &["haven't", "hasn't", "hadn't", "havent", "hasnt", "hadnt"];

/// Words that tie a following timeline to something other than the decision.
const COUNTER_CUES: &[&str] = &[
    "start",
    "starting",
    "starts",
    "started",
    "begin",
    "join",
    "joining",
    "interview",
    "interviews",
    "interviewing",
    "interviewed",
    "meeting",
    "meet",
    "appt",
    "appointment",
    "schedule",
    "scheduled",
    "come",
    "applied",
    "apply",
    "closed",
    "leave",
    "vacation",
    "resign",
    "accepted",
    "return",
    "returns",
];

/// Single words that announce a decision or an answer.
#[rustfmt::skip]
const CUES: &[&str] = &[
    "decide", "decides", "deciding", "decision", "decisions", "hear", "hearing",
    "touch", "contact", "call", "calling", "notify", "notified", "inform", "informed",
    "update", "updates", "feedback", "answer", "outcome", "offer", "respond", "response",
    "reply", "select", "selecting", "selection", "result", "results", "news", "expect",
    "expecting", "anticipate", "anticipated", "estimate", "timeline", "timeframe",
    "steps", "mind", "advise", "wait", "verdict", "finalize", "finalise", "take", "takes",
    "contract", "status",
];

/// Finds the decision timeline in `text`.
pub(super) fn find(text: &str, interview: Date, region: Option<&Region>) -> Found {
    let words = words(text);
    let mut found = candidates(&words, interview, region);
    merge_ranges(&words, &mut found);
    for c in &mut found {
        (c.read, c.span) = quote(text, &c.span);
    }
    // A timeline the text moves the decision to ("pushing back the decision date to
    // Dec. 1st") outranks the one it replaces.
    let mut scored: Vec<((bool, usize), Candidate)> = found
        .into_iter()
        .filter_map(|c| score(&words, &c).map(|s| ((!revised(&words, &c), s), c)))
        .collect();
    scored.sort_by_key(|(s, c)| (*s, c.first));
    let mut it = scored.into_iter();
    let Some((best_score, best)) = it.next() else {
        return Found::None;
    };
    match it.find(|(s, c)| *s == best_score && c.date != best.date) {
        Some((_, other)) => Found::Two(best, other),
        None => Found::One(best),
    }
}

/// Splits `text` into tokens that remember their chunk, segment and sentence.
fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let (mut seg, mut sentence) = (0, 0);
    let mut pos = 0;
    let mut question_from = Vec::new();
    for raw in text.split_inclusive(char::is_whitespace) {
        let start = pos;
        pos += raw.len();
        let chunk = raw.trim_end();
        if chunk.is_empty() {
            if raw.contains('\n') {
                seg += 1;
                sentence += 1;
            }
            continue;
        }
        let end = start + chunk.len();
        if chunk.starts_with(['(', '[']) {
            seg += 1;
        }
        let lower = chunk.to_lowercase().replace(['’', '‘', '`'], "'");
        let trimmed = lower
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
            .trim_matches('\'')
            .to_string();
        let cap = chunk
            .chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(char::is_uppercase);
        match tokenize(chunk) {
            Ok(toks) => {
                for tok in toks {
                    out.push(Word {
                        tok,
                        chunk: trimmed.clone(),
                        span: start..end,
                        cap,
                        seg,
                        sentence,
                    });
                }
            }
            Err(_) => seg += 1,
        }
        let tail = chunk.trim_end_matches(['"', '\'', '”', '’', ')', ']']);
        if chunk.ends_with([')', ']']) {
            seg += 1;
        }
        let abbreviation = trimmed.len() <= 4
            && (month(&trimmed).is_some()
                || matches!(
                    trimmed.as_str(),
                    "e.g" | "i.e" | "mr" | "ms" | "mrs" | "dr" | "st"
                ));
        if tail.ends_with(['.', '!', '?', ';', '…']) && !abbreviation {
            if tail.ends_with('?') {
                question_from.push(sentence);
            }
            seg += 1;
            sentence += 1;
        } else if tail.ends_with(':') {
            seg += 1;
        }
    }
    // A question states no timeline ("this week, next week or in a couple of weeks?").
    out.retain(|w| !question_from.contains(&w.sentence));
    out
}

fn is_vocab(w: &Word) -> bool {
    match &w.tok {
        Tok::Num(_) | Tok::Iso(_) | Tok::Slash(..) | Tok::Dash => true,
        Tok::Word(x) => {
            // "may", "march", "sat", "sun", "wed" are words first; only "May", "Sat".
            let risky = matches!(x.as_str(), "may" | "march" | "sat" | "sun" | "wed" | "mon");
            if risky && !w.cap {
                return false;
            }
            weekday(x).is_some()
                || month(x).is_some()
                || word_number(x).is_some()
                || VOCAB.contains(&x.as_str())
        }
    }
}

fn word_is(w: Option<&Word>, list: &[&str]) -> bool {
    matches!(w.map(|w| &w.tok), Some(Tok::Word(x)) if list.contains(&x.as_str()))
}

/// Every candidate, left to right, longest first from each start.
fn candidates(words: &[Word], interview: Date, region: Option<&Region>) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !is_vocab(&words[i]) || word_is(words.get(i), NO_HEAD) {
            i += 1;
            continue;
        }
        let mut run_end = i;
        while run_end < words.len()
            && run_end - i < MAX_WORDS
            && words[run_end].seg == words[i].seg
            && is_vocab(&words[run_end])
        {
            run_end += 1;
        }
        let mut hit = None;
        for j in (i + 1..=run_end).rev() {
            if word_is(words.get(j - 1), NO_TAIL) {
                continue;
            }
            let toks: Vec<Tok> = words[i..j].iter().map(|w| w.tok.clone()).collect();
            if bare_month(&toks) {
                continue;
            }
            if let Ok((date, how)) = read_tokens(&toks, interview, region) {
                hit = Some((j, date, how));
                break;
            }
        }
        match hit {
            Some((j, date, how)) => {
                out.push(candidate(words, i, j - 1, date, how));
                i = j;
            }
            None => i += 1,
        }
    }
    out
}

/// A month name alone ("March", "May") reads as a timeline only after "in" or
/// "during": "we'll decide in March", not "we may".
fn bare_month(toks: &[Tok]) -> bool {
    let content: Vec<&Tok> = toks
        .iter()
        .filter(|t| !matches!(t, Tok::Word(w) if matches!(w.as_str(), "the" | "of" | "by" | "until" | "till" | "around" | "about")))
        .collect();
    match content.as_slice() {
        [Tok::Word(m)] => month(m).is_some(),
        [Tok::Word(p), Tok::Word(m)] => {
            month(m).is_some()
                && !matches!(
                    p.as_str(),
                    "in" | "during"
                        | "early"
                        | "mid"
                        | "late"
                        | "end"
                        | "beginning"
                        | "start"
                        | "middle"
                )
        }
        _ => false,
    }
}

fn candidate(words: &[Word], first: usize, last: usize, date: Date, how: String) -> Candidate {
    let (a, b) = (words[first].span.start, words[last].span.end);
    Candidate {
        date,
        how,
        read: String::new(),
        span: a..b,
        first,
        last,
    }
}

/// "Wednesday or Thursday", "within a week or even a few days": the later counts.
fn merge_ranges(words: &[Word], found: &mut Vec<Candidate>) {
    let mut k = 0;
    while k + 1 < found.len() {
        let (a, b) = (&found[k], &found[k + 1]);
        let between = &words[a.last + 1..b.first];
        let joined = !between.is_empty()
            && between.iter().any(|w| w.tok.is_word("or"))
            && between.iter().all(|w| {
                matches!(&w.tok, Tok::Word(x) if matches!(x.as_str(), "or" | "even" | "perhaps" | "maybe" | "possibly"))
            });
        if joined && words[a.last].sentence == words[b.first].sentence {
            let later = if b.date >= a.date {
                b.clone()
            } else {
                a.clone()
            };
            let merged = Candidate {
                date: later.date,
                how: format!("{} (the later of the two counts)", later.how),
                read: String::new(),
                span: a.span.start..b.span.end,
                first: a.first,
                last: b.last,
            };
            found[k] = merged;
            found.remove(k + 1);
        } else {
            k += 1;
        }
    }
}

/// "pushed back to", "moved to", "postponed until": the candidate replaces an
/// earlier timeline.
fn revised(words: &[Word], c: &Candidate) -> bool {
    let Some(prev) = c.first.checked_sub(1) else {
        return false;
    };
    let to =
        word_is(words.get(prev), &["to", "until"]) || word_is(words.get(c.first), &["to", "until"]);
    to && (1..=6).any(|n| {
        prev >= n
            && word_is(
                words.get(prev - n),
                &[
                    "pushing",
                    "pushed",
                    "push",
                    "moved",
                    "moving",
                    "postponed",
                    "delayed",
                    "rescheduled",
                ],
            )
    })
}

/// Whether word `i` is a decision cue ("let … know", "get back", "hear back").
fn is_cue(words: &[Word], i: usize) -> bool {
    let Tok::Word(w) = &words[i].tok else {
        return false;
    };
    let before =
        |n: usize, list: &[&str]| (1..=n).any(|k| i >= k && word_is(words.get(i - k), list));
    match w.as_str() {
        "know" => before(3, &["let"]),
        // "get back to you", not "get back to the recruiter".
        "back" => {
            let to_someone = !word_is(words.get(i + 1), &["to"])
                || word_is(words.get(i + 2), &["you", "me", "us", "him", "her", "them"]);
            before(1, &["get", "getting", "hear", "hearing"]) && to_someone
        }
        "up" => before(2, &["follow"]),
        "wait" => !before(1, &["t", "not"]),
        // "it can take two weeks", not "take time off".
        "take" | "takes" => !word_is(words.get(i + 1), &["time", "off"]) && !before(1, &["to"]),
        "steps" => before(1, &["next"]),
        "mind" => before(2, &["up"]),
        _ => CUES.contains(&w.as_str()),
    }
}

/// How near the nearest cue is, or `None` when the candidate does not count.
fn score(words: &[Word], c: &Candidate) -> Option<usize> {
    let sentence = words[c.first].sentence;
    let in_window = |k: &usize| words[*k].sentence == sentence;
    let before = (0..c.first).rev().filter(in_window);
    let after = (c.last + 1..words.len()).filter(in_window);
    // The words on either side.
    if word_is(
        c.first.checked_sub(1).and_then(|k| words.get(k)),
        BAD_BEFORE,
    ) && words[c.first - 1].sentence == sentence
    {
        return None;
    }
    if word_is(words.get(c.last + 1), BAD_AFTER) && words[c.last + 1].sentence == sentence {
        return None;
    }
    let deadline = words[c.first..=c.last]
        .iter()
        .any(|w| matches!(&w.tok, Tok::Word(x) if matches!(x.as_str(), "by" | "until" | "till")));
    for k in before.clone().take(8) {
        let chunk = words[k].chunk.as_str();
        // "if you do not hear from us in a week" is a deadline, not a negation.
        let conditional = (1..=3).any(|n| k >= n && words[k - n].chunk == "if");
        if !conditional
            && (NEGATIONS.contains(&chunk) || (!deadline && PERFECT_NEGATIONS.contains(&chunk)))
        {
            return None;
        }
    }
    let cue_before = before
        .clone()
        .take(CUE_REACH)
        .position(|k| is_cue(words, k));
    let cue_after = after.take(CUE_REACH).position(|k| is_cue(words, k));
    let cue = match (cue_before, cue_after) {
        (Some(a), Some(b)) => a.min(b),
        (Some(a), None) | (None, Some(a)) => a,
        (None, None) => return None,
    };
    // "interviews next week" ties the week to the interviews; "after the interview"
    // only names the interview the timeline counts from.
    let counter = before.take(CUE_REACH).position(|k| {
        word_is(words.get(k), COUNTER_CUES)
            && !(1..=2)
                .any(|n| k >= n && word_is(words.get(k - n), &["after", "following", "since"]))
    });
    match counter {
        Some(n) if n < cue => None,
        _ => Some(cue),
    }
}

/// The words as written, without punctuation around them.
fn quote(text: &str, span: &Range<usize>) -> (String, Range<usize>) {
    let s = text.get(span.clone()).unwrap_or("");
    let lead = s.len() - s.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
    let body = s.trim_matches(|c: char| !c.is_alphanumeric());
    let start = span.start + lead;
    (body.to_string(), start..start + body.len())
}
