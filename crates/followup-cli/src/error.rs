//! The one error type of the CLI, shared with the server: `followup_app::error`.

pub use followup_app::error::*;
