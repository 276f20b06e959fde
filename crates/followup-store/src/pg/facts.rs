//! One user's facts on PostgreSQL: [`UserStore`], the [`Facts`] of the user it was made
//! for.
//!
//! Every statement names the user (`WHERE user_id = $1`, and `user_id` in every row
//! written), and runs inside [`Pg::user_transaction`]'s kind of transaction, so
//! row-level security is a second wall behind that filter. Ids are the database's
//! (`bigserial`, shared by all users): an id of another user's record is
//! [`StoreError::NotFound`], exactly as an id that was never given.
//!
//! Each method checks its input with the same functions as [`Store`](crate::Store)
//! before it opens a transaction, and each write is one transaction. Reads of several
//! queries run in one `REPEATABLE READ` transaction, so they see one snapshot. The
//! applications with everything attached ([`Facts::applications`],
//! [`Facts::application`]: what every agenda, page and digest plans from) are read in
//! one round trip: the transaction and its seven queries sent as one message of the
//! simple query protocol, whose answer gives every value as text.
//!
//! ```no_run
//! use followup_store::pg::Pg;
//! use followup_store::{Facts, NewApplication};
//!
//! let now: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
//! let mut pg = Pg::open("postgres://followup@db.example/followup")?;
//! let sam = pg.user("sam@example.com")?.id;
//! let mut facts = pg.user_store(sam);
//! let id = facts.add_application(&NewApplication::new("Acme", "Backend Developer", now))?;
//! assert_eq!(facts.application(id)?.application.company, "Acme");
//! # Ok::<(), followup_store::StoreError>(())
//! ```
//!
//! # Backups
//!
//! [`Facts::export`] writes the same [`Backup`] as SQLite for what PostgreSQL holds so
//! far: the profile, the applications with everything attached (skipped steps
//! included), custom holiday calendars, the `SEQUENCE` of imported invitations and
//! each application's change count. `last_ids` stays empty: ids come from sequences shared by every user, which
//! never go back, so no per-user id is ever given again. [`Facts::restore`] replaces
//! the user's facts only (no other user's row is read or written), keeps the backup's
//! ids (refused, writing nothing, when another user's record holds one) and moves each
//! sequence past the ids restored and the backup's `last_ids`. The outbox comes and
//! goes with the rest; a message the backup holds as `sending` is marked `unknown` by
//! the next worker's recovery, never sent again by itself.
//!
//! Keeping ids suits a user's own backup taken from this database, or a new database.
//! A backup written elsewhere (a local SQLite file, ids from 1) mostly collides with
//! other users' ids in a shared database, and its ids move sequences every user
//! shares; giving such a backup new ids is still to come.

use std::collections::HashMap;
use std::ops::DerefMut;

use jiff::Timestamp;
use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, IsolationLevel, Row, SimpleQueryMessage, SimpleQueryRow, Transaction};

use super::{as_user, as_user_sql, pg_err, Pg};
use crate::holidays::HolidayLayer;
use crate::mail::{MailProposal, NewMailProposal, ProposalStatus};
use crate::model::{
    Application, ApplicationFull, ApplicationPatch, Backup, Contact, ContactPatch,
    HolidayCalendarDays, Interview, InterviewPatch, Interviewer, InviteSequence, NewApplication,
    NewContact, NewInterview, NewNote, NewSkip, NewTouchpoint, PlanGen, Profile, SkippedStep,
    Status, TouchpointKind, BACKUP_FORMAT, BACKUP_FORMAT_OLDEST,
};
use crate::outbox::{NewOutboxMessage, OutboxMessage};
use crate::sql::{date, opt_ts, parse_word, ts, ts_from, word, Columns};
use crate::{Facts, InviteWrites, Result, StoreError};

/// One user's facts in a PostgreSQL database: a connection and the user's id
/// ([`Pg::user_store`]).
///
/// `P` is how the connection is held: borrowed (`&mut Pg`, from [`Pg::user_store`]) or
/// taken from a pool ([`PgPool`](super::PgPool), [`UserStore::new`]).
pub struct UserStore<P: DerefMut<Target = Pg>> {
    pg: P,
    user: i64,
}

impl<P: DerefMut<Target = Pg>> std::fmt::Debug for UserStore<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserStore")
            .field("url", &self.pg.url)
            .field("user", &self.user)
            .finish()
    }
}

impl Pg {
    /// The facts of the user with this id (an account's [`User::id`](super::User)).
    /// Nothing is checked until the first call: writes for a user that does not exist
    /// are refused by the database.
    pub fn user_store(&mut self, user: i64) -> UserStore<&mut Pg> {
        UserStore { pg: self, user }
    }
}

pub(super) type Tx<'t> = Transaction<'t>;

const APPLICATION: &str = "SELECT id, company, role, source, link, company_type, seniority, \
    region, status, created_at, closed_at, urgent, late_in_process, recipient_tz \
    FROM application WHERE user_id = $1";
const INTERVIEW: &str = "SELECT id, application_id, start, tz, duration_minutes, round, \
    decision_phrase, decision_date, location, uid, cancelled, title FROM interview \
    WHERE user_id = $1";
const CONTACT: &str =
    "SELECT id, application_id, name, email, phone, role, tz FROM contact WHERE user_id = $1";
const INTERVIEWER: &str = "SELECT application_id, interview_id, contact_id \
    FROM interview_contact WHERE user_id = $1";
const TOUCHPOINT: &str = "SELECT id, application_id, kind, at, contact_id, channel, note, \
    outcome, decision_phrase, decision_date FROM touchpoint WHERE user_id = $1";
const NOTE: &str =
    "SELECT id, application_id, interview_id, kind, text FROM note WHERE user_id = $1";
const SKIPPED: &str = "SELECT id, application_id, kind, contact_id, interview_id, at, note \
    FROM skipped_step WHERE user_id = $1";

impl<P: DerefMut<Target = Pg>> UserStore<P> {
    /// The facts of user `user` over the connection `pg` (one from a pool, say).
    pub fn new(pg: P, user: i64) -> UserStore<P> {
        UserStore { pg, user }
    }

    /// The user whose facts these are.
    pub fn user(&self) -> i64 {
        self.user
    }

    /// Runs `f` in one transaction as the user; commits when it returns `Ok`.
    fn write<T>(&mut self, f: impl FnOnce(&mut Tx<'_>, i64) -> Result<T>) -> Result<T> {
        let user = self.user;
        let mut tx = self.pg.user_transaction(user)?;
        let out = f(&mut tx, user)?;
        tx.commit().map_err(pg_err)?;
        Ok(out)
    }

    /// Runs `f` in one read-only `REPEATABLE READ` transaction as the user: one
    /// snapshot for all its queries.
    fn read<T>(&mut self, f: impl FnOnce(&mut Tx<'_>, i64) -> Result<T>) -> Result<T> {
        let user = self.user;
        let mut tx = self
            .pg
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(pg_err)?;
        as_user(&mut tx, user)?;
        let out = f(&mut tx, user)?;
        tx.commit().map_err(pg_err)?;
        Ok(out)
    }
}

impl<P: DerefMut<Target = Pg>> Facts for UserStore<P> {
    fn add_application(&mut self, new: &NewApplication) -> Result<i64> {
        new.validate()?;
        self.write(|tx, user| insert_application(tx, user, new))
    }

    fn application(&mut self, id: i64) -> Result<ApplicationFull> {
        let mut all = load_at_once(&mut self.pg.client, self.user, Scope::One(id))?;
        all.pop().ok_or(StoreError::NotFound {
            what: "application",
            id,
        })
    }

    fn applications(&mut self, include_closed: bool) -> Result<Vec<ApplicationFull>> {
        let scope = if include_closed {
            Scope::All
        } else {
            Scope::Open
        };
        load_at_once(&mut self.pg.client, self.user, scope)
    }

    fn application_counts(&mut self) -> Result<(usize, usize)> {
        self.read(|tx, user| {
            let row = tx
                .query_one(
                    "SELECT count(*) FILTER (WHERE closed_at IS NULL),
                            count(*) FILTER (WHERE closed_at IS NOT NULL)
                     FROM application WHERE user_id = $1",
                    &[&user],
                )
                .map_err(pg_err)?;
            let (open, closed): (i64, i64) = (row.get(0), row.get(1));
            Ok((
                usize::try_from(open).unwrap_or(0),
                usize::try_from(closed).unwrap_or(0),
            ))
        })
    }

    fn add_interview(&mut self, application_id: i64, new: &NewInterview) -> Result<i64> {
        new.validate()?;
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            insert_interview(tx, user, application_id, new, &[])
        })
    }

