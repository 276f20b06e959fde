//! One module per command; [`dispatch`] picks it. The clock is read here and only
//! here (unless `--now` / `FOLLOWUP_NOW` fixes it).

pub mod admin;
pub mod agenda;
pub mod check;
pub mod contact;
pub mod draft;
pub mod export;
pub mod export_csv;
pub mod holidays;
pub mod import;
pub mod inbox;
pub mod mail;
pub mod man;
pub mod note;
pub mod outbox;
pub mod plan;
pub mod recorded;
pub mod report;
pub mod send;
pub mod serve;
pub mod skip;
pub mod track;
pub mod worker;

use clap::CommandFactory;
use jiff::tz::TimeZone;

use crate::cli::{Cli, Command, DevCommand, HolidaysCommand};
use crate::error::{Error, Result};
use crate::settings::Settings;
use followup_app::ctx::DbAccess;
use track::Ctx;

/// Where a value clap read came from: `var` when the variable holds it (clap reads
/// the variable only when the flag is absent), else `flag`.
fn source(value: Option<&str>, flag: &'static str, var: &'static str) -> &'static str {
    match (value, std::env::var(var)) {
        (Some(v), Ok(e)) if v == e => var,
        _ => flag,
    }
}

/// Whether the command records something, and so may create a database file the
/// user named (`--db`, `FOLLOWUP_DB`) that does not exist yet.
fn records(command: &Command) -> bool {
    match command {
        Command::Add(_) | Command::Restore { .. } | Command::Dev(_) => true,
        Command::Import(a) => !a.dry_run,
        Command::Holidays(HolidaysCommand::Import { .. }) => true,
        Command::Mail(crate::cli::MailCommand::Inbox(c)) => inbox::records(c),
        Command::Profile {
            name, email, phone, ..
        } => name.is_some() || email.is_some() || phone.is_some(),
        _ => false,
    }
}

