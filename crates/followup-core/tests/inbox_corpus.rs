//! The inbox reader against a corpus of written messages (`tests/inbox/*.eml`, with
//! the expected proposal of each in `tests/inbox/manifest.toml`): precision and
//! recall of the proposals, each at least 0.95. A proposal counts as right when its
//! application and kind are the expected ones (and an out-of-office reply's return
//! date, when one is expected). Every message with an expected proposal must also
//! pass the header screen, or a sync would never fetch its body.

use std::collections::HashMap;
use std::path::Path;

use followup_core::inbox::{classify, screen, Known, KnownApp, KnownContact};
use serde::Deserialize;

#[derive(Deserialize)]
struct KnownFile {
    me: Vec<String>,
    message_ids: HashMap<String, i64>,
    application: Vec<AppFile>,
}

#[derive(Deserialize)]
struct AppFile {
    id: i64,
    company: String,
    role: String,
    #[serde(default)]
    region: Option<String>,
    #[serde(default = "yes")]
    active: bool,
    contacts: Vec<ContactFile>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct ContactFile {
    id: i64,
    name: String,
    email: String,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize)]
struct Manifest {
    message: Vec<Expected>,
}

#[derive(Deserialize)]
struct Expected {
    file: String,
    folder: String,
    #[serde(default)]
    application: Option<i64>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    until: Option<String>,
}

fn known(dir: &Path) -> Known {
    let text = std::fs::read_to_string(dir.join("known.toml")).unwrap();
    let k: KnownFile = toml::from_str(&text).unwrap();
    Known {
        me: k.me,
        message_ids: k.message_ids,
        bad_addresses: Vec::new(),
        applications: k
            .application
            .into_iter()
            .map(|a| KnownApp {
                id: a.id,
                company: a.company,
                role: a.role,
                active: a.active,
                region: a.region.map(|r| r.parse().unwrap()),
                contacts: a
                    .contacts
                    .into_iter()
                    .map(|c| KnownContact {
                        id: c.id,
                        name: c.name,
                        email: Some(c.email),
                        next: c.next,
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[test]
fn corpus_precision_and_recall() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/inbox");
    let known = known(&dir);
    let m: Manifest =
        toml::from_str(&std::fs::read_to_string(dir.join("manifest.toml")).unwrap()).unwrap();
    assert!(
        m.message.len() >= 60,
        "the corpus has {} messages",
        m.message.len()
    );
    let (mut proposed, mut right, mut expected) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    let mut by_kind: HashMap<String, (usize, usize, usize)> = HashMap::new();
    for e in &m.message {
        let raw = std::fs::read(dir.join(&e.file)).unwrap();
        let sent = e.folder == "sent";
        let head_end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(raw.len(), |p| p + 4);
        let screened = screen(&raw[..head_end], &known, sent);
        let got = if screened {
            classify(&raw, &known, sent)
        } else {
            None
        };
        let want = e.kind.as_ref().map(|k| (e.application.unwrap(), k.clone()));
        if let Some((_, k)) = &want {
            expected += 1;
            by_kind.entry(k.clone()).or_default().1 += 1;
        }
        if let Some(p) = &got {
            proposed += 1;
            by_kind.entry(p.kind.to_string()).or_default().0 += 1;
            let until_ok = e.until.is_none() || p.until.map(|d| d.to_string()) == e.until.clone();
            if want.as_ref() == Some(&(p.application, p.kind.to_string())) && until_ok {
                right += 1;
                by_kind.entry(p.kind.to_string()).or_default().2 += 1;
                continue;
            }
        }
        if got.is_some() || want.is_some() {
            wrong.push(format!(
                "{}: expected {:?}, got {:?}",
                e.file,
                want,
                got.map(|p| (p.application, p.kind.to_string(), p.until, p.evidence))
            ));
        }
    }
    let precision = right as f64 / proposed.max(1) as f64;
    let recall = right as f64 / expected.max(1) as f64;
    let mut kinds: Vec<_> = by_kind.into_iter().collect();
    kinds.sort();
    eprintln!("kind           proposed expected right");
    for (k, (p, e, r)) in kinds {
        eprintln!("{k:<14} {p:>8} {e:>8} {r:>5}");
    }
    eprintln!(
        "{} messages, {expected} with a proposal expected, {proposed} proposed, {right} right: precision {precision:.3}, recall {recall:.3}",
        m.message.len()
    );
    for w in &wrong {
        eprintln!("  {w}");
    }
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.95, "recall {recall:.3}");
}