    fn add_contact(&mut self, application_id: i64, new: &NewContact) -> Result<i64> {
        new.validate()?;
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            insert_contact(tx, user, application_id, new)
        })
    }

    fn add_touchpoint(&mut self, application_id: i64, new: &NewTouchpoint) -> Result<i64> {
        new.validate()?;
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            if let Some(contact) = new.contact_id {
                require_child(tx, user, "contact", application_id, contact)?;
            }
            let id = insert_touchpoint(tx, user, application_id, new)?;
            if let (TouchpointKind::Outcome, Some(outcome)) = (new.kind, new.outcome) {
                update_status(tx, user, application_id, outcome.into(), new.at)?;
            }
            if new.kind == TouchpointKind::Reopened {
                update_status(tx, user, application_id, Status::Active, new.at)?;
            }
            Ok(id)
        })
    }

    fn add_note(
        &mut self,
        application_id: i64,
        interview_id: Option<i64>,
        new: &NewNote,
    ) -> Result<i64> {
        new.validate()?;
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            if let Some(iv) = interview_id {
                require_child(tx, user, "interview", application_id, iv)?;
            }
            insert_note(tx, user, application_id, interview_id, new)
        })
    }

    fn add_notes(
        &mut self,
        application_id: i64,
        interview_id: Option<i64>,
        notes: &[NewNote],
    ) -> Result<Vec<i64>> {
        for n in notes {
            n.validate()?;
        }
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            if let Some(iv) = interview_id {
                require_child(tx, user, "interview", application_id, iv)?;
            }
            notes
                .iter()
                .map(|n| insert_note(tx, user, application_id, interview_id, n))
                .collect()
        })
    }

    fn set_status(&mut self, application_id: i64, status: Status, at: Timestamp) -> Result<()> {
        ts("at", at)?;
        self.write(|tx, user| update_status(tx, user, application_id, status, at))
    }

    fn update_application(&mut self, application_id: i64, patch: &ApplicationPatch) -> Result<()> {
        self.write(|tx, user| update_application_row(tx, user, application_id, patch))
    }

    fn delete_application(&mut self, application_id: i64) -> Result<()> {
        self.write(|tx, user| {
            let n = tx
                .execute(
                    "DELETE FROM application WHERE user_id = $1 AND id = $2",
                    &[&user, &application_id],
                )
                .map_err(pg_err)?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "application",
                    id: application_id,
                });
            }
            Ok(())
        })
    }

    fn set_profile(&mut self, profile: &Profile) -> Result<()> {
        profile.validate()?;
        self.write(|tx, user| insert_profile(tx, user, profile))
    }

    fn profile(&mut self) -> Result<Option<Profile>> {
        self.read(profile)
    }

    fn export(&mut self) -> Result<Backup> {
        self.read(|tx, user| {
            let invite_sequences = query(
                tx,
                "SELECT interview_id, sequence FROM invite_sequence WHERE user_id = $1
                 ORDER BY interview_id",
                &[&user],
            )?
            .iter()
            .map(|r| InviteSequence {
                interview_id: r.get(0),
                sequence: r.get(1),
            })
            .collect();
            let plan_gens = query(
                tx,
                "SELECT application_id, gen FROM plan_gen WHERE user_id = $1
                 ORDER BY application_id",
                &[&user],
            )?
            .iter()
            .map(|r| PlanGen {
                application_id: r.get(0),
                gen: r.get(1),
            })
            .collect();
            Ok(Backup {
                format: BACKUP_FORMAT,
                profile: profile(tx, user)?,
                applications: load(tx, user, Scope::All)?,
                holiday_calendars: holiday_calendars(tx, user)?,
                invite_sequences,
                plan_gens,
                last_ids: Default::default(),
                outbox: super::sends::all(tx, user)?,
            })
        })
    }

    fn restore(&mut self, backup: &Backup) -> Result<()> {
        if !(BACKUP_FORMAT_OLDEST..=BACKUP_FORMAT).contains(&backup.format) {
            return Err(StoreError::BackupFormat {
                found: backup.format,
                supported: BACKUP_FORMAT,
            });
        }
        crate::write::validate_backup(backup)?;
        for table in backup.last_ids.keys() {
            if !crate::write::TABLES_WITH_IDS.contains(&table.as_str()) {
                return Err(StoreError::invalid(
                    format!("last_ids.{table}"),
                    "not a table with ids",
                ));
            }
        }
        let refused = |e: Refused| match e {
            Refused::Constraint(message) | Refused::IdTaken(message) => {
                StoreError::invalid("backup", message)
            }
            Refused::Store(e) => e,
        };
        self.write(|tx, user| {
            // The backup's ids when they are free (a backup of this account), else
            // new ones for everything (a backup from another database: a local file
            // whose ids are other users' here), all or nothing either way.
            let mut kept = tx.savepoint("kept_ids").map_err(pg_err)?;
            match restore_all(&mut kept, user, backup) {
                Ok(()) => kept.commit().map_err(pg_err),
                Err(Refused::IdTaken(_)) => {
                    kept.rollback().map_err(pg_err)?;
                    let fresh = renumbered(tx, backup).map_err(refused)?;
                    restore_all(tx, user, &fresh).map_err(refused)
                }
                Err(e) => Err(refused(e)),
            }
        })
    }

    fn skip_step(&mut self, application_id: i64, new: &NewSkip) -> Result<SkippedStep> {
        new.validate()?;
        let at = ts("at", new.at)?;
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            if let Some(id) = new.contact_id {
                require_child(tx, user, "contact", application_id, id)?;
            }
            if let Some(id) = new.interview_id {
                require_child(tx, user, "interview", application_id, id)?;
            }
            let rows = query(
                tx,
                "INSERT INTO skipped_step
                     (user_id, application_id, kind, contact_id, interview_id, at, note)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 RETURNING id, application_id, kind, contact_id, interview_id, at, note",
                &[
                    &user,
                    &application_id,
                    &new.kind.as_str(),
                    &new.contact_id,
                    &new.interview_id,
                    &at,
                    &new.note,
                ],
            )?;
            let row = rows
                .first()
                .ok_or_else(|| StoreError::Postgres("an insert returned no row".into()))?;
            read_skipped(row)
        })
    }

    fn unskip_step(&mut self, application_id: i64, id: i64) -> Result<SkippedStep> {
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            let rows = query(
                tx,
                "DELETE FROM skipped_step WHERE user_id = $1 AND application_id = $2 AND id = $3
                 RETURNING id, application_id, kind, contact_id, interview_id, at, note",
                &[&user, &application_id, &id],
            )?;
            match rows.first() {
                Some(row) => read_skipped(row),
                None => Err(StoreError::NotFound {
                    what: "skipped step",
                    id,
                }),
            }
        })
    }

    fn remove_note(&mut self, application_id: i64, note_id: i64) -> Result<()> {
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            let gone = query(
                tx,
                "DELETE FROM note WHERE user_id = $1 AND application_id = $2 AND id = $3
                 RETURNING id",
                &[&user, &application_id, &note_id],
            )?;
            if gone.is_empty() {
                return Err(StoreError::NotFound {
                    what: "note",
                    id: note_id,
                });
            }
            Ok(())
        })
    }

    fn update_contact(
        &mut self,
        application_id: i64,
        contact_id: i64,
        patch: &ContactPatch,
    ) -> Result<()> {
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            require_child(tx, user, "contact", application_id, contact_id)?;
            let rows = query(tx, &format!("{CONTACT} AND id = $2"), &[&user, &contact_id])?;
            let row = rows.first().ok_or(StoreError::NotFound {
                what: "contact",
                id: contact_id,
            })?;
            let mut contact = read_contact(row)?;
            patch.apply(&mut contact);
            contact.validate_at("")?;
            tx.execute(
                "UPDATE contact SET name = $4, email = $5, phone = $6, role = $7, tz = $8
                 WHERE user_id = $1 AND application_id = $2 AND id = $3",
                &[
                    &user,
                    &application_id,
                    &contact_id,
                    &contact.name,
                    &contact.email,
                    &contact.phone,
                    &contact.role.as_str(),
                    &contact.tz,
                ],
            )
            .map_err(pg_err)?;
            for &iv in &patch.join {
                require_child(tx, user, "interview", application_id, iv)?;
                link(tx, user, application_id, iv, contact_id)?;
            }
            for &iv in &patch.leave {
                require_child(tx, user, "interview", application_id, iv)?;
                tx.execute(
                    "DELETE FROM interview_contact WHERE user_id = $1 AND application_id = $2
                     AND interview_id = $3 AND contact_id = $4",
                    &[&user, &application_id, &iv, &contact_id],
                )
                .map_err(pg_err)?;
            }
            Ok(())
        })
    }

    fn delete_touchpoint(&mut self, application_id: i64, touchpoint_id: i64) -> Result<()> {
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            let gone = query(
                tx,
                "DELETE FROM touchpoint WHERE user_id = $1 AND application_id = $2 AND id = $3
                 RETURNING kind",
                &[&user, &application_id, &touchpoint_id],
            )?;
            let Some(kind) = gone.first().map(|r| r.get::<_, String>(0)) else {
                return Err(StoreError::NotFound {
                    what: "touchpoint",
                    id: touchpoint_id,
                });
            };
            if kind != TouchpointKind::Outcome.as_str() && kind != TouchpointKind::Reopened.as_str()
            {
                return Ok(());
            }
            // The status is the latest outcome or reopening still recorded.
            let last = query(
                tx,
                "SELECT kind, outcome, at FROM touchpoint
                 WHERE user_id = $1 AND application_id = $2 AND kind IN ('outcome', 'reopened')
                 ORDER BY at DESC, id DESC LIMIT 1",
                &[&user, &application_id],
            )?;
            let (status, at) = match last.first() {
                Some(r) if r.get::<_, String>(0) == TouchpointKind::Outcome.as_str() => {
                    match r.get::<_, Option<String>>(1) {
                        Some(o) => (
                            Status::from(parse_word::<crate::model::Outcome>(
                                "touchpoint.outcome",
                                &o,
                            )?),
                            ts_from("touchpoint.at", r.get::<_, i64>(2))?,
                        ),
                        None => (Status::Active, Timestamp::UNIX_EPOCH),
                    }
                }
                _ => (Status::Active, Timestamp::UNIX_EPOCH),
            };
            update_status(tx, user, application_id, status, at)
        })
    }

    fn interview(&mut self, id: i64) -> Result<Interview> {
        self.read(|tx, user| interview_row(tx, user, id))
    }

    fn find_interview_by_uid(&mut self, uid: &str) -> Result<Option<Interview>> {
        self.read(|tx, user| interview_by_uid(tx, user, uid))
    }

    fn set_holiday_calendar_layer(
        &mut self,
        name: &str,
        days: &[(jiff::civil::Date, String)],
        layer: &HolidayLayer,
    ) -> Result<()> {
        let name = name.trim();
        crate::holidays::validate_calendar(name, days, layer)?;
        let (base, replaces) = layer_columns(layer);
        self.write(|tx, user| {
            put_calendar(tx, user, None, name, base.as_deref(), replaces, days).map_err(pg_err)?;
            Ok(())
        })
    }

    fn holiday_calendars_with_days(&mut self) -> Result<Vec<HolidayCalendarDays>> {
        self.read(holiday_calendars)
    }

    fn with_invite_writes(
        &mut self,
        f: &mut dyn FnMut(&mut dyn InviteWrites) -> Result<()>,
    ) -> Result<()> {
        self.write(|tx, user| f(&mut PgInviteWrites { tx, user }))
    }

    fn plan_gens(&mut self) -> Result<HashMap<i64, i64>> {
        self.read(|tx, user| {
            Ok(query_ids(
                tx,
                "SELECT application_id, gen FROM plan_gen WHERE user_id = $1",
                &[user],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
        })
    }

    fn remove_contact(&mut self, application_id: i64, contact_id: i64) -> Result<()> {
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            require_child(tx, user, "contact", application_id, contact_id)?;
            let used: i64 = query(
                tx,
                "SELECT count(*) FROM touchpoint
                 WHERE user_id = $1 AND application_id = $2 AND contact_id = $3",
                &[&user, &application_id, &contact_id],
            )?
            .first()
            .map(|r| r.get(0))
            .unwrap_or(0);
            if used > 0 {
                return Err(StoreError::invalid(
                    "contact",
                    format!(
                        "contact {contact_id} is named by {used} logged touchpoint(s); \
                         the history keeps them, so the contact is kept"
                    ),
                ));
            }
            query(
                tx,
                "DELETE FROM contact WHERE user_id = $1 AND application_id = $2 AND id = $3",
                &[&user, &application_id, &contact_id],
            )?;
            Ok(())
        })
    }

    fn add_round(
        &mut self,
        application_id: i64,
        new: &NewInterview,
        reopen: Option<Timestamp>,
    ) -> Result<(i64, Option<i64>)> {
        new.validate()?;
        if let Some(at) = reopen {
            ts("at", at)?;
        }
        self.write(|tx, user| {
            let rows = query(
                tx,
                "SELECT status FROM application WHERE user_id = $1 AND id = $2 FOR UPDATE",
                &[&user, &application_id],
            )?;
            let status: String = match rows.first() {
                Some(r) => r.get(0),
                None => {
                    return Err(StoreError::NotFound {
                        what: "application",
                        id: application_id,
                    })
                }
            };
            let mut reopened = None;
            if status != Status::Active.as_str() {
                let Some(at) = reopen else {
                    return Err(StoreError::Closed {
                        id: application_id,
                        status,
                    });
                };
                let t = NewTouchpoint::new(TouchpointKind::Reopened, at);
                reopened = Some(insert_touchpoint(tx, user, application_id, &t)?);
                update_status(tx, user, application_id, Status::Active, at)?;
            }
            let id = insert_interview(tx, user, application_id, new, &[])?;
            Ok((id, reopened))
        })
    }

    fn add_contact_in_rounds(
        &mut self,
        application_id: i64,
        new: &NewContact,
        interviews: &[i64],
    ) -> Result<i64> {
        new.validate()?;
        self.write(|tx, user| {
            require_application(tx, user, application_id)?;
            let id = insert_contact(tx, user, application_id, new)?;
            for &iv in interviews {
                require_child(tx, user, "interview", application_id, iv)?;
                link(tx, user, application_id, iv, id)?;
            }
            Ok(id)
        })
    }

    fn update_interview(&mut self, interview_id: i64, patch: &InterviewPatch) -> Result<()> {
        self.write(|tx, user| {
            let iv = interview_row(tx, user, interview_id)?;
            write_interview_patch(tx, user, iv, patch)
        })
    }

    fn outbox_queue(&mut self, new: &NewOutboxMessage) -> Result<OutboxMessage> {
        self.write(|tx, user| super::sends::queue(tx, user, new))
    }

    fn outbox_message(&mut self, id: i64) -> Result<OutboxMessage> {
        self.read(|tx, user| super::sends::get(tx, user, id))
    }

    fn outbox(&mut self) -> Result<Vec<OutboxMessage>> {
        // One round trip: the Today page reads it on every request.
        let user = self.user;
        let query = format!(
            "SELECT {} FROM outbox WHERE user_id = {user} ORDER BY at, id",
            super::sends::COLUMNS
        );
        let mut answers = read_at_once(&mut self.pg.client, user, &[query])?;
        answers
            .pop()
            .unwrap_or_default()
            .iter()
            .map(|row| crate::outbox::message(&mut TextCols { row, next: 0 }))
            .collect()
    }

    fn outbox_thread(
        &mut self,
        application_id: i64,
        contact_id: i64,
        before: Timestamp,
    ) -> Result<Option<OutboxMessage>> {
        self.read(|tx, user| super::sends::thread(tx, user, application_id, contact_id, before))
    }

    fn outbox_cancel(&mut self, id: i64) -> Result<OutboxMessage> {
        self.write(|tx, user| super::sends::cancel(tx, user, id))
    }

    fn outbox_reschedule(&mut self, id: i64, at: Timestamp) -> Result<OutboxMessage> {
        self.write(|tx, user| super::sends::reschedule(tx, user, id, at))
    }

    fn outbox_retry(&mut self, id: i64, at: Timestamp) -> Result<OutboxMessage> {
        self.write(|tx, user| super::sends::retry(tx, user, id, at))
    }

    fn message_id_of_touchpoint(&mut self, touchpoint_id: i64) -> Result<Option<String>> {
        self.read(|tx, user| super::sends::message_id_of_touchpoint(tx, user, touchpoint_id))
    }

    fn mail_folder(&mut self, name: &str) -> Result<Option<(u32, u32)>> {
        self.read(|tx, user| super::mail::folder(tx, user, name))
    }

    fn mail_record_sync(
        &mut self,
        folder: &str,
        uidvalidity: u32,
        last_uid: u32,
        proposals: &[NewMailProposal],
    ) -> Result<Vec<i64>> {
        self.write(|tx, user| {
            super::mail::record_sync(tx, user, folder, uidvalidity, last_uid, proposals)
        })
    }

    fn mail_proposals(&mut self, all: bool) -> Result<Vec<MailProposal>> {
        self.read(|tx, user| super::mail::proposals(tx, user, all))
    }

    fn mail_proposal(&mut self, id: i64) -> Result<MailProposal> {
        self.read(|tx, user| super::mail::proposal(tx, user, id))
    }

    fn mail_settle(
        &mut self,
        id: i64,
        status: ProposalStatus,
        touchpoint: Option<i64>,
    ) -> Result<bool> {
        self.write(|tx, user| super::mail::settle(tx, user, id, status, touchpoint))
    }

    fn mail_message_ids(&mut self) -> Result<HashMap<String, i64>> {
        self.read(super::mail::message_ids)
    }

    fn mail_add_bad_address(&mut self, address: &str, at: Timestamp) -> Result<()> {
        self.write(|tx, user| super::mail::add_bad_address(tx, user, address, at))
    }

    fn mail_bad_addresses(&mut self) -> Result<Vec<String>> {
        self.read(super::mail::bad_addresses)
    }

    fn mail_forget(&mut self) -> Result<usize> {
        self.write(super::mail::forget)
    }

    fn update_application_and_interview(
        &mut self,
        application_id: i64,
        patch: &ApplicationPatch,
        interview_id: i64,
        interview: &InterviewPatch,
    ) -> Result<()> {
        self.write(|tx, user| {
            let iv = interview_row(tx, user, interview_id)?;
            if iv.application_id != application_id {
                return Err(StoreError::NotFound {
                    what: "interview",
                    id: interview_id,
                });
            }
            update_application_row(tx, user, application_id, patch)?;
            write_interview_patch(tx, user, iv, interview)
        })
    }
}

