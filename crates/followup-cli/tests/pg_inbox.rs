//! Each account's mailbox and own mail account on a PostgreSQL database, against the
//! machine's PostgreSQL (a fresh database per test), a real IMAP server (dovecot,
//! `tests/imap_server`) holding the inbox corpus, and two real SMTP servers on
//! loopback (scripts/smtp_sink.py): the service's, and Ann's own, each asking for a
//! login.
//!
//! - Ann's mail account is set up by whoever runs the service, in a file of the
//!   `account_mail` directory (never in the database). "Sync now" on her Inbox page on
//!   one `serve` process reads her mailbox (read-only: every flag the same after) into
//!   proposals that the other process lists; accepting one records the reply with the
//!   timeline the message names, once; a dismissed one is not proposed again.
//! - Her messages leave through her own account (From: her address, her login), sent
//!   now by `serve` or later by `followup worker`; Bob's through the service's.
//! - Bob, who has no mail account, reads no mailbox (not even the one the server's
//!   own variables name): his Inbox says who sets one up, his sync is refused, and
//!   Ann's proposals answer 404 to him.
//!
//! Without PostgreSQL, dovecot, python3 or aiosmtpd the test is reported as ignored
//! with the reason; under CI=true it fails instead.

mod common;
#[path = "common/http.rs"]
mod http;
mod imap_server;
#[path = "../../followup-store/tests/pg_db/mod.rs"]
mod pg_db;
mod smtp_sink;

use std::path::Path;
use std::process::{Command, ExitCode};

use common::{json_of, stdout_of};
use http::{form_field, free_port, post_form, post_form_and_follow, request, sign_in, Server};
use imap_server::{Dovecot, Imap};
use libtest_mimic::{Arguments, Failed, Trial};
use pg_db::Outcome;
use serde_json::{json, Value};
use smtp_sink::{header, Sink};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![Trial::ignorable_test(
        "an_accounts_own_mailbox_and_mail_account_on_postgresql",
        own_mailbox,
    )];
    libtest_mimic::run(&args, tests).exit_code()
}

/// The corpus's clock (its interviews were on March 2 and 3, 2026).
const NOW: &str = "2026-03-28T12:00:00Z";
const SERVICE: &str = "jobs@followup.example";
const PASSWORD: &str = "correct horse battery";

/// `followup` with the server's environment `env`, in `home`.
fn followup(home: &Path, env: &[(&str, String)], args: &[&str]) -> Result<String, Failed> {
    stdout_of(
        Command::new(env!("CARGO_BIN_EXE_followup"))
            .env_clear()
            .env("HOME", home)
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("XDG_CONFIG_HOME", home.join("config"))
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .args(args),
    )
}

fn own_mailbox() -> Outcome {
    if let Some(why) = imap_server::missing() {
        return smtp_sink::cannot_run(why);
    }
    let root = tempfile::tempdir().map_err(|e| e.to_string())?;
    // Both SMTP servers ask for the login of the `[mail]` that names them.
    let login = format!("{}:{}", imap_server::USER, imap_server::PASSWORD);
    let service = match Sink::start(&root.path().join("service"), &["--auth", &login]) {
        Ok(s) => s,
        Err(why) => return smtp_sink::cannot_run(&why),
    };
    let own = match Sink::start(&root.path().join("own"), &["--auth", &login]) {
        Ok(s) => s,
        Err(why) => return smtp_sink::cannot_run(&why),
    };
    let imap = Dovecot::start(&root.path().join("imap"));
    pg_db::with_db(|db| scenario(root.path(), &db.url, &service, &own, &imap))
}

