//! `followup man`: the manual page, generated from the command line definition
//! (clap_mangen) so that it never falls behind it: every command with its options,
//! then what clap does not know: the files, the environment and the exit codes.

use std::io::Write;

use clap::CommandFactory;
use roff::{bold, italic, roman, Inline, Roff};

use crate::cli::Cli;

/// The files `followup` reads and writes: (path, what it is).
const FILES: &[(&str, &str)] = &[
    (
        "~/.config/followup/config.toml",
        "The settings: tz (the default zone of interviews), region (the recipients' \
         holiday region), hours (their business hours, 09:00-17:00), preset (gentle, \
         balanced, prompt) and policy (a policy file). In $XDG_CONFIG_HOME/followup/ when \
         that is set; --config FILE or FOLLOWUP_CONFIG reads another file, which must exist.",
    ),
    (
        "~/.config/followup/policy.toml",
        "A policy file: overrides any number of the planner (the waits of T1\u{2013}T7). \
         Used when config.toml names it (policy = \"...\"), or given with FOLLOWUP_POLICY \
         or plan --policy FILE; the web app's Settings page writes it here.",
    ),
    (
        "~/.local/share/followup/followup.sqlite",
        "The database: every application, interview, contact and message, and the \
         sender's profile (in $XDG_DATA_HOME/followup/ when that is set). Created, with \
         its directory, on first use. A file named with --db or FOLLOWUP_DB is created \
         only by a command that records something (add, import, profile with a value, \
         holidays import, restore), in a directory that must exist; any other command \
         refuses a file that does not exist, so a mistyped path is an error, not an \
         empty tracker.",
    ),
    (
        "<database>.bak-v<N>",
        "A copy of the database, written before it is upgraded from schema version N.",
    ),
    (
        "<database>.digest, <database>.digest-secret",
        "The daily digest's state (the day, sending/sent/unknown/waiting) and the \
         secret of its unsubscribe links.",
    ),
    (
        "<database>.outbox-lock",
        "The lock that lets one run at a time send the outbox's messages and the digest.",
    ),
    (
        "<database>.mail-read, <database>.mail-read-lock",
        "When the worker (followup worker, or followup serve's) last started reading \
         the mailbox of [mail] imap, which it does at most every 15 minutes (less often \
         after failures in a row), and the lock that keeps two workers from reading it \
         at once.",
    ),
    (
        "~/.config/followup/templates/<kind>.txt",
        "Your own template for a kind of draft (thank-you.txt, follow-up.txt, ...), in \
         minijinja (Jinja2) syntax, replacing the built-in one.",
    ),
    (
        "~/.config/followup/words.txt",
        "More words the spelling check accepts, one a line.",
    ),
    (
        "~/.cache/followup/spelling-<LANG>.txt",
        "What the spelling check learnt about each word, kept to make the next check \
         faster; it may be deleted (in $XDG_CACHE_HOME/followup/ when that is set).",
    ),
];

