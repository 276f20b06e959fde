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

/// A database of its own (`followup_test_<pid>_<nanos>_<n>`), dropped on drop; with
/// [`TestDb::owned`], owned by a role of its own that is not a superuser (dropped too).
pub struct TestDb {
    /// Its URL (as the owner, when it has one).
    pub url: String,
    name: String,
    role: Option<String>,
}

impl TestDb {
    /// Makes it; `Err` with the reason when no server is reachable.
    pub fn new() -> Result<TestDb, String> {
        TestDb::make(false)
    }

    /// Makes it, owned by a new `LOGIN CREATEROLE` role that is not a superuser (so
    /// row-level security holds it); its URL connects as that role.
    pub fn owned() -> Result<TestDb, String> {
        TestDb::make(true)
    }

    fn make(owned: bool) -> Result<TestDb, String> {
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
        let role = owned.then(|| format!("{name}_owner"));
        let mut sql = String::new();
        if let Some(role) = &role {
            sql.push_str(&format!(
                "CREATE ROLE {role} LOGIN CREATEROLE NOSUPERUSER NOBYPASSRLS;"
            ));
        }
        pg.client()
            .batch_execute(&sql)
            .and_then(|()| {
                pg.client().batch_execute(&match &role {
                    Some(role) => format!("CREATE DATABASE {name} OWNER {role}"),
                    None => format!("CREATE DATABASE {name}"),
                })
            })
            .map_err(|e| format!("cannot create a test database on {admin}: {e}"))?;
        let (scheme_host, _) = admin.rsplit_once('/').unwrap_or((admin.as_str(), ""));
        let url = match &role {
            Some(role) => {
                // postgres://USER@HOST:PORT -> postgres://ROLE@HOST:PORT
                let (scheme, rest) = scheme_host.split_once("://").unwrap_or(("postgres", ""));
                let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
                format!("{scheme}://{role}@{host}/{name}")
            }
            None => format!("{scheme_host}/{name}"),
        };
        Ok(TestDb { url, name, role })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut pg) = Pg::connect(&admin_url()) {
            let _ = pg.client().batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
            if let Some(role) = &self.role {
                // What it was granted elsewhere (membership in followup_user) goes with it.
                let _ = pg
                    .client()
                    .batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
            }
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

/// Runs `test` on a fresh database owned by a role that is not a superuser.
pub fn with_owned_db(test: impl FnOnce(&TestDb) -> Result<(), Failed>) -> Outcome {
    match TestDb::owned() {
        Ok(db) => test(&db).map(|()| Completion::Completed),
        Err(why) => cannot_run(&why),
    }
}
