//! `followup admin`: the accounts of a hosted service's PostgreSQL database
//! (`followup_store::pg`), or of a small office's SQLite one (`followup serve
//! --multi-user`, `followup_app::accounts`). Passwords are read from standard input
//! only and never printed; a token is printed once, when made.

use std::io::{BufRead, Write};

use jiff::Timestamp;
use serde_json::json;

use crate::cli::AdminCommand;
use crate::error::{Error, Result};
use crate::output::{self, style};
use followup_store::pg::{Pg, UserSummary};
use followup_store::StoreError;

/// The name an API token made here is stored under.
const TOKEN_NAME: &str = "followup admin token";

/// Where the database came from and where the web app is, for the messages and links.
pub struct Admin<'a> {
    /// The `postgres://` URL.
    pub url: &'a str,
    /// `--db` or `FOLLOWUP_DB`.
    pub from: &'a str,
    /// The web app's address (`url` of the settings or `FOLLOWUP_URL`), no slash at
    /// the end.
    pub base: String,
    /// The moment.
    pub now: Timestamp,
    /// The server's settings (`account_mail`: where accounts' mail accounts are).
    pub settings: followup_app::settings::Settings,
}

/// Runs an admin command against `admin.url`.
pub fn run(cmd: &AdminCommand, admin: &Admin<'_>) -> Result<()> {
    let password = before(cmd)?;
    let mut pg = Pg::open(admin.url).map_err(|e| pg_err(e, admin))?;
    let err = |e| pg_err(e, admin);
    match cmd {
        AdminCommand::CreateUser { email, json, .. } => {
            let made = pg
                .create_user(email, password.as_deref(), admin.now)
                .map_err(err)?;
            let user = &made.user;
            let link = made
                .signup
                .as_ref()
                .map(|l| (format!("{}/signup/{}", admin.base, l.token), l.expires_at));
            output::with_stdout(|out| created(out, user, link.as_ref(), *json))
        }
        AdminCommand::Token { email, json } => {
            let token = pg
                .new_api_token(email, TOKEN_NAME, admin.now)
                .map_err(err)?;
            let email = followup_store::pg::normalise_email(email).map_err(err)?;
            output::with_stdout(|out| {
                if *json {
                    return writeln!(out, "{}", json!({ "email": email, "token": token }));
                }
                writeln!(out, "{token}")
            })
        }
        AdminCommand::ResetLink { email, json } => {
            let link = pg
                .new_link(
                    email,
                    followup_store::pg::LinkPurpose::Reset,
                    admin.now,
                    followup_app::accounts::RESET_LINK_LIFETIME,
                )
                .map_err(err)?;
            let email = followup_store::pg::normalise_email(email).map_err(err)?;
            let url = format!("{}/reset/{}", admin.base, link.token);
            output::with_stdout(|out| reset(out, &email, &url, link.expires_at, *json))
        }
        AdminCommand::ListUsers { json } => {
            let users = pg.list_users().map_err(err)?;
            output::with_stdout(|out| list(out, &users, *json, admin))
        }
        AdminCommand::DeleteUser { email, json, .. } => {
            let gone = pg.delete_user(email).map_err(err)?;
            output::with_stdout(|out| deleted(out, &gone, *json))
        }
        AdminCommand::MailAccount { email, check, json } => {
            let user = pg.user(email).map_err(err)?;
            let profile = {
                use followup_store::Facts;
                pg.user_store(user.id).profile().map_err(err)?
            };
            let mut settings = admin.settings.clone();
            settings.account_email = Some(user.email.clone());
            settings.account_id = Some(user.id);
            settings.origins.isolated = true;
            let shown = mail_account(&user.email, &settings, profile, *check)?;
            output::with_stdout(|out| shown.write(out, *json))?;
            shown.checked()
        }
    }
}

