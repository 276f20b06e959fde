//! Drafts (M1–M7): every kind renders from the built-in templates, nothing is left
//! unfilled, two interviewers never get the same note, the tone follows the company,
//! and user templates run in a sandbox whose errors name the file and line.

use followup_core::draft::{
    self, one_line, render, render_with, DraftError, DraftInput, Recipient, Sender,
};
use followup_core::model::{CompanyType, MessageKind, Round, Seniority};
use jiff::civil::date;

fn sender() -> Sender {
    Sender {
        name: "Sam Lee".into(),
        email: "sam@example.com".into(),
        phone: Some("+1 555 0100".into()),
    }
}

fn to(name: &str, index: usize) -> Recipient {
    Recipient {
        name: name.into(),
        role: Some("interviewer".into()),
        index,
    }
}

/// Everything known: topics, strengths, a gap, a question, a decision date.
fn full(kind: MessageKind) -> DraftInput {
    let mut i = DraftInput::new(kind, sender(), to("Jane Doe", 0), "Acme", "Data Engineer");
    i.company_type = Some(CompanyType::SmallBusiness);
    i.seniority = Some(Seniority::Mid);
    i.interview_date = Some(date(2026, 12, 1));
    i.round = Some(Round::Onsite);
    i.topics = vec![
        "the migration to streaming ingestion".into(),
        "how the team runs on-call".into(),
    ];
    i.strengths = vec![
        "building reliable data pipelines".into(),
        "mentoring junior engineers".into(),
    ];
    i.gaps = vec!["my experience with Kafka Streams".into()];
    i.questions = vec!["How would you cut the nightly batch time?".into()];
    i.decision_date = Some(date(2026, 12, 8));
    i.today = Some(date(2026, 12, 1));
    i
}

