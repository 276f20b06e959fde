//! The word lists and patterns the inbox reader uses.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "aol.com",
    "gmx.de",
    "gmx.net",
    "gmx.com",
    "web.de",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "fastmail.com",
    "hey.com",
    "tutanota.com",
    "t-online.de",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "libero.it",
    "qq.com",
    "163.com",
];

const ATS: &[&str] = &[
    "greenhouse.io",
    "greenhouse-mail.io",
    "lever.co",
    "myworkday.com",
    "workday.com",
    "ashbyhq.com",
    "smartrecruiters.com",
    "icims.com",
    "jobvite.com",
    "teamtailor.com",
    "teamtailor-mail.com",
    "personio.de",
    "personio.com",
    "recruitee.com",
    "bamboohr.com",
    "workablemail.com",
    "workable.com",
    "breezy.hr",
    "jazzhr.com",
    "applytojob.com",
    "successfactors.com",
    "taleo.net",
];

fn under_any(domain: &str, list: &[&str]) -> bool {
    let d = domain.to_lowercase();
    list.iter()
        .any(|b| d == *b || d.ends_with(&format!(".{b}")))
}

/// A free-mail domain (gmail.com, outlook.com, …): never a company's.
pub fn is_free_mail(domain: &str) -> bool {
    under_any(domain, FREE_MAIL)
}

/// An applicant-tracking system's domain (Greenhouse, Lever, Workday, …).
pub fn is_ats_domain(domain: &str) -> bool {
    under_any(domain, ATS)
}

static AUTO_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(automatic reply|auto[- ]?reply|out of (the )?office|abwesenheitsnotiz|réponse automatique|respuesta automática|autosvar)\b|\bout of (the )?office\b|\bon (annual |parental )?leave\b|\bvacation reply\b")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// A subject that says the message is an automatic reply.
pub fn is_auto_subject(subject: &str) -> bool {
    AUTO_SUBJECT.is_match(subject)
}

static ALERT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bjob alert\b|\bnew jobs?\b.*\bfor you\b|\bjobs? (you may|you might|recommended|matching)\b|\brecommended jobs?\b|\bjobs? digest\b|\bnew (roles|openings|positions) (at|for|matching)\b|\bweekly (roundup|digest|newsletter)\b|\bnewsletter\b")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// A job alert or newsletter, by subject or sender.
pub fn is_job_alert(subject: &str, from: &str) -> bool {
    ALERT.is_match(subject) || from.to_lowercase().contains("jobalerts")
}

static REJECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(decided|decision) (not to|to not) (move|proceed|progress|continue)|\b(move|moving|go|going) forward with (other|another|a different) (candidate|applicant|person)|\bnot (be )?(moving|move|proceeding|progressing) forward\b|\bwill not be (moving|proceeding|progressing|continuing|taking)\b|\bwon't be (moving|proceeding|progressing|taking)\b|\bpursue other candidates\b|\bposition has (now )?been filled\b|\bregret to inform\b|\bnot (been )?selected\b|\bunable to offer you\b|\bnot to progress\b|\bno longer (under consideration|being considered)\b|\bother candidates whose\b|\bnot be taking your application\b|\bdecided to go (in )?(a different|another) direction\b|\bdecided to proceed with (other|another)\b")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// A sentence that turns the candidate down.
pub fn is_rejection(s: &str) -> bool {
    REJECTION.is_match(s)
}

static OFFER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(pleased|delighted|happy|thrilled|excited|glad) to (extend|offer you|make you an offer|send you an offer|present you with an offer)|\bverbal offer\b|\boffer letter (is )?attached\b|\battached (is |please find )?(your|the|our) (formal |written )?offer\b|\byour offer (letter|of employment)\b|\boffer of employment\b")
        .unwrap_or_else(|e| panic!("{e}"))
});

static ACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(thank(s| you) for (applying|your application|submitting)|(we('ve| have)|has been) received your application|application (has been|was) (received|submitted)|we received your application)\b")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// An applicant-tracking system's acknowledgement that an application arrived.
pub fn is_acknowledgement(s: &str) -> bool {
    ACK.is_match(s)
}

/// A sentence that makes an offer.
pub fn is_offer(s: &str) -> bool {
    OFFER.is_match(s) && !s.trim_end().ends_with('?')
}

/// "Hi Sam," "Dear Ms. Lee," "Thanks," as a sentence of its own.
pub fn is_greeting(s: &str) -> bool {
    let l = s.trim().to_lowercase();
    (l.len() < 40
        && [
            "hi",
            "hello",
            "dear",
            "hey",
            "good morning",
            "good afternoon",
            "bonjour",
            "hallo",
            "guten tag",
            "hola",
        ]
        .iter()
        .any(|g| l.starts_with(g)))
        || l.ends_with(',') && l.split_whitespace().count() <= 3
}

static THANKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bthank(s| you)\b.{0,60}\b(time|interview|conversation|speaking|meeting|chat|opportunity)\b|\bappreciated? (the|our|your) (time|conversation|chat)\b")
        .unwrap_or_else(|e| panic!("{e}"))
});
static FINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(one (last|final) (time|check|note)|final (follow[- ]?up|check[- ]in)|last (follow[- ]?up|check[- ]in)|won't (write|reach out) again|last time i('ll| will) (write|reach out))\b")
        .unwrap_or_else(|e| panic!("{e}"))
});
static FOLLOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(follow(ing)?[- ]?up|checking in|check in|touch base|any (news|update)|an update on|status of my application|where things stand|next steps)\b")
        .unwrap_or_else(|e| panic!("{e}"))
});

