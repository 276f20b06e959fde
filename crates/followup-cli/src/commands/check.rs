//! `followup check FILE|-` (L): reads a message, runs the checker of `followup-core`
//! and prints its findings like a compiler (annotate-snippets) or as JSON. With
//! `--application ID` the company, the names, the other companies and the timing
//! come from the tracker; the send moment is now (or `--now`).

use std::io::Read;
use std::path::Path;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use followup_app::check::{tracked, Tracked};
use followup_core::check::{self, Context, Diagnostic, Lang, Severity};
use followup_core::model::MessageKind;
use serde_json::json;

use crate::cli::CheckArgs;
use crate::commands::track::Ctx;
use crate::error::{parse_word, Error, Result};
use crate::output;

/// Runs `followup check`.
pub fn run(ctx: &Ctx, args: &CheckArgs) -> Result<()> {
    let kind: Option<MessageKind> = parse_word(args.kind.as_deref())?;
    let lang: Lang = args.lang.parse().map_err(Error::input)?;
    let name = if args.file.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        args.file.display().to_string()
    };
    // Refused before anything is checked (exit 2): see `check::read_message`.
    let (text, msg) = check::read_message(&read_input(&args.file)?)
        .map_err(|e| Error::input(format!("{name}: {e}")))?;
    let mut words = personal_words(args.words.as_deref())?;
    let tracked = match args.application {
        Some(id) => tracked(ctx, id, kind, args.to.as_deref())?,
        None => Tracked::default(),
    };
    words.extend(tracked.words.iter().cloned());

    let context = Context {
        kind: kind.or(tracked.kind),
        company: args.company.as_deref().or(tracked.company.as_deref()),
        recipient: args.to.as_deref(),
        people: &tracked.people,
        topics: &tracked.topics,
        other_companies: &tracked.others,
        known_words: &words,
        timing: tracked.timing.clone(),
        lang,
    };
    // What the dictionary said about words seen in earlier checks: a message checked
    // again needs no dictionary unless it has new words.
    let verdicts =
        followup_app::settings::cache_dir().map(|d| d.join(format!("spelling-{lang}.txt")));
    if let Some(text) = verdicts
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok())
    {
        check::load_verdicts(lang, &text);
    }
    let found = check::check(&msg, &context);
    if let (Some(path), Some(text)) = (&verdicts, check::save_verdicts(lang)) {
        // Only a cache: a failure to write it changes nothing else.
        let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
        let _ = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&tmp, text))
            .and_then(|()| std::fs::rename(&tmp, path));
    }

    if args.json {
        print_json(&found)?;
    } else {
        // Findings in a decoded body (quoted-printable, base64, HTML) point into the
        // decoded text, which is what is shown.
        let shown = msg.shown(&text);
        print_human(&name, &shown, &found)?;
        if !msg.body_verbatim && !found.is_empty() {
            output::with_stdout(|out| {
                writeln!(
                    out,
                    "note: the body was decoded; from line {} on, lines and columns refer to the decoded text",
                    msg.body_line
                )
            })?;
        }
    }
    let errors = found
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        // Exit 1, like a compiler that found errors.
        return Err(Error::Findings(format!(
            "{name}: {errors} error{} to fix before sending",
            if errors == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// The bytes of the input, at most one more than [`check::MAX_INPUT_BYTES`] (more is
/// refused anyway, and a stream that never ends must not be read to its end).
fn read_input(file: &Path) -> Result<Vec<u8>> {
    let read_err = |source| Error::Read {
        path: file.to_path_buf(),
        source,
    };
    let limit = check::MAX_INPUT_BYTES as u64 + 1;
    let mut buf = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(read_err)?;
    } else {
        if file.is_dir() {
            return Err(Error::input(format!("{} is a directory", file.display())));
        }
        std::fs::File::open(file)
            .and_then(|f| f.take(limit).read_to_end(&mut buf))
            .map_err(read_err)?;
    }
    Ok(buf)
}

/// `~/.config/followup/words.txt` if it exists, and `--words FILE` (which must).
pub(crate) fn personal_words(extra: Option<&Path>) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut read = |path: &Path, must: bool| -> Result<()> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                words.extend(
                    text.lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#'))
                        .map(str::to_string),
                );
                Ok(())
            }
            Err(e) if !must && e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(Error::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    };
    if let Some(dir) = crate::settings::config_dir() {
        read(&dir.join("words.txt"), false)?;
    }
    if let Some(p) = extra {
        read(p, true)?;
    }
    Ok(words)
}

