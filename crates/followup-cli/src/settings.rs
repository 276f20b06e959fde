//! Settings, layered (defaults, `config.toml`, `FOLLOWUP_*`, flags): `followup_app::settings`.

pub use followup_app::settings::*;
