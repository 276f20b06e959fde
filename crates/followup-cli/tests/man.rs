//! `followup man`: the manual page documents every command with its options, the
//! files, the environment variables and the exit codes, not only command names.

use std::collections::BTreeSet;
use std::path::Path;

mod common;
use common::ok;

fn page() -> String {
    let home = tempfile::tempdir().unwrap();
    ok(common::bare(home.path()).arg("man"))
}

/// The `.SH` sections of the page, in order.
fn sections(page: &str) -> Vec<&str> {
    page.lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .map(|s| s.trim_matches('"'))
        .collect()
}

/// The names in `text` that start with `prefix` and go on with capitals, digits and
/// underscores (FOLLOWUP_DB).
fn names_with<'a>(text: &'a str, prefix: &str) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(tail.len());
        if end > prefix.len() {
            out.insert(&tail[..end]);
        }
        rest = &tail[prefix.len()..];
    }
    out
}

/// Every source file of a directory, read.
fn sources(dir: &Path) -> String {
    let mut text = String::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            text.push_str(&sources(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            text.push_str(&std::fs::read_to_string(&p).unwrap());
        }
    }
    text
}

#[test]
fn the_page_has_the_sections_a_man_page_needs() {
    let page = page();
    assert!(page.starts_with(".ie"), "roff: {}", &page[..40]);
    assert!(page.is_ascii(), "characters beyond ASCII are escaped");
    let found = sections(&page);
    for want in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "COMMANDS",
        "FILES",
        "ENVIRONMENT",
        "EXIT STATUS",
    ] {
        assert!(found.contains(&want), "no {want} section in {found:?}");
    }
    for file in ["config.toml", "policy.toml", "followup.sqlite"] {
        assert!(page.contains(file), "FILES names {file}");
    }
}

/// `followup ARGS --help`.
fn help(args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    ok(common::bare(home.path()).args(args).arg("--help"))
}

/// The commands a help text lists (none for a command without subcommands).
fn commands(help: &str) -> Vec<String> {
    let Some(list) = help.split("Commands:").nth(1) else {
        return Vec::new();
    };
    list.split("Options:")
        .next()
        .unwrap()
        .lines()
        // A command's line; a wrapped description goes on further in.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// The long options a help text lists: `--all`, `--help`.
fn options(help: &str) -> Vec<String> {
    help.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('-'))
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let first = words.next()?;
            let long = if first.ends_with(',') {
                words.next()?
            } else {
                first
            };
            long.starts_with("--").then(|| long.to_string())
        })
        .collect()
}

/// The text of `.SH title` or `.SS "title"`, up to the next heading.
fn section<'a>(page: &'a str, heading: &str) -> Option<&'a str> {
    let start = page.find(&format!("{heading}\n"))? + heading.len() + 1;
    let rest = &page[start..];
    let end = [rest.find("\n.SS "), rest.find("\n.SH ")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Checks `followup PATH...` and its own commands.
fn documented(page: &str, global: &str, path: &[String]) {
    let args: Vec<&str> = path.iter().map(String::as_str).collect();
    let text = help(&args);
    let name = format!("followup {}", path.join(" "));
    let Some(own) = section(page, &format!(".SS \"{name}\"")) else {
        panic!("no section for `{name}`");
    };
    for option in options(&text) {
        let roff = format!("\\fB{}\\fR", option.replace('-', "\\-"));
        assert!(
            own.contains(&roff) || global.contains(&roff),
            "`{name} {option}` is not documented"
        );
    }
    for sub in commands(&text) {
        let mut inner = path.to_vec();
        inner.push(sub);
        documented(page, global, &inner);
    }
}

#[test]
fn every_command_is_documented_with_its_options() {
    let page = page();
    let global = section(&page, ".SH OPTIONS").expect("an OPTIONS section");
    for option in options(&help(&[])) {
        let roff = format!("\\fB{}\\fR", option.replace('-', "\\-"));
        assert!(
            global.contains(&roff),
            "`followup {option}` is not documented"
        );
    }
    let all = commands(&help(&[]));
    assert!(all.len() > 15, "{all:?}");
    for command in all {
        documented(&page, global, &[command]);
    }
}

#[test]
fn every_variable_and_exit_code_is_documented() {
    let page = page();
    let env: String = page
        .split(".SH ENVIRONMENT")
        .nth(1)
        .unwrap()
        .split(".SH ")
        .next()
        .unwrap()
        .to_string();
    // Every FOLLOWUP_* variable the program reads, where the command line and the
    // settings are read (FOLLOWUP_PLAN_BUILD is set by the build, not by users).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let code = sources(&root.join("followup-cli/src")) + &sources(&root.join("followup-app/src"));
    let read: BTreeSet<&str> = names_with(&code, "FOLLOWUP_")
        .into_iter()
        .filter(|v| *v != "FOLLOWUP_PLAN_BUILD")
        .collect();
    assert!(read.len() >= 10, "{read:?}");
    for var in read {
        assert!(env.contains(var), "ENVIRONMENT does not name {var}");
    }

    // Every exit code the program ends with: 0, and those of its errors and of main.
    let exits: String = page
        .split(".SH \"EXIT STATUS\"")
        .nth(1)
        .unwrap()
        .split(".SH ")
        .next()
        .unwrap()
        .to_string();
    let error = std::fs::read_to_string(root.join("followup-app/src/error.rs")).unwrap();
    let main = std::fs::read_to_string(root.join("followup-cli/src/main.rs")).unwrap();
    let mut codes: BTreeSet<String> = BTreeSet::from(["0".to_string()]);
    for (text, marker) in [(&error, "=> "), (&main, "ExitCode::from(")] {
        for piece in text.split(marker).skip(1) {
            let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
            if !digits.is_empty() {
                codes.insert(digits);
            }
        }
    }
    assert!(codes.contains("2"), "{codes:?}");
    for code in codes {
        assert!(
            exits.contains(&format!(".TP\n{code}\n")),
            "EXIT STATUS does not explain {code}: {exits}"
        );
    }
}
