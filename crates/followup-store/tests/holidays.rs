//! Custom holiday calendars and batched writes.

use followup_store::{InterviewPatch, NewApplication, NewInterview, Store, StoreError};
use jiff::civil::date;

#[test]
fn a_calendar_is_set_replaced_and_listed() {
    let mut s = Store::open_in_memory().unwrap();
    assert_eq!(s.holiday_calendar("acme").unwrap(), None);
    let days = vec![
        (date(2026, 12, 8), "Winter shutdown".to_string()),
        (date(2026, 12, 7), "Winter shutdown".to_string()),
        (date(2026, 12, 7), "Founders' Day".to_string()),
        (date(2026, 12, 7), "Founders' Day".to_string()),
    ];
    s.set_holiday_calendar("Acme", &days).unwrap();
    let got = s.holiday_calendar("ACME").unwrap().unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].0, date(2026, 12, 7));
    assert_eq!(got[2], (date(2026, 12, 8), "Winter shutdown".to_string()));
    let list = s.holiday_calendars().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (
            list[0].name.as_str(),
            list[0].days,
            list[0].first,
            list[0].last
        ),
        ("Acme", 2, Some(date(2026, 12, 7)), Some(date(2026, 12, 8)))
    );
    // Replacing keeps one calendar with only the new dates.
    s.set_holiday_calendar("acme", &[(date(2027, 1, 2), "New".to_string())])
        .unwrap();
    assert_eq!(
        s.holiday_calendar("Acme").unwrap().unwrap(),
        vec![(date(2027, 1, 2), "New".to_string())]
    );
    assert_eq!(s.holiday_calendars().unwrap().len(), 1);
    // Bad names are refused and change nothing.
    let err = s
        .set_holiday_calendar("acme", &[(date(2027, 1, 3), "bad\nname".to_string())])
        .unwrap_err();
    assert!(err.is_invalid(), "{err}");
    assert!(s.set_holiday_calendar(" ", &[]).unwrap_err().is_invalid());
    assert_eq!(s.holiday_calendar("acme").unwrap().unwrap().len(), 1);
}

#[test]
fn a_failed_batch_writes_nothing() {
    let mut s = Store::open_in_memory().unwrap();
    let at: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
    let err = s
        .batch(|b| {
            let id = b.add_application(&NewApplication::new("Acme", "Engineer", at))?;
            let mut i = NewInterview::new(at, "UTC", 60);
            i.uid = Some("u1".into());
            b.add_interview(id, &i)?;
            assert!(b.find_interview_by_uid("u1")?.is_some());
            assert_eq!(b.open_application_of("ACME")?, Some(id));
            // A second interview with the same UID is refused: the batch is undone.
            b.add_interview(id, &i)
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Duplicate { .. }), "{err}");
    assert!(s.applications(true).unwrap().is_empty());

    let id = s
        .batch(|b| {
            let id = b.add_application(&NewApplication::new("Acme", "Engineer", at))?;
            let iv = b.add_interview(id, &NewInterview::new(at, "UTC", 60))?;
            b.update_interview(
                iv,
                &InterviewPatch {
                    cancelled: Some(true),
                    ..InterviewPatch::default()
                },
            )?;
            Ok(id)
        })
        .unwrap();
    assert!(s.application(id).unwrap().interviews[0].cancelled);
}

#[test]
fn a_calendar_says_what_it_is_to_the_regions_holidays_and_a_backup_keeps_it() {
    use followup_store::HolidayLayer;
    let mut s = Store::open_in_memory().unwrap();
    let days = vec![(date(2026, 11, 27), "Acme closure".to_string())];
    s.set_holiday_calendar("acme", &days).unwrap();
    assert_eq!(
        s.holiday_calendar_layer("ACME").unwrap(),
        Some(HolidayLayer::Adds)
    );
    let g = s.holiday_gen().unwrap();
    s.set_holiday_calendar_layer("acme", &days, &HolidayLayer::On("US-NY".into()))
        .unwrap();
    assert!(s.holiday_gen().unwrap() > g, "a new base re-plans");
    s.set_holiday_calendar_layer("Wakanda", &days, &HolidayLayer::Replaces)
        .unwrap();
    assert_eq!(s.holiday_calendar_layer("nope").unwrap(), None);
    let list = s.holiday_calendars().unwrap();
    assert_eq!(
        (list[0].base.as_deref(), list[0].replaces, list[1].replaces),
        (Some("US-NY"), false, true)
    );

    let backup = s.export().unwrap();
    let text = serde_json::to_string(&backup).unwrap();
    let mut other = Store::open_in_memory().unwrap();
    other
        .restore(&serde_json::from_str(&text).unwrap())
        .unwrap();
    assert_eq!(
        other.holiday_calendar_layer("acme").unwrap(),
        Some(HolidayLayer::On("US-NY".into()))
    );
    assert_eq!(
        other.holiday_calendar_layer("wakanda").unwrap(),
        Some(HolidayLayer::Replaces)
    );
    assert_eq!(other.export().unwrap(), backup);
}
