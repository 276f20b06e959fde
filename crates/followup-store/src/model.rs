//! The records the store keeps, the inputs that create them and the patches that change
//! them.
//!
//! Records (`Application`, `Interview`, ...) are what comes out of the store, with ids.
//! `New*` values go in; ids are given by the store. Every enumeration prints and parses
//! as the kebab-case word used on the command line and in JSON (`thank-you`,
//! `hiring-manager`, `no-response`).

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use followup_core::model::{Channel, CompanyType, Round, Seniority, Status, UnknownWord};

use followup_core::plan::StepKind;
use followup_core::word_enum;

word_enum! {
    /// Something that happened between the candidate and the employer after an interview.
    TouchpointKind, "touchpoint kind" {
        /// A thank-you note sent after an interview.
        ThankYou => "thank-you",
        /// The first follow-up after the decision date passed.
        FollowUp => "follow-up",
        /// The second and last follow-up.
        FinalFollowUp => "final-follow-up",
        /// A phone call placed.
        Call => "call",
        /// A voicemail left.
        Voicemail => "voicemail",
        /// A letter posted.
        Letter => "letter",
        /// The employer replied.
        Reply => "reply",
        /// After a rejection: thanks and a request for feedback (T9, M6).
        FeedbackRequest => "feedback-request",
        /// The employer (or the candidate) closed the application.
        Outcome => "outcome",
        /// A closed application was opened again (a new round after an outcome).
        Reopened => "reopened",
    }
}

word_enum! {
    /// How an application ended.
    Outcome, "outcome" {
        Offer => "offer",
        Rejected => "rejected",
        Withdrawn => "withdrawn",
        /// Closed after the final follow-up went unanswered.
        NoResponse => "no-response",
    }
}

word_enum! {
    /// The part a person plays in an application.
    ContactRole, "contact role" {
        Interviewer => "interviewer",
        Recruiter => "recruiter",
        HiringManager => "hiring-manager",
    }
}

word_enum! {
    /// What a note taken after an interview records; these feed the drafts.
    NoteKind, "note kind" {
        /// A topic discussed.
        Topic => "topic",
        /// A strength of the candidate that matches the role.
        Strength => "strength",
        /// A qualification not covered in the interview.
        Gap => "gap",
        /// A question raised.
        Question => "question",
    }
}

impl From<Outcome> for Status {
    fn from(o: Outcome) -> Status {
        match o {
            Outcome::Offer => Status::Offer,
            Outcome::Rejected => Status::Rejected,
            Outcome::Withdrawn => Status::Withdrawn,
            Outcome::NoResponse => Status::NoResponse,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Records

/// A job application: one company, one role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: i64,
    pub company: String,
    pub role: String,
    /// Where the opening was found ("referral", "LinkedIn").
    pub source: Option<String>,
    /// A link to the posting.
    pub link: Option<String>,
    pub company_type: Option<CompanyType>,
    pub seniority: Option<Seniority>,
    /// Region code for public holidays ("US", "DE-BY").
    pub region: Option<String>,
    pub status: Status,
    pub created_at: Timestamp,
    /// When the status left `active`; `None` exactly while the status is `active`.
    pub closed_at: Option<Timestamp>,
    /// The candidate has a competing offer or deadline.
    pub urgent: bool,
    /// The process is in its late stages (final round done).
    pub late_in_process: bool,
    /// IANA zone of the people the messages go to, when it differs from the interview's.
    pub recipient_tz: Option<String>,
}

/// One interview round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interview {
    pub id: i64,
    pub application_id: i64,
    pub start: Timestamp,
    /// IANA zone the interview was scheduled in.
    pub tz: String,
    pub duration_minutes: i64,
    pub round: Option<Round>,
    /// What the employer said about the decision ("within a week").
    pub decision_phrase: Option<String>,
    /// The decision date, when a date was given or derived.
    pub decision_date: Option<Date>,
    /// Address or meeting link.
    pub location: Option<String>,
    /// Calendar UID, to match a later calendar import.
    pub uid: Option<String>,
    pub cancelled: bool,
    pub title: Option<String>,
    /// Ids of the contacts who sat in this interview, ascending.
    #[serde(default)]
    pub interviewer_ids: Vec<i64>,
}

/// A person at the employer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: i64,
    pub application_id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: ContactRole,
    /// IANA zone of this person.
    pub tz: Option<String>,
}

