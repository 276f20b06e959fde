//! `followup --db postgres://… admin …` against a fresh database on the machine's
//! PostgreSQL: create-user (a sign-up link, or a password from standard input), token,
//! list-users, delete-user, and the one-line refusals (a duplicate or unknown address,
//! no --yes, an unreachable server, a PostgreSQL URL for another command); and the
//! same commands on an SQLite office (`followup serve --multi-user`).
//!
//! Without a server the tests that need one are reported as ignored with the reason;
//! under CI=true they fail instead.

use std::process::ExitCode;

use assert_cmd::Command;
use followup_store::pg::{LinkPurpose, Pg};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;

#[path = "../../followup-store/tests/pg_db/mod.rs"]
mod pg_db;

mod common;

use pg_db::{with_db, Outcome};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test("create_user_prints_a_signup_link", signup_link),
        Trial::ignorable_test("create_user_reads_the_password_from_stdin", password_stdin),
        Trial::ignorable_test("token_prints_a_new_api_token", token),
        Trial::ignorable_test("list_users_as_a_table_and_json", list_users),
        Trial::ignorable_test("delete_user_needs_yes_and_deletes_everything", delete_user),
        Trial::ignorable_test(
            "mail_account_shows_the_operators_file_and_checks_its_logins",
            mail_account,
        ),
        Trial::test("an_unreachable_server_is_one_line", unreachable),
        Trial::test("other_commands_refuse_a_postgres_url", other_commands),
        Trial::test("admin_on_an_sqlite_office", admin_on_an_sqlite_office),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

const NOW: &str = "2026-12-01T10:00:00Z";

/// `followup --db URL admin ARGS…` in a clean environment at [`NOW`].
fn admin(home: &std::path::Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = common::bare(home);
    cmd.env("FOLLOWUP_NOW", NOW)
        .args(["--db", url, "admin"])
        .args(args);
    cmd
}

/// Runs `cmd`, which must fail with `code`, print nothing and one line on stderr.
fn fails(cmd: &mut Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr:?}");
    stderr
}

fn signup_link() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir()?;
        let out = common::ok(
            admin(home.path(), &db.url, &["create-user", " Sam@Example.com"])
                .env("FOLLOWUP_URL", "https://jobs.example.org/"),
        );
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some("Created user sam@example.com (id 1)."));
        let link = lines.next().unwrap_or_default();
        let url = link
            .strip_prefix("Sign-up link (once, until 2026-12-08 10:00 UTC): ")
            .unwrap_or_else(|| panic!("{out}"));
        let token = url
            .strip_prefix("https://jobs.example.org/signup/")
            .unwrap_or_else(|| panic!("{url}"));
        assert_eq!(token.len(), 64);
        assert_eq!(lines.next(), None);
        // The link is the account's sign-up link, once.
        let mut pg = Pg::open(&db.url)?;
        let now = NOW.parse()?;
        let user = pg.use_link(token, LinkPurpose::Signup, now)?;
        assert_eq!(user.map(|u| u.email), Some("sam@example.com".to_string()));
        assert_eq!(pg.use_link(token, LinkPurpose::Signup, now)?, None);

        // Without a url setting: the web app's default address; --json.
        let out = common::ok(&mut admin(
            home.path(),
            &db.url,
            &["create-user", "kim@example.com", "--json"],
        ));
        let v: Value = serde_json::from_str(&out)?;
        assert_eq!(v["email"], "kim@example.com");
        assert_eq!(v["created_at"], NOW);
        assert_eq!(v["expires_at"], "2026-12-08T10:00:00Z");
        let url = v["signup_url"].as_str().unwrap_or_default();
        assert!(url.starts_with("http://127.0.0.1:7878/signup/"), "{url}");
        Ok(())
    })
}

