//! A fresh PostgreSQL database for each test, dropped when the test ends, and how a
//! test that cannot reach a server reports so: ignored with the reason (printed on
//! stderr too), or a failure under CI=true, where `.ci/run` starts the server.
//!
//! The server is the machine's (`postgres://postgres@127.0.0.1:5432/postgres`, trust
//! authentication) unless `FOLLOWUP_TEST_PG` names another maintenance database.
//! Shared by the store's and the CLI's PostgreSQL tests.

#![allow(dead_code)] // each test file uses a part

use std::sync::atomic::{AtomicU32, Ordering};

use followup_store::pg::Pg;
use libtest_mimic::{Completion, Failed};

pub type Outcome = Result<Completion, Failed>;

/// The maintenance database new test databases are made from.
pub fn admin_url() -> String {
    std::env::var("FOLLOWUP_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A test that cannot run here: ignored with the reason, a failure under CI=true.
pub fn cannot_run(why: &str) -> Outcome {
    if in_ci() {
        Err(format!("{why} (CI=true: CI must run the PostgreSQL tests)").into())
    } else {
        eprintln!("skipped: {why}");
        Ok(Completion::ignored_with(format!("skipped: {why}")))
    }
}

/// A database of its own (`followup_test_<pid>_<nanos>_<n>`), dropped on drop.
pub struct TestDb {
    /// Its URL.
    pub url: String,
    name: String,
}

impl TestDb {
    /// Makes it; `Err` with the reason when no server is reachable.
    pub fn new() -> Result<TestDb, String> {
        static N: AtomicU32 = AtomicU32::new(0);
        let admin = admin_url();
        let mut pg =
            Pg::connect(&admin).map_err(|e| format!("no PostgreSQL server for the tests: {e}"))?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "followup_test_{}_{nanos}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        pg.client()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .map_err(|e| format!("cannot create a test database on {admin}: {e}"))?;
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
        Ok(TestDb {
            url: format!("{base}/{name}"),
            name,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut pg) = Pg::connect(&admin_url()) {
            let _ = pg.client().batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// Runs `test` on a fresh database, or reports why it cannot run.
pub fn with_db(test: impl FnOnce(&TestDb) -> Result<(), Failed>) -> Outcome {
    match TestDb::new() {
        Ok(db) => test(&db).map(|()| Completion::Completed),
        Err(why) => cannot_run(&why),
    }
}
