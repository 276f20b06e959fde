//! Writes: each public method is one `BEGIN IMMEDIATE` transaction.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::error::{Result, StoreError};
use crate::model::{
    ApplicationPatch, Backup, InterviewPatch, Interviewer, NewApplication, NewContact,
    NewInterview, NewNote, NewTouchpoint, Profile, Status, TouchpointKind, BACKUP_FORMAT,
    BACKUP_FORMAT_OLDEST,
};
use crate::sql::{date, opt_ts, ts, word};
use crate::Store;

impl Store {
    /// Run `f` in a `BEGIN IMMEDIATE` transaction: the write lock is taken first (waiting
    /// up to the busy timeout), so the transaction cannot fail later for lack of it.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Add an application with its contacts, interviews (with their interviewers and
    /// notes) and notes, all or nothing. Returns the new application id.
    pub fn add_application(&mut self, new: &NewApplication) -> Result<i64> {
        new.validate()?;
        self.write(|c| insert_application(c, new))
    }

    /// Add an interview round to an application; returns the interview id. Interviewers
    /// are existing contacts of the application ([`Interviewer::Id`]) or new people
    /// ([`Interviewer::New`]), created in the same transaction.
    pub fn add_interview(&mut self, application_id: i64, new: &NewInterview) -> Result<i64> {
        new.validate()?;
        self.write(|c| {
            require_application(c, application_id)?;
            insert_interview(c, application_id, new, &[])
        })
    }

    /// Add an interview round to an application that is active, all or nothing; returns
    /// the interview id and, when a closed application was reopened, the id of the
    /// `reopened` touchpoint. A closed application is refused ([`StoreError::Closed`])
    /// unless `reopen` gives the moment it is reopened: then a `reopened` touchpoint
    /// at that moment makes it active again, in the same transaction.
    pub fn add_round(
        &mut self,
        application_id: i64,
        new: &NewInterview,
        reopen: Option<Timestamp>,
    ) -> Result<(i64, Option<i64>)> {
        new.validate()?;
        if let Some(at) = reopen {
            ts("at", at)?;
        }
        self.write(|c| {
            let status: Option<String> = c
                .prepare_cached("SELECT status FROM application WHERE id = ?1")?
                .query_row([application_id], |r| r.get(0))
                .optional()?;
            let status = status.ok_or(StoreError::NotFound {
                what: "application",
                id: application_id,
            })?;
            let mut reopened = None;
            if status != Status::Active.as_str() {
                let Some(at) = reopen else {
                    return Err(StoreError::Closed {
                        id: application_id,
                        status,
                    });
                };
                let t = NewTouchpoint::new(TouchpointKind::Reopened, at);
                reopened = Some(insert_touchpoint(c, application_id, &t)?);
                update_status(c, application_id, Status::Active, at)?;
            }
            let id = insert_interview(c, application_id, new, &[])?;
            Ok((id, reopened))
        })
    }

    /// Add a contact to an application; returns the contact id.
    pub fn add_contact(&mut self, application_id: i64, new: &NewContact) -> Result<i64> {
        new.validate()?;
        self.write(|c| {
            require_application(c, application_id)?;
            insert_contact(c, application_id, new)
        })
    }

    /// Record a touchpoint; returns its id. The contact, if any, must belong to the
    /// application. A touchpoint of kind `outcome` also closes the application with that
    /// outcome at that time, and one of kind `reopened` makes it active again, in the
    /// same transaction.
    pub fn add_touchpoint(&mut self, application_id: i64, new: &NewTouchpoint) -> Result<i64> {
        new.validate()?;
        self.write(|c| {
            require_application(c, application_id)?;
            if let Some(contact) = new.contact_id {
                require_child(c, "contact", application_id, contact)?;
            }
            let id = insert_touchpoint(c, application_id, new)?;
            if let (TouchpointKind::Outcome, Some(outcome)) = (new.kind, new.outcome) {
                update_status(c, application_id, outcome.into(), new.at)?;
            }
            if new.kind == TouchpointKind::Reopened {
                update_status(c, application_id, Status::Active, new.at)?;
            }
            Ok(id)
        })
    }

