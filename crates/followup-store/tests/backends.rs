//! One test suite for both backends: every test body is written once against
//! `&mut dyn Facts` and runs twice, on SQLite (a file of its own) as `sqlite::NAME`
//! and on PostgreSQL (a database of its own, one account made with the accounts API)
//! as `postgres::NAME`. Without a PostgreSQL server the second half is reported as
//! ignored with the reason (a failure under CI=true).
//!
//! The `postgres_only::` tests are about what only a shared database has: two users,
//! each seeing nothing of the other's, and the same writes giving the same backup on
//! both backends.

use std::process::ExitCode;

use followup_core::plan::StepKind;
use followup_store::demo::populate;
use followup_store::model::{Channel, CompanyType, Round, Seniority, Status};
use followup_store::pg::Pg;
use followup_store::{
    ApplicationFull, ApplicationPatch, Backup, ContactPatch, ContactRole, Facts,
    HolidayCalendarDays, Interviewer, InviteSequence, NewApplication, NewContact, NewInterview,
    NewMailProposal, NewNote, NewOutboxMessage, NewSkip, NewTouchpoint, NoteKind, Outcome, Profile,
    ProposalStatus, SkippedStep, Store, StoreError, TouchpointKind, BACKUP_FORMAT,
};
use jiff::Timestamp;
use libtest_mimic::{Arguments, Completion, Failed, Trial};

mod pg_db;

use pg_db::{with_owned_db, TestDb};

type Test = fn(&mut dyn Facts) -> Result<(), Failed>;

/// The shared tests: each runs on both backends.
const SHARED: &[(&str, Test)] = &[
    (
        "add_application_stores_everything_and_reads_it_back",
        add_application_reads_back,
    ),
    ("add_application_is_all_or_nothing", all_or_nothing),
    (
        "bad_input_is_refused_before_writing",
        bad_input_writes_nothing,
    ),
    ("unknown_ids_are_not_found", unknown_ids_are_not_found),
    (
        "references_must_stay_inside_their_application",
        references_stay_inside,
    ),
    (
        "touchpoints_come_back_in_time_order_and_an_outcome_closes",
        touchpoints_and_outcome,
    ),
    ("patches_change_only_what_they_name", patches),
    (
        "later_rounds_name_existing_and_new_interviewers",
        later_rounds,
    ),
    ("notes_are_added_all_or_nothing", notes_all_or_nothing),
    ("delete_cascades_and_ids_are_not_reused", delete_cascades),
    ("profile_is_one_row", profile_is_one_row),
    ("counts_and_closed_applications", counts_and_closed),
    (
        "export_restore_export_is_the_same_through_json",
        export_restore_export,
    ),
    ("restore_is_all_or_nothing", restore_all_or_nothing),
    (
        "a_restore_over_the_store_never_lowers_its_counters",
        restore_never_lowers_counters,
    ),
    ("changes_raise_the_change_count", changes_raise_plan_gen),
    (
        "an_invitations_writes_are_one_transaction",
        invite_writes_in_one_transaction,
    ),
    ("a_skip_names_its_own_application_and_is_taken_back", skips),
    (
        "notes_and_contacts_are_removed_but_a_contact_in_the_history_is_kept",
        removals,
    ),
    (
        "a_contact_is_patched_and_moved_between_rounds",
        contact_patch,
    ),
    (
        "deleting_an_outcome_gives_back_the_status_before_it",
        delete_touchpoints,
    ),
    (
        "an_interview_is_read_by_id_or_calendar_uid",
        interviews_by_id_and_uid,
    ),
    (
        "an_outbox_queues_moves_cancels_and_threads_messages",
        outbox_of_a_user,
    ),
    (
        "what_reading_the_mailbox_found_is_kept_settled_once_and_forgotten",
        mail_of_a_user,
    ),
];

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let mut tests = Vec::new();
    for &(name, test) in SHARED {
        tests.push(Trial::test(format!("sqlite::{name}"), move || {
            on_sqlite(test)
        }));
        tests.push(Trial::ignorable_test(
            format!("postgres::{name}"),
            move || on_postgres(test),
        ));
    }
    tests.push(Trial::ignorable_test(
        "postgres_only::another_users_ids_are_not_found",
        another_users_ids,
    ));
    tests.push(Trial::ignorable_test(
        "postgres_only::a_backup_holds_only_its_users_facts",
        backups_are_per_user,
    ));
    tests.push(Trial::ignorable_test(
        "postgres_only::the_same_writes_give_the_same_backup_as_sqlite",
        same_backup_as_sqlite,
    ));
    tests.push(Trial::ignorable_test(
        "postgres_only::a_local_outbox_comes_into_an_account_with_its_references",
        a_local_outbox_comes_in,
    ));
    tests.push(Trial::ignorable_test(
        "postgres_only::another_users_mail_proposals_are_not_found",
        another_users_mail,
    ));
    libtest_mimic::run(&args, tests).exit_code()
}

fn on_sqlite(test: Test) -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let mut store = Store::open(dir.path().join("f.sqlite"))?;
    test(&mut store)
}

/// On a database owned by a role that is not a superuser, as a hosted service runs.
fn on_postgres(test: Test) -> Result<Completion, Failed> {
    with_owned_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let sam = new_user(&mut pg, "sam@example.com")?;
        test(&mut pg.user_store(sam))
    })
}