/// Runs an admin command on the accounts of an SQLite office (`admin.url` is its
/// path): the same command lines and the same output as on PostgreSQL.
pub fn run_office(cmd: &AdminCommand, admin: &Admin<'_>) -> Result<()> {
    use followup_app::accounts as acc;
    let password = before(cmd)?;
    let office = acc::Office::new(admin.url);
    let mut store = office.open()?;
    let conflict = |e: Error| match e {
        Error::Input(m) if m.contains("is already used") => Error::conflict(format!(
            "a user with e-mail {} already exists",
            m.split('`').nth(1).unwrap_or("")
        )),
        e => e,
    };
    match cmd {
        AdminCommand::CreateUser { email, json, .. } => {
            let (user, key) =
                acc::create_user(&office, &mut store, email, password.as_deref(), admin.now)
                    .map_err(conflict)?;
            let link = key.map(|k| {
                (
                    format!("{}/signup/{k}", admin.base),
                    admin.now + acc::SIGNUP_LINK_LIFETIME,
                )
            });
            output::with_stdout(|out| created(out, &user, link.as_ref(), *json))
        }
        AdminCommand::Token { email, json } => {
            let (user, token) =
                acc::new_api_token(&mut store, email, admin.now).map_err(|e| no_user(e, email))?;
            output::with_stdout(|out| {
                if *json {
                    return writeln!(out, "{}", json!({ "email": user.email, "token": token }));
                }
                writeln!(out, "{token}")
            })
        }
        AdminCommand::ResetLink { email, json } => {
            let user = acc::user_of(&mut store, email).map_err(|e| no_user(e, email))?;
            let key = acc::new_link(
                &mut store,
                user.id,
                followup_store::accounts::LinkPurpose::Reset,
                admin.now,
            )?;
            let url = format!("{}/reset/{key}", admin.base);
            let expires = admin.now + acc::RESET_LINK_LIFETIME;
            output::with_stdout(|out| reset(out, &user.email, &url, expires, *json))
        }
        AdminCommand::ListUsers { json } => {
            let tokens = store.token_counts()?;
            let mut users = Vec::new();
            for user in store.users()? {
                let db = office.user_db(user.id);
                let applications = if db.exists() {
                    let s = followup_store::Store::open(&db)?;
                    let (open, closed) = s.application_counts()?;
                    (open + closed) as i64
                } else {
                    0
                };
                users.push(UserSummary {
                    api_tokens: tokens.get(&user.id).copied().unwrap_or(0),
                    user,
                    applications,
                });
            }
            output::with_stdout(|out| list(out, &users, *json, admin))
        }
        AdminCommand::MailAccount { email, check, json } => {
            let user = acc::user_of(&mut store, email).map_err(|e| no_user(e, email))?;
            let db = office.user_db(user.id);
            let profile = if db.exists() {
                followup_store::Store::open(&db)?.profile()?
            } else {
                None
            };
            let settings = acc::user_settings(&office, user.id, &admin.settings)?;
            let file = office.user_config(user.id);
            let shown = office_mail_account(&user.email, &settings, &file, profile, *check)?;
            output::with_stdout(|out| shown.write(out, *json))?;
            shown.checked()
        }
        AdminCommand::DeleteUser { email, json, .. } => {
            let user = acc::user_of(&mut store, email).map_err(|e| no_user(e, email))?;
            let db = office.user_db(user.id);
            let mut gone = followup_store::pg::DeletedUser {
                api_tokens: store.token_counts()?.get(&user.id).copied().unwrap_or(0),
                sessions: store.session_count(user.id)?,
                user: user.clone(),
                applications: 0,
                interviews: 0,
                contacts: 0,
                touchpoints: 0,
                notes: 0,
            };
            if db.exists() {
                let all = followup_store::Store::open(&db)?.applications(true)?;
                let n = |f: fn(&followup_store::ApplicationFull) -> usize| {
                    all.iter().map(f).sum::<usize>() as i64
                };
                gone.applications = all.len() as i64;
                gone.interviews = n(|a| a.interviews.len());
                gone.contacts = n(|a| a.contacts.len());
                gone.touchpoints = n(|a| a.touchpoints.len());
                gone.notes = n(|a| a.notes.len());
            }
            acc::delete_user(&office, &mut store, &user.email)?;
            output::with_stdout(|out| deleted(out, &gone, *json))
        }
    }
}

