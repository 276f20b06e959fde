//! `followup export --format csv`: every application and every event of its history,
//! one row each, for a spreadsheet (see `followup_app::proof` for the format: UTF-8
//! with a byte order mark, formula-like cells made text).

use std::io::Write;

use followup_app::proof;

use crate::cli::ExportArgs;
use crate::commands::export::{check_target, write_atomic};
use crate::commands::track::{store_err, Ctx};
use crate::error::Result;
use crate::output;

/// Runs `followup export --format csv`.
pub fn run(ctx: &Ctx, args: &ExportArgs) -> Result<()> {
    let file = args.output.as_deref().filter(|p| p.as_os_str() != "-");
    if let Some(f) = file {
        check_target(f)?;
    }
    let store = ctx.store()?;
    let apps = match args.application {
        Some(id) => vec![store.application(id).map_err(store_err)?],
        None => store.applications(true).map_err(store_err)?,
    };
    drop(store);
    let text = proof::csv(ctx, &apps)?;
    match file {
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
        Some(f) => {
            write_atomic(f, &text)?;
            let rows = text.lines().count().saturating_sub(1);
            output::with_stdout(|out| {
                writeln!(
                    out,
                    "Wrote {rows} row(s) of {} application(s) to {}.",
                    apps.len(),
                    f.display()
                )
            })
        }
    }
}