fn new_user(pg: &mut Pg, email: &str) -> Result<i64, StoreError> {
    Ok(pg
        .create_user(email, Some("long enough password"), now())?
        .user
        .id)
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn now() -> Timestamp {
    t("2026-12-01T15:00:00Z")
}

fn jane() -> NewContact {
    NewContact {
        name: "Jane Doe".into(),
        email: Some("jane@acme.com".into()),
        phone: Some("+1 555 0199".into()),
        role: ContactRole::Interviewer,
        tz: Some("America/New_York".into()),
    }
}

/// An application with a recruiter, two rounds (Jane in both, Bob new in the second),
/// notes on the first round and on the application.
fn sample() -> NewApplication {
    let mut app = NewApplication::new("Acme", "Backend Developer", t("2026-11-20T09:00:00Z"));
    app.source = Some("referral".into());
    app.link = Some("https://acme.example/jobs/1".into());
    app.company_type = Some(CompanyType::Startup);
    app.seniority = Some(Seniority::Senior);
    app.region = Some("US".into());
    app.urgent = true;
    app.recipient_tz = Some("America/Chicago".into());
    app.contacts = vec![
        NewContact::new("Rita Recruiter", ContactRole::Recruiter),
        jane(),
    ];
    let mut first = NewInterview::new(t("2026-12-01T15:00:00.123456789Z"), "America/New_York", 45);
    first.round = Some(Round::Screen);
    first.decision_phrase = Some("within a week".into());
    first.decision_date = Some("2026-12-08".parse().unwrap());
    first.location = Some("https://meet.example/abc".into());
    first.uid = Some("abc@cal".into());
    first.title = Some("Screen with Jane".into());
    first.interviewers = vec![Interviewer::Listed(1)];
    first.notes = vec![NewNote::new(NoteKind::Topic, "billing migration")];
    let mut second = NewInterview::new(t("2026-12-05T15:00:00Z"), "America/New_York", 60);
    second.round = Some(Round::Final);
    second.cancelled = true;
    second.interviewers = vec![
        Interviewer::Listed(1),
        Interviewer::New(NewContact::new("Bob Builder", ContactRole::HiringManager)),
    ];
    // Given out of order: loaded by start time.
    app.interviews = vec![second, first];
    app.notes = vec![NewNote::new(NoteKind::Strength, "led a similar migration")];
    app
}

/// `sample` without its calendar uid, so it can be added more than once.
fn sample_without_uid() -> NewApplication {
    let mut app = sample();
    for iv in &mut app.interviews {
        iv.uid = None;
    }
    app
}

fn empty_backup() -> Backup {
    Backup {
        format: BACKUP_FORMAT,
        profile: None,
        applications: Vec::new(),
        holiday_calendars: Vec::new(),
        invite_sequences: Vec::new(),
        plan_gens: Vec::new(),
        last_ids: Default::default(),
        outbox: Vec::new(),
    }
}

/// A backup of 60 generated applications (interviews, contacts, interviewers,
/// touchpoints, notes), a profile, a skipped step, an imported invitation's
/// `SEQUENCE` and two custom holiday calendars: everything both backends keep.
fn generated_backup() -> Backup {
    let mut s = Store::open_in_memory().unwrap();
    populate(&mut s, 60, 7, now()).unwrap();
    s.set_profile(&Profile {
        name: "Sam Seeker".into(),
        email: "sam@example.com".into(),
        phone: Some("+1 555 0100".into()),
    })
    .unwrap();
    let mut b = s.export().unwrap();
    let app = b
        .applications
        .iter_mut()
        .find(|a| !a.interviews.is_empty() && !a.contacts.is_empty())
        .unwrap();
    let (app_id, iv, contact) = (app.application.id, app.interviews[0].id, app.contacts[0].id);
    app.skipped.push(SkippedStep {
        id: 5,
        application_id: app_id,
        kind: StepKind::ThankYou,
        contact_id: Some(contact),
        interview_id: Some(iv),
        at: now(),
        note: Some("thanked in person".into()),
    });
    b.invite_sequences.push(InviteSequence {
        interview_id: iv,
        sequence: 3,
    });
    let day = |d: &str| -> jiff::civil::Date { d.parse().unwrap() };
    // By name without regard to case, as exported; names on one date as given.
    b.holiday_calendars = vec![
        HolidayCalendarDays {
            id: Some(2),
            name: "acme closures".into(),
            days: vec![
                (day("2026-12-24"), "Winter break".into()),
                (day("2026-12-24"), "Christmas Eve".into()),
                (day("2026-12-31"), "New Year's Eve".into()),
            ],
            base: Some("US".into()),
            replaces: false,
        },
        HolidayCalendarDays {
            id: Some(1),
            name: "Zanzibar".into(),
            days: vec![(day("2026-01-12"), "Revolution Day".into())],
            base: None,
            replaces: true,
        },
    ];
    b
}

/// The backup without what depends on the backend alone: `last_ids` (SQLite's
/// `sqlite_sequence`; PostgreSQL's sequences are shared by all users, so it keeps none).
fn facts_of(mut b: Backup) -> Backup {
    b.last_ids.clear();
    b
}

// ---------------------------------------------------------------------------------------
// The shared tests

fn add_application_reads_back(s: &mut dyn Facts) -> Result<(), Failed> {
    let id = s.add_application(&sample())?;
    let full = s.application(id)?;
    let a = &full.application;
    assert_eq!(a.id, id);
    assert_eq!(
        (a.company.as_str(), a.role.as_str(), a.status, a.closed_at),
        ("Acme", "Backend Developer", Status::Active, None)
    );
    assert_eq!(a.source.as_deref(), Some("referral"));
    assert_eq!(a.link.as_deref(), Some("https://acme.example/jobs/1"));
    assert_eq!(a.company_type, Some(CompanyType::Startup));
    assert_eq!(a.seniority, Some(Seniority::Senior));
    assert_eq!(a.region.as_deref(), Some("US"));
    assert_eq!(a.created_at, t("2026-11-20T09:00:00Z"));
    assert!(a.urgent && !a.late_in_process);
    assert_eq!(a.recipient_tz.as_deref(), Some("America/Chicago"));

    let names: Vec<_> = full.contacts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Rita Recruiter", "Jane Doe", "Bob Builder"]);
    let j = &full.contacts[1];
    assert_eq!(
        (
            j.email.as_deref(),
            j.phone.as_deref(),
            j.role,
            j.tz.as_deref()
        ),
        (
            Some("jane@acme.com"),
            Some("+1 555 0199"),
            ContactRole::Interviewer,
            Some("America/New_York")
        )
    );
    assert_eq!(full.contacts[2].role, ContactRole::HiringManager);
    assert!(full.contacts.iter().all(|c| c.application_id == id));
    let (jane, bob) = (full.contacts[1].id, full.contacts[2].id);

    assert_eq!(full.interviews.len(), 2);
    let first = &full.interviews[0];
    assert_eq!(
        first.start,
        t("2026-12-01T15:00:00.123456789Z"),
        "exact to the nanosecond"
    );
    assert_eq!(first.tz, "America/New_York");
    assert_eq!(first.duration_minutes, 45);
    assert_eq!(first.round, Some(Round::Screen));
    assert_eq!(first.decision_phrase.as_deref(), Some("within a week"));
    assert_eq!(first.decision_date, Some("2026-12-08".parse().unwrap()));
    assert_eq!(first.location.as_deref(), Some("https://meet.example/abc"));
    assert_eq!(first.uid.as_deref(), Some("abc@cal"));
    assert_eq!(first.title.as_deref(), Some("Screen with Jane"));
    assert!(!first.cancelled);
    assert_eq!(first.interviewer_ids, vec![jane]);
    let second = &full.interviews[1];
    assert!(second.cancelled);
    assert_eq!(second.duration_minutes, 60);
    let mut expected = vec![jane, bob];
    expected.sort();
    assert_eq!(second.interviewer_ids, expected);

    assert_eq!(full.notes.len(), 2);
    assert_eq!(full.notes[0].interview_id, Some(first.id));
    assert_eq!(
        (full.notes[0].kind, full.notes[0].text.as_str()),
        (NoteKind::Topic, "billing migration")
    );
    assert_eq!(full.notes[1].interview_id, None);
    assert_eq!(full.notes[1].kind, NoteKind::Strength);
    assert!(full.touchpoints.is_empty() && full.skipped.is_empty());

    // The same through the list of all, and through a backup.
    assert_eq!(s.applications(false)?, vec![full.clone()]);
    assert_eq!(s.export()?.applications, vec![full]);
    Ok(())
}

fn all_or_nothing(s: &mut dyn Facts) -> Result<(), Failed> {
    s.add_application(&sample())?;
    let before = s.export()?;
    // The second copy reuses the calendar uid: refused after the application row and
    // some contacts were inserted in the transaction.
    let err = s.add_application(&sample()).unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err}");
    assert_eq!(err.to_string(), "interview uid `abc@cal` is already used");
    assert_eq!(s.export()?, before);
    let all = s.applications(true)?;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].contacts.len(), 3);
    // So is a round taking it later.
    let id = all[0].application.id;
    let mut iv = NewInterview::new(now(), "UTC", 30);
    iv.uid = Some("abc@cal".into());
    iv.interviewers = vec![Interviewer::New(NewContact::new(
        "Never Stored",
        ContactRole::Interviewer,
    ))];
    assert!(matches!(
        s.add_interview(id, &iv),
        Err(StoreError::Duplicate { .. })
    ));
    assert_eq!(s.export()?, before);
    Ok(())
}

fn bad_input_writes_nothing(s: &mut dyn Facts) -> Result<(), Failed> {
    let cases: Vec<(NewApplication, &str)> = vec![
        (
            NewApplication::new(" ", "Dev", t("2026-01-01T00:00:00Z")),
            "invalid company: must not be empty",
        ),
        (
            NewApplication::new("Acme\u{1b}[31m", "Dev", t("2026-01-01T00:00:00Z")),
            "invalid company: contains the control character '\\u{1b}'",
        ),
        (
            {
                let mut a = sample();
                a.contacts[1].email = Some("jane-at-acme".into());
                a
            },
            "invalid contacts[1].email: `jane-at-acme` is not an e-mail address",
        ),
        (
            {
                let mut a = sample();
                a.interviews[0].interviewers.push(Interviewer::Listed(7));
                a
            },
            "invalid interviews[0].interviewers[2]: names contact 7, but only 2 contact(s) are given",
        ),
        (
            {
                let mut a = sample();
                a.interviews[1].duration_minutes = 0;
                a
            },
            "invalid interviews[1].duration_minutes: 0 minutes is not between 1 and 10080",
        ),
        (
            {
                let mut a = sample();
                a.interviews[1].tz = "New York".into();
                a
            },
            "invalid interviews[1].tz: `New York` is not a time zone name",
        ),
        (
            NewApplication::new("Acme", "Dev", t("2300-01-01T00:00:00Z")),
            "invalid created_at: 2300-01-01T00:00:00Z is out of range (years 1678 to 2261 are stored)",
        ),
    ];
    for (app, msg) in cases {
        let err = s.add_application(&app).unwrap_err();
        assert!(err.is_invalid(), "{err}");
        assert_eq!(err.to_string(), msg);
    }
    assert!(s.applications(true)?.is_empty());

    let id = s.add_application(&sample())?;
    let before = s.export()?;
    let mut bad_contact = jane();
    bad_contact.tz = Some("Mars Olympus".into());
    assert!(s.add_contact(id, &bad_contact).unwrap_err().is_invalid());
    assert!(s
        .add_interview(id, &NewInterview::new(now(), "UTC", 0))
        .unwrap_err()
        .is_invalid());
    assert!(s
        .add_note(id, None, &NewNote::new(NoteKind::Gap, "\u{7}"))
        .unwrap_err()
        .is_invalid());
    let bare = NewTouchpoint::new(TouchpointKind::Outcome, now());
    assert!(s.add_touchpoint(id, &bare).unwrap_err().is_invalid());
    assert!(s
        .set_status(id, Status::Offer, t("1600-01-01T00:00:00Z"))
        .unwrap_err()
        .is_invalid());
    assert!(s
        .set_profile(&Profile {
            name: "Sam".into(),
            email: "not an address".into(),
            phone: None,
        })
        .unwrap_err()
        .is_invalid());
    assert_eq!(s.export()?, before, "a refused write changes nothing");
    Ok(())
}

