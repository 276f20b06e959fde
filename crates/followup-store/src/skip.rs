//! Skipped steps (schema 11): the steps the user chose not to take.

use followup_core::plan::StepKind;
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::error::{Result, StoreError};
use crate::model::{NewSkip, SkippedStep};
use crate::sql::Cols;
use crate::write::{require_application, require_child};
use crate::Store;

pub(crate) const SELECT: &str =
    "SELECT id, application_id, kind, contact_id, interview_id, at, note FROM skipped_step";

impl crate::sql::Word for StepKind {
    fn all() -> &'static [Self] {
        &StepKind::ALL
    }
    fn word(self) -> &'static str {
        self.as_str()
    }
}

pub(crate) fn read(row: &Row<'_>) -> Result<SkippedStep> {
    crate::rows::skipped(&mut Cols::new(row))
}

impl NewSkip {
    /// Check the note and the moment.
    pub fn validate(&self) -> Result<()> {
        if let Some(n) = &self.note {
            crate::validate::text("note", n)?;
        }
        crate::sql::ts("at", self.at)?;
        Ok(())
    }
}

impl SkippedStep {
    pub(crate) fn validate_at(&self, p: &str) -> Result<()> {
        if let Some(n) = &self.note {
            crate::validate::text(&format!("{p}.note"), n)?;
        }
        crate::sql::ts(&format!("{p}.at"), self.at)?;
        Ok(())
    }
}

pub(crate) fn insert_row(c: &Connection, s: &SkippedStep) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO skipped_step (id, application_id, kind, contact_id, interview_id, at, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        s.id,
        s.application_id,
        s.kind.as_str(),
        s.contact_id,
        s.interview_id,
        crate::sql::ts("at", s.at)?,
        s.note,
    ])?;
    Ok(())
}

fn one(c: &Connection, application_id: i64, id: i64) -> Result<Option<SkippedStep>> {
    let sql = format!("{SELECT} WHERE id = ?1 AND application_id = ?2");
    c.prepare_cached(&sql)?
        .query_row([id, application_id], |row| Ok(read(row)))
        .optional()?
        .transpose()
}

impl Store {
    /// Record that the user skips a step of the application; returns it as stored.
    /// The contact and the round must be the application's.
    pub fn skip_step(&mut self, application_id: i64, new: &NewSkip) -> Result<SkippedStep> {
        new.validate()?;
        self.write(|c| {
            require_application(c, application_id)?;
            if let Some(id) = new.contact_id {
                require_child(c, "contact", application_id, id)?;
            }
            if let Some(id) = new.interview_id {
                require_child(c, "interview", application_id, id)?;
            }
            c.prepare_cached(
                "INSERT INTO skipped_step (application_id, kind, contact_id, interview_id, at, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                application_id,
                new.kind.as_str(),
                new.contact_id,
                new.interview_id,
                crate::sql::ts("at", new.at)?,
                new.note,
            ])?;
            let id = c.last_insert_rowid();
            one(c, application_id, id)?.ok_or(StoreError::NotFound {
                what: "skipped step",
                id,
            })
        })
    }

    /// Take a skip back (the step is planned again); returns what was removed.
    pub fn unskip_step(&mut self, application_id: i64, id: i64) -> Result<SkippedStep> {
        self.write(|c| {
            require_application(c, application_id)?;
            let found = one(c, application_id, id)?.ok_or(StoreError::NotFound {
                what: "skipped step",
                id,
            })?;
            c.prepare_cached("DELETE FROM skipped_step WHERE id = ?1")?
                .execute([id])?;
            Ok(found)
        })
    }
}
