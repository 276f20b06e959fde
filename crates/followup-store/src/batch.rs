//! Several writes in one transaction, for imports: all applied or none.
//!
//! A batch counts its changes itself. The `plan_gen` triggers (schema 5) raise an
//! application's generation once per row written, so an import of ten thousand
//! invitations would run them eighty thousand times, nearly a fifth of its work.
//! Inside a batch, triggers are off for this connection only
//! (`SQLITE_DBCONFIG_ENABLE_TRIGGER`; other connections and programs keep them).
//! Every [`Batch`] method notes the applications it changes before it writes, so the
//! rows of a method refused halfway count too (a caller may go on after the error);
//! before the commit each one's generation is raised once, in the same transaction.
//! The agenda cache sees exactly what it would have seen with the triggers: a
//! generation that moved for every application whose facts changed, each noted as
//! changed since the agenda's snapshot (schema 7), at the same commit. A created application gets its counter
//! row right after its own. Triggers are turned back on when the batch ends, whether
//! it committed, failed or panicked.

use std::collections::BTreeSet;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::error::Result;
use crate::model::{
    ApplicationFull, Interview, InterviewPatch, NewApplication, NewContact, NewInterview,
};
use crate::write::{
    insert_application_with, insert_contact, insert_interview, require_application,
};
use crate::Store;

/// The writes of one [`Store::batch`]: the same checks as the store's own methods, in
/// one `BEGIN IMMEDIATE` transaction.
pub struct Batch<'a> {
    c: &'a Connection,
    /// Applications created in the batch: their counter row starts at 0.
    created: BTreeSet<i64>,
    /// Applications whose facts the batch changed.
    changed: BTreeSet<i64>,
}

/// Turns this connection's triggers off while it lives.
struct TriggersOff<'a>(&'a Connection);

impl<'a> TriggersOff<'a> {
    fn new(c: &'a Connection) -> Result<Self> {
        c.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        Ok(TriggersOff(c))
    }

    /// Turns them on again, reporting a failure (dropping also turns them on).
    fn end(self) -> Result<()> {
        self.0
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true)?;
        Ok(())
    }
}

impl Drop for TriggersOff<'_> {
    fn drop(&mut self) {
        let _ = self
            .0
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, true);
    }
}

impl Store {
    /// Runs `f` in one transaction: if it returns an error (its own, or a refused
    /// write), nothing it wrote is kept. An import of a file of invitations uses it so
    /// that a problem in the third event does not leave the first two written, and so
    /// that ten thousand events cost one commit.
    ///
    /// ```
    /// use followup_store::{NewApplication, NewInterview, Store};
    /// let mut store = Store::open_in_memory()?;
    /// let at: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
    /// let id = store.batch(|b| {
    ///     let id = b.add_application(&NewApplication::new("Acme", "Engineer", at))?;
    ///     b.add_interview(id, &NewInterview::new(at, "UTC", 60))?;
    ///     Ok(id)
    /// })?;
    /// assert_eq!(store.application(id)?.interviews.len(), 1);
    /// # Ok::<(), followup_store::StoreError>(())
    /// ```
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Batch<'_>) -> Result<T>) -> Result<T> {
        let triggers = TriggersOff::new(&self.conn)?;
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let mut b = Batch {
            c: &tx,
            created: BTreeSet::new(),
            changed: BTreeSet::new(),
        };
        let out = f(&mut b)?;
        b.count_changes()?;
        tx.commit()?;
        triggers.end()?;
        Ok(out)
    }
}

