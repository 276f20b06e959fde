//! `followup mail sync|inbox|accept|dismiss|forget`: proposals read from the user's
//! mailbox (read-only IMAP), applied only when the user accepts them.

use clap::Subcommand;
use serde_json::json;

use crate::error::{Error, Result};
use crate::output;
use followup_app::inbox;
use followup_app::Ctx;

/// `followup mail`.
#[derive(Debug, Subcommand, Clone)]
pub enum MailCommand {
    /// Read new mail of INBOX and the Sent folder (read-only) into proposals.
    Sync {
        /// Look back from this day (YYYY-MM-DD) instead of 60 days, or of the last sync.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Print JSON: {"fetched": N, "matched": M, "proposals": K}.
        #[arg(long)]
        json: bool,
    },
    /// List the pending proposals, with the evidence and the command each stands for.
    Inbox {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Apply proposals (with the message's own time), through the same code as
    /// `reply`, `outcome`, `log` and `import`.
    Accept {
        /// Proposal ids.
        #[arg(required_unless_present = "all_high")]
        ids: Vec<i64>,
        /// Every pending high-confidence proposal.
        #[arg(long)]
        all_high: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Dismiss proposals: their messages are never proposed again.
    Dismiss {
        /// Proposal ids.
        #[arg(required = true)]
        ids: Vec<i64>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete everything the mail features stored (proposals, folder state, bouncing
    /// addresses). What accepted proposals recorded stays.
    Forget {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Whether the command writes to the database.
pub fn records(c: &MailCommand) -> bool {
    !matches!(c, MailCommand::Inbox { .. })
}

pub fn run(ctx: &Ctx, c: &MailCommand) -> Result<()> {
    match c {
        MailCommand::Sync { since, json } => {
            let since = since
                .as_deref()
                .map(|s| {
                    s.trim().parse::<jiff::civil::Date>().map_err(|e| {
                        Error::input(format!("--since {s}: expected YYYY-MM-DD ({e})"))
                    })
                })
                .transpose()?;
            let s = inbox::sync(ctx, since)?;
            output::with_stdout(|out| {
                if *json {
                    let mut v = json!({"fetched": s.fetched, "matched": s.matched, "proposals": s.proposals});
                    if !s.applied.is_empty() {
                        v["applied"] = json!(s.applied);
                    }
                    writeln!(out, "{v}")
                } else {
                    writeln!(out, "{}", s.summary())?;
                    if s.proposals > s.applied.len() {
                        writeln!(out, "See them with `followup mail inbox`.")?;
                    }
                    Ok(())
                }
            })
        }
        MailCommand::Inbox { json } => {
            let list = inbox::list(ctx)?;
            output::with_stdout(|out| {
                if *json {
                    serde_json::to_writer_pretty(&mut *out, &json!({ "proposals": list }))?;
                    return writeln!(out);
                }
                if list.is_empty() {
                    return writeln!(
                        out,
                        "No proposals waiting. `followup mail sync` reads new mail."
                    );
                }
                for p in &list {
                    writeln!(
                        out,
                        "[{}] #{} {} — {} ({} confidence)\n    {} · {} · {}",
                        p.id,
                        p.application,
                        p.company,
                        p.kind,
                        p.confidence,
                        p.date,
                        p.from,
                        p.subject
                    )?;
                    if let Some(e) = &p.evidence {
                        writeln!(out, "    \"{e}\"")?;
                    }
                    writeln!(out, "    = {}", p.action)?;
                }
                writeln!(
                    out,
                    "\n`followup mail accept ID…` applies, `followup mail dismiss ID…` drops."
                )
            })
        }
        MailCommand::Accept {
            ids,
            all_high,
            json,
        } => {
            let mut ids = ids.clone();
            if *all_high {
                ids.extend(inbox::pending_high(ctx)?);
            }
            let mut done = Vec::new();
            for id in ids {
                let a = inbox::accept(ctx, id)?;
                for w in &a.warnings {
                    eprintln!("warning: {w}");
                }
                done.push(a);
            }
            output::with_stdout(|out| {
                if *json {
                    return writeln!(out, "{}", json!({ "accepted": done }));
                }
                for a in &done {
                    if a.already {
                        writeln!(out, "Proposal {} was settled before: nothing done.", a.id)?;
                    } else {
                        writeln!(
                            out,
                            "Applied proposal {} ({}) to application {}{}.",
                            a.id,
                            a.kind,
                            a.application,
                            a.touchpoint
                                .map_or(String::new(), |t| format!(" (recorded #{t})"))
                        )?;
                    }
                }
                Ok(())
            })
        }
        MailCommand::Dismiss { ids, json } => {
            let mut done = Vec::new();
            for id in ids {
                done.push(json!({"id": id, "dismissed": inbox::dismiss(ctx, *id)?}));
            }
            output::with_stdout(|out| {
                if *json {
                    return writeln!(out, "{}", json!({ "dismissed": done }));
                }
                writeln!(out, "Dismissed {} proposal(s).", ids.len())
            })
        }
        MailCommand::Forget { json } => {
            let n = inbox::forget(ctx)?;
            // While a server is named, the worker's next turn reads it again (from
            // 60 days back, as a first sync does).
            let still = followup_app::inbox::MailSettings::load(ctx)
                .ok()
                .and_then(|m| m.imap)
                .filter(|i| !i.trim().is_empty())
                .is_some();
            let note = "The mailbox is still set up (imap under [mail], or FOLLOWUP_IMAP): `followup worker` and `followup serve` read it again at their next turn (every 15 minutes); remove imap to stop.";
            output::with_stdout(|out| {
                if *json {
                    let mut v = json!({ "forgotten": n });
                    if still {
                        v["note"] = json!(note);
                    }
                    return writeln!(out, "{v}");
                }
                writeln!(out, "Deleted {n} proposal(s) and the mail sync state.")?;
                if still {
                    writeln!(out, "{note}")?;
                }
                Ok(())
            })
        }
    }
}
