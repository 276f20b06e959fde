//! `followup check` as a user runs it: the real binary, a clean environment, a
//! database in a temporary directory and a fixed clock.

use assert_cmd::Command;
use serde_json::Value;

mod common;

/// Interview on Tuesday Dec 1 2026, 10:00 New York.
const AT: &str = "2026-12-01 10:00";
const TZ: &str = "America/New_York";
/// Tuesday evening, the day of the interview.
const NOW: &str = "2026-12-01T18:00:00-05:00";

const GOOD: &str = "Subject: Thank you for today's interview

Dear Priya,

Thank you for meeting with me today about the Data Analyst role at Acme. I enjoyed our
conversation about the sales dashboard, and I am very interested in joining the team.

Best regards,
Sam Rivera
sam.rivera@example.com
";

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

    fn add(&self, company: &str, interviewer: &str) -> i64 {
        let out = self
            .cmd()
            .args([
                "add",
                "--company",
                company,
                "--role",
                "Data Analyst",
                "--at",
                AT,
                "--tz",
                TZ,
                "--interviewer",
                interviewer,
                "--json",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["id"].as_i64().unwrap()
    }
}

/// Runs the command; returns the exit code and the parsed JSON on stdout.
fn json(cmd: &mut Command) -> (i32, Value) {
    let out = cmd.output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

fn rules(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] != "info")
        .map(|d| d["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn json_has_the_documented_shape_and_a_good_note_passes() {
    let env = Env::new();
    let f = env.file("good.txt", GOOD);
    let (code, v) = json(
        env.cmd()
            .args([
                "check",
                "--json",
                "--kind",
                "thank-you",
                "--company",
                "Acme",
                "--to",
                "Priya Natarajan",
            ])
            .arg(&f),
    );
    assert_eq!(code, 0);
    assert_eq!(rules(&v), Vec::<String>::new(), "{v:#}");

    let bad = GOOD
        .replace("Dear Priya", "Dear [Name]")
        .replace("very interested", "VERY interested");
    let f = env.file("bad.txt", &bad);
    let (code, v) = json(
        env.cmd()
            .args([
                "check",
                "--json",
                "--kind",
                "thank-you",
                "--company",
                "Acme",
            ])
            .arg(&f),
    );
    assert_eq!(code, 1, "a placeholder is an error");
    let d = v["diagnostics"].as_array().unwrap();
    let ph = d.iter().find(|d| d["rule"] == "placeholder").unwrap();
    assert_eq!(ph["severity"], "error");
    assert_eq!(
        (ph["line"].as_u64(), ph["column"].as_u64()),
        (Some(3), Some(6))
    );
    assert_eq!(
        (ph["end_line"].as_u64(), ph["end_column"].as_u64()),
        (Some(3), Some(12))
    );
    assert!(ph["message"].as_str().unwrap().contains("(L)"));
    assert!(ph["suggestion"].is_string());
    let sh = d.iter().find(|d| d["rule"] == "shouting").unwrap();
    assert_eq!(sh["severity"], "warning");
    assert_eq!(sh["suggestion"], "very");
    for d in d {
        for key in [
            "rule",
            "severity",
            "line",
            "column",
            "end_line",
            "end_column",
            "message",
            "suggestion",
        ] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
    }
}

#[test]
fn human_output_points_at_the_file_line_and_column() {
    let env = Env::new();
    let f = env.file("note.txt", &GOOD.replace("the sales", "the the sales"));
    let out = env
        .cmd()
        .args(["check", "--kind", "thank-you"])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "warnings only");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("warning[repeated-word]"), "{text}");
    assert!(text.contains("note.txt:6:"), "{text}");
    assert!(text.contains("^^^^"), "{text}");
    assert!(
        text.contains("help: try: remove the second \"the\""),
        "{text}"
    );
    assert!(text.contains("0 errors, 1 warning"), "{text}");
}

#[test]
fn stdin_and_eml_input() {
    let env = Env::new();
    let (code, v) = json(
        env.cmd()
            .args(["check", "--json", "--kind", "follow-up", "-"])
            .write_stdin(
                "Subject: Update?\n\nDear Priya,\n\nI need an answer ASAP!!\n\nBest,\nSam\n",
            ),
    );
    assert_eq!(code, 0);
    let r = rules(&v);
    assert!(
        r.contains(&"pushy".to_string()) && r.contains(&"exclamations".to_string()),
        "{r:?}"
    );

    // Quoted-printable body: decoded before checking; the subject keeps its position.
    let eml = "From: Sam <sam@example.com>\r\nTo: Priya <priya@acme.example>\r\n\
        Subject: Thank you =?UTF-8?Q?=E2=80=93?= XXX\r\nMIME-Version: 1.0\r\n\
        Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
        Dear Priya,\r\n\r\nThank you for our conversation about the dash=\r\nboard at Acme. I am very inte=\r\nrested.\r\n\r\nBest regards,\r\nSam\r\nsam@example.com\r\n";
    let f = env.file("note.eml", eml);
    let (code, v) = json(
        env.cmd()
            .args([
                "check",
                "--json",
                "--kind",
                "thank-you",
                "--company",
                "Acme",
            ])
            .arg(&f),
    );
    assert_eq!(code, 1);
    assert_eq!(rules(&v), ["placeholder"], "{v:#}");
    assert_eq!(v["diagnostics"][0]["line"], 3);
}

