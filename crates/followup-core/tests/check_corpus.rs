//! The checker against a corpus of messages written for the tests
//! (`tests/corpus/manifest.toml`): good messages get no warning or error, bad ones get
//! the rules they are listed with. Prints precision and recall per rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use followup_core::check::{check, parse_message, Context, Lang, Severity};
use followup_core::model::MessageKind;
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
}

#[derive(Default)]
struct Count {
    tp: usize,
    fp: usize,
    fn_: usize,
}

#[test]
fn corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let manifest: Manifest =
        toml::from_str(&std::fs::read_to_string(dir.join("manifest.toml")).unwrap()).unwrap();
    assert!(
        manifest.message.len() >= 40,
        "the corpus needs at least 40 messages"
    );
    let mut counts: BTreeMap<String, Count> = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut good, mut bad) = (0, 0);
    for e in &manifest.message {
        let text = std::fs::read_to_string(dir.join(&e.file)).unwrap();
        let msg = parse_message(&text);
        let others: Vec<String> = manifest
            .other_companies
            .iter()
            .filter(|c| Some(c.as_str()) != e.company.as_deref())
            .cloned()
            .collect();
        let ctx = Context {
            kind: e.kind.as_deref().map(|k| k.parse::<MessageKind>().unwrap()),
            company: e.company.as_deref(),
            recipient: e.to.as_deref(),
            other_companies: &others,
            known_words: &manifest.known_words,
            lang: e.lang.as_deref().map_or(Lang::EnUs, |l| l.parse().unwrap()),
            ..Context::default()
        };
        let found = check(&msg, &ctx);
        let got: BTreeSet<String> = found
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .map(|d| d.rule.to_string())
            .collect();
        let want: BTreeSet<String> = e.expect.iter().cloned().collect();
        if want.is_empty() {
            good += 1;
        } else {
            bad += 1;
        }
        for r in got.union(&want) {
            let c = counts.entry(r.clone()).or_default();
            match (got.contains(r), want.contains(r)) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, true) => c.fn_ += 1,
                (false, false) => {}
            }
        }
        let missing: Vec<_> = want.difference(&got).collect();
        let extra: Vec<_> = got.difference(&want).collect();
        if !missing.is_empty() || (want.is_empty() && !extra.is_empty()) {
            let detail: Vec<String> = found
                .iter()
                .map(|d| {
                    format!(
                        "    {}:{} {} {}: {}",
                        d.line, d.column, d.severity, d.rule, d.message
                    )
                })
                .collect();
            failures.push(format!(
                "{}: missing {missing:?}, unexpected {extra:?}\n{}",
                e.file,
                detail.join("\n")
            ));
        } else if !extra.is_empty() {
            eprintln!("note: {} also raised {extra:?}", e.file);
        }
    }
    eprintln!(
        "corpus: {} messages ({good} good, {bad} bad)",
        manifest.message.len()
    );
    eprintln!(
        "{:<20} {:>3} {:>3} {:>3} {:>9} {:>7}",
        "rule", "tp", "fp", "fn", "precision", "recall"
    );
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for (rule, c) in &counts {
        tp += c.tp;
        fp += c.fp;
        fn_ += c.fn_;
        eprintln!(
            "{rule:<20} {:>3} {:>3} {:>3} {:>9} {:>7}",
            c.tp,
            c.fp,
            c.fn_,
            ratio(c.tp, c.tp + c.fp),
            ratio(c.tp, c.tp + c.fn_)
        );
    }
    eprintln!(
        "{:<20} {tp:>3} {fp:>3} {fn_:>3} {:>9} {:>7}",
        "all",
        ratio(tp, tp + fp),
        ratio(tp, tp + fn_)
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "-".into()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}
