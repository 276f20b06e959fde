//! The content rules (L, M1–M7): placeholders, names and companies, the parts each
//! kind of message needs, length, subject, tone and typography.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use super::text::{find_at_start, find_in, fold, is_word_char, Doc, Norm, Seg};
use super::{Context, Diagnostic, Severity};
use crate::model::MessageKind as K;

pub(crate) fn run(doc: &Doc, ctx: &Context, out: &mut Vec<Diagnostic>) {
    for seg in doc.subject.iter().chain([&doc.body]) {
        placeholder(seg, out);
        let desperate = tone(seg, out);
        exclamations(seg, out);
        repeated_word(seg, &desperate, out);
    }
    companies(doc, ctx, out);
    greeting_rules(doc, ctx, out);
    if let Some(kind) = ctx.kind {
        parts(doc, kind, ctx.topics, out);
        length(doc, kind, out);
        subject(doc, kind, out);
    }
}

// ---------------------------------------------------------------------------
// Kinds

/// Sent by email: a subject is expected.
fn is_email(k: K) -> bool {
    matches!(
        k,
        K::ThankYou | K::FollowUp | K::FinalFollowUp | K::FeedbackRequest | K::ReplyToRejection
    )
}

/// Written to a person: a greeting and a sign-off are expected.
fn is_written(k: K) -> bool {
    is_email(k) || k == K::Letter
}

fn noun(k: K) -> &'static str {
    match k {
        K::ThankYou => "a thank-you note",
        K::Letter => "a thank-you letter",
        K::FollowUp => "a follow-up",
        K::FinalFollowUp => "a final follow-up",
        K::PhoneScript => "a phone script",
        K::Voicemail => "a voicemail",
        K::FeedbackRequest => "a feedback request",
        K::ReplyToRejection => "a reply to a rejection",
    }
}

fn rule_of(k: K) -> &'static str {
    match k {
        K::ThankYou | K::Letter => "M1",
        K::FollowUp => "M2",
        K::FinalFollowUp => "M3",
        K::PhoneScript => "M4",
        K::Voicemail => "M5",
        K::FeedbackRequest => "M6",
        K::ReplyToRejection => "T9",
    }
}

/// The word budget of each kind.
pub(crate) fn word_limit(k: K) -> usize {
    match k {
        K::ThankYou => 200,
        K::Letter => 250,
        K::FollowUp => 150,
        K::FinalFollowUp => 120,
        K::PhoneScript => 200,
        K::Voicemail => 80,
        K::FeedbackRequest => 150,
        K::ReplyToRejection => 150,
    }
}

// ---------------------------------------------------------------------------
// Phrase lists (lowercase; a trailing `*` matches any ending)

const THANKS: &[&str] = &["thank*", "grateful", "gratitude", "appreciat*"];

const INTEREST: &[&str] = &[
    "interest*",
    "excit*",
    "enthusias*",
    "eager*",
    "keen",
    "thrill*",
    "passion*",
    "love to",
    "love the chance",
    "love the opportunity",
    "would love",
    "i'd love",
    "join your",
    "join the",
    "joining your",
    "joining the",
    "to join",
    "contribut*",
    "be part of",
    "being part of",
    "fit for",
    "a great fit",
    "a strong fit",
    "a good fit",
    "great match",
    "strong match",
    "appeal*",
    "motivat*",
    "confident",
    "look forward to working",
    "looking forward to working",
    "would welcome the opportunity",
    "want to be part",
    // Interest said in other words: admiration, looking forward to the work, fit.
    "admire*",
    "impressed",
    "inspir*",
    "drawn to",
    "look forward to the opportunity",
    "looking forward to the opportunity",
    "look forward to the possibility",
    "looking forward to the possibility",
    "look forward to the chance",
    "looking forward to the chance",
    "look forward to joining",
    "look forward to helping",
    "look forward to potentially working",
    "the opportunity to help",
    "the chance to help",
    "would be a great addition",
    "would be an asset",
    "can see myself",
    "right fit",
    "perfect fit",
    "ideal fit",
    "good match",
    "exactly the type of",
    "exactly the kind of",
    "the kind of team i want",
    "would benefit your",
    "i would bring",
    "i can bring",
    "i could bring",
    "bring to the job",
    "bring to the role",
    "bring to the team",
    // Fit said as suiting the role or fitting in ("would suit this role", "I would fit
    // in naturally", "my skills would serve your company well").
    "would suit",
    "suits me",
    "suit me",
    "well suited",
    "i would fit",
    "i'd fit",
    "would fit in",
    "fit right in",
    "would serve your",
    "could serve your",
];

const SPECIFICS: &[&str] = &[
    "discuss*",
    "our conversation",
    "our chat",
    "you mentioned",
    "you describ*",
    "you shared",
    "you explained",
    "you asked",
    "you raised",
    "you showed",
    "you told me",
    "you told us",
    "you said",
    "hearing you",
    "walk* me through",
    "walk* us through",
    "walked through",
    "your account of",
    "your explanation of",
    "your description of",
    "your overview of",
    "your story about",
    "your story of",
    "your example of",
    "your suggestion",
    "your questions about",
    "your question on",
    "you're planning",
    "you are planning",
    "you're building",
    "you are building",
    "you're working on",
    "you are working on",
    "the conversation about",
    "been thinking about",
    "keep thinking about",
    "conversation about",
    "talking about",
    "talked about",
    "talking through",
    "learning about",
    "learning more about",
    "learn more about",
    "learn about",
    "hearing more about",
    "the tour",
    "tour of",
    "learning how",
    "learned about",
    "hearing about",
    "hearing how",
    "hearing your",
    "heard about",
    "hear about",
    "hear how",
    "your point about",
    "your question about",
    "your perspective on",
    "your insight*",
    "when we spoke",
    "we spoke about",
    "we talked",
    "we covered",
    "touched on",
    "especially",
    "particularly",
    "in particular",
    "specifically",
    "the challenge*",
    "your plans for",
    "your team's",
    "your approach to",
    "how your team",
    "how the team",
    "the project*",
    "the roadmap",
    "the migration",
    "the launch",
    "the demo",
    "the case study",
    "the exercise",
    "the whiteboard",
    "the problem of",
    "the question about",
    "the question of",
    "the part about",
    "our talk",
    "talk with you about",
    "talking with you about",
    "about how",
    "stuck with me",
    "stayed with me",
    "reminded me",
    "made me think",
];

const CALL_TO_ACTION: &[&str] = &[
    "next step*",
    "timeline",
    "time frame",
    "timeframe",
    "update",
    "updates",
    "any news",
    "hear back",
    "expect to hear",
    "when i might",
    "when i can expect",
    "when to expect",
    "when you expect",
    "when you anticipate",
    "decision",
    "where things stand",
    "status",
    "hiring process",
    "anything else",
    "anything further",
    "additional information",
    "other information",
    "anything you need",
    "if you need",
    "if there's anything",
    "if there is anything",
    "happy to provide",
    "glad to provide",
    "happy to share",
    "let me know",
    "get back to me",
    "keep me in mind",
    "future opportunit*",
    "keep in touch",
    "stay in touch",
    "the process",
];

const CALLBACK: &[&str] = &[
    "call me back",
    "call back",
    "callback",
    "return my call",
    "reach me at",
    "reach me on",
    "give me a call",
    "call me at",
    "you can reach me",
    "my number is",
];

const CLOSINGS: &[&str] = &[
    "best",
    "regards",
    "kind regards",
    "kindest regards",
    "with kind regards",
    "with best regards",
    "with warm regards",
    "with warmest regards",
    "with best wishes",
    "very best",
    "warm regards",
    "warmest regards",
    "best regards",
    "warmly",
    "sincerely",
    "yours sincerely",
    "sincerely yours",
    "yours faithfully",
    "yours truly",
    "respectfully",
    "thank you",
    "thanks",
    "many thanks",
    "thanks again",
    "thank you again",
    "with gratitude",
    "with thanks",
    "with appreciation",
    "gratefully",
    "cheers",
    "all the best",
    "best wishes",
    "warm wishes",
    "take care",
    "talk soon",
    "speak soon",
    "yours",
];

