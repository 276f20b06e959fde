//! The jobs that run on their own: the outbox's due messages ([`crate::outbox::run`]),
//! the daily digest ([`crate::digest::run_due`]) and, every quarter of an hour, a read
//! of the mailbox when one is set up ([`crate::inbox::turn`]). `followup worker` runs
//! them every minute, and so does `followup serve` while it serves; each job done is
//! one line of the log.

use jiff::Timestamp;
use serde::Serialize;

use crate::ctx::Ctx;
use crate::digest::Run;
use crate::inbox::turn::Turn;
use crate::inbox::turn::MAIL_READ_BUDGET;

/// One job done (or refused), as the worker logs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    /// When the run started (RFC 3339).
    pub at: String,
    /// `outbox`, `digest`, or `mail` (a mailbox read).
    pub job: &'static str,
    /// The outbox message's number, the digest's day, or the mailbox read (a hosted
    /// account's e-mail address; the `account_mail` directory, when that cannot be
    /// read; the login of a SQLite database's mailbox).
    pub id: String,
    /// `sent`, `retrying`, `failed`, `unknown`, `nothing`, `read`, `error`.
    pub state: &'static str,
    /// The recipient, the server's answer, or why.
    pub detail: String,
    /// Whose job it was, on a multi-user server (`serve --multi-user`, `worker
    /// --multi-user`): the account's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<i64>,
}

impl std::fmt::Display for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(a) = self.account {
            write!(f, "account {a}: ")?;
        }
        write!(
            f,
            "{} {} {} {}: {}",
            self.at, self.job, self.id, self.state, self.detail
        )
    }
}

/// One line per message a run of the outbox dealt with (started at `at`); `unknown`
/// says what a message left `sending` means. On PostgreSQL each line names the
/// message's account ([`RunReport::owners`](crate::outbox::RunReport::owners)).
pub fn outbox_jobs(r: &crate::outbox::RunReport, at: &str, unknown: &str) -> Vec<Job> {
    let line = |id: i64, state, detail: String| Job {
        account: r.owners.get(&id).copied(),
        at: at.to_string(),
        job: "outbox",
        id: id.to_string(),
        state,
        detail,
    };
    let mut jobs = Vec::new();
    for id in &r.unknown {
        jobs.push(line(*id, "unknown", unknown.to_string()));
    }
    for (id, to, reply) in &r.sent {
        jobs.push(line(*id, "sent", format!("to {to} ({reply})")));
    }
    for (id, next, why) in &r.retrying {
        jobs.push(line(*id, "retrying", format!("next attempt {next}: {why}")));
    }
    for (id, why) in &r.failed {
        jobs.push(line(*id, "failed", why.clone()));
    }
    jobs
}

/// Runs every due job once at `ctx.now` (`clock` dates each message of the outbox);
/// the jobs done. Nothing due is no line.
pub fn tick(ctx: &Ctx, clock: &dyn Fn() -> Timestamp) -> Vec<Job> {
    let mut jobs = tick_split(ctx, ctx, clock);
    // Last, and for at most a minute: a slow mail server does not hold up what is due
    // to be sent (a read not done by then is given up, and tried at the next turn).
    jobs.extend(mail_turn(ctx, std::time::Instant::now() + MAIL_READ_BUDGET));
    jobs
}

/// [`tick`], with the outbox's messages sent by `outbox`'s mail account and the digest
/// by `digest`'s (the same database): on a multi-user server, each person's messages go
/// out through their own account, the digests through the server's.
fn tick_split(outbox: &Ctx, digest: &Ctx, clock: &dyn Fn() -> Timestamp) -> Vec<Job> {
    let ctx = outbox;
    let at = ctx.now.to_string();
    let line = |job, id: String, state, detail: String| Job {
        account: None,
        at: at.clone(),
        job,
        id,
        state,
        detail,
    };
    let mut jobs = Vec::new();
    match crate::outbox::run(ctx, clock) {
        Ok(r) => jobs.extend(outbox_jobs(
            &r,
            &at,
            "a run stopped while handing it over: check your Sent folder, then `followup outbox retry` or `cancel`",
        )),
        Err(e) => jobs.push(line("outbox", String::new(), "error", e.to_string())),
    }
    match crate::digest::run_due(digest) {
        Ok(Run::Off | Run::NotYet | Run::Busy | Run::Done(..) | Run::StillWaiting(_)) => {}
        Ok(Run::Nothing(day)) => jobs.push(line(
            "digest",
            day.to_string(),
            "nothing",
            "nothing overdue, due today or opening tomorrow: no mail".into(),
        )),
        Ok(Run::Sent(day, id, reply)) => jobs.push(line(
            "digest",
            day.to_string(),
            "sent",
            format!("{id} ({reply})"),
        )),
        Ok(Run::Unknown(day)) => jobs.push(line(
            "digest",
            day.to_string(),
            "unknown",
            "a run stopped while handing it over; it is not sent again today".into(),
        )),
        Ok(Run::Retry(day, why)) => jobs.push(line("digest", day.to_string(), "retrying", why)),
        Ok(Run::Failed(day, why)) => jobs.push(line("digest", day.to_string(), "failed", why)),
        Err(e) => jobs.push(line("digest", String::new(), "error", e.to_string())),
    }
    jobs
}

