//! `followup export --ics FILE [--application ID]`: every planned step as a calendar
//! event with a reminder (RFC 5545), in the recipient's zone (`followup_app::ics`, the
//! same events the web app's `.ics` downloads serve). `--ics -` writes the same
//! document to standard output, so it can be served as a feed.

use std::io::Write;
use std::path::{Path, PathBuf};

use followup_core::ical::export::EventStatus;

use crate::cli::ExportArgs;
use crate::commands::track::{store_err, Ctx};
use crate::error::{Error, Result};
use crate::output;

/// Runs `followup export`.
pub fn run(ctx: &Ctx, args: &ExportArgs) -> Result<()> {
    let ics: &Path = match (args.format.as_deref().map(str::trim), &args.ics) {
        (None | Some("ics"), Some(file)) => file,
        (Some("ics"), None) => args.output.as_deref().unwrap_or(Path::new("-")),
        (Some("csv"), None) => return crate::commands::export_csv::run(ctx, args),
        (Some("csv"), Some(_)) => {
            return Err(Error::input(
                "--ics writes calendar events: for the CSV of your applications use \
                 --format csv alone (with --output FILE to write a file)",
            ))
        }
        (None, None) => {
            return Err(Error::input(
                "nothing to export: pass --ics FILE (the planned steps as calendar events) \
                 or --format csv (every application and its history)",
            ))
        }
        (Some(other), _) => {
            return Err(Error::input(format!(
                "unknown --format `{other}` (expected csv or ics)"
            )))
        }
    };
    let to_stdout = ics.as_os_str() == "-";
    if to_stdout && args.json {
        return Err(Error::input(
            "--json prints a summary on standard output, where --ics - writes the calendar: write the calendar to a file (--ics FILE) to have both",
        ));
    }
    if !to_stdout {
        check_target(ics)?;
    }
    let store = ctx.store()?;
    let apps = match args.application {
        Some(id) => vec![store.application(id).map_err(store_err)?],
        None => store.applications(true).map_err(store_err)?,
    };
    drop(store);
    let events = followup_app::ics::events(ctx, &apps)?;
    let text = followup_app::ics::document(ctx, &events);

    if to_stdout {
        let mut out = std::io::stdout().lock();
        return match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        };
    }
    write_atomic(ics, &text)?;
    let cancelled = events
        .iter()
        .filter(|e| e.status == EventStatus::Cancelled)
        .count();
    output::with_stdout(|out| {
        if args.json {
            return writeln!(
                out,
                "{}",
                serde_json::json!({
                    "file": ics, "events": events.len(),
                    "planned": events.len() - cancelled, "cancelled": cancelled,
                })
            );
        }
        writeln!(
            out,
            "Wrote {} event(s) ({} planned, {} cancelled) to {}.",
            events.len(),
            events.len() - cancelled,
            cancelled,
            ics.display()
        )
    })
}

/// Refuses, before any work, a target that cannot be a file: a directory, or a path
/// whose directory does not exist.
pub(crate) fn check_target(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(Error::input(format!(
            "cannot write {}: it is a directory (pass a file name such as followup.ics)",
            path.display()
        )));
    }
    if path.file_name().is_none() {
        return Err(Error::input(format!(
            "cannot write {}: not a file name",
            path.display()
        )));
    }
    let dir = parent(path);
    if !dir.is_dir() {
        return Err(Error::input(format!(
            "cannot write {}: the directory {} does not exist",
            path.display(),
            dir.display()
        )));
    }
    Ok(())
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes to a temporary file next to `path`, then renames it into place: a calendar
/// reading the file never sees half of it.
pub(crate) fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = parent(path).join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|source| {
        let _ = std::fs::remove_file(&tmp);
        use std::io::ErrorKind as K;
        match source.kind() {
            K::NotFound
            | K::PermissionDenied
            | K::IsADirectory
            | K::NotADirectory
            | K::ReadOnlyFilesystem
            | K::InvalidFilename => {
                Error::input(format!("cannot write {}: {source}", path.display()))
            }
            _ => Error::Write {
                path: path.to_path_buf(),
                source,
            },
        }
    })
}
