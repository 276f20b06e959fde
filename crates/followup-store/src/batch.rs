//! Several writes in one transaction, for imports: all applied or none.

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::model::{
    ApplicationFull, Interview, InterviewPatch, NewApplication, NewContact, NewInterview,
};
use crate::write::{
    insert_application, insert_application_with, insert_contact, insert_interview,
    require_application,
};
use crate::Store;

/// The writes of one [`Store::batch`]: the same checks as the store's own methods, in
/// one `BEGIN IMMEDIATE` transaction.
pub struct Batch<'a> {
    c: &'a Connection,
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
        self.write(|c| f(&mut Batch { c }))
    }
}

impl Batch<'_> {
    /// As [`Store::add_application`].
    pub fn add_application(&mut self, new: &NewApplication) -> Result<i64> {
        new.validate()?;
        insert_application(self.c, new)
    }

    /// As [`add_application`](Self::add_application), also returning the ids of its
    /// interviews, in the order given.
    pub fn add_application_with_interviews(
        &mut self,
        new: &NewApplication,
    ) -> Result<(i64, Vec<i64>)> {
        new.validate()?;
        let mut interviews = Vec::with_capacity(new.interviews.len());
        let id = insert_application_with(self.c, new, &mut interviews)?;
        Ok((id, interviews))
    }

    /// As [`Store::add_interview`].
    pub fn add_interview(&mut self, application_id: i64, new: &NewInterview) -> Result<i64> {
        new.validate()?;
        require_application(self.c, application_id)?;
        insert_interview(self.c, application_id, new, &[])
    }

    /// As [`Store::add_contact`].
    pub fn add_contact(&mut self, application_id: i64, new: &NewContact) -> Result<i64> {
        new.validate()?;
        require_application(self.c, application_id)?;
        insert_contact(self.c, application_id, new)
    }

    /// As [`Store::update_interview`].
    pub fn update_interview(&mut self, interview_id: i64, patch: &InterviewPatch) -> Result<()> {
        crate::write::update_interview_row(self.c, interview_id, patch)
    }

    /// As [`update_interview`](Self::update_interview), for an interview this batch
    /// has just read (with [`find_interview_by_uid`](Self::find_interview_by_uid)):
    /// its row is not read a second time.
    pub fn update_read_interview(&mut self, read: Interview, patch: &InterviewPatch) -> Result<()> {
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
