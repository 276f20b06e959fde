//! The facts of one user behind one interface, on either backend: [`Facts`].
//!
//! [`Store`] (one SQLite file, one user) and [`pg::UserStore`](crate::pg::UserStore)
//! (one user's rows of a PostgreSQL database) both implement it, with the same
//! validation, the same errors and the same records, so code written against
//! `&mut dyn Facts` runs on either; the store's shared test suite
//! (`tests/backends.rs`) is written that way and runs every test on both.
//!
//! It holds the core operations on the facts: applications with everything attached,
//! interviews, contacts, touchpoints, notes, the status, the profile, and a whole
//! backup out and in, and the writes of an invitation's import ([`InviteWrites`], in
//! one transaction), and a user's outbox (what is queued, sent, failed), and what reading their mailbox
//! kept (folders read, proposals, addresses that bounce). The rest of [`Store`] (the
//! agenda cache, the dispatcher's claims...) is SQLite only; on PostgreSQL the workers claim and mark messages through
//! [`pg::sends`](crate::pg::sends).
//!
//! ```
//! use followup_store::{Facts, NewApplication, Store};
//!
//! fn count_open(facts: &mut dyn Facts) -> followup_store::Result<usize> {
//!     Ok(facts.application_counts()?.0)
//! }
//!
//! let mut store = Store::open_in_memory()?;
//! let at: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
//! store.add_application(&NewApplication::new("Acme", "Backend Developer", at))?;
//! assert_eq!(count_open(&mut store)?, 1);
//! # Ok::<(), followup_store::StoreError>(())
//! ```

use std::collections::HashMap;

use jiff::Timestamp;

use crate::holidays::HolidayLayer;
use crate::mail::{MailProposal, NewMailProposal, ProposalStatus};
use crate::model::{
    ApplicationFull, ApplicationPatch, Backup, ContactPatch, HolidayCalendarDays, Interview,
    InterviewPatch, NewApplication, NewContact, NewInterview, NewNote, NewSkip, NewTouchpoint,
    Profile, SkippedStep, Status,
};
use crate::outbox::{NewOutboxMessage, OutboxMessage};
use crate::{Result, Store};

