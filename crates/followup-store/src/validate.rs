//! Checks run before anything is written.
//!
//! Every write method of [`Store`](crate::Store) runs these checks itself, before it
//! opens a transaction, so nothing half-valid reaches the database. They are public so
//! that a front end can check its input before opening the database at all (the
//! `validate` methods of the `New*` types run the same code).
//!
//! What is checked: required text is not blank; one-line text (names, company, role,
//! e-mail, zone names, phrases) has no control characters and at most 300 characters
//! (2,048 for a link or a calendar UID); free text at most 20,000; free text (notes) has no
//! control characters other than tab and newlines; an e-mail looks like `local@domain.tld`;
//! durations are between 1 minute and 7 days; instants are within the years 1678–2261;
//! an `outcome` touchpoint carries an outcome and no other kind does.
//!
//! What is not checked: that a zone name exists in the time zone database (the front
//! end resolves zones with `jiff` and knows the system's database), and that a link is
//! a URL.

use crate::error::{Result, StoreError};
use crate::model::{
    Application, Contact, Interview, Interviewer, NewApplication, NewContact, NewInterview,
    NewNote, NewTouchpoint, Note, Profile, Touchpoint, TouchpointKind,
};

/// Longest interview accepted, in minutes (7 days).
pub const MAX_DURATION_MINUTES: i64 = 7 * 24 * 60;

/// Longest one-line text (a company, a role, a name, a phrase), in characters.
pub const MAX_LINE_CHARS: usize = 300;

/// Longest link or calendar UID, in characters.
pub const MAX_LINK_CHARS: usize = 2048;

/// Longest free text (a note), in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The reason every too-long value is refused with: "too long: N characters, at most M".
pub const TOO_LONG: &str = "too long:";

/// Text over `max` characters is refused, naming the field.
pub fn length(field: &str, value: &str, max: usize) -> Result<()> {
    // Bytes bound characters from above: most values are not counted at all.
    if value.len() <= max {
        return Ok(());
    }
    let n = value.chars().count();
    if n > max {
        return Err(StoreError::TooLong {
            field: field.to_string(),
            chars: n,
            max,
        });
    }
    Ok(())
}

/// One-line text: no control characters, at most [`MAX_LINE_CHARS`] characters
/// ([`MAX_LINK_CHARS`] for a link or a calendar UID).
pub fn line(field: &str, value: &str) -> Result<()> {
    let max = if field.ends_with("link") || field.ends_with("uid") {
        MAX_LINK_CHARS
    } else {
        MAX_LINE_CHARS
    };
    length(field, value, max)?;
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(StoreError::invalid(
            field,
            format!("contains the control character {:?}", c),
        ));
    }
    Ok(())
}

/// One-line text that must not be blank.
pub fn required_line(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(StoreError::invalid(field, "must not be empty"));
    }
    line(field, value)
}

/// Free text: tabs and line breaks allowed, other control characters not; at most
/// [`MAX_TEXT_CHARS`] characters.
pub fn text(field: &str, value: &str) -> Result<()> {
    length(field, value, MAX_TEXT_CHARS)?;
    if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(StoreError::invalid(
            field,
            format!("contains the control character {:?}", c),
        ));
    }
    Ok(())
}

/// An e-mail address of the form `local@domain.tld`, without spaces.
pub fn email(field: &str, value: &str) -> Result<()> {
    line(field, value)?;
    let bad = || StoreError::invalid(field, format!("`{value}` is not an e-mail address"));
    if value.chars().any(char::is_whitespace) {
        return Err(bad());
    }
    let (local, domain) = value.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return Err(bad());
    }
    Ok(())
}

/// A time zone name: not blank, no spaces or control characters.
pub fn zone(field: &str, value: &str) -> Result<()> {
    required_line(field, value)?;
    if value.chars().any(char::is_whitespace) {
        return Err(StoreError::invalid(
            field,
            format!("`{value}` is not a time zone name"),
        ));
    }
    Ok(())
}

/// An interview length in minutes.
pub fn duration_minutes(field: &str, value: i64) -> Result<()> {
    if !(1..=MAX_DURATION_MINUTES).contains(&value) {
        return Err(StoreError::invalid(
            field,
            format!("{value} minutes is not between 1 and {MAX_DURATION_MINUTES}"),
        ));
    }
    Ok(())
}

fn opt(field: &str, value: &Option<String>, check: fn(&str, &str) -> Result<()>) -> Result<()> {
    match value {
        Some(v) => check(field, v),
        None => Ok(()),
    }
}

