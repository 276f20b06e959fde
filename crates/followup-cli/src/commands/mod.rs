//! One module per command; [`dispatch`] picks it.

mod plan;

use clap::CommandFactory;

use crate::cli::{Cli, Command};
use crate::error::Result;
use crate::settings::Settings;

/// Runs the command the user asked for.
pub fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Plan(args) => {
            let settings = Settings::load(cli.config.as_deref())?;
            plan::run(&args, &settings)
        }
        Command::Completions { shell } => crate::output::with_stdout(|out| {
            clap_complete::generate(shell, &mut Cli::command(), "followup", out);
            Ok(())
        }),
        Command::Man => {
            crate::output::with_stdout(|out| clap_mangen::Man::new(Cli::command()).render(out))
        }
    }
}
