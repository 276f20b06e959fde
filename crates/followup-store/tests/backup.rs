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
        format!(
            "backup format 99 is not supported (this followup reads formats 1 to {BACKUP_FORMAT})"
        )
    );

    // An empty backup is valid and empties the store.
    s.restore(&Backup {
        format: BACKUP_FORMAT,
        profile: None,
        applications: Vec::new(),
        holiday_calendars: Vec::new(),
        invite_sequences: Vec::new(),
        plan_gens: Vec::new(),
        last_ids: Default::default(),
        outbox: Vec::new(),
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

/// Facts and the state that changes behaviour: a restore gives them back row for row.
const KEPT: &[&str] = &[
    "application",
    "interview",
    "contact",
    "interview_contact",
    "touchpoint",
    "note",
    "profile",
    "holiday_calendar",
    "holiday",
    // The SEQUENCE of each imported invitation: an older one is then `outdated`.
    "invite_sequence",
    // Each application's change count: a calendar export's SEQUENCE grows with it.
    "plan_gen",
    // The last id given in each table: ids are never given twice.
    "sqlite_sequence",
    // Messages queued, sent, failed or cancelled by `followup send` (no password).
    "outbox",
    // Steps the user chose not to take (format 4).
    "skipped_step",
];

/// Caches, left out of a backup and derived again: what planning last derived, and
/// the counter of holiday calendar changes its entries are checked against, the
/// agenda's snapshot and the list of applications changed since it.
const CACHES: &[&str] = &[
    "agenda_cache",
    "agenda_step",
    "agenda_why",
    "holiday_gen",
    "agenda_snapshot",
    "agenda_changed",
    // The first answer to a request sent again (a double click): kept a day.
    "idempotency",
    // What reading mail keeps is not in a backup: a sync after a restore reads the
    // mailbox again, and what accepted proposals recorded is in the facts above.
    "mail_folder",
    "mail_proposal",
    "mail_bad_address",
    // The accounts of `followup serve --multi-user` are the office's, kept in its
    // accounts database; a backup is one person's job search.
    "app_user",
    "user_session",
    "api_token",
    "one_time_link",
    "sign_in_failure",
];

/// A database with a row in every table a backup keeps.
fn every_table_filled(path: &std::path::Path) -> Store {
    let mut s = Store::open(path).unwrap();
    let ids = populate(&mut s, 40, 7, now()).unwrap();
    s.set_profile(&Profile {
        name: "Sam Seeker".into(),
        email: "sam@example.com".into(),
        phone: None,
    })
    .unwrap();
    let day = |d| {
        (
            jiff::civil::date(2026, 12, d),
            "Winter shutdown".to_string(),
        )
    };
    // Made out of name order, and one replaced: ids that a restore must not renumber.
    s.set_holiday_calendar("Zeta closures", &[day(24)]).unwrap();
    s.set_holiday_calendar("Acme closures", &[day(24), day(31)])
        .unwrap();
    s.set_holiday_calendar("zeta closures", &[day(28)]).unwrap();
    // Interviews imported from invitations, at their SEQUENCE.
    let interviews: Vec<i64> = s
        .applications(true)
        .unwrap()
        .iter()
        .take(3)
        .map(|a| a.interviews[0].id)
        .collect();
    s.batch(|b| {
        for (n, &iv) in (2..).zip(&interviews) {
            b.set_invite_sequence(iv, n)?;
        }
        Ok(())
    })
    .unwrap();
    // Changed after it was added, and the last one deleted (its ids are spent).
    let patch = followup_store::ApplicationPatch {
        urgent: Some(true),
        ..Default::default()
    };
    s.update_application(ids[0], &patch).unwrap();
    s.delete_application(*ids.last().unwrap()).unwrap();
    // Two messages in the outbox: one sent (and logged), one queued.
    let full = s.application(ids[1]).unwrap();
    let contact = full.contacts[0].id;
    for (n, minutes) in [(1, 10), (2, 60 * 24 * 7)] {
        let m = s
            .outbox_queue(&followup_store::NewOutboxMessage {
                application_id: ids[1],
                contact_id: contact,
                kind: "follow-up".into(),
                at: now() + jiff::SignedDuration::from_mins(minutes),
                from_name: "Sam Seeker".into(),
                from_addr: "sam@example.com".into(),
                to_name: full.contacts[0].name.clone(),
                to_addr: "them@example.com".into(),
                subject: Some("Following up".into()),
                body: "Hello".into(),
                message_id: format!("<m{n}@example.com>"),
                in_reply_to: None,
                references: None,
                created_at: now(),
                reply_to: None,
            })
            .unwrap();
        if n == 1 {
            s.outbox_claim(m.id).unwrap();
            s.outbox_sent(m.id, m.at, "250 OK").unwrap();
        }
    }
    // Two skipped steps: a thank-you to one person, a follow-up to all; a third
    // taken back (its id is spent).
    let round = full.interviews[0].id;
    for (kind, to) in [
        (followup_core::plan::StepKind::ThankYou, Some(contact)),
        (followup_core::plan::StepKind::FollowUp, None),
        (followup_core::plan::StepKind::FollowUp, None),
    ] {
        s.skip_step(
            ids[1],
            &followup_store::NewSkip {
                kind,
                contact_id: to,
                interview_id: Some(round),
                at: now(),
                note: to.map(|_| "met them twice already".into()),
            },
        )
        .unwrap();
    }
    let last = s.application(ids[1]).unwrap().skipped.last().unwrap().id;
    s.unskip_step(ids[1], last).unwrap();
    s
}

type Rows = Vec<Vec<rusqlite::types::Value>>;

/// Every table of the database at `path`, each row in order of its values.
fn tables(path: &std::path::Path) -> std::collections::BTreeMap<String, Rows> {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    let names: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    names
        .into_iter()
        .map(|name| {
            let stmt = c.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
            let n = stmt.column_count();
            let order: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
            let mut stmt = c
                .prepare(&format!(
                    "SELECT * FROM \"{name}\" ORDER BY {}",
                    order.join(", ")
                ))
                .unwrap();
            let rows: Rows = stmt
                .query_map([], |r| (0..n).map(|i| r.get(i)).collect())
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            (name, rows)
        })
        .collect()
}

#[test]
fn a_backup_restored_into_an_empty_database_gives_every_table_back_row_for_row() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (
        dir.path().join("first.sqlite"),
        dir.path().join("second.sqlite"),
    );
    let original = every_table_filled(&first);
    let json = serde_json::to_string_pretty(&original.export().unwrap()).unwrap();

    let mut restored = Store::open(&second).unwrap();
    restored
        .restore(&serde_json::from_str(&json).unwrap())
        .unwrap();

    let (before, after) = (tables(&first), tables(&second));
    for name in before.keys() {
        assert!(
            KEPT.contains(&name.as_str()) != CACHES.contains(&name.as_str()),
            "table {name} is new: list it under KEPT (a fact, or state that changes \
             behaviour, which a backup must hold) or CACHES (derived again)"
        );
    }
    for name in KEPT.iter().chain(CACHES) {
        assert!(before.contains_key(*name), "no table {name} any more");
    }
    for name in KEPT {
        assert!(!before[*name].is_empty(), "the sample leaves {name} empty");
        assert_eq!(
            before[*name], after[*name],
            "table {name} differs after restore"
        );
    }

    // backup -> restore -> backup gives the same bytes.
    let again = serde_json::to_string_pretty(&restored.export().unwrap()).unwrap();
    assert!(again == json, "the second backup differs from the first");
}

#[test]
fn a_restore_over_a_database_never_lowers_its_counters() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = every_table_filled(&dir.path().join("f.sqlite"));
    let backup = s.export().unwrap();
    let before = s.plan_gens().unwrap();
    let extra = s
        .add_application(&NewApplication::new("Later", "Dev", now()))
        .unwrap();
    s.restore(&backup).unwrap();
    let after = s.plan_gens().unwrap();
    assert_eq!(before.len(), after.len());
    for (id, gen) in &before {
        assert!(
            after[id] > *gen,
            "application {id}: {gen} then {}",
            after[id]
        );
    }
    // The id given after the backup is not given again.
    let next = s
        .add_application(&NewApplication::new("Next", "Dev", now()))
        .unwrap();
    assert!(next > extra);
}

#[test]
fn a_format_1_backup_still_restores() {
    let s = every_table_filled(&tempfile::tempdir().unwrap().path().join("f.sqlite"));
    let mut json = serde_json::to_value(s.export().unwrap()).unwrap();
    let obj = json.as_object_mut().unwrap();
    obj.insert("format".into(), 1.into());
    for key in ["invite_sequences", "plan_gens", "last_ids"] {
        obj.remove(key);
    }
    for cal in obj["holiday_calendars"].as_array_mut().unwrap() {
        cal.as_object_mut().unwrap().remove("id");
    }
    let old: Backup = serde_json::from_value(json).unwrap();
    let mut other = Store::open_in_memory().unwrap();
    other.restore(&old).unwrap();
    let back = other.export().unwrap();
    assert_eq!(back.applications, s.export().unwrap().applications);
    assert!(back.invite_sequences.is_empty());
    assert_eq!(back.format, BACKUP_FORMAT);
}