/// The core operations on one user's facts, on either backend. Each method has the
/// meaning of the [`Store`] method of the same name: input is checked before anything
/// is written (bad input is [`StoreError::Invalid`](crate::StoreError::Invalid) and
/// writes nothing), each write is one transaction, and an id that is not the user's is
/// [`StoreError::NotFound`](crate::StoreError::NotFound).
pub trait Facts {
    /// [`Store::add_application`].
    fn add_application(&mut self, new: &NewApplication) -> Result<i64>;
    /// [`Store::application`].
    fn application(&mut self, id: i64) -> Result<ApplicationFull>;
    /// [`Store::applications`].
    fn applications(&mut self, include_closed: bool) -> Result<Vec<ApplicationFull>>;
    /// [`Store::application_counts`]: (open, closed).
    fn application_counts(&mut self) -> Result<(usize, usize)>;
    /// [`Store::add_interview`].
    fn add_interview(&mut self, application_id: i64, new: &NewInterview) -> Result<i64>;
    /// [`Store::add_contact`].
    fn add_contact(&mut self, application_id: i64, new: &NewContact) -> Result<i64>;
    /// [`Store::add_touchpoint`].
    fn add_touchpoint(&mut self, application_id: i64, new: &NewTouchpoint) -> Result<i64>;
    /// [`Store::add_note`].
    fn add_note(
        &mut self,
        application_id: i64,
        interview_id: Option<i64>,
        new: &NewNote,
    ) -> Result<i64>;
    /// [`Store::add_notes`].
    fn add_notes(
        &mut self,
        application_id: i64,
        interview_id: Option<i64>,
        notes: &[NewNote],
    ) -> Result<Vec<i64>>;
    /// [`Store::set_status`].
    fn set_status(&mut self, application_id: i64, status: Status, at: Timestamp) -> Result<()>;
    /// [`Store::update_application`].
    fn update_application(&mut self, application_id: i64, patch: &ApplicationPatch) -> Result<()>;
    /// [`Store::delete_application`].
    fn delete_application(&mut self, application_id: i64) -> Result<()>;
    /// [`Store::set_profile`].
    fn set_profile(&mut self, profile: &Profile) -> Result<()>;
    /// [`Store::profile`].
    fn profile(&mut self) -> Result<Option<Profile>>;
    /// [`Store::export`].
    fn export(&mut self) -> Result<Backup>;
    /// [`Store::restore`].
    fn restore(&mut self, backup: &Backup) -> Result<()>;
    /// [`Store::skip_step`].
    fn skip_step(&mut self, application_id: i64, new: &NewSkip) -> Result<SkippedStep>;
    /// [`Store::unskip_step`].
    fn unskip_step(&mut self, application_id: i64, id: i64) -> Result<SkippedStep>;
    /// [`Store::remove_note`].
    fn remove_note(&mut self, application_id: i64, note_id: i64) -> Result<()>;
    /// [`Store::remove_contact`].
    fn remove_contact(&mut self, application_id: i64, contact_id: i64) -> Result<()>;
    /// [`Store::update_contact`].
    fn update_contact(
        &mut self,
        application_id: i64,
        contact_id: i64,
        patch: &ContactPatch,
    ) -> Result<()>;
    /// [`Store::delete_touchpoint`].
    fn delete_touchpoint(&mut self, application_id: i64, touchpoint_id: i64) -> Result<()>;
    /// [`Store::interview`].
    fn interview(&mut self, id: i64) -> Result<Interview>;
    /// [`Store::find_interview_by_uid`].
    fn find_interview_by_uid(&mut self, uid: &str) -> Result<Option<Interview>>;
    /// [`Store::add_round`]: (interview id, the `reopened` touchpoint's id).
    fn add_round(
        &mut self,
        application_id: i64,
        new: &NewInterview,
        reopen: Option<Timestamp>,
    ) -> Result<(i64, Option<i64>)>;
    /// [`Store::add_contact_in_rounds`].
    fn add_contact_in_rounds(
        &mut self,
        application_id: i64,
        new: &NewContact,
        interviews: &[i64],
    ) -> Result<i64>;
    /// [`Store::update_interview`].
    fn update_interview(&mut self, interview_id: i64, patch: &InterviewPatch) -> Result<()>;
    /// [`Store::plan_gens`]: each application's change count, by application id. It
    /// only grows, with every change to what planning reads of the application (kept
    /// by triggers on both backends), so a calendar can use it in a `SEQUENCE`.
    fn plan_gens(&mut self) -> Result<HashMap<i64, i64>>;
    /// [`Store::update_application_and_interview`].
    fn update_application_and_interview(
        &mut self,
        application_id: i64,
        patch: &ApplicationPatch,
        interview_id: i64,
        interview: &InterviewPatch,
    ) -> Result<()>;

    /// Runs `f` over the writes of an invitation's import ([`InviteWrites`]) in one
    /// transaction: committed when `f` returns `Ok`, nothing written otherwise.
    fn with_invite_writes(
        &mut self,
        f: &mut dyn FnMut(&mut dyn InviteWrites) -> Result<()>,
    ) -> Result<()>;

    /// [`Store::set_holiday_calendar_layer`]: creates the custom holiday calendar
    /// `name`, or replaces its days, in one transaction.
    fn set_holiday_calendar_layer(
        &mut self,
        name: &str,
        days: &[(jiff::civil::Date, String)],
        layer: &HolidayLayer,
    ) -> Result<()>;

    /// Every custom holiday calendar with its days, by name (without regard to ASCII
    /// case), each calendar's days by date.
    fn holiday_calendars_with_days(&mut self) -> Result<Vec<HolidayCalendarDays>>;

    /// [`Store::outbox_queue`].
    fn outbox_queue(&mut self, new: &NewOutboxMessage) -> Result<OutboxMessage>;
    /// [`Store::outbox_message`].
    fn outbox_message(&mut self, id: i64) -> Result<OutboxMessage>;
    /// [`Store::outbox`].
    fn outbox(&mut self) -> Result<Vec<OutboxMessage>>;
    /// [`Store::outbox_thread`].
    fn outbox_thread(
        &mut self,
        application_id: i64,
        contact_id: i64,
        before: Timestamp,
    ) -> Result<Option<OutboxMessage>>;
    /// [`Store::outbox_cancel`].
    fn outbox_cancel(&mut self, id: i64) -> Result<OutboxMessage>;
    /// [`Store::outbox_reschedule`].
    fn outbox_reschedule(&mut self, id: i64, at: Timestamp) -> Result<OutboxMessage>;
    /// [`Store::outbox_retry`].
    fn outbox_retry(&mut self, id: i64, at: Timestamp) -> Result<OutboxMessage>;
    /// [`Store::message_id_of_touchpoint`].
    fn message_id_of_touchpoint(&mut self, touchpoint_id: i64) -> Result<Option<String>>;

