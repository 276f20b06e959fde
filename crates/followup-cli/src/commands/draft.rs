//! `followup draft` (M1–M7).

use crate::cli::DraftArgs;
use crate::commands::track::Ctx;
use crate::error::{Error, Result};

/// Runs `followup draft`.
pub fn run(_ctx: &Ctx, _args: &DraftArgs) -> Result<()> {
    Err(Error::input("drafts are not available in this build yet"))
}
