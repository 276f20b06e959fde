//! Link options of the `followup` binary.

fn main() {
    // The binary is position-independent (ASLR), so the loader relocates tens of
    // thousands of pointers at every start. Packed relative relocations (DT_RELR,
    // glibc 2.36 and GNU ld 2.38 or later) keep them in a few kilobytes instead of
    // 1.5 MB that every run of a short command reads.
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.ends_with("-linux-gnu") && std::env::var("FOLLOWUP_NO_RELR").is_err() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-env-changed=FOLLOWUP_NO_RELR");
}
