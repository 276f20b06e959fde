//! The PostgreSQL schema: migrations (applied once, concurrent openers, a newer
//! database refused) and row-level security, at the SQL level: a query that forgets
//! its user filter still sees only the user the transaction is for.
//!
//! Each test gets a database of its own on the machine's server; without a server the
//! tests are reported as ignored with the reason (a failure under CI=true).

use std::process::ExitCode;
use std::sync::{Arc, Barrier};

use followup_store::pg::{Pg, Transaction, PG_SCHEMA_VERSION};
use followup_store::StoreError;
use libtest_mimic::{Arguments, Failed, Trial};

mod pg_db;

use pg_db::{with_db, Outcome};

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let tests = vec![
        Trial::ignorable_test("migrations_apply_on_an_empty_database", migrations_apply),
        Trial::ignorable_test("reopening_is_a_no_op", reopening_is_a_no_op),
        Trial::ignorable_test("a_newer_database_is_refused", a_newer_database_is_refused),
        Trial::ignorable_test("concurrent_openers_all_succeed", concurrent_openers),
        Trial::ignorable_test(
            "a_database_of_something_else_is_left_untouched",
            a_foreign_database_is_refused,
        ),
        Trial::ignorable_test(
            "rls_a_query_without_user_filter_sees_only_its_user",
            rls_only_the_users_rows,
        ),
        Trial::ignorable_test(
            "rls_no_reference_to_another_users_rows",
            rls_no_cross_user_references,
        ),
        Trial::test("an_unreachable_server_is_one_clear_line", unreachable),
    ];
    libtest_mimic::run(&args, tests).exit_code()
}

fn t(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

const FACT_TABLES: &[&str] = &[
    "application",
    "interview",
    "contact",
    "interview_contact",
    "touchpoint",
    "note",
    "profile",
    "holiday_calendar",
    "holiday",
    "invite_sequence",
    "skipped_step",
    "outbox",
    "mail_folder",
    "mail_proposal",
    "mail_bad_address",
    "idempotency",
    "plan_gen",
    "calendar_feed",
];

fn migrations_apply() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        assert_eq!(pg.schema_version()?, PG_SCHEMA_VERSION);
        // Every table with a user_id is under forced row-level security with a policy,
        // and every one of the SQLite schema's fact tables is among them.
        let rows = pg.client().query(
            "SELECT c.relname::text, c.relrowsecurity, c.relforcerowsecurity,
                    (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind = 'r'
               AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                           AND a.attname = 'user_id')
             ORDER BY 1",
            &[],
        )?;
        let mut secured = Vec::new();
        for r in &rows {
            let name: String = r.get(0);
            if ["session", "api_token", "one_time_link"].contains(&name.as_str()) {
                continue; // accounts: read before a user is known
            }
            if [
                "user_due",
                "digest_run",
                "send_queue",
                "send_done",
                "mail_read",
            ]
            .contains(&name.as_str())
            {
                continue; // the workers' job queue: it serves every user
            }
            if name == "user_settings" {
                continue; // read by the workers for every user's digest moment
            }
            assert!(
                r.get::<_, bool>(1),
                "{name}: row-level security not enabled"
            );
            assert!(r.get::<_, bool>(2), "{name}: row-level security not forced");
            assert_eq!(r.get::<_, i64>(3), 1, "{name}: policies");
            secured.push(name);
        }
        let mut expected: Vec<String> = FACT_TABLES.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(secured, expected);
        // The role data is read and written as cannot bypass the policies.
        let r = pg.client().query_one(
            "SELECT rolbypassrls, rolsuper, rolcanlogin FROM pg_roles WHERE rolname = 'followup_user'",
            &[],
        )?;
        assert_eq!(
            (
                r.get::<_, bool>(0),
                r.get::<_, bool>(1),
                r.get::<_, bool>(2)
            ),
            (false, false, false)
        );
        // Every index of a fact table leads with user_id.
        let rows = pg.client().query(
            "SELECT i.indexrelid::regclass::text, t.relname::text,
                    (SELECT attname::text FROM pg_attribute
                     WHERE attrelid = t.oid AND attnum = i.indkey[0])
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
             WHERE t.relname = ANY($1) AND NOT (i.indisprimary AND i.indnatts = 1)",
            &[&FACT_TABLES],
        )?;
        assert!(rows.len() > 20, "{} indexes", rows.len());
        for r in &rows {
            let (index, first): (String, Option<String>) = (r.get(0), r.get(2));
            assert_eq!(first.as_deref(), Some("user_id"), "index {index}");
        }
        Ok(())
    })
}