fn unknown_ids_are_not_found(s: &mut dyn Facts) -> Result<(), Failed> {
    let err = s.application(42).unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.to_string(), "no application with id 42");
    let at = now();
    let errs = [
        s.add_touchpoint(42, &NewTouchpoint::new(TouchpointKind::Call, at))
            .unwrap_err(),
        s.add_contact(42, &jane()).unwrap_err(),
        s.add_interview(42, &NewInterview::new(at, "UTC", 30))
            .unwrap_err(),
        s.add_note(42, None, &NewNote::new(NoteKind::Gap, "k8s"))
            .unwrap_err(),
        s.add_notes(42, None, &[NewNote::new(NoteKind::Gap, "k8s")])
            .unwrap_err(),
        s.set_status(42, Status::Offer, at).unwrap_err(),
        s.update_application(42, &ApplicationPatch::default())
            .unwrap_err(),
        s.delete_application(42).unwrap_err(),
    ];
    for err in errs {
        assert!(
            matches!(
                err,
                StoreError::NotFound {
                    what: "application",
                    id: 42
                }
            ),
            "{err}"
        );
    }
    let id = s.add_application(&sample())?;
    let mut tp = NewTouchpoint::new(TouchpointKind::ThankYou, at);
    tp.contact_id = Some(999_999);
    assert_eq!(
        s.add_touchpoint(id, &tp).unwrap_err().to_string(),
        "no contact with id 999999"
    );
    assert_eq!(
        s.add_note(id, Some(999_999), &NewNote::new(NoteKind::Gap, "x"))
            .unwrap_err()
            .to_string(),
        "no interview with id 999999"
    );
    let mut iv = NewInterview::new(at, "UTC", 30);
    iv.interviewers = vec![Interviewer::Id(999_999)];
    assert!(s.add_interview(id, &iv).unwrap_err().is_not_found());
    assert_eq!(s.application(id)?.interviews.len(), 2);
    Ok(())
}

fn references_stay_inside(s: &mut dyn Facts) -> Result<(), Failed> {
    let a = s.add_application(&sample())?;
    let b = s.add_application(&sample_without_uid())?;
    let b_full = s.application(b)?;
    let (b_contact, b_interview) = (b_full.contacts[0].id, b_full.interviews[0].id);
    let before = s.export()?;

    let mut tp = NewTouchpoint::new(TouchpointKind::ThankYou, t("2026-12-02T00:00:00Z"));
    tp.contact_id = Some(b_contact);
    let err = s.add_touchpoint(a, &tp).unwrap_err();
    assert!(err.is_invalid(), "{err}");
    assert_eq!(
        err.to_string(),
        format!("invalid contact: contact {b_contact} belongs to application {b}, not {a}")
    );

    let mut iv = NewInterview::new(t("2026-12-09T00:00:00Z"), "UTC", 30);
    iv.interviewers = vec![Interviewer::Id(b_contact)];
    assert!(s.add_interview(a, &iv).unwrap_err().is_invalid());

    let listed = NewInterview {
        interviewers: vec![Interviewer::Listed(0)],
        ..NewInterview::new(t("2026-12-11T15:00:00Z"), "UTC", 30)
    };
    assert!(s.add_interview(a, &listed).unwrap_err().is_invalid());

    let err = s
        .add_note(a, Some(b_interview), &NewNote::new(NoteKind::Topic, "x"))
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
    assert_eq!(s.export()?, before);
    Ok(())
}

fn touchpoints_and_outcome(s: &mut dyn Facts) -> Result<(), Failed> {
    let id = s.add_application(&sample())?;
    let jane = s.application(id)?.contacts[1].id;
    let mut thanks = NewTouchpoint::new(TouchpointKind::ThankYou, t("2026-12-01T20:00:00Z"));
    thanks.contact_id = Some(jane);
    thanks.channel = Some(Channel::Email);
    let mut reply = NewTouchpoint::new(TouchpointKind::Reply, t("2026-12-03T10:00:00Z"));
    reply.decision_phrase = Some("by Friday".into());
    reply.decision_date = Some("2026-12-04".parse().unwrap());
    reply.note = Some("They need\ntwo more days.".into());
    let follow = NewTouchpoint::new(TouchpointKind::FollowUp, t("2026-12-02T10:00:00Z"));
    let r = s.add_touchpoint(id, &reply)?;
    let th = s.add_touchpoint(id, &thanks)?;
    let f = s.add_touchpoint(id, &follow)?;
    let tps = s.application(id)?.touchpoints;
    assert_eq!(
        tps.iter().map(|tp| (tp.id, tp.kind)).collect::<Vec<_>>(),
        [
            (th, TouchpointKind::ThankYou),
            (f, TouchpointKind::FollowUp),
            (r, TouchpointKind::Reply)
        ]
    );
    assert_eq!(
        (tps[0].contact_id, tps[0].channel, tps[0].at),
        (Some(jane), Some(Channel::Email), thanks.at)
    );
    assert_eq!(tps[2].note.as_deref(), Some("They need\ntwo more days."));
    assert_eq!(tps[2].decision_phrase.as_deref(), Some("by Friday"));
    assert_eq!(tps[2].decision_date, Some("2026-12-04".parse().unwrap()));
    assert_eq!((tps[2].contact_id, tps[2].channel), (None, None));

    // An outcome without its value, or a value on another kind, is refused.
    let bare = NewTouchpoint::new(TouchpointKind::Outcome, t("2026-12-10T10:00:00Z"));
    assert!(s.add_touchpoint(id, &bare).unwrap_err().is_invalid());
    let mut odd = NewTouchpoint::new(TouchpointKind::Call, t("2026-12-10T10:00:00Z"));
    odd.outcome = Some(Outcome::Offer);
    assert!(s.add_touchpoint(id, &odd).unwrap_err().is_invalid());

    let mut outcome = bare.clone();
    outcome.outcome = Some(Outcome::Rejected);
    s.add_touchpoint(id, &outcome)?;
    let full = s.application(id)?;
    assert_eq!(
        (full.application.status, full.application.closed_at),
        (Status::Rejected, Some(outcome.at))
    );
    assert_eq!(
        full.touchpoints.last().unwrap().outcome,
        Some(Outcome::Rejected)
    );
    assert!(s.applications(false)?.is_empty());
    assert_eq!(s.applications(true)?.len(), 1);

    // Reopened by a touchpoint: active again.
    s.add_touchpoint(
        id,
        &NewTouchpoint::new(TouchpointKind::Reopened, t("2026-12-12T00:00:00Z")),
    )?;
    let a = s.application(id)?.application;
    assert_eq!((a.status, a.closed_at), (Status::Active, None));

    s.set_status(id, Status::Withdrawn, t("2026-12-13T00:00:00Z"))?;
    let a = s.application(id)?.application;
    assert_eq!(
        (a.status, a.closed_at),
        (Status::Withdrawn, Some(t("2026-12-13T00:00:00Z")))
    );
    s.set_status(id, Status::Active, t("2026-12-14T00:00:00Z"))?;
    let a = s.application(id)?.application;
    assert_eq!((a.status, a.closed_at), (Status::Active, None));
    Ok(())
}

fn patches(s: &mut dyn Facts) -> Result<(), Failed> {
    let id = s.add_application(&sample())?;
    let before = s.application(id)?;
    s.update_application(
        id,
        &ApplicationPatch {
            role: Some("Staff Engineer".into()),
            source: Some(None),
            company_type: Some(Some(CompanyType::Corporate)),
            seniority: Some(None),
            region: Some(Some("DE-BY".into())),
            late_in_process: Some(true),
            recipient_tz: Some(None),
            ..Default::default()
        },
    )?;
    let after = s.application(id)?;
    let mut expected = before.application.clone();
    expected.role = "Staff Engineer".into();
    expected.source = None;
    expected.company_type = Some(CompanyType::Corporate);
    expected.seniority = None;
    expected.region = Some("DE-BY".into());
    expected.late_in_process = true;
    expected.recipient_tz = None;
    assert_eq!(after.application, expected);
    assert_eq!(after.interviews, before.interviews, "only the application");
    assert_eq!(after.contacts, before.contacts);

    let bad = ApplicationPatch {
        company: Some("".into()),
        ..Default::default()
    };
    assert!(s.update_application(id, &bad).unwrap_err().is_invalid());
    let bad = ApplicationPatch {
        recipient_tz: Some(Some("Nowhere Else".into())),
        ..Default::default()
    };
    assert!(s.update_application(id, &bad).unwrap_err().is_invalid());
    assert_eq!(s.application(id)?.application, expected);
    Ok(())
}

fn later_rounds(s: &mut dyn Facts) -> Result<(), Failed> {
    let id = s.add_application(&sample())?;
    let jane = s.application(id)?.contacts[1].id;
    let mut iv = NewInterview::new(t("2026-12-10T15:00:00Z"), "Europe/Berlin", 30);
    iv.interviewers = vec![
        Interviewer::Id(jane),
        Interviewer::New(NewContact::new("Carol", ContactRole::Interviewer)),
        Interviewer::Id(jane),
    ];
    iv.notes = vec![NewNote::new(NoteKind::Question, "start date?")];
    let iv_id = s.add_interview(id, &iv)?;
    let full = s.application(id)?;
    let carol = full.contacts.iter().find(|c| c.name == "Carol").unwrap().id;
    assert_eq!(
        full.interview(iv_id).unwrap().interviewer_ids,
        vec![jane, carol]
    );
    assert_eq!(full.interview(iv_id).unwrap().tz, "Europe/Berlin");
    assert!(full
        .notes
        .iter()
        .any(|n| n.interview_id == Some(iv_id) && n.kind == NoteKind::Question));
    assert_eq!(full.interviews.last().unwrap().id, iv_id, "by start");

    let c = s.add_contact(id, &NewContact::new("Dan", ContactRole::Recruiter))?;
    let n = s.add_note(id, Some(iv_id), &NewNote::new(NoteKind::Gap, "no Go"))?;
    let full = s.application(id)?;
    assert_eq!(full.contact(c).unwrap().name, "Dan");
    assert_eq!(full.contact(c).unwrap().role, ContactRole::Recruiter);
    let note = full.notes.iter().find(|x| x.id == n).unwrap();
    assert_eq!(
        (note.interview_id, note.kind, note.text.as_str()),
        (Some(iv_id), NoteKind::Gap, "no Go")
    );
    Ok(())
}