// ---------------------------------------------------------------------------------------
// Reads

#[derive(Debug, Clone, Copy)]
enum Scope {
    All,
    Open,
    One(i64),
}

pub(super) fn query(
    tx: &mut Tx<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Row>> {
    tx.query(sql, params).map_err(pg_err)
}

/// [`query`] with `bigint` parameters only, in one round trip (the types given, no
/// statement prepared first): the reads of every request.
fn query_ids(tx: &mut Tx<'_>, sql: &str, ids: &[i64]) -> Result<Vec<Row>> {
    let typed: Vec<(&(dyn ToSql + Sync), Type)> = ids
        .iter()
        .map(|v| (v as &(dyn ToSql + Sync), Type::INT8))
        .collect();
    tx.query_typed(sql, &typed).map_err(pg_err)
}

fn profile(tx: &mut Tx<'_>, user: i64) -> Result<Option<Profile>> {
    let rows = query(
        tx,
        "SELECT name, email, phone FROM profile WHERE user_id = $1",
        &[&user],
    )?;
    rows.first()
        .map(|row| {
            let mut r = Cols::new(row);
            Ok(Profile {
                name: r.text()?,
                email: r.text()?,
                phone: r.opt_text()?,
            })
        })
        .transpose()
}

/// The user's custom holiday calendars with their days, in the order SQLite gives
/// them: by name without regard to ASCII case (`COLLATE NOCASE`), then id; each
/// calendar's days by date, names on one date in the order given.
fn holiday_calendars(tx: &mut Tx<'_>, user: i64) -> Result<Vec<HolidayCalendarDays>> {
    let mut cals = Vec::new();
    for row in query(
        tx,
        "SELECT id, name, base, replaces FROM holiday_calendar WHERE user_id = $1",
        &[&user],
    )? {
        let mut r = Cols::new(&row);
        cals.push(HolidayCalendarDays {
            id: Some(r.int()?),
            name: r.text()?,
            base: r.opt_text()?,
            replaces: r.boolean()?,
            days: Vec::new(),
        });
    }
    cals.sort_by_cached_key(|c| (c.name.to_ascii_lowercase(), c.id));
    let mut by_id: HashMap<i64, usize> = HashMap::new();
    for (i, c) in cals.iter().enumerate() {
        by_id.insert(c.id.unwrap_or_default(), i);
    }
    for row in query(
        tx,
        "SELECT calendar_id, date, name FROM holiday WHERE user_id = $1
         ORDER BY calendar_id, date, position",
        &[&user],
    )? {
        let mut r = Cols::new(&row);
        let calendar = r.int()?;
        let date = r
            .opt_date("holiday.date")?
            .ok_or_else(|| StoreError::Postgres("a holiday without a date".into()))?;
        let name = r.text()?;
        if let Some(&i) = by_id.get(&calendar) {
            cals[i].days.push((date, name));
        }
    }
    Ok(cals)
}

fn application_row(tx: &mut Tx<'_>, user: i64, id: i64) -> Result<Application> {
    let rows = query(tx, &format!("{APPLICATION} AND id = $2"), &[&user, &id])?;
    match rows.first() {
        Some(row) => read_application(row),
        None => Err(StoreError::NotFound {
            what: "application",
            id,
        }),
    }
}

/// The queries of [`load`]: the applications in `scope`, then the rows of each table
/// attached to them, in their documented order; `$1` is the user, `$2` the
/// application of [`Scope::One`].
fn load_queries(scope: Scope) -> [String; 7] {
    let (apps_where, child_where) = match scope {
        Scope::All => ("", ""),
        Scope::Open => (
            " AND closed_at IS NULL",
            " AND application_id IN \
              (SELECT id FROM application WHERE user_id = $1 AND closed_at IS NULL)",
        ),
        Scope::One(_) => (" AND id = $2", " AND application_id = $2"),
    };
    [
        format!("{APPLICATION}{apps_where} ORDER BY id"),
        format!("{INTERVIEW}{child_where} ORDER BY start, id"),
        format!("{INTERVIEWER}{child_where} ORDER BY contact_id"),
        format!("{CONTACT}{child_where} ORDER BY id"),
        format!("{TOUCHPOINT}{child_where} ORDER BY at, id"),
        format!("{NOTE}{child_where} ORDER BY id"),
        format!("{SKIPPED}{child_where} ORDER BY id"),
    ]
}

/// The user's applications in `scope`, by id, each with everything attached, its
/// rows in their documented order (one query per table, in `tx`).
fn load(tx: &mut Tx<'_>, user: i64, scope: Scope) -> Result<Vec<ApplicationFull>> {
    let both = match scope {
        Scope::One(id) => [user, id],
        Scope::All | Scope::Open => [user, 0],
    };
    let params = match scope {
        Scope::One(_) => &both[..],
        Scope::All | Scope::Open => &both[..1],
    };
    let mut rows: [Vec<Row>; 7] = Default::default();
    for (i, sql) in load_queries(scope).iter().enumerate() {
        rows[i] = query_ids(tx, sql, params)?;
        if i == 0 && rows[0].is_empty() {
            return Ok(Vec::new());
        }
    }
    assemble(&rows)
}

/// [`load`] in a read-only `REPEATABLE READ` transaction of its own as the user, in
/// one round trip ([`read_at_once`]).
fn load_at_once(client: &mut Client, user: i64, scope: Scope) -> Result<Vec<ApplicationFull>> {
    let id = match scope {
        Scope::One(id) => id,
        Scope::All | Scope::Open => 0,
    };
    let queries: Vec<String> = load_queries(scope)
        .iter()
        .map(|q| {
            q.replace("$1", &user.to_string())
                .replace("$2", &id.to_string())
        })
        .collect();
    let rows: [Vec<SimpleQueryRow>; 7] =
        read_at_once(client, user, &queries)?
            .try_into()
            .map_err(|_| {
                StoreError::Postgres("the read of the applications gave too few answers".into())
            })?;
    assemble(&rows)
}

/// `queries` (with their values written in: numbers only, nothing to quote) in a
/// read-only `REPEATABLE READ` transaction of its own as the user, in one round trip:
/// the transaction and its queries go as one message of the simple query protocol,
/// and the answer's values come as text. Each query's rows, in order.
pub(super) fn read_at_once(
    client: &mut Client,
    user: i64,
    queries: &[String],
) -> Result<Vec<Vec<SimpleQueryRow>>> {
    let mut sql = format!(
        "START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; {};",
        as_user_sql(user)
    );
    for query in queries {
        sql.push(' ');
        sql.push_str(query);
        sql.push(';');
    }
    sql.push_str(" COMMIT");
    let answer = match client.simple_query(&sql) {
        Ok(a) => a,
        Err(e) => {
            // The statements after a failed one are skipped, COMMIT among them.
            let _ = client.batch_execute("ROLLBACK");
            return Err(pg_err(e));
        }
    };
    // Each statement's rows, in order: START, SET, set_config, the queries, COMMIT.
    let mut statements: Vec<Vec<SimpleQueryRow>> = vec![Vec::new()];
    for message in answer {
        match message {
            SimpleQueryMessage::Row(row) => {
                if let Some(rows) = statements.last_mut() {
                    rows.push(row);
                }
            }
            SimpleQueryMessage::CommandComplete(_) => statements.push(Vec::new()),
            _ => {}
        }
    }
    let found = statements.len().saturating_sub(1);
    if found != queries.len() + 4 {
        return Err(StoreError::Postgres(format!(
            "a read gave {found} answers instead of {}",
            queries.len() + 4
        )));
    }
    Ok(statements.into_iter().skip(3).take(queries.len()).collect())
}

/// A row of an answer, typed ([`Row`]) or as text ([`SimpleQueryRow`]).
trait FactRow {
    /// Its columns, read in order.
    fn columns(&self) -> impl Columns + '_;
    /// Column `i`, a `bigint` that is never NULL.
    fn id_at(&self, i: usize) -> Result<i64>;
}

impl FactRow for Row {
    fn columns(&self) -> impl Columns + '_ {
        Cols::new(self)
    }

    fn id_at(&self, i: usize) -> Result<i64> {
        self.try_get(i).map_err(pg_err)
    }
}