/// Runs `check` with the field's bare name, and only when it fails again with its
/// full path (`interviews[0].tz`) for the message: no path is formatted for the
/// values that pass, which are nearly all of them.
fn named<T>(p: &str, field: &str, check: impl Fn(&str) -> Result<T>) -> Result<T> {
    match check(field) {
        Err(_) if !p.is_empty() => check(&sub(p, field)),
        other => other,
    }
}

/// Runs `check` on a part of a record (a contact, an interview) without a path, and
/// only when it fails again under the part's full path (`interviews[0]`), formatted
/// then, for the message.
fn at(path: impl FnOnce() -> String, check: impl Fn(&str) -> Result<()>) -> Result<()> {
    match check("") {
        Err(_) => check(&path()),
        ok => ok,
    }
}

fn sub(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else {
        format!("{prefix}.{field}")
    }
}

#[allow(clippy::too_many_arguments)]
fn application_fields(
    p: &str,
    company: &str,
    role: &str,
    source: &Option<String>,
    link: &Option<String>,
    region: &Option<String>,
    recipient_tz: &Option<String>,
) -> Result<()> {
    named(p, "company", |f| required_line(f, company))?;
    named(p, "role", |f| required_line(f, role))?;
    named(p, "source", |f| opt(f, source, line))?;
    named(p, "link", |f| opt(f, link, line))?;
    named(p, "region", |f| opt(f, region, required_line))?;
    named(p, "recipient_tz", |f| opt(f, recipient_tz, zone))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn interview_fields(
    p: &str,
    tz: &str,
    duration: i64,
    decision_phrase: &Option<String>,
    location: &Option<String>,
    uid: &Option<String>,
    title: &Option<String>,
) -> Result<()> {
    named(p, "tz", |f| zone(f, tz))?;
    named(p, "duration_minutes", |f| duration_minutes(f, duration))?;
    named(p, "decision_phrase", |f| {
        opt(f, decision_phrase, required_line)
    })?;
    named(p, "location", |f| opt(f, location, line))?;
    named(p, "uid", |f| opt(f, uid, required_line))?;
    named(p, "title", |f| opt(f, title, line))?;
    Ok(())
}

fn contact_fields(
    p: &str,
    name: &str,
    email_: &Option<String>,
    phone: &Option<String>,
    tz: &Option<String>,
) -> Result<()> {
    named(p, "name", |f| required_line(f, name))?;
    named(p, "email", |f| opt(f, email_, email))?;
    named(p, "phone", |f| opt(f, phone, required_line))?;
    named(p, "tz", |f| opt(f, tz, zone))?;
    Ok(())
}

fn touchpoint_fields(
    p: &str,
    kind: TouchpointKind,
    has_outcome: bool,
    note: &Option<String>,
    decision_phrase: &Option<String>,
) -> Result<()> {
    named(p, "note", |f| opt(f, note, text))?;
    named(p, "decision_phrase", |f| {
        opt(f, decision_phrase, required_line)
    })?;
    match (kind == TouchpointKind::Outcome, has_outcome) {
        (true, false) => Err(StoreError::invalid(
            sub(p, "outcome"),
            "an `outcome` touchpoint needs an outcome",
        )),
        (false, true) => Err(StoreError::invalid(
            sub(p, "outcome"),
            format!("only an `outcome` touchpoint has an outcome, not `{kind}`"),
        )),
        _ => Ok(()),
    }
}

fn note_fields(p: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(StoreError::invalid(sub(p, "text"), "must not be empty"));
    }
    named(p, "text", |f| text(f, value))
}

impl NewApplication {
    /// Check everything, including the contacts, interviews and notes.
    pub fn validate(&self) -> Result<()> {
        application_fields(
            "",
            &self.company,
            &self.role,
            &self.source,
            &self.link,
            &self.region,
            &self.recipient_tz,
        )?;
        for (i, c) in self.contacts.iter().enumerate() {
            at(|| format!("contacts[{i}]"), |p| c.validate_at(p))?;
        }
        for (i, iv) in self.interviews.iter().enumerate() {
            at(|| format!("interviews[{i}]"), |p| iv.validate_at(p))?;
            for (j, who) in iv.interviewers.iter().enumerate() {
                if let Interviewer::Listed(k) = who {
                    if *k >= self.contacts.len() {
                        return Err(StoreError::invalid(
                            format!("interviews[{i}].interviewers[{j}]"),
                            format!(
                                "names contact {k}, but only {} contact(s) are given",
                                self.contacts.len()
                            ),
                        ));
                    }
                }
            }
        }
        for (i, n) in self.notes.iter().enumerate() {
            at(|| format!("notes[{i}]"), |p| n.validate_at(p))?;
        }
        Ok(())
    }
}

