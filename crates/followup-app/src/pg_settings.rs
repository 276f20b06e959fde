//! Each account's own settings on a PostgreSQL database (`serve --db postgres://…`):
//! the same keys a one-person install keeps in `config.toml` and `policy.toml` (zone,
//! holiday region, business hours, preset, policy numbers, digest hour), kept as text
//! in the database ([`followup_store::pg::SavedSettings`]) so every server process and
//! every worker reads the same.
//!
//! An account that saved nothing has the server's settings, with the daily digest on at
//! the server's `digest_hour` (else [`DEFAULT_DIGEST_HOUR`]). Its first save starts
//! from those. A save moves the account's digest on the job queue in the same
//! transaction ([`save`]): on at a new hour, the next such moment whose day has no
//! digest yet; off, none until it is turned on again.
//!
//! ```
//! use followup_app::pg_settings::{account_settings, digest_at};
//! use followup_app::settings::Settings;
//!
//! let server = Settings { tz: Some("Europe/Paris".into()), ..Settings::default() };
//! let policy = followup_core::policy::Policy::default();
//! // Saved nothing: the server's zone, the digest at 08:00.
//! let (mine, _) = account_settings(&server, &policy, None).unwrap();
//! let (zone, hour) = digest_at(&mine).unwrap().unwrap();
//! assert_eq!((zone.iana_name(), hour), (Some("Europe/Paris"), 8));
//! // Saved: their own zone and hour.
//! let saved = ("tz = \"America/New_York\"\ndigest_hour = 7\n", "");
//! let (mine, _) = account_settings(&server, &policy, Some(saved)).unwrap();
//! let (zone, hour) = digest_at(&mine).unwrap().unwrap();
//! assert_eq!((zone.iana_name(), hour), (Some("America/New_York"), 7));
//! ```

use followup_core::policy::Policy;
use followup_store::pg::{Due, Pg};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use crate::accounts::DEFAULT_DIGEST_HOUR;
use crate::ctx::store_err;
use crate::error::{Error, Result};
use crate::settings::{self, Settings, Update};

/// The server's settings as an account that saved none has them: the digest on, at
/// the server's hour or [`DEFAULT_DIGEST_HOUR`].
pub fn server_defaults(base: &Settings) -> Settings {
    let mut s = base.clone();
    s.digest_hour = Some(base.digest_hour.unwrap_or(DEFAULT_DIGEST_HOUR));
    s
}

/// An account's settings and policy: `saved` (its settings and policy text) over the
/// server's `base`, else the server's ([`server_defaults`], `base_policy`).
pub fn account_settings(
    base: &Settings,
    base_policy: &Policy,
    saved: Option<(&str, &str)>,
) -> Result<(Settings, Policy)> {
    match saved {
        Some((config, policy)) => settings::from_texts(base, config, policy),
        None => Ok((server_defaults(base), base_policy.clone())),
    }
}

/// The file of the account's own mail account in the service's `account_mail` directory:
/// `<dir>/<address, lower case>.toml` (`None`: no directory set, or an address that
/// cannot name a file: not ASCII, with a `/` or `\\`, starting with a dot, or longer
/// than a file name may be).
pub fn own_mail_file(settings: &Settings) -> Option<std::path::PathBuf> {
    let dir = settings.account_mail.as_ref()?;
    let name = settings.account_email.as_deref()?.trim().to_lowercase();
    let plain = name.is_ascii()
        && name.len() <= 240
        && !name.starts_with('.')
        && !name.contains(['/', '\\', '\0'])
        && name.contains('@');
    plain.then(|| dir.join(format!("{name}.toml")))
}

