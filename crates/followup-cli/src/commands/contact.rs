//! `followup contact add|edit|remove ID ...`: the people of an application after
//! `add` (the use cases are `followup_app::contact`, shared with the web server).

use followup_app::contact::{self, ContactInput, ContactView};
use serde_json::json;

use crate::cli::{ContactCommand, ContactFields};
use crate::commands::track::Ctx;
use crate::error::Result;
use crate::output;

fn input(f: &ContactFields, leave: &[usize]) -> ContactInput {
    ContactInput {
        name: f.name.clone(),
        email: f.email.clone(),
        phone: f.phone.clone(),
        role: f.role.clone(),
        tz: f.tz.clone(),
        rounds: f.round.clone(),
        leave_rounds: leave.to_vec(),
    }
}

/// Runs `followup contact`.
pub fn run(ctx: &Ctx, cmd: &ContactCommand) -> Result<()> {
    let (what, c, json) = match cmd {
        ContactCommand::Add { id, fields } => (
            "Added",
            contact::add(ctx, *id, &input(fields, &[]))?,
            fields.json,
        ),
        ContactCommand::Edit {
            id,
            who,
            fields,
            not_round,
        } => (
            "Changed",
            contact::edit(ctx, *id, who, &input(fields, not_round))?,
            fields.json,
        ),
        ContactCommand::Remove { id, who, json } => {
            ("Removed", contact::remove(ctx, *id, who)?, *json)
        }
    };
    print(what, &c, json)
}

fn print(what: &str, c: &ContactView, json: bool) -> Result<()> {
    output::with_stdout(|out| {
        if json {
            let action = what.to_lowercase();
            return writeln!(out, "{}", json!({ "action": action, "contact": c }));
        }
        let link = if what == "Removed" { "from" } else { "of" };
        writeln!(
            out,
            "{what} contact {}: {} {link} #{} {}.",
            c.id,
            c.describe(),
            c.application_id,
            c.company
        )
    })
}
