//! The daily digests and the outbox of every user of a PostgreSQL database
//! (`followup --db postgres://… worker`): any number of workers, on any machines, share
//! the job queue of [`followup_store::pg::jobs`] (read its documentation: claims, their
//! recovery, at most once).
//!
//! One pass ([`PgWorker::pass`]):
//!
//! 1. Accounts with no schedule yet (made by `admin create-user`) are put on it, due
//!    at today's digest moment ([`Pg::schedule_missing`]).
//! 2. Claims whose worker is gone are recovered: one stopped before the SMTP
//!    conversation is run again; one stopped during it is reported `unknown`, never
//!    sent again, and its user is put back on the schedule for the next day.
//! 3. Due digests are claimed, 100 at a time, until none is left: each is composed
//!    over the user's facts with their settings; nothing to say is recorded
//!    `nothing`; else it goes to the account's e-mail address through the server's
//!    mail account (`[mail]`, `FOLLOWUP_SMTP`, `FOLLOWUP_MAIL_ADDRESS`…), recorded
//!    `sending` just before the SMTP conversation of that message and `sent` after.
//!    A temporary refusal leaves the day open (tried again [`RETRY`] later), a
//!    permanent one records it `failed`. One SMTP session carries every message of a
//!    pass (opened again after an error); when it cannot be opened, the digests that
//!    had something to say wait for [`RETRY`] and the pass stops claiming.
//! 4. The outbox of every user ([`crate::pg_send`]): messages a dead worker left
//!    `sending` are reported `unknown`; then every message due is claimed, one at a
//!    time, and sent through the same account (from its address in the user's name,
//!    replies to the user's), or the user's own where the service set one up, 100 to
//!    an SMTP session, until none is left.
//! 5. The mailboxes: each account whose mail account names an IMAP server has its
//!    mailbox read into proposals (the Inbox), every [`MAIL_READ_EVERY`].
//!
//! Each account's digest comes at its own hour in its own zone, as its settings say
//! ([`crate::pg_settings`]: saved from the Settings page or `PUT /api/settings`); an
//! account that saved none has the server's zone (`tz`, else UTC) and digest hour
//! (`digest_hour`, else [`DEFAULT_DIGEST_HOUR`]). A day's digest is due at that hour of
//! that day; once dealt with, the account is due at the hour of the next day (none
//! when its settings turned the digest off). Saving the settings moves the account on
//! the schedule at once.
//!
//! Claims and their markings run on one connection of the worker's own (a claim is
//! held by that session); the users' facts are read through the pool. A connection
//! that fails is dropped (its claims are freed by the server and recovered by the next
//! pass of any worker) and made again at the next pass.
//!
//! # Unsubscribing
//!
//! PostgreSQL users have no secret files: the digest's `List-Unsubscribe` link is
//! `<url>/digest/unsubscribe/<user id>.<mac>`, where `mac` is the hex SHA-256 of
//! `<secret>:<user id>` and `secret` the server's secret named `digest`
//! (`server_secret`, made by the first process that asks) ([`unsubscribe_mac`]). The
//! server (`serve --db postgres://…`) asks at a GET of that link and, at a POST (the
//! one-click unsubscription of RFC 8058), takes the user off the schedule
//! (`next_due` NULL): no more digests until it is set again.

use std::path::PathBuf;
use std::time::Duration;

use followup_core::policy::Policy;
use followup_store::pg::{DigestClaim, Due, Pg, PgPool, Recipient};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::accounts::DEFAULT_DIGEST_HOUR;
use crate::ctx::{store_err, Ctx, PgUser};
use crate::error::{Error, Result};
use crate::jobs::Job;
use crate::mail::{Account, Session, StepReport};
use crate::settings::Settings;

/// How many digests one claim takes.
pub const BATCH: i64 = 100;

/// How long a digest refused for now (or whose SMTP session could not be opened)
/// waits before it is tried again.
pub const RETRY: SignedDuration = SignedDuration::from_mins(5);

/// The name of the server's secret the unsubscribe links are made from.
pub const SECRET: &str = "digest";

/// The mac of `user`'s unsubscribe link: the hex SHA-256 of `<secret>:<user>`.
pub fn unsubscribe_mac(secret: &str, user: i64) -> String {
    crate::accounts::hash_secret(&format!("{secret}:{user}"))
}