fn notes_all_or_nothing(s: &mut dyn Facts) -> Result<(), Failed> {
    let id = s.add_application(&sample())?;
    let iv = s.application(id)?.interviews[0].id;
    let ids = s.add_notes(
        id,
        Some(iv),
        &[
            NewNote::new(NoteKind::Topic, "caching"),
            NewNote::new(NoteKind::Question, "team size?"),
        ],
    )?;
    assert_eq!(ids.len(), 2);
    assert!(ids[0] < ids[1]);
    let full = s.application(id)?;
    let got: Vec<_> = full
        .notes
        .iter()
        .filter(|n| ids.contains(&n.id))
        .map(|n| (n.interview_id, n.kind, n.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(iv), NoteKind::Topic, "caching"),
            (Some(iv), NoteKind::Question, "team size?")
        ]
    );
    let before = s.export()?;
    let err = s
        .add_notes(
            id,
            None,
            &[
                NewNote::new(NoteKind::Topic, "fine"),
                NewNote::new(NoteKind::Topic, " "),
            ],
        )
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
    assert_eq!(s.export()?, before);
    assert_eq!(s.add_notes(id, None, &[])?, Vec::<i64>::new());
    Ok(())
}

fn delete_cascades(s: &mut dyn Facts) -> Result<(), Failed> {
    let a = s.add_application(&sample())?;
    let keep = s.add_application(&sample_without_uid())?;
    let kept = s.application(keep)?;
    let full = s.application(a)?;
    let jane = full.contacts[1].id;
    let mut tp = NewTouchpoint::new(TouchpointKind::ThankYou, t("2026-12-01T20:00:00Z"));
    tp.contact_id = Some(jane);
    s.add_touchpoint(a, &tp)?;
    s.delete_application(a)?;
    assert!(s.application(a).unwrap_err().is_not_found());
    assert!(s.delete_application(a).unwrap_err().is_not_found());
    // Its children went with it: their ids are unknown now.
    let mut tp = NewTouchpoint::new(TouchpointKind::Call, now());
    tp.contact_id = Some(jane);
    assert!(s.add_touchpoint(keep, &tp).unwrap_err().is_not_found());
    assert!(s
        .add_note(
            keep,
            Some(full.interviews[0].id),
            &NewNote::new(NoteKind::Gap, "x")
        )
        .unwrap_err()
        .is_not_found());
    let export = s.export()?;
    assert_eq!(export.applications, vec![kept.clone()]);
    assert!(export.plan_gens.iter().all(|g| g.application_id == keep));
    // The calendar uid is free again.
    let b = s.add_application(&sample())?;
    assert!(b > a);
    let again = s.application(b)?;
    assert!(again.contacts[0].id > full.contacts[2].id);
    assert_eq!(s.application(keep)?, kept);
    Ok(())
}

fn profile_is_one_row(s: &mut dyn Facts) -> Result<(), Failed> {
    assert_eq!(s.profile()?, None);
    let mut p = Profile {
        name: "Sam Seeker".into(),
        email: "sam@example.com".into(),
        phone: None,
    };
    s.set_profile(&p)?;
    assert_eq!(s.profile()?, Some(p.clone()));
    p.phone = Some("+1 555 0100".into());
    s.set_profile(&p)?;
    assert_eq!(s.profile()?, Some(p.clone()));
    assert_eq!(s.export()?.profile, Some(p.clone()));
    let mut bad = p.clone();
    bad.email = "sam".into();
    assert!(s.set_profile(&bad).unwrap_err().is_invalid());
    assert_eq!(s.profile()?, Some(p));
    Ok(())
}

fn counts_and_closed(s: &mut dyn Facts) -> Result<(), Failed> {
    assert_eq!(s.application_counts()?, (0, 0));
    let a = s.add_application(&sample())?;
    let mut closed = sample_without_uid();
    closed.created_at = t("2026-11-01T00:00:00Z");
    closed.status = Status::Rejected;
    let b = s.add_application(&closed)?;
    let c = s.add_application(&NewApplication::new("C", "Dev", now()))?;
    let got = s.application(b)?.application;
    assert_eq!(
        (got.status, got.closed_at),
        (Status::Rejected, Some(t("2026-11-01T00:00:00Z"))),
        "a closed status closes at its creation"
    );
    assert_eq!(s.application_counts()?, (2, 1));
    s.set_status(c, Status::Offer, now())?;
    assert_eq!(s.application_counts()?, (1, 2));
    let open: Vec<_> = s
        .applications(false)?
        .iter()
        .map(|x| x.application.id)
        .collect();
    assert_eq!(open, [a]);
    // The open ones come whole, nothing of the closed ones attached to them.
    assert_eq!(s.applications(false)?, vec![s.application(a)?]);
    assert_eq!(s.applications(true)?[1], s.application(b)?);
    let all: Vec<_> = s
        .applications(true)?
        .iter()
        .map(|x| x.application.id)
        .collect();
    assert_eq!(all, [a, b, c], "by id");
    s.delete_application(b)?;
    assert_eq!(s.application_counts()?, (1, 1));
    Ok(())
}

fn export_restore_export(s: &mut dyn Facts) -> Result<(), Failed> {
    s.add_application(&NewApplication::new("Replaced", "Dev", now()))?;
    let source = generated_backup();
    let json = serde_json::to_string(&source)?;
    let parsed: Backup = serde_json::from_str(&json)?;
    assert_eq!(parsed, source);
    s.restore(&parsed)?;

    let first = s.export()?;
    assert_eq!(first.format, BACKUP_FORMAT);
    assert_eq!(first.applications.len(), 60);
    assert_eq!(facts_of(first.clone()), facts_of(source.clone()));
    // What planning reads is what the backup holds: all the applications, the open
    // ones, and each alone.
    assert_eq!(s.applications(true)?, first.applications);
    let open: Vec<ApplicationFull> = first
        .applications
        .iter()
        .filter(|a| a.application.closed_at.is_none())
        .cloned()
        .collect();
    assert!(!open.is_empty() && open.len() < first.applications.len());
    assert_eq!(s.applications(false)?, open);
    for a in first.applications.iter().step_by(7) {
        assert_eq!(&s.application(a.application.id)?, a);
    }
    // Restored again over itself, and exported: the same bytes.
    s.restore(&first)?;
    let second = s.export()?;
    let (a, b) = (
        serde_json::to_string(&facts_of(first.clone()))?,
        serde_json::to_string(&facts_of(second.clone()))?,
    );
    // Each restore over the store counts one more change of every application.
    assert!(
        second
            .plan_gens
            .iter()
            .zip(&first.plan_gens)
            .all(|(x, y)| x.application_id == y.application_id && x.gen == y.gen + 1),
        "plan_gens go up by one"
    );
    let strip = |mut b: Backup| {
        b.plan_gens.clear();
        serde_json::to_string(&facts_of(b)).unwrap()
    };
    assert_ne!(a, b);
    assert_eq!(strip(first.clone()), strip(second.clone()));
    // Ids carry on after the restored ones.
    let id = s.add_application(&NewApplication::new("Next", "Dev", now()))?;
    assert!(id > first.applications.last().unwrap().application.id);
    let full = s.application(id)?;
    assert!(full.application.created_at == now());
    Ok(())
}

fn assert_refused_and_unchanged(s: &mut dyn Facts, bad: &Backup) -> StoreError {
    let before = serde_json::to_string(&s.export().unwrap()).unwrap();
    let err = s.restore(bad).unwrap_err();
    assert!(!err.to_string().contains('\n'), "{err}");
    let after = serde_json::to_string(&s.export().unwrap()).unwrap();
    assert!(before == after, "changed after: {err}");
    err
}