/// The environment variables `followup` reads: (name, what it sets).
const ENVIRONMENT: &[(&str, &str)] = &[
    ("FOLLOWUP_CONFIG", "The settings file, as --config."),
    (
        "FOLLOWUP_DB",
        "The database file, as --db (see FILES); for the admin commands, a PostgreSQL \
         URL: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (no other command takes \
         one yet).",
    ),
    (
        "FOLLOWUP_NOW",
        "The current moment (RFC 3339, such as 2026-12-01T15:00:00Z), as --now, instead \
         of the clock.",
    ),
    (
        "FOLLOWUP_TZ",
        "The default zone of interviews (an IANA name such as America/New_York), over \
         tz in config.toml.",
    ),
    (
        "FOLLOWUP_REGION",
        "The recipients' holiday region (US-NY, GB-ENG, or a custom calendar's name), \
         over region in config.toml.",
    ),
    (
        "FOLLOWUP_HOURS",
        "The recipients' business hours (09:00-17:00), over hours in config.toml.",
    ),
    (
        "FOLLOWUP_PRESET",
        "The policy preset: gentle, balanced or prompt, over preset in config.toml.",
    ),
    (
        "FOLLOWUP_POLICY",
        "A policy file, over policy in config.toml.",
    ),
    (
        "FOLLOWUP_LANG",
        "The spelling dictionary of check: en_US (the default) or en_GB.",
    ),
    ("FOLLOWUP_TOKEN", "The bearer token of serve, as --token."),
    (
        "FOLLOWUP_SMTP",
        "The mail server of send: smtps://host:465, smtp://host:587 (STARTTLS required) \
         or smtp://127.0.0.1:PORT (plain, loopback only), over smtp in [mail].",
    ),
    (
        "FOLLOWUP_IMAP",
        "The mailbox mail sync reads (read-only), and the worker every 15 minutes: \
         imaps://host:993, imap://host:143 (STARTTLS required) or imap://127.0.0.1:PORT \
         (plain, loopback only), over imap in [mail].",
    ),
    (
        "FOLLOWUP_IMAP_CA",
        "A PEM file of certificates to trust for the IMAP server besides the public \
         roots (a server with a certificate of its own).",
    ),
    (
        "FOLLOWUP_MAIL_ADDRESS, FOLLOWUP_MAIL_USER, FOLLOWUP_MAIL_CA",
        "The From address, the login and a PEM file of certificates to trust, over \
         address, user and ca in [mail].",
    ),
    (
        "FOLLOWUP_DIGEST_HOUR",
        "The hour (0-23, in the settings' zone) of the daily digest mail, over digest_hour \
         in config.toml; `followup worker` and `followup serve` send it.",
    ),
    (
        "FOLLOWUP_URL",
        "Where the web app is (default http://127.0.0.1:7878), for the digest's links, \
         over url in config.toml.",
    ),
    (
        "FOLLOWUP_MAIL_PASSWORD",
        "The mail password when [mail] has no password_command. Never stored, printed \
         nor logged.",
    ),
    (
        "FOLLOWUP_ACCOUNT_MAIL",
        "On a postgres:// database, the directory of each account's own mail account \
         (ADDRESS.toml, a [mail] section, written by whoever runs the service), over \
         account_mail in config.toml.",
    ),
    (
        "XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME",
        "Where the settings, the database and the cache are (see FILES).",
    ),
    (
        "NO_COLOR",
        "When set, output has no colour (nor has it when it is not a terminal).",
    ),
];

/// The exit codes: (code, when).
const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Done (also for --help and --version)."),
    (
        "1",
        "check found errors in the message; or the database could not be used (not a \
         followup database, damaged, written by a newer followup, locked for too long, \
         a PostgreSQL server that cannot be reached); \
         or a file or the output could not be written.",
    ),
    (
        "2",
        "Bad input, refused before anything is written, with one line on standard \
         error naming the problem and where the value came from: an unknown command or \
         flag, a value that cannot be read (a date, zone, region, preset, decision \
         phrase, policy or settings file, invitation, backup), an unknown id, a file \
         that cannot be read, a --db or FOLLOWUP_DB file that does not exist for a \
         command that only reads.",
    ),
];

/// The lines every piece of roff starts with (a definition of the apostrophe).
const PREAMBLE: [&str; 2] = [".ie \\n(.g .ds Aq \\(aq", ".el .ds Aq '"];

/// Writes the whole page.
pub fn render(out: &mut dyn Write) -> std::io::Result<()> {
    let mut page = Vec::new();
    render_parts(&mut page)?;
    // Each part starts with the same two lines; once is enough. Characters beyond
    // ASCII (a dash in a help text) are written as roff escapes, which every man reads.
    let text = String::from_utf8_lossy(&page);
    for (i, line) in text.lines().enumerate() {
        if i >= PREAMBLE.len() && PREAMBLE.contains(&line) {
            continue;
        }
        let mut escaped = String::with_capacity(line.len());
        for c in line.chars() {
            if c.is_ascii() {
                escaped.push(c);
            } else {
                escaped.push_str(&format!("\\[u{:04X}]", u32::from(c)));
            }
        }
        writeln!(out, "{escaped}")?;
    }
    Ok(())
}