/// The user whose unsubscribe link ends in `given` (`USER.MAC`), if its mac is right
/// for the server's `secret` (compared in constant time).
pub fn unsubscribe_user(secret: &str, given: &str) -> Option<i64> {
    let (user, mac) = given.split_once('.')?;
    let user: i64 = user.parse().ok()?;
    crate::secret::matches(&unsubscribe_mac(secret, user), mac).then_some(user)
}

/// A name for this worker in the job queue's records: `HOST-PID`.
pub fn worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    format!("{host}-{}", std::process::id())
}

/// How often the workers read each account's mailbox ([`PgWorker::pass`]), and how
/// long one pass may spend on mailboxes: the same as on SQLite.
pub use crate::inbox::turn::{MAIL_READ_BUDGET, MAIL_READ_EVERY};

/// How many messages of the outbox a worker sends over one SMTP connection before it
/// reports them and takes the next batch.
const SEND_BATCH: usize = 100;

/// One worker of a PostgreSQL database's digests.
pub struct PgWorker {
    url: String,
    pool: PgPool,
    /// The connection claims are held by; made again after a failure.
    conn: Option<Pg>,
    id: String,
    settings: Settings,
    policy: Policy,
    zone: TimeZone,
    hour: u8,
    base: String,
    secret: Option<String>,
    /// The clock of the outbox's messages when fixed (`--now`), else the real one,
    /// read for each message (a message's moment is when the server took it).
    fixed_now: Option<Timestamp>,
    /// Why the `account_mail` directory could not be read, as last reported (said
    /// once, not at every pass).
    mail_dir_error: Option<String>,
}

