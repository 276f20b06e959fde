//! `followup holidays` (T8): custom holiday calendars read from `.ics` files (a
//! company's closure days, a country not built in), and holiday regions by name,
//! built-in or custom.

use std::path::Path;

use followup_core::ical::import::MAX_INPUT_BYTES;
use followup_store::HolidayLayer;
use serde_json::json;

use crate::cli::HolidaysCommand;
use crate::commands::track::Ctx;
use crate::error::{Error, Result};
use crate::output;

/// Runs `followup holidays`.
pub fn run(ctx: &Ctx, args: &HolidaysCommand) -> Result<()> {
    match args {
        HolidaysCommand::Import {
            file,
            name,
            on,
            replaces,
            json,
        } => {
            let layer = followup_app::holidays::layer_of(on.as_deref(), *replaces, "--on")?;
            import(ctx, file, name, &layer, *json)
        }
        HolidaysCommand::List { json } => list(ctx, *json),
    }
}

/// Reads an input file of at most [`MAX_INPUT_BYTES`] as text (bad UTF-8 replaced).
pub fn read_input(file: &Path) -> Result<String> {
    let bytes = read_bytes(file)?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// The bytes of an input file, with the checks of [`read_input`].
pub fn read_bytes(file: &Path) -> Result<Vec<u8>> {
    let read_err = |source| Error::Read {
        path: file.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(file).map_err(read_err)?;
    if meta.is_dir() {
        return Err(Error::input(format!("{} is a directory", file.display())));
    }
    if meta.len() > MAX_INPUT_BYTES as u64 {
        return Err(Error::input(format!(
            "{}: the file is too large: {} bytes, at most {MAX_INPUT_BYTES} are read",
            file.display(),
            meta.len()
        )));
    }
    std::fs::read(file).map_err(read_err)
}

/// In words, what a calendar's days are to a region's holidays.
fn layer_words(layer: &HolidayLayer) -> String {
    match layer {
        HolidayLayer::Adds => {
            "on top of the default region's holidays (else those the recipient's zone suggests)"
                .to_string()
        }
        HolidayLayer::On(base) => format!("on top of the holidays of {base}"),
        HolidayLayer::Replaces => "in place of any region's holidays".to_string(),
    }
}

fn import(ctx: &Ctx, file: &Path, name: &str, layer: &HolidayLayer, json: bool) -> Result<()> {
    let text = read_input(file)?;
    let cal = followup_app::holidays::import(ctx, &text, &file.display().to_string(), name, layer)?;
    let name = cal.name.as_str();
    let (base, replaces) = match layer {
        HolidayLayer::On(b) => (Some(b.as_str()), false),
        HolidayLayer::Replaces => (None, true),
        HolidayLayer::Adds => (None, false),
    };
    output::with_stdout(|out| {
        if json {
            writeln!(
                out,
                "{}",
                json!({ "name": name, "days": cal.days,
                        "first": cal.first.map(|d| d.to_string()),
                        "last": cal.last.map(|d| d.to_string()),
                        "base": base, "replaces": replaces })
            )
        } else {
            match (cal.first, cal.last) {
                (Some(first), Some(last)) => writeln!(
                    out,
                    "Holiday calendar {name}: {} day(s) from {first} to {last}, {}. Use it with --region {name}.",
                    cal.days,
                    layer_words(layer)
                ),
                _ => writeln!(out, "Holiday calendar {name}: no days."),
            }
        }
    })
}

fn list(ctx: &Ctx, json: bool) -> Result<()> {
    let all = followup_app::holidays::list(ctx)?;
    output::with_stdout(|out| {
        if json {
            writeln!(out, "{}", json!({ "calendars": all }))
        } else if all.is_empty() {
            writeln!(
                out,
                "No custom holiday calendars: `followup holidays import FILE.ics --name NAME`."
            )
        } else {
            let rows: Vec<Vec<output::Cell>> = all
                .iter()
                .map(|c| {
                    vec![
                        output::Cell(c.name.clone(), output::style::HEAD),
                        output::Cell::plain(c.days.to_string()),
                        output::Cell::plain(c.first.map_or("-".into(), |d| d.to_string())),
                        output::Cell::plain(c.last.map_or("-".into(), |d| d.to_string())),
                        output::Cell::plain(match (&c.base, c.replaces) {
                            (_, true) => "none (replaces them)".to_string(),
                            (Some(b), false) => b.clone(),
                            (None, false) => "default region".to_string(),
                        }),
                    ]
                })
                .collect();
            output::table(out, &["Name", "Days", "First", "Last", "On top of"], &rows)
        }
    })
}
