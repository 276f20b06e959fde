//! Contacts and notes changed after an application was added: every write counts for
//! the agenda cache, refused input writes nothing, and history is never lost.

use followup_store::model::{ContactRole, Interviewer, NewContact};
use followup_store::{
    ContactPatch, NewApplication, NewInterview, NewNote, NewTouchpoint, NoteKind, Store,
    TouchpointKind,
};
use jiff::Timestamp;

fn at(t: &str) -> Timestamp {
    t.parse().unwrap()
}

/// An application with one round and Jane in it; (application, interview, Jane).
fn add(s: &mut Store) -> (i64, i64, i64) {
    let mut app = NewApplication::new("Acme", "Engineer", at("2026-11-20T12:00:00Z"));
    let mut round = NewInterview::new(at("2026-12-01T15:00:00Z"), "America/New_York", 60);
    round.interviewers.push(Interviewer::New(NewContact::new(
        "Jane Doe",
        ContactRole::Interviewer,
    )));
    app.interviews.push(round);
    let id = s.add_application(&app).unwrap();
    let full = s.application(id).unwrap();
    (id, full.interviews[0].id, full.contacts[0].id)
}

#[test]
fn a_contact_added_to_a_round_sits_in_it_and_counts_for_the_agenda() {
    let mut s = Store::open_in_memory().unwrap();
    let (app, iv, jane) = add(&mut s);
    let before = s.plan_gens().unwrap()[&app];
    let mut raj = NewContact::new("Raj Patel", ContactRole::Interviewer);
    raj.email = Some("raj@acme.com".into());
    let raj = s.add_contact_in_rounds(app, &raj, &[iv]).unwrap();
    assert!(s.plan_gens().unwrap()[&app] > before);
    let full = s.application(app).unwrap();
    assert_eq!(full.interviews[0].interviewer_ids, vec![jane, raj]);
    assert_eq!(
        full.contact(raj).unwrap().email.as_deref(),
        Some("raj@acme.com")
    );
}

#[test]
fn a_contact_edit_changes_fields_and_rounds_all_or_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    let (app, iv, jane) = add(&mut s);
    let before = s.plan_gens().unwrap()[&app];
    let patch = ContactPatch {
        email: Some(Some("jane@acme.com".into())),
        role: Some(ContactRole::HiringManager),
        leave: vec![iv],
        ..ContactPatch::default()
    };
    s.update_contact(app, jane, &patch).unwrap();
    assert!(s.plan_gens().unwrap()[&app] > before);
    let full = s.application(app).unwrap();
    let c = full.contact(jane).unwrap();
    assert_eq!(c.email.as_deref(), Some("jane@acme.com"));
    assert_eq!(c.role, ContactRole::HiringManager);
    assert!(full.interviews[0].interviewer_ids.is_empty());

    // A bad address, together with a round to join: nothing is written.
    let bad = ContactPatch {
        email: Some(Some("not an address".into())),
        join: vec![iv],
        ..ContactPatch::default()
    };
    assert!(s.update_contact(app, jane, &bad).unwrap_err().is_invalid());
    assert_eq!(s.application(app).unwrap(), full);
    // A round of another application is refused too.
    let (_, other_iv, _) = add(&mut s);
    let other = ContactPatch {
        join: vec![other_iv],
        ..ContactPatch::default()
    };
    assert!(s.update_contact(app, jane, &other).is_err());
    assert_eq!(s.application(app).unwrap(), full);
}

#[test]
fn a_contact_with_logged_touchpoints_is_kept() {
    let mut s = Store::open_in_memory().unwrap();
    let (app, _, jane) = add(&mut s);
    let mut t = NewTouchpoint::new(TouchpointKind::ThankYou, at("2026-12-01T20:00:00Z"));
    t.contact_id = Some(jane);
    s.add_touchpoint(app, &t).unwrap();
    let full = s.application(app).unwrap();
    let err = s.remove_contact(app, jane).unwrap_err();
    assert!(err.is_invalid(), "{err}");
    assert!(err.to_string().contains("touchpoint"), "{err}");
    assert_eq!(s.application(app).unwrap(), full);
}

#[test]
fn a_contact_without_history_is_removed_from_its_rounds() {
    let mut s = Store::open_in_memory().unwrap();
    let (app, _, jane) = add(&mut s);
    let before = s.plan_gens().unwrap()[&app];
    s.remove_contact(app, jane).unwrap();
    assert!(s.plan_gens().unwrap()[&app] > before);
    let full = s.application(app).unwrap();
    assert!(full.contacts.is_empty());
    assert!(full.interviews[0].interviewer_ids.is_empty());
    assert!(s.remove_contact(app, jane).unwrap_err().is_not_found());
}

#[test]
fn notes_are_removed_by_id_within_their_application() {
    let mut s = Store::open_in_memory().unwrap();
    let (app, iv, _) = add(&mut s);
    let (other, _, _) = add(&mut s);
    let n = s
        .add_note(
            app,
            Some(iv),
            &NewNote::new(NoteKind::Topic, "event sourcing"),
        )
        .unwrap();
    assert!(s.remove_note(other, n).unwrap_err().is_not_found());
    assert_eq!(s.application(app).unwrap().notes.len(), 1);
    s.remove_note(app, n).unwrap();
    assert!(s.application(app).unwrap().notes.is_empty());
}