impl std::fmt::Debug for PgWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgWorker")
            .field("url", &self.pool.url())
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl PgWorker {
    /// A worker named `id` of the database at `url` (whose `pool` reads the users'
    /// facts), with the server's settings.
    pub fn new(
        url: &str,
        pool: PgPool,
        settings: &Settings,
        policy: Policy,
        id: String,
    ) -> Result<PgWorker> {
        // The server's defaults always have an hour (the default one when unset).
        let mut settings = crate::pg_settings::server_defaults(settings);
        let (zone, hour) = crate::pg_settings::digest_at(&settings)?
            .unwrap_or((TimeZone::UTC, DEFAULT_DIGEST_HOUR));
        if settings.tz.as_deref().is_none_or(|t| t.trim().is_empty()) {
            settings.tz = Some("UTC".to_string());
        }
        let base = crate::digest::base_url(&Ctx::from_parts(
            settings.clone(),
            policy.clone(),
            Timestamp::UNIX_EPOCH,
            PathBuf::new(),
        ));
        Ok(PgWorker {
            url: url.to_string(),
            pool,
            conn: None,
            id,
            settings,
            policy,
            zone,
            hour,
            base,
            secret: None,
            fixed_now: None,
            mail_dir_error: None,
        })
    }

    /// The same worker with its clock fixed (`--now`), or the real one (`None`): the
    /// moments the outbox's messages are claimed and recorded sent.
    pub fn with_clock(mut self, fixed: Option<Timestamp>) -> PgWorker {
        self.fixed_now = fixed;
        self
    }

    /// The worker's name in the records.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The digest moment of `day` for an account that saved no settings: the server's
    /// digest hour of that day in the server's zone.
    pub fn moment(&self, day: Date) -> Result<Due> {
        crate::pg_settings::digest_moment(&self.zone, self.hour, day)
    }

    /// The settings, policy and digest moment of `who` (their saved settings, else the
    /// server's; nobody, an account deleted since: the server's).
    fn account(&self, who: Option<&Recipient>) -> Result<UserDigest> {
        let saved = who
            .and_then(|r| r.settings.as_ref())
            .map(|(c, p)| (c.as_str(), p.as_str()));
        let Some(saved) = saved else {
            return Ok(UserDigest {
                settings: self.settings.clone(),
                policy: self.policy.clone(),
                zone: self.zone.clone(),
                hour: Some(self.hour),
            });
        };
        let (settings, policy) =
            crate::pg_settings::account_settings(&self.settings, &self.policy, Some(saved))?;
        let (zone, hour) = match crate::pg_settings::digest_at(&settings)? {
            Some((zone, hour)) => (zone, Some(hour)),
            None => (TimeZone::UTC, None),
        };
        Ok(UserDigest {
            settings,
            policy,
            zone,
            hour,
        })
    }

    /// Waits at most `timeout` for a user to become due sooner (a notification), with
    /// polling as the fallback: run a pass after it either way.
    pub fn wait(&mut self, timeout: Duration) {
        let waited = self.conn().and_then(|c| {
            c.listen_jobs().map_err(store_err)?;
            c.wait_for_jobs(timeout).map_err(store_err)
        });
        if waited.is_err() {
            // Dropped: the next pass connects again. Wait out the interval all the same.
            self.conn = None;
            std::thread::sleep(timeout);
        }
    }

    fn conn(&mut self) -> Result<&mut Pg> {
        if self.conn.as_mut().is_some_and(|c| c.client().is_closed()) {
            self.conn = None;
        }
        let conn = match self.conn.take() {
            Some(c) => c,
            None => Pg::connect(&self.url).map_err(store_err)?,
        };
        Ok(self.conn.insert(conn))
    }

    /// Runs one pass at `now` (see the module's documentation), handing each job to
    /// `report` as soon as it is done (and recorded). On an error of the database the
    /// connection is dropped: its claims go back to the queue.
    pub fn pass(
        &mut self,
        now: Timestamp,
        report: &mut dyn FnMut(Job) -> Result<()>,
    ) -> Result<()> {
        let out = self.pass_on(now, report);
        if out.is_err() {
            self.conn = None;
        }
        out
    }

    fn pass_on(&mut self, now: Timestamp, report: &mut dyn FnMut(Job) -> Result<()>) -> Result<()> {
        let account = Account::of_server(&self.settings)?;
        let at = now.to_string();
        let today = self.moment(now.to_zoned(self.zone.clone()).date())?;
        let conn = self.conn()?;
        conn.schedule_missing(today).map_err(store_err)?;
        let recovered = conn.recover_digests(now).map_err(store_err)?;
        let users: Vec<i64> = recovered.unknown.iter().map(|c| c.user_id).collect();
        let gone = if users.is_empty() {
            Vec::new()
        } else {
            self.conn()?.recipients(&users).map_err(store_err)?
        };
        for claim in &recovered.unknown {
            let who = gone.iter().find(|r| r.user_id == claim.user_id);
            let next = self.account(who)?.next(claim.day)?;
            self.conn()?
                .set_next_due(claim.user_id, next)
                .map_err(store_err)?;
            report(Job {
                at: at.clone(),
                job: "digest",
                id: claim.day.to_string(),
                state: "unknown",
                detail: "a worker stopped while handing it over: maybe sent; it is not sent again"
                    .into(),
                account: Some(claim.user_id),
            })?;
        }
        if self.secret.is_none() {
            let fresh = crate::accounts::new_secret()?;
            let secret = self
                .conn()?
                .server_secret(SECRET, || fresh)
                .map_err(store_err)?;
            self.secret = Some(secret);
        }
        let mut smtp = Smtp {
            account,
            session: None,
            down: None,
        };
        loop {
            let id = self.id.clone();
            let claims = self
                .conn()?
                .claim_digests(now, &id, BATCH)
                .map_err(store_err)?;
            if claims.is_empty() {
                break;
            }
            let users: Vec<i64> = claims.iter().map(|c| c.user_id).collect();
            let recipients = self.conn()?.recipients(&users).map_err(store_err)?;
            for claim in &claims {
                let to = recipients.iter().find(|r| r.user_id == claim.user_id);
                let (state, detail) = self.run(claim, to, now, &mut smtp)?;
                report(Job {
                    at: at.clone(),
                    job: "digest",
                    id: claim.day.to_string(),
                    state,
                    detail,
                    account: Some(claim.user_id),
                })?;
            }
            if smtp.down.is_some() {
                break;
            }
        }
        if let Some(s) = smtp.session.take() {
            s.close();
        }
        self.sends(now, report)?;
        self.mailboxes(now, report)
    }

    /// The mailbox of every account whose mail account (a file of the service's
    /// `account_mail` directory) names an IMAP server, read into proposals as the
    /// Inbox page's "Sync now" reads it, at most once every [`MAIL_READ_EVERY`] by any
    /// worker (the turn is taken in the database, under a lock per account, so
    /// neither several workers nor `worker --once` from cron read one more often),
    /// and for at most [`MAIL_READ_BUDGET`] a pass, so digests and messages never wait
    /// long behind mailboxes (the others are read at the next passes). One line per
    /// mailbox read; what goes wrong with one is its line, and the others go on.
    fn mailboxes(
        &mut self,
        now: Timestamp,
        report: &mut dyn FnMut(Job) -> Result<()>,
    ) -> Result<()> {
        let Some(dir) = self.settings.account_mail.clone() else {
            return Ok(());
        };
        let at = now.to_string();
        let mut emails: Vec<String> = match std::fs::read_dir(&dir) {
            Ok(entries) => {
                self.mail_dir_error = None;
                entries
                    .filter_map(|e| e.ok())
                    .filter_map(|e| {
                        let name = e.file_name().to_str()?.to_string();
                        name.strip_suffix(".toml").map(str::to_string)
                    })
                    .filter(|n| n.contains('@') && !n.starts_with('.'))
                    .collect()
            }
            Err(e) => {
                let why = format!("cannot read the account_mail directory: {e}");
                if self.mail_dir_error.as_deref() == Some(why.as_str()) {
                    return Ok(());
                }
                self.mail_dir_error = Some(why.clone());
                return report(Job {
                    at,
                    job: "mail",
                    id: dir.display().to_string(),
                    state: "error",
                    detail: why,
                    account: None,
                });
            }
        };
        emails.sort();
        let started = std::time::Instant::now();
        for email in emails {
            if started.elapsed() >= MAIL_READ_BUDGET {
                break;
            }
            let user = {
                use followup_store::accounts::AccountStore;
                self.conn()?.user_by_email(&email).map_err(store_err)?
            };
            let Some(user) = user else {
                continue;
            };
            let mut mine = self.settings.clone();
            mine.account_email = Some(user.email.clone());
            mine.account_id = Some(user.id);
            let own = match crate::pg_settings::own_mail(&mine) {
                Ok(Some(m)) => Ok(m),
                Ok(None) => continue,
                Err(e) => Err(e),
            };
            if own
                .as_ref()
                .is_ok_and(|m| m.imap.as_deref().is_none_or(|i| i.trim().is_empty()))
            {
                continue;
            }
            // Another worker reading it now, or its turn not come.
            if !self.conn()?.begin_mail_sync(user.id).map_err(store_err)? {
                continue;
            }
            let turn = self
                .conn()?
                .mail_read_turn(user.id, now, MAIL_READ_EVERY)
                .map_err(store_err);
            let read = match (turn, own) {
                (Ok(false), _) => None,
                (Err(e), _) => Some(Err(e)),
                (Ok(true), Err(e)) => Some(Err(e)),
                (Ok(true), Ok(_)) => Some(
                    user_ctx(&self.pool, &mine, &self.policy, user.id, now)
                        .and_then(|ctx| crate::inbox::sync(&ctx, None)),
                ),
            };
            self.conn()?.end_mail_sync(user.id).map_err(store_err)?;
            let Some(read) = read else {
                continue;
            };
            let (state, detail) = match read {
                Ok(got) => ("read", got.counted()),
                Err(e) => ("error", e.to_string()),
            };
            report(Job {
                at: at.clone(),
                job: "mail",
                id: user.email.clone(),
                state,
                detail,
                account: Some(user.id),
            })?;
        }
        Ok(())
    }

    /// The outbox of every user: messages left `sending` by a worker that is gone
    /// recorded `unknown`, then every message due at `now` sent through the server's
    /// account, one line each.
    fn sends(&mut self, now: Timestamp, report: &mut dyn FnMut(Job) -> Result<()>) -> Result<()> {
        let at = now.to_string();
        let why = crate::pg_send::UNKNOWN_WHY_HOSTED;
        let recovered = crate::pg_send::recover(self.conn()?, now)?;
        for job in crate::jobs::outbox_jobs(&recovered, &at, why) {
            report(job)?;
        }
        let account = Account::of_server(&self.settings)?;
        // Apart from `self`, whose connection holds the claims.
        let (pool, settings, policy) = (
            self.pool.clone(),
            self.settings.clone(),
            self.policy.clone(),
        );
        let mut ctx_of = |user: i64| user_ctx(&pool, &settings, &policy, user, now);
        // The account a user's messages leave through: theirs if the service set one up
        // (read from its file, with their address and id), else the service's. Their
        // saved settings play no part, so settings that no longer read never stop it.
        let mut account_of = |user: i64| -> Result<Account> {
            let mut mine = settings.clone();
            if settings.account_mail.is_some() {
                mine.account_email = pool
                    .get_pg()
                    .map_err(store_err)?
                    .recipients(&[user])
                    .map_err(store_err)?
                    .into_iter()
                    .next()
                    .map(|r| r.email);
                mine.account_id = Some(user);
            }
            // The profile is read only for an account of their own (its From name).
            Account::hosted(&mine, || {
                use followup_store::Facts;
                let mut conn = pool.get_pg().map_err(store_err)?;
                conn.user_store(user).profile().map_err(store_err)
            })
        };
        let fixed = self.fixed_now;
        let clock = move || fixed.unwrap_or_else(Timestamp::now);
        loop {
            let sent = crate::pg_send::send_due(
                self.conn()?,
                &account,
                &mut account_of,
                &clock,
                None,
                SEND_BATCH,
                &mut ctx_of,
            )?;
            let done = sent.owners.len();
            for job in crate::jobs::outbox_jobs(&sent, &at, why) {
                report(job)?;
            }
            // Fewer than a batch: nothing more is due (a message tried and refused
            // waits for its next try, later). A server out of reach: the next pass
            // tries again, rather than this one connecting again for every batch.
            if done < SEND_BATCH || sent.unreachable {
                return Ok(());
            }
        }
    }

    /// One claim, composed, sent and marked; its state and detail for the report. An
    /// `Err` is the database's: the claim stays with this connection, which is dropped.
    fn run(
        &mut self,
        claim: &DigestClaim,
        to: Option<&Recipient>,
        now: Timestamp,
        smtp: &mut Smtp,
    ) -> Result<(&'static str, String)> {
        // Each marking is dated when it happens (the pass's `now` when the clock is
        // fixed); the digest says what is due at `now`.
        let fixed = self.fixed_now;
        let stamp = move || fixed.unwrap_or_else(Timestamp::now);
        let retry_at = now.checked_add(RETRY).unwrap_or(now);
        let account = match self.account(to) {
            Ok(a) => a,
            Err(e) => {
                let why = format!("the account's settings: {e}");
                self.conn()?
                    .mark_waiting(claim, stamp(), &why, retry_at)
                    .map_err(store_err)?;
                return Ok(("retrying", format!("next attempt {retry_at}: {why}")));
            }
        };
        if account.hour.is_none() {
            self.conn()?
                .mark_nothing(claim, stamp(), None)
                .map_err(store_err)?;
            return Ok((
                "nothing",
                "the digest is off in the account's settings: no mail".into(),
            ));
        }
        let next = account.next(claim.day)?;
        let to = to.map(|r| r.email.as_str());
        let ctx =
            Ctx::from_parts(account.settings, account.policy, now, PathBuf::new()).on_pg(PgUser {
                pool: self.pool.clone(),
                user: claim.user_id,
            });
        let composed = crate::digest::compose(&ctx, &self.base);
        let base = self.base.clone();
        let secret = self.secret.clone().unwrap_or_default();
        let conn = self.conn()?;
        let digest = match composed {
            Ok(Some(d)) => d,
            Ok(None) => {
                conn.mark_nothing(claim, stamp(), next).map_err(store_err)?;
                return Ok((
                    "nothing",
                    "nothing overdue, due today or opening tomorrow: no mail".into(),
                ));
            }
            Err(e) => {
                let why = format!("cannot compose it: {e}");
                conn.mark_waiting(claim, stamp(), &why, retry_at)
                    .map_err(store_err)?;
                return Ok(("retrying", format!("next attempt {retry_at}: {why}")));
            }
        };
        let Some(to) = to else {
            let why = "the account is gone".to_string();
            conn.mark_failed(claim, stamp(), &why, next)
                .map_err(store_err)?;
            return Ok(("failed", why));
        };
        let link = format!(
            "{}.{}",
            claim.user_id,
            unsubscribe_mac(&secret, claim.user_id)
        );
        let message_id = format!(
            "followup.digest.{}.{}.{}@{}",
            claim.day,
            claim.user_id,
            now.as_nanosecond(),
            smtp.account
                .address
                .rsplit('@')
                .next()
                .unwrap_or("localhost")
        );
        let bytes = match crate::digest::message(
            &smtp.account,
            to,
            &digest,
            &message_id,
            &base,
            &link,
            now,
        ) {
            Ok(b) => b,
            Err(e) => {
                let why = e.to_string();
                conn.mark_failed(claim, stamp(), &why, next)
                    .map_err(store_err)?;
                return Ok(("failed", why));
            }
        };
        let session = match smtp.open() {
            Ok(s) => s,
            Err(why) => {
                conn.mark_waiting(claim, stamp(), &why, retry_at)
                    .map_err(store_err)?;
                return Ok(("retrying", format!("next attempt {retry_at}: {why}")));
            }
        };
        conn.mark_sending(claim, stamp(), &format!("<{message_id}>"))
            .map_err(store_err)?;
        let sent = session.send(to, bytes.as_bytes());
        let broken = sent.is_err() || !session.usable();
        if broken {
            if let Some(s) = smtp.session.take() {
                s.close();
            }
        }
        match sent {
            Ok(reply) => {
                conn.mark_sent(claim, stamp(), &format!("<{message_id}> {reply}"), next)
                    .map_err(store_err)?;
                Ok(("sent", format!("to {to}: <{message_id}> ({reply})")))
            }
            Err(f) if f.temporary => {
                conn.mark_waiting(claim, stamp(), &f.text, retry_at)
                    .map_err(store_err)?;
                Ok(("retrying", format!("next attempt {retry_at}: {}", f.text)))
            }
            Err(f) => {
                conn.mark_failed(claim, stamp(), &f.text, next)
                    .map_err(store_err)?;
                Ok(("failed", f.text))
            }
        }
    }
}