/// What is settled before the database is opened: a deletion without --yes is
/// refused, and the password is read from standard input when asked for.
fn before(cmd: &AdminCommand) -> Result<Option<String>> {
    if let AdminCommand::DeleteUser {
        email, yes: false, ..
    } = cmd
    {
        return Err(Error::input(format!(
            "deleting {} removes the account and everything of theirs, with no undo: add --yes to do it",
            email.trim()
        )));
    }
    Ok(match cmd {
        AdminCommand::CreateUser {
            password_stdin: true,
            ..
        } => Some(read_password()?),
        _ => None,
    })
}

/// An unknown address, said as on PostgreSQL.
fn no_user(e: Error, email: &str) -> Error {
    match e {
        Error::NotFound(_) => Error::not_found(format!(
            "no user with e-mail {} (`followup admin list-users` lists them)",
            email.trim().to_lowercase()
        )),
        e => e,
    }
}

fn created(
    out: &mut dyn Write,
    user: &followup_store::accounts::User,
    link: Option<&(String, Timestamp)>,
    json: bool,
) -> std::io::Result<()> {
    if json {
        let (url, expires) = match link {
            Some((u, e)) => (Some(u.as_str()), Some(e.to_string())),
            None => (None, None),
        };
        return writeln!(
            out,
            "{}",
            json!({
                "id": user.id,
                "email": user.email,
                "created_at": user.created_at.to_string(),
                "signup_url": url,
                "expires_at": expires,
            })
        );
    }
    writeln!(out, "Created user {} (id {}).", user.email, user.id)?;
    match link {
        Some((url, expires)) => {
            writeln!(out, "Sign-up link (once, until {}): {url}", when(*expires))
        }
        None => writeln!(out, "They can sign in with the password given."),
    }
}

fn reset(
    out: &mut dyn Write,
    email: &str,
    url: &str,
    expires: Timestamp,
    json: bool,
) -> std::io::Result<()> {
    if json {
        return writeln!(
            out,
            "{}",
            json!({ "email": email, "reset_url": url, "expires_at": expires.to_string() })
        );
    }
    writeln!(
        out,
        "Password reset link for {email} (once, until {}): {url}",
        when(expires)
    )
}

fn deleted(
    out: &mut dyn Write,
    gone: &followup_store::pg::DeletedUser,
    json: bool,
) -> std::io::Result<()> {
    if json {
        serde_json::to_writer(&mut *out, gone)?;
        return writeln!(out);
    }
    writeln!(
        out,
        "Deleted user {} and everything of theirs: {}, {}, {}, {}, {}, {}, {}.",
        gone.user.email,
        count(gone.applications, "application"),
        count(gone.interviews, "interview"),
        count(gone.contacts, "contact"),
        count(gone.touchpoints, "touchpoint"),
        count(gone.notes, "note"),
        count(gone.sessions, "session"),
        count(gone.api_tokens, "API token"),
    )
}

fn list(
    out: &mut dyn Write,
    users: &[UserSummary],
    json: bool,
    admin: &Admin<'_>,
) -> std::io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, &json!({ "users": users }))?;
        return writeln!(out);
    }
    if users.is_empty() {
        return writeln!(
            out,
            "No users yet: `followup --db {} admin create-user EMAIL` makes one.",
            followup_store::pg::redact(admin.url)
        );
    }
    let rows: Vec<Vec<output::Cell>> = users
        .iter()
        .map(|u| {
            vec![
                output::Cell(u.user.email.clone(), style::HEAD),
                output::Cell::plain(when(u.user.created_at)),
                output::Cell::plain(u.applications.to_string()),
                output::Cell::plain(u.api_tokens.to_string()),
                output::Cell::plain(if u.user.has_password {
                    "set"
                } else {
                    "not yet"
                }),
            ]
        })
        .collect();
    output::table(
        out,
        &["Email", "Created", "Applications", "Tokens", "Password"],
        &rows,
    )
}