fn restore_all_or_nothing(s: &mut dyn Facts) -> Result<(), Failed> {
    s.restore(&generated_backup())?;
    let good = s.export()?;

    // Refused by a check on the last application (after all the others would be in).
    let mut bad = good.clone();
    bad.applications.last_mut().unwrap().application.company = "\u{0}".into();
    let err = assert_refused_and_unchanged(s, &bad);
    assert!(err.is_invalid(), "{err}");

    // Refused by the database itself, deep into the transaction: a touchpoint naming a
    // contact of another application.
    let mut bad = good.clone();
    let foreign_contact = bad.applications[0].contacts[0].id;
    let last = bad
        .applications
        .iter_mut()
        .rev()
        .find(|a| !a.touchpoints.is_empty())
        .unwrap();
    last.touchpoints[0].contact_id = Some(foreign_contact);
    let err = assert_refused_and_unchanged(s, &bad);
    assert!(err.is_invalid(), "{err}");

    // Two applications with the same id.
    let mut bad = good.clone();
    let dup = bad.applications[3].clone();
    bad.applications.push(dup);
    let err = assert_refused_and_unchanged(s, &bad);
    assert!(err.is_invalid(), "{err}");

    // An interviewer who is not a contact of the application.
    let mut bad = good.clone();
    let with_round = bad
        .applications
        .iter_mut()
        .find(|a| !a.interviews.is_empty())
        .unwrap();
    with_round.interviews[0].interviewer_ids.push(999_999);
    assert_refused_and_unchanged(s, &bad);

    // A record filed under the wrong application.
    let mut bad = good.clone();
    let target = bad.applications[5].application.id;
    let mut stray = bad
        .applications
        .iter()
        .flat_map(|a| a.notes.iter())
        .find(|n| n.application_id != target)
        .cloned()
        .expect("the sample has notes");
    stray.id = 888_888;
    stray.interview_id = None;
    bad.applications[5].notes.push(stray);
    assert!(assert_refused_and_unchanged(s, &bad).is_invalid());

    // A skipped step naming a contact of another application.
    let mut bad = good.clone();
    let skipping = bad
        .applications
        .iter_mut()
        .find(|a| !a.skipped.is_empty())
        .unwrap();
    let own = skipping.application.id;
    skipping.skipped[0].contact_id = Some(foreign_contact);
    if bad.applications[0].application.id != own {
        assert_refused_and_unchanged(s, &bad);
    }

    // A last id of something that has no ids.
    let mut bad = good.clone();
    bad.last_ids.insert("profile".into(), 7);
    let err = assert_refused_and_unchanged(s, &bad);
    assert_eq!(
        err.to_string(),
        "invalid last_ids.profile: not a table with ids"
    );

    // An unknown format.
    let mut bad = good.clone();
    bad.format = 99;
    let err = assert_refused_and_unchanged(s, &bad);
    assert_eq!(
        err.to_string(),
        format!(
            "backup format 99 is not supported (this followup reads formats 1 to {BACKUP_FORMAT})"
        )
    );

    // An empty backup is valid and empties the store.
    s.restore(&empty_backup())?;
    assert!(s.applications(true)?.is_empty());
    assert_eq!(s.application_counts()?, (0, 0));
    assert_eq!(s.profile()?, None);
    let emptied = s.export()?;
    assert!(emptied.invite_sequences.is_empty() && emptied.holiday_calendars.is_empty());
    s.restore(&good)?;
    assert_eq!(facts_of(s.export()?), facts_of(good));
    Ok(())
}

fn restore_never_lowers_counters(s: &mut dyn Facts) -> Result<(), Failed> {
    s.restore(&generated_backup())?;
    let backup = s.export()?;
    let first = backup.applications[0].application.id;
    // Changes after the backup raise one application's count above the backup's.
    for i in 0..5 {
        s.add_touchpoint(
            first,
            &NewTouchpoint::new(
                TouchpointKind::Call,
                t("2026-12-20T00:00:00Z") + jiff::SignedDuration::from_hours(i),
            ),
        )?;
    }
    let before = s.export()?.plan_gens;
    let extra = s.add_application(&NewApplication::new("Later", "Dev", now()))?;
    s.restore(&backup)?;
    let after = s.export()?.plan_gens;
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.application_id, a.application_id);
        assert!(
            a.gen > b.gen,
            "application {}: {} then {}",
            a.application_id,
            b.gen,
            a.gen
        );
    }
    // The id given after the backup is not given again.
    let next = s.add_application(&NewApplication::new("Next", "Dev", now()))?;
    assert!(next > extra);
    Ok(())
}

fn changes_raise_plan_gen(s: &mut dyn Facts) -> Result<(), Failed> {
    // Read alone (what a calendar's SEQUENCE is made from) as the backup has them.
    let gen = |s: &mut dyn Facts, id: i64| -> i64 {
        let backup = s.export().unwrap().plan_gens;
        let alone = s.plan_gens().unwrap();
        assert_eq!(alone.len(), backup.len());
        for g in &backup {
            assert_eq!(alone.get(&g.application_id), Some(&g.gen));
        }
        alone
            .get(&id)
            .copied()
            .expect("every application has its count")
    };
    let id = s.add_application(&NewApplication::new("Acme", "Dev", now()))?;
    let mut last = gen(s, id);
    let mut raised = |s: &mut dyn Facts, what: &str, by_a_note: bool| {
        let g = gen(s, id);
        if by_a_note {
            assert_eq!(g, last, "{what}: a note is not read by planning");
        } else {
            assert!(g > last, "{what}: {last} then {g}");
        }
        last = g;
    };
    let c = s.add_contact(id, &jane())?;
    raised(s, "a contact", false);
    let mut iv = NewInterview::new(now(), "UTC", 30);
    iv.interviewers = vec![Interviewer::Id(c)];
    s.add_interview(id, &iv)?;
    raised(s, "an interview", false);
    let call = s.add_touchpoint(id, &NewTouchpoint::new(TouchpointKind::Call, now()))?;
    raised(s, "a touchpoint", false);
    s.delete_touchpoint(id, call)?;
    raised(s, "a touchpoint deleted", false);
    s.update_application(
        id,
        &ApplicationPatch {
            urgent: Some(true),
            ..Default::default()
        },
    )?;
    raised(s, "a patch", false);
    s.set_status(id, Status::Offer, now())?;
    raised(s, "a status", false);
    s.add_note(id, None, &NewNote::new(NoteKind::Topic, "x"))?;
    raised(s, "a note", true);
    Ok(())
}

// ---------------------------------------------------------------------------------------
// PostgreSQL only: several users in one database.

/// Two users of one fresh database, A holding `sample` with a touchpoint and a
/// profile; returns the database, A's and B's ids and A's application.
fn two_users(pg: &mut Pg) -> Result<(i64, i64, i64), Failed> {
    let a = new_user(pg, "ann@example.com")?;
    let b = new_user(pg, "ben@example.com")?;
    let mut ann = pg.user_store(a);
    let app = ann.add_application(&sample())?;
    let jane = ann.application(app)?.contacts[1].id;
    let mut tp = NewTouchpoint::new(TouchpointKind::ThankYou, now());
    tp.contact_id = Some(jane);
    ann.add_touchpoint(app, &tp)?;
    ann.set_profile(&Profile {
        name: "Ann".into(),
        email: "ann@example.com".into(),
        phone: None,
    })?;
    Ok((a, b, app))
}

fn another_users_ids() -> Result<Completion, Failed> {
    with_owned_db(|db: &TestDb| {
        let mut pg = Pg::open(&db.url)?;
        let (a, b, app) = two_users(&mut pg)?;
        let ann_before = serde_json::to_string(&pg.user_store(a).export()?)?;
        let full = pg.user_store(a).application(app)?;
        let (contact, interview) = (full.contacts[0].id, full.interviews[0].id);

        let mut ben = pg.user_store(b);
        let own = ben.add_application(&NewApplication::new("Beta", "Dev", now()))?;
        let at = now();
        let not_found = [
            ben.application(app).unwrap_err(),
            ben.add_touchpoint(app, &NewTouchpoint::new(TouchpointKind::Call, at))
                .unwrap_err(),
            ben.add_contact(app, &jane()).unwrap_err(),
            ben.add_interview(app, &NewInterview::new(at, "UTC", 30))
                .unwrap_err(),
            ben.add_note(app, None, &NewNote::new(NoteKind::Gap, "x"))
                .unwrap_err(),
            ben.add_notes(app, None, &[NewNote::new(NoteKind::Gap, "x")])
                .unwrap_err(),
            ben.set_status(app, Status::Offer, at).unwrap_err(),
            ben.update_application(
                app,
                &ApplicationPatch {
                    company: Some("Mine now".into()),
                    ..Default::default()
                },
            )
            .unwrap_err(),
            ben.delete_application(app).unwrap_err(),
            ben.skip_step(app, &skip(StepKind::FollowUp)).unwrap_err(),
            ben.unskip_step(app, 1).unwrap_err(),
            ben.remove_note(app, 1).unwrap_err(),
            ben.remove_contact(app, contact).unwrap_err(),
            ben.update_contact(app, contact, &ContactPatch::default())
                .unwrap_err(),
            ben.delete_touchpoint(app, 1).unwrap_err(),
        ];
        for err in not_found {
            assert!(
                matches!(err, StoreError::NotFound { what: "application", id } if id == app),
                "{err}"
            );
        }
        // A's interview, by its id or its calendar uid: not B's to read.
        assert!(ben.interview(interview).unwrap_err().is_not_found());
        if let Some(uid) = &full.interviews[0].uid {
            assert_eq!(ben.find_interview_by_uid(uid)?, None);
        }
        // A's contact and interview, named under B's own application.
        let mut tp = NewTouchpoint::new(TouchpointKind::Call, at);
        tp.contact_id = Some(contact);
        assert_eq!(
            ben.add_touchpoint(own, &tp).unwrap_err().to_string(),
            format!("no contact with id {contact}")
        );
        let mut iv = NewInterview::new(at, "UTC", 30);
        iv.interviewers = vec![Interviewer::Id(contact)];
        assert!(ben.add_interview(own, &iv).unwrap_err().is_not_found());
        assert_eq!(
            ben.add_note(own, Some(interview), &NewNote::new(NoteKind::Gap, "x"))
                .unwrap_err()
                .to_string(),
            format!("no interview with id {interview}")
        );
        // B sees only B's; the same calendar uid is B's to use too.
        assert_eq!(ben.application_counts()?, (1, 0));
        assert_eq!(ben.profile()?, None);
        ben.add_application(&sample())?;
        assert_eq!(ben.application_counts()?, (2, 0));

        let ann_after = serde_json::to_string(&pg.user_store(a).export()?)?;
        assert!(ann_before == ann_after, "A's facts changed");
        Ok(())
    })
}