fn reopening_is_a_no_op() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        pg.create_user(
            "sam@example.com",
            Some("long enough"),
            t("2026-12-01T10:00:00Z"),
        )?;
        drop(pg);
        let mut pg = Pg::open(&db.url)?;
        assert_eq!(pg.schema_version()?, PG_SCHEMA_VERSION);
        let users = pg.list_users()?;
        assert_eq!(users.len(), 1);
        let n: i64 = pg
            .client()
            .query_one("SELECT count(*) FROM followup_schema", &[])?
            .get(0);
        assert_eq!(n, 1);
        Ok(())
    })
}

fn a_newer_database_is_refused() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        pg.client()
            .execute("UPDATE followup_schema SET version = 99", &[])?;
        drop(pg);
        // With a password in the URL (trust authentication ignores it): never shown.
        let with_password = db.url.replacen("postgres@", "postgres:s3cr3t@", 1);
        let err = Pg::open(&with_password).unwrap_err();
        assert!(
            matches!(err, StoreError::PgTooNew { found: 99, .. }),
            "{err:?}"
        );
        let line = err.to_string();
        assert_eq!(
            line,
            format!(
                "PostgreSQL database {} has schema version 99, newer than the {PG_SCHEMA_VERSION} this followup knows; upgrade followup",
                db.url
            )
        );
        assert!(!line.contains("s3cr3t"));
        // Left as it was.
        let mut pg = Pg::connect(&db.url)?;
        assert_eq!(pg.schema_version()?, 99);
        Ok(())
    })
}

fn a_foreign_database_is_refused() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::connect(&db.url)?;
        pg.client()
            .batch_execute("CREATE TABLE invoices (id int PRIMARY KEY)")?;
        let err = Pg::open(&db.url).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "PostgreSQL database {} is not a followup database (1 table(s), no followup_schema); it was left untouched",
                db.url
            )
        );
        let tables: Vec<String> = pg
            .client()
            .query(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(tables, ["invoices"]);
        Ok(())
    })
}

fn concurrent_openers() -> Outcome {
    with_db(|db| {
        const N: usize = 4;
        let barrier = Arc::new(Barrier::new(N));
        let threads: Vec<_> = (0..N)
            .map(|_| {
                let (url, barrier) = (db.url.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Pg::open(&url).map(|mut pg| pg.schema_version())
                })
            })
            .collect();
        for th in threads {
            let v = th.join().expect("no panic")??;
            assert_eq!(v, PG_SCHEMA_VERSION);
        }
        Ok(())
    })
}

/// Adds an application (and a contact of it) for `user`, as that user.
fn add_application(pg: &mut Pg, user: i64, company: &str) -> Result<i64, Failed> {
    let mut tx = pg.user_transaction(user)?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO application (user_id, company, role, status, created_at)
             VALUES ($1, $2, 'Engineer', 'active', 0) RETURNING id",
            &[&user, &company],
        )?
        .get(0);
    tx.execute(
        "INSERT INTO contact (user_id, application_id, name, role)
         VALUES ($1, $2, 'Jane Doe', 'interviewer')",
        &[&user, &id],
    )?;
    tx.commit()?;
    Ok(id)
}

fn count(tx: &mut Transaction<'_>, table: &str) -> Result<i64, Failed> {
    Ok(tx
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
        .get(0))
}

