//! `followup report [--from DATE] [--to DATE] [--paper a4|letter]`: a printable,
//! self-contained HTML page of every application in a period, with dates, contacts
//! and outcome (see `followup_app::proof`).

use std::io::Write;

use followup_app::proof::{self, Paper};
use jiff::civil::Date;

use crate::cli::ReportArgs;
use crate::commands::export::{check_target, write_atomic};
use crate::commands::track::{store_err, Ctx};
use crate::error::{Error, Result};
use crate::output;

fn date(text: &Option<String>, flag: &str) -> Result<Option<Date>> {
    text.as_deref()
        .map(|t| {
            t.trim().parse::<Date>().map_err(|_| {
                Error::input(format!(
                    "{flag} `{t}` is not a date: write it as YYYY-MM-DD, such as 2026-11-01"
                ))
            })
        })
        .transpose()
}

/// Runs `followup report`.
pub fn run(ctx: &Ctx, args: &ReportArgs) -> Result<()> {
    let from = date(&args.from, "--from")?;
    let to = date(&args.to, "--to")?;
    let paper = Paper::parse(&args.paper)?;
    let file = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    if let Some(f) = file {
        check_target(f)?;
    }
    let store = ctx.store()?;
    let apps = store.applications(true).map_err(store_err)?;
    let profile = store.profile().map_err(store_err)?;
    drop(store);
    let html = proof::report(ctx, profile.as_ref(), &apps, from, to, paper)?;
    match file {
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(html.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
        Some(f) => {
            write_atomic(f, &html)?;
            output::with_stdout(|out| writeln!(out, "Wrote the report to {}.", f.display()))
        }
    }
}
