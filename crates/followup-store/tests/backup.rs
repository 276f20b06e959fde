//! Export and restore.

use followup_store::demo::populate;
use followup_store::{Backup, NewApplication, Profile, Store, StoreError, BACKUP_FORMAT};

fn now() -> jiff::Timestamp {
    "2026-12-01T15:00:00Z".parse().unwrap()
}

fn filled() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    populate(&mut s, 200, 7, now()).unwrap();
    s.set_profile(&Profile {
        name: "Sam Seeker".into(),
        email: "sam@example.com".into(),
        phone: Some("+1 555 0100".into()),
    })
    .unwrap();
    s
}

#[test]
fn export_restore_export_is_the_same_through_json() {
    let s = filled();
    let first = s.export().unwrap();
    assert_eq!(first.format, BACKUP_FORMAT);
    assert_eq!(first.applications.len(), 200);
    let json = serde_json::to_string(&first).unwrap();
    let parsed: Backup = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed, first);

    let dir = tempfile::tempdir().unwrap();
    let mut other = Store::open(dir.path().join("f.sqlite")).unwrap();
    other
        .add_application(&NewApplication::new("Replaced", "Dev", now()))
        .unwrap();
    other.restore(&parsed).unwrap();
    assert_eq!(other.export().unwrap(), first);
    // Ids carry on after the restored ones.
    let id = other
        .add_application(&NewApplication::new("Next", "Dev", now()))
        .unwrap();
    assert!(id > first.applications.last().unwrap().application.id);
}

fn assert_refused_and_unchanged(s: &mut Store, bad: &Backup) -> StoreError {
    let before = s.export().unwrap();
    let err = s.restore(bad).unwrap_err();
    assert!(!err.to_string().contains('\n'));
    assert_eq!(s.export().unwrap(), before, "unchanged after: {err}");
    err
}

#[test]
fn restore_is_all_or_nothing() {
    let mut s = filled();
    let good = s.export().unwrap();

    // Refused by a check on the last application (after all the others would be in).
    let mut bad = good.clone();
    bad.applications.last_mut().unwrap().application.company = "\u{0}".into();
    let err = assert_refused_and_unchanged(&mut s, &bad);
    assert!(err.is_invalid(), "{err}");

    // Refused by the database itself, deep into the transaction: a touchpoint naming a
    // contact of another application.
    let mut bad = good.clone();
    let foreign_contact = bad.applications[0].contacts[0].id;
    let last = bad.applications.last_mut().unwrap();
    last.touchpoints[0].contact_id = Some(foreign_contact);
    let err = assert_refused_and_unchanged(&mut s, &bad);
    assert!(err.is_invalid(), "{err}");

    // Two applications with the same id.
    let mut bad = good.clone();
    let dup = bad.applications[3].clone();
    bad.applications.push(dup);
    assert_refused_and_unchanged(&mut s, &bad);

    // An interviewer who is not a contact of the application.
    let mut bad = good.clone();
    bad.applications[10].interviews[0]
        .interviewer_ids
        .push(999_999);
    assert_refused_and_unchanged(&mut s, &bad);

    // A record filed under the wrong application.
    let mut bad = good.clone();
    let mut stray = bad
        .applications
        .iter()
        .flat_map(|a| a.notes.iter())
        .find(|n| n.application_id != bad.applications[5].application.id)
        .cloned()
        .expect("the sample has notes");
    stray.id = 888_888;
    stray.interview_id = None;
    bad.applications[5].notes.push(stray);
    assert_refused_and_unchanged(&mut s, &bad);

    // An unknown format.
    let mut bad = good.clone();
    bad.format = 99;
    let err = assert_refused_and_unchanged(&mut s, &bad);
    assert_eq!(
        err.to_string(),
        format!("backup format 99 is not supported (this followup reads format {BACKUP_FORMAT})")
    );

    // An empty backup is valid and empties the store.
    s.restore(&Backup {
        format: BACKUP_FORMAT,
        profile: None,
        applications: Vec::new(),
        holiday_calendars: Vec::new(),
    })
    .unwrap();
    assert!(s.applications(true).unwrap().is_empty());
    assert_eq!(s.profile().unwrap(), None);
    s.restore(&good).unwrap();
    assert_eq!(s.export().unwrap(), good);
}

#[test]
fn holiday_calendars_travel_with_the_backup() {
    let mut store = followup_store::Store::open_in_memory().unwrap();
    let days = vec![
        (
            jiff::civil::date(2026, 12, 24),
            "Winter shutdown".to_string(),
        ),
        (
            jiff::civil::date(2026, 12, 31),
            "Winter shutdown".to_string(),
        ),
    ];
    store.set_holiday_calendar("Acme closures", &days).unwrap();
    let backup = store.export().unwrap();
    assert_eq!(backup.holiday_calendars.len(), 1);

    let mut other = followup_store::Store::open_in_memory().unwrap();
    other.set_holiday_calendar("Stale", &days).unwrap();
    other.restore(&backup).unwrap();
    assert_eq!(other.holiday_calendar("Acme closures").unwrap(), Some(days));
    assert_eq!(
        other.holiday_calendar("Stale").unwrap(),
        None,
        "restore replaces everything"
    );

    // A backup written before calendars existed still restores.
    let mut json: serde_json::Value = serde_json::to_value(&backup).unwrap();
    json.as_object_mut().unwrap().remove("holiday_calendars");
    let old: followup_store::Backup = serde_json::from_value(json).unwrap();
    other.restore(&old).unwrap();
    assert!(other.holiday_calendars().unwrap().is_empty());
}