fn password_stdin() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir()?;
        let out = common::ok(
            admin(
                home.path(),
                &db.url,
                &["create-user", "sam@example.com", "--password-stdin"],
            )
            .write_stdin("correct horse battery\n"),
        );
        assert_eq!(
            out,
            "Created user sam@example.com (id 1).\nThey can sign in with the password given.\n"
        );
        assert!(!out.contains("correct horse"));
        let mut pg = Pg::open(&db.url)?;
        assert!(pg
            .verify_password("sam@example.com", "correct horse battery")?
            .is_some());
        assert!(pg
            .verify_password("sam@example.com", "correct horse battery\n")?
            .is_none());

        // The same address in another case.
        let line = common::refused(
            admin(
                home.path(),
                &db.url,
                &["create-user", "SAM@example.com", "--password-stdin"],
            )
            .write_stdin("another password\n"),
        );
        assert_eq!(
            line,
            "error: a user with e-mail sam@example.com already exists\n"
        );
        // No password, a short one, a bad address.
        let line = common::refused(
            admin(
                home.path(),
                &db.url,
                &["create-user", "kim@example.com", "--password-stdin"],
            )
            .write_stdin(""),
        );
        assert_eq!(
            line,
            "error: no password on standard input (--password-stdin reads its first line)\n"
        );
        let line = common::refused(
            admin(
                home.path(),
                &db.url,
                &["create-user", "kim@example.com", "--password-stdin"],
            )
            .write_stdin("short\n"),
        );
        assert_eq!(
            line,
            "error: invalid password: 5 characters, at least 10 are needed\n"
        );
        let line = common::refused(&mut admin(home.path(), &db.url, &["create-user", "kim"]));
        assert_eq!(
            line,
            "error: invalid email: `kim` is not an e-mail address\n"
        );
        assert_eq!(pg.list_users()?.len(), 1);
        Ok(())
    })
}

fn token() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir()?;
        common::ok(&mut admin(
            home.path(),
            &db.url,
            &["create-user", "sam@example.com"],
        ));
        let out = common::ok(&mut admin(
            home.path(),
            &db.url,
            &["token", "SAM@example.com"],
        ));
        let token = out.strip_suffix('\n').unwrap_or_default();
        assert!(token.starts_with("fu_") && token.len() == 67, "{out:?}");
        let mut pg = Pg::open(&db.url)?;
        let user = pg.api_token_user(token)?;
        assert_eq!(user.map(|u| u.email), Some("sam@example.com".to_string()));

        let v: Value = serde_json::from_str(&common::ok(&mut admin(
            home.path(),
            &db.url,
            &["token", "sam@example.com", "--json"],
        )))?;
        assert_eq!(v["email"], "sam@example.com");
        let second = v["token"].as_str().unwrap_or_default();
        assert_ne!(second, token);
        assert!(pg.api_token_user(second)?.is_some());

        let line = common::refused(&mut admin(
            home.path(),
            &db.url,
            &["token", "nobody@example.com"],
        ));
        assert_eq!(
            line,
            "error: no user with e-mail nobody@example.com (`followup admin list-users` lists them)\n"
        );
        Ok(())
    })
}