    /// Add a note to an application, or to one of its interviews; returns the note id.
    pub fn add_note(
        &mut self,
        application_id: i64,
        interview_id: Option<i64>,
        new: &NewNote,
    ) -> Result<i64> {
        new.validate()?;
        self.write(|c| {
            require_application(c, application_id)?;
            if let Some(iv) = interview_id {
                require_child(c, "interview", application_id, iv)?;
            }
            insert_note(c, application_id, interview_id, new)
        })
    }

    /// Set the status. Leaving `active` sets `closed_at` to `at`; going back to
    /// `active` clears it.
    pub fn set_status(&mut self, application_id: i64, status: Status, at: Timestamp) -> Result<()> {
        ts("at", at)?;
        self.write(|c| update_status(c, application_id, status, at))
    }

    /// Change the fields named in the patch.
    pub fn update_application(
        &mut self,
        application_id: i64,
        patch: &ApplicationPatch,
    ) -> Result<()> {
        self.write(|c| update_application_row(c, application_id, patch))
    }

    /// Changes an application and one of its interviews together, all or nothing
    /// (`followup edit` with both kinds of flags). The interview must belong to it.
    pub fn update_application_and_interview(
        &mut self,
        application_id: i64,
        patch: &ApplicationPatch,
        interview_id: i64,
        interview: &InterviewPatch,
    ) -> Result<()> {
        self.write(|c| {
            let owner: Option<i64> = c
                .query_row(
                    "SELECT application_id FROM interview WHERE id = ?1",
                    [interview_id],
                    |r| r.get(0),
                )
                .optional()?;
            if owner != Some(application_id) {
                return Err(StoreError::NotFound {
                    what: "interview",
                    id: interview_id,
                });
            }
            update_application_row(c, application_id, patch)?;
            update_interview_row(c, interview_id, interview)
        })
    }

    /// Change the fields named in the patch; `interviewer_ids` replaces the set of
    /// interviewers (contacts of the same application).
    pub fn update_interview(&mut self, interview_id: i64, patch: &InterviewPatch) -> Result<()> {
        self.write(|c| update_interview_row(c, interview_id, patch))
    }

    /// Delete an application and everything attached to it.
    pub fn delete_application(&mut self, application_id: i64) -> Result<()> {
        self.write(|c| {
            let n = c
                .prepare_cached("DELETE FROM application WHERE id = ?1")?
                .execute([application_id])?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "application",
                    id: application_id,
                });
            }
            Ok(())
        })
    }

    /// Set the sender's profile.
    pub fn set_profile(&mut self, profile: &Profile) -> Result<()> {
        profile.validate()?;
        self.write(|c| insert_profile(c, profile))
    }

    /// Replace everything in the store with the backup, in one transaction: if any part
    /// of the backup is refused, the store is left exactly as it was.
    ///
    /// Ids are kept, so references (interviews, touchpoint contacts, note interviews)
    /// stay valid; a reference to a record of another application is refused. So is
    /// the state a backup holds (format 2): the `SEQUENCE` of imported invitations,
    /// each application's change count and the last id given in each table. Neither of
    /// the two counters goes down in this database: an application's change count is
    /// at least one more than it was here, and an id once given here is not given
    /// again. Restored into an empty database, the database is the one backed up, row
    /// for row, but for the agenda cache (derived again when next read).
    pub fn restore(&mut self, backup: &Backup) -> Result<()> {
        if !(BACKUP_FORMAT_OLDEST..=BACKUP_FORMAT).contains(&backup.format) {
            return Err(StoreError::BackupFormat {
                found: backup.format,
                supported: BACKUP_FORMAT,
            });
        }
        validate_backup(backup)?;
        self.write(|c| {
            let before: HashMap<i64, i64> = c
                .prepare("SELECT application_id, gen FROM plan_gen")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            c.execute_batch(
                "DELETE FROM skipped_step; DELETE FROM outbox; DELETE FROM interview_contact; DELETE FROM note; DELETE FROM touchpoint;
                 DELETE FROM contact; DELETE FROM interview; DELETE FROM application;
                 DELETE FROM profile; DELETE FROM holiday; DELETE FROM holiday_calendar;",
            )?;
            restore_all(c, backup, &before).map_err(|e| match e {
                StoreError::Sqlite(e)
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
                {
                    StoreError::invalid("backup", e.to_string())
                }
                e => e,
            })
        })
    }
}

