//! `followup export` (T8).

use crate::commands::track::Ctx;
use crate::error::{Error, Result};

/// Runs `followup export`.
pub fn run(_ctx: &Ctx, _args: &crate::cli::ExportArgs) -> Result<()> {
    Err(Error::input(
        "calendar export is not available in this build yet",
    ))
}