impl FactRow for SimpleQueryRow {
    fn columns(&self) -> impl Columns + '_ {
        TextCols { row: self, next: 0 }
    }

    fn id_at(&self, i: usize) -> Result<i64> {
        TextCols { row: self, next: i }.int()
    }
}

/// The applications of `rows[0]` with the rows of the other tables of [`load_queries`]
/// attached, in their order.
fn assemble<R: FactRow>(rows: &[Vec<R>; 7]) -> Result<Vec<ApplicationFull>> {
    let [apps, interviews, interviewers, contacts, touchpoints, notes, skipped] = rows;
    let mut apps = apps
        .iter()
        .map(|r| {
            Ok(ApplicationFull {
                application: crate::rows::application(&mut r.columns())?,
                interviews: Vec::new(),
                contacts: Vec::new(),
                touchpoints: Vec::new(),
                notes: Vec::new(),
                skipped: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    fn of(apps: &mut [ApplicationFull], app: i64) -> Option<&mut ApplicationFull> {
        let i = apps.binary_search_by_key(&app, |a| a.application.id).ok()?;
        apps.get_mut(i)
    }
    for r in interviews {
        let iv = crate::rows::interview(&mut r.columns())?;
        if let Some(a) = of(&mut apps, iv.application_id) {
            a.interviews.push(iv);
        }
    }
    for r in interviewers {
        let (interview, contact) = (r.id_at(1)?, r.id_at(2)?);
        if let Some(iv) = of(&mut apps, r.id_at(0)?)
            .and_then(|a| a.interviews.iter_mut().find(|i| i.id == interview))
        {
            iv.interviewer_ids.push(contact);
        }
    }
    for r in contacts {
        let c = crate::rows::contact(&mut r.columns())?;
        if let Some(a) = of(&mut apps, c.application_id) {
            a.contacts.push(c);
        }
    }
    for r in touchpoints {
        let t = crate::rows::touchpoint(&mut r.columns())?;
        if let Some(a) = of(&mut apps, t.application_id) {
            a.touchpoints.push(t);
        }
    }
    for r in notes {
        let n = crate::rows::note(&mut r.columns())?;
        if let Some(a) = of(&mut apps, n.application_id) {
            a.notes.push(n);
        }
    }
    for r in skipped {
        let s = crate::rows::skipped(&mut r.columns())?;
        if let Some(a) = of(&mut apps, s.application_id) {
            a.skipped.push(s);
        }
    }
    Ok(apps)
}

/// Reads the columns of a row the simple query protocol gave, every value as its
/// text, in order (as [`Cols`] reads a typed row).
struct TextCols<'r> {
    row: &'r SimpleQueryRow,
    next: usize,
}

impl<'r> TextCols<'r> {
    /// The next column's name and text (none: NULL).
    fn value(&mut self) -> Result<(&'r str, Option<&'r str>)> {
        let i = self.next;
        self.next += 1;
        let text = self.row.try_get(i).map_err(pg_err)?;
        let name = self.row.columns().get(i).map_or("?", |c| c.name());
        Ok((name, text))
    }

    /// The next column's value, parsed (none: NULL).
    fn parsed<T: std::str::FromStr>(&mut self) -> Result<Option<T>>
    where
        T::Err: std::fmt::Display,
    {
        let (name, text) = self.value()?;
        text.map(|s| {
            s.parse().map_err(|e: T::Err| StoreError::Decode {
                column: name.to_owned(),
                value: s.to_owned(),
                reason: e.to_string(),
            })
        })
        .transpose()
    }

    /// The next column's value, which must not be NULL.
    fn required<T>(&mut self, read: impl FnOnce(&mut Self) -> Result<Option<T>>) -> Result<T> {
        let name = self.row.columns().get(self.next).map_or("?", |c| c.name());
        read(self)?.ok_or_else(|| StoreError::Decode {
            column: name.to_owned(),
            value: "NULL".to_owned(),
            reason: "a value is required".to_owned(),
        })
    }
}

impl Columns for TextCols<'_> {
    fn int(&mut self) -> Result<i64> {
        self.required(Self::parsed)
    }

    fn opt_int(&mut self) -> Result<Option<i64>> {
        self.parsed()
    }

    fn boolean(&mut self) -> Result<bool> {
        self.required(|c| {
            let (name, text) = c.value()?;
            match text {
                None => Ok(None),
                Some("t") => Ok(Some(true)),
                Some("f") => Ok(Some(false)),
                Some(other) => Err(StoreError::Decode {
                    column: name.to_owned(),
                    value: other.to_owned(),
                    reason: "not a boolean".to_owned(),
                }),
            }
        })
    }

    fn text(&mut self) -> Result<String> {
        self.required(Self::opt_text)
    }

    fn opt_text(&mut self) -> Result<Option<String>> {
        Ok(self.value()?.1.map(str::to_owned))
    }

    fn minutes(&mut self) -> Result<i64> {
        self.int()
    }

    fn with_opt_str<R>(&mut self, f: impl FnOnce(Option<&str>) -> Result<R>) -> Result<R> {
        f(self.value()?.1)
    }
}

/// Reads the columns of one row in order, as the SQLite side's `Cols`.
pub(super) struct Cols<'r> {
    row: &'r Row,
    next: usize,
}

impl<'r> Cols<'r> {
    pub(super) fn new(row: &'r Row) -> Self {
        Cols { row, next: 0 }
    }

    fn get<T: postgres::types::FromSql<'r>>(&mut self) -> Result<T> {
        let i = self.next;
        self.next += 1;
        self.row.try_get(i).map_err(pg_err)
    }
}

