//! Pure planning logic for `followup`.
//!
//! Nothing in this crate reads the clock, the filesystem, the environment or the
//! network: the current time, the interview facts and the policy are passed in, and a
//! [`plan::Plan`] comes out. Rule ids (T1–T10, M1–M7, L) refer to the rule book,
//! `GUIDANCE.md`.
//!
//! - [`agenda`]: an application's history in, its open items out (T1–T9).
//! - [`calendar`]: business days, weekends and public holidays per region (T8).
//! - [`check`]: a message in, diagnostics like a compiler's out (L, M1–M7, T5, T8).
//! - [`draft`]: the messages (thank-you, follow-ups, call notes, ...) drafted from the
//!   facts with built-in or user minijinja templates in a sandbox (M1–M7).
//! - [`ical`]: interview invitations (`.ics`, or an e-mail's calendar part) and holiday
//!   calendars read into plain values; the planned steps written out as events with
//!   reminders (RFC 5545).
//! - [`model`]: company type, seniority, round, channel, status.
//! - [`phrase`]: decision phrases such as "within a week" turned into dates (T2).
//! - [`policy`]: the numbers (presets and a TOML policy file) behind the rules.
//! - [`plan`]: one interview in, dated steps with rule ids and reasons out (T1–T10).

pub mod agenda;
pub mod calendar;
pub mod check;
pub mod draft;
pub mod ical;
pub mod inbox;
pub mod model;
pub mod phrase;
pub mod plan;
pub mod policy;