fn list_users() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir()?;
        let out = common::ok(&mut admin(home.path(), &db.url, &["list-users"]));
        assert_eq!(
            out,
            format!(
                "No users yet: `followup --db {} admin create-user EMAIL` makes one.\n",
                db.url
            )
        );
        common::ok(&mut admin(
            home.path(),
            &db.url,
            &["create-user", "sam@example.com"],
        ));
        common::ok(
            admin(
                home.path(),
                &db.url,
                &["create-user", "kim@example.com", "--password-stdin"],
            )
            .env("FOLLOWUP_NOW", "2026-12-02T09:30:00Z")
            .write_stdin("correct horse battery\n"),
        );
        common::ok(&mut admin(
            home.path(),
            &db.url,
            &["token", "kim@example.com"],
        ));
        let mut pg = Pg::open(&db.url)?;
        let kim = pg.user("kim@example.com")?.id;
        let mut tx = pg.user_transaction(kim)?;
        tx.execute(
            "INSERT INTO application (user_id, company, role, status, created_at)
             VALUES ($1, 'Acme', 'Engineer', 'active', 0)",
            &[&kim],
        )?;
        tx.commit()?;

        let out = common::ok(&mut admin(home.path(), &db.url, &["list-users"]));
        assert_eq!(
            out,
            "Email            Created               Applications  Tokens  Password\n\
             kim@example.com  2026-12-02 09:30 UTC  1             1       set\n\
             sam@example.com  2026-12-01 10:00 UTC  0             0       not yet\n"
        );
        let v: Value = serde_json::from_str(&common::ok(&mut admin(
            home.path(),
            &db.url,
            &["list-users", "--json"],
        )))?;
        let users = v["users"].as_array().cloned().unwrap_or_default();
        assert_eq!(users.len(), 2);
        assert_eq!(users[0]["email"], "kim@example.com");
        assert_eq!(users[0]["applications"], 1);
        assert_eq!(users[0]["api_tokens"], 1);
        assert_eq!(users[0]["has_password"], true);
        assert_eq!(users[0]["created_at"], "2026-12-02T09:30:00Z");
        assert_eq!(users[1]["email"], "sam@example.com");
        assert_eq!(users[1]["has_password"], false);
        Ok(())
    })
}

fn delete_user() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir()?;
        common::ok(&mut admin(
            home.path(),
            &db.url,
            &["create-user", "sam@example.com"],
        ));
        common::ok(&mut admin(
            home.path(),
            &db.url,
            &["create-user", "kim@example.com"],
        ));
        common::ok(&mut admin(
            home.path(),
            &db.url,
            &["token", "sam@example.com"],
        ));
        let mut pg = Pg::open(&db.url)?;
        let sam = pg.user("sam@example.com")?.id;
        let mut tx = pg.user_transaction(sam)?;
        for company in ["Acme", "Globex"] {
            tx.execute(
                "INSERT INTO application (user_id, company, role, status, created_at)
                 VALUES ($1, $2, 'Engineer', 'active', 0)",
                &[&sam, &company],
            )?;
        }
        tx.commit()?;

        let line = common::refused(&mut admin(
            home.path(),
            &db.url,
            &["delete-user", "sam@example.com"],
        ));
        assert_eq!(
            line,
            "error: deleting sam@example.com removes the account and everything of theirs, with no undo: add --yes to do it\n"
        );
        assert_eq!(pg.list_users()?.len(), 2, "nothing deleted without --yes");

        let out = common::ok(&mut admin(
            home.path(),
            &db.url,
            &["delete-user", "Sam@example.com", "--yes"],
        ));
        assert_eq!(
            out,
            "Deleted user sam@example.com and everything of theirs: 2 applications, 0 interviews, 0 contacts, 0 touchpoints, 0 notes, 0 sessions, 1 API token.\n"
        );
        let left: Vec<String> = pg.list_users()?.into_iter().map(|u| u.user.email).collect();
        assert_eq!(left, ["kim@example.com"]);
        let n: i64 = pg
            .client()
            .query_one(
                "SELECT count(*) FROM application WHERE user_id = $1",
                &[&sam],
            )?
            .get(0);
        assert_eq!(n, 0);

        let line = common::refused(&mut admin(
            home.path(),
            &db.url,
            &["delete-user", "sam@example.com", "--yes"],
        ));
        assert!(
            line.starts_with("error: no user with e-mail sam@example.com"),
            "{line}"
        );
        let v: Value = serde_json::from_str(&common::ok(&mut admin(
            home.path(),
            &db.url,
            &["delete-user", "kim@example.com", "--yes", "--json"],
        )))?;
        assert_eq!(v["email"], "kim@example.com");
        assert_eq!(v["applications"], 0);
        Ok(())
    })
}