    /// [`Store::mail_folder`].
    fn mail_folder(&mut self, name: &str) -> Result<Option<(u32, u32)>>;
    /// [`Store::mail_record_sync`].
    fn mail_record_sync(
        &mut self,
        folder: &str,
        uidvalidity: u32,
        last_uid: u32,
        proposals: &[NewMailProposal],
    ) -> Result<Vec<i64>>;
    /// [`Store::mail_proposals`].
    fn mail_proposals(&mut self, all: bool) -> Result<Vec<MailProposal>>;
    /// [`Store::mail_proposal`].
    fn mail_proposal(&mut self, id: i64) -> Result<MailProposal>;
    /// [`Store::mail_settle`].
    fn mail_settle(
        &mut self,
        id: i64,
        status: ProposalStatus,
        touchpoint: Option<i64>,
    ) -> Result<bool>;
    /// [`Store::mail_message_ids`].
    fn mail_message_ids(&mut self) -> Result<HashMap<String, i64>>;
    /// [`Store::mail_add_bad_address`].
    fn mail_add_bad_address(&mut self, address: &str, at: Timestamp) -> Result<()>;
    /// [`Store::mail_bad_addresses`].
    fn mail_bad_addresses(&mut self) -> Result<Vec<String>>;
    /// [`Store::mail_forget`].
    fn mail_forget(&mut self) -> Result<usize>;
}

/// The SQLite store, unchanged: each method is the inherent one.
impl Facts for Store {
    fn add_application(&mut self, new: &NewApplication) -> Result<i64> {
        Store::add_application(self, new)
    }
    fn application(&mut self, id: i64) -> Result<ApplicationFull> {
        Store::application(self, id)
    }
    fn applications(&mut self, include_closed: bool) -> Result<Vec<ApplicationFull>> {
        Store::applications(self, include_closed)
    }
    fn application_counts(&mut self) -> Result<(usize, usize)> {
        Store::application_counts(self)
    }
    fn add_interview(&mut self, application_id: i64, new: &NewInterview) -> Result<i64> {
        Store::add_interview(self, application_id, new)
    }
    fn add_contact(&mut self, application_id: i64, new: &NewContact) -> Result<i64> {
        Store::add_contact(self, application_id, new)
    }
    fn add_touchpoint(&mut self, application_id: i64, new: &NewTouchpoint) -> Result<i64> {
        Store::add_touchpoint(self, application_id, new)
    }
    fn add_note(
        &mut self,
        application_id: i64,
        interview_id: Option<i64>,
        new: &NewNote,
    ) -> Result<i64> {
        Store::add_note(self, application_id, interview_id, new)
    }
    fn add_notes(
        &mut self,
        application_id: i64,
        interview_id: Option<i64>,
        notes: &[NewNote],
    ) -> Result<Vec<i64>> {
        Store::add_notes(self, application_id, interview_id, notes)
    }
    fn set_status(&mut self, application_id: i64, status: Status, at: Timestamp) -> Result<()> {
        Store::set_status(self, application_id, status, at)
    }
    fn update_application(&mut self, application_id: i64, patch: &ApplicationPatch) -> Result<()> {
        Store::update_application(self, application_id, patch)
    }
    fn delete_application(&mut self, application_id: i64) -> Result<()> {
        Store::delete_application(self, application_id)
    }
    fn set_profile(&mut self, profile: &Profile) -> Result<()> {
        Store::set_profile(self, profile)
    }
    fn profile(&mut self) -> Result<Option<Profile>> {
        Store::profile(self)
    }
    fn export(&mut self) -> Result<Backup> {
        Store::export(self)
    }
    fn restore(&mut self, backup: &Backup) -> Result<()> {
        Store::restore(self, backup)
    }
    fn skip_step(&mut self, application_id: i64, new: &NewSkip) -> Result<SkippedStep> {
        Store::skip_step(self, application_id, new)
    }
    fn unskip_step(&mut self, application_id: i64, id: i64) -> Result<SkippedStep> {
        Store::unskip_step(self, application_id, id)
    }
    fn remove_note(&mut self, application_id: i64, note_id: i64) -> Result<()> {
        Store::remove_note(self, application_id, note_id)
    }
    fn remove_contact(&mut self, application_id: i64, contact_id: i64) -> Result<()> {
        Store::remove_contact(self, application_id, contact_id)
    }
    fn update_contact(
        &mut self,
        application_id: i64,
        contact_id: i64,
        patch: &ContactPatch,
    ) -> Result<()> {
        Store::update_contact(self, application_id, contact_id, patch)
    }
    fn delete_touchpoint(&mut self, application_id: i64, touchpoint_id: i64) -> Result<()> {
        Store::delete_touchpoint(self, application_id, touchpoint_id)
    }
    fn interview(&mut self, id: i64) -> Result<Interview> {
        Store::interview(self, id)
    }
    fn find_interview_by_uid(&mut self, uid: &str) -> Result<Option<Interview>> {
        Store::find_interview_by_uid(self, uid)
    }
    fn add_round(
        &mut self,
        application_id: i64,
        new: &NewInterview,
        reopen: Option<Timestamp>,
    ) -> Result<(i64, Option<i64>)> {
        Store::add_round(self, application_id, new, reopen)
    }
    fn add_contact_in_rounds(
        &mut self,
        application_id: i64,
        new: &NewContact,
        interviews: &[i64],
    ) -> Result<i64> {
        Store::add_contact_in_rounds(self, application_id, new, interviews)
    }
    fn update_interview(&mut self, interview_id: i64, patch: &InterviewPatch) -> Result<()> {
        Store::update_interview(self, interview_id, patch)
    }
    fn plan_gens(&mut self) -> Result<HashMap<i64, i64>> {
        Store::plan_gens(self)
    }

