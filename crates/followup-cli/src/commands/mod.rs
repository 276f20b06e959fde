//! One module per command; [`dispatch`] picks it. The clock is read here and only
//! here (unless `--now` / `FOLLOWUP_NOW` fixes it).

pub mod agenda;
pub mod check;
pub mod contact;
pub mod draft;
pub mod export;
pub mod export_csv;
pub mod holidays;
pub mod import;
pub mod note;
pub mod plan;
pub mod report;
pub mod serve;
pub mod track;

use clap::CommandFactory;
use jiff::tz::TimeZone;

use crate::cli::{Cli, Command, DevCommand};
use crate::error::Result;
use crate::settings::Settings;
use track::Ctx;

/// Runs the command the user asked for.
pub fn dispatch(cli: Cli) -> Result<()> {
    let now = || -> Result<jiff::Timestamp> {
        match &cli.now {
            Some(text) => crate::time::now(text, &TimeZone::UTC),
            None => Ok(jiff::Timestamp::now()),
        }
    };
    let tracker = || -> Result<Ctx> {
        let settings = Settings::load(cli.config.as_deref())?;
        Ctx::new(settings, cli.db.clone(), now()?)
    };
    match &cli.command {
        Command::Plan(args) => {
            let settings = Settings::load(cli.config.as_deref())?;
            let db = match &cli.db {
                Some(db) => db.clone(),
                None => track::default_db()?,
            };
            plan::run(args, &settings, cli.now.as_deref(), &db)
        }
        Command::Add(a) => track::add(&tracker()?, a),
        Command::Interview(a) => track::interview(&tracker()?, a.id, &a.round),
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
        Command::Delete { id, yes } => track::delete(&tracker()?, *id, *yes),
        Command::Backup { file } => track::backup(&tracker()?, file),
        Command::Restore { file, yes } => track::restore(&tracker()?, file, *yes),
        Command::Draft(a) => draft::run(&tracker()?, a),
        Command::Check(a) => check::run(&tracker()?, a),
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
        } => serve::run(
            &tracker()?,
            cli.now.is_some(),
            listen,
            *port,
            token.clone(),
            *open,
            crate::settings::config_file(cli.config.as_deref()),
        ),
        Command::Man => {
            crate::output::with_stdout(|out| clap_mangen::Man::new(Cli::command()).render(out))
        }
        Command::Contact(c) => contact::run(&tracker()?, c),
        Command::Note(c) => note::run(&tracker()?, c),
        Command::Report(a) => report::run(&tracker()?, a),
    }
}
