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

use clap::Parser;

fn main() -> ExitCode {
    run(cli::Cli::parse())
}

fn run(cli: cli::Cli) -> ExitCode {
    match commands::dispatch(cli) {
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
