//! Spelling and shouting (L), with the Hunspell dictionaries of Debian's
//! `hunspell-en-us` and `hunspell-en-gb` packages compiled in (see
//! `data/dict/README.md`) and parsed once, on first use.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use spellbook::Dictionary;

use super::rules::{company_names, placeholder_ranges};
use super::text::Seg;
use super::{Context, Diagnostic, Severity};

/// Which English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// American English (`en_US`).
    #[default]
    EnUs,
    /// British English (`en_GB`).
    EnGb,
}

impl Lang {
    /// `en_US` or `en_GB`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::EnUs => "en_US",
            Lang::EnGb => "en_GB",
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A language this build has no dictionary for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}` (expected en_US or en_GB)")]
pub struct UnknownLang(pub String);

impl std::str::FromStr for Lang {
    type Err = UnknownLang;
    fn from_str(s: &str) -> Result<Lang, UnknownLang> {
        match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
            "en_us" | "us" | "en" => Ok(Lang::EnUs),
            "en_gb" | "gb" | "uk" | "en_uk" => Ok(Lang::EnGb),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

const EN_US_AFF: &str = include_str!("../../data/dict/en_US.aff");
const EN_US_DIC: &str = include_str!("../../data/dict/en_US.dic");
const EN_GB_AFF: &str = include_str!("../../data/dict/en_GB.aff");
const EN_GB_DIC: &str = include_str!("../../data/dict/en_GB.dic");
/// Words of the trade the dictionaries lack ("onboarding", "roadmap").
const EXTRA: &str = include_str!("../../data/dict/extra.txt");

/// The dictionary of `lang`, parsed on first use (about 10–40 ms) and kept.
pub fn dictionary(lang: Lang) -> &'static Dictionary {
    static US: OnceLock<Dictionary> = OnceLock::new();
    static GB: OnceLock<Dictionary> = OnceLock::new();
    let (cell, aff, dic) = match lang {
        Lang::EnUs => (&US, EN_US_AFF, EN_US_DIC),
        Lang::EnGb => (&GB, EN_GB_AFF, EN_GB_DIC),
    };
    cell.get_or_init(|| {
        let bom = |s: &'static str| s.strip_prefix('\u{feff}').unwrap_or(s);
        let mut d = Dictionary::new(bom(aff), bom(dic)).expect("the bundled dictionary parses");
        for w in EXTRA.lines().map(str::trim) {
            if !w.is_empty() && !w.starts_with('#') {
                // A word with no flags cannot fail to parse.
                let _ = d.add(w);
            }
        }
        d
    })
}

/// Acronyms, methodologies and product names written in capitals that are also (or
/// look like) words: "the STAR method", "the WHO", "SOC 2", "SOLID", "AGILE".
const ACRONYMS: &[&str] = &[
    "AI", "AM", "API", "AWS", "BA", "BS", "CEO", "CFO", "CIO", "CMO", "COO", "CPO", "CTO", "CRM",
    "CSS", "CV", "DB", "DEI", "ERP", "ESG", "ETA", "EU", "EVP", "FAQ", "FYI", "GCP", "GPA", "GPU",
    "CPU", "HR", "HTML", "HTTP", "ID", "IDE", "IT", "IV", "JSON", "KPI", "LA", "MA", "MBA", "ML",
    "MS", "NASA", "NGO", "NLP", "NYC", "OK", "OKR", "OS", "PHD", "PM", "PR", "PS", "QA", "RAM",
    "REST", "ROI", "SAAS", "SDK", "SEO", "SF", "SQL", "SRE", "SVP", "UI", "UK", "UN", "US", "USA",
    "UX", "VP", "XML", "YAML", "IPO", "SMB", "B2B", "B2C", "CI", "CD", "ETL", "LinkedIn", "GO",
    "SAP", "CAD", "RN", "MD", "DC", "NY", "CA", "TX", "STAR", "WHO", "SOC", "SOLID", "AGILE",
    "SCRUM", "LEAN", "KANBAN", "DRY", "KISS", "YAGNI", "TDD", "BDD", "DDD", "OOP", "MATLAB",
    "COBOL", "FORTRAN", "LISP", "BASIC", "PASCAL", "SIMULINK", "LABVIEW", "SPSS", "SAS", "STATA",
    "GDPR", "HIPAA", "SOX", "PCI", "ISO", "NIST", "ITIL", "PMP", "CPA", "CFA", "ACCA", "CIMA",
    "CISSP", "SMART", "SWOT", "RACI", "MVP", "NPS", "SLA", "SLO", "OKRS", "KPIS", "APIS", "NHS",
    "FDA", "CDC", "UNICEF", "NATO", "OSHA", "FEMA", "IRS", "FBI", "UNIX", "LINUX", "ASCII", "UTF",
    "RAID", "SCADA", "PLC", "HVAC", "MRI", "ICU", "ER", "OR", "ABA", "ORACLE", "SHAP", "LIME",
    "SMOTE", "ARIMA", "BERT",
];

/// Emphasis words: in capitals they are shouting even when short ("VERY", "SO").
const EMPHASIS: &[&str] = &[
    "very",
    "really",
    "so",
    "much",
    "must",
    "need",
    "needs",
    "now",
    "today",
    "please",
    "thank",
    "thanks",
    "love",
    "best",
    "great",
    "huge",
    "truly",
    "super",
    "big",
    "all",
    "any",
    "not",
    "never",
    "ever",
    "only",
    "just",
    "more",
    "most",
    "happy",
    "glad",
    "sure",
    "real",
    "want",
    "hope",
    "excited",
    "highly",
    "extremely",
    "totally",
    "urgent",
    "always",
    "every",
    "dream",
    "perfect",
    "amazing",
    "awesome",
    "ideal",
    "top",
    "hard",
    "fast",
    "quick",
    "soon",
];

fn known_set(ctx: &Context) -> HashSet<String> {
    let mut set = HashSet::new();
    let mut add = |s: &str| {
        for w in s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-')) {
            let w = w.trim_matches(['\'', '-']);
            if !w.is_empty() {
                set.insert(w.to_lowercase());
                for part in w.split('-') {
                    set.insert(part.to_lowercase());
                }
            }
        }
    };
    for w in ctx
        .known_words
        .iter()
        .chain(ctx.people)
        .chain(ctx.other_companies)
        .chain(ctx.topics)
    {
        add(w);
    }
    for s in ctx.company.into_iter().chain(ctx.recipient) {
        add(s);
    }
    if let Some(c) = ctx.company {
        for n in company_names(c) {
            add(&n);
        }
    }
    set
}

pub(crate) fn run(doc: &super::text::Doc, ctx: &Context, out: &mut Vec<Diagnostic>) {
    // Parsing a dictionary is most of the cost of a short check: it is loaded only when
    // a word needs it.
    let dict = LazyDict(ctx.lang, OnceLock::new());
    let known = known_set(ctx);
    // Call notes are read, not sent: capitals there are labels, not shouting.
    let script = ctx.kind == Some(crate::model::MessageKind::PhoneScript);
    let mut suggestions = Suggestions::default();
    for seg in doc.subject.iter().chain([&doc.body]) {
        let skip = placeholder_ranges(seg);
        let mut p = 0;
        for (i, w) in seg.words.iter().enumerate() {
            let r = w.range.clone();
            // Both in the order of the text: one pass over the placeholders.
            while skip.get(p).is_some_and(|s| s.end <= r.start) {
                p += 1;
            }
            if w.in_address || skip.get(p).is_some_and(|s| s.start < r.end) {
                continue;
            }
            let word = seg.word(w);
            if word.chars().any(|c| c.is_ascii_digit()) {
                continue;
            }
            if let Some(caps) = in_capitals(seg, i, &dict, &known, script) {
                if caps {
                    out.push(seg.diag(
                        r,
                        "shouting",
                        Severity::Warning,
                        format!("\"{word}\" in capitals reads as shouting (L)"),
                        Some(word.to_lowercase()),
                    ));
                }
                continue;
            }
            spelling(seg, r, word, &dict, &known, ctx.lang, &mut suggestions, out);
        }
    }
}

/// The dictionary of a language, parsed on first use by this check, behind the
/// remembered verdicts (see [`load_verdicts`]).
struct LazyDict(Lang, OnceLock<&'static Dictionary>);

impl LazyDict {
    fn get(&self) -> &'static Dictionary {
        self.1.get_or_init(|| dictionary(self.0))
    }

    fn check(&self, word: &str) -> bool {
        let store = verdicts(self.0);
        if let Some(&ok) = lock(store).checks.get(word) {
            return ok;
        }
        let ok = self.get().check(word);
        let mut v = lock(store);
        v.checks.insert(word.to_string(), ok);
        v.dirty = true;
        ok
    }
}

/// What the dictionary said about words already looked up: whether each is a word, and
/// the suggestions for those that are not. Kept for the process, and saved between runs
/// by the CLI, so that checking a message again (the usual edit, check, edit loop) does
/// not parse the dictionary, which is most of the cost of a check (20-50 ms).
#[derive(Default)]
struct Verdicts {
    checks: HashMap<String, bool>,
    suggestions: HashMap<String, Option<String>>,
    dirty: bool,
}

fn verdicts(lang: Lang) -> &'static Mutex<Verdicts> {
    static US: OnceLock<Mutex<Verdicts>> = OnceLock::new();
    static GB: OnceLock<Mutex<Verdicts>> = OnceLock::new();
    match lang {
        Lang::EnUs => &US,
        Lang::EnGb => &GB,
    }
    .get_or_init(Mutex::default)
}

fn lock(m: &Mutex<Verdicts>) -> std::sync::MutexGuard<'_, Verdicts> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The first line of saved verdicts: which dictionary they come from (its language
/// and the sizes of its files, which change with any update of the word lists).
fn verdicts_header(lang: Lang) -> String {
    let (aff, dic) = match lang {
        Lang::EnUs => (EN_US_AFF, EN_US_DIC),
        Lang::EnGb => (EN_GB_AFF, EN_GB_DIC),
    };
    format!(
        "followup spelling verdicts 1 {lang} {} {} {}",
        aff.len(),
        dic.len(),
        EXTRA.len()
    )
}

/// Remembers verdicts saved by [`save_verdicts`] (ignored when they come from another
/// dictionary or are malformed).
pub fn load_verdicts(lang: Lang, text: &str) {
    let mut lines = text.lines();
    if lines.next() != Some(verdicts_header(lang).as_str()) {
        return;
    }
    let mut v = lock(verdicts(lang));
    for line in lines {
        let mut f = line.split('\t');
        match (f.next(), f.next(), f.next()) {
            (Some(w), Some("1"), None) => {
                v.checks.insert(w.to_string(), true);
            }
            (Some(w), Some("0"), None) => {
                v.checks.insert(w.to_string(), false);
            }
            (Some(w), Some("s"), s) => {
                v.suggestions.insert(
                    w.to_string(),
                    s.filter(|s| !s.is_empty()).map(str::to_string),
                );
            }
            _ => {}
        }
    }
}

/// The verdicts to save when checks looked up words the loaded ones lacked; `None`
/// when there is nothing new. At most 20,000 words are kept.
pub fn save_verdicts(lang: Lang) -> Option<String> {
    let v = lock(verdicts(lang));
    if !v.dirty || v.checks.len() + v.suggestions.len() > 20_000 {
        return None;
    }
    let mut out = verdicts_header(lang);
    out.push('\n');
    let mut checks: Vec<_> = v.checks.iter().collect();
    checks.sort();
    for (w, ok) in checks {
        if !w.contains(['\t', '\n', '\r']) {
            out.push_str(&format!("{w}\t{}\n", if *ok { 1 } else { 0 }));
        }
    }
    let mut sugg: Vec<_> = v.suggestions.iter().collect();
    sugg.sort();
    for (w, s) in sugg {
        if !w.contains(['\t', '\n', '\r']) {
            out.push_str(&format!("{w}\ts\t{}\n", s.as_deref().unwrap_or("")));
        }
    }
    Some(out)
}

/// Whether a word written in capitals is shouting: `None` when it is not in capitals,
/// `Some(false)` for acronyms and labels (spelling leaves them alone too).
fn in_capitals(
    seg: &Seg,
    i: usize,
    dict: &LazyDict,
    known: &HashSet<String>,
    script: bool,
) -> Option<bool> {
    let w = &seg.words[i];
    let word = seg.word(w);
    if !all_caps(word) {
        return None;
    }
    let r = w.range.clone();
    let lower = word.to_lowercase();
    let upper_ok = ACRONYMS.iter().any(|a| a.eq_ignore_ascii_case(word));
    // A label at the start of a line ("NOTES:") in a script.
    let line_start = seg.line_start(r.start);
    let label =
        seg.text[line_start..r.start].trim().is_empty() && seg.text[r.end..].starts_with(':');
    // "ASAP" is already pushy.
    if upper_ok || known.contains(&lower) || label || script || lower == "asap" {
        return Some(false);
    }
    if EMPHASIS.contains(&lower.as_str()) {
        return Some(true);
    }
    let is_word = |s: &str| dict.check(s);
    if !is_word(&lower) {
        // An acronym or a product we do not know, such as "HIPAA" or "NVIDIA".
        return Some(false);
    }
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    if letters > 5 {
        return Some(true);
    }
    // A short word in capitals is an acronym ("SOC 2") unless its neighbours are in
    // capitals too ("THANK YOU SO MUCH").
    let shouted = |j: usize| {
        seg.words.get(j).is_some_and(|n| {
            let t = seg.word(n);
            all_caps(t)
                && !ACRONYMS.iter().any(|a| a.eq_ignore_ascii_case(t))
                && is_word(&t.to_lowercase())
        })
    };
    Some(i.checked_sub(1).is_some_and(shouted) || shouted(i + 1))
}

fn all_caps(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !word.chars().any(char::is_lowercase)
}

/// Suggestions already computed, by word. Suggesting costs about a millisecond a word,
/// so a text full of unknown words (or not a message at all) gets suggestions for its
/// first [`Suggestions::MAX`] distinct ones only, and checking stays linear.
#[derive(Default)]
struct Suggestions {
    done: HashMap<String, Option<String>>,
}

impl Suggestions {
    const MAX: usize = 40;

    fn get(&mut self, dict: &LazyDict, word: &str) -> Option<String> {
        if let Some(s) = self.done.get(word) {
            return s.clone();
        }
        let store = verdicts(dict.0);
        if let Some(s) = lock(store).suggestions.get(word) {
            return s.clone();
        }
        if self.done.len() >= Self::MAX {
            return None;
        }
        let mut found = Vec::new();
        suggest(dict.get(), word, &mut found);
        found.truncate(3);
        let s = (!found.is_empty()).then(|| found.join(", "));
        self.done.insert(word.to_string(), s.clone());
        let mut v = lock(store);
        v.suggestions.insert(word.to_string(), s.clone());
        v.dirty = true;
        s
    }
}

#[allow(clippy::too_many_arguments)]
fn spelling(
    seg: &Seg,
    r: std::ops::Range<usize>,
    word: &str,
    dict: &LazyDict,
    known: &HashSet<String>,
    lang: Lang,
    suggestions: &mut Suggestions,
    out: &mut Vec<Diagnostic>,
) {
    let w = word.replace('\u{2019}', "'");
    let ok = |s: &str| !s.is_empty() && (known.contains(&s.to_lowercase()) || dict.check(s));
    if ok(&w) {
        return;
    }
    // Possessives of names: "Priya's", "Acme's", "Jess'".
    let base = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("'S"))
        .or_else(|| w.strip_suffix('\''))
        .unwrap_or(&w);
    if ok(base) || (base.contains('-') && base.split('-').all(ok)) {
        return;
    }
    let proper = w.chars().any(char::is_uppercase);
    if proper {
        out.push(seg.diag(
            r,
            "spelling",
            Severity::Info,
            format!("\"{word}\" is not in the {lang} dictionary; a name? (L)"),
            Some("add it to ~/.config/followup/words.txt if it is right".into()),
        ));
        return;
    }
    // A spelling of the other English ("prioritise" in en_US) is a variant, not a
    // mistake. Found by rewriting the usual endings rather than by loading the other
    // dictionary (another 20-40 ms).
    // In a compound, each part that is not a word may be one ("patient-centred").
    let compound = || {
        let parts: Vec<String> = w
            .split('-')
            .map(|p| match ok(p) {
                true => Some(p.to_string()),
                false => variant(p, lang).filter(|v| dict.check(v)),
            })
            .collect::<Option<_>>()?;
        Some(parts.join("-"))
    };
    let v = variant(&w, lang).filter(|v| dict.check(v));
    if let Some(v) = v.or_else(|| w.contains('-').then(compound).flatten()) {
        let other = match lang {
            Lang::EnUs => "British",
            Lang::EnGb => "American",
        };
        out.push(seg.diag(
            r,
            "spelling",
            Severity::Info,
            format!("\"{word}\" is {other} spelling; {lang} writes \"{v}\" (L)"),
            Some(v),
        ));
        return;
    }
    let suggestion = suggestions.get(dict, &w);
    out.push(seg.diag(
        r,
        "spelling",
        Severity::Warning,
        format!("\"{word}\" is not in the {lang} dictionary (L)"),
        suggestion,
    ));
}

/// The word in the other English's spelling, by its ending: "prioritise" →
/// "prioritize", "colour" → "color", "centre" → "center" (en_US), and back (en_GB).
fn variant(word: &str, lang: Lang) -> Option<String> {
    const GB_TO_US: &[(&str, &str)] = &[
        ("isation", "ization"),
        ("isations", "izations"),
        ("ise", "ize"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ising", "izing"),
        ("yse", "yze"),
        ("ysed", "yzed"),
        ("ysing", "yzing"),
        ("our", "or"),
        ("ours", "ors"),
        ("oured", "ored"),
        ("ouring", "oring"),
        ("ourful", "orful"),
        ("ourite", "orite"),
        ("ourites", "orites"),
        ("tre", "ter"),
        ("tres", "ters"),
        ("tred", "tered"),
        ("tring", "tering"),
        ("ogue", "og"),
        ("ogues", "ogs"),
        ("lled", "led"),
        ("lling", "ling"),
        ("ence", "ense"),
        ("gramme", "gram"),
        ("grammes", "grams"),
    ];
    let lower = word.to_lowercase();
    GB_TO_US
        .iter()
        .find_map(|(gb, us)| {
            let (from, to) = match lang {
                Lang::EnUs => (gb, us),
                Lang::EnGb => (us, gb),
            };
            lower
                .strip_suffix(from)
                .filter(|stem| stem.len() >= 2)
                .map(|stem| format!("{stem}{to}"))
        })
        .or_else(|| {
            // "rigour" → "rigor", "behaviour" → "behavior" inside compounds.
            match lang {
                Lang::EnUs if lower.contains("our") => Some(lower.replacen("our", "or", 1)),
                _ => None,
            }
        })
}

/// Suggestions from edits of the word only: the n-gram pass of Hunspell walks the
/// whole word list (tens of milliseconds a word).
fn suggest(dict: &Dictionary, word: &str, out: &mut Vec<String>) {
    dict.suggester()
        .with_ngram_suggestions(false)
        .suggest(word, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_dictionaries_load_and_differ() {
        let us = dictionary(Lang::EnUs);
        let gb = dictionary(Lang::EnGb);
        assert!(us.check("color") && !us.check("colour"));
        assert!(gb.check("colour"));
        assert!(us.check("don't") && us.check("I'm"));
        assert!(us.check("onboarding"));
        let mut found = Vec::new();
        suggest(us, "converstion", &mut found);
        assert!(found.iter().any(|s| s == "conversation"), "{found:?}");
        assert_eq!(
            variant("prioritise", Lang::EnUs).as_deref(),
            Some("prioritize")
        );
        assert_eq!(variant("rigour", Lang::EnUs).as_deref(), Some("rigor"));
        assert_eq!(variant("color", Lang::EnGb).as_deref(), Some("colour"));
    }

    #[test]
    fn the_other_englishs_spelling_is_a_note_even_in_a_compound() {
        use crate::check::{check, parse_message};
        let found = |t: &str| -> Vec<(Severity, String)> {
            check(&parse_message(t), &Context::default())
                .iter()
                .filter(|d| d.rule == "spelling")
                .map(|d| (d.severity, d.message.clone()))
                .collect()
        };
        for w in ["centred", "patient-centred", "centring"] {
            let f = found(&format!("We spoke about {w} care."));
            assert_eq!(f.len(), 1, "{w}: {f:?}");
            assert_eq!(f[0].0, Severity::Info, "{w}: {f:?}");
        }
        let f = found("We spoke about patient-centrde care.");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].0, Severity::Warning, "{f:?}");
    }

    #[test]
    fn resume_with_or_without_accents_in_both_englishes() {
        for lang in [Lang::EnUs, Lang::EnGb] {
            let d = dictionary(lang);
            for w in ["résumé", "résumés", "resume", "resumes", "Résumé"] {
                assert!(d.check(w), "{lang} {w}");
            }
        }
    }

    #[test]
    fn capitals_are_shouting_only_for_emphasis() {
        use crate::check::{check, parse_message};
        let found = |t: &str| -> Vec<String> {
            check(&parse_message(t), &Context::default())
                .iter()
                .filter(|d| d.rule == "shouting")
                .map(|d| d.message.clone())
                .collect()
        };
        let fine = "I used the STAR method, wrote MATLAB for the WHO, passed SOC 2, \
            followed SOLID and ran AGILE and SCRUM rituals with HIPAA in mind.";
        assert!(found(fine).is_empty(), "{:?}", found(fine));
        assert_eq!(found("I am VERY excited.").len(), 1);
        assert_eq!(found("I am REALLY keen and this is AMAZING.").len(), 2);
        assert_eq!(found("THANK YOU SO MUCH").len(), 4);
    }

    #[test]
    fn verdicts_are_remembered_saved_and_loaded_only_for_their_dictionary() {
        // A made-up word no other test uses, marked as a word by saved verdicts.
        let fake = "qqzzxyfollowup";
        let saved = format!(
            "{}\n{fake}\t1\nzzqqa\ts\tzebra\n",
            verdicts_header(Lang::EnGb)
        );
        load_verdicts(Lang::EnUs, &saved); // another dictionary: ignored
        assert!(!LazyDict(Lang::EnUs, OnceLock::new()).check(fake));
        load_verdicts(Lang::EnGb, &saved);
        let gb = LazyDict(Lang::EnGb, OnceLock::new());
        assert!(gb.check(fake));
        assert_eq!(
            Suggestions::default().get(&gb, "zzqqa").as_deref(),
            Some("zebra")
        );
        assert!(gb.check("colour"));
        let text = save_verdicts(Lang::EnGb).expect("new verdicts to save");
        assert!(text.starts_with(&verdicts_header(Lang::EnGb)));
        assert!(text.contains("colour\t1\n"), "{text}");
        assert!(text.contains(&format!("{fake}\t1\n")), "{text}");
    }
}
