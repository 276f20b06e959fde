//! `followup send` (S1, S2): the message is drafted (or read from --file), checked,
//! queued in the outbox for its moment, and sent at once when that moment is now.

use std::io::{BufRead, IsTerminal, Write};

use followup_app::outbox::{self, Prepared, SendInput, When};
use followup_core::check::Lang;
use followup_core::model::MessageKind;
use followup_store::OutboxState;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::json;

use crate::cli::SendArgs;
use crate::commands::track::Ctx;
use crate::error::{Error, Result};
use crate::output;

/// `Tue 2026-12-08 09:00 CET`.
pub(crate) fn moment(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%a %Y-%m-%d %H:%M %Z")
        .to_string()
}

/// Runs `followup send`.
pub fn run(ctx: &Ctx, args: &SendArgs, fixed_now: bool) -> Result<()> {
    let kind: MessageKind = args.kind.parse().map_err(Error::input)?;
    let lang: Lang = args.lang.parse().map_err(Error::input)?;
    let file = match &args.file {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?;
            Some((path.display().to_string(), bytes))
        }
        None => None,
    };
    let input = SendInput {
        id: args.id,
        kind,
        to: args.to.clone(),
        when: When::parse(Some(&args.at)),
        file,
        new_thread: args.new_thread,
        lang,
        words: crate::commands::check::personal_words(None)?,
    };
    let p = outbox::prepare(ctx, &input)?;
    verdict(&p, args)?;
    let now = ctx.now;
    let clock = move || if fixed_now { now } else { Timestamp::now() };
    let done = outbox::submit(ctx, &p, &clock)?;
    let queued = done.queued;
    let state = done.after.state;
    let mut reply = None;
    if queued.at <= ctx.now {
        reply = done.after.reply.clone().or(done.after.error.clone());
        if done.busy {
            reply = Some("another run is sending: it leaves with that run or the next".into());
        }
    }
    let mine = followup_app::time::system_zone();
    output::with_stdout(|out| {
        if args.json {
            let v = json!({
                "outbox": queued.id,
                "at": queued.at.to_zoned(p.zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
                "state": state.as_str(),
                "message_id": queued.message_id,
            });
            return writeln!(out, "{v}");
        }
        let to = format!("{} <{}>", queued.to_name, queued.to_addr);
        match state {
            OutboxState::Sent => writeln!(
                out,
                "sent: message {} to {to} ({})",
                queued.id,
                reply.as_deref().unwrap_or("")
            ),
            OutboxState::Queued if queued.at <= ctx.now => writeln!(
                out,
                "queued: message {} to {to} could not leave yet ({}); `followup outbox` shows it",
                queued.id,
                reply.as_deref().unwrap_or("")
            ),
            OutboxState::Queued => writeln!(
                out,
                "queued: message {} to {to} leaves {} your time, {} their time",
                queued.id,
                moment(queued.at, &mine),
                moment(queued.at, &p.zone)
            ),
            other => writeln!(
                out,
                "{other}: message {} to {to}: {}",
                queued.id,
                reply.as_deref().unwrap_or("")
            ),
        }
    })?;
    if state == OutboxState::Failed {
        return Err(Error::Findings(format!(
            "message {} was not sent: {}",
            queued.id,
            reply.unwrap_or_default()
        )));
    }
    Ok(())
}

/// The checker's verdict: errors refuse unless --force; warnings ask on a terminal and
/// refuse elsewhere unless --yes (S1).
fn verdict(p: &Prepared, args: &SendArgs) -> Result<()> {
    let errors = p.errors();
    let warnings = p.warning_count();
    let show = |out: &mut dyn Write| -> std::io::Result<()> {
        for w in &p.warnings {
            writeln!(out, "warning: {w}")?;
        }
        Ok(())
    };
    if errors > 0 || warnings > 0 {
        // Findings go to stderr when --json keeps stdout for the result.
        if args.json {
            let mut err = std::io::stderr().lock();
            show(&mut err)?;
            for d in &p.findings {
                writeln!(
                    err,
                    "{}: {}:{}:{}: {} [{}]",
                    d.severity, p.name, d.line, d.column, d.message, d.rule
                )?;
            }
        } else {
            crate::commands::check::print_human(&p.name, &p.text, &p.findings)?;
            output::with_stdout(|out| show(out))?;
        }
    }
    if errors > 0 && !args.force {
        return Err(Error::Findings(format!(
            "{}: {errors} error{} to fix before sending (S1); nothing was queued (--force \
             queues it anyway)",
            p.name,
            if errors == 1 { "" } else { "s" }
        )));
    }
    if warnings > 0 && !args.yes && errors == 0 {
        let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        if !terminal {
            return Err(Error::Findings(format!(
                "{warnings} warning{} (S1): nothing was queued; look at them, then add --yes",
                if warnings == 1 { "" } else { "s" }
            )));
        }
        eprint!("send anyway? [y/N] ");
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        if !matches!(line.trim(), "y" | "Y" | "yes") {
            return Err(Error::Findings("nothing was queued".into()));
        }
    }
    Ok(())
}