fn print_json(found: &[Diagnostic]) -> Result<()> {
    let list: Vec<_> = found
        .iter()
        .map(|d| {
            json!({
                "rule": d.rule,
                "severity": d.severity.as_str(),
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line,
                "end_column": d.end_column,
                "message": d.message,
                "suggestion": d.suggestion,
            })
        })
        .collect();
    output::with_stdout(|out| {
        serde_json::to_writer_pretty(&mut *out, &json!({ "diagnostics": list }))?;
        writeln!(out)
    })
}

/// The lines of a text: byte ranges without the line break.
fn line_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let t = piece.trim_end_matches('\n').trim_end_matches('\r');
        out.push(start..start + t.len());
        start += piece.len();
    }
    if out.is_empty() || text.ends_with('\n') {
        out.push(text.len()..text.len());
    }
    out
}

/// The byte offset of a 1-based line and character column, clamped to the line (a
/// column past its end is its end).
fn offset(text: &str, lines: &[std::ops::Range<usize>], line: usize, column: usize) -> usize {
    let Some(r) = lines.get(line.saturating_sub(1)) else {
        return text.len();
    };
    let line_text = &text[r.clone()];
    r.start
        + line_text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line_text.len(), |(i, _)| i)
}

/// The findings shown in full; the rest are counted. A snippet costs the length of its
/// lines, so an input of very long lines with thousands of findings would otherwise
/// take time in the square of its length.
const MAX_SHOWN: usize = 200;

pub(crate) fn print_human(name: &str, text: &str, found: &[Diagnostic]) -> Result<()> {
    // anstream drops the colours when stdout is not a terminal.
    let renderer = Renderer::styled();
    let lines = line_ranges(text);
    let (mut errors, mut warnings, mut infos) = (0, 0, 0);
    output::with_stdout(|out| {
        for d in found {
            let level = match d.severity {
                Severity::Error => {
                    errors += 1;
                    Level::ERROR
                }
                Severity::Warning => {
                    warnings += 1;
                    Level::WARNING
                }
                Severity::Info => {
                    infos += 1;
                    Level::INFO
                }
            };
            if errors + warnings + infos > MAX_SHOWN {
                continue;
            }
            let start = offset(text, &lines, d.line, d.column);
            let end = offset(text, &lines, d.end_line, d.end_column).max(start);
            // Only the lines of the span, so that a long input with many findings
            // costs no more per finding than a short one.
            let first = lines.partition_point(|r| r.end < start);
            let last = lines.partition_point(|r| r.end < end);
            let from = lines.get(first).map_or(text.len(), |r| r.start);
            let to = lines.get(last).map_or(text.len(), |r| r.end).max(from);
            let mut report = vec![level.primary_title(&d.message).id(d.rule).element(
                Snippet::source(&text[from..to])
                    .line_start(first + 1)
                    .path(name)
                    .fold(true)
                    .annotation(AnnotationKind::Primary.span(start - from..end - from)),
            )];
            if let Some(s) = &d.suggestion {
                report.push(Group::with_title(
                    Level::HELP.secondary_title(format!("try: {s}")),
                ));
            }
            writeln!(out, "{}\n", renderer.render(&report))?;
        }
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        let total = errors + warnings + infos;
        if total > MAX_SHOWN {
            writeln!(
                out,
                "note: {} not shown; --json lists them all\n",
                plural(total - MAX_SHOWN, "more finding")
            )?;
        }
        writeln!(
            out,
            "{name}: {}, {}, {}",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(infos, "note")
        )
    })
}
