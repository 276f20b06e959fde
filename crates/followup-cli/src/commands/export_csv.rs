//! `followup export --format csv`: see `followup_app::proof`.

use crate::cli::ExportArgs;
use crate::commands::track::Ctx;
use crate::error::Result;

/// Runs `followup export --format csv`.
pub fn run(_ctx: &Ctx, _args: &ExportArgs) -> Result<()> {
    Err(crate::error::Error::input("not yet"))
}
