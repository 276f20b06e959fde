//! Human output: styles and a small aligned table. Colour goes through `anstream`,
//! which drops it when stdout is not a terminal or `NO_COLOR` is set.

use std::io::Write;

use anstyle::Style;

/// The styles used across commands.
pub mod style {
    use anstyle::{AnsiColor, Style};

    /// "error:".
    pub const ERROR: Style = AnsiColor::Red.on_default().bold();
    /// Headings and labels.
    pub const HEAD: Style = Style::new().bold();
    /// Secondary text.
    pub const DIM: Style = Style::new().dimmed();
    /// Rule ids.
    pub const RULE: Style = AnsiColor::Cyan.on_default();
    /// The recommended moment.
    pub const GOOD: Style = AnsiColor::Green.on_default().bold();
    /// Overdue.
    pub const BAD: Style = AnsiColor::Red.on_default().bold();
    /// Due now.
    pub const DUE: Style = AnsiColor::Yellow.on_default().bold();
}

/// A warning on stderr, such as how an input was read ("took the first").
pub fn warn(text: &str) {
    anstream::eprintln!(
        "{}warning:{} {text}",
        style::DUE.render(),
        style::DUE.render_reset()
    );
}

/// One cell: its text and style.
pub struct Cell(pub String, pub Style);

impl Cell {
    /// A plain cell.
    pub fn plain(s: impl Into<String>) -> Cell {
        Cell(s.into(), Style::new())
    }
}

/// Writes `rows` under `header`, columns padded to the widest cell.
pub fn table(out: &mut dyn Write, header: &[&str], rows: &[Vec<Cell>]) -> std::io::Result<()> {
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, c) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(c.0.chars().count());
        }
    }
    let head = style::HEAD.underline();
    for (i, h) in header.iter().enumerate() {
        let pad = widths[i] - h.chars().count();
        write!(out, "{}{h}{}", head.render(), head.render_reset())?;
        if i + 1 < cols {
            write!(out, "{}  ", " ".repeat(pad))?;
        }
    }
    writeln!(out)?;
    for row in rows {
        for (i, c) in row.iter().enumerate().take(cols) {
            let pad = widths[i] - c.0.chars().count();
            write!(out, "{}{}{}", c.1.render(), c.0, c.1.render_reset())?;
            if i + 1 < cols {
                write!(out, "{}  ", " ".repeat(pad))?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Runs `f` on a locked, colour-aware stdout; a closed pipe (`| head`) ends quietly.
pub fn with_stdout(
    f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> crate::error::Result<()> {
    let mut out = anstream::stdout().lock();
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