fn render_parts(out: &mut dyn Write) -> std::io::Result<()> {
    let cmd = Cli::command()
        .about("plan, draft, check and track the follow-ups after every job interview");
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;

    let mut page = Roff::new();
    page.control("SH", ["DESCRIPTION"]);
    page.text([roman(
        "followup tells a job seeker when and how to follow up after each interview, \
         and why: a thank-you to each interviewer, a status follow-up after the \
         employer's decision date has passed, one final follow-up and the moment to \
         move on. Every date counts business days, skips the recipient's public \
         holidays and lands inside their business hours in their time zone; every step \
         names the rules of the rule book (T1\u{2013}T10, M1\u{2013}M7) and the numbers \
         behind it. It also drafts the messages, checks them before they go out, and \
         keeps the record of every application.",
    )]);
    page.control("PP", []);
    page.text([roman(
        "Settings are layered: built-in defaults, then config.toml, then the FOLLOWUP_* \
         variables, then the flags. Every command that prints takes --json.",
    )]);
    page.to_writer(out)?;

    man.render_options_section(out)?;

    Roff::new().control("SH", ["COMMANDS"]).to_writer(out)?;
    let mut built = cmd;
    built.build();
    for sub in visible(&built) {
        command(out, sub)?;
    }

    let mut page = Roff::new();
    list(&mut page, "FILES", FILES, true);
    list(&mut page, "ENVIRONMENT", ENVIRONMENT, true);
    list(&mut page, "EXIT STATUS", EXIT_STATUS, false);
    page.control("SH", ["SEE ALSO"]);
    page.text([roman(
        "The README (a tour with examples) and docs/GUIDANCE.md (the rule book) of the \
         source.",
    )]);
    page.to_writer(out)?;
    man.render_version_section(out)
}

/// A section of `.TP` entries.
fn list(page: &mut Roff, title: &str, entries: &[(&str, &str)], name_bold: bool) {
    page.control("SH", [title]);
    for (name, what) in entries {
        page.control("TP", []);
        let name: Inline = if name_bold { bold(*name) } else { roman(*name) };
        page.text([name]);
        page.text([roman(*what)]);
    }
}

/// One command (and its own subcommands): what it does, its synopsis and its
/// options, without the global ones and --help, --version (listed once, under OPTIONS).
fn command(out: &mut dyn Write, sub: &clap::Command) -> std::io::Result<()> {
    let sub = sub.clone().mut_args(|a| {
        if a.is_global_set() || a.get_id() == "help" || a.get_id() == "version" {
            a.hide(true)
        } else {
            a
        }
    });
    let name = sub
        .get_bin_name()
        .map_or_else(|| sub.get_name().to_string(), str::to_string);
    let mut head = Roff::new();
    head.control("SS", [name.as_str()]);
    if let Some(about) = sub.get_long_about().or_else(|| sub.get_about()) {
        head.text([roman(about.to_string())]);
    }
    head.to_writer(out)?;
    let man = clap_mangen::Man::new(sub.clone());
    let mut text = Vec::new();
    man.render_synopsis_section(&mut text)?;
    if sub.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut text)?;
    }
    let text = String::from_utf8_lossy(&text);
    let mut page = Roff::new();
    page.control("PP", []);
    page.to_writer(out)?;
    for line in text.lines() {
        match line.strip_prefix(".SH ") {
            // The command's own headings become paragraphs within its subsection.
            Some("SYNOPSIS" | "OPTIONS") => {}
            Some(heading) => {
                let heading = heading.trim_matches('"').to_lowercase();
                let mut p = Roff::new();
                p.control("PP", []);
                p.text([italic(format!("{heading}:"))]);
                p.to_writer(out)?;
            }
            None => writeln!(out, "{line}")?,
        }
    }
    for inner in visible(&sub) {
        command(out, inner)?;
    }
    Ok(())
}

/// The subcommands a user is meant to see: not the hidden ones, nor clap's `help`.
fn visible(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}
