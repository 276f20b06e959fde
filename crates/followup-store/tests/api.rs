//! The write and read methods.

use followup_store::model::{Channel, CompanyType, Round, Seniority, Status};
use followup_store::{
    ApplicationPatch, ContactRole, InterviewPatch, Interviewer, NewApplication, NewContact,
    NewInterview, NewNote, NewTouchpoint, NoteKind, Outcome, Profile, Store, StoreError,
    TouchpointKind,
};
use jiff::Timestamp;

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn jane() -> NewContact {
    NewContact {
        name: "Jane Doe".into(),
        email: Some("jane@acme.com".into()),
        phone: None,
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
    first.uid = Some("abc@cal".into());
    first.interviewers = vec![Interviewer::Listed(1)];
    first.notes = vec![NewNote::new(NoteKind::Topic, "billing migration")];
    let mut second = NewInterview::new(t("2026-12-05T15:00:00Z"), "America/New_York", 60);
    second.round = Some(Round::Final);
    second.interviewers = vec![
        Interviewer::Listed(1),
        Interviewer::New(NewContact::new("Bob Builder", ContactRole::HiringManager)),
    ];
    // Given out of order: loaded by start time.
    app.interviews = vec![second, first];
    app.notes = vec![NewNote::new(NoteKind::Strength, "led a similar migration")];
    app
}

#[test]
fn add_application_stores_everything_and_reads_it_back() {
    let mut s = Store::open_in_memory().unwrap();
    let id = s.add_application(&sample()).unwrap();
    let full = s.application(id).unwrap();
    let a = &full.application;
    assert_eq!(
        (a.company.as_str(), a.role.as_str(), a.status, a.closed_at),
        ("Acme", "Backend Developer", Status::Active, None)
    );
    assert_eq!(a.company_type, Some(CompanyType::Startup));
    assert_eq!(a.seniority, Some(Seniority::Senior));
    assert!(a.urgent && !a.late_in_process);
    assert_eq!(a.recipient_tz.as_deref(), Some("America/Chicago"));

    let names: Vec<_> = full.contacts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Rita Recruiter", "Jane Doe", "Bob Builder"]);
    let jane = full.contacts[1].id;
    let bob = full.contacts[2].id;

    assert_eq!(full.interviews.len(), 2);
    let first = &full.interviews[0];
    assert_eq!(
        first.start,
        t("2026-12-01T15:00:00.123456789Z"),
        "exact to the nanosecond"
    );
    assert_eq!(first.round, Some(Round::Screen));
    assert_eq!(first.decision_date, Some("2026-12-08".parse().unwrap()));
    assert_eq!(first.interviewer_ids, vec![jane]);
    let second = &full.interviews[1];
    let mut expected = vec![jane, bob];
    expected.sort();
    assert_eq!(second.interviewer_ids, expected);

    assert_eq!(full.notes.len(), 2);
    assert_eq!(full.notes[0].interview_id, Some(first.id));
    assert_eq!(full.notes[1].interview_id, None);

    assert_eq!(s.find_interview_by_uid("abc@cal").unwrap().unwrap(), *first);
    assert_eq!(s.find_interview_by_uid("nope").unwrap(), None);
    assert_eq!(s.interview(second.id).unwrap(), *second);
}

#[test]
fn add_application_is_all_or_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    s.add_application(&sample()).unwrap();
    // The second copy reuses the calendar uid: refused after the application row and
    // some contacts were inserted in the transaction.
    let err = s.add_application(&sample()).unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err}");
    assert_eq!(err.to_string(), "interview uid `abc@cal` is already used");
    let all = s.applications(true).unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].contacts.len(), 3);
}