impl Columns for Cols<'_> {
    fn int(&mut self) -> Result<i64> {
        self.get()
    }

    fn opt_int(&mut self) -> Result<Option<i64>> {
        self.get()
    }

    fn boolean(&mut self) -> Result<bool> {
        self.get()
    }

    fn text(&mut self) -> Result<String> {
        self.get()
    }

    fn opt_text(&mut self) -> Result<Option<String>> {
        self.get()
    }

    fn minutes(&mut self) -> Result<i64> {
        self.get::<i32>().map(i64::from)
    }

    fn with_opt_str<R>(&mut self, f: impl FnOnce(Option<&str>) -> Result<R>) -> Result<R> {
        f(self.get::<Option<&str>>()?)
    }
}

fn read_application(row: &Row) -> Result<Application> {
    crate::rows::application(&mut Cols::new(row))
}

fn read_interview(row: &Row) -> Result<Interview> {
    crate::rows::interview(&mut Cols::new(row))
}

fn read_contact(row: &Row) -> Result<Contact> {
    crate::rows::contact(&mut Cols::new(row))
}

fn read_skipped(row: &Row) -> Result<SkippedStep> {
    crate::rows::skipped(&mut Cols::new(row))
}

/// One interview of the user, with who sat in it (by contact id).
fn interview_row(tx: &mut Tx<'_>, user: i64, id: i64) -> Result<Interview> {
    let rows = query(tx, &format!("{INTERVIEW} AND id = $2"), &[&user, &id])?;
    let mut iv = match rows.first() {
        Some(row) => read_interview(row)?,
        None => {
            return Err(StoreError::NotFound {
                what: "interview",
                id,
            })
        }
    };
    for r in query(
        tx,
        "SELECT contact_id FROM interview_contact
         WHERE user_id = $1 AND application_id = $2 AND interview_id = $3 ORDER BY contact_id",
        &[&user, &iv.application_id, &id],
    )? {
        iv.interviewer_ids.push(r.get(0));
    }
    Ok(iv)
}

// ---------------------------------------------------------------------------------------
// Writes

pub(super) fn require_application(tx: &mut Tx<'_>, user: i64, id: i64) -> Result<()> {
    let found = query(
        tx,
        "SELECT 1 FROM application WHERE user_id = $1 AND id = $2",
        &[&user, &id],
    )?;
    if found.is_empty() {
        return Err(StoreError::NotFound {
            what: "application",
            id,
        });
    }
    Ok(())
}

/// A contact or interview of the user that must belong to the application.
fn require_child(
    tx: &mut Tx<'_>,
    user: i64,
    what: &'static str,
    application_id: i64,
    id: i64,
) -> Result<()> {
    let sql = match what {
        "contact" => "SELECT application_id FROM contact WHERE user_id = $1 AND id = $2",
        _ => "SELECT application_id FROM interview WHERE user_id = $1 AND id = $2",
    };
    let rows = query(tx, sql, &[&user, &id])?;
    match rows.first().map(|r| r.get::<_, i64>(0)) {
        None => Err(StoreError::NotFound { what, id }),
        Some(owner) if owner != application_id => Err(StoreError::invalid(
            what,
            format!("{what} {id} belongs to application {owner}, not {application_id}"),
        )),
        Some(_) => Ok(()),
    }
}