impl NewInterview {
    /// Check the interview, its new interviewers and its notes.
    pub fn validate(&self) -> Result<()> {
        self.validate_at("")
    }

    pub(crate) fn validate_at(&self, p: &str) -> Result<()> {
        interview_fields(
            p,
            &self.tz,
            self.duration_minutes,
            &self.decision_phrase,
            &self.location,
            &self.uid,
            &self.title,
        )?;
        named(p, "start", |f| crate::sql::ts(f, self.start))?;
        for (j, who) in self.interviewers.iter().enumerate() {
            if let Interviewer::New(c) = who {
                at(
                    || sub(p, &format!("interviewers[{j}]")),
                    |q| c.validate_at(q),
                )?;
            }
        }
        for (j, n) in self.notes.iter().enumerate() {
            at(|| sub(p, &format!("notes[{j}]")), |q| n.validate_at(q))?;
        }
        Ok(())
    }
}

impl NewContact {
    /// Check the contact.
    pub fn validate(&self) -> Result<()> {
        self.validate_at("")
    }

    pub(crate) fn validate_at(&self, p: &str) -> Result<()> {
        contact_fields(p, &self.name, &self.email, &self.phone, &self.tz)
    }
}

impl NewTouchpoint {
    /// Check the touchpoint.
    pub fn validate(&self) -> Result<()> {
        touchpoint_fields(
            "",
            self.kind,
            self.outcome.is_some(),
            &self.note,
            &self.decision_phrase,
        )?;
        crate::sql::ts("at", self.at)?;
        Ok(())
    }
}

impl NewNote {
    /// Check the note.
    pub fn validate(&self) -> Result<()> {
        self.validate_at("")
    }

    pub(crate) fn validate_at(&self, p: &str) -> Result<()> {
        note_fields(p, &self.text)
    }
}

impl Profile {
    /// Check the profile.
    pub fn validate(&self) -> Result<()> {
        required_line("name", &self.name)?;
        email("email", &self.email)?;
        opt("phone", &self.phone, required_line)?;
        Ok(())
    }
}

impl Application {
    pub(crate) fn validate_at(&self, p: &str) -> Result<()> {
        application_fields(
            p,
            &self.company,
            &self.role,
            &self.source,
            &self.link,
            &self.region,
            &self.recipient_tz,
        )?;
        named(p, "created_at", |f| crate::sql::ts(f, self.created_at))?;
        named(p, "closed_at", |f| crate::sql::opt_ts(f, self.closed_at))?;
        if (self.status == crate::model::Status::Active) != self.closed_at.is_none() {
            return Err(StoreError::invalid(
                sub(p, "closed_at"),
                "must be set exactly when the status is not `active`",
            ));
        }
        Ok(())
    }
}

impl Interview {
    pub(crate) fn validate_at(&self, p: &str) -> Result<()> {
        interview_fields(
            p,
            &self.tz,
            self.duration_minutes,
            &self.decision_phrase,
            &self.location,
            &self.uid,
            &self.title,
        )?;
        named(p, "start", |f| crate::sql::ts(f, self.start))?;
        Ok(())
    }
}

impl Contact {
    pub(crate) fn validate_at(&self, p: &str) -> Result<()> {
        contact_fields(p, &self.name, &self.email, &self.phone, &self.tz)
    }
}

impl Touchpoint {
    pub(crate) fn validate_at(&self, p: &str) -> Result<()> {
        touchpoint_fields(
            p,
            self.kind,
            self.outcome.is_some(),
            &self.note,
            &self.decision_phrase,
        )?;
        named(p, "at", |f| crate::sql::ts(f, self.at))?;
        Ok(())
    }
}

impl Note {
    pub(crate) fn validate_at(&self, p: &str) -> Result<()> {
        note_fields(p, &self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["jane@acme.com", "a.b+c@mail.example.org"] {
            assert!(email("email", ok).is_ok(), "{ok}");
        }
        for bad in [
            "jane",
            "@acme.com",
            "jane@acme",
            "jane@@acme.com",
            "ja ne@acme.com",
            "jane@.com",
            "jane@acme.",
            "jane@acme..com",
        ] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn control_characters() {
        assert!(line("company", "Acme\u{7}").is_err());
        assert!(line("company", "Acme\nInc").is_err());
        assert!(text("note", "line one\nline two\tend").is_ok());
        assert!(text("note", "bell\u{7}").is_err());
        assert!(required_line("company", "  ").is_err());
        let msg = required_line("company", "").unwrap_err().to_string();
        assert_eq!(msg, "invalid company: must not be empty");
    }
}
