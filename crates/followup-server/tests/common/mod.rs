//! What the server's test files share: a context over a fresh database in a
//! temporary directory, New York settings and a fixed clock.

#![allow(dead_code)] // each test file uses part of it

use std::path::Path;

use followup_app::settings::Settings;
use followup_app::Ctx;
use followup_core::policy::Preset;

/// The tests' clock: Wed Dec 2 2026, 10:00 in New York.
pub const NOW: &str = "2026-12-02T15:00:00Z";

/// Settings with the user's zone in New York.
pub fn settings() -> Settings {
    Settings {
        tz: Some("America/New_York".into()),
        ..Settings::default()
    }
}

/// A context over the database `db` (created on first use), with [`settings`], the
/// default policy and the clock at [`NOW`].
pub fn ctx(db: &Path) -> Ctx {
    Ctx::from_parts(
        settings(),
        Preset::default().policy(),
        NOW.parse().unwrap(),
        db.to_path_buf(),
    )
}
