//! Checking a 300-word message once the dictionary is loaded (target: under 5 ms).

use criterion::{criterion_group, criterion_main, Criterion};
use followup_core::check::{check, dictionary, parse_message, Context, Lang};
use followup_core::model::MessageKind;

const PARAGRAPH: &str = "I especially enjoyed our conversation about the migration of the \
billing service to event streams, and the way your team measures reliability with error \
budgets. At my previous role at Initech I led a similar move, cut deployment time in half \
and mentored two new engineers through their first on-call rotation. ";

fn message() -> String {
    let mut body = String::from(
        "Subject: Thank you for today's interview\n\nDear Priya,\n\n\
         Thank you for taking the time to meet with me today about the Senior Backend \
         Engineer role at Acme. ",
    );
    while body.split_whitespace().count() < 280 {
        body.push_str(PARAGRAPH);
    }
    body.push_str(
        "\n\nI am very interested in joining Acme and would be glad to share more. \
         Please let me know if you need anything else.\n\nBest regards,\nSam Rivera\n\
         sam.rivera@example.com | +1 555 010 2345\n",
    );
    body
}

fn bench(c: &mut Criterion) {
    let text = message();
    let msg = parse_message(&text);
    dictionary(Lang::EnUs);
    let others = vec!["Globex".to_string(), "Initech".to_string()];
    let known = vec!["Priya".to_string(), "Natarajan".to_string()];
    let ctx = Context {
        kind: Some(MessageKind::ThankYou),
        company: Some("Acme"),
        recipient: Some("Priya Natarajan"),
        other_companies: &others,
        known_words: &known,
        ..Context::default()
    };
    assert!(check(&msg, &ctx)
        .iter()
        .all(|d| d.severity != followup_core::check::Severity::Error));
    c.bench_function("check 300-word thank-you", |b| b.iter(|| check(&msg, &ctx)));
    let typos = text
        .replacen("especially", "especialy", 1)
        .replacen("conversation", "converstion", 1)
        .replacen("similar", "simlar", 1);
    let with_typos = parse_message(&typos);
    c.bench_function("check 300-word thank-you with 3 misspellings", |b| {
        b.iter(|| check(&with_typos, &ctx))
    });
    c.bench_function("parse 300-word message", |b| {
        b.iter(|| parse_message(&text))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