#[test]
fn bad_input_is_refused_before_writing() {
    let mut s = Store::open_in_memory().unwrap();
    let cases: Vec<(NewApplication, &str)> = vec![
        (NewApplication::new(" ", "Dev", t("2026-01-01T00:00:00Z")), "invalid company: must not be empty"),
        (NewApplication::new("Acme\u{1b}[31m", "Dev", t("2026-01-01T00:00:00Z")), "invalid company: contains the control character '\\u{1b}'"),
        ({
            let mut a = sample();
            a.contacts[1].email = Some("jane-at-acme".into());
            a
        }, "invalid contacts[1].email: `jane-at-acme` is not an e-mail address"),
        ({
            let mut a = sample();
            a.interviews[0].interviewers.push(Interviewer::Listed(7));
            a
        }, "invalid interviews[0].interviewers[2]: names contact 7, but only 2 contact(s) are given"),
        ({
            let mut a = sample();
            a.interviews[1].duration_minutes = 0;
            a
        }, "invalid interviews[1].duration_minutes: 0 minutes is not between 1 and 10080"),
        ({
            let mut a = sample();
            a.interviews[1].tz = "New York".into();
            a
        }, "invalid interviews[1].tz: `New York` is not a time zone name"),
        (NewApplication::new("Acme", "Dev", t("2300-01-01T00:00:00Z")), "invalid created_at: 2300-01-01T00:00:00Z is out of range (years 1678 to 2261 are stored)"),
    ];
    for (app, msg) in cases {
        let err = s.add_application(&app).unwrap_err();
        assert!(err.is_invalid(), "{err}");
        assert_eq!(err.to_string(), msg);
    }
    assert!(s.applications(true).unwrap().is_empty());
}

#[test]
fn unknown_ids_are_not_found() {
    let mut s = Store::open_in_memory().unwrap();
    let err = s.application(42).unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.to_string(), "no application with id 42");
    let at = t("2026-12-01T00:00:00Z");
    let msgs = [
        s.add_touchpoint(42, &NewTouchpoint::new(TouchpointKind::Call, at))
            .unwrap_err(),
        s.add_contact(42, &jane()).unwrap_err(),
        s.add_interview(42, &NewInterview::new(at, "UTC", 30))
            .unwrap_err(),
        s.add_note(42, None, &NewNote::new(NoteKind::Gap, "k8s"))
            .unwrap_err(),
        s.set_status(42, Status::Offer, at).unwrap_err(),
        s.update_application(42, &ApplicationPatch::default())
            .unwrap_err(),
        s.delete_application(42).unwrap_err(),
    ];
    for err in msgs {
        assert_eq!(err.to_string(), "no application with id 42");
    }
    let err = s
        .update_interview(9, &InterviewPatch::default())
        .unwrap_err();
    assert_eq!(err.to_string(), "no interview with id 9");
    let id = s.add_application(&sample()).unwrap();
    let mut tp = NewTouchpoint::new(TouchpointKind::ThankYou, at);
    tp.contact_id = Some(999);
    assert_eq!(
        s.add_touchpoint(id, &tp).unwrap_err().to_string(),
        "no contact with id 999"
    );
}

#[test]
fn references_must_stay_inside_their_application() {
    let mut s = Store::open_in_memory().unwrap();
    let a = s.add_application(&sample()).unwrap();
    let mut other = sample();
    other.interviews[1].uid = Some("other".into());
    other.interviews[0].uid = None;
    let b = s.add_application(&other).unwrap();
    let b_contact = s.application(b).unwrap().contacts[0].id;
    let b_interview = s.application(b).unwrap().interviews[0].id;

    let mut tp = NewTouchpoint::new(TouchpointKind::ThankYou, t("2026-12-02T00:00:00Z"));
    tp.contact_id = Some(b_contact);
    let err = s.add_touchpoint(a, &tp).unwrap_err();
    assert!(err.is_invalid(), "{err}");

    let mut iv = NewInterview::new(t("2026-12-09T00:00:00Z"), "UTC", 30);
    iv.interviewers = vec![Interviewer::Id(b_contact)];
    assert!(s.add_interview(a, &iv).unwrap_err().is_invalid());

    let err = s
        .add_note(a, Some(b_interview), &NewNote::new(NoteKind::Topic, "x"))
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
    assert_eq!(s.application(a).unwrap().interviews.len(), 2);
}