fn rls_only_the_users_rows() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let now = t("2026-12-01T10:00:00Z");
        let a = pg.create_user("a@example.com", None, now)?.user.id;
        let b = pg.create_user("b@example.com", None, now)?.user.id;
        for c in ["Acme", "Globex"] {
            add_application(&mut pg, a, c)?;
        }
        for c in ["Initech", "Umbrella", "Hooli"] {
            add_application(&mut pg, b, c)?;
        }

        // As A, with no user filter in the query: A's rows only.
        let mut tx = pg.user_transaction(a)?;
        assert_eq!(count(&mut tx, "application")?, 2);
        assert_eq!(count(&mut tx, "contact")?, 2);
        let companies: Vec<String> = tx
            .query("SELECT company FROM application ORDER BY company", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(companies, ["Acme", "Globex"]);
        // An update or delete without a filter touches A's rows only.
        assert_eq!(tx.execute("UPDATE application SET source = 'x'", &[])?, 2);
        assert_eq!(tx.execute("DELETE FROM contact", &[])?, 2);
        tx.rollback()?;

        // An insert under B's id, as A: refused by the policy.
        let mut tx = pg.user_transaction(a)?;
        let err = tx
            .execute(
                "INSERT INTO application (user_id, company, role, status, created_at)
                 VALUES ($1, 'Stolen', 'Engineer', 'active', 0)",
                &[&b],
            )
            .unwrap_err();
        assert!(format!("{err:?}").contains("row-level security"), "{err:?}");
        drop(tx);
        // Nor can A move its row to B.
        let mut tx = pg.user_transaction(a)?;
        let err = tx
            .execute("UPDATE application SET user_id = $1", &[&b])
            .unwrap_err();
        assert!(format!("{err:?}").contains("row-level security"), "{err:?}");
        drop(tx);

        // The role without any user set: nothing, for reading and for writing.
        let mut tx = pg.client().transaction()?;
        tx.batch_execute("SET LOCAL ROLE followup_user")?;
        assert_eq!(count(&mut tx, "application")?, 0);
        assert_eq!(count(&mut tx, "contact")?, 0);
        assert!(tx
            .execute(
                "INSERT INTO application (user_id, company, role, status, created_at)
                 VALUES ($1, 'Nobody', 'Engineer', 'active', 0)",
                &[&a],
            )
            .is_err());
        drop(tx);
        // Once a transaction set it, the setting reads as '' afterwards: still nothing,
        // and no error.
        let mut tx = pg.user_transaction(b)?;
        assert_eq!(count(&mut tx, "application")?, 3);
        tx.commit()?;
        let mut tx = pg.client().transaction()?;
        tx.batch_execute("SET LOCAL ROLE followup_user")?;
        assert_eq!(count(&mut tx, "application")?, 0);
        // Nor may the role read the accounts.
        assert!(tx.query("SELECT * FROM app_user", &[]).is_err());
        drop(tx);

        // B's rows are as they were.
        let mut tx = pg.user_transaction(b)?;
        assert_eq!(count(&mut tx, "application")?, 3);
        let n: i64 = tx
            .query_one("SELECT count(*) FROM application WHERE source IS NULL", &[])?
            .get(0);
        assert_eq!(n, 3);
        Ok(())
    })
}

fn rls_no_cross_user_references() -> Outcome {
    with_db(|db| {
        let mut pg = Pg::open(&db.url)?;
        let now = t("2026-12-01T10:00:00Z");
        let a = pg.create_user("a@example.com", None, now)?.user.id;
        let b = pg.create_user("b@example.com", None, now)?.user.id;
        let acme = add_application(&mut pg, a, "Acme")?;
        // B names A's application in a row of its own: the reference carries the
        // user, so it does not exist for B (foreign key checks bypass the policies).
        let mut tx = pg.user_transaction(b)?;
        let err = tx
            .execute(
                "INSERT INTO touchpoint (user_id, application_id, kind, at)
                 VALUES ($1, $2, 'thank-you', 0)",
                &[&b, &acme],
            )
            .unwrap_err();
        assert!(format!("{err:?}").contains("foreign key"), "{err:?}");
        Ok(())
    })
}

fn unreachable() -> Result<(), Failed> {
    let err = Pg::open("postgres://sam:secret@127.0.0.1:1/followup").unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot reach PostgreSQL at postgres://sam@127.0.0.1:1/followup: connection refused"
    );
    Ok(())
}
