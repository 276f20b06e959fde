//! `followup holidays` (T8).

use crate::commands::track::Ctx;
use crate::error::{Error, Result};

/// Runs `followup holidays`.
pub fn run(_ctx: &Ctx, _args: &crate::cli::HolidaysCommand) -> Result<()> {
    Err(Error::input(
        "custom holiday calendars is not available in this build yet",
    ))
}
