//! The `followup` command-line tool.
//!
//! `main` only calls [`run`], which parses the command line, layers the settings
//! (defaults, `config.toml`, `FOLLOWUP_*` variables, flags), runs one command and turns
//! any error into one line on stderr and an exit code: 2 for bad input, 1 for anything
//! else.

mod cli;
mod commands;
mod error;
mod output;
mod settings;
mod time;

use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};

/// mimalloc instead of the system's allocator: a served page is many small strings
/// made and dropped, and glibc's malloc took a quarter of a server's time under load
/// (`perf` over `scripts/bench_pg_scale.sh`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let matches = match cli::Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    // Where the database path came from, for the errors about it.
    let db_from = match matches.value_source("db") {
        Some(ValueSource::EnvVariable) => Some("FOLLOWUP_DB"),
        Some(_) => Some("--db"),
        None => None,
    };
    match cli::Cli::from_arg_matches(&matches) {
        Ok(cli) => run(cli, db_from),
        Err(e) => usage_error(e),
    }
}

/// Help and version print as clap prints them; a command line clap refuses (an
/// unknown flag, a value that is not a number) is one line and exit code 2, like
/// every other refusal.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
        _ => {
            let text = e.render().to_string();
            let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            let line = line.strip_prefix("error: ").unwrap_or(line);
            anstream::eprintln!(
                "{}error:{} {line} (see --help)",
                output::style::ERROR.render(),
                output::style::ERROR.render_reset()
            );
            ExitCode::from(2)
        }
    }
}

fn run(cli: cli::Cli, db_from: Option<&'static str>) -> ExitCode {
    match commands::dispatch(cli, db_from) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            anstream::eprintln!(
                "{}error:{} {err}",
                output::style::ERROR.render(),
                output::style::ERROR.render_reset()
            );
            ExitCode::from(err.exit_code())
        }
    }
}