/// The tables whose last id a backup keeps (`sqlite_sequence`): those with
/// `AUTOINCREMENT` ids.
pub(crate) const TABLES_WITH_IDS: &[&str] = &[
    "application",
    "interview",
    "contact",
    "touchpoint",
    "note",
    "holiday_calendar",
    "outbox",
    "skipped_step",
];

/// Everything of a backup, into tables just emptied; `before` holds each
/// application's change count before the restore.
fn restore_all(c: &Connection, backup: &Backup, before: &HashMap<i64, i64>) -> Result<()> {
    for cal in &backup.holiday_calendars {
        crate::holidays::insert_calendar_with_id(
            c,
            cal.id,
            cal.name.trim(),
            &cal.days,
            &cal.layer(),
        )?;
    }
    if let Some(p) = &backup.profile {
        insert_profile(c, p)?;
    }
    restore_rows(c, backup)?;
    for m in &backup.outbox {
        crate::outbox::insert_row(c, m)?;
    }
    for full in &backup.applications {
        for s in &full.skipped {
            crate::skip::insert_row(c, s)?;
        }
    }
    let mut seq =
        c.prepare("INSERT INTO invite_sequence (interview_id, sequence) VALUES (?1, ?2)")?;
    for s in &backup.invite_sequences {
        seq.execute([s.interview_id, s.sequence])?;
    }
    // An application's count is the backup's (a format 1 backup has none: the triggers
    // counted the rows just written), and above what it was here.
    let restored: HashMap<i64, i64> = backup
        .plan_gens
        .iter()
        .map(|g| (g.application_id, g.gen))
        .collect();
    let mut set = c.prepare("UPDATE plan_gen SET gen = ?2 WHERE application_id = ?1")?;
    let mut raise =
        c.prepare("UPDATE plan_gen SET gen = max(gen, ?2) WHERE application_id = ?1")?;
    for full in &backup.applications {
        let id = full.application.id;
        let here = before.get(&id).map_or(0, |g| g.saturating_add(1));
        match restored.get(&id) {
            Some(&gen) => set.execute([id, gen.max(here)])?,
            None => raise.execute([id, here])?,
        };
    }
    for (table, &last) in &backup.last_ids {
        if !TABLES_WITH_IDS.contains(&table.as_str()) {
            return Err(StoreError::invalid(
                format!("last_ids.{table}"),
                "not a table with ids",
            ));
        }
        let updated = c
            .prepare_cached("UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1")?
            .execute(params![table, last])?;
        if updated == 0 {
            c.prepare_cached("INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)")?
                .execute(params![table, last])?;
        }
    }
    Ok(())
}

pub(crate) fn validate_backup(backup: &Backup) -> Result<()> {
    if let Some(p) = &backup.profile {
        p.validate()?;
    }
    for cal in &backup.holiday_calendars {
        crate::holidays::validate_calendar(cal.name.trim(), &cal.days, &cal.layer())?;
    }
    for (i, full) in backup.applications.iter().enumerate() {
        let p = format!("applications[{i}]");
        let app = &full.application;
        app.validate_at(&format!("{p}.application"))?;
        let mismatch = |field: String, found: i64| {
            StoreError::invalid(
                field,
                format!("application id {found} differs from {}", app.id),
            )
        };
        for (j, x) in full.interviews.iter().enumerate() {
            let f = format!("{p}.interviews[{j}]");
            x.validate_at(&f)?;
            if x.application_id != app.id {
                return Err(mismatch(f, x.application_id));
            }
        }
        for (j, x) in full.contacts.iter().enumerate() {
            let f = format!("{p}.contacts[{j}]");
            x.validate_at(&f)?;
            if x.application_id != app.id {
                return Err(mismatch(f, x.application_id));
            }
        }
        for (j, x) in full.touchpoints.iter().enumerate() {
            let f = format!("{p}.touchpoints[{j}]");
            x.validate_at(&f)?;
            if x.application_id != app.id {
                return Err(mismatch(f, x.application_id));
            }
        }
        for (j, x) in full.notes.iter().enumerate() {
            let f = format!("{p}.notes[{j}]");
            x.validate_at(&f)?;
            if x.application_id != app.id {
                return Err(mismatch(f, x.application_id));
            }
        }
        for (j, x) in full.skipped.iter().enumerate() {
            let f = format!("{p}.skipped[{j}]");
            x.validate_at(&f)?;
            if x.application_id != app.id {
                return Err(mismatch(f, x.application_id));
            }
        }
    }
    Ok(())
}

