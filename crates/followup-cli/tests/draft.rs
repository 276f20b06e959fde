//! `followup draft` as a user runs it: the real binary, a clean environment, the
//! database and the config directory in a temporary home, the clock fixed.

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;

mod common;

/// Interview on Tuesday Dec 1 2026, 10:00 New York; "now" is two hours later.
const NOW: &str = "2026-12-01T12:00:00-05:00";

struct Env {
    home: common::Home,
}

impl std::ops::Deref for Env {
    type Target = common::Home;

    fn deref(&self) -> &common::Home {
        &self.home
    }
}

impl Env {
    fn new() -> Env {
        Env {
            home: common::Home::new(NOW),
        }
    }

    fn config(&self) -> PathBuf {
        self.home.path().join("config")
    }

    fn profile(&self) {
        self.run([
            "profile",
            "--name",
            "Sam Lee",
            "--email",
            "sam@example.com",
            "--phone",
            "+1 555 0100",
        ]);
    }

    /// An application with two interviewers and notes; returns its id.
    fn add(&self, company: &str, company_type: &str) -> String {
        let out = self.run([
            "add",
            "--company",
            company,
            "--role",
            "Data Engineer",
            "--company-type",
            company_type,
            "--at",
            "2026-12-01 10:00",
            "--tz",
            "America/New_York",
            "--round",
            "onsite",
            "--decision",
            "within a week",
            "--interviewer",
            "José Núñez <jose@acme.example>",
            "--interviewer",
            "Bob Smith <bob@acme.example>",
            "--topic",
            "the migration to streaming ingestion",
            "--topic",
            "how the team runs on-call",
            "--strength",
            "building reliable data pipelines",
            "--gap",
            "my experience with Kafka Streams",
            "--question",
            "How would you cut the nightly batch time?",
            "--json",
        ]);
        let v: Value = serde_json::from_str(&out).unwrap();
        v["id"].as_i64().unwrap().to_string()
    }
}

/// Runs a command that must fail with exit code 2; returns its stderr.
fn refused(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// The header block of an RFC 5322 message, unfolded, as (name, value) pairs.
fn headers(eml: &str) -> Vec<(String, String)> {
    let head = eml.split("\r\n\r\n").next().unwrap();
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            out.last_mut().unwrap().1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect(line);
            out.push((name.to_string(), value.trim().to_string()));
        }
    }
    out
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    h.iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

#[test]
fn text_thank_you_goes_to_the_first_interviewer_by_default() {
    let env = Env::new();
    env.profile();
    let id = env.add("Acme", "small-business");
    let run = env
        .cmd()
        .args(["draft", &id, "--kind", "thank-you"])
        .output()
        .unwrap();
    assert!(run.status.success());
    let note = String::from_utf8(run.stderr).unwrap();
    assert!(
        note.contains("also draft for Bob Smith with --to"),
        "{note}"
    );
    let out = String::from_utf8(run.stdout).unwrap();
    assert!(
        out.starts_with("Subject: Thank you for the Data Engineer interview\n\nDear José,\n"),
        "{out}"
    );
    assert!(out.contains("at Acme"), "{out}");
    assert!(out.contains("streaming ingestion"), "{out}");
    assert!(
        out.ends_with("Sam Lee\nsam@example.com\n+1 555 0100\n"),
        "{out}"
    );

    // --to picks another interviewer (part of the name is enough); the note differs.
    let bob = env.run(["draft", &id, "--kind", "thank-you", "--to", "bob"]);
    assert!(bob.contains("Dear Bob,"), "{bob}");
    assert!(bob.contains("on-call"), "{bob}");
    assert_ne!(
        out.replace("José", "X"),
        bob.replace("Bob", "X"),
        "two interviewers, two notes"
    );

    let err = refused(
        env.cmd()
            .args(["draft", &id, "--kind", "thank-you", "--to", "Zed"]),
    );
    assert!(err.contains("no contact named `Zed`"), "{err}");
    let err = refused(env.cmd().args(["draft", &id, "--kind", "memo"]));
    assert!(err.contains("unknown message kind `memo`"), "{err}");
    let err = refused(env.cmd().args(["draft", "99", "--kind", "thank-you"]));
    assert!(err.contains("99"), "{err}");
}

