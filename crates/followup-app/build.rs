//! Names this build of the planner for the agenda cache: a hash of every source file
//! whose change can change a derived plan (the planner, the holiday table, the store's
//! reads, this crate's mapping from records to the planner's view, and the locked
//! versions of the crates they use). A cached plan made by another build is stale
//! (see `agenda::fingerprint`).

use std::fs;
use std::path::{Path, PathBuf};

/// FNV-1a, 64 bits: stable across compilers, unlike `std`'s hasher.
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= u64::from(b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let inputs = [
        here.join("src"),
        here.join("../followup-core/src"),
        here.join("../followup-core/data/holidays.txt"),
        here.join("../followup-store/src"),
        here.join("../followup-store/migrations"),
        // The versions of the crates it uses (jiff's zone arithmetic among them).
        here.join("../../Cargo.lock"),
    ];
    let mut all = Vec::new();
    for input in &inputs {
        println!("cargo:rerun-if-changed={}", input.display());
        if input.is_dir() {
            files(input, &mut all);
        } else {
            all.push(input.clone());
        }
    }
    all.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    for path in &all {
        let rel = path.strip_prefix(&here).unwrap_or(path);
        fnv(&mut hash, rel.to_string_lossy().as_bytes());
        fnv(&mut hash, &fs::read(path).unwrap_or_default());
    }
    println!(
        "cargo:rustc-env=FOLLOWUP_PLAN_BUILD={}-{hash:016x}",
        std::env::var("CARGO_PKG_VERSION").unwrap_or_default()
    );
}
