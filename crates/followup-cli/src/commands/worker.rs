//! `followup worker`: runs the jobs that go on their own (the outbox's due messages,
//! the daily digest, and every 15 minutes a read of the mailbox) every minute, one
//! line per job done (`--json`: one object a line). The settings are read again each minute, so a digest hour changed in the
//! web app or `config.toml` counts at once.

use std::io::Write;

use followup_app::jobs;
use jiff::Timestamp;

use crate::commands::track::Ctx;
use crate::error::{Error, Result};

/// Runs until the process ends; after one pass with `once`. With the clock fixed
/// (`--now`), runs what is due at that moment, then waits.
pub fn run(
    make_ctx: &dyn Fn() -> Result<Ctx>,
    fixed_now: bool,
    json: bool,
    once: bool,
) -> Result<()> {
    run_passes(
        &|first| {
            let ctx = make_ctx()?;
            if first {
                // The database must be there before the first job (a path that does
                // not exist is an error, not a new database).
                ctx.store()?;
            }
            let at = ctx.now;
            let clock = move || if fixed_now { at } else { Timestamp::now() };
            Ok(jobs::tick(&ctx, &clock))
        },
        fixed_now,
        json,
        once,
    )
}

/// `followup worker --multi-user`: every account's jobs of an office, each minute (or
/// once); the same lines, each with its account.
pub fn run_office(
    office: &followup_app::accounts::Office,
    base: &dyn Fn() -> Result<(crate::settings::Settings, Timestamp)>,
    fixed_now: bool,
    json: bool,
    once: bool,
) -> Result<()> {
    run_passes(
        &|_| {
            let (settings, at) = base()?;
            let clock = move || if fixed_now { at } else { Timestamp::now() };
            jobs::office_tick(office, &settings, at, &clock)
        },
        fixed_now,
        json,
        once,
    )
}

/// `followup --db postgres://… worker`: the daily digests, the outbox's due messages and
/// the mailboxes of every user of the database ([`followup_app::pg_jobs`],
/// [`followup_app::pg_send`]), alongside any number of other workers. After
/// each pass it waits for a user to become due sooner (LISTEN/NOTIFY) or a minute at
/// most; with the clock fixed (`--now`), every pass runs at that moment. One line per
/// job, each with its account.
pub fn run_pg(
    url: &str,
    (settings, policy): (crate::settings::Settings, followup_core::policy::Policy),
    fixed_now: Option<Timestamp>,
    json: bool,
    once: bool,
) -> Result<()> {
    use followup_app::pg_jobs::{worker_id, PgWorker};
    let pool = followup_store::pg::pool(url, 2)?;
    let mut worker =
        PgWorker::new(url, pool, &settings, policy, worker_id())?.with_clock(fixed_now);
    let mut first = true;
    loop {
        let now = fixed_now.unwrap_or_else(Timestamp::now);
        match worker.pass(now, &mut |job| print_jobs(&[job], json)) {
            Ok(()) => {}
            Err(e) if first => return Err(e),
            Err(e) => eprintln!("worker: {e}"),
        }
        if once {
            return Ok(());
        }
        if first && fixed_now.is_some() {
            eprintln!(
                "worker {}: the clock is fixed (--now): everything due then is done; each later pass runs at that moment",
                worker.id()
            );
        }
        first = false;
        worker.wait(PG_WAIT);
    }
}

/// How long a PostgreSQL worker waits for a notification before its next pass.
const PG_WAIT: std::time::Duration = std::time::Duration::from_secs(60);

/// Prints the jobs done, one line each (`json`: one object a line).
fn print_jobs(done: &[jobs::Job], json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for job in done {
        let line = if json {
            serde_json::to_string(job).map_err(|e| Error::Store(e.to_string()))?
        } else {
            job.to_string()
        };
        writeln!(out, "{line}").map_err(Error::Output)?;
    }
    out.flush().map_err(Error::Output)
}

/// Runs `pass` (told whether it is the first) each minute, printing the jobs it did;
/// once with `once`; with the clock fixed, once and then waits. A worker that cannot
/// start says so; one already running reports the failure and keeps going.
fn run_passes(
    pass: &dyn Fn(bool) -> Result<Vec<jobs::Job>>,
    fixed_now: bool,
    json: bool,
    once: bool,
) -> Result<()> {
    let mut first = true;
    loop {
        let done = match pass(first) {
            Ok(d) => d,
            Err(e) if first => return Err(e),
            Err(e) => {
                eprintln!("worker: {e}");
                sleep_to_next_minute();
                continue;
            }
        };
        first = false;
        print_jobs(&done, json)?;
        if once {
            return Ok(());
        }
        if fixed_now {
            eprintln!("worker: the clock is fixed (--now): everything due then is done; waiting");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
        sleep_to_next_minute();
    }
}

/// `followup digest`: today's digest as it would be mailed, never sent.
pub fn preview(ctx: &Ctx, json: bool) -> Result<()> {
    let base = followup_app::digest::base_url(ctx);
    let digest = followup_app::digest::compose(ctx, &base)?;
    crate::output::with_stdout(|out| {
        match (&digest, json) {
        (Some(d), true) => writeln!(
            out,
            "{}",
            serde_json::json!({
                "day": d.day.to_string(),
                "subject": d.subject,
                "body": d.body,
                "overdue": d.overdue,
                "due_today": d.today,
                "opening_tomorrow": d.tomorrow,
                "inbox": d.inbox,
            })
        ),
        (None, true) => writeln!(out, "null"),
        (Some(d), false) => write!(out, "Subject: {}\n\n{}", d.subject, d.body),
        (None, false) => writeln!(
            out,
            "Nothing overdue, due today or opening tomorrow, and nothing from your mailbox to review: no digest today."
        ),
    }
    })
}

/// Sleeps until the next whole minute (at least one second).
fn sleep_to_next_minute() {
    let now = Timestamp::now();
    let into = now.as_millisecond().rem_euclid(60_000);
    let wait = (60_000 - into).max(1_000);
    std::thread::sleep(std::time::Duration::from_millis(wait as u64));
}