/// Runs the command the user asked for; `db_from` says where the database path came
/// from (`--db`, `FOLLOWUP_DB`), `None` for the default location.
pub fn dispatch(mut cli: Cli, db_from: Option<&'static str>) -> Result<()> {
    // A zone clap took from FOLLOWUP_TZ is the settings' zone (they read the variable
    // too): left to them, a bad one is reported as coming from FOLLOWUP_TZ.
    if let Command::Plan(a) = &mut cli.command {
        let tz = &mut a.tz;
        if source(tz.as_deref(), "--tz", "FOLLOWUP_TZ") == "FOLLOWUP_TZ" {
            *tz = None;
        }
    }
    let now_from = source(cli.now.as_deref(), "--now", "FOLLOWUP_NOW");
    let now = || -> Result<jiff::Timestamp> {
        match &cli.now {
            Some(text) => Ok(crate::time::now_local(text, &TimeZone::UTC, now_from)?
                .zoned
                .timestamp()),
            None => Ok(jiff::Timestamp::now()),
        }
    };
    // What the commands have to say about how input was read (warnings on stderr).
    let notes = followup_app::ctx::Notes::default();
    let db_text = cli.db.as_deref().and_then(|p| p.to_str());
    let db_url = db_text.and_then(|db| db.split_once("://").map(|(scheme, _)| (db, scheme)));
    // Accounts: in PostgreSQL (which serves nothing else yet), or in an SQLite file
    // for `followup serve --multi-user`.
    // Where the web app is, for sign-up links.
    let base_url = || -> Result<String> {
        let settings = Settings::load(cli.config.as_deref())?;
        Ok(settings
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .unwrap_or(followup_app::digest::DEFAULT_URL)
            .trim_end_matches('/')
            .to_string())
    };
    // The server's settings, for the one admin command that reads them (where the
    // accounts' mail account files are): the others run whatever state they are in.
    let admin_settings = |c: &crate::cli::AdminCommand| -> Result<Settings> {
        match c {
            crate::cli::AdminCommand::MailAccount { .. } => Settings::load(cli.config.as_deref()),
            _ => Ok(Settings::default()),
        }
    };
    let admin = |c: &crate::cli::AdminCommand| -> Result<()> {
        let from = db_from.unwrap_or("--db");
        match db_url {
            Some((url, _)) if followup_store::pg::is_url(url) => {
                let target = admin::Admin {
                    url,
                    from,
                    base: base_url()?,
                    now: now()?,
                    settings: admin_settings(c)?,
                };
                admin::run(c, &target)
            }
            Some((_, scheme)) => Err(Error::input(format!(
                "`{scheme}://…` (from {from}) is not a PostgreSQL URL: accounts need --db postgres://USER@HOST[:PORT]/DATABASE"
            ))),
            // A small office: the accounts of `followup serve --multi-user` in an SQLite
            // file (made on first use, in a directory that exists).
            None => match db_text {
                Some(path) => admin::run_office(
                    c,
                    &admin::Admin {
                        url: path,
                        from,
                        base: base_url()?,
                        now: now()?,
                        settings: admin_settings(c)?,
                    },
                ),
                None => Err(Error::input(
                    "accounts need a database of their own: give --db (an SQLite file for `followup serve --multi-user`, or postgres://USER@HOST[:PORT]/DATABASE), or FOLLOWUP_DB",
                )),
            },
        }
    };
    let tracker = || -> Result<Ctx> {
        // A database URL (postgres://...) would otherwise become a directory named
        // after its scheme.
        if let Some((url, scheme)) = db_url {
            let from = db_from.unwrap_or("--db");
            return Err(Error::input(if followup_store::pg::is_url(url) {
                format!(
                    "`{scheme}://…` (from {from}) is a PostgreSQL database: PostgreSQL serves the web app (`serve`) and the `admin` commands; give an SQLite file path for this command"
                )
            } else {
                format!(
                    "`{scheme}://…` (from {from}) is a URL: give an SQLite file path (or a postgres:// URL for the `admin` commands)"
                )
            }));
        }
        let settings = Settings::load(cli.config.as_deref())?;
        let access = match db_from {
            None => DbAccess::Default,
            Some(from) if records(&cli.command) => DbAccess::Create { from },
            Some(from) => DbAccess::Existing { from },
        };
        let mut ctx = Ctx::new(settings, cli.db.clone(), now()?)?.with_db_access(access);
        ctx.notes = notes.clone();
        Ok(ctx)
    };
    let result = match &cli.command {
        Command::Plan(args) => {
            let settings = Settings::load(cli.config.as_deref())?;
            let db = match &cli.db {
                Some(db) => db.clone(),
                None => track::default_db()?,
            };
            plan::run(
                args,
                &settings,
                cli.now.as_deref().map(|n| (n, now_from)),
                &db,
            )
        }
        Command::Add(a) => track::add(&tracker()?, a),
        Command::Interview(a) => track::interview(&tracker()?, a.id, &a.round, a.reopen),
        Command::List { all, json } => track::list(&tracker()?, *all, *json),
        Command::Show { id, json } => track::show(&tracker()?, *id, *json),
        Command::Log {
            id,
            kind,
            to,
            at,
            note,
            json,
        } => track::log(
            &tracker()?,
            *id,
            kind,
            to.as_deref(),
            at.as_deref(),
            note.as_deref(),
            *json,
        ),
        Command::Reply {
            id,
            at,
            decision,
            from,
            note,
            json,
        } => track::reply(
            &tracker()?,
            *id,
            at.as_deref(),
            decision.as_deref(),
            from.as_deref(),
            note.as_deref(),
            *json,
        ),
        Command::Outcome {
            id,
            outcome,
            at,
            note,
            json,
        } => track::outcome(
            &tracker()?,
            *id,
            outcome,
            at.as_deref(),
            note.as_deref(),
            *json,
        ),
        Command::Skip(a) => skip::run(&tracker()?, a),
        Command::Agenda { days, why, json } => agenda::run(&tracker()?, *days, *why, *json),
        Command::Profile {
            name,
            email,
            phone,
            json,
        } => track::profile(
            &tracker()?,
            name.as_deref(),
            email.as_deref(),
            phone.as_deref(),
            *json,
        ),
        Command::Edit(e) => track::edit(&tracker()?, e),
        Command::Delete { id, yes, json } => track::delete(&tracker()?, *id, *yes, *json),
        Command::Backup { file, json } => track::backup(&tracker()?, file, *json),
        Command::Restore { file, yes, json } => track::restore(&tracker()?, file, *yes, *json),
        Command::Draft(a) => draft::run(&tracker()?, a),
        Command::Check(a) => check::run(&tracker()?, a),
        Command::Send(a) => send::run(&tracker()?, a, cli.now.is_some()),
        Command::Outbox(a) => outbox::run(&tracker()?, a, cli.now.is_some()),
        Command::Mail(c) => mail::run(&tracker()?, c),
        Command::Import(a) => import::run(&tracker()?, a),
        Command::Export(a) => export::run(&tracker()?, a),
        Command::Holidays(c) => holidays::run(&tracker()?, c),
        Command::Dev(DevCommand::Populate { count, seed }) => {
            track::populate(&tracker()?, *count, *seed)
        }
        Command::Completions { shell } => crate::output::with_stdout(|out| {
            clap_complete::generate(*shell, &mut Cli::command(), "followup", out);
            Ok(())
        }),
        Command::Serve {
            port,
            listen,
            token,
            open,
            multi_user,
            open_signup,
            trust_proxy,
        } if db_url.is_some_and(|(url, _)| followup_store::pg::is_url(url)) => {
            let settings = Settings::load(cli.config.as_deref())?;
            let policy = followup_app::ctx::load_policy(
                settings.policy.as_deref(),
                settings.preset.as_deref(),
            )?;
            serve::run_pg(
                db_url.map(|(url, _)| url).unwrap_or_default(),
                (settings, policy),
                cli.now.is_some().then_some(now()?),
                (listen, *port, *open),
                serve::Multi {
                    open_signup: *open_signup,
                    trust_proxy: *trust_proxy,
                },
                *multi_user || token.is_some(),
            )
        }
        Command::Serve {
            port,
            listen,
            token,
            open,
            multi_user,
            open_signup,
            trust_proxy,
        } => serve::run(
            &tracker()?,
            cli.now.is_some(),
            listen,
            *port,
            token.clone(),
            *open,
            (
                multi_user.then_some(serve::Multi {
                    open_signup: *open_signup,
                    trust_proxy: *trust_proxy,
                }),
                crate::settings::config_file(cli.config.as_deref()),
            ),
        ),
        Command::Digest { json } => worker::preview(&tracker()?, *json),
        Command::Worker {
            json,
            once,
            multi_user,
        } if db_url.is_some_and(|(url, _)| followup_store::pg::is_url(url)) => {
            if *multi_user {
                eprintln!(
                    "note: a PostgreSQL database's worker always serves every account: --multi-user is implied"
                );
            }
            let settings = Settings::load(cli.config.as_deref())?;
            let policy = followup_app::ctx::load_policy(
                settings.policy.as_deref(),
                settings.preset.as_deref(),
            )?;
            worker::run_pg(
                db_url.map(|(url, _)| url).unwrap_or_default(),
                (settings, policy),
                cli.now.is_some().then_some(now()?),
                *json,
                *once,
            )
        }
        Command::Worker {
            json,
            once,
            multi_user: false,
        } => worker::run(&tracker, cli.now.is_some(), *json, *once),
        Command::Worker {
            json,
            once,
            multi_user: true,
        } => {
            let db = cli.db.clone().ok_or_else(|| {
                Error::input(
                    "worker --multi-user needs the office's accounts database: give --db (or FOLLOWUP_DB)",
                )
            })?;
            let office = followup_app::accounts::Office::new(db);
            if !office.db().exists() {
                return Err(Error::input(format!(
                    "no accounts database at {} (from {}): make accounts with `followup --db {} admin create-user EMAIL`",
                    office.db().display(),
                    db_from.unwrap_or("--db"),
                    office.db().display()
                )));
            }
            let config = cli.config.clone();
            let base = move || -> Result<(Settings, jiff::Timestamp)> {
                Ok((Settings::load(config.as_deref())?, now()?))
            };
            worker::run_office(&office, &base, cli.now.is_some(), *json, *once)
        }
        Command::Man => crate::output::with_stdout(man::render),
        Command::Contact(c) => contact::run(&tracker()?, c),
        Command::Note(c) => note::run(&tracker()?, c),
        Command::Report(a) => report::run(&tracker()?, a),
        Command::Admin(c) => admin(c),
    };
    for note in notes.take() {
        crate::output::warn(&note);
    }
    result
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use crate::cli::Cli;

    /// Every command that prints a result takes --json, like every other one.
    #[test]
    fn every_command_takes_json() {
        // Their output is not a result: a script, a page, a server's log.
        const NOT: &[&str] = &["completions", "man", "serve", "help", "report"];
        fn leaves(cmd: &clap::Command, out: &mut Vec<clap::Command>) {
            for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
                if sub.has_subcommands() {
                    leaves(sub, out);
                } else if !NOT.contains(&sub.get_name()) {
                    out.push(sub.clone());
                }
            }
        }
        let mut all = Vec::new();
        leaves(&Cli::command(), &mut all);
        assert!(all.len() > 15);
        for cmd in all {
            assert!(
                cmd.get_arguments().any(|a| a.get_long() == Some("json")),
                "`followup {}` has no --json",
                cmd.get_name()
            );
        }
    }
}
