//! Settings, layered: built-in defaults, then `config.toml`, then `FOLLOWUP_*`
//! variables, then flags (clap reads the variables and flags; this module the file).
//!
//! ```toml
//! # ~/.config/followup/config.toml
//! tz = "America/New_York"     # default interview zone
//! region = "US-NY"            # default holiday region of recipients
//! hours = "09:00-17:00"       # recipients' business hours
//! preset = "balanced"         # gentle | balanced | prompt
//! policy = "~/.config/followup/policy.toml"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// What `config.toml` may hold. Every key is optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Default IANA zone of interviews.
    pub tz: Option<String>,
    /// Default holiday region of recipients.
    pub region: Option<String>,
    /// Business hours, "HH:MM-HH:MM".
    pub hours: Option<String>,
    /// Policy preset.
    pub preset: Option<String>,
    /// Policy file.
    pub policy: Option<PathBuf>,
}

/// The directory holding `config.toml` (and, later, templates).
pub fn config_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("followup"))
}

impl Settings {
    /// Loads `explicit` if given (it must exist), else the default file if it exists.
    pub fn load(explicit: Option<&Path>) -> Result<Settings> {
        let (path, must_exist) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => match config_dir() {
                Some(d) => (d.join("config.toml"), false),
                None => {
                    let mut s = Settings::default();
                    s.apply_env();
                    return Ok(s);
                }
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !must_exist && e.kind() == std::io::ErrorKind::NotFound => {
                let mut s = Settings::default();
                s.apply_env();
                return Ok(s);
            }
            Err(source) => return Err(Error::Read { path, source }),
        };
        let mut s: Settings = toml::from_str(&text).map_err(|e| {
            Error::input(format!(
                "invalid settings file {}: {}",
                path.display(),
                one_line(e.message())
            ))
        })?;
        s.apply_env();
        if let Some(p) = &s.policy {
            s.policy = Some(expand_home(p));
        }
        Ok(s)
    }
}

impl Settings {
    /// `FOLLOWUP_*` variables override the file, for every command (flags, read by
    /// clap, override both).
    fn apply_env(&mut self) {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if let Some(v) = var("FOLLOWUP_TZ") {
            self.tz = Some(v);
        }
        if let Some(v) = var("FOLLOWUP_REGION") {
            self.region = Some(v);
        }
        if let Some(v) = var("FOLLOWUP_HOURS") {
            self.hours = Some(v);
        }
        if let Some(v) = var("FOLLOWUP_PRESET") {
            self.preset = Some(v);
        }
        if let Some(v) = var("FOLLOWUP_POLICY") {
            self.policy = Some(PathBuf::from(v));
        }
    }
}

fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => p.to_path_buf(),
    }
}

/// Collapses whitespace so a message fits on one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
