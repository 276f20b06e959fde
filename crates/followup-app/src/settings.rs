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
//! digest_hour = 8             # a daily digest mail at 08:00 in `tz` (0-23; off without)
//! url = "http://127.0.0.1:7878"  # where the web app is, for the digest's links
//!
//! [mail]                      # the account `followup send` uses
//! address = "sam@example.com" # From (default: the profile's email)
//! smtp = "smtps://smtp.example.com:465"  # or smtp://host:587 (STARTTLS required)
//! user = "sam@example.com"
//! password_command = "pass show mail"    # its first line; or FOLLOWUP_MAIL_PASSWORD
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
    /// The hour (0-23, in `tz`) of the daily digest mail; none: no digest.
    pub digest_hour: Option<u8>,
    /// Where the web app is (`http://127.0.0.1:7878` when not set), for links in mail.
    pub url: Option<String>,
    /// The mail account (`[mail]`).
    #[serde(default)]
    pub mail: MailSettings,
    /// On a hosted service (PostgreSQL): the directory of each account's own mail
    /// account, `<their address>.toml` holding a `[mail]` section, written by whoever
    /// runs the service ([`crate::pg_settings::own_mail`]).
    pub account_mail: Option<PathBuf>,
    /// On a hosted service, the address of the account whose settings these are: its
    /// own mail account is read from `account_mail` when needed
    /// ([`crate::pg_settings::own_mail`]), beside `mail`, which is the service's there.
    #[serde(skip)]
    pub account_email: Option<String>,
    /// On a hosted service, the id of that account: its mail account file must name it
    /// (`account = ID`), so a file outlives no account and serves no other one made
    /// later with the same address.
    #[serde(skip)]
    pub account_id: Option<i64>,
    /// Where the values came from, for messages ([`Settings::origin`]).
    #[serde(skip)]
    pub origins: Origins,
}

/// The `[mail]` section: the account messages are sent from. The password is never
/// here: `password_command` (run through the shell; its first line is the password) or
/// the `FOLLOWUP_MAIL_PASSWORD` variable, read only when a message is sent.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// The From address (default: the profile's email).
    pub address: Option<String>,
    /// `smtps://host:465`, `smtp://host:587` (STARTTLS required) or
    /// `smtp://127.0.0.1:PORT` (plain, on a loopback address only).
    pub smtp: Option<String>,
    /// The login (none: no login).
    pub user: Option<String>,
    /// A shell command whose first line of output is the password.
    pub password_command: Option<String>,
    /// A PEM file of certificates to trust besides the public roots (a server with a
    /// certificate of its own).
    pub ca: Option<PathBuf>,
    /// `imaps://host:993`, `imap://host:143` (STARTTLS required) or
    /// `imap://127.0.0.1:PORT` (plain, on a loopback address only), for `followup mail
    /// sync`.
    pub imap: Option<String>,
    /// The folder of sent mail (else the one marked `\Sent`).
    pub sent_folder: Option<String>,
    /// `"high"`: high-confidence proposals are applied during a sync.
    pub auto_apply: Option<String>,
}

/// Where each value of [`Settings`] came from: the environment or the file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Origins {
    /// The settings file read, if any.
    pub file: Option<PathBuf>,
    /// The keys (`tz`, `region`, ...) a `FOLLOWUP_*` variable set.
    pub env: Vec<&'static str>,
    /// The settings of one account of a multi-user server: no `FOLLOWUP_*` variable
    /// of the server's process counts (its mail password, its mailbox).
    pub isolated: bool,
}

/// The variable that overrides each key of the settings file.
const VARS: [(&str, &str); 12] = [
    ("tz", "FOLLOWUP_TZ"),
    ("region", "FOLLOWUP_REGION"),
    ("hours", "FOLLOWUP_HOURS"),
    ("preset", "FOLLOWUP_PRESET"),
    ("policy", "FOLLOWUP_POLICY"),
    ("digest_hour", "FOLLOWUP_DIGEST_HOUR"),
    ("url", "FOLLOWUP_URL"),
    ("mail.address", "FOLLOWUP_MAIL_ADDRESS"),
    ("mail.smtp", "FOLLOWUP_SMTP"),
    ("mail.user", "FOLLOWUP_MAIL_USER"),
    ("mail.ca", "FOLLOWUP_MAIL_CA"),
    ("account_mail", "FOLLOWUP_ACCOUNT_MAIL"),
];

