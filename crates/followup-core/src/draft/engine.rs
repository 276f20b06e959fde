//! The sandboxed minijinja environment that renders built-in and user templates alike.

use std::io;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior};

use super::{one_line, Draft, DraftInput, TemplateContext};

/// The most instructions one render may run: a built-in template needs a few
/// thousand; a loop that does not end stops here.
pub const FUEL: u64 = 200_000;

/// The most bytes one render may write.
pub const MAX_OUTPUT: usize = 64 * 1024;

/// A template that cannot be rendered. Each names the template's file (and line).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DraftError {
    /// A syntax error, an unknown variable, a failing filter.
    #[error("{file}{}: {message}", at_line(*line))]
    Template {
        /// The template's file name.
        file: String,
        /// The line (1-based), when known.
        line: Option<usize>,
        /// What went wrong.
        message: String,
    },
    /// The fuel limit stopped the render.
    #[error("{file}{}: the template ran out of fuel after {FUEL} steps (a loop that does not end?)", at_line(*line))]
    OutOfFuel {
        /// The template's file name.
        file: String,
        /// The line (1-based), when known.
        line: Option<usize>,
    },
    /// The output grew past [`MAX_OUTPUT`].
    #[error("{file}: the message is longer than {MAX_OUTPUT} bytes")]
    TooLong {
        /// The template's file name.
        file: String,
    },
    /// Nothing but whitespace came out.
    #[error("{file}: the template produced an empty message")]
    Empty {
        /// The template's file name.
        file: String,
    },
}

impl DraftError {
    /// The template file the error is about.
    pub fn file(&self) -> &str {
        match self {
            DraftError::Template { file, .. }
            | DraftError::OutOfFuel { file, .. }
            | DraftError::TooLong { file }
            | DraftError::Empty { file } => file,
        }
    }

    /// The line (1-based), when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            DraftError::Template { line, .. } | DraftError::OutOfFuel { line, .. } => *line,
            _ => None,
        }
    }
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(":{l}")).unwrap_or_default()
}

/// Collects output up to [`MAX_OUTPUT`] bytes, then refuses.
#[derive(Default)]
struct Capped {
    buf: Vec<u8>,
    overflowed: bool,
}

impl io::Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.len() + data.len() > MAX_OUTPUT {
            self.overflowed = true;
            return Err(io::Error::other("output limit"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `{% filter para %}...{% endfilter %}`: the lines of a paragraph joined into one.
fn para(text: String) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `{{ topics | join_and }}`: "a", "a and b", "a, b, and c".
fn join_and(items: Vec<String>) -> String {
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

/// The sandbox: no loader (so `include`, `import` and `extends` find nothing), no
/// auto-escaping, strict printing of unknown names, a fuel limit, a low recursion
/// limit.
fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(32);
    if let Ok(syntax) = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.add_filter("para", para);
    env.add_filter("join_and", join_and);
    env
}

fn template_error(file: &str, e: &minijinja::Error) -> DraftError {
    let line = e.line();
    if e.kind() == ErrorKind::OutOfFuel {
        return DraftError::OutOfFuel {
            file: file.to_string(),
            line,
        };
    }
    let mut message = e.kind().to_string();
    if let Some(detail) = e.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    DraftError::Template {
        file: file.to_string(),
        line,
        message,
    }
}

/// Renders `source` (named `file` in errors) for `input`.
pub(super) fn render(file: &str, source: &str, input: &DraftInput) -> Result<Draft, DraftError> {
    let env = environment();
    let template = env
        .template_from_named_str(file, source)
        .map_err(|e| template_error(file, &e))?;
    let ctx = Value::from(Serde(TemplateContext::new(input)));
    let mut out = Capped::default();
    if let Err(e) = template.render_captured_to(ctx, &mut out) {
        if out.overflowed {
            return Err(DraftError::TooLong {
                file: file.to_string(),
            });
        }
        return Err(template_error(file, &e));
    }
    let text = String::from_utf8_lossy(&out.buf);
    finish(file, &text)
}

/// Tidies the output (trailing spaces, runs of blank lines) and takes the subject from
/// a first line `Subject: ...`.
fn finish(file: &str, text: &str) -> Result<Draft, DraftError> {
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        let blank = line.is_empty();
        if blank && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    let mut subject = None;
    if let Some(first) = lines.first() {
        if first
            .get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("subject:"))
        {
            let s = one_line(&first[8..]);
            subject = (!s.is_empty()).then_some(s);
            lines.remove(0);
            while lines.first().is_some_and(|l| l.is_empty()) {
                lines.remove(0);
            }
        }
    }
    let body = lines.join("\n");
    if body.trim().is_empty() {
        return Err(DraftError::Empty {
            file: file.to_string(),
        });
    }
    Ok(Draft { subject, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_line_with_accents_is_body_not_a_panic() {
        // "Hello Jó" is 9 bytes: byte 8 falls inside the "ó".
        let d = finish("t", "Hello Józef, this is Sam.\n").unwrap();
        assert_eq!(d.subject, None);
        assert_eq!(d.body, "Hello Józef, this is Sam.");
        let d = finish("t", "Subject: Zé\n\nHi Zé").unwrap();
        assert_eq!(d.subject.as_deref(), Some("Zé"));
    }

    #[test]
    fn join_and_reads_as_english() {
        let v = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(join_and(v(&[])), "");
        assert_eq!(join_and(v(&["a"])), "a");
        assert_eq!(join_and(v(&["a", "b"])), "a and b");
        assert_eq!(join_and(v(&["a", "b", "c"])), "a, b, and c");
    }

    #[test]
    fn finish_takes_the_subject_and_tidies() {
        let d = finish("t", "Subject:  Hello \n\n\nHi Jane,  \n\n\n\nBye\n\n").unwrap();
        assert_eq!(d.subject.as_deref(), Some("Hello"));
        assert_eq!(d.body, "Hi Jane,\n\nBye");
        let d = finish("t", "No subject\nhere").unwrap();
        assert_eq!(d.subject, None);
        assert!(matches!(
            finish("t", " \n\n"),
            Err(DraftError::Empty { .. })
        ));
    }
}