impl Batch<'_> {
    /// Raises the generation of every application changed (and not created) in the
    /// batch, once, and notes every application created or changed as changed since
    /// the agenda's snapshot: what the triggers would have done row by row.
    fn count_changes(&self) -> Result<()> {
        let mut mark = self
            .c
            .prepare_cached("INSERT OR IGNORE INTO agenda_changed (application_id) VALUES (?1)")?;
        for id in self.changed.union(&self.created) {
            mark.execute([id])?;
        }
        let mut bump = self
            .c
            .prepare_cached("UPDATE plan_gen SET gen = gen + 1 WHERE application_id = ?1")?;
        for id in self.changed.difference(&self.created) {
            bump.execute([id])?;
        }
        Ok(())
    }

    /// Notes that planning's facts of `application_id` change. Called before the
    /// write: a method that fails halfway may have written some rows, and a caller
    /// that goes on after the error commits them.
    fn changed(&mut self, application_id: i64) {
        self.changed.insert(application_id);
    }

    /// As [`Store::add_application`].
    pub fn add_application(&mut self, new: &NewApplication) -> Result<i64> {
        Ok(self.add_application_with_interviews(new)?.0)
    }

    /// As [`add_application`](Self::add_application), also returning the ids of its
    /// interviews, in the order given.
    pub fn add_application_with_interviews(
        &mut self,
        new: &NewApplication,
    ) -> Result<(i64, Vec<i64>)> {
        new.validate()?;
        let mut interviews = Vec::with_capacity(new.interviews.len());
        // The counter row (which the application's insert trigger makes) is written
        // right after the application's: it is there even if a later part fails.
        let created = &mut self.created;
        let id = insert_application_with(self.c, new, &mut interviews, |c, id| {
            c.prepare_cached("INSERT INTO plan_gen (application_id, gen) VALUES (?1, 0)")?
                .execute([id])?;
            created.insert(id);
            Ok(())
        })?;
        Ok((id, interviews))
    }

    /// As [`Store::add_interview`].
    pub fn add_interview(&mut self, application_id: i64, new: &NewInterview) -> Result<i64> {
        new.validate()?;
        require_application(self.c, application_id)?;
        self.changed(application_id);
        insert_interview(self.c, application_id, new, &[])
    }

    /// As [`Store::add_contact`].
    pub fn add_contact(&mut self, application_id: i64, new: &NewContact) -> Result<i64> {
        new.validate()?;
        require_application(self.c, application_id)?;
        self.changed(application_id);
        insert_contact(self.c, application_id, new)
    }

    /// As [`Store::update_interview`].
    pub fn update_interview(&mut self, interview_id: i64, patch: &InterviewPatch) -> Result<()> {
        let read = crate::load::interview_row(self.c, interview_id)?;
        self.update_read_interview(read, patch)
    }

    /// As [`update_interview`](Self::update_interview), for an interview this batch
    /// has just read (with [`find_interview_by_uid`](Self::find_interview_by_uid)):
    /// its row is not read a second time. An interview whose stored application is
    /// not `read.application_id` is not found.
    pub fn update_read_interview(&mut self, read: Interview, patch: &InterviewPatch) -> Result<()> {
        self.changed(read.application_id);
        crate::write::write_interview_patch(self.c, read, patch)
    }

    /// As [`Store::find_interview_by_uid`], seeing this batch's writes.
    pub fn find_interview_by_uid(&self, uid: &str) -> Result<Option<Interview>> {
        crate::load::interview_by_uid(self.c, uid)
    }

    /// The SEQUENCE of the invitation this interview was last imported from, if any.
    pub fn invite_sequence(&self, interview_id: i64) -> Result<Option<i64>> {
        Ok(self
            .c
            .prepare_cached("SELECT sequence FROM invite_sequence WHERE interview_id = ?1")?
            .query_row([interview_id], |r| r.get(0))
            .optional()?)
    }

    /// Records the SEQUENCE of the invitation this interview was imported from.
    pub fn set_invite_sequence(&mut self, interview_id: i64, sequence: i64) -> Result<()> {
        self.c
            .prepare_cached(
                "INSERT INTO invite_sequence (interview_id, sequence) VALUES (?1, ?2)
                 ON CONFLICT (interview_id) DO UPDATE SET sequence = excluded.sequence",
            )?
            .execute([interview_id, sequence])?;
        Ok(())
    }

    /// The company and role of an application.
    pub fn company_and_role(&self, application_id: i64) -> Result<(String, String)> {
        self.c
            .prepare_cached("SELECT company, role FROM application WHERE id = ?1")?
            .query_row([application_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or(crate::StoreError::NotFound {
                what: "application",
                id: application_id,
            })
    }

    /// The contacts of an application as (id, name, e-mail), oldest first.
    pub fn contact_names(&self, application_id: i64) -> Result<Vec<(i64, String, Option<String>)>> {
        let mut stmt = self.c.prepare_cached(
            "SELECT id, name, email FROM contact WHERE application_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([application_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// As [`Store::application`], seeing this batch's writes.
    pub fn application(&self, id: i64) -> Result<ApplicationFull> {
        crate::load::application_full(self.c, id)
    }

    /// The newest active application with this company (compared without regard to
    /// ASCII case), if any.
    pub fn open_application_of(&self, company: &str) -> Result<Option<i64>> {
        Ok(self
            .c
            .prepare_cached(
                "SELECT id FROM application WHERE closed_at IS NULL
                    AND company = ?1 COLLATE NOCASE ORDER BY id DESC LIMIT 1",
            )?
            .query_row([company.trim()], |r| r.get(0))
            .optional()?)
    }
}
