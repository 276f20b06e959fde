//! `followup check` (L).

use crate::cli::CheckArgs;
use crate::commands::track::Ctx;
use crate::error::{Error, Result};

/// Runs `followup check`.
pub fn run(_ctx: &Ctx, _args: &CheckArgs) -> Result<()> {
    Err(Error::input("the checker is not available in this build yet"))
}