fn restore_rows(c: &Connection, backup: &Backup) -> Result<()> {
    let mut app_stmt = c.prepare(
        "INSERT INTO application (id, company, role, source, link, company_type, seniority,
            region, status, created_at, closed_at, urgent, late_in_process, recipient_tz)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    let mut iv_stmt = c.prepare(
        "INSERT INTO interview (id, application_id, start, tz, duration_minutes, round,
            decision_phrase, decision_date, location, uid, cancelled, title)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut contact_stmt = c.prepare(
        "INSERT INTO contact (id, application_id, name, email, phone, role, tz)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut link_stmt = c.prepare(
        "INSERT OR IGNORE INTO interview_contact (application_id, interview_id, contact_id)
         VALUES (?1, ?2, ?3)",
    )?;
    let mut tp_stmt = c.prepare(
        "INSERT INTO touchpoint (id, application_id, kind, at, contact_id, channel, note,
            outcome, decision_phrase, decision_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut note_stmt = c.prepare(
        "INSERT INTO note (id, application_id, interview_id, kind, text)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for full in &backup.applications {
        let a = &full.application;
        app_stmt.execute(params![
            a.id,
            a.company,
            a.role,
            a.source,
            a.link,
            word(a.company_type),
            word(a.seniority),
            a.region,
            a.status.as_str(),
            ts("created_at", a.created_at)?,
            opt_ts("closed_at", a.closed_at)?,
            a.urgent,
            a.late_in_process,
            a.recipient_tz,
        ])?;
        for x in &full.interviews {
            iv_stmt.execute(params![
                x.id,
                a.id,
                ts("start", x.start)?,
                x.tz,
                x.duration_minutes,
                word(x.round),
                x.decision_phrase,
                date(x.decision_date),
                x.location,
                x.uid,
                x.cancelled,
                x.title,
            ])?;
        }
        for x in &full.contacts {
            contact_stmt.execute(params![
                x.id,
                a.id,
                x.name,
                x.email,
                x.phone,
                x.role.as_str(),
                x.tz,
            ])?;
        }
        for x in &full.interviews {
            for contact in &x.interviewer_ids {
                link_stmt.execute(params![a.id, x.id, contact])?;
            }
        }
        for x in &full.touchpoints {
            tp_stmt.execute(params![
                x.id,
                a.id,
                x.kind.as_str(),
                ts("at", x.at)?,
                x.contact_id,
                word(x.channel),
                x.note,
                word(x.outcome),
                x.decision_phrase,
                date(x.decision_date),
            ])?;
        }
        for x in &full.notes {
            note_stmt.execute(params![x.id, a.id, x.interview_id, x.kind.as_str(), x.text])?;
        }
    }
    Ok(())
}

pub(crate) fn require_application(c: &Connection, id: i64) -> Result<()> {
    let found = c
        .prepare_cached("SELECT 1 FROM application WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?;
    found.ok_or(StoreError::NotFound {
        what: "application",
        id,
    })
}

/// A contact or interview that must exist and belong to the application.
pub(crate) fn require_child(
    c: &Connection,
    what: &'static str,
    application_id: i64,
    id: i64,
) -> Result<()> {
    let sql = match what {
        "contact" => "SELECT application_id FROM contact WHERE id = ?1",
        _ => "SELECT application_id FROM interview WHERE id = ?1",
    };
    let owner: Option<i64> = c
        .prepare_cached(sql)?
        .query_row([id], |r| r.get(0))
        .optional()?;
    match owner {
        None => Err(StoreError::NotFound { what, id }),
        Some(owner) if owner != application_id => Err(StoreError::invalid(
            what,
            format!("{what} {id} belongs to application {owner}, not {application_id}"),
        )),
        Some(_) => Ok(()),
    }
}

/// The error of a write refused by a UNIQUE constraint: an interview's only unique
/// column besides its id (never given) is its calendar `uid`, so the unique index is
/// the check, for inserts and updates alike, without a lookup before each write.
fn uid_taken(e: rusqlite::Error, uid: Option<&String>) -> StoreError {
    match (&e, uid) {
        (rusqlite::Error::SqliteFailure(f, _), Some(uid))
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            StoreError::Duplicate {
                what: "interview uid",
                value: uid.clone(),
            }
        }
        _ => e.into(),
    }
}

pub(crate) fn insert_application(c: &Connection, new: &NewApplication) -> Result<i64> {
    insert_application_with(c, new, &mut Vec::new(), |_, _| Ok(()))
}

/// As [`insert_application`], pushing the ids of the new interviews, in order, and
/// calling `inserted` with the application's id as soon as its row is in.
pub(crate) fn insert_application_with(
    c: &Connection,
    new: &NewApplication,
    interview_ids: &mut Vec<i64>,
    inserted: impl FnOnce(&Connection, i64) -> Result<()>,
) -> Result<i64> {
    let closed_at = (new.status != Status::Active).then_some(new.created_at);
    c.prepare_cached(
        "INSERT INTO application (company, role, source, link, company_type, seniority,
            region, status, created_at, closed_at, urgent, late_in_process, recipient_tz)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        new.company,
        new.role,
        new.source,
        new.link,
        word(new.company_type),
        word(new.seniority),
        new.region,
        new.status.as_str(),
        ts("created_at", new.created_at)?,
        opt_ts("closed_at", closed_at)?,
        new.urgent,
        new.late_in_process,
        new.recipient_tz,
    ])?;
    let id = c.last_insert_rowid();
    inserted(c, id)?;
    let mut contacts = Vec::with_capacity(new.contacts.len());
    for contact in &new.contacts {
        contacts.push(insert_contact(c, id, contact)?);
    }
    for iv in &new.interviews {
        interview_ids.push(insert_interview(c, id, iv, &contacts)?);
    }
    for note in &new.notes {
        insert_note(c, id, None, note)?;
    }
    Ok(id)
}

