//! The use cases of `followup` over the store, shared by the command line and the web
//! server: the context (settings, policy, the clock's one reading, the database), the
//! mapping from store records to the planner, draft input, the checker's context and
//! the agenda.
//!
//! Dependencies point one way: `followup-core` <- `followup-store` <- `followup-app`
//! <- `followup-cli` / `followup-server`.

pub mod accounts;
pub mod agenda;
pub mod beside;
pub mod check;
pub mod contact;
pub mod ctx;
pub mod digest;
pub mod draft;
pub mod error;
pub mod holidays;
pub mod ics;
pub mod import;
pub mod inbox;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod note;
pub mod outbox;
pub mod pg_jobs;
pub mod pg_send;
pub mod pg_settings;
pub mod proof;
pub mod secret;
pub mod settings;
pub mod skip;
pub mod time;
pub mod track;

pub use ctx::Ctx;
pub use error::{Error, Result};