/// Changes the fields named in `patch` of the user's application, checked whole first.
fn update_application_row(
    tx: &mut Tx<'_>,
    user: i64,
    application_id: i64,
    patch: &ApplicationPatch,
) -> Result<()> {
    let mut a = application_row(tx, user, application_id)?;
    patch.apply(&mut a);
    a.validate_at("")?;
    tx.execute(
        "UPDATE application SET company = $3, role = $4, source = $5, link = $6,
                company_type = $7, seniority = $8, region = $9, urgent = $10,
                late_in_process = $11, recipient_tz = $12
             WHERE user_id = $1 AND id = $2",
        &[
            &user,
            &a.id,
            &a.company,
            &a.role,
            &a.source,
            &a.link,
            &word(a.company_type),
            &word(a.seniority),
            &a.region,
            &a.urgent,
            &a.late_in_process,
            &a.recipient_tz,
        ],
    )
    .map_err(pg_err)?;
    Ok(())
}

/// Applies `patch` to `iv` (the interview's row, just read in `tx`), checks and writes
/// it; a new set of interviewers replaces the old.
fn write_interview_patch(
    tx: &mut Tx<'_>,
    user: i64,
    mut iv: Interview,
    patch: &InterviewPatch,
) -> Result<()> {
    patch.apply(&mut iv);
    iv.validate_at("")?;
    let changed = tx
        .execute(
            "UPDATE interview SET start = $3, tz = $4, duration_minutes = $5, round = $6,
                decision_phrase = $7, decision_date = $8, location = $9, uid = $10,
                cancelled = $11, title = $12
             WHERE user_id = $1 AND id = $2 AND application_id = $13",
            &[
                &user,
                &iv.id,
                &ts("start", iv.start)?,
                &iv.tz,
                &duration("duration_minutes", iv.duration_minutes)?,
                &word(iv.round),
                &iv.decision_phrase,
                &date(iv.decision_date),
                &iv.location,
                &iv.uid,
                &iv.cancelled,
                &iv.title,
                &iv.application_id,
            ],
        )
        .map_err(|e| uid_taken(e, iv.uid.as_deref()))?;
    if changed == 0 {
        return Err(StoreError::NotFound {
            what: "interview",
            id: iv.id,
        });
    }
    if patch.interviewer_ids.is_some() {
        tx.execute(
            "DELETE FROM interview_contact
             WHERE user_id = $1 AND application_id = $2 AND interview_id = $3",
            &[&user, &iv.application_id, &iv.id],
        )
        .map_err(pg_err)?;
        for &contact in &iv.interviewer_ids {
            require_child(tx, user, "contact", iv.application_id, contact)?;
            link(tx, user, iv.application_id, iv.id, contact)?;
        }
    }
    Ok(())
}

/// An interview's write refused: its calendar uid is another interview's of the
/// user, else the database's own error.
fn uid_taken(e: postgres::Error, uid: Option<&str>) -> StoreError {
    match (uid, e.code()) {
        (Some(uid), Some(&SqlState::UNIQUE_VIOLATION)) => StoreError::Duplicate {
            what: "interview uid",
            value: uid.to_string(),
        },
        _ => pg_err(e),
    }
}

fn returned_id(rows: Vec<Row>) -> Result<i64> {
    rows.first()
        .map(|r| r.get(0))
        .ok_or_else(|| StoreError::Postgres("an insert returned no id".into()))
}

fn duration(field: &str, minutes: i64) -> Result<i32> {
    i32::try_from(minutes)
        .map_err(|_| StoreError::invalid(field, format!("{minutes} minutes is out of range")))
}

fn insert_application(tx: &mut Tx<'_>, user: i64, new: &NewApplication) -> Result<i64> {
    let closed_at = (new.status != Status::Active).then_some(new.created_at);
    let rows = query(
        tx,
        "INSERT INTO application (user_id, company, role, source, link, company_type,
            seniority, region, status, created_at, closed_at, urgent, late_in_process,
            recipient_tz)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         RETURNING id",
        &[
            &user,
            &new.company,
            &new.role,
            &new.source,
            &new.link,
            &word(new.company_type),
            &word(new.seniority),
            &new.region,
            &new.status.as_str(),
            &ts("created_at", new.created_at)?,
            &opt_ts("closed_at", closed_at)?,
            &new.urgent,
            &new.late_in_process,
            &new.recipient_tz,
        ],
    )?;
    let id = returned_id(rows)?;
    let mut contacts = Vec::with_capacity(new.contacts.len());
    for contact in &new.contacts {
        contacts.push(insert_contact(tx, user, id, contact)?);
    }
    for iv in &new.interviews {
        insert_interview(tx, user, id, iv, &contacts)?;
    }
    for note in &new.notes {
        insert_note(tx, user, id, None, note)?;
    }
    Ok(id)
}

/// `listed` are the ids of the contacts created with the application, for
/// [`Interviewer::Listed`].
fn insert_interview(
    tx: &mut Tx<'_>,
    user: i64,
    application_id: i64,
    new: &NewInterview,
    listed: &[i64],
) -> Result<i64> {
    let rows = tx
        .query(
            "INSERT INTO interview (user_id, application_id, start, tz, duration_minutes, round,
                decision_phrase, decision_date, location, uid, cancelled, title)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             RETURNING id",
            &[
                &user,
                &application_id,
                &ts("start", new.start)?,
                &new.tz,
                &duration("duration_minutes", new.duration_minutes)?,
                &word(new.round),
                &new.decision_phrase,
                &date(new.decision_date),
                &new.location,
                &new.uid,
                &new.cancelled,
                &new.title,
            ],
        )
        .map_err(|e| uid_taken(e, new.uid.as_deref()))?;
    let id = returned_id(rows)?;
    for (j, who) in new.interviewers.iter().enumerate() {
        let contact = match who {
            Interviewer::Id(contact) => {
                require_child(tx, user, "contact", application_id, *contact)?;
                *contact
            }
            Interviewer::Listed(k) => *listed.get(*k).ok_or_else(|| {
                StoreError::invalid(
                    format!("interviewers[{j}]"),
                    "a listed contact can only be named when adding an application",
                )
            })?,
            Interviewer::New(contact) => insert_contact(tx, user, application_id, contact)?,
        };
        link(tx, user, application_id, id, contact)?;
    }
    for note in &new.notes {
        insert_note(tx, user, application_id, Some(id), note)?;
    }
    Ok(id)
}

fn link(
    tx: &mut Tx<'_>,
    user: i64,
    application_id: i64,
    interview_id: i64,
    contact_id: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO interview_contact (user_id, application_id, interview_id, contact_id)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        &[&user, &application_id, &interview_id, &contact_id],
    )
    .map_err(pg_err)?;
    Ok(())
}

fn insert_contact(
    tx: &mut Tx<'_>,
    user: i64,
    application_id: i64,
    new: &NewContact,
) -> Result<i64> {
    let rows = query(
        tx,
        "INSERT INTO contact (user_id, application_id, name, email, phone, role, tz)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            &user,
            &application_id,
            &new.name,
            &new.email,
            &new.phone,
            &new.role.as_str(),
            &new.tz,
        ],
    )?;
    returned_id(rows)
}

pub(super) fn insert_touchpoint(
    tx: &mut Tx<'_>,
    user: i64,
    application_id: i64,
    new: &NewTouchpoint,
) -> Result<i64> {
    let rows = query(
        tx,
        "INSERT INTO touchpoint (user_id, application_id, kind, at, contact_id, channel, note,
            outcome, decision_phrase, decision_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        &[
            &user,
            &application_id,
            &new.kind.as_str(),
            &ts("at", new.at)?,
            &new.contact_id,
            &word(new.channel),
            &new.note,
            &word(new.outcome),
            &new.decision_phrase,
            &date(new.decision_date),
        ],
    )?;
    returned_id(rows)
}

fn insert_note(
    tx: &mut Tx<'_>,
    user: i64,
    application_id: i64,
    interview_id: Option<i64>,
    new: &NewNote,
) -> Result<i64> {
    let rows = query(
        tx,
        "INSERT INTO note (user_id, application_id, interview_id, kind, text)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            &user,
            &application_id,
            &interview_id,
            &new.kind.as_str(),
            &new.text,
        ],
    )?;
    returned_id(rows)
}

fn update_status(
    tx: &mut Tx<'_>,
    user: i64,
    application_id: i64,
    status: Status,
    at: Timestamp,
) -> Result<()> {
    let closed_at = (status != Status::Active).then_some(at);
    let n = tx
        .execute(
            "UPDATE application SET status = $3, closed_at = $4 WHERE user_id = $1 AND id = $2",
            &[
                &user,
                &application_id,
                &status.as_str(),
                &opt_ts("at", closed_at)?,
            ],
        )
        .map_err(pg_err)?;
    if n == 0 {
        return Err(StoreError::NotFound {
            what: "application",
            id: application_id,
        });
    }
    Ok(())
}