/// `listed` are the ids of the contacts created with the application, for
/// [`Interviewer::Listed`].
pub(crate) fn insert_interview(
    c: &Connection,
    application_id: i64,
    new: &NewInterview,
    listed: &[i64],
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO interview (application_id, start, tz, duration_minutes, round,
            decision_phrase, decision_date, location, uid, cancelled, title)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        application_id,
        ts("start", new.start)?,
        new.tz,
        new.duration_minutes,
        word(new.round),
        new.decision_phrase,
        date(new.decision_date),
        new.location,
        new.uid,
        new.cancelled,
        new.title,
    ])
    .map_err(|e| uid_taken(e, new.uid.as_ref()))?;
    let id = c.last_insert_rowid();
    for (j, who) in new.interviewers.iter().enumerate() {
        let contact = match who {
            Interviewer::Id(contact) => {
                require_child(c, "contact", application_id, *contact)?;
                *contact
            }
            Interviewer::Listed(k) => *listed.get(*k).ok_or_else(|| {
                StoreError::invalid(
                    format!("interviewers[{j}]"),
                    "a listed contact can only be named when adding an application",
                )
            })?,
            Interviewer::New(contact) => insert_contact(c, application_id, contact)?,
        };
        link(c, application_id, id, contact)?;
    }
    for note in &new.notes {
        insert_note(c, application_id, Some(id), note)?;
    }
    Ok(id)
}