/// A message, call or reply, or the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touchpoint {
    pub id: i64,
    pub application_id: i64,
    pub kind: TouchpointKind,
    pub at: Timestamp,
    /// Who it went to or came from.
    pub contact_id: Option<i64>,
    pub channel: Option<Channel>,
    pub note: Option<String>,
    /// For kind `outcome`.
    pub outcome: Option<Outcome>,
    /// For kind `reply`: a new decision phrase given in the reply.
    pub decision_phrase: Option<String>,
    pub decision_date: Option<Date>,
}

/// A note taken about an application or one of its interviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: i64,
    pub application_id: i64,
    pub interview_id: Option<i64>,
    pub kind: NoteKind,
    pub text: String,
}

/// The sender of the messages (a single row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// An application with everything attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationFull {
    pub application: Application,
    /// Ordered by start, then id.
    pub interviews: Vec<Interview>,
    /// Ordered by id.
    pub contacts: Vec<Contact>,
    /// Ordered by time, then id.
    pub touchpoints: Vec<Touchpoint>,
    /// Ordered by id.
    pub notes: Vec<Note>,
    /// The steps the user skipped, by id (since backup format 4; absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedStep>,
}

/// A planned step the user chose not to take (schema 11): planning leaves it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedStep {
    pub id: i64,
    pub application_id: i64,
    /// The step's kind.
    pub kind: StepKind,
    /// The person it was addressed to; `None`: every recipient of that kind.
    pub contact_id: Option<i64>,
    /// The round it belonged to when it was skipped.
    pub interview_id: Option<i64>,
    /// When it was skipped.
    pub at: Timestamp,
    pub note: Option<String>,
}

/// A skip to record ([`Store::skip_step`](crate::Store::skip_step)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSkip {
    pub kind: StepKind,
    pub contact_id: Option<i64>,
    pub interview_id: Option<i64>,
    pub at: Timestamp,
    pub note: Option<String>,
}

impl ApplicationFull {
    /// The contact with this id, if it belongs to this application.
    pub fn contact(&self, id: i64) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }

    /// The interview with this id, if it belongs to this application.
    pub fn interview(&self, id: i64) -> Option<&Interview> {
        self.interviews.iter().find(|i| i.id == id)
    }
}

/// The format version written in [`Backup::format`].
///
/// - 1: the facts (profile, applications with everything attached, custom holiday
///   calendars).
/// - 2: also the state that is not a fact but changes what the tool does: the
///   `SEQUENCE` of each imported invitation ([`Backup::invite_sequences`]), each
///   application's change count ([`Backup::plan_gens`]), the last id given in each
///   table ([`Backup::last_ids`]) and each holiday calendar's id. Format 1 files are
///   still read: what they lack starts afresh, as it did when they were written.
/// - 3: also the outbox.
/// - 4: also the skipped steps (each application's `skipped`, absent when none).
pub const BACKUP_FORMAT: u32 = 4;

/// The oldest format [`Store::restore`](crate::Store::restore) reads.
pub const BACKUP_FORMAT_OLDEST: u32 = 1;

/// Everything in the store, as written by `export` and read by `restore`: every fact and
/// every piece of state that changes behaviour. Only the agenda cache (what planning
/// last derived, and the counter of holiday calendar changes its entries are checked
/// against) is left out: it is derived again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    /// [`BACKUP_FORMAT`] when written by this build.
    pub format: u32,
    pub profile: Option<Profile>,
    /// Ordered by id.
    pub applications: Vec<ApplicationFull>,
    /// Custom holiday calendars, by name (absent from backups written before them).
    #[serde(default)]
    pub holiday_calendars: Vec<HolidayCalendarDays>,
    /// Since format 2: for each interview imported from an invitation, the `SEQUENCE`
    /// it was last imported with, by interview id; an older version of the invitation
    /// imported later is then recognised as outdated.
    #[serde(default)]
    pub invite_sequences: Vec<InviteSequence>,
    /// Since format 2: how many times each application's facts changed, by application
    /// id. It only grows, and a calendar export's `SEQUENCE` grows with it, so a
    /// calendar keeps taking the events of a restored database as updates.
    #[serde(default)]
    pub plan_gens: Vec<PlanGen>,
    /// Since format 2: the last id given in each table (`sqlite_sequence`), so that ids
    /// of deleted records are not given again after a restore (an export's event UIDs
    /// hold application ids).
    #[serde(default)]
    pub last_ids: std::collections::BTreeMap<String, i64>,
    /// Since format 3: the outbox, by id: what was queued, sent, failed or cancelled
    /// (never a password: none is stored).
    #[serde(default)]
    pub outbox: Vec<crate::outbox::OutboxMessage>,
}

