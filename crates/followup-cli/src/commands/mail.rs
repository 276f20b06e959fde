//! `followup mail test`: connect, secure, log in; one line per step.

use serde_json::json;

use crate::cli::MailCommand;
use crate::commands::track::Ctx;
use crate::error::{Error, Result};
use crate::output;

/// Runs `followup mail`.
pub fn run(ctx: &Ctx, c: &MailCommand) -> Result<()> {
    let json = match c {
        MailCommand::Test { json } => json,
        MailCommand::Inbox(i) => return super::inbox::run(ctx, i),
    };
    let steps = followup_app::outbox::test_account(ctx)?;
    let failed = steps.iter().any(|s| !s.ok);
    output::with_stdout(|out| {
        if *json {
            let list: Vec<_> = steps
                .iter()
                .map(|s| json!({"step": s.step, "ok": s.ok, "text": s.text}))
                .collect();
            return writeln!(out, "{}", json!({ "steps": list, "ok": !failed }));
        }
        for s in &steps {
            writeln!(
                out,
                "{:<8} {} {}",
                s.step,
                if s.ok { "ok  " } else { "FAIL" },
                s.text
            )?;
        }
        Ok(())
    })?;
    if failed {
        return Err(Error::Findings(
            "the mail account does not work yet: see the line that failed".into(),
        ));
    }
    Ok(())
}
