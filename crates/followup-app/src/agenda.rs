//! The agenda across every open application (T1–T9): items in the order to act on them.

use followup_core::agenda::{self, Item};
use followup_core::plan::StepStatus;
use followup_store::AgendaRow;
use jiff::SignedDuration;

use crate::ctx::{store_err, track_of_row, Ctx};
use crate::error::Result;

/// The rows planning needs: open applications, and rejected ones (a rejection still
/// asks for feedback, T9).
pub fn rows(ctx: &Ctx) -> Result<Vec<AgendaRow>> {
    let store = ctx.store()?;
    store.agenda_rows().map_err(store_err)
}

/// The open items of `rows` that are overdue, due, or open within `days`: overdue and
/// missed first, then due, then upcoming; by recommended moment, then application.
pub fn items<'a>(
    ctx: &Ctx,
    rows: &'a [AgendaRow],
    days: u32,
) -> Result<Vec<(&'a AgendaRow, Item)>> {
    let horizon = ctx.now + SignedDuration::from_hours(24 * i64::from(days));
    let mut all: Vec<(&AgendaRow, Item)> = Vec::new();
    for row in rows {
        let track = track_of_row(ctx, row)?;
        for item in agenda::items(&track, &ctx.policy, ctx.now) {
            if item.status != StepStatus::Upcoming || item.step.earliest.timestamp() <= horizon {
                all.push((row, item));
            }
        }
    }
    let rank = |s: StepStatus| match s {
        StepStatus::Overdue | StepStatus::Missed => 0,
        StepStatus::Due => 1,
        StepStatus::Upcoming => 2,
    };
    all.sort_by_key(|(r, i)| (rank(i.status), i.step.recommended.timestamp(), r.id));
    Ok(all)
}