fn unreachable() -> Result<(), Failed> {
    let home = tempfile::tempdir()?;
    let url = "postgres://sam:secret@127.0.0.1:1/followup";
    let line = fails(&mut admin(home.path(), url, &["list-users"]), 1);
    assert_eq!(
        line,
        "error: cannot reach PostgreSQL at postgres://sam@127.0.0.1:1/followup (from --db): connection refused\n"
    );
    let mut cmd = common::bare(home.path());
    cmd.env("FOLLOWUP_DB", url)
        .args(["admin", "token", "sam@example.com"]);
    let line = fails(&mut cmd, 1);
    assert!(
        line.contains("(from FOLLOWUP_DB): connection refused"),
        "{line}"
    );
    Ok(())
}

fn other_commands() -> Result<(), Failed> {
    let home = tempfile::tempdir()?;
    for args in [
        &["list"][..],
        &["agenda"],
        &[
            "add",
            "--company",
            "A",
            "--role",
            "B",
            "--at",
            "2026-12-01 10:00",
        ],
    ] {
        let mut cmd = common::bare(home.path());
        cmd.args(["--db", "postgres://postgres@127.0.0.1:5432/followup"])
            .args(args);
        let line = common::refused(&mut cmd);
        assert_eq!(
            line,
            "error: `postgres://…` (from --db) is a PostgreSQL database: PostgreSQL serves the web app (`serve`) and the `admin` commands; give an SQLite file path for this command\n"
        );
    }
    assert!(!home.path().join("postgres:").exists());
    Ok(())
}