fn backups_are_per_user() -> Result<Completion, Failed> {
    with_owned_db(|db: &TestDb| {
        let mut pg = Pg::open(&db.url)?;
        let (a, b, _) = two_users(&mut pg)?;
        let ann = pg.user_store(a).export()?;
        let ann_json = serde_json::to_string(&ann)?;

        let ben_empty = pg.user_store(b).export()?;
        assert_eq!(ben_empty, empty_backup(), "B's backup holds nothing of A's");

        // B restores a backup of their own and empties it: A untouched.
        let mut ben = pg.user_store(b);
        ben.add_application(&NewApplication::new("Beta", "Dev", now()))?;
        let mine = ben.export()?;
        ben.restore(&empty_backup())?;
        ben.restore(&mine)?;
        assert_eq!(facts_of(ben.export()?).applications, mine.applications);
        let ben_json = serde_json::to_string(&ben.export()?)?;
        assert!(!ben_json.contains("Acme") && !ben_json.contains("Ann"));

        // A's backup uploaded by B (as a backup from another database would be): its
        // ids are A's, so B's copy gets new ones, every reference moved with them;
        // A's facts do not change.
        ben.restore(&ann)?;
        let copy = ben.export()?;
        assert_eq!(copy.applications.len(), ann.applications.len());
        for (mine, theirs) in copy.applications.iter().zip(&ann.applications) {
            assert_ne!(mine.application.id, theirs.application.id);
            assert_eq!(same_but_ids(mine), same_but_ids(theirs));
        }
        assert!(serde_json::to_string(&pg.user_store(a).export()?)? == ann_json);
        let ben = pg.user_store(b).export()?;
        assert!(serde_json::to_string(&ben)?.contains("Acme"));
        // A new id refers to B's own records only.
        for full in &ben.applications {
            let contacts: Vec<i64> = full.contacts.iter().map(|c| c.id).collect();
            for i in &full.interviews {
                assert!(i.interviewer_ids.iter().all(|c| contacts.contains(c)));
            }
        }

        // A restores their own backup over their facts: the same facts again.
        let mut ann_store = pg.user_store(a);
        ann_store.restore(&ann)?;
        let mut again = ann_store.export()?;
        for g in &mut again.plan_gens {
            g.gen -= 1;
        }
        assert!(serde_json::to_string(&again)? == ann_json);
        Ok(())
    })
}

/// An application's facts without any id: what a copy under new ids keeps.
fn same_but_ids(full: &ApplicationFull) -> String {
    let mut v = serde_json::to_value(full).unwrap_or_default();
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.retain(|k, _| k != "id" && !k.ends_with("_id") && !k.ends_with("_ids"));
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v.to_string()
}

/// The same calls on both backends give the same backup but for `last_ids`, ids
/// included (a fresh database with one user gives ids from 1, as a new file does).
fn same_backup_as_sqlite() -> Result<Completion, Failed> {
    with_owned_db(|db: &TestDb| {
        fn script(s: &mut dyn Facts) -> Result<Backup, Failed> {
            s.set_profile(&Profile {
                name: "Sam".into(),
                email: "sam@example.com".into(),
                phone: None,
            })?;
            let a = s.add_application(&sample())?;
            let b = s.add_application(&sample_without_uid())?;
            let jane = s.application(a)?.contacts[1].id;
            let mut tp = NewTouchpoint::new(TouchpointKind::ThankYou, now());
            tp.contact_id = Some(jane);
            tp.channel = Some(Channel::Phone);
            s.add_touchpoint(a, &tp)?;
            s.add_notes(b, None, &[NewNote::new(NoteKind::Gap, "Go")])?;
            s.set_status(b, Status::NoResponse, now())?;
            s.update_application(
                a,
                &ApplicationPatch {
                    late_in_process: Some(true),
                    ..Default::default()
                },
            )?;
            let c = s.add_application(&NewApplication::new("Gone", "Dev", now()))?;
            s.delete_application(c)?;
            Ok(facts_of(s.export()?))
        }
        let mut pg = Pg::open(&db.url)?;
        let sam = new_user(&mut pg, "sam@example.com")?;
        let on_pg = script(&mut pg.user_store(sam))?;
        let mut sqlite = Store::open_in_memory()?;
        let on_sqlite = script(&mut sqlite)?;
        assert!(
            serde_json::to_string(&on_pg)? == serde_json::to_string(&on_sqlite)?,
            "the backups differ:\n{on_pg:#?}\n{on_sqlite:#?}"
        );
        Ok(())
    })
}

fn message(app: i64, contact: i64, at: Timestamp, id: &str) -> NewOutboxMessage {
    NewOutboxMessage {
        application_id: app,
        contact_id: contact,
        kind: "thank-you".into(),
        at,
        from_name: "Sam".into(),
        from_addr: "sam@example.com".into(),
        to_name: "Jane Doe".into(),
        to_addr: "jane@acme.com".into(),
        subject: Some("Thank you".into()),
        body: "Thank you for your time.".into(),
        message_id: id.into(),
        in_reply_to: None,
        references: None,
        created_at: now(),
        reply_to: None,
    }
}

fn outbox_of_a_user(s: &mut dyn Facts) -> Result<(), Failed> {
    let app = s.add_application(&sample())?;
    let jane = s.application(app)?.contacts[1].id;
    let first = s.outbox_queue(&message(
        app,
        jane,
        t("2026-12-02T15:00:00Z"),
        "<1@example.com>",
    ))?;
    assert_eq!(first.state.as_str(), "queued");
    assert_eq!(first.next_try, first.at);
    assert_eq!(first.reply_to, None);
    let mut later = message(app, jane, t("2026-12-09T15:00:00Z"), "<2@example.com>");
    later.kind = "follow-up".into();
    later.reply_to = Some("sam@home.example".into());
    later.in_reply_to = Some("<1@example.com>".into());
    let second = s.outbox_queue(&later)?;
    assert_eq!(second.reply_to.as_deref(), Some("sam@home.example"));
    assert_eq!(s.outbox_message(second.id)?, second);
    // The earliest first.
    let ids: Vec<i64> = s.outbox()?.iter().map(|m| m.id).collect();
    assert_eq!(ids, vec![first.id, second.id]);
    // The thread a message on Dec 5 continues: the first.
    let thread = s.outbox_thread(app, jane, t("2026-12-05T00:00:00Z"))?;
    assert_eq!(thread.map(|m| m.id), Some(first.id));
    // A header value with a line break is refused, nothing written.
    let mut bad = message(app, jane, now(), "<3@example.com>");
    bad.reply_to = Some("a@b.example\r\nBcc: x@y.example".into());
    assert!(matches!(
        s.outbox_queue(&bad),
        Err(StoreError::Invalid { .. })
    ));
    assert_eq!(s.outbox()?.len(), 2);
    // Another application's message id taken again is refused.
    assert!(s
        .outbox_queue(&message(app, jane, now(), "<1@example.com>"))
        .is_err());
    // Moved, cancelled, queued again.
    let moved = s.outbox_reschedule(second.id, t("2026-12-10T15:00:00Z"))?;
    assert_eq!(moved.at, t("2026-12-10T15:00:00Z"));
    assert_eq!(moved.next_try, moved.at);
    let cancelled = s.outbox_cancel(second.id)?;
    assert_eq!(cancelled.state.as_str(), "cancelled");
    // A cancelled message cannot be moved, only queued again.
    let e = s.outbox_reschedule(second.id, now()).unwrap_err();
    assert!(e.to_string().contains("is cancelled"), "{e}");
    let again = s.outbox_retry(second.id, t("2026-12-11T15:00:00Z"))?;
    assert_eq!(again.state.as_str(), "queued");
    assert_eq!(again.next_try, t("2026-12-11T15:00:00Z"));
    assert!(matches!(
        s.outbox_cancel(999_999),
        Err(StoreError::NotFound { .. })
    ));
    // A backup holds the outbox, and gives it back.
    let b = s.export()?;
    assert_eq!(b.outbox.len(), 2);
    s.restore(&b)?;
    assert_eq!(s.export()?.outbox, b.outbox);
    Ok(())
}