/// Pushy phrases and what to write instead. Each is anchored to what makes it pushy
/// (a demand on the reader), so that "I need to know more about the rota" or "I have
/// been waiting for a chance like this" pass.
const PUSHY: &[(&str, &str)] = &[
    ("i need an answer", "I would appreciate an update"),
    ("i need a decision", "I would appreciate an update"),
    ("i need your decision", "I would appreciate an update"),
    ("i need to know by", "I would appreciate knowing"),
    ("i need to know if", "I would appreciate knowing"),
    ("i need to know whether", "I would appreciate knowing"),
    ("i need to know today", "I would appreciate knowing"),
    ("i need to know now", "I would appreciate knowing"),
    ("i need to know soon", "I would appreciate knowing"),
    ("i need to know your decision", "I would appreciate knowing"),
    ("i need to know the outcome", "I would appreciate knowing"),
    ("i need to know where i stand", "I would appreciate knowing"),
    ("i need to hear back", "I would appreciate an update"),
    ("i need a response", "I would appreciate an update"),
    ("i need a reply", "I would appreciate an update"),
    ("why haven't i heard", "I wanted to check in"),
    ("why have i not heard", "I wanted to check in"),
    ("why hasn't anyone", "I wanted to check in"),
    ("you haven't responded", "I wanted to check in"),
    ("you have not responded", "I wanted to check in"),
    ("you never replied", "I wanted to check in"),
    ("you still haven't", "I wanted to check in"),
    ("i expect a response", "I would appreciate an update"),
    ("i expect an answer", "I would appreciate an update"),
    ("i expect to hear", "I hope to hear"),
    ("respond immediately", "reply when you can"),
    ("reply immediately", "reply when you can"),
    ("answer immediately", "reply when you can"),
    ("get back to me immediately", "get back to me when you can"),
    ("get back to me today", "get back to me when you can"),
    ("urgently", "soon"),
    ("is urgent", "is timely"),
    ("urgent repl*", "reply when you can"),
    ("urgent response", "reply when you can"),
    ("urgent answer", "reply when you can"),
    ("urgent update", "an update when you can"),
    ("urgent matter", "timely question"),
    ("urgent request", "request"),
    ("i demand", "I would appreciate"),
    ("this is my second email", "I wanted to follow up"),
    ("this is my third email", "I wanted to follow up"),
    ("per my last email", "as I mentioned"),
    ("as i said in my last", "as I mentioned"),
    ("still waiting", "checking in"),
    ("failed to respond", "have been busy"),
    ("you must repl*", "could you reply"),
    ("you must respond", "could you reply"),
    ("you must answer", "could you reply"),
    ("you must get back", "could you get back"),
    ("you must let me know", "could you let me know"),
    ("you must tell me", "could you tell me"),
    ("you must decide", "when you have decided"),
    ("you must call", "could you call"),
];

/// Waiting for them, said as a reproach: "I've been waiting" + one of
/// [`WAITING_FOR`] ("I have been waiting for a chance like this" is fine).
const WAITING: &[&str] = &[
    "i've been waiting",
    "i have been waiting",
    "i've waited",
    "i have waited",
    "i am waiting",
    "i'm waiting",
];
const WAITING_FOR: &[&str] = &[
    "for * repl*",
    "for * response*",
    "for * answer*",
    "for * update*",
    "for * decision",
    "for repl*",
    "for news",
    "for weeks",
    "for days",
    "for over",
    "for more than",
    "to hear",
    "since",
    "patiently",
    "all week",
];

/// Time pressure that is pushy about the reader's reply ("reply ASAP") but not about
/// the writer's own availability ("I could start right away") or thanks ("thank you
/// for getting back to me right away").
const HURRY: &[(&str, &str)] = &[
    ("asap", "at your convenience"),
    ("as soon as possible", "when you have a moment"),
    ("right away", "when you can"),
    ("by end of day", "when you can"),
    ("by the end of the day", "when you can"),
    ("by eod", "when you can"),
];
/// Words in the clause before a [`HURRY`] phrase that make it about the writer.
const HURRY_FINE: &[&str] = &[
    "i can",
    "i could",
    "i will",
    "i'll",
    "i am able",
    "i'm able",
    "be able",
    "i am ready",
    "i'm ready",
    "availab*",
    "start*",
    "begin",
    "relocat*",
    "join*",
    "onboard*",
    "thank*",
    "grateful",
    "appreciate you",
    "appreciated",
    "send*",
    "submit*",
];

/// The pushy phrases of a normalised text, with what to write instead, in the order of
/// the text.
fn pushy(n: &Norm) -> Vec<(Range<usize>, &'static str)> {
    let t = &n.text;
    let mut out: Vec<(Range<usize>, &'static str)> = Vec::new();
    for (pat, instead) in PUSHY {
        out.extend(n.find(pat).into_iter().map(|r| (r, *instead)));
    }
    for w in WAITING {
        for r in n.find(w) {
            let rest = t[r.end..].trim_start();
            let at = t.len() - rest.len();
            let hit = WAITING_FOR.iter().find_map(|p| find_at_start(rest, p));
            if let Some(m) = hit {
                out.push((r.start..at + m.end, "I wanted to check in"));
            }
        }
    }
    for (pat, instead) in HURRY {
        for r in n.find(pat) {
            // The clause before: back to the last punctuation, at most 80 bytes.
            let mut from = r.start.saturating_sub(80);
            while !t.is_char_boundary(from) {
                from += 1;
            }
            let clause = &t[from..r.start];
            let clause = clause
                .rfind(['.', '!', '?', ';', ',', ':'])
                .map_or(clause, |i| &clause[i + 1..]);
            if !HURRY_FINE.iter().any(|p| !find_in(clause, p).is_empty()) {
                out.push((r, *instead));
            }
        }
    }
    out.extend(impatience(t));
    out.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    out.dedup_by(|b, a| b.0.start < a.0.end);
    out
}

/// The patterns of impatience and blame, over the structure of a sentence rather than
/// fixed phrases (lowercase, on the normalised text).
struct Impatience {
    /// Delay words that make a question a complaint ("why is this taking so long?").
    delay_question: Regex,
    /// Asking why nothing came: "why I haven't heard anything back", "why hasn't
    /// anyone replied", wherever it stands.
    why_not: Regex,
    /// The reader's promise: "you said you'd get back to me on Monday".
    promise: Regex,
    /// ... held against a later moment: "and it's Tuesday now", "still nothing".
    later: Regex,
    /// Blame: "you never replied", "you failed to", "nobody has bothered".
    blame: Regex,
}

fn impatience_res() -> &'static Impatience {
    static RE: OnceLock<Impatience> = OnceLock::new();
    RE.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("impatience pattern");
        Impatience {
            delay_question: re(concat!(
                r"\b(?:so long|this long|that long|how much longer|taking forever|",
                r"still (?:no|not|nothing|waiting)|",
                r"(?:haven't|have not|hasn't|has not) (?:i |anyone |anybody |you |the team )?",
                r"(?:heard|gotten|got|received|replied|responded|answered)|",
                r"(?:no|any) (?:reply|response|answer|word) yet|what(?:'s| is) the holdup|",
                r"what(?:'s| is) taking)\b",
            )),
            why_not: re(concat!(
                r"\bwhy (?:i|we) (?:still )?(?:haven't|have not|hasn't|didn't|did not|never) ",
                r"(?:\w+ ){0,2}(?:heard|received|gotten|got)\b|",
                r"\bwhy (?:you|nobody|no one|no-one|they|the team|anyone) (?:still )?",
                r"(?:haven't|have not|hasn't|has not|didn't|did not|never) (?:\w+ ){0,2}",
                r"(?:replied|responded|answered|called|gotten back|got back|contacted|written|emailed|",
                r"heard|given|gave|told)\b|",
                r"\bwhy (?:haven't|hasn't|have not|has not|didn't|did not) ",
                r"(?:i|we|you|anyone|anybody|someone|the team|they|nobody)\b",
            )),
            promise: re(concat!(
                r"\byou (?:said|promised|told me|assured me|mentioned|stated)\b[^.?!;]*?",
                r"\b(?:you'd|you would|you'll|you will|i'd|i would|i'll|i will|we'd|we would|",
                r"that you'd|that you would|that i'd|that i would)\b",
            )),
            later: re(concat!(
                r"\b(?:and|but|yet) (?:now )?(?:it's|it is|it's been|it has been|it's now|today is|",
                r"here we are|we're|we are|nothing|still)\b|",
                r"\bit's (?:now )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
                r"(?: now| already)|",
                r"\b(?:still|yet) (?:no|nothing|haven't|have not|hasn't|not)\b|",
                r"\bi (?:still )?(?:haven't|have not) (?:heard|received|gotten)\b|",
                r"\b(?:over|more than|almost) (?:a|one|two|three|four|\d+) (?:week|day)s? ",
                r"(?:later|ago|now|since|have passed)\b",
            )),
            blame: re(concat!(
                r"\byou (?:never|still haven't|still have not|didn't bother|did not bother|",
                r"failed to|forgot to|neglected to|keep ignoring|have ignored|ignored my|",
                r"haven't bothered|have not bothered)\b|",
                r"\b(?:nobody|no one|no-one) (?:has |had |ever )?(?:bothered|cared|got back|gotten back|",
                r"replied|responded|answered|called me)\b",
            )),
        }
    })
}