fn admin_on_an_sqlite_office() -> Result<(), Failed> {
    let home = tempfile::tempdir()?;
    let db = home.path().join("office.sqlite");
    let db_s = db.to_str().unwrap_or_default();
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = admin(home.path(), db_s, args);
        if let Some(s) = stdin {
            cmd.write_stdin(s);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let made = run(&["create-user", "ann@example.com"], None);
    assert!(made.starts_with("Created user ann@example.com (id 1).\nSign-up link (once, until 2026-12-08 10:00 UTC): http://127.0.0.1:7878/signup/"), "{made}");
    let key = made
        .trim_end()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    assert_eq!(key.len(), 64, "{made}");
    let made = run(
        &["create-user", "bob@example.com", "--password-stdin"],
        Some("correct horse battery\n"),
    );
    assert_eq!(
        made,
        "Created user bob@example.com (id 2).\nThey can sign in with the password given.\n"
    );
    let line = common::refused(
        admin(
            home.path(),
            db_s,
            &["create-user", "BOB@example.com", "--password-stdin"],
        )
        .write_stdin("another password\n"),
    );
    assert_eq!(
        line,
        "error: a user with e-mail bob@example.com already exists\n"
    );
    let reset = run(&["reset-link", "BOB@example.com"], None);
    assert!(
        reset.starts_with("Password reset link for bob@example.com (once, until 2026-12-01 11:00 UTC): http://127.0.0.1:7878/reset/"),
        "{reset}"
    );
    let token = run(&["token", "bob@example.com"], None);
    assert!(
        token.trim().len() == 64 && token.trim().bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    // The office's files: Bob's job search, which he has started.
    let bob_db = home.path().join("office.sqlite.users/2/followup.sqlite");
    let mut bob = followup_store::Store::open(&bob_db)?;
    followup_store::demo::populate(&mut bob, 3, 7, NOW.parse().unwrap())?;
    drop(bob);
    let list: Value = serde_json::from_str(&run(&["list-users", "--json"], None))?;
    let users = list["users"].as_array().cloned().unwrap_or_default();
    assert_eq!(users.len(), 2);
    assert_eq!(
        (
            users[1]["email"].as_str(),
            users[1]["applications"].as_i64(),
            users[1]["api_tokens"].as_i64(),
            users[1]["has_password"].as_bool()
        ),
        (Some("bob@example.com"), Some(3), Some(1), Some(true))
    );
    assert_eq!(users[0]["has_password"], false);
    let line = common::refused(&mut admin(
        home.path(),
        db_s,
        &["delete-user", "bob@example.com"],
    ));
    assert!(line.ends_with("add --yes to do it\n"), "{line}");
    let gone = run(&["delete-user", "bob@example.com", "--yes"], None);
    assert!(
        gone.starts_with("Deleted user bob@example.com and everything of theirs: 3 applications,"),
        "{gone}"
    );
    assert!(!bob_db.exists(), "Bob's job search is deleted with him");
    let line = common::refused(&mut admin(home.path(), db_s, &["token", "bob@example.com"]));
    assert_eq!(
        line,
        "error: no user with e-mail bob@example.com (`followup admin list-users` lists them)\n"
    );
    // Without --db there is no office to speak of.
    let mut cmd = common::bare(home.path());
    cmd.args(["admin", "list-users"]);
    let line = common::refused(&mut cmd);
    assert!(
        line.starts_with("error: accounts need a database of their own: give --db"),
        "{line}"
    );
    Ok(())
}

fn mail_account() -> Outcome {
    with_db(|db| {
        let home = tempfile::tempdir()?;
        common::ok(&mut admin(
            home.path(),
            &db.url,
            &["create-user", "ann@example.com"],
        ));
        let dir = home.path().join("accounts");
        std::fs::create_dir_all(&dir)?;
        let show = |args: &[&str]| {
            let mut cmd = admin(home.path(), &db.url, args);
            cmd.env("FOLLOWUP_ACCOUNT_MAIL", &dir);
            cmd
        };
        // None yet: her messages leave through the service's account.
        let out = common::ok(&mut show(&["mail-account", "Ann@Example.com"]));
        assert!(
            out.contains("ann@example.com: no mail account of their own")
                && out.contains("through the service's account"),
            "{out}"
        );
        // A server that is not there: the report, then a non-zero exit.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let file = dir.join("ann@example.com.toml");
        let ann: Value = serde_json::from_str(&common::ok(&mut admin(
            home.path(),
            &db.url,
            &["list-users", "--json"],
        )))?;
        let id = ann["users"][0]["id"].as_i64().ok_or("no id")?;
        let text = |account: i64| {
            format!(
                "account = {account}\n[mail]\naddress = \"ann@home.example\"\n\
                 smtp = \"smtp://127.0.0.1:{closed}\"\nuser = \"ann\"\n\
                 password_command = \"echo hunter22\"\n"
            )
        };
        // A file of another account with that address (deleted since) is not hers.
        std::fs::write(&file, text(id + 1))?;
        let err = fails(&mut show(&["mail-account", "ann@example.com"]), 2);
        assert!(
            err.contains(&format!(
                "is account {}'s, not this one's (id {id})",
                id + 1
            )),
            "{err}"
        );
        std::fs::write(&file, text(id))?;
        let out = show(&["mail-account", "ann@example.com", "--check", "--json"]).output()?;
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let v: Value = serde_json::from_slice(&out.stdout)?;
        assert_eq!(v["sent_through"], "own", "{v}");
        assert_eq!(v["smtp"], format!("smtp://127.0.0.1:{closed}"), "{v}");
        assert_eq!(v["password"], "from password_command", "{v}");
        assert_ne!(v["checks"]["smtp"], "ok", "{v}");
        assert!(v["checks"].get("imap").is_none(), "{v}");
        let stderr = String::from_utf8(out.stderr)?;
        assert!(
            stderr.contains("could not log in to its smtp server"),
            "{stderr}"
        );
        assert!(!stderr.contains("hunter22") && !v.to_string().contains("hunter22"));
        // A file that does not read: one line naming it.
        std::fs::write(&file, "[mail]\nsmtpp = \"x\"\n")?;
        let err = fails(&mut show(&["mail-account", "ann@example.com"]), 2);
        assert!(
            err.contains("invalid mail account file") && err.contains("ann@example.com.toml"),
            "{err}"
        );
        // An address with no account.
        let err = fails(&mut show(&["mail-account", "nobody@example.com"]), 2);
        assert!(err.contains("nobody@example.com"), "{err}");
        Ok(())
    })
}