    fn update_application_and_interview(
        &mut self,
        application_id: i64,
        patch: &ApplicationPatch,
        interview_id: i64,
        interview: &InterviewPatch,
    ) -> Result<()> {
        Store::update_application_and_interview(
            self,
            application_id,
            patch,
            interview_id,
            interview,
        )
    }

    fn with_invite_writes(
        &mut self,
        f: &mut dyn FnMut(&mut dyn InviteWrites) -> Result<()>,
    ) -> Result<()> {
        self.batch(|b| f(b))
    }

    fn set_holiday_calendar_layer(
        &mut self,
        name: &str,
        days: &[(jiff::civil::Date, String)],
        layer: &HolidayLayer,
    ) -> Result<()> {
        Store::set_holiday_calendar_layer(self, name, days, layer)
    }

    fn holiday_calendars_with_days(&mut self) -> Result<Vec<HolidayCalendarDays>> {
        let mut out = Vec::new();
        for c in Store::holiday_calendars(self)? {
            let days = Store::holiday_calendar(self, &c.name)?.unwrap_or_default();
            out.push(HolidayCalendarDays {
                id: None,
                name: c.name,
                days,
                base: c.base,
                replaces: c.replaces,
            });
        }
        Ok(out)
    }

    fn outbox_queue(&mut self, new: &NewOutboxMessage) -> Result<OutboxMessage> {
        Store::outbox_queue(self, new)
    }

    fn outbox_message(&mut self, id: i64) -> Result<OutboxMessage> {
        Store::outbox_message(self, id)
    }

    fn outbox(&mut self) -> Result<Vec<OutboxMessage>> {
        Store::outbox(self)
    }

    fn outbox_thread(
        &mut self,
        application_id: i64,
        contact_id: i64,
        before: Timestamp,
    ) -> Result<Option<OutboxMessage>> {
        Store::outbox_thread(self, application_id, contact_id, before)
    }

    fn outbox_cancel(&mut self, id: i64) -> Result<OutboxMessage> {
        Store::outbox_cancel(self, id)
    }

    fn outbox_reschedule(&mut self, id: i64, at: Timestamp) -> Result<OutboxMessage> {
        Store::outbox_reschedule(self, id, at)
    }

    fn outbox_retry(&mut self, id: i64, at: Timestamp) -> Result<OutboxMessage> {
        Store::outbox_retry(self, id, at)
    }

    fn message_id_of_touchpoint(&mut self, touchpoint_id: i64) -> Result<Option<String>> {
        Store::message_id_of_touchpoint(self, touchpoint_id)
    }

    fn mail_folder(&mut self, name: &str) -> Result<Option<(u32, u32)>> {
        Store::mail_folder(self, name)
    }

    fn mail_record_sync(
        &mut self,
        folder: &str,
        uidvalidity: u32,
        last_uid: u32,
        proposals: &[NewMailProposal],
    ) -> Result<Vec<i64>> {
        Store::mail_record_sync(self, folder, uidvalidity, last_uid, proposals)
    }

