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

/// Whole numbers read from JSON, where `3` and `3.0` are the same number (JSON Schema's
/// `integer` takes both): serde's integer types refuse the second, these take it.
pub mod whole {
    use serde::{Deserialize, Deserializer};

    /// The largest magnitude taken: every integer below it is exact in an `f64`.
    const MAX: f64 = 9.0e15;

    fn of<E: serde::de::Error>(f: f64) -> Result<i64, E> {
        if f.fract() == 0.0 && f.abs() < MAX {
            Ok(f as i64)
        } else {
            Err(E::custom(format!("{f} is not a whole number")))
        }
    }

    /// An optional whole number.
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Option::<f64>::deserialize(d)?.map(of).transpose()
    }

    /// A list of whole numbers from 0.
    pub fn vec_usize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<usize>, D::Error> {
        Vec::<f64>::deserialize(d)?
            .into_iter()
            .map(|f| {
                let n = of::<D::Error>(f)?;
                usize::try_from(n).map_err(|_| serde::de::Error::custom(format!("{n} is below 0")))
            })
            .collect()
    }
}