/// The `SEQUENCE` an imported interview was last imported with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteSequence {
    pub interview_id: i64,
    pub sequence: i64,
}

/// How many times an application's facts changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanGen {
    pub application_id: i64,
    pub gen: i64,
}

/// One custom holiday calendar with all its dates, as kept in a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendarDays {
    /// Its id (since format 2; without it, restore gives a new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    /// Its name.
    pub name: String,
    /// Its dates and their names, in date order.
    pub days: Vec<(Date, String)>,
    /// The built-in region it adds to, when one was given (absent from older backups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// It holds every holiday itself instead of adding to a region's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub replaces: bool,
}

// ---------------------------------------------------------------------------------------
// Inputs

/// A new application, with its first interviews, contacts and notes, added at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApplication {
    pub company: String,
    pub role: String,
    pub source: Option<String>,
    pub link: Option<String>,
    pub company_type: Option<CompanyType>,
    pub seniority: Option<Seniority>,
    pub region: Option<String>,
    /// Usually `active`; a closed status sets `closed_at` to `created_at`.
    pub status: Status,
    /// Given by the caller: the store never reads the clock.
    pub created_at: Timestamp,
    pub urgent: bool,
    pub late_in_process: bool,
    pub recipient_tz: Option<String>,
    /// Contacts created with the application; interviews can name them with
    /// [`Interviewer::Listed`].
    pub contacts: Vec<NewContact>,
    pub interviews: Vec<NewInterview>,
    /// Notes about the application as a whole (notes about one interview go in
    /// [`NewInterview::notes`]).
    pub notes: Vec<NewNote>,
}