fn scenario(
    root: &Path,
    url: &str,
    service: &Sink,
    own: &Sink,
    imap: &Dovecot,
) -> Result<(), Failed> {
    let home = root.join("home");
    std::fs::create_dir_all(&home)?;
    let accounts = root.join("accounts");
    std::fs::create_dir_all(&accounts)?;
    let env = vec![
        (
            "FOLLOWUP_SMTP",
            format!("smtp://127.0.0.1:{}", service.port),
        ),
        ("FOLLOWUP_MAIL_ADDRESS", SERVICE.to_string()),
        ("FOLLOWUP_ACCOUNT_MAIL", accounts.display().to_string()),
        // The server's own mailbox variables, which no account may read.
        ("FOLLOWUP_IMAP", imap.url()),
        ("FOLLOWUP_MAIL_USER", imap_server::USER.to_string()),
        ("FOLLOWUP_MAIL_PASSWORD", imap_server::PASSWORD.to_string()),
    ];
    let mut tokens = Vec::new();
    for who in ["ann@example.com", "bob@example.com"] {
        tokens.push(common::account_with_token(&home, url, who, PASSWORD)?);
    }
    let (ann, bob) = (tokens[0].as_str(), tokens[1].as_str());
    // Ann's mail account, as whoever runs the service writes it: for her account's id.
    let users = json_of(&followup(
        &home,
        &env,
        &["--db", url, "admin", "list-users", "--json"],
    )?)?;
    let ann_id = users["users"]
        .as_array()
        .and_then(|u| u.iter().find(|u| u["email"] == "ann@example.com"))
        .and_then(|u| u["id"].as_i64())
        .ok_or("no id for Ann")?;
    std::fs::write(
        accounts.join("ann@example.com.toml"),
        format!(
            "account = {ann_id}\n[mail]\naddress = \"sam.taylor@fastmail.com\"\n\
             smtp = \"smtp://127.0.0.1:{}\"\nimap = \"{}\"\nuser = \"{}\"\n\
             password_command = \"echo {}\"\n",
            own.port,
            imap.url(),
            imap_server::USER,
            imap_server::PASSWORD,
        ),
    )?;

    // What the operator sees of each account's mail account: never its password.
    let shown = |who: &str| -> Result<Value, Failed> {
        json_of(&followup(
            &home,
            &env,
            &[
                "--db",
                url,
                "admin",
                "mail-account",
                who,
                "--check",
                "--json",
            ],
        )?)
    };
    let mine = shown("ann@example.com")?;
    assert_eq!(mine["set_up"], true, "{mine}");
    assert_eq!(mine["sent_through"], "own", "{mine}");
    assert_eq!(mine["imap"].as_str(), Some(imap.url().as_str()), "{mine}");
    assert_eq!(mine["password"], "from password_command", "{mine}");
    assert_eq!(
        mine["checks"],
        json!({"smtp": "ok", "imap": "ok"}),
        "{mine}"
    );
    assert!(!mine.to_string().contains(imap_server::PASSWORD), "{mine}");
    let his = shown("bob@example.com")?;
    assert_eq!(
        (&his["set_up"], &his["sent_through"], &his["checks"]),
        (&json!(false), &json!("service"), &json!({})),
        "{his}"
    );
    let env_ref: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ports = [free_port(), free_port()];
    let _a = Server::start_with(
        &home,
        &["--db", url, "--now", NOW, "serve"],
        ports[0],
        &env_ref,
    );
    let _b = Server::start_with(
        &home,
        &["--db", url, "--now", NOW, "serve"],
        ports[1],
        &env_ref,
    );

    // Ann's job search: the three applications of the corpus's mail.
    let call = |port: u16, token: &str, method: &str, path: &str, body: Value| {
        let body = if body.is_null() {
            String::new()
        } else {
            body.to_string()
        };
        request(port, method, path, token, &body)
    };
    let (s, text) = call(
        ports[0],
        ann,
        "PUT",
        "/api/profile",
        json!({"name": "Sam Taylor", "email": "sam.taylor@fastmail.com"}),
    );
    assert_eq!(s, 200, "{text}");
    let mut apps = Vec::new();
    for (company, role, at, people) in [
        (
            "Acme Robotics",
            "Backend Engineer",
            "2026-03-02 10:00",
            vec![
                "Jane Doe <jane.doe@acmerobotics.com>",
                "Tom Reyes <tom@acmerobotics.com>",
            ],
        ),
        (
            "Northwind Health",
            "Data Analyst",
            "2026-03-03 10:00",
            vec![
                "Priya Raman <priya.raman@northwindhealth.org>",
                "Dan Whitaker <dan.whitaker@northwindhealth.org>",
            ],
        ),
        (
            "Hooli",
            "Frontend Developer",
            "2026-03-02 14:00",
            vec!["Ana Sousa <ana.sousa@hooli.com>"],
        ),
    ] {
        let (s, text) = call(
            ports[0],
            ann,
            "POST",
            "/api/applications",
            json!({"company": company, "role": role,
                   "round": {"at": at, "tz": "America/New_York", "interviewer": people}}),
        );
        assert_eq!(s, 201, "{text}");
        apps.push(json_of(&text)?["id"].as_i64().ok_or("no id")?);
    }
    let northwind = apps[1];

    // Her mailbox: the corpus, appended over IMAP.
    let mut client = Imap::connect(imap.port);
    let n = client.append_corpus();
    let before = (client.flags("INBOX"), client.flags("Sent"));

    // "Sync now" on her Inbox page, on process A.
    let cookie = sign_in(ports[0], "ann@example.com", PASSWORD).ok_or("Ann not signed in")?;
    let (s, page) = http::request_as(ports[0], "GET", "/inbox", &format!("Cookie: {cookie}"), "");
    assert_eq!(s, 200, "{page}");
    assert!(page.contains("id=\"sync\""), "no Sync now: {page}");
    let (csrf, idem) = (
        form_field(&page, "csrf").ok_or("no form token")?,
        form_field(&page, "idem").ok_or("no form key")?,
    );
    let (s, page) = post_form_and_follow(
        ports[0],
        "/inbox/sync",
        &cookie,
        &format!("csrf={csrf}&idem={idem}-sync"),
    );
    assert_eq!(s, 303, "{page}");
    assert!(
        page.contains(&format!(
            "Read {n} new message(s) in INBOX and Sent: 19 matched"
        )),
        "{page}"
    );
    // Read-only: every message's flags as they were.
    assert_eq!(before, (client.flags("INBOX"), client.flags("Sent")));

    // The proposals, listed on process B: the corpus's 19 for these applications.
    let (s, text) = call(ports[1], ann, "GET", "/api/inbox", Value::Null);
    assert_eq!(s, 200, "{text}");
    let list = json_of(&text)?["proposals"]
        .as_array()
        .cloned()
        .ok_or("no list")?;
    assert_eq!(list.len(), 19, "{text}");
    let decision = list
        .iter()
        .find(|p| p["kind"] == "decision" && p["application"] == northwind)
        .ok_or("no Northwind decision")?;
    assert_eq!(decision["confidence"], "high");
    let did = decision["id"].as_i64().ok_or("no id")?;
    // Today, on process B, says they wait.
    let (_, today) = call(ports[1], ann, "GET", "/", Value::Null);
    assert!(
        today.contains("19 messages from your mailbox wait"),
        "{today}"
    );

    // Each one's Settings page says where their messages leave from and what is read.
    let (_, page) = call(ports[1], ann, "GET", "/settings", Value::Null);
    assert!(
        page.contains(&format!(
            "Your messages leave from sam.taylor@fastmail.com through 127.0.0.1:{}.",
            own.port
        )) && page.contains(&format!("Your mailbox at 127.0.0.1:{} is read", imap.port))
            && page.contains("every 15 minutes"),
        "{page}"
    );
    // Nor how its password is had.
    assert!(
        !page.contains(&format!("echo {}", imap_server::PASSWORD)),
        "{page}"
    );
    let (_, page) = call(ports[0], bob, "GET", "/settings", Value::Null);
    assert!(
        page.contains(&format!("leave from this service&#39;s address, {SERVICE}")),
        "{page}"
    );
    assert!(
        page.contains("Reading your mailbox needs a mail account"),
        "{page}"
    );

    // Bob: no mailbox of his own, and none of Ann's proposals.
    let (_, page) = call(ports[0], bob, "GET", "/inbox", Value::Null);
    assert!(
        page.contains("ask whoever runs this service to set one up for your address")
            && !page.contains("id=\"sync\""),
        "{page}"
    );
    let (s, text) = call(ports[1], bob, "GET", "/api/inbox", Value::Null);
    assert_eq!((s, text.as_str()), (200, "{\"proposals\":[]}"));
    for path in [
        format!("/api/inbox/{did}/accept"),
        format!("/api/inbox/{did}/dismiss"),
    ] {
        let (s, text) = call(ports[1], bob, "POST", &path, Value::Null);
        assert_eq!(s, 404, "{path}: {text}");
    }
    let bob_cookie = sign_in(ports[1], "bob@example.com", PASSWORD).ok_or("Bob not signed in")?;
    let (_, page) = http::request_as(
        ports[1],
        "GET",
        "/new",
        &format!("Cookie: {bob_cookie}"),
        "",
    );
    let bob_csrf = form_field(&page, "csrf").ok_or("no form token")?;
    let (s, _) = post_form(
        ports[1],
        "/inbox/sync",
        &bob_cookie,
        &format!("csrf={bob_csrf}&idem=bob-sync"),
    );
    assert_eq!(s, 409, "Bob's sync was not refused");

    // Ann accepts the decision on process A: the reply is recorded with its
    // timeline, once.
    let (s, text) = call(
        ports[0],
        ann,
        "POST",
        &format!("/api/inbox/{did}/accept"),
        Value::Null,
    );
    assert_eq!(s, 201, "{text}");
    let (s, text) = call(
        ports[1],
        ann,
        "POST",
        &format!("/api/inbox/{did}/accept"),
        Value::Null,
    );
    assert_eq!(s, 200, "{text}");
    assert_eq!(json_of(&text)?["already"], true);
    let (_, text) = call(
        ports[1],
        ann,
        "GET",
        &format!("/api/applications/{northwind}"),
        Value::Null,
    );
    let full = json_of(&text)?;
    let replies: Vec<&Value> = full["full"]["touchpoints"]
        .as_array()
        .ok_or("no touchpoints")?
        .iter()
        .filter(|t| t["kind"] == "reply")
        .collect();
    assert_eq!(replies.len(), 1, "{text}");
    assert!(
        replies[0]["decision_phrase"]
            .as_str()
            .unwrap_or("")
            .contains("within two weeks"),
        "{text}"
    );
    // One accepted six times at once, three on each process (two tabs, a script...):
    // recorded once.
    let racing = list
        .iter()
        .find(|p| {
            p["application"] != northwind
                && ["reply", "decision", "rejection"].contains(&p["kind"].as_str().unwrap_or(""))
        })
        .ok_or("no reply to race")?;
    let rid = racing["id"].as_i64().ok_or("no id")?;
    let raced_app = racing["application"].as_i64().ok_or("no application")?;
    let mid = racing["message_id"]
        .as_str()
        .unwrap_or("")
        .trim_matches(['<', '>'])
        .to_string();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let path = format!("/api/inbox/{rid}/accept");
        let calls: Vec<_> = (0..6)
            .map(|i| {
                let path = path.clone();
                scope.spawn(move || request(ports[i % 2], "POST", &path, ann, "").0)
            })
            .collect();
        calls.into_iter().map(|c| c.join().unwrap_or(0)).collect()
    });
    let mut sorted = statuses.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![200, 200, 200, 200, 200, 201], "{statuses:?}");
    let (_, text) = call(
        ports[0],
        ann,
        "GET",
        &format!("/api/applications/{raced_app}"),
        Value::Null,
    );
    let recorded = json_of(&text)?["full"]["touchpoints"]
        .as_array()
        .ok_or("no touchpoints")?
        .iter()
        .filter(|t| t["note"].as_str().is_some_and(|n| n.contains(&mid)))
        .count();
    assert_eq!(recorded, 1, "{text}");

    // Another dismissed: a sync from the start proposes neither again.
    let other = list
        .iter()
        .find(|p| p["id"].as_i64() != Some(did))
        .and_then(|p| p["id"].as_i64())
        .ok_or("no other")?;
    let (s, text) = call(
        ports[1],
        ann,
        "POST",
        &format!("/api/inbox/{other}/dismiss"),
        Value::Null,
    );
    assert_eq!(s, 200, "{text}");
    let (_, page) = http::request_as(ports[1], "GET", "/inbox", &format!("Cookie: {cookie}"), "");
    let csrf = form_field(&page, "csrf").ok_or("no form token")?;
    let (s, page) = post_form_and_follow(
        ports[1],
        "/inbox/sync",
        &cookie,
        &format!("csrf={csrf}&idem=again"),
    );
    assert_eq!(s, 303);
    assert!(page.contains("Read 0 new message(s)"), "{page}");
    let (_, text) = call(ports[0], ann, "GET", "/api/inbox", Value::Null);
    assert_eq!(
        json_of(&text)?["proposals"].as_array().map(Vec::len),
        Some(16)
    );

    // Her messages leave through her own account: now, from process B...
    let hooli = apps[2];
    let (s, text) = call(
        ports[1],
        ann,
        "POST",
        &format!("/api/applications/{hooli}/send"),
        json!({"kind": "follow-up", "to": "Ana", "at": "now", "force": true,
               "confirm_warnings": true}),
    );
    assert_eq!(s, 201, "{text}");
    assert_eq!(json_of(&text)?["state"], "sent", "{text}");
    let mine = own.received();
    assert_eq!(mine.len(), 1, "her own server received {mine:?}");
    assert_eq!(
        header(&mine[0].1, "From").as_deref(),
        Some("\"Sam Taylor\" <sam.taylor@fastmail.com>")
    );
    assert_eq!(header(&mine[0].1, "Reply-To"), None);
    assert!(service.received().is_empty());
    // ... and later, by the worker.
    let (s, text) = call(
        ports[0],
        ann,
        "POST",
        &format!("/api/applications/{}/send", apps[0]),
        json!({"kind": "follow-up", "to": "Jane", "at": "2026-03-30 10:00", "force": true,
               "confirm_warnings": true}),
    );
    assert_eq!(s, 201, "{text}");
    assert_eq!(json_of(&text)?["state"], "queued", "{text}");
    // Bob's message leaves through the service's.
    let (s, text) = call(
        ports[0],
        bob,
        "PUT",
        "/api/profile",
        json!({"name": "Bob Builder", "email": "bob@home.example"}),
    );
    assert_eq!(s, 200, "{text}");
    let (s, text) = call(
        ports[0],
        bob,
        "POST",
        "/api/applications",
        json!({"company": "Initech", "role": "Engineer",
               "round": {"at": "2026-03-20 10:00", "tz": "America/New_York",
                         "interviewer": ["Bill Lumbergh <bill@initech.example>"]}}),
    );
    assert_eq!(s, 201, "{text}");
    let initech = json_of(&text)?["id"].as_i64().ok_or("no id")?;
    let (s, text) = call(
        ports[0],
        bob,
        "POST",
        &format!("/api/applications/{initech}/send"),
        json!({"kind": "follow-up", "to": "Bill", "at": "2026-03-30 10:00", "force": true,
               "confirm_warnings": true}),
    );
    assert_eq!(s, 201, "{text}");
    // Meanwhile Ana answers Ann's follow-up: the worker reads it from her mailbox.
    client.append(
        "INBOX",
        "",
        b"From: Ana Sousa <ana.sousa@hooli.com>\r\nTo: Sam Taylor <sam.taylor@fastmail.com>\r\n\
          Subject: Re: Frontend Developer interview\r\nDate: Mon, 30 Mar 2026 09:00:00 -0400\r\n\
          Message-ID: <ana-30-march@hooli.com>\r\n\r\nHi Sam,\r\n\r\nThanks for checking in. \
          We expect to make a decision by April 10.\r\n\r\nAna\r\n",
    );
    let out = followup(
        &home,
        &env,
        &[
            "--db",
            url,
            "--now",
            "2026-03-30T16:00:00Z",
            "worker",
            "--once",
            "--json",
        ],
    )?;
    let read: Vec<Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|j| j["job"] == "mail")
        .collect();
    assert_eq!(read.len(), 1, "only Ann's mailbox is read: {out}");
    assert_eq!(
        (&read[0]["account"], &read[0]["state"]),
        (&json!(ann_id), &json!("read")),
        "{out}"
    );
    assert!(
        read[0]["detail"]
            .as_str()
            .unwrap_or("")
            .starts_with("1 new message(s): 1 matched an application, 1 new proposal(s)"),
        "{out}"
    );
    // Another worker run at once (from cron, say) does not read it again: its turn
    // comes 15 minutes later, whichever worker takes it.
    let again = followup(
        &home,
        &env,
        &[
            "--db",
            url,
            "--now",
            "2026-03-30T16:05:00Z",
            "worker",
            "--once",
            "--json",
        ],
    )?;
    assert!(!again.contains("\"job\":\"mail\""), "{again}");
    let later = followup(
        &home,
        &env,
        &[
            "--db",
            url,
            "--now",
            "2026-03-30T16:15:00Z",
            "worker",
            "--once",
            "--json",
        ],
    )?;
    assert!(
        later.contains("\"job\":\"mail\"") && later.contains("0 new message(s)"),
        "{later}"
    );
    let (_, text) = call(ports[1], ann, "GET", "/api/inbox", Value::Null);
    let ana = json_of(&text)?["proposals"]
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|p| p["message_id"] == "<ana-30-march@hooli.com>")
                .cloned()
        })
        .ok_or("Ana's answer is not proposed")?;
    assert_eq!(
        (&ana["kind"], &ana["application"]),
        (&json!("decision"), &json!(hooli)),
        "{ana}"
    );
    let sent: Vec<Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|j| j["job"] == "outbox" && j["state"] == "sent")
        .collect();
    assert_eq!(sent.len(), 2, "{out}");
    let mine = own.received();
    assert_eq!(mine.len(), 2, "{out}");
    assert_eq!(
        header(&mine[1].1, "To").as_deref(),
        Some("\"Jane Doe\" <jane.doe@acmerobotics.com>")
    );
    let theirs: Vec<String> = service
        .received()
        .into_iter()
        .map(|(_, m)| m)
        .filter(|m| header(m, "To").is_some_and(|t| t.contains("initech")))
        .collect();
    assert_eq!(theirs.len(), 1, "{out}");
    assert_eq!(
        header(&theirs[0], "From").as_deref(),
        Some(&*format!("\"Bob Builder\" <{SERVICE}>"))
    );
    assert_eq!(
        header(&theirs[0], "Reply-To").as_deref(),
        Some("\"Bob Builder\" <bob@home.example>")
    );

    // The next morning's digest counts the answers that wait in her Inbox, with its
    // link; Bob's, with none, does not mention it.
    followup(
        &home,
        &env,
        &[
            "--db",
            url,
            "--now",
            "2026-03-31T12:00:00Z",
            "worker",
            "--once",
            "--json",
        ],
    )?;
    let digest_to = |to: &str| {
        service
            .received()
            .into_iter()
            .map(|(_, m)| m)
            .filter(|m| header(m, "To").is_some_and(|t| t.contains(to)))
            .find(|m| header(m, "Message-ID").is_some_and(|i| i.contains("2026-03-31")))
            .map(|m| m.replace("=\r\n", ""))
    };
    let hers = digest_to("ann@example.com").ok_or("no digest for Ann")?;
    assert!(
        header(&hers, "Subject").is_some_and(|s| s.contains("17 from your mailbox to review")),
        "{hers}"
    );
    assert!(
        hers.contains("17 messages read from your mailbox wait") && hers.contains("/inbox"),
        "{hers}"
    );
    if let Some(his) = digest_to("bob@example.com") {
        assert!(!his.contains("from your mailbox"), "{his}");
    }
    Ok(())
}
