//! `parse_invites` and `parse_holidays` on arbitrary UTF-8: an error is fine, a panic
//! is a bug. Run with `cargo +stable fuzz run import --sanitizer none` (see README).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = followup_core::ical::import::parse_invites(text);
        let _ = followup_core::ical::import::parse_holidays(text);
    }
});