fn link(c: &Connection, application_id: i64, interview_id: i64, contact_id: i64) -> Result<()> {
    c.prepare_cached(
        "INSERT OR IGNORE INTO interview_contact (application_id, interview_id, contact_id)
         VALUES (?1, ?2, ?3)",
    )?
    .execute(params![application_id, interview_id, contact_id])?;
    Ok(())
}

pub(crate) fn insert_contact(c: &Connection, application_id: i64, new: &NewContact) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO contact (application_id, name, email, phone, role, tz)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        application_id,
        new.name,
        new.email,
        new.phone,
        new.role.as_str(),
        new.tz,
    ])?;
    Ok(c.last_insert_rowid())
}

pub(crate) fn insert_touchpoint(
    c: &Connection,
    application_id: i64,
    new: &NewTouchpoint,
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO touchpoint (application_id, kind, at, contact_id, channel, note, outcome,
            decision_phrase, decision_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        application_id,
        new.kind.as_str(),
        ts("at", new.at)?,
        new.contact_id,
        word(new.channel),
        new.note,
        word(new.outcome),
        new.decision_phrase,
        date(new.decision_date),
    ])?;
    Ok(c.last_insert_rowid())
}

pub(crate) fn insert_note(
    c: &Connection,
    application_id: i64,
    interview_id: Option<i64>,
    new: &NewNote,
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO note (application_id, interview_id, kind, text) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        application_id,
        interview_id,
        new.kind.as_str(),
        new.text
    ])?;
    Ok(c.last_insert_rowid())
}

pub(crate) fn update_status(
    c: &Connection,
    application_id: i64,
    status: Status,
    at: Timestamp,
) -> Result<()> {
    let closed_at = (status != Status::Active).then_some(at);
    let n = c
        .prepare_cached("UPDATE application SET status = ?2, closed_at = ?3 WHERE id = ?1")?
        .execute(params![
            application_id,
            status.as_str(),
            opt_ts("at", closed_at)?
        ])?;
    if n == 0 {
        return Err(StoreError::NotFound {
            what: "application",
            id: application_id,
        });
    }
    Ok(())
}

fn insert_profile(c: &Connection, p: &Profile) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO profile (id, name, email, phone) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email,
            phone = excluded.phone",
    )?
    .execute(params![p.name, p.email, p.phone])?;
    Ok(())
}

/// The body of [`Store::update_interview`], on a transaction's connection.
pub(crate) fn update_interview_row(
    c: &Connection,
    interview_id: i64,
    patch: &InterviewPatch,
) -> Result<()> {
    let iv = crate::load::interview_row(c, interview_id)?;
    write_interview_patch(c, iv, patch)
}

/// Applies `patch` to `iv`, the interview's row as just read on `c`, checks and writes it.
pub(crate) fn write_interview_patch(
    c: &Connection,
    mut iv: crate::model::Interview,
    patch: &InterviewPatch,
) -> Result<()> {
    let interview_id = iv.id;
    patch.apply(&mut iv);
    iv.validate_at("")?;
    let changed = c
        .prepare_cached(
            "UPDATE interview SET start = ?2, tz = ?3, duration_minutes = ?4, round = ?5,
                    decision_phrase = ?6, decision_date = ?7, location = ?8, uid = ?9,
                    cancelled = ?10, title = ?11
                 WHERE id = ?1 AND application_id = ?12",
        )?
        .execute(params![
            iv.id,
            ts("start", iv.start)?,
            iv.tz,
            iv.duration_minutes,
            word(iv.round),
            iv.decision_phrase,
            date(iv.decision_date),
            iv.location,
            iv.uid,
            iv.cancelled,
            iv.title,
            iv.application_id,
        ])
        .map_err(|e| uid_taken(e, iv.uid.as_ref()))?;
    if changed == 0 {
        // Gone, or `iv` was not read from this database: never write another
        // application's interview under this one's name.
        return Err(StoreError::NotFound {
            what: "interview",
            id: interview_id,
        });
    }
    if patch.interviewer_ids.is_some() {
        // Both key columns, so the primary key finds the rows (not a scan).
        c.prepare_cached(
            "DELETE FROM interview_contact WHERE application_id = ?1 AND interview_id = ?2",
        )?
        .execute([iv.application_id, interview_id])?;
        for &contact in &iv.interviewer_ids {
            require_child(c, "contact", iv.application_id, contact)?;
            link(c, iv.application_id, interview_id, contact)?;
        }
    }
    Ok(())
}