/// A moment as the admin commands show it: `2026-12-01 10:00 UTC`.
fn when(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

fn count(n: i64, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// The first line of standard input, without its line end.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::input(format!("cannot read the password from standard input: {e}")))?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        return Err(Error::input(
            "no password on standard input (--password-stdin reads its first line)",
        ));
    }
    Ok(password.to_string())
}

/// A store error as one line that says where the database came from.
fn pg_err(e: StoreError, admin: &Admin<'_>) -> Error {
    match e {
        StoreError::PgConnect { url, reason } => Error::Store(format!(
            "cannot reach PostgreSQL at {url} (from {}): {reason}",
            admin.from
        )),
        StoreError::NoUser { email } => Error::not_found(format!(
            "no user with e-mail {email} (`followup admin list-users` lists them)"
        )),
        StoreError::Duplicate {
            what: "email",
            value,
        } => Error::conflict(format!("a user with e-mail {value} already exists")),
        StoreError::PgTooNew { .. }
        | StoreError::PgForeign { .. }
        | StoreError::PgMigration { .. } => Error::Store(format!("{e} (from {})", admin.from)),
        e => followup_app::ctx::store_err(e),
    }
}

/// What `admin mail-account` shows: an account's mail account, never its password.
struct MailAccountShown {
    email: String,
    /// The file it is set up in.
    file: Option<std::path::PathBuf>,
    /// Whether there is one.
    set_up: bool,
    smtp: Option<String>,
    address: Option<String>,
    imap: Option<String>,
    user: Option<String>,
    /// Where the password comes from (`password_command`), never the password.
    password: Option<&'static str>,
    /// Whose account its messages leave through: "own" or "service".
    sent_through: &'static str,
    /// Each server's login, when checked: "ok" or why not.
    checks: Vec<(&'static str, String)>,
}

impl MailAccountShown {
    /// An error when a login checked failed (after the report is printed).
    fn checked(&self) -> Result<()> {
        let failed: Vec<&str> = self
            .checks
            .iter()
            .filter(|(_, how)| how != "ok")
            .map(|(what, _)| *what)
            .collect();
        if failed.is_empty() {
            return Ok(());
        }
        Err(Error::input(format!(
            "the mail account of {} could not log in to its {} server",
            self.email,
            failed.join(" and ")
        )))
    }

