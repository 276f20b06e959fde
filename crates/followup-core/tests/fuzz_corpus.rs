//! Every input of the fuzz target's corpus (`tests/fuzz-corpus/`: the invitation files
//! of the tests, all written here, and 188 of the inputs a ten-minute `cargo fuzz run
//! import` kept, those up to 8 KB of its minimised corpus of 4,154 that carry no text
//! of another project's files) read again by the import parser: an error is fine, a
//! panic is a bug that came back.

use followup_core::ical::import::{
    decode_text, parse_holidays, parse_invites, parse_invites_bytes, ParseOptions,
};

#[test]
fn every_input_of_the_fuzz_corpus_is_read_without_a_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz-corpus");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let run = std::panic::catch_unwind(|| {
            let _ = parse_invites_bytes(&data, &ParseOptions::default());
            let text = decode_text(&data);
            let _ = parse_invites(&text);
            let _ = parse_holidays(&text);
        });
        assert!(run.is_ok(), "{} panics", path.display());
        n += 1;
    }
    assert!(n >= 20, "only {n} inputs in {dir}");
}
