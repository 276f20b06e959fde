//! `followup skip ID STEP [--to NAME] [--undo]`: a planned step the user will not take
//! (the use case is `followup_app::skip`, shared with the web server).

use crate::cli::SkipArgs;
use crate::commands::recorded;
use crate::commands::track::Ctx;
use crate::error::Result;

/// Runs `followup skip`.
pub fn run(ctx: &Ctx, a: &SkipArgs) -> Result<()> {
    let view = if a.undo {
        followup_app::skip::undo_last(ctx, a.id, &a.step, a.to.as_deref())?
    } else {
        followup_app::skip::skip(ctx, a.id, &a.step, a.to.as_deref(), a.note.as_deref())?
    };
    recorded::skipped(ctx, &view, a.undo, a.json)
}
