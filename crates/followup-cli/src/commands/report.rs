//! `followup report`: see `followup_app::proof`.

use crate::cli::ReportArgs;
use crate::commands::track::Ctx;
use crate::error::Result;

/// Runs `followup report`.
pub fn run(_ctx: &Ctx, _args: &ReportArgs) -> Result<()> {
    Err(crate::error::Error::input("not yet"))
}
