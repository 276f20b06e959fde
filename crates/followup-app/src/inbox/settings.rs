//! The mail account as reading mail needs it: `[mail]` in config.toml, overridden by
//! `FOLLOWUP_IMAP`, `FOLLOWUP_MAIL_USER`, `FOLLOWUP_MAIL_PASSWORD`.
//!
//! ```toml
//! [mail]
//! address = "sam@example.com"          # else the profile's e-mail
//! imap = "imaps://imap.example.com:993" # imap://host:143 needs STARTTLS; plain only on loopback
//! user = "sam@example.com"
//! password_command = "pass show mail/imap"
//! sent_folder = "Sent"                  # else the folder marked \Sent
//! auto_apply = "high"                   # apply high-confidence proposals during sync
//! ```
//!
//! The password is never stored, printed or logged: it comes from
//! `FOLLOWUP_MAIL_PASSWORD` or the output of `password_command`, when needed.

use std::net::IpAddr;

use crate::ctx::Ctx;
use crate::error::{Error, Result};

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`imaps://`).
    Tls,
    /// STARTTLS, required (`imap://` off loopback).
    StartTls,
    /// None: only to a loopback address (`imap://127.0.0.1:PORT`).
    Plain,
}

/// Where the IMAP server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

/// The `[mail]` settings reading mail uses.
#[derive(Debug, Clone, Default)]
pub struct MailSettings {
    pub address: Option<String>,
    pub imap: Option<String>,
    pub user: Option<String>,
    pub password_command: Option<String>,
    pub sent_folder: Option<String>,
    pub auto_apply: Option<String>,
    /// Whether these are one account's of a multi-user server (no variable counts).
    pub isolated: bool,
}

impl MailSettings {
    /// From `[mail]` of the settings file and the environment.
    pub fn load(ctx: &Ctx) -> Result<MailSettings> {
        // On a hosted service (PostgreSQL) `mail` is the service's: an account reads
        // only the mailbox set up for it (`own_mail`), and none without one.
        if ctx.pg().is_some() {
            let own = crate::pg_settings::own_mail_hosted(&ctx.settings)?.unwrap_or_default();
            return MailSettings::of_account(&own);
        }
        // One account of a multi-user server reads its own mailbox only.
        let isolated = ctx.settings.origins.isolated;
        let env = |k: &str| {
            std::env::var(k)
                .ok()
                .filter(|v| !isolated && !v.trim().is_empty())
        };
        let m = &ctx.settings.mail;
        MailSettings {
            address: m.address.clone(),
            imap: env("FOLLOWUP_IMAP").or(m.imap.clone()),
            user: env("FOLLOWUP_MAIL_USER").or(m.user.clone()),
            password_command: m.password_command.clone(),
            sent_folder: m.sent_folder.clone(),
            auto_apply: m.auto_apply.clone(),
            isolated,
        }
        .checked()
    }

    /// One account's `[mail]` alone, no variable of the process counting (an account
    /// of a hosted service, whose mail account whoever runs it set up).
    pub fn of_account(m: &crate::settings::MailSettings) -> Result<MailSettings> {
        MailSettings {
            address: m.address.clone(),
            imap: m.imap.clone(),
            user: m.user.clone(),
            password_command: m.password_command.clone(),
            sent_folder: m.sent_folder.clone(),
            auto_apply: m.auto_apply.clone(),
            isolated: true,
        }
        .checked()
    }

    fn checked(self) -> Result<MailSettings> {
        if let Some(a) = self.auto_apply.as_deref() {
            if !matches!(a, "high" | "off" | "") {
                return Err(Error::input(format!(
                    "[mail] auto_apply = \"{a}\": expected \"high\" or \"off\""
                )));
            }
        }
        Ok(self)
    }

    /// Whether high-confidence proposals are applied during sync.
    pub fn auto_apply(&self) -> bool {
        self.auto_apply.as_deref() == Some("high")
    }

    /// The server, checked: plain IMAP only to a loopback address.
    pub fn endpoint(&self) -> Result<Endpoint> {
        let url = self.imap.as_deref().ok_or_else(|| {
            Error::input(
                "no IMAP server: set imap = \"imaps://imap.example.com:993\" under [mail] in config.toml, or FOLLOWUP_IMAP",
            )
        })?;
        endpoint(url)
    }

    /// The login name.
    pub fn user(&self) -> Result<String> {
        self.user.clone().ok_or_else(|| {
            Error::input(
                "no IMAP user: set user under [mail] in config.toml, or FOLLOWUP_MAIL_USER",
            )
        })
    }

    /// The password, from `FOLLOWUP_MAIL_PASSWORD`, else `password_command`'s first
    /// line of output. Never stored or shown.
    pub fn password(&self) -> Result<String> {
        if let Ok(p) = std::env::var("FOLLOWUP_MAIL_PASSWORD") {
            if !p.is_empty() && !self.isolated {
                return Ok(p);
            }
        }
        let cmd = self.password_command.as_deref().ok_or_else(|| {
            Error::input(
                "no mail password: set password_command under [mail] (such as \"pass show mail\"), or FOLLOWUP_MAIL_PASSWORD",
            )
        })?;
        crate::mail::password_command(cmd).map_err(|e| Error::input(format!("[mail] {e}")))
    }
}

/// Reads `imaps://host:993`, `imap://host:143` (STARTTLS), `imap://127.0.0.1:PORT`
/// (plain, loopback only).
pub fn endpoint(url: &str) -> Result<Endpoint> {
    // A login written into the address is never repeated (it may hold a password).
    if url.split_once("://").map_or(url, |(_, r)| r).contains('@') {
        return Err(Error::input(
            "the imap address holds a login: give only the server (imaps://host:993), the \
             login as `user` and the password through `password_command`",
        ));
    }
    let bad = || {
        Error::input(format!(
            "imap = \"{url}\": expected imaps://host:993, imap://host:143 (STARTTLS) or imap://127.0.0.1:PORT"
        ))
    };
    let (scheme, rest) = url.trim().split_once("://").ok_or_else(bad)?;
    let rest = rest.trim_end_matches('/');
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
            (h, Some(p.parse::<u16>().map_err(|_| bad())?))
        }
        _ => (rest, None),
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    if host.is_empty() {
        return Err(bad());
    }
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    match scheme.to_ascii_lowercase().as_str() {
        "imaps" => Ok(Endpoint {
            host,
            port: port.unwrap_or(993),
            security: Security::Tls,
        }),
        "imap" => Ok(Endpoint {
            host,
            port: port.unwrap_or(143),
            security: if loopback {
                Security::Plain
            } else {
                Security::StartTls
            },
        }),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        // A login in the address is refused without repeating it.
        let e = endpoint("imaps://ann:s3cret@imap.example.com")
            .unwrap_err()
            .to_string();
        assert!(e.contains("holds a login") && !e.contains("s3cret"), "{e}");
        assert_eq!(
            endpoint("imaps://imap.example.com:993").unwrap().security,
            Security::Tls
        );
        let e = endpoint("imap://mail.example.com").unwrap();
        assert_eq!((e.port, e.security), (143, Security::StartTls));
        let e = endpoint("imap://127.0.0.1:14300").unwrap();
        assert_eq!((e.port, e.security), (14300, Security::Plain));
        assert!(endpoint("http://x").is_err());
    }
}