fn update_application_row(
    c: &Connection,
    application_id: i64,
    patch: &ApplicationPatch,
) -> Result<()> {
    let mut a = crate::load::application_row(c, application_id)?;
    patch.apply(&mut a);
    a.validate_at("")?;
    c.prepare_cached(
        "UPDATE application SET company = ?2, role = ?3, source = ?4, link = ?5,
            company_type = ?6, seniority = ?7, region = ?8, urgent = ?9,
            late_in_process = ?10, recipient_tz = ?11
         WHERE id = ?1",
    )?
    .execute(params![
        a.id,
        a.company,
        a.role,
        a.source,
        a.link,
        word(a.company_type),
        word(a.seniority),
        a.region,
        a.urgent,
        a.late_in_process,
        a.recipient_tz,
    ])?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Contacts and notes after an application was added (`followup contact`, `followup note`).

impl Store {
    /// Add a contact to an application and to the interviews (ids of the same
    /// application) they sat in, all or nothing; returns the contact id.
    pub fn add_contact_in_rounds(
        &mut self,
        application_id: i64,
        new: &NewContact,
        interviews: &[i64],
    ) -> Result<i64> {
        new.validate()?;
        self.write(|c| {
            require_application(c, application_id)?;
            let id = insert_contact(c, application_id, new)?;
            for &iv in interviews {
                require_child(c, "interview", application_id, iv)?;
                link(c, application_id, iv, id)?;
            }
            Ok(id)
        })
    }

    /// Change a contact of the application: the fields named in the patch, and the
    /// rounds they sat in. Checked whole before it is written, all or nothing.
    pub fn update_contact(
        &mut self,
        application_id: i64,
        contact_id: i64,
        patch: &crate::model::ContactPatch,
    ) -> Result<()> {
        self.write(|c| {
            require_application(c, application_id)?;
            require_child(c, "contact", application_id, contact_id)?;
            let mut contact = contact_row(c, contact_id)?;
            patch.apply(&mut contact);
            contact.validate_at("")?;
            c.prepare_cached(
                "UPDATE contact SET name = ?3, email = ?4, phone = ?5, role = ?6, tz = ?7
                 WHERE id = ?1 AND application_id = ?2",
            )?
            .execute(params![
                contact_id,
                application_id,
                contact.name,
                contact.email,
                contact.phone,
                contact.role.as_str(),
                contact.tz,
            ])?;
            for &iv in &patch.join {
                require_child(c, "interview", application_id, iv)?;
                link(c, application_id, iv, contact_id)?;
            }
            for &iv in &patch.leave {
                require_child(c, "interview", application_id, iv)?;
                c.prepare_cached(
                    "DELETE FROM interview_contact
                     WHERE application_id = ?1 AND interview_id = ?2 AND contact_id = ?3",
                )?
                .execute(params![application_id, iv, contact_id])?;
            }
            Ok(())
        })
    }

    /// Remove a contact of the application (and from the rounds they sat in).
    ///
    /// Refused while a logged touchpoint names them: the history keeps who each
    /// message went to, so a contact who has one is corrected, never removed.
    pub fn remove_contact(&mut self, application_id: i64, contact_id: i64) -> Result<()> {
        self.write(|c| {
            require_application(c, application_id)?;
            require_child(c, "contact", application_id, contact_id)?;
            let used: i64 = c
                .prepare_cached(
                    "SELECT count(*) FROM touchpoint WHERE application_id = ?1 AND contact_id = ?2",
                )?
                .query_row([application_id, contact_id], |r| r.get(0))?;
            if used > 0 {
                return Err(StoreError::invalid(
                    "contact",
                    format!(
                        "contact {contact_id} is named by {used} logged touchpoint(s); \
                         the history keeps them, so the contact is kept"
                    ),
                ));
            }
            c.prepare_cached("DELETE FROM contact WHERE id = ?1 AND application_id = ?2")?
                .execute([contact_id, application_id])?;
            Ok(())
        })
    }

    /// Add several notes to an application, or to one of its interviews, all or
    /// nothing; returns their ids in order.
    pub fn add_notes(
        &mut self,
        application_id: i64,
        interview_id: Option<i64>,
        notes: &[NewNote],
    ) -> Result<Vec<i64>> {
        for n in notes {
            n.validate()?;
        }
        self.write(|c| {
            require_application(c, application_id)?;
            if let Some(iv) = interview_id {
                require_child(c, "interview", application_id, iv)?;
            }
            notes
                .iter()
                .map(|n| insert_note(c, application_id, interview_id, n))
                .collect()
        })
    }

    /// Remove a touchpoint of the application (undoing what was just recorded), all
    /// or nothing. When it was an outcome or a reopening, the status becomes what the
    /// history left says: the latest outcome or reopening that remains (closed at that
    /// outcome's time), else active.
    pub fn delete_touchpoint(&mut self, application_id: i64, touchpoint_id: i64) -> Result<()> {
        self.write(|c| {
            require_application(c, application_id)?;
            let kind: Option<String> = c
                .prepare_cached(
                    "SELECT kind FROM touchpoint WHERE id = ?1 AND application_id = ?2",
                )?
                .query_row([touchpoint_id, application_id], |r| r.get(0))
                .optional()?;
            let Some(kind) = kind else {
                return Err(StoreError::NotFound {
                    what: "touchpoint",
                    id: touchpoint_id,
                });
            };
            c.prepare_cached("DELETE FROM touchpoint WHERE id = ?1")?
                .execute([touchpoint_id])?;
            if kind != TouchpointKind::Outcome.as_str() && kind != TouchpointKind::Reopened.as_str()
            {
                return Ok(());
            }
            let last: Option<(String, Option<String>, i64)> = c
                .prepare_cached(
                    "SELECT kind, outcome, at FROM touchpoint
                     WHERE application_id = ?1 AND kind IN ('outcome', 'reopened')
                     ORDER BY at DESC, id DESC LIMIT 1",
                )?
                .query_row([application_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let (status, at) = match last {
                Some((k, Some(o), at)) if k == TouchpointKind::Outcome.as_str() => {
                    let o: crate::model::Outcome =
                        o.parse()
                            .map_err(|e: crate::model::UnknownWord| StoreError::Decode {
                                column: "touchpoint.outcome".into(),
                                value: o.clone(),
                                reason: e.to_string(),
                            })?;
                    (
                        Status::from(o),
                        Timestamp::from_nanosecond(i128::from(at)).unwrap_or_default(),
                    )
                }
                _ => (Status::Active, Timestamp::UNIX_EPOCH),
            };
            update_status(c, application_id, status, at)
        })
    }

    /// Remove a note of the application.
    pub fn remove_note(&mut self, application_id: i64, note_id: i64) -> Result<()> {
        self.write(|c| {
            require_application(c, application_id)?;
            let n = c
                .prepare_cached("DELETE FROM note WHERE id = ?1 AND application_id = ?2")?
                .execute([note_id, application_id])?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "note",
                    id: note_id,
                });
            }
            Ok(())
        })
    }
}

/// One contact's row.
fn contact_row(c: &Connection, id: i64) -> Result<crate::model::Contact> {
    let row = c
        .prepare_cached(
            "SELECT application_id, name, email, phone, role, tz FROM contact WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .optional()?
        .ok_or(StoreError::NotFound {
            what: "contact",
            id,
        })?;
    let (application_id, name, email, phone, role, tz) = row;
    let role = role
        .parse()
        .map_err(|e: crate::model::UnknownWord| StoreError::Decode {
            column: "contact.role".into(),
            value: role.clone(),
            reason: e.to_string(),
        })?;
    Ok(crate::model::Contact {
        id,
        application_id,
        name,
        email,
        phone,
        role,
        tz,
    })
}
