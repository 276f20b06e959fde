//! The checker against a labelled corpus (`tests/corpus/manifest.toml`): messages
//! written for the tests (`good/`, `bad/`, `hard/`), paraphrases modelled on notes
//! published by career sites, each citing the page it follows (`modelled/`), and this
//! project's own drafts, rendered here for every kind. Prints precision and recall per
//! rule and the share of the good notes modelled on published ones that are clean, and
//! fails when any figure drops below the one recorded in `tests/corpus/figures.toml`.
//!
//! Messages written for the tests must get exactly the rules they list (no fewer, and
//! no warning at all when they list none); the drafts must get none. Those modelled on
//! published notes are measured, not required: the checker may miss there, within the
//! recorded figures.
//!
//! Run with `cargo test -p followup-core --test check_corpus -- --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use followup_core::check::{check, parse_message, Context, Lang, Severity};
use followup_core::draft::{render, DraftInput, Recipient, Sender};
use followup_core::model::{CompanyType, MessageKind, Round, Seniority};
use serde::Deserialize;

#[derive(Deserialize)]
struct Manifest {
    other_companies: Vec<String>,
    known_words: Vec<String>,
    message: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    file: String,
    kind: Option<String>,
    company: Option<String>,
    to: Option<String>,
    lang: Option<String>,
    expect: Vec<String>,
    /// What the published sample a paraphrase follows is offered as: `good`,
    /// `sentence` or `bad`.
    published: Option<String>,
    /// The page whose published sample a paraphrase is modelled on.
    modelled_on: Option<String>,
}

#[derive(Deserialize)]
struct Figures {
    /// The share of good notes modelled on published ones without a warning or error.
    modelled_good_clean: f64,
    /// The share of good notes modelled on published ones with at most one.
    modelled_good_at_most_one: f64,
    /// Per rule: the lowest precision and recall allowed.
    rule: BTreeMap<String, Floor>,
}

#[derive(Deserialize)]
struct Floor {
    precision: f64,
    recall: f64,
}

#[derive(Default)]
struct Count {
    tp: usize,
    fp: usize,
    fn_: usize,
}

/// One message to check and what a careful reader would raise.
struct Case {
    name: String,
    text: String,
    kind: Option<MessageKind>,
    company: Option<String>,
    to: Option<String>,
    lang: Lang,
    expect: BTreeSet<String>,
    /// Held to its list exactly (written for the tests, or a draft).
    strict: bool,
    modelled_good: bool,
}

/// An application to draft for: company, person, role, tone, and whether much is known.
type App = (
    &'static str,
    &'static str,
    &'static str,
    Option<CompanyType>,
    Option<Seniority>,
    bool,
);