    fn mail_proposals(&mut self, all: bool) -> Result<Vec<MailProposal>> {
        Store::mail_proposals(self, all)
    }

    fn mail_proposal(&mut self, id: i64) -> Result<MailProposal> {
        Store::mail_proposal(self, id)
    }

    fn mail_settle(
        &mut self,
        id: i64,
        status: ProposalStatus,
        touchpoint: Option<i64>,
    ) -> Result<bool> {
        Store::mail_settle(self, id, status, touchpoint)
    }

    fn mail_message_ids(&mut self) -> Result<HashMap<String, i64>> {
        Store::mail_message_ids(self)
    }

    fn mail_add_bad_address(&mut self, address: &str, at: Timestamp) -> Result<()> {
        Store::mail_add_bad_address(self, address, at)
    }

    fn mail_bad_addresses(&mut self) -> Result<Vec<String>> {
        Store::mail_bad_addresses(self)
    }

    fn mail_forget(&mut self) -> Result<usize> {
        Store::mail_forget(self)
    }
}

/// What importing calendar invitations reads and writes, inside the one transaction
/// of [`Facts::with_invite_writes`], seeing its own writes. Each method has the
/// meaning of the [`Batch`](crate::Batch) method of the same name.
pub trait InviteWrites {
    /// The interview imported from the invitation `uid`, if any.
    fn find_interview_by_uid(&mut self, uid: &str) -> Result<Option<Interview>>;
    /// The company and role of an application.
    fn company_and_role(&mut self, application_id: i64) -> Result<(String, String)>;
    /// The SEQUENCE of the invitation this interview was last imported from.
    fn invite_sequence(&mut self, interview_id: i64) -> Result<Option<i64>>;
    /// Records the SEQUENCE of the invitation this interview was imported from.
    fn set_invite_sequence(&mut self, interview_id: i64, sequence: i64) -> Result<()>;
    /// Changes an interview just read by [`find_interview_by_uid`](Self::find_interview_by_uid).
    fn update_read_interview(&mut self, read: Interview, patch: &InterviewPatch) -> Result<()>;
    /// The newest active application with this company (any case), if any.
    fn open_application_of(&mut self, company: &str) -> Result<Option<i64>>;
    /// Adds an interview to an application.
    fn add_interview(&mut self, application_id: i64, new: &NewInterview) -> Result<i64>;
    /// Adds an application; its id and its interviews' ids, in the order given.
    fn add_application_with_interviews(&mut self, new: &NewApplication) -> Result<(i64, Vec<i64>)>;
    /// Adds a person to an application.
    fn add_contact(&mut self, application_id: i64, new: &NewContact) -> Result<i64>;
    /// The contacts of an application as (id, name, e-mail), oldest first.
    fn contact_names(&mut self, application_id: i64) -> Result<Vec<(i64, String, Option<String>)>>;
}

impl InviteWrites for crate::Batch<'_> {
    fn find_interview_by_uid(&mut self, uid: &str) -> Result<Option<Interview>> {
        crate::Batch::find_interview_by_uid(self, uid)
    }
    fn company_and_role(&mut self, application_id: i64) -> Result<(String, String)> {
        crate::Batch::company_and_role(self, application_id)
    }
    fn invite_sequence(&mut self, interview_id: i64) -> Result<Option<i64>> {
        crate::Batch::invite_sequence(self, interview_id)
    }
    fn set_invite_sequence(&mut self, interview_id: i64, sequence: i64) -> Result<()> {
        crate::Batch::set_invite_sequence(self, interview_id, sequence)
    }
    fn update_read_interview(&mut self, read: Interview, patch: &InterviewPatch) -> Result<()> {
        crate::Batch::update_read_interview(self, read, patch)
    }
    fn open_application_of(&mut self, company: &str) -> Result<Option<i64>> {
        crate::Batch::open_application_of(self, company)
    }
    fn add_interview(&mut self, application_id: i64, new: &NewInterview) -> Result<i64> {
        crate::Batch::add_interview(self, application_id, new)
    }
    fn add_application_with_interviews(&mut self, new: &NewApplication) -> Result<(i64, Vec<i64>)> {
        crate::Batch::add_application_with_interviews(self, new)
    }
    fn add_contact(&mut self, application_id: i64, new: &NewContact) -> Result<i64> {
        crate::Batch::add_contact(self, application_id, new)
    }
    fn contact_names(&mut self, application_id: i64) -> Result<Vec<(i64, String, Option<String>)>> {
        crate::Batch::contact_names(self, application_id)
    }
}
