//! `parse_invites_bytes`, `parse_invites` and `parse_holidays` on arbitrary bytes: an
//! error is fine, a panic is a bug. Run with `cargo +nightly fuzz run import` (see
//! README); the corpus it keeps (`crates/followup-core/tests/fuzz-corpus/`, given as its
//! corpus directory) is replayed by
//! `crates/followup-core/tests/fuzz_corpus.rs` in every `cargo test`.
#![no_main]

use followup_core::ical::import::{
    decode_text, parse_holidays, parse_invites, parse_invites_bytes, ParseOptions,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_invites_bytes(data, &ParseOptions::default());
    let text = decode_text(data);
    let _ = parse_invites(&text);
    let _ = parse_holidays(&text);
});