#[test]
fn every_kind_drafts_and_json_has_the_documented_shape() {
    let env = Env::new();
    env.profile();
    let id = env.add("Acme", "startup");
    for kind in [
        "thank-you",
        "letter",
        "follow-up",
        "final-follow-up",
        "phone-script",
        "voicemail",
        "feedback-request",
        "reply-to-rejection",
    ] {
        let v = env.json(["draft", &id, "--kind", kind, "--json"]);
        assert_eq!(v["kind"], kind);
        assert_eq!(v["to"], "José Núñez");
        let body = v["body"].as_str().unwrap();
        assert!(body.contains("Sam Lee"), "{kind}: {body}");
        assert!(
            !body.contains("{{") && !body.contains('['),
            "{kind}: {body}"
        );
        assert!(
            v.get("format").is_none(),
            "{kind}: text has no output field"
        );
    }
    let v = env.json(["draft", &id, "--kind", "follow-up", "--json"]);
    assert!(
        v["body"].as_str().unwrap().starts_with("Hi José,"),
        "startup: warm"
    );
    assert!(
        v["body"].as_str().unwrap().contains("December 8"),
        "decision date"
    );
    let v = env.json([
        "draft",
        &id,
        "--kind",
        "thank-you",
        "--format",
        "eml",
        "--json",
    ]);
    assert_eq!(v["format"], "eml");
    assert!(v["output"].as_str().unwrap().contains("\r\nSubject: "));
}

#[test]
fn eml_is_an_rfc_5322_draft() {
    let env = Env::new();
    env.profile();
    let id = env.add("Acme", "corporate");
    let eml = env.run(["draft", &id, "--kind", "thank-you", "--format", "eml"]);
    let h = headers(&eml);
    assert_eq!(header(&h, "From"), ["\"Sam Lee\" <sam@example.com>"]);
    let to = header(&h, "To");
    assert_eq!(to.len(), 1);
    assert!(to[0].ends_with("<jose@acme.example>"), "{to:?}");
    assert!(
        to[0].contains("=?utf-8?"),
        "a non-ASCII name is encoded: {to:?}"
    );
    assert_eq!(
        header(&h, "Subject"),
        ["Thank you for the Data Engineer interview"]
    );
    assert_eq!(header(&h, "Date"), ["Tue, 1 Dec 2026 17:00:00 +0000"]);
    let id_header = header(&h, "Message-ID");
    assert_eq!(id_header.len(), 1);
    assert!(
        id_header[0].starts_with('<') && id_header[0].ends_with("@example.com>"),
        "{id_header:?}"
    );
    assert_eq!(header(&h, "X-Unsent"), ["1"], "opens as a draft");
    assert_eq!(header(&h, "MIME-Version"), ["1.0"]);
    assert!(header(&h, "Content-Type")[0].contains("charset=\"utf-8\""));
    assert!(header(&h, "Bcc").is_empty() && header(&h, "Cc").is_empty());
    // Every line ends in CRLF and stays short.
    for line in eml.split("\r\n") {
        assert!(!line.contains('\n') && line.len() <= 998, "{line:?}");
    }
    // Same clock, same message: nothing random.
    assert_eq!(
        eml,
        env.run(["draft", &id, "--kind", "thank-you", "--format", "eml"])
    );
}

#[test]
fn no_database_value_can_inject_a_header() {
    let env = Env::new();
    env.profile();
    let id = env.add("Acme", "corporate");
    // The tracker refuses such values at the door; write them behind its back.
    let db = rusqlite::Connection::open(env.db()).unwrap();
    db.execute(
        "UPDATE application SET company = 'Acme\r\nBcc: x@y', role = 'Engineer\r\nCc: z@y'",
        [],
    )
    .unwrap();
    db.execute(
        "UPDATE contact SET name = 'José\r\nBcc: evil@y' WHERE email = 'jose@acme.example'",
        [],
    )
    .unwrap();
    db.execute("UPDATE profile SET name = 'Sam\r\nReply-To: evil@y'", [])
        .unwrap();
    drop(db);
    // A user template that puts the company in the subject.
    let dir = env.config().join("followup/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("follow-up.txt"),
        "Subject: {{ company }} {{ role }}\n\n{{ greeting }}\n\nAbout {{ company }}.\n\n\
         {{ closing }}\n{{ signature }}\n",
    )
    .unwrap();
    for kind in ["thank-you", "follow-up"] {
        let eml = env.run(["draft", &id, "--kind", kind, "--format", "eml"]);
        assert!(
            eml.contains("Acme Bcc: x@y") || kind == "thank-you",
            "{eml}"
        );
        let h = headers(&eml);
        assert!(header(&h, "Bcc").is_empty(), "{kind}: {eml}");
        assert!(header(&h, "Cc").is_empty(), "{kind}: {eml}");
        assert!(header(&h, "Reply-To").is_empty(), "{kind}: {eml}");
        assert_eq!(header(&h, "To").len(), 1, "{kind}: {eml}");
        assert_eq!(header(&h, "Subject").len(), 1, "{kind}: {eml}");
        let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "From",
                "To",
                "Date",
                "Message-ID",
                "X-Unsent",
                "Subject",
                "MIME-Version",
                "Content-Type",
                "Content-Transfer-Encoding"
            ],
            "{kind}: {eml}"
        );
    }
    // The mailto link keeps the line breaks out of the subject as well.
    let url = env.run(["draft", &id, "--kind", "follow-up", "--format", "mailto"]);
    let subject = url
        .split("subject=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert!(
        !subject.contains("%0D") && !subject.contains("%0A"),
        "{url}"
    );
}