/// The impatient or blaming sentences of a normalised text, with what to write
/// instead.
fn impatience(t: &str) -> Vec<(Range<usize>, &'static str)> {
    let re = impatience_res();
    let mut out = Vec::new();
    // Sentences, with their final mark.
    let mut sentences: Vec<Range<usize>> = Vec::new();
    let mut start = 0;
    for (i, c) in t.char_indices() {
        if matches!(c, '.' | '!' | '?' | '\n') {
            let end = i + c.len_utf8();
            if t[start..end].trim().len() > 1 {
                sentences.push(start..end);
            }
            start = end;
        }
    }
    if t[start..].trim().len() > 1 {
        sentences.push(start..t.len());
    }
    let trim = |r: &Range<usize>| {
        let s = &t[r.clone()];
        let lead = s.len() - s.trim_start().len();
        r.start + lead..r.end
    };
    for (k, r) in sentences.iter().enumerate() {
        let s = &t[r.clone()];
        let question = s.trim_end().ends_with('?');
        let hit = if question && re.delay_question.is_match(s) {
            Some("I wanted to ask whether there is any update on the timeline")
        } else if re.why_not.is_match(s) {
            Some("I wanted to check in on where things stand")
        } else if re.blame.is_match(s) {
            Some("I wanted to follow up on my earlier note")
        } else if re.promise.is_match(s)
            && (s.trim_end().ends_with('!')
                || re.later.is_match(s)
                || sentences
                    .get(k + 1)
                    .is_some_and(|n| re.later.is_match(&t[n.clone()])))
        {
            Some("I wanted to check in, as I know you hoped to decide around now")
        } else {
            None
        };
        if let Some(instead) = hit {
            out.push((trim(r), instead));
        }
    }
    out
}

const DESPERATE: &[&str] = &[
    "i'll do anything",
    "i will do anything",
    "i would do anything",
    "i'd do anything",
    "please please",
    "please, please",
    "i really need this job",
    "i need this job",
    "i really need this",
    "i desperately",
    "desperate*",
    "begging",
    "i beg",
    "please give me a chance",
    "please hire me",
    "my last hope",
    "my only hope",
    "i'll work for free",
    "i will work for free",
    "i'll take anything",
    "i will take anything",
    "any salary",
    "i can't afford to lose",
    "if i don't get this job",
    "if i don't get the job",
    "if i do not get this job",
    "i don't know what i'll do",
    "i don't know what i will do",
];

/// Words right before a company name that make it the company the message is about:
/// "join Globex", "the role at Globex", "joining your team at Globex". They win over
/// any sign of past experience in the sentence.
const TARGET_BEFORE: &[&str] = &[
    "join",
    "joining",
    "role at",
    "role with",
    "roles at",
    "position at",
    "position with",
    "job at",
    "job with",
    "opening at",
    "openings at",
    "opportunity at",
    "opportunity with",
    "opportunities at",
    "your team at",
    "the team at",
    "interview at",
    "interview with",
    "interviews at",
    "interviews with",
    "interviewing at",
    "interviewing with",
    "interviewed at",
    "interviewed with",
    "apply to",
    "applying to",
    "applied to",
    "application to",
    "application at",
    "application with",
    "offer from",
    "to work at",
    "to work for",
    "to work with",
    "help",
    "helping",
    "contribute to",
    "contributing to",
    "experience to",
    "skills to",
    "background to",
    "bring that to",
    "bring this to",
    "bring it to",
    "meeting",
    "visiting",
];

/// Words right after "the"/"your" + a company name that make it the company the
/// message is about: "the Globex team", "the Globex role".
const TARGET_AFTER: &[&str] = &[
    "role",
    "position",
    "opening",
    "opportunity",
    "interview",
    "offer",
    "team",
    "job",
    "hiring",
];

/// Signs that a sentence is about past experience (lowercase phrases; see
/// [`Norm::find`]): "Having led ... at Globex", "In my five years with Globex",
/// "Globex taught me".
const EXPERIENCE: &[&str] = &[
    "previous*",
    "former*",
    "having",
    "before joining",
    "while at",
    "while working",
    "while i was",
    "when i was",
    "when i worked",
    "during my",
    "my time",
    "my years",
    "my * years",
    "years at",
    "years with",
    "year at",
    "year with",
    "months at",
    "months with",
    "back at",
    "back when",
    "my role",
    "my job",
    "my position",
    "my team",
    "my work",
    "my current",
    "my last",
    "my old",
    "my first",
    "my tenure",
    "my internship",
    "currently at",
    "currently work*",
    "at my",
    "i was a",
    "i was an",
    "i was the",
    "i was at",
    "i was with",
    "i was on",
    "i was part of",
    "i've been at",
    "i have been at",
    "i've been with",
    "i have been with",
    "i've been working",
    "i have been working",
    "employer",
    "intern*",
    "where i",
    "where i've",
    "where we",
    "where my",
    "taught me",
    "gave me",
    "showed me",
    "trained me",
];

/// "I led", "we shipped", "I've also built", "I recently left": the writer's own past
/// work, anywhere in the sentence of the name.
fn past_work_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"\b(?:i|we)(?:'ve| have| had)?(?: (?:also|then|later|once|first|still|\w+ly))? ",
            r"(?:led|built|rebuilt|ran|managed|worked|spent|designed|redesigned|developed|",
            r"launched|shipped|founded|co-founded|created|grew|scaled|maintained|migrated|",
            r"owned|supervised|oversaw|headed|introduced|implemented|delivered|improved|",
            r"reduced|cut|automated|moved|started|began|joined|left|held|handled|mentored|",
            r"coached|trained|wrote|rewrote|architected|engineered|analy[sz]ed|",
            r"coordinated|organi[sz]ed|helped|learned|learnt|stayed|served|supported|",
            r"drove|halved|doubled|saved|won|taught|set up|established|inherited|",
            r"resigned|quit|retired|contributed|deployed|modernized|modernised|",
            r"ported|replaced|consolidated|streamlined|negotiated|hired|recruited)\b",
        ))
        .expect("past work pattern")
    })
}

// ---------------------------------------------------------------------------
// Placeholders

fn placeholder_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"\{\{[^{}\n]{0,40}\}\}",
            r"|\{[A-Za-z_][A-Za-z0-9_ .\-]{0,30}\}",
            r"|\[[^\[\]\n]{1,40}\]",
            r"|<[A-Za-z][A-Za-z0-9_ .\-]{0,30}>",
            r"|\b(?:X{2,}|TODO|TBD|FIXME|TKTK)\b",
            r"|_{3,}",
            r"|(?i:lorem ipsum)",
        ))
        .expect("placeholder pattern")
    })
}

fn placeholder(seg: &Seg, out: &mut Vec<Diagnostic>) {
    let text = seg.text;
    for m in placeholder_re().find_iter(text) {
        let s = m.as_str();
        if s.starts_with('[') {
            // A Markdown link `[text](url)` or a footnote `[1]` is not a placeholder.
            if text[m.end()..].starts_with('(') || !s.chars().any(char::is_alphabetic) {
                continue;
            }
        }
        if s.starts_with('<') {
            // `<br>`, `<p>`: markup, not a placeholder.
            let inner = s.trim_matches(['<', '>']).to_ascii_lowercase();
            if ["br", "p", "b", "i", "u", "div", "span", "em", "strong"].contains(&inner.as_str()) {
                continue;
            }
        }
        out.push(seg.diag(
            m.range(),
            "placeholder",
            Severity::Error,
            format!("placeholder `{s}` left in the text (L)"),
            Some("replace it with the real value".into()),
        ));
    }
}