/// The directory holding `config.toml` (and, later, templates).
pub fn config_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("followup"))
}

/// `~/.cache/followup` (or `$XDG_CACHE_HOME/followup`): what can be thrown away.
pub fn cache_dir() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.cache_dir().join("followup"))
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
                    s.check_digest_hour()?;
                    return Ok(s);
                }
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !must_exist && e.kind() == std::io::ErrorKind::NotFound => {
                let mut s = Settings::default();
                s.apply_env();
                s.check_digest_hour()?;
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
        s.origins.file = Some(path);
        s.apply_env();
        s.check_digest_hour()?;
        if let Some(p) = &s.policy {
            s.policy = Some(expand_home(p));
        }
        if let Some(p) = &s.mail.ca {
            s.mail.ca = Some(expand_home(p));
        }
        if let Some(p) = &s.account_mail {
            s.account_mail = Some(expand_home(p));
        }
        Ok(s)
    }
}

impl Settings {
    /// The settings of one account of a multi-user server: `path` alone, without the
    /// process's `FOLLOWUP_*` variables ([`Origins::isolated`]).
    pub fn load_file_only(path: &Path) -> Result<Settings> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut s: Settings = toml::from_str(&text).map_err(|e| {
            Error::input(format!(
                "invalid settings file {}: {}",
                path.display(),
                one_line(e.message())
            ))
        })?;
        s.origins.file = Some(path.to_path_buf());
        s.origins.isolated = true;
        s.check_digest_hour()?;
        Ok(s)
    }

    /// A digest hour that is not an hour of the day is refused, naming where it came
    /// from.
    fn check_digest_hour(&self) -> Result<()> {
        match self.digest_hour {
            Some(h) if h > 23 => Err(Error::input(format!(
                "{}: the digest hour is a whole hour of the day, 0 to 23 (8 for 08:00)",
                self.origin("digest_hour")
            ))),
            _ => Ok(()),
        }
    }

    /// `FOLLOWUP_*` variables override the file, for every command (flags, read by
    /// clap, override both).
    fn apply_env(&mut self) {
        for (key, name) in VARS {
            let Some(v) = std::env::var(name).ok().filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            match key {
                "tz" => self.tz = Some(v),
                "region" => self.region = Some(v),
                "hours" => self.hours = Some(v),
                "preset" => self.preset = Some(v),
                "mail.address" => self.mail.address = Some(v),
                "mail.smtp" => self.mail.smtp = Some(v),
                "mail.user" => self.mail.user = Some(v),
                "mail.ca" => self.mail.ca = Some(PathBuf::from(v)),
                "account_mail" => self.account_mail = Some(PathBuf::from(v)),
                "url" => self.url = Some(v),
                "digest_hour" => {
                    // Checked by `check`, which names the variable; kept as an
                    // impossible hour until then.
                    self.digest_hour = Some(v.trim().parse::<u8>().unwrap_or(u8::MAX));
                }
                _ => self.policy = Some(PathBuf::from(v)),
            }
            self.origins.env.push(key);
        }
    }

    /// Where the value of `key` (`tz`, `region`, `hours`, `preset`, `policy`,
    /// `mail.smtp`, ...) came
    /// from, for messages: its variable (`FOLLOWUP_TZ`), else the file
    /// (`tz in /home/sam/.config/followup/config.toml`), else `tz (settings)`.
    pub fn origin(&self, key: &str) -> String {
        if let Some((_, var)) = VARS
            .iter()
            .find(|(k, _)| *k == key && self.origins.env.contains(k))
        {
            return (*var).to_string();
        }
        match &self.origins.file {
            Some(path) => format!("{key} in {}", path.display()),
            None => format!("{key} (settings)"),
        }
    }
}

pub(crate) fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => p.to_path_buf(),
    }
}

/// Collapses whitespace so a message fits on one line.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `config.toml` the settings are read from and saved to: `explicit`, else the
/// default one under [`config_dir`].
pub fn config_file(explicit: Option<&Path>) -> Option<PathBuf> {
    match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => config_dir().map(|d| d.join("config.toml")),
    }
}

