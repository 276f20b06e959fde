//! `followup import` (T8).

use crate::commands::track::Ctx;
use crate::error::{Error, Result};

/// Runs `followup import`.
pub fn run(_ctx: &Ctx, _args: &crate::cli::ImportArgs) -> Result<()> {
    Err(Error::input(
        "calendar import is not available in this build yet",
    ))
}