#[test]
fn mailto_is_one_percent_encoded_url() {
    let env = Env::new();
    env.profile();
    let id = env.add("Acme & Sons", "startup");
    let url = env.run(["draft", &id, "--kind", "follow-up", "--format", "mailto"]);
    let url = url.strip_suffix('\n').unwrap();
    assert!(!url.contains('\n') && !url.contains(' '), "{url}");
    assert!(
        url.starts_with(
            "mailto:jose@acme.example?subject=Following%20up%20on%20the%20Data%20Engineer%20role&body=Hi%20Jos%C3%A9%2C%0D%0A%0D%0A"
        ),
        "{url}"
    );
    assert!(url.contains("Acme%20%26%20Sons"), "{url}");
    assert!(url.contains("%3F"), "question marks are encoded: {url}");
    let query = url.split_once('?').unwrap().1;
    assert_eq!(
        query.matches('&').count(),
        1,
        "only subject and body: {url}"
    );
    assert_eq!(query.matches('=').count(), 2, "{url}");
}

#[test]
fn email_formats_need_an_address_and_an_email_kind() {
    let env = Env::new();
    env.profile();
    let out = env.run([
        "add",
        "--company",
        "Acme",
        "--role",
        "Engineer",
        "--at",
        "2026-12-01 10:00",
        "--tz",
        "America/New_York",
        "--interviewer",
        "Jane Doe",
        "--json",
    ]);
    let id = serde_json::from_str::<Value>(&out).unwrap()["id"].to_string();
    let err = refused(
        env.cmd()
            .args(["draft", &id, "--kind", "thank-you", "--format", "eml"]),
    );
    assert!(err.contains("Jane Doe has no email address"), "{err}");
    let err = refused(
        env.cmd()
            .args(["draft", &id, "--kind", "voicemail", "--format", "mailto"]),
    );
    assert!(err.contains("not an email"), "{err}");
    let err = refused(
        env.cmd()
            .args(["draft", &id, "--kind", "thank-you", "--format", "pdf"]),
    );
    assert!(err.contains("unknown format `pdf`"), "{err}");
    // Text needs no address.
    let text = env.run(["draft", &id, "--kind", "thank-you"]);
    assert!(text.contains("Dear Jane,"), "{text}");
}

#[test]
fn missing_profile_says_how_to_set_it() {
    let env = Env::new();
    let id = env.add("Acme", "startup");
    let err = refused(env.cmd().args(["draft", &id, "--kind", "thank-you"]));
    assert!(err.contains("no sender profile"), "{err}");
    assert!(err.contains("followup profile --name"), "{err}");
}

#[test]
fn a_user_template_overrides_the_built_in_and_its_errors_name_the_file() {
    let env = Env::new();
    env.profile();
    let id = env.add("Acme", "startup");
    let dir = env.config().join("followup/templates");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("thank-you.txt");
    std::fs::write(
        &file,
        "Subject: Thanks, {{ recipient.first_name }}\n\n{{ greeting }}\n\n\
         Great talking about {{ topics | join_and }}.\n\n{{ closing }}\n{{ signature }}\n",
    )
    .unwrap();
    let v = env.json(["draft", &id, "--kind", "thank-you", "--json"]);
    assert_eq!(v["subject"], "Thanks, José");
    assert_eq!(
        v["body"],
        "Hi José,\n\nGreat talking about the migration to streaming ingestion and how the \
         team runs on-call.\n\nBest,\nSam Lee\nsam@example.com\n+1 555 0100"
    );
    // Other kinds keep their built-in.
    let follow = env.run(["draft", &id, "--kind", "follow-up"]);
    assert!(follow.starts_with("Subject: Following up"), "{follow}");

    std::fs::write(
        &file,
        "Subject: Hi\n\n{{ greeting }}\n{{ recipent.name }}\n",
    )
    .unwrap();
    let err = refused(env.cmd().args(["draft", &id, "--kind", "thank-you"]));
    let want = format!("{}:4:", file.display());
    assert!(err.contains(&want), "{err} (wanted {want})");

    std::fs::write(
        &file,
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    )
    .unwrap();
    let err = refused(env.cmd().args(["draft", &id, "--kind", "thank-you"]));
    assert!(err.contains("fuel"), "{err}");
}