#[test]
fn touchpoints_come_back_in_time_order_and_an_outcome_closes() {
    let mut s = Store::open_in_memory().unwrap();
    let id = s.add_application(&sample()).unwrap();
    let jane = s.application(id).unwrap().contacts[1].id;
    let mut thanks = NewTouchpoint::new(TouchpointKind::ThankYou, t("2026-12-01T20:00:00Z"));
    thanks.contact_id = Some(jane);
    thanks.channel = Some(Channel::Email);
    let mut reply = NewTouchpoint::new(TouchpointKind::Reply, t("2026-12-03T10:00:00Z"));
    reply.decision_phrase = Some("by Friday".into());
    reply.note = Some("They need\ntwo more days.".into());
    let follow = NewTouchpoint::new(TouchpointKind::FollowUp, t("2026-12-02T10:00:00Z"));
    s.add_touchpoint(id, &reply).unwrap();
    s.add_touchpoint(id, &thanks).unwrap();
    s.add_touchpoint(id, &follow).unwrap();
    let kinds: Vec<_> = s
        .application(id)
        .unwrap()
        .touchpoints
        .iter()
        .map(|tp| tp.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            TouchpointKind::ThankYou,
            TouchpointKind::FollowUp,
            TouchpointKind::Reply
        ]
    );

    // An outcome without its value, or a value on another kind, is refused.
    let bare = NewTouchpoint::new(TouchpointKind::Outcome, t("2026-12-10T10:00:00Z"));
    assert!(s.add_touchpoint(id, &bare).unwrap_err().is_invalid());
    let mut odd = NewTouchpoint::new(TouchpointKind::Call, t("2026-12-10T10:00:00Z"));
    odd.outcome = Some(Outcome::Offer);
    assert!(s.add_touchpoint(id, &odd).unwrap_err().is_invalid());

    let mut outcome = bare.clone();
    outcome.outcome = Some(Outcome::Rejected);
    s.add_touchpoint(id, &outcome).unwrap();
    let a = s.application(id).unwrap().application;
    assert_eq!(
        (a.status, a.closed_at),
        (Status::Rejected, Some(outcome.at))
    );
    assert!(s.applications(false).unwrap().is_empty());
    assert_eq!(s.applications(true).unwrap().len(), 1);

    s.set_status(id, Status::Active, t("2026-12-11T00:00:00Z"))
        .unwrap();
    let a = s.application(id).unwrap().application;
    assert_eq!((a.status, a.closed_at), (Status::Active, None));
}

