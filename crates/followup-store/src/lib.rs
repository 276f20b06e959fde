//! SQLite storage for `followup`: applications, their interviews, contacts, touchpoints
//! and notes, and the sender's profile.
//!
//! The store keeps facts. The plan (what to send, when) is derived from them by
//! `followup-core`, never stored as truth; the agenda cache keeps what planning last
//! derived per application, with what it was derived from, so it is used only while
//! nothing it came from has changed ([`Store::agenda_cached`]). The store never reads
//! the clock: every time it records is passed in. It takes a path; choosing the
//! default file (the XDG data directory) is the front end's job.
//!
//! ```
//! use followup_store::{NewApplication, NewInterview, NewTouchpoint, Store, TouchpointKind};
//! use followup_store::model::{ContactRole, Interviewer, NewContact};
//!
//! let mut store = Store::open_in_memory()?;
//! let at: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
//! let mut app = NewApplication::new("Acme", "Backend Developer", at);
//! let mut round = NewInterview::new(at, "America/New_York", 60);
//! round.interviewers.push(Interviewer::New(NewContact::new("Jane Doe", ContactRole::Interviewer)));
//! app.interviews.push(round);
//! let id = store.add_application(&app)?;
//!
//! let jane = store.application(id)?.contacts[0].id;
//! let mut thanks = NewTouchpoint::new(TouchpointKind::ThankYou, "2026-12-01T20:00:00Z".parse().unwrap());
//! thanks.contact_id = Some(jane);
//! store.add_touchpoint(id, &thanks)?;
//!
//! let all = store.applications(false)?;
//! assert_eq!(all[0].interviews[0].interviewer_ids, vec![jane]);
//! assert_eq!(all[0].touchpoints.len(), 1);
//! # Ok::<(), followup_store::StoreError>(())
//! ```
//!
//! # Schema (version 10: `migrations/0001_initial.sql`, `0002_holidays.sql`,
//! `0003_agenda_cache.sql`, `0004_invite_sequence.sql`, `0005_plan_gen_table.sql`,
//! `0006_holiday_base.sql`, `0007_agenda_snapshot.sql`, `0008_idempotency.sql`, `0009_outbox.sql`, `0010_mail_inbox.sql`)
//!
//! | table | holds |
//! |---|---|
//! | `application` | company, role, source, link, company type, seniority, region, status, created/closed times, urgency flags, recipients' zone |
//! | `interview` | one round: start, zone, duration, round, decision phrase and date, location, calendar uid (unique), cancelled, title |
//! | `contact` | a person: name, e-mail, phone, role (interviewer, recruiter, hiring manager), zone |
//! | `interview_contact` | who sat in which interview |
//! | `touchpoint` | thank-you, follow-ups, calls, letters, replies, the outcome: when, to whom, channel, note |
//! | `note` | topics, strengths, gaps, questions, per application or per interview |
//! | `profile` | the sender (one row) |
//! | `holiday_calendar` | a custom holiday calendar: its name (unique, any case); the region it adds to, or that it replaces the region's holidays (`0006_holiday_base.sql`) |
//! | `holiday` | a date of a custom calendar and its name |
//! | `agenda_cache` | per application: the `plan_gen` and fingerprint its cached steps were derived from |
//! | `agenda_step` | a cached step: kind, recipient, channel, window, zone, rules |
//! | `agenda_why` | a cached step's reasons (read only when shown) |
//! | `agenda_snapshot` | every current cached step in one blob, their reasons in another, with the fingerprint (two rows) |
//! | `agenda_changed` | the applications changed since the snapshot (read from the cache tables instead) |
//! | `holiday_gen` | how many times custom holiday calendars changed (one row) |
//! | `plan_gen` | per application: how many times anything planning reads of it changed |
//! | `mail_folder` | per IMAP folder read by `followup mail sync`: UIDVALIDITY and the highest UID read |
//! | `mail_proposal` | a matched message's proposal: its headers, the evidence sentence, kind, status (pending, applied, dismissed) |
//! | `mail_bad_address` | addresses a delivery failure was accepted for |
//! | `invite_sequence` | per imported interview: the `SEQUENCE` of the invitation it was last imported from |
//! | `app_user`, `user_session`, `api_token`, `one_time_link`, `sign_in_failure` | accounts of `followup serve --multi-user` ([`accounts`]; `0012_accounts.sql`) |
//! | `idempotency` | the first answer to a request that carried an idempotency key, with the request it answered (kept a day; not in backups) |
//!
//! `plan_gen.gen` counts changes to everything planning reads of an
//! application; triggers raise it on every write to it, its interviews, contacts,
//! interviewers and touchpoints (a [`Store::batch`] raises it once per application
//! it changed instead, with its connection's triggers off).
//!
//! Instants are stored as integer nanoseconds since the Unix epoch (UTC): exact, and
//! sorted as numbers. Enumerations are stored as their kebab-case words, dates as
//! `YYYY-MM-DD`. Every child row carries its application id; references between
//! children use composite foreign keys `(application_id, id)`, so a touchpoint cannot
//! name a contact of another application. Deleting an application deletes everything
//! attached to it. Tables are `STRICT`; ids are `AUTOINCREMENT`, never reused.
//!
//! The file is marked with `PRAGMA application_id` = [`APPLICATION_ID`] and its schema
//! version is `PRAGMA user_version`. Migrations are SQL files compiled into the binary
//! and run on open, in order, each in its own transaction. A database newer than this
//! build is refused; before an older database that holds data is migrated, a copy is
//! written to `<file>.bak-v<old version>`. See [`Store::open`] for the files refused.
//!
//! # Concurrency and crash safety
//!
//! - The database runs in WAL mode: readers do not wait for the writer and see a
//!   consistent snapshot (each multi-query read runs in one read transaction).
//! - Every write method is one transaction started with `BEGIN IMMEDIATE`: it takes the
//!   write lock first, so concurrent writers (twenty `followup add` at once) queue for up
//!   to [`BUSY_TIMEOUT`] instead of failing, and a write is applied whole or not at all.
//! - `synchronous = FULL`: a method that returned `Ok` has its change on disk. A killed
//!   process, a crash or a power cut loses nothing committed and never leaves half an
//!   application.
//! - Opening inspects an existing file read-only before touching it; files that are not
//!   followup databases are left byte-for-byte unchanged.
//! - [`Store::restore`] replaces everything in one transaction.
//! - [`Store::batch`] runs several writes (an import) in one transaction.
//!
//! A [`Store`] is one connection: `Send`, not `Sync`. Use one per thread or process.
//!
//! # Validation
//!
//! Each write method checks its input before opening a transaction (see [`validate`]):
//! bad input returns [`StoreError::Invalid`] and writes nothing. The checks are public
//! so a front end can run them before opening the database.
//!
//! # PostgreSQL
//!
//! [`pg`] holds the beginning of the hosted service: a PostgreSQL schema with accounts
//! and every fact table, each row a user's under row-level security, the accounts API,
//! and one user's facts ([`pg::UserStore`]). The core operations on facts are the
//! [`Facts`] trait, implemented by [`Store`] and by [`pg::UserStore`], and tested once
//! for both (`tests/backends.rs`); the rest of the store reads and writes SQLite only,
//! for now.
//!
//! # Sample data
//!
//! [`demo::populate`] fills a store with realistic, reproducible data, for benchmarks
//! (`cargo bench -p followup-store`) and for trying the tool on a large database.