/// The own mail account of the account whose settings these are
/// (`settings.account_email`, `settings.account_id`) on a hosted service: the `[mail]`
/// section of its file in `account_mail` ([`own_mail_file`]), which whoever runs the
/// service writes (the database holds no password, and the web app cannot set a mail
/// account). The file names the account's id (`account = 7`, as `followup admin
/// list-users` shows it), so it serves no other account made with the same address
/// later (after a deletion, or by open sign-up, which checks no address). `None`:
/// they have none, and their messages leave through the service's account. A file
/// that does not read, or names another account, is an error naming it.
///
/// ```toml
/// account = 7
/// [mail]
/// smtp = "smtps://smtp.fastmail.com:465"
/// imap = "imaps://imap.fastmail.com:993"
/// user = "ann.lee@fastmail.com"
/// password_command = "cat /run/secrets/ann-mail"
/// ```
pub fn own_mail(settings: &Settings) -> Result<Option<settings::MailSettings>> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        account: Option<i64>,
        #[serde(default)]
        mail: settings::MailSettings,
    }
    let Some(path) = own_mail_file(settings) else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Read { path, source }),
    };
    let file: File = toml::from_str(&text).map_err(|e| {
        Error::input(format!(
            "invalid mail account file {}: {}",
            path.display(),
            e.message().lines().next().unwrap_or("")
        ))
    })?;
    let Some(id) = settings.account_id else {
        return Err(Error::input(format!(
            "the mail account file {} cannot be matched to an account (no id known)",
            path.display()
        )));
    };
    match file.account {
        Some(named) if named == id => {}
        Some(named) => {
            return Err(Error::input(format!(
                "the mail account file {} is account {named}'s, not this one's (id {id}): \
                 an account of that address was deleted and made again? Check it, then \
                 set `account = {id}` at its top",
                path.display()
            )))
        }
        None => {
            return Err(Error::input(format!(
                "the mail account file {} names no account: add `account = {id}` (the \
                 id `followup admin list-users` shows) at its top",
                path.display()
            )))
        }
    }
    let mut mail = file.mail;
    if let Some(ca) = &mail.ca {
        mail.ca = Some(settings::expand_home(ca));
    }
    Ok(Some(mail))
}

/// [`own_mail`] as the account itself meets it (the web app, its messages): what is
/// wrong with the file is written to standard error for whoever runs the service, and
/// the account is told only to ask them.
pub fn own_mail_hosted(settings: &Settings) -> Result<Option<settings::MailSettings>> {
    own_mail(settings).map_err(|e| {
        eprintln!(
            "mail account of {}: {e}",
            settings.account_email.as_deref().unwrap_or("?")
        );
        Error::Store(CANNOT_READ_OWN.to_string())
    })
}

/// What an account is told when its mail account file cannot be used.
pub const CANNOT_READ_OWN: &str =
    "the mail account set up for you cannot be used: ask whoever runs this service";

/// The zone and hour of the account's daily digest (`None`: off). Without a zone, UTC.
pub fn digest_at(settings: &Settings) -> Result<Option<(TimeZone, u8)>> {
    let Some(hour) = settings.digest_hour else {
        return Ok(None);
    };
    let zone = match settings
        .tz
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(name) => crate::time::zone_named(name).map_err(|e| {
            Error::input(format!(
                "`{name}` ({}) is not a time zone: {e}",
                settings.origin("tz")
            ))
        })?,
        None => TimeZone::UTC,
    };
    Ok(Some((zone, hour)))
}

/// The digest moment of `day`: `hour` o'clock that day in `zone` (a local time that
/// does not exist that day, in a spring-forward gap, is taken as the instant after).
pub fn digest_moment(zone: &TimeZone, hour: u8, day: Date) -> Result<Due> {
    let at = day
        .at(i8::try_from(hour).unwrap_or(0), 0, 0, 0)
        .to_zoned(zone.clone())
        .map_err(|e| Error::input(format!("the digest moment of {day}: {e}")))?
        .timestamp();
    Ok(Due { at, day })
}

/// The digest moments to try, in order, after the settings changed at `now`: the next
/// four still ahead (a day whose digest was already dealt with is passed over; a new
/// zone can make the next two such days, never four).
fn moments_after(zone: &TimeZone, hour: u8, now: Timestamp) -> Result<Vec<Due>> {
    let mut day = now.to_zoned(zone.clone()).date();
    let mut out = Vec::with_capacity(4);
    while out.len() < 4 {
        let m = digest_moment(zone, hour, day)?;
        if m.at > now {
            out.push(m);
        }
        day = day
            .tomorrow()
            .map_err(|e| Error::input(format!("the day after {day}: {e}")))?;
    }
    Ok(out)
}

/// Saves `update` as `user`'s settings (starting from their saved ones, else the
/// server's), every value checked first: on a bad one nothing is saved. Puts their
/// digest on the schedule as the new settings say, in the same transaction. Returns
/// the settings and policy now in force.
pub fn save(
    conn: &mut Pg,
    user: i64,
    base: &Settings,
    update: &Update,
    now: Timestamp,
) -> Result<(Settings, Policy)> {
    // Applied to the settings as saved; again if another save came first meanwhile.
    for _ in 0..SAVE_TRIES {
        let (based_on, config, policy) = current_texts(conn, user, base)?;
        let (config, policy) = settings::apply_to_texts(&config, &policy, update)?;
        let (settings, checked) = settings::from_texts(base, &config, &policy)?;
        let dues = match digest_at(&settings)? {
            Some((zone, hour)) => moments_after(&zone, hour, now)?,
            None => Vec::new(),
        };
        if conn
            .save_user_settings(user, &config, &policy, &dues, now, based_on)
            .map_err(store_err)?
            .is_some()
        {
            return Ok((settings, checked));
        }
    }
    Err(busy())
}