/// The least time left in a pass's minute for a mailbox's read to begin.
const MAIL_READ_AT_LEAST: std::time::Duration = std::time::Duration::from_secs(20);

/// The mailbox's turn ([`crate::inbox::turn`]) at `ctx.now`, given up at `deadline`:
/// its line, if it was read (or failed).
fn mail_turn(ctx: &Ctx, deadline: std::time::Instant) -> Option<Job> {
    let line = |id: String, state, detail: String| Job {
        account: None,
        at: ctx.now.to_string(),
        job: "mail",
        id,
        state,
        detail,
    };
    match crate::inbox::turn::read_due(ctx, Some(deadline)) {
        Ok(Turn::Off | Turn::NotYet) => None,
        Ok(Turn::Read(mailbox, got)) => Some(line(mailbox, "read", got.counted())),
        Ok(Turn::Failed(mailbox, e)) => Some(line(mailbox, "error", e.to_string())),
        Err(e) => Some(line(String::new(), "error", e.to_string())),
    }
}

/// Runs every account's due jobs once (a multi-user office: `serve --multi-user`'s
/// worker, `worker --multi-user`): each with that account's settings over the
/// server's `base` ([`crate::accounts::user_settings`]) and its own database. An
/// account that never signed in has no database and nothing due.
pub fn office_tick(
    office: &crate::accounts::Office,
    base: &crate::settings::Settings,
    now: Timestamp,
    clock: &dyn Fn() -> Timestamp,
) -> crate::error::Result<Vec<Job>> {
    let users = office.open()?.users()?;
    let mut done = Vec::new();
    // The accounts whose mailboxes may be read once everyone's messages are out.
    let mut mailboxes = Vec::new();
    for user in users {
        let refused = |detail: String| Job {
            at: now.to_string(),
            job: "account",
            id: user.id.to_string(),
            state: "error",
            detail,
            account: Some(user.id),
        };
        let db = office.user_db(user.id);
        if !db.exists() {
            continue;
        }
        let settings = match crate::accounts::user_settings(office, user.id, base) {
            Ok(s) => s,
            Err(e) => {
                done.push(refused(e.to_string()));
                continue;
            }
        };
        let policy =
            match crate::ctx::load_policy(settings.policy.as_deref(), settings.preset.as_deref()) {
                Ok(p) => p,
                Err(e) => {
                    done.push(refused(e.to_string()));
                    continue;
                }
            };
        // The digest goes out through the server's mail account; the person's own
        // messages only through theirs (an office's account is never lent to them).
        let mut for_digest = settings.clone();
        crate::accounts::sending_from(&mut for_digest.mail, &base.mail);
        // The server's account, with the server's password variable.
        for_digest.origins.isolated = base.origins.isolated;
        let mut own = settings;
        own.mail = crate::accounts::own_mail(office, user.id)?;
        let outbox = Ctx::from_parts(own, policy.clone(), now, db.clone());
        let digest = Ctx::from_parts(for_digest, policy, now, db);
        done.extend(
            tick_split(&outbox, &digest, clock)
                .into_iter()
                .map(|mut j| {
                    j.account = Some(user.id);
                    j
                }),
        );
        mailboxes.push((user.id, outbox));
    }
    // Then the mailboxes whose turn has come, for at most a minute in all: the rest
    // wait for the next pass (a slow server never holds up another account's mail).
    let deadline = std::time::Instant::now() + MAIL_READ_BUDGET;
    for (id, ctx) in mailboxes {
        // A read is not begun with too little time left to log in.
        if deadline.saturating_duration_since(std::time::Instant::now()) < MAIL_READ_AT_LEAST {
            break;
        }
        done.extend(mail_turn(&ctx, deadline).map(|mut j| {
            j.account = Some(id);
            j
        }));
    }
    Ok(done)
}