/// `user`'s context: their saved settings and policy over `base` (the server's, naming
/// the account if it does), their facts through `pool`.
fn user_ctx(
    pool: &PgPool,
    base: &Settings,
    policy: &Policy,
    user: i64,
    now: Timestamp,
) -> Result<Ctx> {
    let saved = pool
        .get_pg()
        .map_err(store_err)?
        .recipients(&[user])
        .map_err(store_err)?
        .into_iter()
        .find_map(|r| r.settings);
    // Naming the account as `base` does (`from_texts` keeps it).
    let (s, p) = crate::pg_settings::account_settings(
        base,
        policy,
        saved.as_ref().map(|(c, p)| (c.as_str(), p.as_str())),
    )?;
    Ok(Ctx::from_parts(s, p, now, PathBuf::new()).on_pg(PgUser {
        pool: pool.clone(),
        user,
    }))
}

/// One account's digest settings.
struct UserDigest {
    settings: Settings,
    policy: Policy,
    zone: TimeZone,
    /// `None`: the account turned the digest off.
    hour: Option<u8>,
}

impl UserDigest {
    /// The due moment of the day after `day`'s digest (`None`: the digest is off).
    fn next(&self, day: Date) -> Result<Option<Due>> {
        let Some(hour) = self.hour else {
            return Ok(None);
        };
        let next = day
            .tomorrow()
            .map_err(|e| Error::input(format!("the day after {day}: {e}")))?;
        crate::pg_settings::digest_moment(&self.zone, hour, next).map(Some)
    }
}

/// The SMTP session of a pass: opened on the first message, again after an error;
/// `down` once it could not be opened (the pass then stops claiming).
struct Smtp {
    account: Account,
    session: Option<Session>,
    down: Option<String>,
}

impl Smtp {
    fn open(&mut self) -> std::result::Result<&mut Session, String> {
        if let Some(why) = &self.down {
            return Err(why.clone());
        }
        if self.session.as_ref().is_some_and(|s| !s.usable()) {
            self.session = None;
        }
        let session = match self.session.take() {
            Some(s) => s,
            None => match Session::open(&self.account, &mut |_: StepReport| {}) {
                Ok(s) => s,
                Err(f) => {
                    let why = format!("the mail server {}: {}", self.account.server(), f.text);
                    self.down = Some(why.clone());
                    return Err(why);
                }
            },
        };
        Ok(self.session.insert(session))
    }
}
