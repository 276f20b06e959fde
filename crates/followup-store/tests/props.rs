//! Whatever text comes in is either refused with a clear error or stored exactly.

use followup_store::{
    ContactRole, NewApplication, NewContact, NewInterview, NewNote, NoteKind, Store,
};
use proptest::prelude::*;

fn timestamp() -> impl Strategy<Value = jiff::Timestamp> {
    // 1700..2200, with nanoseconds.
    (-8_520_000_000i64..7_258_000_000, 0i32..1_000_000_000)
        .prop_map(|(s, ns)| jiff::Timestamp::new(s, ns).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn text_is_refused_or_stored_exactly(
        company in any::<String>(),
        role in "\\PC{1,20}",
        name in any::<String>(),
        note in any::<String>(),
        created in timestamp(),
        start in timestamp(),
    ) {
        let mut s = Store::open_in_memory().unwrap();
        let mut app = NewApplication::new(company, role, created);
        app.contacts.push(NewContact::new(name, ContactRole::Recruiter));
        app.notes.push(NewNote::new(NoteKind::Topic, note));
        app.interviews.push(NewInterview::new(start, "UTC", 30));
        match s.add_application(&app) {
            Err(e) => {
                prop_assert!(e.is_invalid(), "{}", e);
                prop_assert!(!e.to_string().contains('\n'));
                prop_assert!(app.validate().is_err());
                prop_assert!(s.applications(true).unwrap().is_empty());
            }
            Ok(id) => {
                let full = s.application(id).unwrap();
                prop_assert_eq!(&full.application.company, &app.company);
                prop_assert_eq!(&full.application.role, &app.role);
                prop_assert_eq!(full.application.created_at, created);
                prop_assert_eq!(&full.contacts[0].name, &app.contacts[0].name);
                prop_assert_eq!(&full.notes[0].text, &app.notes[0].text);
                prop_assert_eq!(full.interviews[0].start, start);
            }
        }
    }
}