    fn write(&self, out: &mut dyn Write, json: bool) -> std::io::Result<()> {
        if json {
            let checks: serde_json::Map<String, serde_json::Value> = self
                .checks
                .iter()
                .map(|(k, v)| ((*k).to_string(), json!(v)))
                .collect();
            let v = json!({
                "email": self.email,
                "file": self.file.as_ref().map(|f| f.display().to_string()),
                "set_up": self.set_up,
                "smtp": self.smtp,
                "address": self.address,
                "imap": self.imap,
                "user": self.user,
                "password": self.password,
                "sent_through": self.sent_through,
                "checks": checks,
            });
            return writeln!(out, "{v}");
        }
        let file = self.file.as_ref().map_or(
            "no file (no account_mail directory is set)".to_string(),
            |f| f.display().to_string(),
        );
        // How the account sends without one of its own, as a sentence and as a clause.
        let (lent_sentence, lent) = if self.sent_through == "service" {
            (
                "Their messages leave through the service's account",
                "their messages leave through the service's account",
            )
        } else {
            ("They cannot send", "they cannot send")
        };
        if !self.set_up {
            writeln!(
                out,
                "{}: no mail account of their own ({file}).",
                self.email
            )?;
            writeln!(out, "  {lent_sentence}; no mailbox is read.")?;
            return Ok(());
        }
        writeln!(out, "{}: {file}", self.email)?;
        let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".into());
        match &self.smtp {
            Some(smtp) => writeln!(
                out,
                "  sends through {smtp}, from {}",
                or_none(&self.address)
            )?,
            None => writeln!(out, "  {lent} (no smtp in the file)")?,
        }
        match &self.imap {
            Some(imap) => writeln!(out, "  reads {imap}")?,
            None => writeln!(out, "  reads no mailbox (no imap in the file)")?,
        }
        writeln!(
            out,
            "  login {}, password {}",
            or_none(&self.user),
            self.password.unwrap_or("not set (add password_command)")
        )?;
        for (what, how) in &self.checks {
            if how == "ok" {
                writeln!(out, "  {what} login: ok")?;
            } else {
                writeln!(out, "  {what} login: failed: {how}")?;
            }
        }
        Ok(())
    }
}

/// An account of a hosted service: the file of its address in `account_mail`.
fn mail_account(
    email: &str,
    settings: &followup_app::settings::Settings,
    profile: Option<followup_store::model::Profile>,
    check: bool,
) -> Result<MailAccountShown> {
    let file = followup_app::pg_settings::own_mail_file(settings);
    let own = followup_app::pg_settings::own_mail(settings)?;
    shown(email, settings, file, own, profile, check, true)
}

/// An account of a small office: the `[mail]` of its own config.toml.
fn office_mail_account(
    email: &str,
    settings: &followup_app::settings::Settings,
    file: &std::path::Path,
    profile: Option<followup_store::model::Profile>,
    check: bool,
) -> Result<MailAccountShown> {
    let own = Some(settings.mail.clone());
    shown(
        email,
        settings,
        Some(file.to_path_buf()),
        own,
        profile,
        check,
        false,
    )
}

fn shown(
    email: &str,
    settings: &followup_app::settings::Settings,
    file: Option<std::path::PathBuf>,
    own: Option<followup_app::settings::MailSettings>,
    profile: Option<followup_store::model::Profile>,
    check: bool,
    hosted: bool,
) -> Result<MailAccountShown> {
    let mail = own.clone().unwrap_or_default();
    let some = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let smtp = some(&mail.smtp);
    let set_up = smtp.is_some() || some(&mail.imap).is_some();
    let mut out = MailAccountShown {
        email: email.to_string(),
        file,
        set_up,
        address: some(&mail.address).or_else(|| profile.as_ref().map(|p| p.email.clone())),
        smtp: smtp.clone(),
        imap: some(&mail.imap),
        user: some(&mail.user),
        password: some(&mail.password_command).map(|_| "from password_command"),
        // A small office lends no account: without its own, an account cannot send.
        sent_through: match (smtp.is_some(), hosted) {
            (true, _) => "own",
            (false, true) => "service",
            (false, false) => "none",
        },
        checks: Vec::new(),
    };
    if !check || !set_up {
        return Ok(out);
    }
    if smtp.is_some() {
        let mut mine = settings.clone();
        mine.mail = mail.clone();
        mine.origins.isolated = true;
        let account = if hosted {
            followup_app::mail::Account::hosted(settings, || Ok(profile.clone()))
        } else {
            followup_app::mail::Account::from_settings_of(&mine, profile.clone())
        };
        let how = match account {
            Ok(account) => match followup_app::mail::Session::open(&account, &mut |_| {}) {
                Ok(session) => {
                    session.close();
                    "ok".to_string()
                }
                Err(f) => f.text,
            },
            Err(e) => e.to_string(),
        };
        out.checks.push(("smtp", how));
    }
    if out.imap.is_some() {
        let how = followup_app::inbox::MailSettings::of_account(&mail)
            .and_then(|m| followup_app::inbox::check_login(&m))
            .map_or_else(|e| e.to_string(), |_| "ok".to_string());
        out.checks.push(("imap", how));
    }
    Ok(out)
}