/// Policy numbers the web app's Settings page may override, as (section, key) of the
/// policy file.
pub const OVERRIDES: &[(&str, &str)] = &[
    ("thank_you", "deadline_hours"),
    ("follow_up", "after_decision_days"),
    ("follow_up", "earliest_business_days"),
    ("follow_up", "recommended_days"),
    ("follow_up", "latest_days"),
    ("final_follow_up", "recommended_days"),
    ("move_on", "recommended_days"),
];

/// One number of a policy, by section and key (`None` if there is no such number).
pub fn policy_number(
    policy: &followup_core::policy::Policy,
    section: &str,
    key: &str,
) -> Option<i64> {
    let table = toml::Table::try_from(policy).ok()?;
    table.get(section)?.get(key)?.as_integer()
}

/// What the Settings page (or `PUT /api/settings`) changes. Empty strings unset.
#[derive(Debug, Default, Clone)]
pub struct Update {
    /// Default IANA zone of interviews.
    pub tz: Option<String>,
    /// Default holiday region of recipients.
    pub region: Option<String>,
    /// Business hours, "HH:MM-HH:MM".
    pub hours: Option<String>,
    /// Policy preset.
    pub preset: Option<String>,
    /// ((section, key), number or `None` for the preset's), for keys of [`OVERRIDES`].
    pub overrides: Vec<((String, String), Option<i64>)>,
    /// The digest's hour: `Some(None)` turns it off, `None` leaves it as it is.
    pub digest_hour: Option<Option<u8>>,
}

fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn read_table(path: &Path, what: &str) -> Result<toml::Table> {
    match std::fs::read_to_string(path) {
        Ok(text) => text.parse::<toml::Table>().map_err(|e| {
            Error::input(format!(
                "invalid {what} {}: {}",
                path.display(),
                one_line(e.message())
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(toml::Table::new()),
        Err(source) => Err(Error::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes `text` to `path` atomically: a temporary file beside it, written through to
/// the disk, then a rename.
pub fn write_atomic(path: &Path, text: &str) -> Result<()> {
    write_atomic_mode(path, text, None)
}

/// [`write_atomic`], the file created with `mode` (Unix permissions: `0o600` for a
/// secret, so it is never readable by others, not even while written).
pub fn write_atomic_mode(path: &Path, text: &str, mode: Option<u32>) -> Result<()> {
    use std::io::Write;
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "settings".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        if let Some(m) = mode {
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, m);
        }
        let mut f = options.open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        write_err(e)
    })
}

/// Saves `u` into `config_file` (tz, region, hours, preset) and the overrides into
/// `policy.toml` beside it (`policy = "<that path>"` in `config.toml`), keeping every
/// other key of both files. Everything is checked first (the preset, the zone, the
/// hours, the policy with [`Policy::from_toml_over`](followup_core::policy::Policy)):
/// on a bad value nothing is written. Returns the settings as now loaded.
pub fn save(config_file: &Path, u: &Update) -> Result<Settings> {
    let mut config = read_table(config_file, "settings file")?;
    // The overrides start from the policy file in use, so its other keys stay.
    let dir = config_file.parent().unwrap_or(Path::new("."));
    let policy_path = dir.join("policy.toml");
    let policy = match config.get("policy").and_then(|v| v.as_str()) {
        Some(p) => read_table(&expand_home(Path::new(p)), "policy file")?,
        None => toml::Table::new(),
    };
    config.remove("policy");
    let (mut config, policy) = apply(config, policy, u)?;
    let policy_text = table_text(&policy, "policy")?;
    if !policy.is_empty() {
        config.insert(
            "policy".into(),
            toml::Value::String(policy_path.display().to_string()),
        );
    }
    let config_text = table_text(&config, "settings")?;
    // The settings file itself must load.
    toml::from_str::<Settings>(&config_text)
        .map_err(|e| Error::input(format!("invalid settings: {}", one_line(e.message()))))?;
    if !policy.is_empty() {
        write_atomic(&policy_path, &policy_text)?;
    }
    write_atomic(config_file, &config_text)?;
    Settings::load(Some(config_file))
}

/// [`save`] for settings kept as text (an account's, in PostgreSQL): `config` holds
/// the keys of `config.toml` the Settings page sets (never `policy`, a path), `policy`
/// the policy's overrides (a `policy.toml`). Returns both texts with `u` applied, after
/// the same checks; on a bad value, the error and nothing else.
pub fn apply_to_texts(config: &str, policy: &str, u: &Update) -> Result<(String, String)> {
    let parse = |text: &str, what: &str| {
        text.parse::<toml::Table>().map_err(|e| {
            Error::input(format!(
                "the saved {what} do not read: {}",
                one_line(e.message())
            ))
        })
    };
    let mut config = parse(config, "settings")?;
    config.remove("policy");
    let policy = parse(policy, "policy numbers")?;
    let (config, policy) = apply(config, policy, u)?;
    let config_text = table_text(&config, "settings")?;
    toml::from_str::<Settings>(&config_text)
        .map_err(|e| Error::input(format!("invalid settings: {}", one_line(e.message()))))?;
    Ok((config_text, table_text(&policy, "policy")?))
}

/// The settings and policy of one account whose settings are kept as text
/// ([`apply_to_texts`]) over the server's `base`: the account's zone, region, hours,
/// preset and digest hour (no hour: no digest); the server's address and mail account.
/// No `FOLLOWUP_*` variable of the process counts ([`Origins::isolated`]).
pub fn from_texts(
    base: &Settings,
    config: &str,
    policy: &str,
) -> Result<(Settings, followup_core::policy::Policy)> {
    let mine: Settings = toml::from_str(config).map_err(|e| {
        Error::input(format!(
            "the account's saved settings do not read: {}",
            one_line(e.message())
        ))
    })?;
    mine.check_digest_hour()?;
    let preset = mine
        .preset
        .as_deref()
        .map(str::parse::<followup_core::policy::Preset>)
        .transpose()
        .map_err(|e| Error::input(format!("the account's preset: {e}")))?;
    let checked = followup_core::policy::Policy::from_toml_over(policy, preset)
        .map_err(|e| Error::input(format!("the account's policy numbers: {e}")))?;
    let mut settings = Settings {
        tz: mine.tz,
        region: mine.region,
        hours: mine.hours,
        preset: mine.preset,
        policy: None,
        digest_hour: mine.digest_hour,
        url: base.url.clone(),
        mail: base.mail.clone(),
        account_mail: base.account_mail.clone(),
        // Whose they are, as `base` says (the server's settings name no account).
        account_email: base.account_email.clone(),
        account_id: base.account_id,
        origins: Origins::default(),
    };
    settings.origins.isolated = true;
    Ok((settings, checked))
}

/// The text [`from_texts`] reads for `settings` as they are in force (an account that
/// saved nothing yet starts from the server's).
pub fn texts_of(settings: &Settings) -> Result<(String, String)> {
    let mut config = toml::Table::new();
    for (key, v) in [
        ("tz", &settings.tz),
        ("region", &settings.region),
        ("hours", &settings.hours),
        ("preset", &settings.preset),
    ] {
        if let Some(v) = nonempty(v) {
            config.insert(key.into(), toml::Value::String(v.to_string()));
        }
    }
    if let Some(h) = settings.digest_hour {
        config.insert("digest_hour".into(), toml::Value::Integer(i64::from(h)));
    }
    let policy = match &settings.policy {
        Some(p) => {
            let mut t = read_table(p, "policy file")?;
            t.remove("preset");
            t
        }
        None => toml::Table::new(),
    };
    Ok((
        table_text(&config, "settings")?,
        table_text(&policy, "policy")?,
    ))
}

fn table_text(t: &toml::Table, what: &str) -> Result<String> {
    toml::to_string(t).map_err(|e| {
        Error::input(format!(
            "cannot write the {what}: {}",
            one_line(&e.to_string())
        ))
    })
}

/// `u` applied to the settings `config` and the policy overrides `policy`, every value
/// checked (the preset, the zone, the hours, the whole policy).
fn apply(
    mut config: toml::Table,
    mut policy: toml::Table,
    u: &Update,
) -> Result<(toml::Table, toml::Table)> {
    use followup_core::policy::{Policy, Preset};
    for (key, v) in [
        ("tz", &u.tz),
        ("region", &u.region),
        ("hours", &u.hours),
        ("preset", &u.preset),
    ] {
        match nonempty(v) {
            Some(v) => config.insert(key.into(), toml::Value::String(v.to_string())),
            None => config.remove(key),
        };
    }
    match u.digest_hour {
        Some(Some(h)) if h > 23 => {
            return Err(Error::input(format!(
                "digest_hour: {h} is not an hour of the day (0 to 23)"
            )))
        }
        Some(Some(h)) => {
            config.insert("digest_hour".into(), toml::Value::Integer(i64::from(h)));
        }
        Some(None) => {
            config.remove("digest_hour");
        }
        None => {}
    }
    let preset = nonempty(&u.preset)
        .map(str::parse::<Preset>)
        .transpose()
        .map_err(|e| Error::input(format!("preset: {e}")))?;
    if let Some(tz) = nonempty(&u.tz) {
        crate::time::zone(tz, "tz")?;
    }
    policy.remove("preset");
    for ((section, key), v) in &u.overrides {
        if !OVERRIDES.contains(&(section.as_str(), key.as_str())) {
            return Err(Error::input(format!(
                "`{section}.{key}` cannot be set here; known: {}",
                OVERRIDES
                    .iter()
                    .map(|(s, k)| format!("{s}.{k}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let entry = policy
            .entry(section.clone())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        let Some(t) = entry.as_table_mut() else {
            return Err(Error::input(format!(
                "the policy file's `{section}` is not a table"
            )));
        };
        match v {
            Some(n) => t.insert(key.clone(), toml::Value::Integer(*n)),
            None => t.remove(key),
        };
        if t.is_empty() {
            policy.remove(section);
        }
    }
    let policy_text = table_text(&policy, "policy")?;
    let checked = Policy::from_toml_over(&policy_text, preset)
        .map_err(|e| Error::input(format!("invalid policy: {e}")))?;
    if let Some(h) = nonempty(&u.hours) {
        crate::time::business_hours(Some(h), &checked)?;
    }
    Ok((config, policy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_writes_both_files_and_refuses_bad_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "tz = \"Europe/Paris\"\n").unwrap();
        let u = Update {
            tz: Some("America/New_York".into()),
            preset: Some("gentle".into()),
            overrides: vec![(("follow_up".into(), "recommended_days".into()), Some(8))],
            ..Update::default()
        };
        let s = save(&file, &u).unwrap();
        assert_eq!(s.tz.as_deref(), Some("America/New_York"));
        assert_eq!(s.preset.as_deref(), Some("gentle"));
        let policy = dir.path().join("policy.toml");
        assert_eq!(s.policy.as_deref(), Some(policy.as_path()));
        let p = crate::ctx::load_policy(Some(&policy), Some("gentle")).unwrap();
        assert_eq!(p.follow_up.recommended_days, 8);
        assert_eq!(policy_number(&p, "follow_up", "recommended_days"), Some(8));

        let before = std::fs::read_to_string(&file).unwrap();
        let bad = Update {
            overrides: vec![(("follow_up".into(), "recommended_days".into()), Some(-3))],
            ..u.clone()
        };
        let e = save(&file, &bad).unwrap_err().to_string();
        assert!(e.contains("invalid policy") && !e.contains('\n'), "{e}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
        let e = save(
            &file,
            &Update {
                preset: Some("hasty".into()),
                ..Update::default()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("preset"), "{e}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    }

    #[test]
    fn origin_names_the_file_or_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config.toml");
        std::fs::write(&file, "tz = \"Europe/Paris\"\n").unwrap();
        let mut s = Settings::load(Some(&file)).unwrap();
        // (The variables of the test process are not touched: set by hand.)
        s.origins.env.retain(|k| *k != "tz");
        assert_eq!(s.origin("tz"), format!("tz in {}", file.display()));
        s.origins.env.push("tz");
        assert_eq!(s.origin("tz"), "FOLLOWUP_TZ");
        assert_eq!(Settings::default().origin("hours"), "hours (settings)");
    }
}