/// The ranges of placeholder findings, for the other rules to skip.
pub(crate) fn placeholder_ranges(seg: &Seg) -> Vec<Range<usize>> {
    placeholder_re()
        .find_iter(seg.text)
        .map(|m| m.range())
        .collect()
}

// ---------------------------------------------------------------------------
// Tone and typography

/// Pushy and desperate phrases; returns the desperate ones (for `repeated-word` to
/// leave "please please" alone).
fn tone(seg: &Seg, out: &mut Vec<Diagnostic>) -> Vec<Range<usize>> {
    for (r, instead) in pushy(&seg.norm) {
        let r = seg.orig(r);
        let found = &seg.text[r.clone()];
        out.push(seg.diag(
            r,
            "pushy",
            Severity::Warning,
            format!("\"{found}\" sounds pushy; stay polite and patient (L)"),
            Some(format!("\"{instead}\"")),
        ));
    }
    // Every match, sorted; overlapping ones ("please, please" in "please, please
    // hire me") count once.
    let mut taken: Vec<Range<usize>> = DESPERATE.iter().flat_map(|p| seg.norm.find(p)).collect();
    taken.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    taken.dedup_by(|b, a| b.start < a.end);
    for r in &taken {
        let r = seg.orig(r.clone());
        let found = &seg.text[r.clone()];
        out.push(seg.diag(
            r,
            "desperate",
            Severity::Warning,
            format!("\"{found}\" sounds desperate; show interest, not need (L)"),
            Some("say why you would do the job well instead".into()),
        ));
    }
    taken
}

fn exclamations(seg: &Seg, out: &mut Vec<Diagnostic>) {
    let text = seg.text;
    let mut singles = 0;
    let mut i = 0;
    let b = text.as_bytes();
    while i < b.len() {
        if b[i] != b'!' {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i] == b'!' || b[i] == b'?' && i > start) {
            i += 1;
        }
        if i - start >= 2 {
            out.push(seg.diag(
                start..i,
                "exclamations",
                Severity::Warning,
                format!(
                    "`{}`: one mark is enough in a professional note (L)",
                    &text[start..i]
                ),
                Some("!".into()),
            ));
        } else {
            singles += 1;
            if singles == 3 {
                out.push(seg.diag(
                    start..i,
                    "exclamations",
                    Severity::Warning,
                    "three or more exclamation marks in one message; keep at most two (L)",
                    Some(".".into()),
                ));
            }
        }
    }
}

/// "the the"; not inside a phrase already found desperate ("please please").
fn repeated_word(seg: &Seg, desperate: &[Range<usize>], out: &mut Vec<Diagnostic>) {
    let desperate: Vec<Range<usize>> = desperate.iter().map(|r| seg.orig(r.clone())).collect();
    let mut d = 0;
    const FINE: &[&str] = &["had", "that", "is", "do", "very", "bye", "so", "ha"];
    for pair in seg.words.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.in_address || b.in_address {
            continue;
        }
        while desperate.get(d).is_some_and(|r| r.end <= a.range.start) {
            d += 1;
        }
        if desperate
            .get(d)
            .is_some_and(|r| r.start <= a.range.start && b.range.end <= r.end)
        {
            continue;
        }
        let (wa, wb) = (seg.word(a), seg.word(b));
        let gap = &seg.text[a.range.end..b.range.start];
        if !wa.eq_ignore_ascii_case(wb)
            || gap.is_empty()
            || !gap.chars().all(char::is_whitespace)
            || gap.matches('\n').count() > 1
            || wa.chars().all(|c| c.is_ascii_digit())
            || FINE.contains(&wa.to_lowercase().as_str())
        {
            continue;
        }
        out.push(seg.diag(
            a.range.end..b.range.end,
            "repeated-word",
            Severity::Warning,
            format!("\"{wa}\" is repeated (L)"),
            Some(format!("remove the second \"{wb}\"")),
        ));
    }
}

// ---------------------------------------------------------------------------
// Companies

const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "inc.",
    "llc",
    "ltd",
    "ltd.",
    "limited",
    "corp",
    "corp.",
    "corporation",
    "co",
    "co.",
    "gmbh",
    "plc",
    "ag",
    "sa",
    "s.a.",
    "bv",
    "pty",
    "llp",
];

/// The lowercase spellings a company goes by: "Acme Corp." → "acme corp.", "acme".
pub(crate) fn company_names(name: &str) -> Vec<String> {
    let full = Norm::new(name.trim()).text.trim().to_string();
    let mut out = vec![full.clone()];
    let mut words: Vec<&str> = full.split(' ').map(|w| w.trim_end_matches(',')).collect();
    if words.first() == Some(&"the") && words.len() > 1 {
        words.remove(0);
    }
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_SUFFIXES.contains(w)) {
        words.pop();
    }
    let short = words.join(" ");
    if short.chars().filter(|c| c.is_alphanumeric()).count() >= 2 && !out.contains(&short) {
        out.push(short);
    }
    out.retain(|n| !n.is_empty());
    out
}

fn find_company(seg: &Seg, names: &[String]) -> Vec<Range<usize>> {
    let mut hits: Vec<Range<usize>> = names.iter().flat_map(|n| seg.norm.find(n)).collect();
    hits.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    hits.dedup_by(|b, a| b.start < a.end);
    hits
}

/// The sentence around a byte range of a normalised text (at most about 240 bytes
/// each side, so that a text without full stops costs no more than a short one).
fn sentence(t: &str, at: Range<usize>) -> Range<usize> {
    let is_end = |i: usize| {
        matches!(t.as_bytes()[i], b'.' | b'!' | b'?' | b';')
            && t.as_bytes().get(i + 1).is_none_or(|&b| b == b' ')
    };
    let mut start = at.start;
    let floor = at.start.saturating_sub(240);
    while start > floor && !is_end(start - 1) {
        start -= 1;
    }
    let mut end = at.end;
    let ceil = (at.end + 240).min(t.len());
    while end < ceil && !is_end(end) {
        end += 1;
    }
    while !t.is_char_boundary(start) {
        start += 1;
    }
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    start..end
}

/// Whether a company name at `at` is named as the writer's past experience ("At
/// Globex, I led ...", "Having led the migration at Globex", "Globex taught me") rather
/// than as the company the message is about ("I'm excited to join Globex", "the role
/// at Globex").
fn experience(norm: &Norm, at: Range<usize>) -> bool {
    let t = &norm.text;
    let s = sentence(t, at.clone());
    let before = t[s.start..at.start].trim_end();
    let after = t[at.end..s.end].trim_start();
    // "the role at", but not "my previous role at".
    let ends_with = |p: &str| {
        find_in(before, p).last().is_some_and(|r| {
            let word_before = before[..r.start].split_whitespace().next_back();
            r.end == before.len()
                && !word_before.is_some_and(|w| {
                    [
                        "my", "our", "previous", "former", "last", "old", "current", "prior",
                    ]
                    .contains(&w)
                })
        })
    };
    if TARGET_BEFORE.iter().any(|p| ends_with(p)) {
        return false;
    }
    let noun = after.split(|c: char| !is_word_char(c)).next().unwrap_or("");
    if (ends_with("the") || ends_with("your")) && TARGET_AFTER.contains(&noun) {
        return false;
    }
    let sent = &t[s];
    EXPERIENCE.iter().any(|p| !find_in(sent, p).is_empty()) || past_work_re().is_match(sent)
}