fn a_local_outbox_comes_in() -> Result<Completion, Failed> {
    with_owned_db(|db: &TestDb| {
        // A local backup with a message in its outbox, sent and logged.
        let mut local = Store::open_in_memory()?;
        let app = local.add_application(&sample())?;
        let jane = local.application(app)?.contacts[1].id;
        let m = local.outbox_queue(&message(app, jane, now(), "<1@example.com>"))?;
        local.outbox_claim(m.id)?;
        local.outbox_sent(m.id, now(), "250 OK")?;
        let b = local.export()?;
        assert_eq!(b.outbox.len(), 1);

        let mut pg = Pg::open(&db.url)?;
        let other = new_user(&mut pg, "other@example.com")?;
        // Another user's records take the local ids, so they come in renumbered.
        pg.user_store(other).add_application(&sample())?;
        let sam = new_user(&mut pg, "sam@example.com")?;
        let mut s = pg.user_store(sam);
        s.restore(&b)?;
        let got = s.export()?;
        assert_eq!(got.outbox.len(), 1);
        let m = &got.outbox[0];
        let full = &got.applications[0];
        assert_eq!(m.application_id, full.application.id);
        let to = full
            .contact(m.contact_id)
            .expect("the message's contact came with it");
        assert_eq!(to.name, "Jane Doe");
        let tp = full
            .touchpoints
            .iter()
            .find(|t| Some(t.id) == m.touchpoint_id)
            .expect("the message's touchpoint came with it");
        assert_eq!(tp.kind, TouchpointKind::ThankYou);
        assert_eq!(m.state.as_str(), "sent");
        assert_eq!(m.reply.as_deref(), Some("250 OK"));
        Ok(())
    })
}

fn skip(kind: StepKind) -> NewSkip {
    NewSkip {
        kind,
        contact_id: None,
        interview_id: None,
        at: now(),
        note: None,
    }
}

fn skips(s: &mut dyn Facts) -> Result<(), Failed> {
    let app = s.add_application(&sample())?;
    let other = s.add_application(&sample_without_uid())?;
    let full = s.application(app)?;
    let (jane, round) = (full.contacts[0].id, full.interviews[0].id);
    let theirs = s.application(other)?.contacts[0].id;

    let mut thanks = skip(StepKind::ThankYou);
    thanks.contact_id = Some(jane);
    thanks.interview_id = Some(round);
    thanks.note = Some("thanked her in the hall".into());
    let kept = s.skip_step(app, &thanks)?;
    assert_eq!(
        (
            kept.application_id,
            kept.kind,
            kept.contact_id,
            kept.interview_id,
            kept.at,
            kept.note.as_deref()
        ),
        (
            app,
            StepKind::ThankYou,
            Some(jane),
            Some(round),
            now(),
            Some("thanked her in the hall")
        )
    );
    assert_eq!(s.application(app)?.skipped, vec![kept.clone()]);

    // Another application's contact, an unknown application: refused, nothing kept.
    let mut wrong = skip(StepKind::ThankYou);
    wrong.contact_id = Some(theirs);
    assert!(s.skip_step(app, &wrong).unwrap_err().is_invalid());
    assert!(s
        .skip_step(i64::MAX, &skip(StepKind::FollowUp))
        .unwrap_err()
        .is_not_found());
    let mut long = skip(StepKind::FollowUp);
    long.note = Some("x".repeat(100_000));
    assert!(s.skip_step(app, &long).is_err());
    assert_eq!(s.application(app)?.skipped.len(), 1);

    // Taken back: what was removed, once; and not under another application.
    assert!(s.unskip_step(other, kept.id).unwrap_err().is_not_found());
    assert_eq!(s.unskip_step(app, kept.id)?, kept);
    assert!(s.unskip_step(app, kept.id).unwrap_err().is_not_found());
    assert!(s.application(app)?.skipped.is_empty());
    Ok(())
}

fn removals(s: &mut dyn Facts) -> Result<(), Failed> {
    let app = s.add_application(&sample())?;
    let other = s.add_application(&sample_without_uid())?;
    let note = s.add_note(
        app,
        None,
        &NewNote::new(NoteKind::Topic, "the billing migration"),
    )?;
    let before = s.application(app)?.notes.len();
    // Not under another application, nor an unknown one.
    assert!(s.remove_note(other, note).unwrap_err().is_not_found());
    assert!(s.remove_note(i64::MAX, note).unwrap_err().is_not_found());
    s.remove_note(app, note)?;
    assert_eq!(s.application(app)?.notes.len(), before - 1);
    assert!(s.remove_note(app, note).unwrap_err().is_not_found());

    // A contact nobody wrote to goes; one the history names stays.
    let raj = s.add_contact(app, &NewContact::new("Raj Patel", ContactRole::Recruiter))?;
    s.remove_contact(app, raj)?;
    assert!(s.application(app)?.contact(raj).is_none());
    let jane = s.application(app)?.contacts[0].id;
    let mut thanks = NewTouchpoint::new(TouchpointKind::ThankYou, now());
    thanks.contact_id = Some(jane);
    s.add_touchpoint(app, &thanks)?;
    let err = s.remove_contact(app, jane).unwrap_err();
    assert!(err.is_invalid(), "{err}");
    assert!(err.to_string().contains("the history keeps them"), "{err}");
    assert!(s.application(app)?.contact(jane).is_some());
    assert!(s.remove_contact(other, jane).is_err());
    Ok(())
}

fn contact_patch(s: &mut dyn Facts) -> Result<(), Failed> {
    let app = s.add_application(&sample())?;
    let other = s.add_application(&sample_without_uid())?;
    let full = s.application(app)?;
    let raj = s.add_contact(app, &NewContact::new("Raj Patel", ContactRole::Recruiter))?;
    let round = full.interviews[0].id;
    let theirs = s.application(other)?.interviews[0].id;
    s.update_contact(
        app,
        raj,
        &ContactPatch {
            email: Some(Some("raj@acme.example".into())),
            role: Some(ContactRole::HiringManager),
            join: vec![round],
            ..ContactPatch::default()
        },
    )?;
    let after = s.application(app)?;
    let c = after.contact(raj).ok_or("no Raj")?;
    assert_eq!(
        (c.name.as_str(), c.email.as_deref(), c.role),
        (
            "Raj Patel",
            Some("raj@acme.example"),
            ContactRole::HiringManager
        )
    );
    let sat = |full: &followup_store::ApplicationFull| {
        full.interviews
            .iter()
            .find(|i| i.id == round)
            .map(|i| i.interviewer_ids.contains(&raj))
    };
    assert_eq!(sat(&after), Some(true));
    // A bad address, or another application's round: refused whole.
    let bad = ContactPatch {
        name: Some("Raj P.".into()),
        email: Some(Some("raj@".into())),
        ..ContactPatch::default()
    };
    assert!(s.update_contact(app, raj, &bad).unwrap_err().is_invalid());
    let foreign = ContactPatch {
        name: Some("Raj P.".into()),
        join: vec![theirs],
        ..ContactPatch::default()
    };
    assert!(s.update_contact(app, raj, &foreign).is_err());
    assert_eq!(s.application(app)?, after);
    s.update_contact(
        app,
        raj,
        &ContactPatch {
            leave: vec![round],
            ..ContactPatch::default()
        },
    )?;
    assert_eq!(sat(&s.application(app)?), Some(false));
    assert!(s
        .update_contact(other, raj, &ContactPatch::default())
        .is_err());
    Ok(())
}

fn delete_touchpoints(s: &mut dyn Facts) -> Result<(), Failed> {
    let app = s.add_application(&sample())?;
    let call = s.add_touchpoint(
        app,
        &NewTouchpoint::new(TouchpointKind::Call, t("2026-12-02T15:00:00Z")),
    )?;
    let mut offer = NewTouchpoint::new(TouchpointKind::Outcome, t("2026-12-03T15:00:00Z"));
    offer.outcome = Some(Outcome::Offer);
    let offer = s.add_touchpoint(app, &offer)?;
    let mut no = NewTouchpoint::new(TouchpointKind::Outcome, t("2026-12-04T15:00:00Z"));
    no.outcome = Some(Outcome::Rejected);
    let no = s.add_touchpoint(app, &no)?;
    assert_eq!(s.application(app)?.application.status, Status::Rejected);
    // The latest outcome goes: the one before it holds again, from its moment.
    s.delete_touchpoint(app, no)?;
    let a = s.application(app)?.application;
    assert_eq!(
        (a.status, a.closed_at),
        (Status::Offer, Some(t("2026-12-03T15:00:00Z")))
    );
    s.delete_touchpoint(app, offer)?;
    let a = s.application(app)?.application;
    assert_eq!((a.status, a.closed_at), (Status::Active, None));
    s.delete_touchpoint(app, call)?;
    assert!(s.application(app)?.touchpoints.is_empty());
    assert!(s.delete_touchpoint(app, call).unwrap_err().is_not_found());
    Ok(())
}