impl NewApplication {
    /// An active application with nothing else set.
    pub fn new(company: impl Into<String>, role: impl Into<String>, created_at: Timestamp) -> Self {
        NewApplication {
            company: company.into(),
            role: role.into(),
            source: None,
            link: None,
            company_type: None,
            seniority: None,
            region: None,
            status: Status::Active,
            created_at,
            urgent: false,
            late_in_process: false,
            recipient_tz: None,
            contacts: Vec::new(),
            interviews: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Who sat in an interview being added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Interviewer {
    /// A contact already stored for the same application.
    Id(i64),
    /// The n-th entry (from 0) of [`NewApplication::contacts`]; only inside
    /// `add_application`.
    Listed(usize),
    /// A person not stored yet: the contact is created in the same transaction.
    New(NewContact),
}

/// A new interview round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewInterview {
    pub start: Timestamp,
    pub tz: String,
    pub duration_minutes: i64,
    pub round: Option<Round>,
    pub decision_phrase: Option<String>,
    pub decision_date: Option<Date>,
    pub location: Option<String>,
    pub uid: Option<String>,
    pub cancelled: bool,
    pub title: Option<String>,
    pub interviewers: Vec<Interviewer>,
    /// Notes about this interview.
    pub notes: Vec<NewNote>,
}

impl NewInterview {
    /// An interview with nothing else set.
    pub fn new(start: Timestamp, tz: impl Into<String>, duration_minutes: i64) -> Self {
        NewInterview {
            start,
            tz: tz.into(),
            duration_minutes,
            round: None,
            decision_phrase: None,
            decision_date: None,
            location: None,
            uid: None,
            cancelled: false,
            title: None,
            interviewers: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// A new contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContact {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: ContactRole,
    pub tz: Option<String>,
}

impl NewContact {
    /// A contact with only a name and a role.
    pub fn new(name: impl Into<String>, role: ContactRole) -> Self {
        NewContact {
            name: name.into(),
            email: None,
            phone: None,
            role,
            tz: None,
        }
    }
}

/// A new touchpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTouchpoint {
    pub kind: TouchpointKind,
    pub at: Timestamp,
    pub contact_id: Option<i64>,
    pub channel: Option<Channel>,
    pub note: Option<String>,
    pub outcome: Option<Outcome>,
    pub decision_phrase: Option<String>,
    pub decision_date: Option<Date>,
}

impl NewTouchpoint {
    /// A touchpoint with only a kind and a time.
    pub fn new(kind: TouchpointKind, at: Timestamp) -> Self {
        NewTouchpoint {
            kind,
            at,
            contact_id: None,
            channel: None,
            note: None,
            outcome: None,
            decision_phrase: None,
            decision_date: None,
        }
    }
}

/// A new note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNote {
    pub kind: NoteKind,
    pub text: String,
}

impl NewNote {
    /// A note.
    pub fn new(kind: NoteKind, text: impl Into<String>) -> Self {
        NewNote {
            kind,
            text: text.into(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Patches: `None` leaves a field alone; for optional fields `Some(None)` clears it.

/// Changes to an application. The status is changed with `set_status` only, so that
/// `closed_at` follows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationPatch {
    pub company: Option<String>,
    pub role: Option<String>,
    pub source: Option<Option<String>>,
    pub link: Option<Option<String>>,
    pub company_type: Option<Option<CompanyType>>,
    pub seniority: Option<Option<Seniority>>,
    pub region: Option<Option<String>>,
    pub urgent: Option<bool>,
    pub late_in_process: Option<bool>,
    pub recipient_tz: Option<Option<String>>,
}

/// Changes to an interview.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterviewPatch {
    pub start: Option<Timestamp>,
    pub tz: Option<String>,
    pub duration_minutes: Option<i64>,
    pub round: Option<Option<Round>>,
    pub decision_phrase: Option<Option<String>>,
    pub decision_date: Option<Option<Date>>,
    pub location: Option<Option<String>>,
    pub uid: Option<Option<String>>,
    pub cancelled: Option<bool>,
    pub title: Option<Option<String>>,
    /// Replaces the set of interviewers: ids of contacts of the same application.
    pub interviewer_ids: Option<Vec<i64>>,
}

impl ApplicationPatch {
    /// Apply to a record (no validation).
    pub fn apply(&self, a: &mut Application) {
        fn set<T: Clone>(dst: &mut T, src: &Option<T>) {
            if let Some(v) = src {
                *dst = v.clone();
            }
        }
        set(&mut a.company, &self.company);
        set(&mut a.role, &self.role);
        set(&mut a.source, &self.source);
        set(&mut a.link, &self.link);
        set(&mut a.company_type, &self.company_type);
        set(&mut a.seniority, &self.seniority);
        set(&mut a.region, &self.region);
        set(&mut a.urgent, &self.urgent);
        set(&mut a.late_in_process, &self.late_in_process);
        set(&mut a.recipient_tz, &self.recipient_tz);
    }
}

impl InterviewPatch {
    /// Apply to a record (no validation).
    pub fn apply(&self, i: &mut Interview) {
        fn set<T: Clone>(dst: &mut T, src: &Option<T>) {
            if let Some(v) = src {
                *dst = v.clone();
            }
        }
        set(&mut i.start, &self.start);
        set(&mut i.tz, &self.tz);
        set(&mut i.duration_minutes, &self.duration_minutes);
        set(&mut i.round, &self.round);
        set(&mut i.decision_phrase, &self.decision_phrase);
        set(&mut i.decision_date, &self.decision_date);
        set(&mut i.location, &self.location);
        set(&mut i.uid, &self.uid);
        set(&mut i.cancelled, &self.cancelled);
        set(&mut i.title, &self.title);
        if let Some(ids) = &self.interviewer_ids {
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            i.interviewer_ids = ids;
        }
    }
}

/// Changes to a contact (`followup contact edit`). `None` leaves a field alone; for
/// optional fields `Some(None)` clears it. Rounds are interview ids of the same
/// application: the contact is added to `join` and taken out of `leave`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactPatch {
    pub name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub role: Option<ContactRole>,
    pub tz: Option<Option<String>>,
    /// Interviews the contact sat in, added to theirs.
    pub join: Vec<i64>,
    /// Interviews the contact is taken out of.
    pub leave: Vec<i64>,
}

impl ContactPatch {
    /// Apply the fields (not the rounds) to a record (no validation).
    pub fn apply(&self, c: &mut Contact) {
        fn set<T: Clone>(dst: &mut T, src: &Option<T>) {
            if let Some(v) = src {
                *dst = v.clone();
            }
        }
        set(&mut c.name, &self.name);
        set(&mut c.email, &self.email);
        set(&mut c.phone, &self.phone);
        set(&mut c.role, &self.role);
        set(&mut c.tz, &self.tz);
    }

    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == ContactPatch::default()
    }
}
