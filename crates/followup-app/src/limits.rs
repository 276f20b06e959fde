//! Length limits on what is typed, checked before anything is parsed: the store
//! refuses too-long values too (`followup_store::validate`), but a phrase, a time or a
//! name is read before it gets there, and a million characters should not be.
//!
//! One-line values (company, role, names, phrases, times, zones) hold at most
//! [`MAX_LINE_CHARS`] characters, links [`MAX_LINK_CHARS`], notes [`MAX_TEXT_CHARS`];
//! the refusal names the field in plain words: "invalid company: too long: 1000000
//! characters, at most 300".

use followup_store::validate;
pub use followup_store::validate::{MAX_LINE_CHARS, MAX_LINK_CHARS, MAX_TEXT_CHARS};

use crate::contact::ContactInput;
use crate::ctx::store_err;
use crate::error::Result;
use crate::track::{AddInput, RoundInput};

/// A one-line value (a link when the field ends in `link`).
pub fn line(field: &str, value: &str) -> Result<()> {
    let max = if field.ends_with("link") {
        MAX_LINK_CHARS
    } else {
        MAX_LINE_CHARS
    };
    validate::length(field, value, max).map_err(store_err)
}

/// An optional one-line value.
pub fn opt_line(field: &str, value: Option<&str>) -> Result<()> {
    value.map_or(Ok(()), |v| line(field, v))
}

/// Free text (a note).
pub fn text(field: &str, value: &str) -> Result<()> {
    validate::length(field, value, MAX_TEXT_CHARS).map_err(store_err)
}

/// Every field of a round.
pub fn round(p: &str, r: &RoundInput) -> Result<()> {
    let f = |name: &str| format!("{p}{name}");
    line(&f("at"), &r.at)?;
    opt_line(&f("tz"), r.tz.as_deref())?;
    line(&f("duration"), &r.duration)?;
    opt_line(&f("round"), r.round.as_deref())?;
    opt_line(&f("decision"), r.decision.as_deref())?;
    opt_line(&f("location"), r.location.as_deref())?;
    for v in &r.interviewer {
        line(&f("interviewer"), v)?;
    }
    for (name, list) in [
        ("topic", &r.topic),
        ("strength", &r.strength),
        ("gap", &r.gap),
        ("question", &r.question),
    ] {
        for v in list {
            text(&f(name), v)?;
        }
    }
    Ok(())
}

/// Every field of a new application and its first round.
pub fn add(a: &AddInput) -> Result<()> {
    line("company", &a.company)?;
    line("role", &a.role)?;
    opt_line("region", a.region.as_deref())?;
    opt_line("recipient_tz", a.recipient_tz.as_deref())?;
    opt_line("company_type", a.company_type.as_deref())?;
    opt_line("seniority", a.seniority.as_deref())?;
    opt_line("link", a.link.as_deref())?;
    opt_line("source", a.source.as_deref())?;
    round("round.", &a.round)
}

/// Every field of a contact.
pub fn contact(c: &ContactInput) -> Result<()> {
    opt_line("name", c.name.as_deref())?;
    opt_line("email", c.email.as_deref())?;
    opt_line("phone", c.phone.as_deref())?;
    opt_line("role", c.role.as_deref())?;
    opt_line("tz", c.tz.as_deref())
}
