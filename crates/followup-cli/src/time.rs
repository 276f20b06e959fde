//! Parsing times, zones, durations and hours: `followup_app::time`.

pub use followup_app::time::*;