#[test]
fn patches_change_only_what_they_name() {
    let mut s = Store::open_in_memory().unwrap();
    let id = s.add_application(&sample()).unwrap();
    let before = s.application(id).unwrap();
    s.update_application(
        id,
        &ApplicationPatch {
            role: Some("Staff Engineer".into()),
            source: Some(None),
            late_in_process: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    let after = s.application(id).unwrap().application;
    let mut expected = before.application.clone();
    expected.role = "Staff Engineer".into();
    expected.source = None;
    expected.late_in_process = true;
    assert_eq!(after, expected);

    let bad = ApplicationPatch {
        company: Some("".into()),
        ..Default::default()
    };
    assert!(s.update_application(id, &bad).unwrap_err().is_invalid());
    assert_eq!(s.application(id).unwrap().application, expected);

    let iv = before.interviews[1].id;
    let rita = before.contacts[0].id;
    s.update_interview(
        iv,
        &InterviewPatch {
            cancelled: Some(true),
            uid: Some(Some("new-uid".into())),
            interviewer_ids: Some(vec![rita]),
            ..Default::default()
        },
    )
    .unwrap();
    let got = s.interview(iv).unwrap();
    assert!(got.cancelled);
    assert_eq!(got.interviewer_ids, vec![rita]);
    assert_eq!(s.find_interview_by_uid("new-uid").unwrap().unwrap().id, iv);
    // Taking the uid of the other interview is refused.
    let err = s
        .update_interview(
            iv,
            &InterviewPatch {
                uid: Some(Some("abc@cal".into())),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err}");
}

#[test]
fn later_rounds_name_existing_and_new_interviewers() {
    let mut s = Store::open_in_memory().unwrap();
    let id = s.add_application(&sample()).unwrap();
    let jane = s.application(id).unwrap().contacts[1].id;
    let mut iv = NewInterview::new(t("2026-12-10T15:00:00Z"), "Europe/Berlin", 30);
    iv.interviewers = vec![
        Interviewer::Id(jane),
        Interviewer::New(NewContact::new("Carol", ContactRole::Interviewer)),
        Interviewer::Id(jane),
    ];
    iv.notes = vec![NewNote::new(NoteKind::Question, "start date?")];
    let iv_id = s.add_interview(id, &iv).unwrap();
    let full = s.application(id).unwrap();
    let carol = full.contacts.iter().find(|c| c.name == "Carol").unwrap().id;
    assert_eq!(
        full.interview(iv_id).unwrap().interviewer_ids,
        vec![jane, carol]
    );
    assert!(full
        .notes
        .iter()
        .any(|n| n.interview_id == Some(iv_id) && n.kind == NoteKind::Question));

    let listed = NewInterview {
        interviewers: vec![Interviewer::Listed(0)],
        ..NewInterview::new(t("2026-12-11T15:00:00Z"), "UTC", 30)
    };
    assert!(s.add_interview(id, &listed).unwrap_err().is_invalid());
    let c = s
        .add_contact(id, &NewContact::new("Dan", ContactRole::Recruiter))
        .unwrap();
    let n = s
        .add_note(id, Some(iv_id), &NewNote::new(NoteKind::Gap, "no Go"))
        .unwrap();
    let full = s.application(id).unwrap();
    assert_eq!(full.contact(c).unwrap().name, "Dan");
    assert!(full.notes.iter().any(|x| x.id == n));
}

#[test]
fn delete_cascades_and_ids_are_not_reused() {
    let mut s = Store::open_in_memory().unwrap();
    let a = s.add_application(&sample()).unwrap();
    let full = s.application(a).unwrap();
    let jane = full.contacts[1].id;
    let mut tp = NewTouchpoint::new(TouchpointKind::ThankYou, t("2026-12-01T20:00:00Z"));
    tp.contact_id = Some(jane);
    s.add_touchpoint(a, &tp).unwrap();
    s.delete_application(a).unwrap();
    assert!(s.application(a).unwrap_err().is_not_found());
    assert!(s.find_interview_by_uid("abc@cal").unwrap().is_none());
    assert!(s
        .interview(full.interviews[0].id)
        .unwrap_err()
        .is_not_found());
    let export = s.export().unwrap();
    assert!(export.applications.is_empty());
    let b = s.add_application(&sample()).unwrap();
    assert!(b > a);
    let again = s.application(b).unwrap();
    assert!(again.contacts[0].id > full.contacts[2].id);
}

#[test]
fn profile_is_one_row() {
    let mut s = Store::open_in_memory().unwrap();
    assert_eq!(s.profile().unwrap(), None);
    let mut p = Profile {
        name: "Sam Seeker".into(),
        email: "sam@example.com".into(),
        phone: None,
    };
    s.set_profile(&p).unwrap();
    p.phone = Some("+1 555 0100".into());
    s.set_profile(&p).unwrap();
    assert_eq!(s.profile().unwrap(), Some(p.clone()));
    p.email = "sam".into();
    assert!(s.set_profile(&p).unwrap_err().is_invalid());
}

#[test]
fn words_parse_and_unknown_words_list_the_choices() {
    assert_eq!(
        "final-follow-up".parse::<TouchpointKind>().unwrap(),
        TouchpointKind::FinalFollowUp
    );
    assert_eq!(
        "Thank_You".parse::<TouchpointKind>().unwrap(),
        TouchpointKind::ThankYou
    );
    assert_eq!(
        "hiring-manager".parse::<ContactRole>().unwrap(),
        ContactRole::HiringManager
    );
    assert_eq!(
        "no-response".parse::<Outcome>().unwrap(),
        Outcome::NoResponse
    );
    let err = "postcard"
        .parse::<TouchpointKind>()
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "unknown touchpoint kind `postcard` (expected one of: thank-you, follow-up, \
         final-follow-up, call, voicemail, letter, reply, feedback-request, outcome, reopened)"
    );
    let err = "maybe".parse::<Outcome>().unwrap_err().to_string();
    assert!(
        err.contains("offer, rejected, withdrawn, no-response"),
        "{err}"
    );
    assert_eq!(
        serde_json::to_string(&TouchpointKind::FinalFollowUp).unwrap(),
        "\"final-follow-up\""
    );
    assert_eq!(Status::from(Outcome::NoResponse), Status::NoResponse);
}

#[test]
fn deleting_an_outcome_restores_the_status_the_history_leaves() {
    let mut s = Store::open_in_memory().unwrap();
    let id = s.add_application(&sample()).unwrap();
    let sent = s
        .add_touchpoint(
            id,
            &NewTouchpoint::new(TouchpointKind::FollowUp, t("2026-12-09T15:00:00Z")),
        )
        .unwrap();
    let mut first = NewTouchpoint::new(TouchpointKind::Outcome, t("2026-12-10T15:00:00Z"));
    first.outcome = Some(Outcome::Rejected);
    let first = s.add_touchpoint(id, &first).unwrap();
    let mut second = NewTouchpoint::new(TouchpointKind::Outcome, t("2026-12-11T15:00:00Z"));
    second.outcome = Some(Outcome::Offer);
    let second = s.add_touchpoint(id, &second).unwrap();
    assert_eq!(s.application(id).unwrap().application.status, Status::Offer);

    // The latest outcome undone: the one before it holds again, closed at its time.
    s.delete_touchpoint(id, second).unwrap();
    let a = s.application(id).unwrap().application;
    assert_eq!(a.status, Status::Rejected);
    assert_eq!(a.closed_at, Some(t("2026-12-10T15:00:00Z")));
    // No outcome left: active again.
    s.delete_touchpoint(id, first).unwrap();
    let full = s.application(id).unwrap();
    assert_eq!(full.application.status, Status::Active);
    assert_eq!(full.application.closed_at, None);
    assert_eq!(
        full.touchpoints.iter().map(|t| t.id).collect::<Vec<_>>(),
        [sent]
    );
    // Another application's touchpoint, or one already gone: not found, nothing changes.
    let other = s
        .add_application(&NewApplication::new(
            "Beta",
            "Engineer",
            t("2026-11-20T09:00:00Z"),
        ))
        .unwrap();
    assert!(matches!(
        s.delete_touchpoint(other, sent),
        Err(StoreError::NotFound {
            what: "touchpoint",
            ..
        })
    ));
    assert!(s.delete_touchpoint(id, first).is_err());
    assert_eq!(s.application(id).unwrap().touchpoints.len(), 1);
}

#[test]
fn an_idempotency_key_keeps_the_first_answer() {
    use followup_store::Remembered;
    let mut s = Store::open_in_memory().unwrap();
    let first = Remembered {
        request: "POST /api/applications/1/replies".into(),
        status: 201,
        body: "{\"id\":1}".into(),
    };
    assert_eq!(s.remembered("k1").unwrap(), None);
    let at = t("2026-12-01T15:00:00Z");
    s.remember("k1", &first, at, t("2026-11-30T15:00:00Z"))
        .unwrap();
    let again = Remembered {
        body: "{\"id\":2}".into(),
        ..first.clone()
    };
    s.remember("k1", &again, at, t("2026-11-30T15:00:00Z"))
        .unwrap();
    assert_eq!(s.remembered("k1").unwrap(), Some(first.clone()));
    // A day later, keeping another key forgets it.
    s.remember(
        "k2",
        &first,
        t("2026-12-02T16:00:00Z"),
        t("2026-12-01T16:00:00Z"),
    )
    .unwrap();
    assert_eq!(s.remembered("k1").unwrap(), None);
    assert!(s.remember("", &first, at, at).is_err());
}