#[test]
fn bad_input_is_one_line_and_exit_two() {
    let env = Env::new();
    let f = env.file("note.txt", GOOD);
    for args in [
        vec!["check", "--kind", "thank-u"],
        vec!["check", "--lang", "fr_FR"],
        vec!["check", "--application", "42"],
        vec!["check", "--words", "/nonexistent/words.txt"],
    ] {
        let out = env.cmd().args(&args).arg(&f).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    let out = env
        .cmd()
        .args(["check", "/nonexistent/message.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn personal_words_silence_spelling() {
    let env = Env::new();
    let f = env.file(
        "note.txt",
        &GOOD.replace("sales dashboard", "sales dashbrd"),
    );
    let (_, v) = json(env.cmd().args(["check", "--json"]).arg(&f));
    assert_eq!(rules(&v), ["spelling"]);
    std::fs::create_dir_all(env.home.path().join("config/followup")).unwrap();
    std::fs::write(
        env.home.path().join("config/followup/words.txt"),
        "# mine\ndashbrd\n",
    )
    .unwrap();
    let (_, v) = json(env.cmd().args(["check", "--json"]).arg(&f));
    assert_eq!(rules(&v), Vec::<String>::new());
}

#[test]
fn application_names_the_wrong_company() {
    let env = Env::new();
    let acme = env.add("Acme", "Priya Natarajan <priya@acme.example>");
    env.add("Globex", "Marcus Webb <marcus@globex.example>");
    let f = env.file("note.txt", &GOOD.replace("role at Acme", "role at Globex"));
    let (code, v) = json(
        env.cmd()
            .args(["check", "--json", "--application", &acme.to_string()])
            .arg(&f),
    );
    assert_eq!(code, 1);
    let d = v["diagnostics"].as_array().unwrap();
    let wrong = d
        .iter()
        .find(|d| d["rule"] == "wrong-company" && d["severity"] == "error")
        .unwrap();
    assert!(
        wrong["message"].as_str().unwrap().contains("Acme"),
        "{wrong}"
    );
    assert_eq!(wrong["suggestion"], "Acme");

    // A former employer is experience, not a mistake; the kind comes from the plan.
    let f = env.file(
        "ok.txt",
        &GOOD.replace(
            "I enjoyed",
            "When I worked at Globex I built a similar dashboard. I enjoyed",
        ),
    );
    let (code, v) = json(
        env.cmd()
            .args(["check", "--json", "--application", &acme.to_string()])
            .arg(&f),
    );
    assert_eq!(code, 0);
    assert_eq!(rules(&v), Vec::<String>::new(), "{v:#}");

    // Greeting someone who is not a contact of the application.
    let f = env.file("name.txt", &GOOD.replace("Dear Priya", "Dear Marcus"));
    let (_, v) = json(
        env.cmd()
            .args(["check", "--json", "--application", &acme.to_string()])
            .arg(&f),
    );
    assert_eq!(rules(&v), ["wrong-name"]);
}

#[test]
fn application_timing_too_soon_too_many_off_hours() {
    let env = Env::new();
    let acme = env.add("Acme", "Priya Natarajan <priya@acme.example>");
    let id = acme.to_string();
    let follow_up =
        "Subject: Following up\n\nDear Priya,\n\nThank you again for the interview for \
        the Data Analyst role at Acme. I am still very interested. Is there any update on the \
        timeline?\n\nBest regards,\nSam Rivera\n";
    let f = env.file("fu.txt", follow_up);

    // The evening of the interview: too soon, and outside business hours.
    let (code, v) = json(
        env.cmd()
            .args([
                "check",
                "--json",
                "--kind",
                "follow-up",
                "--application",
                &id,
            ])
            .arg(&f),
    );
    assert_eq!(code, 0);
    let mut r = rules(&v);
    r.sort();
    assert_eq!(r, ["off-hours", "too-soon"], "{v:#}");

    // Two follow-ups already sent: a third is an error (T5).
    for at in ["2026-12-10 10:00", "2026-12-18 10:00"] {
        let out = env
            .cmd()
            .args(["log", &id, "follow-up", "--at", at])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (code, v) = json(
        env.cmd()
            .args([
                "check",
                "--json",
                "--kind",
                "follow-up",
                "--application",
                &id,
            ])
            .arg(&f)
            .env("FOLLOWUP_NOW", "2027-01-05T10:30:00-05:00"),
    );
    assert_eq!(code, 1);
    assert_eq!(rules(&v), ["too-many"], "{v:#}");
    assert!(v["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("(T5)"));
}

#[test]
fn application_topics_count_as_specifics() {
    let env = Env::new();
    let out = env
        .cmd()
        .args([
            "add",
            "--company",
            "Acme",
            "--role",
            "Data Analyst",
            "--at",
            AT,
            "--tz",
            TZ,
            "--interviewer",
            "Priya Natarajan",
            "--topic",
            "billing rewrite",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let note = "Subject: Thank you\n\nDear Priya,\n\nThank you for the interview for the Data \
        Analyst role at Acme. The billing rewrite sounds like a great project for me, and I \
        am very interested.\n\nBest regards,\nSam Rivera\nsam@example.com\n";
    let f = env.file("ty.txt", note);
    let (_, v) = json(
        env.cmd()
            .args(["check", "--json", "--kind", "thank-you"])
            .arg(&f),
    );
    assert_eq!(rules(&v), ["no-specifics"], "without the tracker: {v:#}");
    let (code, v) = json(
        env.cmd()
            .args([
                "check",
                "--json",
                "--kind",
                "thank-you",
                "--application",
                "1",
            ])
            .arg(&f),
    );
    assert_eq!(code, 0);
    assert_eq!(rules(&v), Vec::<String>::new(), "{v:#}");
}

#[test]
fn binary_huge_and_overlong_input_is_refused_before_checking() {
    let env = Env::new();
    let nul = env.path().join("nul.bin");
    std::fs::write(&nul, b"Dear Priya,\0\0\x01binary").unwrap();
    let noise: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1)
        .collect();
    let noisy = env.path().join("noise.bin");
    std::fs::write(&noisy, &noise).unwrap();
    let huge = env.file("huge.txt", &"a".repeat(check_limits::INPUT + 1));
    let long = env.file("long.txt", &"Thank you. ".repeat(300_000 / 11));
    for (f, why) in [
        (&nul, "binary"),
        (&noisy, "binary"),
        (&huge, "over 1 MiB"),
        (&long, "at most 256 KiB"),
    ] {
        let err = common::refused(env.cmd().arg("check").arg(f));
        assert!(err.contains(why), "{err}");
    }
    // From standard input too, without reading an endless stream to its end.
    let err = common::refused(
        env.cmd()
            .args(["check", "-"])
            .write_stdin("x".repeat(check_limits::INPUT + 10)),
    );
    assert!(err.contains("over 1 MiB"), "{err}");
}

/// The limits of `followup check`, as documented in the README.
mod check_limits {
    pub const INPUT: usize = 1024 * 1024;
}

#[test]
fn an_empty_message_is_one_error() {
    let env = Env::new();
    for (text, at) in [
        ("", (1, 1)),
        ("\n\n  \n", (1, 1)),
        ("Subject: Hello", (1, 10)),
    ] {
        let f = env.file("empty.txt", text);
        let (code, v) = json(
            env.cmd()
                .args(["check", "--json", "--kind", "thank-you"])
                .arg(&f),
        );
        assert_eq!(code, 1, "{text:?}");
        assert_eq!(rules(&v), ["empty"], "{text:?}: {v:#}");
        let d = &v["diagnostics"][0];
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(at.0), Some(at.1))
        );
    }
}

#[test]
fn findings_in_a_decoded_body_point_into_the_decoded_text() {
    let env = Env::new();
    // "Dear Priya,\n\nThank you for the interview at Acme. I recieve TODO.\n"
    let eml = "Subject: Thanks\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\
        Content-Transfer-Encoding: base64\n\n\
        RGVhciBQcml5YSwKClRoYW5rIHlvdSBmb3IgdGhlIGludGVydmlldyBhdCBBY21lLiBJIHJlY2lldmUg\n\
        VE9ETy4K\n";
    let f = env.file("note.eml", eml);
    let (code, v) = json(env.cmd().args(["check", "--json"]).arg(&f));
    assert_eq!(code, 1);
    let d = v["diagnostics"].as_array().unwrap();
    let todo = d.iter().find(|d| d["rule"] == "placeholder").unwrap();
    // The body starts on line 6; "TODO" is on its third line, at column 48.
    assert_eq!(
        (
            todo["line"].as_u64(),
            todo["column"].as_u64(),
            todo["end_column"].as_u64()
        ),
        (Some(8), Some(48), Some(52))
    );
    let out = env.cmd().arg("check").arg(&f).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("note.eml:8:48"), "{text}");
    assert!(
        text.contains("8 | Thank you for the interview at Acme. I recieve TODO."),
        "{text}"
    );
    assert!(text.contains("refer to the decoded text"), "{text}");
}

#[test]
fn built_in_drafts_pass_the_checker_without_the_tracker() {
    let env = Env::new();
    env.run([
        "profile",
        "--name",
        "Sam Rivera",
        "--email",
        "sam@example.com",
        "--phone",
        "555-010-2345",
    ]);
    let variants: [&[&str]; 4] = [
        &["--topic", "the billing rewrite"],
        &["--topic", "the billing rewrite", "--strength", "Kafka"],
        &["--topic", "the billing rewrite", "--topic", "on-call load"],
        &[
            "--topic",
            "the billing rewrite",
            "--question",
            "how I test migrations",
        ],
    ];
    for extra in variants {
        let mut args = vec![
            "add",
            "--company",
            "Acme",
            "--role",
            "Data Analyst",
            "--at",
            AT,
            "--tz",
            TZ,
            "--interviewer",
            "Priya Natarajan <priya@acme.example>",
            "--json",
        ];
        args.extend_from_slice(extra);
        let id = env.json(&args)["id"].as_i64().unwrap().to_string();
        for kind in [
            "phone-script",
            "voicemail",
            "thank-you",
            "letter",
            "follow-up",
            "final-follow-up",
            "feedback-request",
            "reply-to-rejection",
        ] {
            let draft = env.run(["draft", &id, "--kind", kind]);
            let f = env.file("draft.txt", &draft);
            let (code, v) = json(env.cmd().args(["check", "--json", "--kind", kind]).arg(&f));
            assert_eq!(code, 0, "{kind} {extra:?}");
            assert_eq!(
                rules(&v),
                Vec::<String>::new(),
                "{kind} {extra:?}:\n{draft}\n{v:#}"
            );
        }
    }
}

#[test]
fn spelling_verdicts_are_kept_between_runs() {
    let env = Env::new();
    let f = env.file(
        "note.txt",
        &GOOD.replace("sales dashboard", "sales dashbord"),
    );
    let cache = env.path().join(".cache/followup/spelling-en_GB.txt");
    for _ in 0..2 {
        let (_, v) = json(
            env.cmd()
                .args(["check", "--json", "--lang", "en_GB"])
                .arg(&f),
        );
        assert_eq!(rules(&v), ["spelling"], "{v:#}");
        let d = v["diagnostics"].as_array().unwrap();
        let s = d
            .iter()
            .find(|d| d["rule"] == "spelling" && d["severity"] == "warning")
            .unwrap();
        assert!(
            s["suggestion"].as_str().unwrap().contains("dashboard"),
            "{s}"
        );
        let saved = std::fs::read_to_string(&cache).unwrap();
        assert!(saved.contains("dashbord\t0\n"), "{saved}");
        assert!(saved.contains("dashbord\ts\t"), "{saved}");
    }
    // A damaged cache is ignored.
    std::fs::write(&cache, "garbage\ndashbord\t1\n").unwrap();
    let (_, v) = json(
        env.cmd()
            .args(["check", "--json", "--lang", "en_GB"])
            .arg(&f),
    );
    assert_eq!(rules(&v), ["spelling"], "{v:#}");
}

#[test]
fn a_long_text_full_of_findings_is_checked_quickly_and_shown_in_part() {
    let env = Env::new();
    // One 100 KB line of unknown words, repeated words and capitals: some 25,000
    // findings.
    let mut line = String::new();
    let mut n = 7u32;
    while line.len() < 100_000 {
        n = n.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        let w: String = (0..3 + n % 6)
            .map(|i| char::from(b'a' + ((n >> (i * 3)) % 26) as u8))
            .collect();
        line.push_str(&w);
        line.push_str(" the the VERY ");
    }
    let f = env.file("long.txt", &line);
    let started = std::time::Instant::now();
    let out = env.cmd().arg("check").arg(&f).output().unwrap();
    // Generous for a debug build on a busy machine (the release build takes a fraction
    // of a second); rendering every finding with its whole line took minutes.
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("not shown; --json lists them all"),
        "{}",
        &text[text.len().saturating_sub(500)..]
    );
    assert!(
        text.matches("warning[").count() == 200,
        "{}",
        text.matches("warning[").count()
    );
}
