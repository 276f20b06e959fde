//! The records of the model made from rows, written once for both backends: each reads
//! its columns in the order of the `SELECT`s (`load.rs` for SQLite, `pg/facts.rs` for
//! PostgreSQL) through [`Columns`].

use crate::error::Result;
use crate::model::{Application, Contact, Interview, Note, SkippedStep, Touchpoint};
use crate::sql::Columns;

pub(crate) fn application(r: &mut impl Columns) -> Result<Application> {
    Ok(Application {
        id: r.int()?,
        company: r.text()?,
        role: r.text()?,
        source: r.opt_text()?,
        link: r.opt_text()?,
        company_type: r.opt_word("application.company_type")?,
        seniority: r.opt_word("application.seniority")?,
        region: r.opt_text()?,
        status: r.word("application.status")?,
        created_at: r.ts("application.created_at")?,
        closed_at: r.opt_ts("application.closed_at")?,
        urgent: r.boolean()?,
        late_in_process: r.boolean()?,
        recipient_tz: r.opt_text()?,
    })
}

/// An interview, without its interviewers (read from `interview_contact`).
pub(crate) fn interview(r: &mut impl Columns) -> Result<Interview> {
    Ok(Interview {
        id: r.int()?,
        application_id: r.int()?,
        start: r.ts("interview.start")?,
        tz: r.text()?,
        duration_minutes: r.minutes()?,
        round: r.opt_word("interview.round")?,
        decision_phrase: r.opt_text()?,
        decision_date: r.opt_date("interview.decision_date")?,
        location: r.opt_text()?,
        uid: r.opt_text()?,
        cancelled: r.boolean()?,
        title: r.opt_text()?,
        interviewer_ids: Vec::new(),
    })
}

pub(crate) fn contact(r: &mut impl Columns) -> Result<Contact> {
    Ok(Contact {
        id: r.int()?,
        application_id: r.int()?,
        name: r.text()?,
        email: r.opt_text()?,
        phone: r.opt_text()?,
        role: r.word("contact.role")?,
        tz: r.opt_text()?,
    })
}

pub(crate) fn touchpoint(r: &mut impl Columns) -> Result<Touchpoint> {
    Ok(Touchpoint {
        id: r.int()?,
        application_id: r.int()?,
        kind: r.word("touchpoint.kind")?,
        at: r.ts("touchpoint.at")?,
        contact_id: r.opt_int()?,
        channel: r.opt_word("touchpoint.channel")?,
        note: r.opt_text()?,
        outcome: r.opt_word("touchpoint.outcome")?,
        decision_phrase: r.opt_text()?,
        decision_date: r.opt_date("touchpoint.decision_date")?,
    })
}

pub(crate) fn note(r: &mut impl Columns) -> Result<Note> {
    Ok(Note {
        id: r.int()?,
        application_id: r.int()?,
        interview_id: r.opt_int()?,
        kind: r.word("note.kind")?,
        text: r.text()?,
    })
}

pub(crate) fn skipped(r: &mut impl Columns) -> Result<SkippedStep> {
    Ok(SkippedStep {
        id: r.int()?,
        application_id: r.int()?,
        kind: r.word("skipped_step.kind")?,
        contact_id: r.opt_int()?,
        interview_id: r.opt_int()?,
        at: r.ts("skipped_step.at")?,
        note: r.opt_text()?,
    })
}