/// Only what is required: no notes, no dates, no phone.
fn bare(kind: MessageKind) -> DraftInput {
    let mut s = sender();
    s.phone = None;
    DraftInput::new(kind, s, to("Jane Doe", 0), "Acme", "Data Engineer")
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

fn whole(d: &draft::Draft) -> String {
    format!("{}\n{}", d.subject.clone().unwrap_or_default(), d.body)
}

fn assert_no_placeholders(text: &str, what: &str) {
    for bad in [
        "{{", "}}", "{%", "%}", "{#", "[", "]", "<", ">", "XXX", "TODO",
    ] {
        assert!(!text.contains(bad), "{what}: `{bad}` left in:\n{text}");
    }
    for line in text.lines() {
        assert!(
            !line.trim_start().contains("  "),
            "{what}: a gap in `{line}`"
        );
    }
    assert!(
        !text.contains("none"),
        "{what}: a missing fact printed:\n{text}"
    );
    assert!(
        !text.contains(" ,") && !text.contains(" ."),
        "{what}:\n{text}"
    );
}

#[test]
fn every_kind_renders_with_all_facts_and_with_none() {
    for &kind in MessageKind::ALL {
        for (label, input) in [("full", full(kind)), ("bare", bare(kind))] {
            let d = render(&input).unwrap_or_else(|e| panic!("{kind} {label}: {e}"));
            let text = whole(&d);
            let what = format!("{kind} ({label})");
            assert_no_placeholders(&text, &what);
            assert!(text.contains("Sam Lee"), "{what}: signed\n{text}");
            assert!(text.contains("Jane"), "{what}: addressed by name\n{text}");
            assert!(
                text.contains("Data Engineer") || kind == MessageKind::ReplyToRejection,
                "{what}: names the role\n{text}"
            );
            let email = !matches!(
                kind,
                MessageKind::Letter | MessageKind::PhoneScript | MessageKind::Voicemail
            );
            assert_eq!(d.subject.is_some(), email, "{what}: subject only on emails");
            if let Some(s) = &d.subject {
                assert!(s.len() <= 60, "{what}: subject too long: {s}");
            }
        }
    }
}

#[test]
fn thank_you_has_every_part_of_m1_and_m7() {
    let d = render(&full(MessageKind::ThankYou)).unwrap();
    let b = &d.body;
    assert!(b.starts_with("Dear Jane,\n\n"), "{b}");
    assert!(
        b.contains("Thank you for meeting with me on Tuesday"),
        "{b}"
    );
    assert!(
        b.contains("the migration to streaming ingestion"),
        "topic: {b}"
    );
    assert!(b.contains("interest in joining Acme"), "interest: {b}");
    assert!(
        b.contains("building reliable data pipelines") || b.contains("mentoring"),
        "{b}"
    );
    assert!(b.contains("Kafka Streams"), "gap: {b}");
    assert!(
        b.contains("\"How would you cut the nightly batch time?\""),
        "question: {b}"
    );
    assert!(b.contains("next steps"), "call to action: {b}");
    assert!(
        b.ends_with("Best regards,\nSam Lee\nsam@example.com\n+1 555 0100"),
        "{b}"
    );
    assert!(words(b) <= 200, "brief: {} words\n{b}", words(b));
    assert_eq!(
        d.subject.as_deref(),
        Some("Thank you for the Data Engineer interview")
    );
}

#[test]
fn a_missing_fact_picks_a_sentence_that_does_not_need_it() {
    let d = render(&bare(MessageKind::ThankYou)).unwrap();
    assert!(d
        .body
        .contains("Thank you for meeting with me about the Data Engineer role"));
    assert!(d.body.contains("learning how the team works"), "{}", d.body);
    assert!(!d.body.contains("question"), "{}", d.body);
    assert!(d.body.ends_with("Sam Lee\nsam@example.com"), "{}", d.body);
    let v = render(&bare(MessageKind::Voicemail)).unwrap();
    assert!(
        v.body.contains("sam@example.com"),
        "no phone: the email: {}",
        v.body
    );
}

#[test]
fn two_interviewers_never_get_the_same_note() {
    for &kind in MessageKind::ALL {
        for base in [full(kind), bare(kind)] {
            let mut seen: Vec<String> = Vec::new();
            for (index, name) in ["Jane Doe", "Bob Smith", "Ana Ruiz"].iter().enumerate() {
                let mut i = base.clone();
                i.recipient = to(name, index);
                let d = render(&i).unwrap();
                assert!(
                    d.body.contains(name.split(' ').next().unwrap()),
                    "{}",
                    d.body
                );
                let body = d
                    .body
                    .replace(name, "X")
                    .replace(name.split(' ').next().unwrap(), "X");
                assert!(!seen.contains(&d.body), "{kind}: same note twice");
                if kind == MessageKind::ThankYou || kind == MessageKind::Letter {
                    assert!(
                        !seen.contains(&body),
                        "{kind}: the same note apart from the name:\n{}",
                        d.body
                    );
                }
                seen.push(d.body.clone());
                seen.push(body);
            }
        }
    }
    // With two topics, the second interviewer's note opens on the other one.
    let first = render(&full(MessageKind::ThankYou)).unwrap().body;
    let mut second = full(MessageKind::ThankYou);
    second.recipient = to("Bob Smith", 1);
    let second = render(&second).unwrap().body;
    let pos = |b: &str, t: &str| b.find(t).unwrap();
    assert!(pos(&first, "streaming") < first.len());
    assert!(second.contains("how the team runs on-call"), "{second}");
    assert!(!second.contains("streaming ingestion"), "{second}");
}

#[test]
fn the_choice_is_deterministic() {
    let mut i = full(MessageKind::ThankYou);
    i.recipient = to("Bob Smith", 1);
    assert_eq!(render(&i).unwrap(), render(&i).unwrap());
}

#[test]
fn tone_is_formal_for_government_and_warm_and_shorter_for_startups() {
    let mut gov = full(MessageKind::ThankYou);
    gov.company_type = Some(CompanyType::Government);
    let mut startup = full(MessageKind::ThankYou);
    startup.company_type = Some(CompanyType::Startup);
    let gov = render(&gov).unwrap().body;
    let startup = render(&startup).unwrap().body;
    assert!(gov.starts_with("Dear Jane Doe,"), "{gov}");
    assert!(gov.contains("position"), "{gov}");
    assert!(gov.contains("Sincerely,"), "{gov}");
    assert!(startup.starts_with("Hi Jane,"), "{startup}");
    assert!(startup.contains("Thanks for taking the time"), "{startup}");
    assert!(startup.contains("Best,"), "{startup}");
    assert!(words(&startup) < words(&gov), "{startup}\n---\n{gov}");

    let mut exec = full(MessageKind::FollowUp);
    exec.company_type = Some(CompanyType::Startup);
    exec.seniority = Some(Seniority::Executive);
    assert!(render(&exec).unwrap().body.starts_with("Dear Jane Doe,"));
}

#[test]
fn facts_cannot_break_lines_or_leave_markup() {
    let mut i = full(MessageKind::FollowUp);
    i.company = "Acme\r\nBcc: x@y".into();
    i.role = "Engineer {{ role }}".into();
    let d = render(&i).unwrap();
    let subject = d.subject.unwrap();
    assert!(
        !subject.contains('\n') && !subject.contains('\r'),
        "{subject}"
    );
    assert!(d.body.contains("joining Acme Bcc: x@y"), "{}", d.body);
    assert!(d.body.lines().all(|l| !l.starts_with("Bcc:")));
    // A value is printed, never evaluated as template code.
    assert!(subject.contains("Engineer {{ role }}"), "{subject}");
    assert_eq!(one_line("a\r\n\tb"), "a b");
}

#[test]
fn a_user_template_replaces_the_built_in() {
    let src = "Subject: Hello {{ recipient.first_name }}\n\n{{ greeting }}\n\n\
               {% if topic %}About {{ topic }}.{% endif %}\n\n{{ closing }}\n{{ signature }}\n";
    let d = render_with(&full(MessageKind::ThankYou), "mine.txt", src).unwrap();
    assert_eq!(d.subject.as_deref(), Some("Hello Jane"));
    assert!(
        d.body.starts_with("Dear Jane,\n\nAbout the migration"),
        "{}",
        d.body
    );
}

#[test]
fn the_fuel_limit_stops_a_runaway_template() {
    let src = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}";
    let err = render_with(&full(MessageKind::ThankYou), "loop.txt", src).unwrap_err();
    assert!(matches!(err, DraftError::OutOfFuel { .. }), "{err:?}");
    assert!(err.to_string().starts_with("loop.txt:1"), "{err}");

    // Recursion is capped as well.
    let src = "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}";
    assert!(render_with(&full(MessageKind::ThankYou), "rec.txt", src).is_err());

    // And so is the size of the output.
    let src = "{% for a in range(100000) %}{{ 'x' * 100 }}{% endfor %}";
    let err = render_with(&full(MessageKind::ThankYou), "big.txt", src).unwrap_err();
    assert!(
        matches!(
            err,
            DraftError::TooLong { .. } | DraftError::OutOfFuel { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn the_sandbox_reads_no_files() {
    for src in [
        "{% include '/etc/passwd' %}",
        "{% extends 'thank-you.txt' %}",
        "{% import 'x.txt' as x %}",
    ] {
        let err = render_with(&full(MessageKind::ThankYou), "t.txt", src).unwrap_err();
        assert!(err.to_string().starts_with("t.txt:1:"), "{src}: {err}");
    }
}

#[test]
fn a_template_error_names_the_file_and_line() {
    let src = "Subject: Hi\n\n{{ greeting }}\n\n{{ recipent.name }}\n";
    let err = render_with(&full(MessageKind::ThankYou), "/home/me/thank-you.txt", src).unwrap_err();
    assert_eq!(err.file(), "/home/me/thank-you.txt");
    assert_eq!(err.line(), Some(5), "{err}");
    assert!(
        err.to_string().starts_with("/home/me/thank-you.txt:5: "),
        "{err}"
    );

    let src = "line one\n{% if topic %}\nno end\n";
    let err = render_with(&full(MessageKind::ThankYou), "broken.txt", src).unwrap_err();
    assert!(err.to_string().starts_with("broken.txt:"), "{err}");
    assert!(err.line().is_some(), "{err}");

    // An empty result is an error too, not an empty email.
    let err =
        render_with(&full(MessageKind::ThankYou), "empty.txt", "{# nothing #}\n").unwrap_err();
    assert!(matches!(err, DraftError::Empty { .. }), "{err:?}");
}

#[test]
fn built_in_errors_would_name_the_built_in() {
    // Every built-in compiles and renders; its name in errors is "built-in <kind>.txt".
    for &kind in MessageKind::ALL {
        assert!(draft::builtin_template(kind).contains("{{"));
        assert_eq!(draft::template_file_name(kind), format!("{kind}.txt"));
    }
}

/// `cargo test -p followup-core --test drafts -- --ignored --nocapture` prints every
/// built-in draft, to read them as a recipient would.
#[test]
#[ignore]
fn show_every_built_in() {
    for &kind in MessageKind::ALL {
        for (label, mut input) in [("full", full(kind)), ("bare", bare(kind))] {
            for ct in [CompanyType::Startup, CompanyType::Government] {
                input.company_type = Some(ct);
                let d = render(&input).unwrap();
                println!("===== {kind} ({label}, {ct}) =====\n{}\n", whole(&d));
            }
        }
    }
}

/// The text form `followup draft` prints and `followup check` reads back.
fn as_text(d: &draft::Draft) -> String {
    match &d.subject {
        Some(s) => format!("Subject: {s}\n\n{}\n", d.body),
        None => format!("{}\n", d.body),
    }
}

#[test]
fn every_built_in_draft_passes_the_checker() {
    use followup_core::check::{check, parse_message, Context, Severity};

    let mut failures = Vec::new();
    for &kind in MessageKind::ALL {
        let mut executive = full(kind);
        executive.seniority = Some(Seniority::Executive);
        executive.round = Some(Round::Final);
        executive.followups_sent = 1;
        executive.sender.phone = None;
        executive.questions = vec!["our data retention rules".into()];
        for (label, base) in [
            ("full", full(kind)),
            ("bare", bare(kind)),
            ("executive", executive),
        ] {
            for &ct in CompanyType::ALL {
                for (index, name) in ["Jane Doe", "Bob Smith", "Ana Ruiz"].iter().enumerate() {
                    let mut input = base.clone();
                    input.company_type = Some(ct);
                    input.recipient = to(name, index);
                    let text = as_text(&render(&input).unwrap());
                    let known: Vec<String> = ["Sam", "Lee", "Acme", "Jane", "Doe", "Bob"]
                        .iter()
                        .chain(&["Smith", "Ana", "Ruiz"])
                        .map(|s| s.to_string())
                        .collect();
                    let ctx = Context {
                        kind: Some(kind),
                        company: Some("Acme"),
                        recipient: Some(name),
                        known_words: &known,
                        ..Context::default()
                    };
                    let found = check(&parse_message(&text), &ctx);
                    let bad: Vec<String> = found
                        .iter()
                        .filter(|d| d.severity != Severity::Info)
                        .map(|d| {
                            format!(
                                "{}:{}: {} {}: {}",
                                d.line, d.column, d.severity, d.rule, d.message
                            )
                        })
                        .collect();
                    if !bad.is_empty() {
                        failures.push(format!(
                            "{kind} ({label}, {ct}, {name}):\n{}\n---\n{text}",
                            bad.join("\n")
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n=====\n"));
}