fn interviews_by_id_and_uid(s: &mut dyn Facts) -> Result<(), Failed> {
    let app = s.add_application(&sample())?;
    let full = s.application(app)?;
    for iv in &full.interviews {
        assert_eq!(&s.interview(iv.id)?, iv);
        if let Some(uid) = &iv.uid {
            assert_eq!(s.find_interview_by_uid(uid)?.as_ref(), Some(iv));
        }
    }
    assert!(
        full.interviews.iter().any(|i| i.uid.is_some()),
        "the sample has a uid"
    );
    assert!(full
        .interviews
        .iter()
        .any(|i| !i.interviewer_ids.is_empty()));
    assert!(s.interview(i64::MAX).unwrap_err().is_not_found());
    assert_eq!(s.find_interview_by_uid("no-such-uid@example.com")?, None);
    Ok(())
}

/// An import's writes (`Facts::with_invite_writes`) see each other and are kept all
/// or none.
fn invite_writes_in_one_transaction(s: &mut dyn Facts) -> Result<(), Failed> {
    let mut seen = None;
    let stopped = s.with_invite_writes(&mut |b| {
        let (app, ivs) = b.add_application_with_interviews(&sample())?;
        // The ids in the order given (the final round first).
        let found = b.find_interview_by_uid("abc@cal")?.map(|i| i.id);
        b.set_invite_sequence(ivs[1], 3)?;
        let contact = b.add_contact(app, &NewContact::new("Mia Chen", ContactRole::Interviewer))?;
        seen = Some((
            ivs.len(),
            found == Some(ivs[1]),
            b.invite_sequence(ivs[1])?,
            b.open_application_of("  aCME ")? == Some(app),
            b.company_and_role(app)?,
            b.contact_names(app)?
                .last()
                .map(|c| (c.0 == contact, c.1.clone())),
        ));
        Err(StoreError::NotFound {
            what: "the test's stop",
            id: 0,
        })
    });
    assert!(
        matches!(stopped, Err(StoreError::NotFound { id: 0, .. })),
        "{stopped:?}"
    );
    assert_eq!(
        seen,
        Some((
            2,
            true,
            Some(3),
            true,
            ("Acme".to_string(), "Backend Developer".to_string()),
            Some((true, "Mia Chen".to_string()))
        ))
    );
    // Nothing of it was kept.
    assert_eq!(s.application_counts()?, (0, 0));
    assert_eq!(s.find_interview_by_uid("abc@cal")?, None);

    // Kept when it returns Ok, the sequence with it; a later import updates the
    // interview it finds.
    s.with_invite_writes(&mut |b| {
        let (_, ivs) = b.add_application_with_interviews(&sample())?;
        b.set_invite_sequence(ivs[1], 2)
    })?;
    let iv = s.find_interview_by_uid("abc@cal")?.ok_or("not kept")?;
    let backup = s.export()?;
    assert_eq!(backup.invite_sequences.len(), 1);
    assert_eq!(backup.invite_sequences[0].sequence, 2);
    s.with_invite_writes(&mut |b| {
        let read = b.find_interview_by_uid("abc@cal")?.expect("seen");
        let patch = followup_store::InterviewPatch {
            cancelled: Some(true),
            ..Default::default()
        };
        b.update_read_interview(read, &patch)?;
        b.set_invite_sequence(iv.id, 4)
    })?;
    assert!(s.interview(iv.id)?.cancelled);
    assert_eq!(s.export()?.invite_sequences[0].sequence, 4);
    Ok(())
}

/// A proposal read from the mailbox for `app`.
fn proposal(app: i64, message_id: &str, kind: &str, at: &str) -> NewMailProposal {
    NewMailProposal {
        message_id: message_id.into(),
        application_id: app,
        kind: kind.into(),
        folder: "INBOX".into(),
        sender: "Jane Doe <jane@acme.example>".into(),
        subject: "Re: Thank you".into(),
        date: Some(t(at)),
        evidence: Some("We will decide by December 18.".into()),
        decision: Some("by December 18".into()),
        decision_date: Some("2026-12-18".parse().unwrap()),
        confidence: "high".into(),
        ..NewMailProposal::default()
    }
}

fn mail_of_a_user(s: &mut dyn Facts) -> Result<(), Failed> {
    let app = s.add_application(&sample())?;
    let jane = s.application(app)?.contacts[1].id;
    assert_eq!(s.mail_folder("INBOX")?, None);
    let mut decision = proposal(app, "d1@acme.example", "decision", "2026-12-02T15:00:00Z");
    decision.contact_id = Some(jane);
    let reply = proposal(app, "r1@acme.example", "reply", "2026-12-01T15:00:00Z");
    let elsewhere = proposal(
        app + 1000,
        "x@else.example",
        "reply",
        "2026-12-01T15:00:00Z",
    );
    let added = s.mail_record_sync("INBOX", 7, 42, &[decision.clone(), reply, elsewhere])?;
    // The proposal of an application that is not there is not kept.
    assert_eq!(added.len(), 2);
    assert_eq!(s.mail_folder("INBOX")?, Some((7, 42)));
    // Oldest message first, with everything it said.
    let pending = s.mail_proposals(false)?;
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[0].new.message_id, "r1@acme.example");
    let d = s.mail_proposal(added[0])?;
    assert_eq!(d.new.contact_id, Some(jane));
    assert_eq!(d.new.date, t("2026-12-02T15:00:00Z"));
    assert_eq!(d.new.decision_date, decision.decision_date);
    assert_eq!(d.new.decision.as_deref(), Some("by December 18"));
    assert_eq!(d.status, ProposalStatus::Pending);
    // A message read again is not proposed again; the folder's place moves on.
    assert!(s.mail_record_sync("INBOX", 7, 50, &[decision])?.is_empty());
    assert_eq!(s.mail_folder("INBOX")?, Some((7, 50)));
    let ids = s.mail_message_ids()?;
    assert_eq!(ids.get("d1@acme.example"), Some(&app));
    // Settled once: applied with its touchpoint, then neither applied nor dismissed again.
    let mut tp = NewTouchpoint::new(TouchpointKind::Reply, t("2026-12-02T15:00:00Z"));
    tp.contact_id = Some(jane);
    let tid = s.add_touchpoint(app, &tp)?;
    assert!(s.mail_settle(added[0], ProposalStatus::Applied, Some(tid))?);
    assert!(!s.mail_settle(added[0], ProposalStatus::Dismissed, None)?);
    let applied = s.mail_proposal(added[0])?;
    assert_eq!(
        (applied.status, applied.touchpoint_id),
        (ProposalStatus::Applied, Some(tid))
    );
    assert!(s.mail_settle(added[1], ProposalStatus::Dismissed, None)?);
    assert!(s.mail_proposals(false)?.is_empty());
    assert_eq!(s.mail_proposals(true)?.len(), 2);
    assert!(matches!(
        s.mail_proposal(added[1] + 1000),
        Err(StoreError::NotFound {
            what: "proposal",
            ..
        })
    ));
    // Bouncing addresses, in lower case, once.
    s.mail_add_bad_address(" Raj@Acme.example ", now())?;
    s.mail_add_bad_address("raj@acme.example", now())?;
    assert_eq!(
        s.mail_bad_addresses()?,
        vec!["raj@acme.example".to_string()]
    );
    // Forgotten: everything reading mail kept; the reply it recorded stays.
    assert_eq!(s.mail_forget()?, 2);
    assert!(s.mail_proposals(true)?.is_empty());
    assert_eq!(s.mail_folder("INBOX")?, None);
    assert!(s.mail_bad_addresses()?.is_empty());
    assert!(s.application(app)?.touchpoints.iter().any(|t| t.id == tid));
    Ok(())
}

fn another_users_mail() -> Result<Completion, Failed> {
    with_owned_db(|db: &TestDb| {
        let mut pg = Pg::open(&db.url)?;
        let (a, b, app) = two_users(&mut pg)?;
        let id = pg.user_store(a).mail_record_sync(
            "INBOX",
            1,
            9,
            &[proposal(
                app,
                "d1@acme.example",
                "decision",
                "2026-12-02T15:00:00Z",
            )],
        )?[0];
        pg.user_store(a)
            .mail_add_bad_address("raj@acme.example", now())?;
        let mut ben = pg.user_store(b);
        assert!(matches!(
            ben.mail_proposal(id),
            Err(StoreError::NotFound {
                what: "proposal",
                ..
            })
        ));
        assert!(!ben.mail_settle(id, ProposalStatus::Dismissed, None)?);
        assert!(ben.mail_proposals(true)?.is_empty());
        assert!(ben.mail_message_ids()?.is_empty());
        assert!(ben.mail_bad_addresses()?.is_empty());
        assert_eq!(ben.mail_folder("INBOX")?, None);
        // A proposal for Ann's application is not kept for Ben.
        assert!(ben
            .mail_record_sync(
                "INBOX",
                1,
                9,
                &[proposal(
                    app,
                    "d2@acme.example",
                    "reply",
                    "2026-12-02T15:00:00Z"
                )]
            )?
            .is_empty());
        assert_eq!(ben.mail_forget()?, 0);
        let mut ann = pg.user_store(a);
        assert_eq!(ann.mail_proposal(id)?.status, ProposalStatus::Pending);
        assert_eq!(ann.mail_folder("INBOX")?, Some((1, 9)));
        assert_eq!(ann.mail_bad_addresses()?.len(), 1);
        Ok(())
    })
}
