//! Opening files: creation, reopening, and refusing what is not ours without touching it.

use std::fs;
use std::path::Path;

use followup_store::{NewApplication, Store, StoreError, APPLICATION_ID, SCHEMA_VERSION};
use rusqlite::Connection;

fn at() -> jiff::Timestamp {
    "2026-12-01T15:00:00Z".parse().unwrap()
}

/// Everything about a file that must not change: its bytes and its modification time.
fn snapshot(path: &Path) -> (Vec<u8>, std::time::SystemTime) {
    (
        fs::read(path).unwrap(),
        fs::metadata(path).unwrap().modified().unwrap(),
    )
}

fn assert_untouched(path: &Path, err: StoreError, before: (Vec<u8>, std::time::SystemTime)) {
    let after = snapshot(path);
    assert!(
        after.0 == before.0,
        "{} changed after: {err}",
        path.display()
    );
    assert_eq!(after.1, before.1, "modification time changed");
    let msg = err.to_string();
    eprintln!("{msg}");
    assert!(!msg.contains('\n'), "one line: {msg}");
    assert!(
        msg.contains(&path.display().to_string()),
        "names the file: {msg}"
    );
    let bak = format!("{}.bak-v", path.display());
    for entry in fs::read_dir(path.parent().unwrap()).unwrap() {
        let name = entry.unwrap().path().display().to_string();
        assert!(
            !name.starts_with(&bak),
            "no backup of a refused file: {name}"
        );
    }
}

#[test]
fn first_open_creates_directories_file_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/followup.sqlite");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.path(), Some(path.as_path()));
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);

    let c = Connection::open(&path).unwrap();
    let id: i32 = c
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    let version: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        (id, version, mode.as_str()),
        (APPLICATION_ID, SCHEMA_VERSION, "wal")
    );
    let mut tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.sort();
    assert_eq!(
        tables,
        [
            "agenda_cache",
            "agenda_changed",
            "agenda_snapshot",
            "agenda_step",
            "agenda_why",
            "api_token",
            "app_user",
            "application",
            "contact",
            "holiday",
            "holiday_calendar",
            "holiday_gen",
            "idempotency",
            "interview",
            "interview_contact",
            "invite_sequence",
            "mail_bad_address",
            "mail_folder",
            "mail_proposal",
            "note",
            "one_time_link",
            "outbox",
            "plan_gen",
            "profile",
            "sign_in_failure",
            "skipped_step",
            "touchpoint",
            "user_session"
        ]
    );
    let fk: i64 = c
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk, 0);
}

#[test]
fn reopening_keeps_data_and_does_not_migrate_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    let id = {
        let mut s = Store::open(&path).unwrap();
        s.add_application(&NewApplication::new("Acme", "Engineer", at()))
            .unwrap()
    };
    for _ in 0..3 {
        let s = Store::open(&path).unwrap();
        assert_eq!(s.application(id).unwrap().application.company, "Acme");
    }
    let backups = fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".bak")
        })
        .count();
    assert_eq!(backups, 0);
}

#[test]
fn empty_file_and_empty_sqlite_database_are_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.sqlite");
    fs::write(&empty, b"").unwrap();
    Store::open(&empty).unwrap();

    let blank = dir.path().join("blank.sqlite");
    Connection::open(&blank)
        .unwrap()
        .execute_batch("PRAGMA page_size = 4096; VACUUM;")
        .unwrap();
    let mut s = Store::open(&blank).unwrap();
    s.add_application(&NewApplication::new("Acme", "Engineer", at()))
        .unwrap();
}

#[test]
fn newer_schema_is_refused_with_both_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    drop(Store::open(&path).unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let before = snapshot(&path);
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(err, StoreError::TooNew { found: 99, supported, .. } if supported == SCHEMA_VERSION),
        "{err}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("99") && msg.contains(&SCHEMA_VERSION.to_string()),
        "{msg}"
    );
    assert_untouched(&path, err, before);
}

#[test]
fn database_of_another_program_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();

    // Another application id.
    let other = dir.path().join("other.sqlite");
    let c = Connection::open(&other).unwrap();
    c.execute_batch("PRAGMA application_id = 1234; CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(c);
    let before = snapshot(&other);
    let err = Store::open(&other).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Foreign {
                application_id: 1234,
                ..
            }
        ),
        "{err}"
    );
    assert_untouched(&other, err, before);

    // No application id, but tables of its own (in WAL mode, with data still in the WAL).
    let tables = dir.path().join("tables.sqlite");
    let c = Connection::open(&tables).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = WAL; CREATE TABLE history (cmd TEXT); INSERT INTO history VALUES ('ls');",
    )
    .unwrap();
    let before = snapshot(&tables);
    let err = Store::open(&tables).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Foreign {
                application_id: 0,
                tables: 1,
                ..
            }
        ),
        "{err}"
    );
    assert_untouched(&tables, err, before);
    drop(c);
}

#[test]
fn files_that_are_not_sqlite_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    fs::write(&text, "call Jane back on Monday\n").unwrap();
    let before = snapshot(&text);
    let err = Store::open(&text).unwrap_err();
    assert!(matches!(err, StoreError::NotSqlite { .. }), "{err}");
    assert_untouched(&text, err, before);

    let noise = dir.path().join("noise.bin");
    let bytes: Vec<u8> = (0..65536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs::write(&noise, bytes).unwrap();
    let before = snapshot(&noise);
    let err = Store::open(&noise).unwrap_err();
    assert!(matches!(err, StoreError::NotSqlite { .. }), "{err}");
    assert_untouched(&noise, err, before);
}

#[test]
fn corrupt_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.sqlite");
    {
        let mut s = Store::open(&path).unwrap();
        followup_store::demo::populate(&mut s, 50, 1, at()).unwrap();
    }
    // Checkpointed and closed: everything is in the main file. Scribble over the
    // schema table on page 1, after the 100-byte header.
    let mut bytes = fs::read(&path).unwrap();
    assert!(bytes.len() > 8192);
    for b in &mut bytes[100..4096] {
        *b = 0xA5;
    }
    fs::write(&path, &bytes).unwrap();
    let before = snapshot(&path);
    let err = Store::open(&path).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Corrupt { .. } | StoreError::NotSqlite { .. }
        ),
        "{err}"
    );
    assert_untouched(&path, err, before);

    // A damaged header.
    let header = dir.path().join("header.sqlite");
    let mut bytes = fs::read(&path).unwrap();
    bytes[0..16].copy_from_slice(b"SQLite format 9\0");
    fs::write(&header, &bytes).unwrap();
    let before = snapshot(&header);
    let err = Store::open(&header).unwrap_err();
    assert!(matches!(err, StoreError::NotSqlite { .. }), "{err}");
    assert_untouched(&header, err, before);
}

#[test]
fn a_directory_or_unusable_path_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path()).unwrap_err();
    eprintln!("{err}");
    assert!(!err.to_string().contains('\n'));

    let file = dir.path().join("plain");
    fs::write(&file, "x").unwrap();
    let err = Store::open(file.join("db.sqlite")).unwrap_err();
    assert!(
        matches!(err, StoreError::CreateDir { .. } | StoreError::Io { .. }),
        "{err}"
    );
}