fn companies(doc: &Doc, ctx: &Context, out: &mut Vec<Diagnostic>) {
    let own: Vec<String> = ctx.company.map(company_names).unwrap_or_default();
    let segs: Vec<&Seg> = doc.subject.iter().chain([&doc.body]).collect();
    let own_hits: Vec<Vec<Range<usize>>> = segs.iter().map(|s| find_company(s, &own)).collect();
    for other in ctx.other_companies {
        let names = company_names(other);
        if names.iter().any(|n| own.contains(n)) {
            continue;
        }
        for (seg, mine) in segs.iter().zip(&own_hits) {
            for r in find_company(seg, &names) {
                // A former employer in the subject is still the wrong company there.
                let in_subject = doc.subject.as_ref().is_some_and(|s| std::ptr::eq(s, *seg));
                if mine.iter().any(|m| m.start < r.end && r.start < m.end)
                    || (!in_subject && experience(&seg.norm, r.clone()))
                {
                    continue;
                }
                let r = seg.orig(r);
                let found = &seg.text[r.clone()];
                let msg = match ctx.company {
                    Some(c) => format!(
                        "names {found}, another company you applied to; this message goes to {c} (L)"
                    ),
                    None => format!("names {found}, the company of another application (L)"),
                };
                out.push(seg.diag(
                    r,
                    "wrong-company",
                    Severity::Error,
                    msg,
                    ctx.company.map(str::to_string),
                ));
            }
        }
    }
    if let Some(c) = ctx.company {
        if !own.is_empty() && own_hits.iter().all(Vec::is_empty) {
            let (seg, r) = match &doc.subject {
                Some(s) => (s, 0..s.text.len()),
                None => (&doc.body, doc.anchor()),
            };
            out.push(seg.diag(
                r,
                "no-company",
                Severity::Info,
                format!("never names {c}, the company this message goes to (M7)"),
                Some(format!("mention {c} and the role by name")),
            ));
        }
    }
    untracked_companies(doc, ctx, &own, out);
}

/// Phrases right before the name of the company a sentence wants to work for: "join
/// Initrode", "the role at Initrode", "my interview with the team at Initrode".
const WANT_AT: &[&str] = &[
    "join",
    "joining",
    "role at",
    "role with",
    "position at",
    "position with",
    "job at",
    "opening at",
    "opportunity at",
    "opportunities at",
    "your team at",
    "the team at",
    "to work at",
    "to work for",
    "working at",
    "career at",
    "offer from",
];

/// Words that follow those phrases without being a company.
const NOT_A_COMPANY: &[&str] = &[
    "I",
    "The",
    "Your",
    "Our",
    "This",
    "That",
    "A",
    "An",
    "You",
    "Team",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
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
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
];

/// A company the tracker does not know, named as the one the writer wants to join
/// ("excited to join Initrode") in a message to another company: the wrong company
/// too, as a warning (the name may be a team or a product).
fn untracked_companies(doc: &Doc, ctx: &Context, own: &[String], out: &mut Vec<Diagnostic>) {
    let Some(company) = ctx.company else { return };
    let known = |w: &str| {
        let lw = w.to_lowercase();
        own.iter().any(|n| n.split(' ').any(|p| p == lw))
            || ctx
                .other_companies
                .iter()
                .chain(ctx.people)
                .chain(ctx.known_words)
                .chain(ctx.topics)
                .chain(ctx.recipient.map(str::to_string).as_ref())
                .any(|k| {
                    k.to_lowercase()
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|p| p == lw)
                })
    };
    for seg in doc.subject.iter().chain([&doc.body]) {
        let t = &seg.norm.text;
        for p in WANT_AT {
            for r in seg.norm.find(p) {
                let o = seg.orig(r.end..(r.end + 1).min(t.len()));
                let rest = &seg.text[o.start..];
                let rest = rest.trim_start_matches([' ', '\t']);
                let at = seg.text.len() - rest.len();
                // One to three capitalised words.
                let (mut pos, mut end, mut words) = (at, at, 0);
                for w in rest.split(' ') {
                    let clean =
                        w.trim_end_matches(['.', ',', '!', '?', ';', ':', '\'', '\u{2019}']);
                    let clean = clean
                        .strip_suffix("'s")
                        .or_else(|| clean.strip_suffix("\u{2019}s"))
                        .unwrap_or(clean);
                    if words == 3
                        || clean.is_empty()
                        || !clean.chars().next().is_some_and(char::is_uppercase)
                        || !clean
                            .chars()
                            .all(|c| c.is_alphanumeric() || c == '-' || c == '&')
                    {
                        break;
                    }
                    end = pos + clean.len();
                    words += 1;
                    if clean.len() != w.len() {
                        break;
                    }
                    pos += w.len() + 1;
                }
                if words == 0 {
                    continue;
                }
                let name = &seg.text[at..end];
                let first = name.split(' ').next().unwrap_or("");
                if NOT_A_COMPANY.contains(&first) || name.split(' ').any(known) {
                    continue;
                }
                out.push(seg.diag(
                    at..end,
                    "wrong-company",
                    Severity::Warning,
                    format!("names {name} as the company you want to join; this message goes to {company} (L)"),
                    Some(company.to_string()),
                ));
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Greeting

const SALUTATIONS: &[&str] = &[
    "good morning",
    "good afternoon",
    "good evening",
    "hello there",
    "hi there",
    "greetings",
    "hello",
    "dear",
    "hey",
    "hiya",
    "hi",
];

const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "madam",
    "madame",
];

const GENERIC: &[&str] = &[
    "hiring",
    "manager",
    "managers",
    "team",
    "all",
    "there",
    "everyone",
    "everybody",
    "sir",
    "madam",
    "or",
    "and",
    "recruiter",
    "recruiters",
    "recruiting",
    "recruitment",
    "committee",
    "search",
    "panel",
    "folks",
    "friend",
    "friends",
    "colleagues",
    "hr",
    "talent",
    "acquisition",
    "to",
    "whom",
    "it",
    "may",
    "concern",
    "the",
    "members",
    "of",
    "interview",
    "interviewers",
    "people",
    "department",
    "selection",
    "board",
    "staff",
    "sir/madam",
    "again",
    // Template words: "Dear Mr./Ms. Last Name".
    "last",
    "first",
    "name",
    "lastname",
    "firstname",
    "surname",
];

struct Greeting {
    /// The greeting line in the body.
    line: Range<usize>,
    /// The name greeted, if any.
    name: Option<(Range<usize>, String)>,
}

fn greeting(doc: &Doc, ctx: &Context) -> Option<Greeting> {
    let body = &doc.body;
    let lines = body.lines();
    let starts_with_salutation = |r: &Range<usize>| {
        let lower = body.text[r.clone()].to_lowercase();
        SALUTATIONS.iter().any(|s| {
            lower.starts_with(s) && !lower[s.len()..].chars().next().is_some_and(is_word_char)
        })
    };
    // A letter opens with addresses: the greeting is the first line that starts with a
    // salutation among the first few, else the first line.
    // Lines before the greeting of a letter are short (names, streets, a date, a
    // reference line), however many there are.
    let line = lines
        .iter()
        .take(30)
        .take_while(|r| {
            starts_with_salutation(r) || body.text[(*r).clone()].split_whitespace().count() <= 10
        })
        .find(|r| starts_with_salutation(r))
        .or(lines.first())?
        .clone();
    let text = &body.text[line.clone()];
    let lower = text.to_lowercase();
    let company_words: Vec<String> = ctx
        .company
        .into_iter()
        .chain(ctx.other_companies.iter().map(String::as_str))
        .flat_map(company_names)
        .flat_map(|n| n.split(' ').map(str::to_string).collect::<Vec<_>>())
        .collect();
    let is_generic = |w: &str| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '/')
            .to_lowercase();
        w.is_empty()
            || GENERIC.contains(&w.as_str())
            || TITLES.contains(&w.as_str())
            || company_words.contains(&w)
            // "Mr./Ms.", "Mr./Mrs._____": titles to choose from.
            || (w.contains('/')
                && w.split('/').all(|p| {
                    let p = p.trim_matches(|c: char| !c.is_alphanumeric());
                    p.is_empty() || TITLES.contains(&p)
                }))
    };
    let salutation = SALUTATIONS.iter().find(|s| {
        lower.starts_with(*s)
            && !lower[s.len()..].chars().next().is_some_and(is_word_char)
            && lower.len() == text.len()
    });
    let rest_start = match salutation {
        Some(s) => s.len(),
        None => {
            // "Priya," alone on the first line.
            let words: Vec<&str> = text.trim_end_matches(',').split_whitespace().collect();
            let name_only = text.ends_with(',')
                && (1..=3).contains(&words.len())
                && words.iter().all(|w| {
                    w.chars().next().is_some_and(char::is_uppercase)
                        && w.chars().all(|c| c.is_alphabetic() || "'-.".contains(c))
                });
            if !name_only {
                return None;
            }
            0
        }
    };
    let rest = &text[rest_start..];
    let end = rest
        .find([',', ':', ';', '!', '\u{2014}'])
        .unwrap_or(rest.len());
    let part = &rest[..end];
    // Words with their offsets in the line.
    let mut first: Option<usize> = None;
    let mut last = 0;
    let mut names = Vec::new();
    let mut pos = 0;
    for w in part.split_whitespace() {
        let at = part[pos..].find(w).map_or(pos, |i| pos + i);
        pos = at + w.len();
        if is_generic(w) {
            continue;
        }
        let clean = w.trim_end_matches(['.', ',']);
        if !clean.chars().next().is_some_and(char::is_uppercase) {
            // "Dear all", "hi there": lowercase words are not names.
            continue;
        }
        first.get_or_insert(at);
        last = at + clean.len();
        names.push(clean);
    }
    let name = first.map(|f| {
        let s = line.start + rest_start + f;
        (s..line.start + rest_start + last, names.join(" "))
    });
    Some(Greeting { line, name })
}

