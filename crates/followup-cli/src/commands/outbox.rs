//! `followup outbox`: the list, cancel, edit, retry, and `run` (the dispatcher, for
//! cron or a systemd timer).

use followup_app::outbox::{self, When};
use followup_store::OutboxMessage;
use jiff::Timestamp;
use serde_json::{json, Value};

use crate::cli::{OutboxArgs, OutboxCommand};
use crate::commands::send::moment;
use crate::commands::track::Ctx;
use crate::error::{Error, Result};
use crate::output;

fn rfc3339(t: Timestamp) -> String {
    t.to_string()
}

fn to_json(m: &OutboxMessage) -> Value {
    let mut v = json!({
        "id": m.id,
        "application": m.application_id,
        "kind": m.kind,
        "to": format!("{} <{}>", m.to_name, m.to_addr),
        "at": rfc3339(m.at),
        "state": m.state.as_str(),
        "message_id": m.message_id,
    });
    if let Some(e) = &m.error {
        v["error"] = json!(e);
    }
    if let Some(r) = &m.reply {
        v["reply"] = json!(r);
    }
    if let Some(t) = m.sent_at {
        v["sent_at"] = json!(rfc3339(t));
    }
    if m.state == followup_store::OutboxState::Queued && m.next_try > m.at {
        v["next_try"] = json!(rfc3339(m.next_try));
    }
    v
}

/// Runs `followup outbox`.
pub fn run(ctx: &Ctx, a: &OutboxArgs, fixed_now: bool) -> Result<()> {
    match &a.command {
        None => list(ctx, a.json),
        Some(OutboxCommand::Cancel { n, json }) => {
            let m = outbox::cancel(ctx, *n)?;
            one(&m, *json, "cancelled")
        }
        Some(OutboxCommand::Edit { n, at, json }) => {
            let m = outbox::reschedule(ctx, *n, &When::parse(Some(at)))?;
            one(&m, *json, "rescheduled")
        }
        Some(OutboxCommand::Retry { n, json }) => {
            let m = outbox::retry(ctx, *n)?;
            one(&m, *json, "queued again")
        }
        Some(OutboxCommand::Run { json }) => dispatch(ctx, *json, fixed_now),
    }
}

fn one(m: &OutboxMessage, json: bool, what: &str) -> Result<()> {
    output::with_stdout(|out| {
        if json {
            return writeln!(out, "{}", to_json(m));
        }
        writeln!(
            out,
            "{what}: message {} to {} <{}>, {} at {}",
            m.id,
            m.to_name,
            m.to_addr,
            m.state,
            rfc3339(m.next_try.max(m.at))
        )
    })
}

fn list(ctx: &Ctx, json: bool) -> Result<()> {
    let all = outbox::list(ctx)?;
    let mine = followup_app::time::system_zone();
    output::with_stdout(|out| {
        if json {
            let list: Vec<Value> = all.iter().map(to_json).collect();
            return writeln!(out, "{}", json!({ "messages": list }));
        }
        if all.is_empty() {
            return writeln!(out, "the outbox is empty");
        }
        for m in &all {
            let when = m.sent_at.unwrap_or(m.next_try.max(m.at));
            writeln!(
                out,
                "{:>4}  {:<9}  {}  #{} {} to {} <{}>",
                m.id,
                m.state.as_str(),
                moment(when, &mine),
                m.application_id,
                m.kind,
                m.to_name,
                m.to_addr
            )?;
            if let Some(e) = m
                .error
                .as_deref()
                .filter(|_| m.state != followup_store::OutboxState::Sent)
            {
                writeln!(out, "        {e}")?;
            }
        }
        Ok(())
    })
}

fn dispatch(ctx: &Ctx, json: bool, fixed_now: bool) -> Result<()> {
    let now = ctx.now;
    let clock = move || if fixed_now { now } else { Timestamp::now() };
    let r = outbox::run(ctx, &clock)?;
    output::with_stdout(|out| {
        if json {
            let v = json!({
                "busy": r.busy,
                "sent": r.sent.iter().map(|(id, to, reply)| json!({"id": id, "to": to, "reply": reply})).collect::<Vec<_>>(),
                "retrying": r.retrying.iter().map(|(id, at, why)| json!({"id": id, "next_try": rfc3339(*at), "error": why})).collect::<Vec<_>>(),
                "failed": r.failed.iter().map(|(id, why)| json!({"id": id, "error": why})).collect::<Vec<_>>(),
                "unknown": r.unknown,
            });
            return writeln!(out, "{v}");
        }
        if r.busy {
            return writeln!(out, "another `outbox run` is sending; nothing done");
        }
        for id in &r.unknown {
            writeln!(out, "unknown: message {id}: {}", outbox::UNKNOWN_WHY)?;
        }
        for (id, to, reply) in &r.sent {
            writeln!(out, "sent: message {id} to {to} ({reply})")?;
        }
        for (id, at, why) in &r.retrying {
            writeln!(out, "retry: message {id} at {}: {why}", rfc3339(*at))?;
        }
        for (id, why) in &r.failed {
            writeln!(out, "failed: message {id}: {why}")?;
        }
        if r.sent.is_empty() && r.retrying.is_empty() && r.failed.is_empty() {
            writeln!(out, "nothing due")?;
        }
        Ok(())
    })?;
    if !r.failed.is_empty() {
        return Err(Error::Findings(format!(
            "{} message{} failed: `followup outbox` shows the server's words",
            r.failed.len(),
            if r.failed.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}
