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