pub mod accounts;
mod agenda;
mod agenda_cache;
mod agenda_snapshot;
mod batch;
pub mod demo;
mod error;
mod facts;
mod holidays;
mod idempotency;
mod load;
mod mail;
pub mod model;
mod open;
mod outbox;
pub mod pg;
mod rows;
mod skip;
mod sql;
mod text;
pub mod validate;
mod write;

pub use agenda::{
    AgendaPerson, AgendaRow, AgendaSkip, AgendaTouchpoint, EarlierRound, LatestRound,
};
pub use agenda_cache::{AgendaCache, AgendaHead, CacheEntry, CachedStep};
pub use batch::Batch;
pub use error::{Result, StoreError};
pub use facts::{Facts, InviteWrites};
pub use holidays::{HolidayCalendar, HolidayLayer};
pub use idempotency::Remembered;
pub use mail::{MailProposal, NewMailProposal, ProposalStatus};
pub use model::ContactPatch;
pub use model::HolidayCalendarDays;
pub use model::{
    Application, ApplicationFull, ApplicationPatch, Backup, Contact, ContactRole, Interview,
    InterviewPatch, Interviewer, NewApplication, NewContact, NewInterview, NewNote, NewSkip,
    NewTouchpoint, Note, NoteKind, Outcome, Profile, SkippedStep, Touchpoint, TouchpointKind,
    BACKUP_FORMAT,
};
pub use model::{InviteSequence, PlanGen, BACKUP_FORMAT_OLDEST};
pub use open::{APPLICATION_ID, BUSY_TIMEOUT, SCHEMA_VERSION};
pub use outbox::{touchpoint_kind, NewOutboxMessage, OutboxMessage, OutboxState};
pub use text::SharedText;

/// The database: one SQLite connection.
pub struct Store {
    conn: rusqlite::Connection,
    path: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Whether this connection may serve another caller as it is: no transaction left
    /// open, triggers on (a pool of connections, such as the web server's, keeps only
    /// these).
    pub fn reusable(&self) -> bool {
        self.conn.is_autocommit()
            && self
                .conn
                .db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)
                .unwrap_or(false)
    }
}
