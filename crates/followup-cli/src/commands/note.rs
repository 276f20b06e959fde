//! `followup note add|remove ID ...`: topics, strengths, gaps and questions noted
//! after `add` (the use cases are `followup_app::note`, shared with the web server).

use followup_app::note::{self, NoteInput, NoteView};
use serde_json::json;

use crate::cli::NoteCommand;
use crate::commands::track::Ctx;
use crate::error::Result;
use crate::output;

/// Runs `followup note`.
pub fn run(ctx: &Ctx, cmd: &NoteCommand) -> Result<()> {
    match cmd {
        NoteCommand::Add {
            id,
            topic,
            strength,
            gap,
            question,
            interview,
            json,
        } => {
            let input = NoteInput {
                topic: topic.clone(),
                strength: strength.clone(),
                gap: gap.clone(),
                question: question.clone(),
                interview: *interview,
            };
            let notes = note::add(ctx, *id, &input)?;
            output::with_stdout(|out| {
                if *json {
                    return writeln!(out, "{}", json!({ "action": "added", "notes": notes }));
                }
                for n in &notes {
                    writeln!(out, "Added note {}: {}.", n.id, describe(n))?;
                }
                Ok(())
            })
        }
        NoteCommand::Remove {
            id,
            note: which,
            json,
        } => {
            let n = note::remove(ctx, *id, which)?;
            output::with_stdout(|out| {
                if *json {
                    writeln!(out, "{}", json!({ "action": "removed", "note": n }))
                } else {
                    writeln!(out, "Removed note {}: {}.", n.id, describe(&n))
                }
            })
        }
    }
}

/// "topic \"event sourcing\" of #1 Acme (interview 3)".
fn describe(n: &NoteView) -> String {
    format!(
        "{} \"{}\" of #{} {}{}",
        n.kind,
        n.text,
        n.application_id,
        n.company,
        n.interview_id
            .map_or(String::new(), |i| format!(" (interview {i})"))
    )
}