fn insert_profile(tx: &mut Tx<'_>, user: i64, p: &Profile) -> Result<()> {
    tx.execute(
        "INSERT INTO profile (user_id, name, email, phone) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, email = excluded.email,
            phone = excluded.phone",
        &[&user, &p.name, &p.email, &p.phone],
    )
    .map_err(pg_err)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Restore

/// Why a restore stopped: a row the schema refused (the backup's fault), or anything
/// else.
pub(super) enum Refused {
    Constraint(String),
    /// An id of the backup is another user's (ids are the database's, not the user's).
    IdTaken(String),
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(e: StoreError) -> Self {
        Refused::Store(e)
    }
}

impl From<postgres::Error> for Refused {
    fn from(e: postgres::Error) -> Self {
        // Class 23: integrity constraint violations (a duplicate id, a reference to a
        // record that is not there or not of this application).
        match e.as_db_error() {
            Some(db)
                if db.code() == &SqlState::UNIQUE_VIOLATION
                    && db.constraint().is_some_and(|c| c.ends_with("_pkey")) =>
            {
                Refused::IdTaken(db.message().to_string())
            }
            Some(db) if db.code().code().starts_with("23") => {
                Refused::Constraint(db.message().to_string())
            }
            _ => Refused::Store(pg_err(e)),
        }
    }
}

/// `backup` with new ids from the database's sequences for every record, and every
/// reference between them (interviewers, a touchpoint's or a skip's contact, a note's
/// or a skip's interview, invite sequences, change counts) moved with them.
fn renumbered(tx: &mut Tx<'_>, backup: &Backup) -> std::result::Result<Backup, Refused> {
    fn fresh(
        tx: &mut Tx<'_>,
        table: &str,
        old: impl Iterator<Item = i64>,
    ) -> std::result::Result<HashMap<i64, i64>, Refused> {
        let old: Vec<i64> = old.collect();
        let n = i64::try_from(old.len()).unwrap_or(i64::MAX);
        let new: Vec<i64> = tx
            .query(
                "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2::bigint)",
                &[&table, &n],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        Ok(old.into_iter().zip(new).collect())
    }
    let apps = &backup.applications;
    let application = fresh(tx, "application", apps.iter().map(|f| f.application.id))?;
    let interview = fresh(
        tx,
        "interview",
        apps.iter().flat_map(|f| f.interviews.iter().map(|i| i.id)),
    )?;
    let contact = fresh(
        tx,
        "contact",
        apps.iter().flat_map(|f| f.contacts.iter().map(|c| c.id)),
    )?;
    let touchpoint = fresh(
        tx,
        "touchpoint",
        apps.iter().flat_map(|f| f.touchpoints.iter().map(|t| t.id)),
    )?;
    let note = fresh(
        tx,
        "note",
        apps.iter().flat_map(|f| f.notes.iter().map(|n| n.id)),
    )?;
    let skipped = fresh(
        tx,
        "skipped_step",
        apps.iter().flat_map(|f| f.skipped.iter().map(|s| s.id)),
    )?;
    // A reference to a record the backup does not hold stays as it is: the insert
    // refuses it, as it would have.
    let to = |map: &HashMap<i64, i64>, id: i64| map.get(&id).copied().unwrap_or(id);
    let mut out = backup.clone();
    for full in &mut out.applications {
        full.application.id = to(&application, full.application.id);
        for i in &mut full.interviews {
            i.id = to(&interview, i.id);
            i.application_id = to(&application, i.application_id);
            for c in &mut i.interviewer_ids {
                *c = to(&contact, *c);
            }
        }
        for c in &mut full.contacts {
            c.id = to(&contact, c.id);
            c.application_id = to(&application, c.application_id);
        }
        for t in &mut full.touchpoints {
            t.id = to(&touchpoint, t.id);
            t.application_id = to(&application, t.application_id);
            t.contact_id = t.contact_id.map(|c| to(&contact, c));
        }
        for n in &mut full.notes {
            n.id = to(&note, n.id);
            n.application_id = to(&application, n.application_id);
            n.interview_id = n.interview_id.map(|i| to(&interview, i));
        }
        for s in &mut full.skipped {
            s.id = to(&skipped, s.id);
            s.application_id = to(&application, s.application_id);
            s.contact_id = s.contact_id.map(|c| to(&contact, c));
            s.interview_id = s.interview_id.map(|i| to(&interview, i));
        }
    }
    for cal in &mut out.holiday_calendars {
        cal.id = None;
    }
    for seq in &mut out.invite_sequences {
        seq.interview_id = to(&interview, seq.interview_id);
    }
    for gen in &mut out.plan_gens {
        gen.application_id = to(&application, gen.application_id);
    }
    let outbox = fresh(tx, "outbox", backup.outbox.iter().map(|m| m.id))?;
    for m in &mut out.outbox {
        m.id = to(&outbox, m.id);
        m.application_id = to(&application, m.application_id);
        m.contact_id = to(&contact, m.contact_id);
        m.touchpoint_id = m.touchpoint_id.map(|t| to(&touchpoint, t));
    }
    out.last_ids.clear();
    Ok(out)
}

/// Replaces the user's facts with the backup's, inside the caller's transaction.
fn restore_all(tx: &mut Tx<'_>, user: i64, backup: &Backup) -> std::result::Result<(), Refused> {
    // A message being handed to a mail server is a worker's until it marks it: its
    // row is not replaced under it.
    // Locked, so that no claim starts on a row about to be replaced (claims skip
    // locked rows) and one under way is waited for, then seen.
    let states = tx.query(
        "SELECT state FROM outbox WHERE user_id = $1 FOR UPDATE",
        &[&user],
    )?;
    if states.iter().any(|r| r.get::<_, &str>(0) == "sending") {
        return Err(Refused::Store(StoreError::invalid(
            "outbox",
            "a message is being sent right now (or was, by a worker that stopped: the next \
             worker settles it): restore again in a minute",
        )));
    }
    let before: HashMap<i64, i64> = tx
        .query(
            "SELECT application_id, gen FROM plan_gen WHERE user_id = $1",
            &[&user],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for table in [
        "skipped_step",
        "outbox",
        "interview_contact",
        "note",
        "touchpoint",
        "contact",
        "interview",
        "application",
        "profile",
        "holiday",
        "holiday_calendar",
    ] {
        tx.execute(&format!("DELETE FROM {table} WHERE user_id = $1"), &[&user])?;
    }
    let mut last: HashMap<&str, i64> = HashMap::new();
    let mut saw = |table: &'static str, id: i64| {
        let e = last.entry(table).or_insert(id);
        *e = (*e).max(id);
    };
    for cal in &backup.holiday_calendars {
        let (base, replaces) = layer_columns(&cal.layer());
        // A name given twice (in any case): the later calendar replaces the earlier,
        // as on SQLite.
        let id = put_calendar(
            tx,
            user,
            cal.id,
            &cal.name,
            base.as_deref(),
            replaces,
            &cal.days,
        )?;
        saw("holiday_calendar", id);
    }
    if let Some(p) = &backup.profile {
        insert_profile(tx, user, p)?;
    }
    for full in &backup.applications {
        let a = &full.application;
        saw("application", a.id);
        tx.execute(
            "INSERT INTO application (id, user_id, company, role, source, link, company_type,
                seniority, region, status, created_at, closed_at, urgent, late_in_process,
                recipient_tz)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            &[
                &a.id,
                &user,
                &a.company,
                &a.role,
                &a.source,
                &a.link,
                &word(a.company_type),
                &word(a.seniority),
                &a.region,
                &a.status.as_str(),
                &ts("created_at", a.created_at)?,
                &opt_ts("closed_at", a.closed_at)?,
                &a.urgent,
                &a.late_in_process,
                &a.recipient_tz,
            ],
        )?;
        for x in &full.interviews {
            saw("interview", x.id);
            tx.execute(
                "INSERT INTO interview (id, user_id, application_id, start, tz,
                    duration_minutes, round, decision_phrase, decision_date, location, uid,
                    cancelled, title)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                &[
                    &x.id,
                    &user,
                    &a.id,
                    &ts("start", x.start)?,
                    &x.tz,
                    &duration("duration_minutes", x.duration_minutes)?,
                    &word(x.round),
                    &x.decision_phrase,
                    &date(x.decision_date),
                    &x.location,
                    &x.uid,
                    &x.cancelled,
                    &x.title,
                ],
            )?;
        }
        for x in &full.contacts {
            saw("contact", x.id);
            tx.execute(
                "INSERT INTO contact (id, user_id, application_id, name, email, phone, role, tz)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &x.id,
                    &user,
                    &a.id,
                    &x.name,
                    &x.email,
                    &x.phone,
                    &x.role.as_str(),
                    &x.tz,
                ],
            )?;
        }
        for x in &full.interviews {
            for contact in &x.interviewer_ids {
                tx.execute(
                    "INSERT INTO interview_contact (user_id, application_id, interview_id,
                        contact_id)
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    &[&user, &a.id, &x.id, contact],
                )?;
            }
        }
        for x in &full.touchpoints {
            saw("touchpoint", x.id);
            tx.execute(
                "INSERT INTO touchpoint (id, user_id, application_id, kind, at, contact_id,
                    channel, note, outcome, decision_phrase, decision_date)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                &[
                    &x.id,
                    &user,
                    &a.id,
                    &x.kind.as_str(),
                    &ts("at", x.at)?,
                    &x.contact_id,
                    &word(x.channel),
                    &x.note,
                    &word(x.outcome),
                    &x.decision_phrase,
                    &date(x.decision_date),
                ],
            )?;
        }
        for x in &full.notes {
            saw("note", x.id);
            tx.execute(
                "INSERT INTO note (id, user_id, application_id, interview_id, kind, text)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &x.id,
                    &user,
                    &a.id,
                    &x.interview_id,
                    &x.kind.as_str(),
                    &x.text,
                ],
            )?;
        }
        for s in &full.skipped {
            saw("skipped_step", s.id);
            tx.execute(
                "INSERT INTO skipped_step (id, user_id, application_id, kind, contact_id,
                    interview_id, at, note)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    &s.id,
                    &user,
                    &a.id,
                    &s.kind.as_str(),
                    &s.contact_id,
                    &s.interview_id,
                    &ts("at", s.at)?,
                    &s.note,
                ],
            )?;
        }
    }
    for s in &backup.invite_sequences {
        tx.execute(
            "INSERT INTO invite_sequence (user_id, interview_id, sequence) VALUES ($1, $2, $3)",
            &[&user, &s.interview_id, &s.sequence],
        )?;
    }
    for m in &backup.outbox {
        saw("outbox", m.id);
        super::sends::insert_row(tx, user, m)?;
    }
    // An application's count is the backup's (a format 1 backup has none: the
    // triggers counted the rows just written), and above what it was here.
    let restored: HashMap<i64, i64> = backup
        .plan_gens
        .iter()
        .map(|g| (g.application_id, g.gen))
        .collect();
    for full in &backup.applications {
        let id = full.application.id;
        let here = before.get(&id).map_or(0, |g| g.saturating_add(1));
        match restored.get(&id) {
            Some(&gen) => tx.execute(
                "UPDATE plan_gen SET gen = $3 WHERE user_id = $1 AND application_id = $2",
                &[&user, &id, &gen.max(here)],
            )?,
            None => tx.execute(
                "UPDATE plan_gen SET gen = greatest(gen, $3)
                 WHERE user_id = $1 AND application_id = $2",
                &[&user, &id, &here],
            )?,
        };
    }
    // The sequences (shared by every user) move past every id restored and every id
    // the backup says was given, so none is given again. `setval` is not
    // transactional, and a `nextval` of another transaction between the check and the
    // set would be undone: it only happens when the backup's ids are above every id
    // this database gave (a new database), and then a later insert fails on the
    // primary key rather than sharing an id.
    for (table, &id) in &backup.last_ids {
        if let Some(&t) = crate::write::TABLES_WITH_IDS
            .iter()
            .find(|&&t| t == table.as_str())
        {
            saw(t, id);
        }
    }
    for (table, id) in last {
        // `table` is one of the fixed names above, never the backup's text.
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), $1)
                 FROM {table}_id_seq WHERE last_value < $1 OR NOT is_called"
            ),
            &[&id],
        )?;
    }
    Ok(())
}