fn name_tokens(name: &str) -> Vec<String> {
    let name = name.split('<').next().unwrap_or(name);
    name.split(|c: char| c.is_whitespace() || c == ',' || c == '"')
        // "José" and "Jose" are the same name.
        .map(|w| fold(w.trim_matches(|c: char| !c.is_alphanumeric())))
        .filter(|w| !w.is_empty() && !TITLES.contains(&w.as_str()))
        .collect()
}

fn same_person(greeted: &str, person: &str) -> bool {
    let g = name_tokens(greeted);
    let p = name_tokens(person);
    g.iter().any(|a| {
        p.iter().any(|b| {
            a == b
                || (a.chars().count() >= 3 && b.starts_with(a.as_str()))
                || (b.chars().count() >= 3 && a.starts_with(b.as_str()))
        })
    })
}

fn greeting_rules(doc: &Doc, ctx: &Context, out: &mut Vec<Diagnostic>) {
    let greeted = greeting(doc, ctx);
    let body = &doc.body;
    // A name inside a placeholder ("Dear [Interviewer's Name]") is already an error.
    let in_placeholder = |r: &Range<usize>| {
        placeholder_ranges(body)
            .iter()
            .any(|p| p.start < r.end && r.start < p.end)
    };
    if let Some((r, name)) = greeted
        .as_ref()
        .and_then(|g| g.name.clone())
        .filter(|(r, _)| !in_placeholder(r))
    {
        let recipient = ctx
            .recipient
            .map(|to| to.split('<').next().unwrap_or(to).trim())
            .filter(|to| !to.is_empty());
        match recipient {
            Some(to) if !same_person(&name, to) => out.push(body.diag(
                r,
                "wrong-name",
                Severity::Error,
                format!("greets {name}, but this message goes to {to} (L)"),
                Some(to.to_string()),
            )),
            None if !ctx.people.is_empty() && !ctx.people.iter().any(|p| same_person(&name, p)) => {
                out.push(body.diag(
                    r,
                    "wrong-name",
                    Severity::Warning,
                    format!(
                        "greets {name}, who is not a contact of this application ({}) (L)",
                        ctx.people.join(", ")
                    ),
                    None,
                ))
            }
            _ => {}
        }
    }
    let Some(kind) = ctx.kind else { return };
    if !is_written(kind) {
        return;
    }
    let placeholders = placeholder_ranges(body);
    match greeted {
        Some(Greeting { name: Some(_), .. }) => {}
        // `Dear [Name],` is already a placeholder error.
        Some(Greeting { line, .. })
            if placeholders
                .iter()
                .any(|p| line.start <= p.start && p.end <= line.end) => {}
        Some(Greeting { line, name: None }) => out.push(
            body.diag(
                line,
                "no-greeting-name",
                Severity::Warning,
                format!(
                    "the greeting names nobody; address the person by name ({})",
                    rule_of(kind)
                ),
                ctx.recipient
                    .map(|to| format!("Dear {}", to.split('<').next().unwrap_or(to).trim())),
            ),
        ),
        None => out.push(body.diag(
            doc.anchor(),
            "no-greeting-name",
            Severity::Warning,
            format!(
                "no greeting; open with the person's name ({})",
                rule_of(kind)
            ),
            Some(match ctx.recipient {
                Some(to) => format!("Dear {},", to.split('<').next().unwrap_or(to).trim()),
                None => "Dear <their name>,".to_string(),
            }),
        )),
    }
}

// ---------------------------------------------------------------------------
// The parts each kind needs

/// A signature line: one to four capitalised words ("Alex", "Priya Raman", "Penny
/// Postage", "J. Smith").
fn name_line(l: &str) -> bool {
    let words: Vec<&str> = l.split_whitespace().collect();
    (1..=4).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .all(|c| c.is_alphabetic() || "'.-\u{2019}".contains(c))
        })
}

/// Words of a last line that takes leave of the reader: "Hope to hear back from you
/// soon," "Enjoy the rest of your week," "I look forward to hearing from you."
const LEAVE_TAKING: &[&str] = &[
    "look forward",
    "looking forward",
    "hope to hear",
    "hoping to hear",
    "hear from you",
    "hear back",
    "talk soon",
    "speak soon",
    "thank*",
    "enjoy",
    "have a great",
    "have a good",
    "have a wonderful",
    "all my best",
    "until then",
    "be well",
    "get in touch",
    "hesitate to",
    "feel free to",
];

/// Words of a last sentence that, however long, looks ahead to the reader's answer and
/// so ends a letter: "I look forward to the chance to bring my skills to your team."
const LOOKING_AHEAD: &[&str] = &[
    "look forward",
    "looking forward",
    "hope to hear",
    "hoping to hear",
    "hear from you",
];

/// The last sentence of a line: "Thank you again. I look forward to hearing from you."
/// → "I look forward to hearing from you."
fn last_sentence(l: &str) -> &str {
    let body = l.trim_end_matches(['.', '!', '?', ' ']);
    body.rfind(['.', '!', '?'])
        .map_or(l, |i| l[i + 1..].trim_start())
}

fn closing(seg: &Seg) -> bool {
    let lines = seg.lines();
    let tail: Vec<&str> = lines
        .iter()
        .rev()
        .take(8)
        .map(|r| seg.text[r.clone()].trim())
        .collect();
    let has = |l: &str, pats: &[&str]| {
        let n = Norm::new(l).text;
        pats.iter().any(|p| !find_in(&n, p).is_empty())
    };
    // A short line ending in a comma, or one that takes leave, then a name; or a
    // paragraph whose last sentence takes leave ("... Please don't hesitate to get in
    // touch." / "Thanks again, and I look forward to hearing from you."), then a name.
    if tail.windows(2).any(|w| {
        let (name, before) = (w[0], w[1]);
        let last = last_sentence(before);
        let words = last.split_whitespace().count();
        name_line(name)
            && ((before.split_whitespace().count() <= 14
                && (before.ends_with(',') || has(before, LEAVE_TAKING)))
                || (words <= 14 && has(last, LEAVE_TAKING))
                || (words <= 25 && has(last, LOOKING_AHEAD)))
    }) {
        return true;
    }
    // "Thanks again. Best, Alex" at the end of a line.
    if tail.iter().take(3).any(|l| {
        let last = l.rsplit(['.', '!', '?']).next().unwrap_or(l).trim();
        last.split_once(',').is_some_and(|(c, name)| {
            let c = Norm::new(c).text;
            CLOSINGS.contains(&c.as_str()) && name_line(name)
        })
    }) {
        return true;
    }
    lines.iter().rev().take(8).any(|r| {
        let raw = seg.text[r.clone()].trim();
        // "- Sam", "— Sam Rivera": an informal sign-off.
        if let Some(name) = raw.strip_prefix(['-', '\u{2013}', '\u{2014}']) {
            let words: Vec<&str> = name.split_whitespace().collect();
            if (1..=3).contains(&words.len())
                && words
                    .iter()
                    .all(|w| w.chars().next().is_some_and(char::is_uppercase))
            {
                return true;
            }
        }
        let l = Norm::new(raw).text;
        let l = l.trim_end_matches([',', '.', '!', ' ']);
        let words = l.split(' ').count();
        // "Very warm regards", "With all good wishes".
        if words <= 4 && (l.ends_with(" regards") || l.ends_with(" wishes")) {
            return true;
        }
        CLOSINGS.iter().any(|c| {
            l.starts_with(c)
                && !l[c.len()..].chars().next().is_some_and(is_word_char)
                && (words <= 6 || seg.text[r.clone()].trim_end().ends_with(','))
        })
    })
}