#[test]
fn every_draft_passes_followup_check() {
    let env = Env::new();
    env.profile();
    let kinds = [
        "thank-you",
        "letter",
        "follow-up",
        "final-follow-up",
        "phone-script",
        "voicemail",
        "feedback-request",
        "reply-to-rejection",
    ];
    for (company_type, to) in [("startup", "José"), ("government", "Bob")] {
        let id = env.add("Acme", company_type);
        for kind in kinds {
            let text = env.run(["draft", &id, "--kind", kind, "--to", to]);
            let out = env
                .cmd()
                .args(["check", "-", "--kind", kind, "--application", &id, "--json"])
                .write_stdin(text.clone())
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{kind} to {to}:\n{text}");
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            // When to send is the plan's business (the clock is two hours after the
            // interview); what is written must draw no warning.
            let found: Vec<&Value> = v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["severity"] != "info")
                .filter(|d| !matches!(d["rule"].as_str(), Some("too-soon" | "off-hours")))
                .collect();
            assert!(found.is_empty(), "{kind} to {to}: {found:#?}\n{text}");
        }
    }
}

/// The words of a draft's body, without the greeting line (which holds the name).
fn words_after_greeting(text: &str) -> usize {
    text.lines()
        .skip_while(|l| !l.starts_with("Dear") && !l.starts_with("Hi"))
        .skip(1)
        .map(|l| l.split_whitespace().count())
        .sum()
}

#[test]
fn six_interviewers_of_one_panel_get_six_notes_that_pass_the_checker() {
    let env = Env::new();
    env.profile();
    let names = [
        "Ann Lee", "Ben Ode", "Cy Fox", "Di Ray", "Ed Moss", "Flo Park",
    ];
    for company_type in ["startup", "corporate"] {
        let mut args: Vec<String> = [
            "add",
            "--company",
            "Initrode",
            "--role",
            "QA Lead",
            "--company-type",
            company_type,
            "--at",
            "2026-12-01 10:00",
            "--tz",
            "UTC",
            "--round",
            "panel",
            "--topic",
            "test automation",
            "--strength",
            "Playwright",
            "--json",
        ]
        .map(String::from)
        .to_vec();
        for (i, n) in names.iter().enumerate() {
            args.push("--interviewer".into());
            args.push(format!("{n} <p{i}@initrode.example>"));
        }
        let v: Value = serde_json::from_str(&env.run(&args)).unwrap();
        let id = v["id"].as_i64().unwrap().to_string();
        let mut bodies = Vec::new();
        for n in names {
            let first = n.split(' ').next().unwrap();
            let text = env.run(["draft", &id, "--kind", "thank-you", "--to", n]);
            let out = env
                .cmd()
                .args(["check", "-", "--kind", "thank-you", "--company", "Initrode"])
                .args(["--to", n, "--json"])
                .write_stdin(text.clone())
                .output()
                .unwrap();
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            let warnings: Vec<&Value> = v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["severity"] != "info")
                .collect();
            assert!(warnings.is_empty(), "{n}: {warnings:#?}\n{text}");
            bodies.push(text.replace(n, "NAME").replace(first, "NAME"));
        }
        for i in 0..bodies.len() {
            for j in i + 1..bodies.len() {
                assert_ne!(
                    bodies[i], bodies[j],
                    "{company_type}: {} and {} got the same note",
                    names[i], names[j]
                );
            }
        }
    }
}

#[test]
fn startup_notes_are_shorter_than_formal_ones() {
    let env = Env::new();
    env.profile();
    let startup = env.add("Acme", "startup");
    let corporate = env.add("Globex", "corporate");
    for kind in ["thank-you", "follow-up"] {
        let warm = env.run(["draft", &startup, "--kind", kind, "--to", "Bob"]);
        let formal = env.run(["draft", &corporate, "--kind", kind, "--to", "Bob"]);
        assert!(
            words_after_greeting(&warm) < words_after_greeting(&formal),
            "{kind}:\n{warm}\n---\n{formal}"
        );
    }
}