/// The interview imported from the invitation `uid`, if any.
fn interview_by_uid(tx: &mut Tx<'_>, user: i64, uid: &str) -> Result<Option<Interview>> {
    let found = query(
        tx,
        "SELECT id FROM interview WHERE user_id = $1 AND uid = $2",
        &[&user, &uid],
    )?;
    match found.first().map(|r| r.get::<_, i64>(0)) {
        Some(id) => interview_row(tx, user, id).map(Some),
        None => Ok(None),
    }
}

/// An import's writes in one transaction of the user ([`Facts::with_invite_writes`]).
struct PgInviteWrites<'t, 'a> {
    tx: &'t mut Tx<'a>,
    user: i64,
}

impl InviteWrites for PgInviteWrites<'_, '_> {
    fn find_interview_by_uid(&mut self, uid: &str) -> Result<Option<Interview>> {
        // Imports of one invitation take turns until the commit (a lock of the
        // transaction): the second reads what the first wrote, as on SQLite, instead of
        // an older SEQUENCE winning or a second insert of the uid failing.
        self.tx
            .execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, $2))",
                &[&uid, &self.user],
            )
            .map_err(pg_err)?;
        interview_by_uid(self.tx, self.user, uid)
    }

    fn company_and_role(&mut self, application_id: i64) -> Result<(String, String)> {
        let rows = query(
            self.tx,
            "SELECT company, role FROM application WHERE user_id = $1 AND id = $2",
            &[&self.user, &application_id],
        )?;
        rows.first()
            .map(|r| (r.get(0), r.get(1)))
            .ok_or(StoreError::NotFound {
                what: "application",
                id: application_id,
            })
    }

    fn invite_sequence(&mut self, interview_id: i64) -> Result<Option<i64>> {
        let rows = query(
            self.tx,
            "SELECT sequence FROM invite_sequence WHERE user_id = $1 AND interview_id = $2",
            &[&self.user, &interview_id],
        )?;
        Ok(rows.first().map(|r| r.get(0)))
    }

    fn set_invite_sequence(&mut self, interview_id: i64, sequence: i64) -> Result<()> {
        query(
            self.tx,
            "INSERT INTO invite_sequence (user_id, interview_id, sequence) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, interview_id) DO UPDATE SET sequence = EXCLUDED.sequence",
            &[&self.user, &interview_id, &sequence],
        )?;
        Ok(())
    }

    fn update_read_interview(&mut self, read: Interview, patch: &InterviewPatch) -> Result<()> {
        write_interview_patch(self.tx, self.user, read, patch)
    }

    fn open_application_of(&mut self, company: &str) -> Result<Option<i64>> {
        let rows = query(
            self.tx,
            "SELECT id FROM application WHERE user_id = $1 AND closed_at IS NULL
                AND lower(company) = lower($2) ORDER BY id DESC LIMIT 1",
            &[&self.user, &company.trim()],
        )?;
        Ok(rows.first().map(|r| r.get(0)))
    }

    fn add_interview(&mut self, application_id: i64, new: &NewInterview) -> Result<i64> {
        new.validate()?;
        require_application(self.tx, self.user, application_id)?;
        insert_interview(self.tx, self.user, application_id, new, &[])
    }

    fn add_application_with_interviews(&mut self, new: &NewApplication) -> Result<(i64, Vec<i64>)> {
        new.validate()?;
        let id = insert_application(self.tx, self.user, new)?;
        // Made in the order given, by one sequence: their ids are in that order.
        let rows = query(
            self.tx,
            "SELECT id FROM interview WHERE user_id = $1 AND application_id = $2 ORDER BY id",
            &[&self.user, &id],
        )?;
        Ok((id, rows.iter().map(|r| r.get(0)).collect()))
    }

    fn add_contact(&mut self, application_id: i64, new: &NewContact) -> Result<i64> {
        new.validate()?;
        require_application(self.tx, self.user, application_id)?;
        insert_contact(self.tx, self.user, application_id, new)
    }

    fn contact_names(&mut self, application_id: i64) -> Result<Vec<(i64, String, Option<String>)>> {
        let rows = query(
            self.tx,
            "SELECT id, name, email FROM contact WHERE user_id = $1 AND application_id = $2
             ORDER BY id",
            &[&self.user, &application_id],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
}

/// A calendar's layer as its columns: the base region, whether it replaces.
fn layer_columns(layer: &HolidayLayer) -> (Option<String>, bool) {
    match layer {
        HolidayLayer::Adds => (None, false),
        HolidayLayer::On(b) => (Some(b.trim().to_string()), false),
        HolidayLayer::Replaces => (None, true),
    }
}

/// Creates the user's calendar `name` (any case; with the id `id` when given and the
/// name is new), or replaces its layer and all its days; its id.
fn put_calendar(
    tx: &mut Tx<'_>,
    user: i64,
    id: Option<i64>,
    name: &str,
    base: Option<&str>,
    replaces: bool,
    days: &[(jiff::civil::Date, String)],
) -> std::result::Result<i64, postgres::Error> {
    let id: i64 = tx
        .query_one(
            "INSERT INTO holiday_calendar (id, user_id, name, base, replaces)
             VALUES (coalesce($1, nextval(pg_get_serial_sequence('holiday_calendar', 'id'))),
                     $2, $3, $4, $5)
             ON CONFLICT (user_id, lower(name)) DO UPDATE SET name = excluded.name,
                base = excluded.base, replaces = excluded.replaces
             RETURNING id",
            &[&id, &user, &name.trim(), &base, &replaces],
        )?
        .get(0);
    tx.execute(
        "DELETE FROM holiday WHERE user_id = $1 AND calendar_id = $2",
        &[&user, &id],
    )?;
    for (position, (day, n)) in days.iter().enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO holiday (user_id, calendar_id, date, name, position)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[&user, &id, &day.to_string(), &n.trim(), &position],
        )?;
    }
    Ok(id)
}