/// The project's own drafts: every kind, for a few applications that differ in what
/// is known and in tone.
fn drafts() -> Vec<Case> {
    let sender = |phone: bool| Sender {
        name: "Sam Rivera".into(),
        email: "sam.rivera@example.com".into(),
        phone: phone.then(|| "+1 555 0100".into()),
    };
    let to = |name: &str| Recipient {
        name: name.into(),
        role: Some("hiring manager".into()),
        index: 0,
    };
    let apps: [App; 4] = [
        (
            "Acme",
            "Priya Natarajan",
            "Data Analyst",
            Some(CompanyType::SmallBusiness),
            Some(Seniority::Mid),
            true,
        ),
        (
            "Globex",
            "Marcus Webb",
            "Site Reliability Engineer",
            None,
            None,
            false,
        ),
        (
            "Riverside County Library",
            "Helen Marsh",
            "Branch Librarian",
            Some(CompanyType::Government),
            Some(Seniority::Senior),
            true,
        ),
        (
            "Brightleaf",
            "Dana Okafor",
            "Product Designer",
            Some(CompanyType::Startup),
            Some(Seniority::Entry),
            false,
        ),
    ];
    let mut out = Vec::new();
    for (company, person, role, ctype, level, full) in apps {
        for &kind in MessageKind::ALL {
            let mut i = DraftInput::new(kind, sender(full), to(person), company, role);
            i.company_type = ctype;
            i.seniority = level;
            if full {
                i.interview_date = Some(jiff::civil::date(2026, 3, 3));
                i.round = Some(Round::Onsite);
                i.topics = vec!["the reporting backlog".into()];
                i.strengths = vec!["building clear dashboards".into()];
                i.decision_date = Some(jiff::civil::date(2026, 3, 10));
                i.today = Some(jiff::civil::date(2026, 3, 3));
            }
            let d = render(&i).expect("a built-in template renders");
            let text = match &d.subject {
                Some(s) => format!("Subject: {s}\n\n{}\n", d.body),
                None => format!("{}\n", d.body),
            };
            out.push(Case {
                name: format!("draft/{kind}-{}", company.to_lowercase().replace(' ', "-")),
                text,
                kind: Some(kind),
                company: Some(company.into()),
                to: Some(person.into()),
                lang: Lang::EnUs,
                expect: BTreeSet::new(),
                strict: true,
                modelled_good: false,
            });
        }
    }
    out
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let manifest: Manifest =
        toml::from_str(&std::fs::read_to_string(dir.join("manifest.toml")).unwrap()).unwrap();
    let figures: Figures =
        toml::from_str(&std::fs::read_to_string(dir.join("figures.toml")).unwrap()).unwrap();
    let mut cases: Vec<Case> = Vec::new();
    for e in &manifest.message {
        if e.published.is_some() {
            assert!(
                e.modelled_on
                    .as_deref()
                    .is_some_and(|s| s.starts_with("http")),
                "{}: a paraphrase needs the page it is modelled on",
                e.file
            );
            assert!(e.file.starts_with("modelled/"), "{}", e.file);
        }
        cases.push(Case {
            name: e.file.clone(),
            text: std::fs::read_to_string(dir.join(&e.file)).unwrap(),
            kind: e.kind.as_deref().map(|k| k.parse::<MessageKind>().unwrap()),
            company: e.company.clone(),
            to: e.to.clone(),
            lang: e.lang.as_deref().map_or(Lang::EnUs, |l| l.parse().unwrap()),
            expect: e.expect.iter().cloned().collect(),
            strict: e.published.is_none(),
            modelled_good: e.published.as_deref() == Some("good"),
        });
    }
    cases.extend(drafts());
    assert!(cases.len() >= 150, "the corpus needs at least 150 messages");

    let mut counts: BTreeMap<String, Count> = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut good, mut bad) = (0, 0);
    let (mut pub_good, mut pub_clean, mut pub_one) = (0, 0, 0);
    for c in &cases {
        let msg = parse_message(&c.text);
        let others: Vec<String> = manifest
            .other_companies
            .iter()
            .filter(|o| Some(o.as_str()) != c.company.as_deref())
            .cloned()
            .collect();
        let ctx = Context {
            kind: c.kind,
            company: c.company.as_deref(),
            recipient: c.to.as_deref(),
            other_companies: &others,
            known_words: &manifest.known_words,
            lang: c.lang,
            ..Context::default()
        };
        let found = check(&msg, &ctx);
        let raised: Vec<_> = found
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .collect();
        let got: BTreeSet<String> = raised.iter().map(|d| d.rule.to_string()).collect();
        let want = &c.expect;
        if want.is_empty() {
            good += 1;
        } else {
            bad += 1;
        }
        if c.modelled_good {
            pub_good += 1;
            pub_clean += usize::from(raised.is_empty());
            pub_one += usize::from(raised.len() <= 1);
        }
        for r in got.union(want) {
            let n = counts.entry(r.clone()).or_default();
            match (got.contains(r), want.contains(r)) {
                (true, true) => n.tp += 1,
                (true, false) => n.fp += 1,
                (false, true) => n.fn_ += 1,
                (false, false) => {}
            }
        }
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(want).collect();
        let wrong = !missing.is_empty() || (want.is_empty() && !extra.is_empty());
        if wrong {
            let detail: Vec<String> = found
                .iter()
                .map(|d| {
                    format!(
                        "    {}:{} {} {}: {}",
                        d.line, d.column, d.severity, d.rule, d.message
                    )
                })
                .collect();
            let line = format!(
                "{}: missing {missing:?}, unexpected {extra:?}\n{}",
                c.name,
                detail.join("\n")
            );
            if c.strict {
                failures.push(line);
            } else {
                eprintln!("measured: {line}");
            }
        } else if !extra.is_empty() {
            eprintln!("note: {} also raised {extra:?}", c.name);
        }
    }
    eprintln!(
        "corpus: {} messages ({good} good, {bad} bad; {} modelled on published notes, {} drafts)",
        cases.len(),
        manifest
            .message
            .iter()
            .filter(|e| e.published.is_some())
            .count(),
        cases
            .iter()
            .filter(|c| c.name.starts_with("draft/"))
            .count()
    );
    eprintln!(
        "{:<20} {:>3} {:>3} {:>3} {:>9} {:>7}",
        "rule", "tp", "fp", "fn", "precision", "recall"
    );
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    let ratio = |a: usize, b: usize| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    for (rule, c) in &counts {
        tp += c.tp;
        fp += c.fp;
        fn_ += c.fn_;
        let (p, r) = (ratio(c.tp, c.tp + c.fp), ratio(c.tp, c.tp + c.fn_));
        eprintln!(
            "{rule:<20} {:>3} {:>3} {:>3} {p:>9.2} {r:>7.2}",
            c.tp, c.fp, c.fn_
        );
        match figures.rule.get(rule) {
            Some(f) => {
                if p + 1e-9 < f.precision || r + 1e-9 < f.recall {
                    failures.push(format!(
                        "{rule}: precision {p:.2}, recall {r:.2}; recorded {:.2}, {:.2}",
                        f.precision, f.recall
                    ));
                }
            }
            None => failures.push(format!("{rule}: no figures recorded in figures.toml")),
        }
    }
    eprintln!(
        "{:<20} {tp:>3} {fp:>3} {fn_:>3} {:>9.2} {:>7.2}",
        "all",
        ratio(tp, tp + fp),
        ratio(tp, tp + fn_)
    );
    let clean = ratio(pub_clean, pub_good);
    let one = ratio(pub_one, pub_good);
    eprintln!(
        "good notes modelled on published notes: {pub_good}, clean {pub_clean} ({:.0}%), at most one warning {pub_one} ({:.0}%)",
        clean * 100.0,
        one * 100.0
    );
    if clean + 1e-9 < figures.modelled_good_clean || one + 1e-9 < figures.modelled_good_at_most_one
    {
        failures.push(format!(
            "good notes modelled on published notes: clean {clean:.2}, at most one {one:.2}; recorded {:.2}, {:.2}",
            figures.modelled_good_clean, figures.modelled_good_at_most_one
        ));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