/// What a message the user sent is, by its words: thank-you, follow-up or
/// final-follow-up.
pub fn sent_kind(subject: &str, body: &str) -> Option<&'static str> {
    let all = format!("{subject}\n{body}");
    if FINAL.is_match(&all) {
        Some("final-follow-up")
    } else if FOLLOW.is_match(&all) {
        Some("follow-up")
    } else if THANKS.is_match(&all) {
        Some("thank-you")
    } else {
        None
    }
}

static RETURN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:until|till|back(?: in the office)?(?: on)?|return(?:ing)?(?: to the office)?(?: on)?|returns(?: on)?|zurück am|bis(?: zum)?|de retour le|jusqu'au)\s+(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+|(?:montag|dienstag|mittwoch|donnerstag|freitag|lundi|mardi|mercredi|jeudi|vendredi),?\s+)?(?:the\s+)?(\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\.?\s+(?:of\s+)?[a-zäéû]+\.?(?:\s+\d{4})?|[a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\d{1,2}\.\d{1,2}\.(?:\d{2,4})?)")
        .unwrap_or_else(|e| panic!("{e}"))
});

fn month(word: &str) -> Option<i8> {
    let w = word.trim_end_matches('.').to_lowercase();
    let names = [
        ["jan", "january", "januar", "janvier"],
        ["feb", "february", "februar", "février"],
        ["mar", "march", "märz", "mars"],
        ["apr", "april", "april", "avril"],
        ["may", "may", "mai", "mai"],
        ["jun", "june", "juni", "juin"],
        ["jul", "july", "juli", "juillet"],
        ["aug", "august", "august", "août"],
        ["sep", "september", "sept", "septembre"],
        ["oct", "october", "oktober", "octobre"],
        ["nov", "november", "november", "novembre"],
        ["dec", "december", "dezember", "décembre"],
    ];
    names
        .iter()
        .position(|n| n.contains(&w.as_str()))
        .map(|i| i as i8 + 1)
}

/// The return date an out-of-office reply gives, the first on or after the message's
/// date, with the sentence that gives it.
pub fn return_date(body: &str, sent: Date) -> (Option<Date>, Option<String>) {
    for (_, s) in super::text::sentences(body) {
        for cap in RETURN.captures_iter(s) {
            let Some(m) = cap.get(1) else { continue };
            if let Some(d) = read_date(m.as_str(), sent) {
                return (Some(d), Some(super::text::one_line(s)));
            }
        }
    }
    let first = super::text::sentences(body)
        .into_iter()
        .map(|(_, s)| super::text::one_line(s))
        .find(|s| !is_greeting(s));
    (None, first)
}

fn read_date(text: &str, sent: Date) -> Option<Date> {
    let t = text.trim().trim_end_matches(['.', ',']);
    if let Ok(d) = t.parse::<Date>() {
        return Some(d);
    }
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty() && *w != "of")
        .collect();
    let num = |w: &str| -> Option<i16> {
        w.trim_end_matches(['.', ','])
            .trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .parse()
            .ok()
    };
    let (day, mon, year) = if t.contains('.') && words.len() == 1 {
        let parts: Vec<&str> = t.split('.').filter(|p| !p.is_empty()).collect();
        let d = parts.first()?.parse::<i16>().ok()?;
        let m = parts.get(1)?.parse::<i8>().ok()?;
        let y = parts.get(2).and_then(|y| y.parse::<i16>().ok()).map(|y| {
            if y < 100 {
                y + 2000
            } else {
                y
            }
        });
        (d, m, y)
    } else if let (Some(d), Some(m)) = (
        words.first().and_then(|w| num(w)),
        words.get(1).and_then(|w| month(w)),
    ) {
        (d, m, words.get(2).and_then(|w| num(w)))
    } else if let (Some(m), Some(d)) = (
        words.first().and_then(|w| month(w)),
        words.get(1).and_then(|w| num(w)),
    ) {
        (d, m, words.get(2).and_then(|w| num(w)))
    } else {
        return None;
    };
    let day = i8::try_from(day).ok()?;
    match year {
        Some(y) => Date::new(y, mon, day).ok(),
        None => {
            let this = Date::new(sent.year(), mon, day).ok()?;
            if this >= sent {
                Some(this)
            } else {
                Date::new(sent.year() + 1, mon, day).ok()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_dates() {
        let sent = Date::constant(2026, 3, 2);
        let cases = [
            (
                "I am out of the office until Monday, March 9 with limited access to email.",
                "2026-03-09",
            ),
            ("I'll be back on 16 March.", "2026-03-16"),
            ("I return on 2026-04-01.", "2026-04-01"),
            (
                "Ich bin ab dem 10.03. wieder da, zurück am 10.03.2026.",
                "2026-03-10",
            ),
            ("Back in the office on January 5th.", "2027-01-05"),
        ];
        for (text, want) in cases {
            let (d, _) = return_date(text, sent);
            assert_eq!(d.map(|d| d.to_string()).as_deref(), Some(want), "{text}");
        }
        assert_eq!(
            return_date("I am travelling with limited access.", sent).0,
            None
        );
    }

    #[test]
    fn domains() {
        assert!(is_free_mail("gmail.com"));
        assert!(!is_free_mail("acme.com"));
        assert!(is_ats_domain("us.greenhouse-mail.io"));
        assert!(is_ats_domain("hire.lever.co"));
    }

    #[test]
    fn cues() {
        assert!(is_rejection(
            "Unfortunately, we have decided to move forward with other candidates."
        ));
        assert!(!is_rejection("We are excited to move forward with you."));
        assert!(is_offer(
            "We are delighted to extend you an offer for the role."
        ));
        assert!(!is_offer("Are you happy to offer your references?"));
        assert_eq!(
            sent_kind("Thank you", "Thank you for your time today."),
            Some("thank-you")
        );
        assert_eq!(sent_kind("Following up", ""), Some("follow-up"));
    }
}