fn contact(seg: &Seg) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}",
            r"|\+?\(?\d[\d\s().\-]{5,}\d",
            r"|(?i:linkedin\.com/)",
        ))
        .expect("contact pattern")
    });
    re.find_iter(seg.text).any(|m| {
        let s = m.as_str();
        s.contains('@') || s.contains('/') || s.chars().filter(char::is_ascii_digit).count() >= 7
    })
}

/// Whether a letter gives a postal address: a street line ("123 Winner's Road") or a
/// town with a postcode ("Mansfield, OH 44907", "London SW1A 1AA").
fn postal_address(seg: &Seg) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?m)^\s*\d+[A-Za-z]? [A-Z][\w'\u{2019}.]*(?: [A-Z][\w'\u{2019}.]*)* ",
            r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|",
            r"Way|Court|Ct\.?|Place|Pl\.?|Square|Terrace|Close|Crescent|Parkway|Highway)\b",
            r"|\b[A-Z]{2} \d{5}(?:-\d{4})?\b",
            r"|\b[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}\b",
        ))
        .expect("postal address pattern")
    });
    re.is_match(seg.text)
}

/// Whether a question that is not itself pushy ("why haven't I heard?") is asked.
fn asks_politely(n: &Norm) -> bool {
    let t = &n.text;
    let hits = pushy(n);
    let mut h = 0;
    t.match_indices('?').any(|(q, _)| {
        let start = t[..q].rfind(['.', '!', '?']).map_or(0, |i| i + 1);
        // Both in the order of the text: one pass over the pushy phrases.
        while hits.get(h).is_some_and(|(r, _)| r.start < start) {
            h += 1;
        }
        hits.get(h).is_none_or(|(r, _)| r.start >= q)
    })
}

/// Whether a topic from the notes is mentioned: the whole phrase, or at least half of
/// its words of four letters or more.
fn mentions(n: &Norm, topic: &str) -> bool {
    let topic = Norm::new(topic.trim()).text;
    if topic.is_empty() {
        return false;
    }
    if !n.find(&topic).is_empty() {
        return true;
    }
    let words: Vec<&str> = topic
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .collect();
    let hit = words.iter().filter(|w| !n.find(w).is_empty()).count();
    !words.is_empty() && hit * 2 >= words.len()
}

fn parts(doc: &Doc, kind: K, topics: &[String], out: &mut Vec<Diagnostic>) {
    let body = &doc.body;
    let n = &body.norm;
    let m = rule_of(kind);
    let anchor = doc.anchor();
    let mut missing = |rule: &'static str, what: String, suggestion: &str| {
        out.push(body.diag(
            anchor.clone(),
            rule,
            Severity::Warning,
            format!("{what} ({m})"),
            Some(suggestion.to_string()),
        ));
    };
    let needs_thanks = matches!(
        kind,
        K::ThankYou
            | K::Letter
            | K::FollowUp
            | K::PhoneScript
            | K::FeedbackRequest
            | K::ReplyToRejection
    );
    if needs_thanks && n.find_any(THANKS).is_none() {
        missing(
            "no-thanks",
            format!("{} that never thanks them", noun(kind)),
            "thank them for their time",
        );
    }
    if matches!(kind, K::ThankYou | K::Letter | K::FollowUp) && n.find_any(INTEREST).is_none() {
        missing(
            "no-interest",
            format!(
                "{} that does not restate your interest in the role",
                noun(kind)
            ),
            "say that you are still interested, and why you fit",
        );
    }
    // "our chat about", "our converstion about" (misspelt is still specific).
    static OUR_TALK: OnceLock<Regex> = OnceLock::new();
    let our_talk = OUR_TALK.get_or_init(|| {
        Regex::new(r"\bour [\w'-]+ (?:about|on|around|regarding)\b").expect("pattern")
    });
    if matches!(kind, K::ThankYou | K::Letter | K::PhoneScript)
        && n.find_any(SPECIFICS).is_none()
        && !our_talk.is_match(&n.text)
        && !topics.iter().any(|t| mentions(n, t))
    {
        missing(
            "no-specifics",
            format!("{} with nothing from the conversation", noun(kind)),
            "mention something you discussed (\"our conversation about ...\")",
        );
    }
    match kind {
        // A question asks something too.
        K::FollowUp | K::FinalFollowUp | K::PhoneScript
            if n.find_any(CALL_TO_ACTION).is_none() && !asks_politely(n) =>
        {
            missing(
                "no-call-to-action",
                format!("{} that asks nothing", noun(kind)),
                "ask about next steps or the timeline, or whether they need anything else",
            )
        }
        K::Voicemail if n.find_any(CALLBACK).is_none() => missing(
            "no-call-to-action",
            "a voicemail that does not ask for a callback".into(),
            "ask them to call you back, and say your number",
        ),
        _ => {}
    }
    if is_written(kind) && !closing(body) {
        let end = body.lines().last().map_or(0, |r| r.end);
        out.push(body.diag(
            end..end,
            "no-closing",
            Severity::Warning,
            format!("no sign-off at the end ({m})"),
            Some("Best regards,\n<your name>".into()),
        ));
    }
    // An email carries its reply address: a missing phone number or address is worth a
    // note only. A letter or a voicemail has nothing else (M1, M5).
    let reachable = contact(body) || (kind == K::Letter && postal_address(body));
    if matches!(kind, K::ThankYou | K::Letter | K::Voicemail) && !reachable {
        let end = body.lines().last().map_or(0, |r| r.end);
        let (rule, severity, what) = match kind {
            K::Voicemail => ("M5", Severity::Warning, "a voicemail"),
            K::Letter => ("M1", Severity::Warning, "a letter"),
            _ => (
                "M1",
                Severity::Info,
                "an email (the reply address reaches you)",
            ),
        };
        out.push(body.diag(
            end..end,
            "no-contact",
            severity,
            format!("no email address, phone number or address in {what} ({rule})"),
            Some("add your email and phone under your name".into()),
        ));
    }
}

fn length(doc: &Doc, kind: K, out: &mut Vec<Diagnostic>) {
    let limit = word_limit(kind);
    let count = doc.word_count();
    if count <= limit {
        return;
    }
    // Point at the first word past the budget.
    let body = &doc.body;
    let mut seen = 0;
    let mut at = 0..0;
    let mut pos = 0;
    for w in body.text.split_whitespace() {
        let i = body.text[pos..].find(w).map_or(pos, |i| pos + i);
        pos = i + w.len();
        if w.chars().any(char::is_alphanumeric) {
            seen += 1;
            if seen == limit + 1 {
                at = i..pos;
                break;
            }
        }
    }
    out.push(body.diag(
        at,
        "too-long",
        Severity::Warning,
        format!(
            "{count} words; {} should stay under about {limit} ({})",
            noun(kind),
            rule_of(kind)
        ),
        Some("cut to the thanks, one specific point, your interest and the ask".into()),
    ));
}