/// The account's settings and policy text and the version they are (`None`: never
/// saved, the server's).
fn current_texts(
    conn: &mut Pg,
    user: i64,
    base: &Settings,
) -> Result<(Option<i64>, String, String)> {
    Ok(match conn.user_settings(user).map_err(store_err)? {
        Some(saved) => (Some(saved.version), saved.config, saved.policy),
        None => {
            let (config, policy) = settings::texts_of(&server_defaults(base))?;
            (None, config, policy)
        }
    })
}

/// How many times a save is tried while other saves of the account come first.
const SAVE_TRIES: usize = 5;

fn busy() -> Error {
    Error::Conflict("the settings kept changing while being saved: try again".into())
}

/// Turns `user`'s digest off (their one-click unsubscription), keeping every other
/// setting, and takes them off the schedule.
pub fn digest_off(conn: &mut Pg, user: i64, base: &Settings, now: Timestamp) -> Result<()> {
    for _ in 0..SAVE_TRIES {
        let (based_on, config, policy) = current_texts(conn, user, base)?;
        let mut table = config.parse::<toml::Table>().map_err(|e| {
            Error::input(format!(
                "the account's saved settings do not read: {}",
                settings::one_line(e.message())
            ))
        })?;
        table.remove("digest_hour");
        let config = toml::to_string(&table).map_err(|e| {
            Error::input(format!(
                "cannot write the settings: {}",
                settings::one_line(&e.to_string())
            ))
        })?;
        if conn
            .save_user_settings(user, &config, &policy, &[], now, based_on)
            .map_err(store_err)?
            .is_some()
        {
            return Ok(());
        }
    }
    Err(busy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_moments_skip_an_hour_already_past_today() {
        let zone = TimeZone::get("America/New_York").unwrap();
        // 10:00 in New York: 08:00 has passed, 12:00 has not.
        let now: Timestamp = "2026-12-04T15:00:00Z".parse().unwrap();
        let days = |h| {
            moments_after(&zone, h, now)
                .unwrap()
                .iter()
                .map(|d| d.day.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            days(8),
            ["2026-12-05", "2026-12-06", "2026-12-07", "2026-12-08"]
        );
        assert_eq!(
            days(12),
            ["2026-12-04", "2026-12-05", "2026-12-06", "2026-12-07"]
        );
        let m = moments_after(&zone, 12, now).unwrap()[0];
        assert_eq!(m.at.to_string(), "2026-12-04T17:00:00Z");
    }

    #[test]
    fn saved_settings_replace_the_servers_but_not_its_mail_account() {
        let mut server = Settings {
            tz: Some("Europe/Paris".into()),
            hours: Some("09:00-17:00".into()),
            digest_hour: None,
            ..Settings::default()
        };
        server.mail.smtp = Some("smtp://127.0.0.1:2525".into());
        let policy = Policy::default();
        let (s, _) = account_settings(&server, &policy, None).unwrap();
        assert_eq!(s.digest_hour, Some(DEFAULT_DIGEST_HOUR));
        let (config, pol) = settings::texts_of(&server_defaults(&server)).unwrap();
        let (config, pol) = settings::apply_to_texts(
            &config,
            &pol,
            &Update {
                tz: Some("Asia/Tokyo".into()),
                hours: Some("10:00-18:00".into()),
                digest_hour: Some(None),
                overrides: vec![(("follow_up".into(), "recommended_days".into()), Some(9))],
                ..Update::default()
            },
        )
        .unwrap();
        let (s, p) = account_settings(&server, &policy, Some((&config, &pol))).unwrap();
        assert_eq!(s.tz.as_deref(), Some("Asia/Tokyo"));
        assert_eq!(s.hours.as_deref(), Some("10:00-18:00"));
        assert_eq!(s.digest_hour, None);
        assert!(digest_at(&s).unwrap().is_none());
        assert_eq!(p.follow_up.recommended_days, 9);
        assert_eq!(s.mail.smtp.as_deref(), Some("smtp://127.0.0.1:2525"));
        // A bad value saves nothing: the error, one line.
        let e = settings::apply_to_texts(
            &config,
            &pol,
            &Update {
                tz: Some("Mars/Olympus".into()),
                ..Update::default()
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("Mars/Olympus") && !e.contains('\n'), "{e}");
    }
}
