//! The agenda's read gives the same facts as the full load it replaces.

use followup_store::demo::populate;
use followup_store::model::{ContactRole, InterviewPatch, Interviewer, NewContact, Status};
use followup_store::{
    AgendaRow, NewApplication, NewInterview, NewTouchpoint, Outcome, Store, TouchpointKind,
};
use jiff::Timestamp;

fn now() -> Timestamp {
    "2026-12-01T15:00:00Z".parse().unwrap()
}

/// What the agenda read must return: the full load, kept to active and rejected
/// applications, each reduced with `AgendaRow::from_full`.
fn expected(s: &Store) -> Vec<AgendaRow> {
    s.applications(true)
        .unwrap()
        .iter()
        .filter(|f| matches!(f.application.status, Status::Active | Status::Rejected))
        .filter_map(AgendaRow::from_full)
        .collect()
}

#[test]
fn a_populated_store_reads_the_same_facts_as_the_full_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.sqlite");
    let mut s = Store::open(&path).unwrap();
    populate(&mut s, 1_500, 7, now()).unwrap();
    drop(s);

    let s = Store::open(&path).unwrap();
    let rows = s.agenda_rows().unwrap();
    let want = expected(&s);
    assert_eq!(rows.len(), want.len());
    for (got, want) in rows.iter().zip(&want) {
        assert_eq!(got, want, "application {}", want.id);
    }
    // The sample is not trivial: both statuses, several rounds, interviewers, replies.
    assert!(rows.iter().any(|r| r.status == Status::Rejected));
    assert!(rows.iter().any(|r| r.status == Status::Active));
    assert!(rows.iter().any(|r| r.rounds > 1));
    assert!(rows.iter().any(|r| !r.interviewers.is_empty()));
    assert!(rows.iter().any(|r| r.touchpoints.len() > 3));
    let all = s.applications(true).unwrap();
    assert!(all.len() > rows.len(), "closed applications are left out");
}

#[test]
fn an_empty_store_has_an_empty_agenda() {
    let s = Store::open_in_memory().unwrap();
    assert!(s.agenda_rows().unwrap().is_empty());
}

#[test]
fn cancelled_rounds_ties_closed_applications_and_missing_interviews() {
    let mut s = Store::open_in_memory().unwrap();
    let at = |t: &str| -> Timestamp { t.parse().unwrap() };
    let person = |n: &str| Interviewer::New(NewContact::new(n, ContactRole::Interviewer));

    // Two rounds at the same moment: the later id is the latest. A third, later, round
    // is cancelled and counts for nothing.
    let mut a = NewApplication::new("Acme", "Engineer", at("2026-11-01T10:00:00Z"));
    a.region = Some("US".into());
    a.recipient_tz = Some("America/Chicago".into());
    let mut r1 = NewInterview::new(at("2026-11-20T15:00:00Z"), "America/New_York", 45);
    r1.interviewers.push(person("Ann"));
    let mut r2 = NewInterview::new(at("2026-11-20T15:00:00Z"), "Europe/London", 60);
    r2.interviewers.push(person("Bob"));
    r2.interviewers.push(person("Cy"));
    r2.decision_phrase = Some("next week".into());
    r2.decision_date = Some("2026-11-27".parse().unwrap());
    let mut r3 = NewInterview::new(at("2026-11-25T15:00:00Z"), "Asia/Tokyo", 30);
    r3.cancelled = true;
    a.interviews = vec![r1, r2, r3];
    let acme = s.add_application(&a).unwrap();

    // Touchpoints logged out of time order come back in time order.
    let full = s.application(acme).unwrap();
    let bob = full.contacts.iter().find(|c| c.name == "Bob").unwrap().id;
    let mut reply = NewTouchpoint::new(TouchpointKind::Reply, at("2026-11-23T12:00:00Z"));
    reply.decision_phrase = Some("by Friday".into());
    reply.decision_date = Some("2026-11-27".parse().unwrap());
    s.add_touchpoint(acme, &reply).unwrap();
    let mut thanks = NewTouchpoint::new(TouchpointKind::ThankYou, at("2026-11-20T20:00:00Z"));
    thanks.contact_id = Some(bob);
    s.add_touchpoint(acme, &thanks).unwrap();

    // Only cancelled rounds: no plan, left out.
    let mut b = NewApplication::new("Bolt", "Engineer", at("2026-11-01T10:00:00Z"));
    let mut cancelled = NewInterview::new(at("2026-11-20T15:00:00Z"), "UTC", 30);
    cancelled.cancelled = true;
    b.interviews.push(cancelled);
    s.add_application(&b).unwrap();
    // No interview at all: left out.
    s.add_application(&NewApplication::new(
        "Crux",
        "Engineer",
        at("2026-11-01T10:00:00Z"),
    ))
    .unwrap();

    // Closed: rejected stays (it asks for feedback), an offer does not.
    let mut d = NewApplication::new("Dyno", "Engineer", at("2026-11-01T10:00:00Z"));
    d.interviews
        .push(NewInterview::new(at("2026-11-10T15:00:00Z"), "UTC", 30));
    let dyno = s.add_application(&d).unwrap();
    let mut e = d.clone();
    e.company = "Echo".into();
    let echo = s.add_application(&e).unwrap();
    for (id, outcome) in [(dyno, Outcome::Rejected), (echo, Outcome::Offer)] {
        let mut t = NewTouchpoint::new(TouchpointKind::Outcome, at("2026-11-15T15:00:00Z"));
        t.outcome = Some(outcome);
        s.add_touchpoint(id, &t).unwrap();
        s.set_status(id, outcome.into(), at("2026-11-15T15:00:00Z"))
            .unwrap();
    }

    let rows = s.agenda_rows().unwrap();
    assert_eq!(rows, expected(&s));
    assert_eq!(
        rows.iter().map(|r| r.company.as_str()).collect::<Vec<_>>(),
        ["Acme", "Dyno"]
    );
    let acme_row = &rows[0];
    assert_eq!(acme_row.rounds, 2);
    assert_eq!(acme_row.latest.tz, "Europe/London");
    assert_eq!(
        acme_row.latest.decision_phrase.as_deref(),
        Some("next week")
    );
    assert_eq!(
        acme_row
            .interviewers
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Bob", "Cy"]
    );
    assert_eq!(
        acme_row
            .touchpoints
            .iter()
            .map(|t| t.kind)
            .collect::<Vec<_>>(),
        [TouchpointKind::ThankYou, TouchpointKind::Reply]
    );
    assert_eq!(acme_row.touchpoints[0].contact_id, Some(bob));
    assert_eq!(rows[1].status, Status::Rejected);
    assert_eq!(rows[1].touchpoints[0].outcome, Some(Outcome::Rejected));

    // Cancelling the latest round makes the other one of the same moment the latest.
    let latest = acme_row.latest.id;
    let patch = InterviewPatch {
        cancelled: Some(true),
        ..InterviewPatch::default()
    };
    s.update_interview(latest, &patch).unwrap();
    let rows = s.agenda_rows().unwrap();
    assert_eq!(rows, expected(&s));
    assert_eq!(rows[0].rounds, 1);
    assert_eq!(rows[0].latest.tz, "America/New_York");
    assert_eq!(rows[0].interviewers[0].name, "Ann");
}