fn subject(doc: &Doc, kind: K, out: &mut Vec<Diagnostic>) {
    // A text without headers is the body of an email being written: no subject to
    // judge.
    if !is_email(kind) || !doc.headers {
        return;
    }
    match &doc.subject {
        None => out.push(
            doc.body.diag(
                0..0,
                "subject-missing",
                Severity::Warning,
                "no subject line; an email needs a simple, clear one (M2)",
                Some(
                    match kind {
                        K::ThankYou => "Subject: Thank you for today's interview",
                        K::FeedbackRequest => "Subject: Request for feedback",
                        K::ReplyToRejection => "Subject: Thank you",
                        _ => "Subject: Following up on my interview",
                    }
                    .into(),
                ),
            ),
        ),
        Some(s) => {
            let chars = s.text.trim().chars().count();
            if chars == 0 {
                out.push(s.diag(
                    0..0,
                    "subject-missing",
                    Severity::Warning,
                    "the subject is empty; an email needs a simple, clear one (M2)",
                    None,
                ));
            } else if chars > 60 {
                let cut = s.text.char_indices().nth(60).map_or(s.text.len(), |c| c.0);
                out.push(s.diag(
                    cut..s.text.len(),
                    "subject-too-long",
                    Severity::Warning,
                    format!("the subject has {chars} characters; keep it under 60 (M2)"),
                    Some("the role and what the message is, such as \"Thank you - Data Analyst interview\"".into()),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topic_from_the_notes_is_a_specific_reference() {
        let n = Norm::new("Thank you for the interview. The billing rewrite sounds great.");
        assert!(mentions(&n, "billing system rewrite"));
        assert!(!mentions(&n, "hiring plans for Berlin"));
    }

    fn sentence_experience(text: &str, name: &str) -> bool {
        let n = Norm::new(text);
        let at = n.find(name).pop().expect("the name is in the text");
        experience(&n, at)
    }

    #[test]
    fn a_former_employer_is_experience_the_company_sought_is_not() {
        for s in [
            "At Globex, I led the move to error budgets.",
            "In my five years with Globex I ran the data team.",
            "Having led the billing migration at Globex, I know the risks.",
            "Before Acme Corp, I was a data engineer at Globex.",
            "As a data engineer at Globex, I rebuilt the pipeline.",
            "Globex taught me to write runbooks.",
            "I recently left Globex after six years.",
            "At my previous role at Globex I led a similar migration.",
            "I spent four years at Globex.",
        ] {
            assert!(sentence_experience(s, "globex"), "{s}");
        }
        for s in [
            "I'm excited to join Globex.",
            "Thank you for meeting me about the role at Globex.",
            "Having led a migration before, I look forward to joining your team at Globex.",
            "I worked on this before and would love to help Globex grow.",
            "I enjoyed meeting the Globex team.",
            "I am also interviewing with Globex.",
        ] {
            assert!(!sentence_experience(s, "globex"), "{s}");
        }
    }

    #[test]
    fn pushy_only_when_it_presses_the_reader() {
        let hits = |t: &str| pushy(&Norm::new(t)).len();
        assert_eq!(hits("I know you must be busy."), 0);
        assert_eq!(hits("I could start right away."), 0);
        assert_eq!(hits("I can start ASAP if that helps."), 0);
        assert_eq!(hits("Thank you for getting back to me right away."), 0);
        assert_eq!(hits("I need to know more about the on-call rota."), 0);
        assert_eq!(hits("I have been waiting for a chance like this."), 0);
        assert_eq!(hits("I volunteered with an urgent care network."), 0);
        assert_eq!(hits("Please reply right away."), 1);
        assert_eq!(hits("Please let me know ASAP."), 1);
        assert_eq!(hits("I need to know by Friday."), 1);
        assert_eq!(hits("I have been waiting for a reply for two weeks."), 1);
        assert_eq!(hits("I've been waiting to hear back."), 1);
        assert_eq!(hits("This is urgent."), 1);
        assert_eq!(hits("You must reply today."), 1);
    }

    #[test]
    fn please_please_is_one_finding() {
        let msg = super::super::parse_message("Dear Ana,\n\nPlease please hire me.\n");
        let found = super::super::check(&msg, &Context::default());
        let rules: Vec<&str> = found.iter().map(|d| d.rule).collect();
        assert!(rules.contains(&"desperate"), "{rules:?}");
        assert!(!rules.contains(&"repeated-word"), "{rules:?}");
        let msg = super::super::parse_message("Dear Ana,\n\nI enjoyed the the talk.\n");
        let found = super::super::check(&msg, &Context::default());
        assert!(found.iter().any(|d| d.rule == "repeated-word"));
    }

    #[test]
    fn names_compare_without_accents() {
        assert!(same_person("José", "Jose Garcia"));
        assert!(same_person("Zoe", "Zoë Müller"));
        assert!(!same_person("Josh", "Jose Garcia"));
    }

    #[test]
    fn closings_with_and_kindest() {
        for c in [
            "With best regards,",
            "With kind regards,",
            "Kindest regards,",
            "Speak soon,",
        ] {
            let text = format!("Dear Ana,\n\nThanks.\n\n{c}\nSam\n");
            assert!(closing(&Seg::new(&text, 1, 1)), "{c}");
        }
        let seg = Seg::new("Dear Ana,\n\nI hope the panel sends its regards\n", 1, 1);
        assert!(!closing(&seg));
    }

    /// The rules a thank-you note with `body` (after a greeting, before a sign-off)
    /// raises.
    fn thank_you_rules(body: &str) -> Vec<&'static str> {
        let text = format!("Dear Ana,\n\n{body}\n\nBest regards,\nSam Rivera\n");
        let ctx = Context {
            kind: Some(K::ThankYou),
            ..Context::default()
        };
        super::super::check(&super::super::parse_message(&text), &ctx)
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .map(|d| d.rule)
            .collect()
    }

    #[test]
    fn interest_said_as_fit_or_as_looking_forward_to_the_chance() {
        let specific = "Thank you for our conversation about the reporting backlog.";
        for said in [
            "I look forward to the chance to bring my skills to your team.",
            "I'm sure my training would suit this role.",
            "I believe I would fit in naturally with the group.",
            "My two summers at a hardware counter would serve your company well.",
        ] {
            let rules = thank_you_rules(&format!("{specific} {said}"));
            assert!(!rules.contains(&"no-interest"), "{said}: {rules:?}");
        }
        // Looking forward to an answer, or a suit, is not interest in the role.
        for said in [
            "I look forward to hearing from you.",
            "I will wear the same suit next time.",
        ] {
            let rules = thank_you_rules(&format!("{specific} {said}"));
            assert!(rules.contains(&"no-interest"), "{said}: {rules:?}");
        }
    }

    #[test]
    fn specifics_in_what_they_said_or_showed() {
        let keen = "I am very interested in the role.";
        for said in [
            "My youth leagues match what you told me you need.",
            "I enjoyed hearing you describe what the litigation group needs.",
            "It was a pleasure to learn more about the branch network.",
            "I enjoyed hearing more about the bookshop.",
            "The tour of the warehouse made the job real to me.",
        ] {
            let rules = thank_you_rules(&format!("Thank you for meeting me. {said} {keen}"));
            assert!(!rules.contains(&"no-specifics"), "{said}: {rules:?}");
        }
        let rules = thank_you_rules(&format!("Thank you for the interview. {keen}"));
        assert!(rules.contains(&"no-specifics"), "{rules:?}");
    }

    #[test]
    fn a_paragraph_that_takes_leave_then_a_name_is_a_sign_off() {
        let ends = |last: &str| {
            let text = format!(
                "Dear Ana,\n\nThank you for meeting me about the role. {last}\n\nPriya Desai\n"
            );
            closing(&Seg::new(&text, 1, 1))
        };
        assert!(ends(
            "Thanks again, and I look forward to hearing from you."
        ));
        assert!(ends(
            "If any questions come up, please don't hesitate to get in touch."
        ));
        assert!(ends("Please feel free to contact me at any time."));
        assert!(ends(
            "I enjoyed hearing about the shop, and I look forward to the chance to bring my \
             skills and experience to your team."
        ));
        // A paragraph that ends on something else, then a name, is no sign-off.
        assert!(!ends(
            "I enjoyed our conversation about the dashboard and I am very interested."
        ));
        assert!(!ends(
            "Thank you again, and I look forward to it. The dashboard you showed me, with \
             its twelve filters and three exports, is what I built at my last job."
        ));
    }

    #[test]
    fn company_names_drop_legal_suffixes() {
        assert_eq!(company_names("Acme Corp."), vec!["acme corp.", "acme"]);
        assert_eq!(
            company_names("The Initech Group"),
            vec!["the initech group", "initech group"]
        );
    }
}
