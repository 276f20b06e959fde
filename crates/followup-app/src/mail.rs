//! The mail account (`[mail]` in config.toml, `FOLLOWUP_SMTP`, ...) and one SMTP
//! session over it (lettre's `SmtpConnection`, rustls): connect, TLS, login, then any
//! number of messages over the same connection.
//!
//! The password is read only when a session logs in (`password_command`, else
//! `FOLLOWUP_MAIL_PASSWORD`) and is never stored, printed nor logged: [`Account`]'s
//! `Debug` leaves it out, and errors name where it came from, never what it is.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;

use crate::ctx::Ctx;
use crate::draft::plain_address;
use crate::error::{Error, Result};

/// How long one step of the conversation may take before it counts as a (temporary)
/// failure.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the first byte.
    Tls,
    /// `smtp://` to a named host: STARTTLS, required.
    StartTls,
    /// `smtp://` to a loopback address: no TLS (a local relay).
    Plain,
}

/// The account messages leave from.
#[derive(Clone)]
pub struct Account {
    /// The From address.
    pub address: String,
    /// The From name (the profile's).
    pub name: String,
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: Option<String>,
    password_command: Option<String>,
    /// Extra certificates to trust.
    pub ca: Option<PathBuf>,
    /// Where `smtp` came from, for errors.
    pub smtp_from: String,
    /// Whether `FOLLOWUP_MAIL_PASSWORD` may give the password (not for one account of
    /// a multi-user server: the variable is the server's).
    pub env_password: bool,
}

impl Account {
    /// What tells one SMTP login from another: two accounts with the same key share a
    /// connection.
    /// Everything a connection is opened with, and the envelope sender it uses.
    pub fn key(&self) -> String {
        format!(
            "{:?}",
            (
                &self.host,
                self.port,
                self.security,
                &self.user,
                &self.password_command,
                &self.ca,
                &self.address,
                self.env_password,
            )
        )
    }
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("address", &self.address)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

/// How long `password_command` may take (one waiting for a passphrase at a prompt
/// nobody sees would otherwise hold a worker for good).
pub const PASSWORD_COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The first line `cmd` prints (run by `sh -c`, no input, its errors to ours), within
/// [`PASSWORD_COMMAND_TIMEOUT`]; else why not, never with what it printed.
pub fn password_command(cmd: &str) -> std::result::Result<String, String> {
    use std::io::Read;
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run password_command: {e}"))?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or("password_command has no output")?;
    // Read apart, so a command printing much never blocks on a full pipe.
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let started = std::time::Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < PASSWORD_COMMAND_TIMEOUT => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "password_command did not finish within {} s",
                    PASSWORD_COMMAND_TIMEOUT.as_secs()
                ));
            }
            Err(e) => return Err(format!("password_command: {e}")),
        }
    };
    let out = reader
        .join()
        .map_err(|_| "password_command's output could not be read".to_string())?
        .map_err(|e| format!("password_command's output: {e}"))?;
    if !status.success() {
        return Err(format!("password_command failed ({status})"));
    }
    let text = String::from_utf8(out)
        .map_err(|_| "password_command printed something that is not UTF-8".to_string())?;
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// `scheme://host[:port]` -> (security, host, port).
pub fn parse_smtp(url: &str) -> std::result::Result<(Security, String, u16), String> {
    let url = url.trim();
    // A login written into the address is never repeated (it may hold a password).
    if url.split_once("://").map_or(url, |(_, r)| r).contains('@') {
        return Err(
            "the smtp address holds a login: give only the server (smtps://host:465), the \
             login as `user` and the password through `password_command`"
                .to_string(),
        );
    }
    let (tls, rest) = if let Some(r) = url.strip_prefix("smtps://") {
        (true, r)
    } else if let Some(r) = url.strip_prefix("smtp://") {
        (false, r)
    } else {
        return Err(format!(
            "`{url}` is not an SMTP server: use smtps://host:465, smtp://host:587 (STARTTLS) \
             or smtp://127.0.0.1:PORT (a local relay)"
        ));
    };
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() || rest.contains(['/', '@', '?', '#']) {
        return Err(format!(
            "`{url}`: only a host and a port are read (the login is `user` in [mail])"
        ));
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => {
            let port: u16 = p
                .parse()
                .map_err(|_| format!("`{url}`: `{p}` is not a port number"))?;
            (h, Some(port))
        }
        _ => (rest, None),
    };
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let loopback = host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let security = match (tls, loopback) {
        (true, _) => Security::Tls,
        (false, true) => Security::Plain,
        (false, false) => Security::StartTls,
    };
    let port = port.unwrap_or(if tls { 465 } else { 587 });
    Ok((security, host, port))
}

impl Account {
    /// The account of the settings; the From address is `[mail] address`, else the
    /// profile's email.
    pub fn from_ctx(ctx: &Ctx) -> Result<Account> {
        Account::from_settings(&ctx.settings, || ctx.profile())
    }

    /// The account a user's messages leave from: their own ([`Account::from_ctx`]); on
    /// PostgreSQL (a hosted service) their own account if whoever runs the service set
    /// one up for them with an `smtp` ([`crate::pg_settings::own_mail`]), else the
    /// service's ([`Account::of_server`]: the context's `mail` there is the server's).
    pub fn sending_for(ctx: &Ctx) -> Result<Account> {
        if ctx.pg().is_none() {
            return Account::from_ctx(ctx);
        }
        Account::hosted(&ctx.settings, || ctx.profile())
    }

    /// The account a hosted account's messages leave from, its settings being
    /// `settings` (see [`Account::sending_for`]).
    pub fn hosted(
        settings: &crate::settings::Settings,
        profile: impl FnOnce() -> Result<Option<followup_store::model::Profile>>,
    ) -> Result<Account> {
        let own = crate::pg_settings::own_mail_hosted(settings)?
            .filter(|m| m.smtp.as_deref().is_some_and(|s| !s.trim().is_empty()));
        match own {
            Some(own) => {
                let mut mine = settings.clone();
                mine.mail = own;
                mine.origins.isolated = true;
                mine.origins.env.clear();
                mine.origins.file = crate::pg_settings::own_mail_file(settings);
                Account::from_settings(&mine, profile)
            }
            None => Account::of_server(settings),
        }
    }

    /// The account of `settings`' `[mail]`, its From address else `profile`'s e-mail
    /// (an account of a small office, checked by `followup admin mail-account`).
    pub fn from_settings_of(
        settings: &crate::settings::Settings,
        profile: Option<followup_store::model::Profile>,
    ) -> Result<Account> {
        Account::from_settings(settings, || Ok(profile))
    }

    /// The server's own account, which the digests of a PostgreSQL server leave from
    /// (`followup --db postgres://… worker`): the settings' `[mail]`, with their
    /// `address` as the From address (no profile: the server has none), named
    /// `followup`.
    pub fn of_server(settings: &crate::settings::Settings) -> Result<Account> {
        if settings
            .mail
            .address
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
            && settings
                .mail
                .smtp
                .as_deref()
                .is_some_and(|s| !s.trim().is_empty())
        {
            return Err(Error::input(
                "no sender address for the service's mail (the digests, and its users' \
                 messages on PostgreSQL): set `address` in [mail] of the server's config.toml \
                 (or FOLLOWUP_MAIL_ADDRESS)",
            ));
        }
        let mut account = Account::from_settings(settings, || Ok(None))?;
        account.name = "followup".to_string();
        // The server's own: its process's FOLLOWUP_MAIL_PASSWORD counts, whatever
        // account's settings these are part of.
        account.env_password = true;
        Ok(account)
    }

    fn from_settings(
        settings: &crate::settings::Settings,
        profile: impl FnOnce() -> Result<Option<followup_store::model::Profile>>,
    ) -> Result<Account> {
        let mail = &settings.mail;
        let smtp_from = settings.origin("mail.smtp");
        let Some(url) = mail.smtp.as_deref().filter(|s| !s.trim().is_empty()) else {
            return Err(Error::input(
                "no mail server: set `smtp` in the [mail] section of config.toml (or \
                 FOLLOWUP_SMTP), such as smtps://smtp.example.com:465",
            ));
        };
        let (security, host, port) =
            parse_smtp(url).map_err(|e| Error::input(format!("{e} ({smtp_from})")))?;
        let profile = profile()?;
        let address =
            match mail.address.as_deref().filter(|a| !a.trim().is_empty()) {
                Some(a) => a.trim().to_string(),
                None => match &profile {
                    Some(p) => p.email.trim().to_string(),
                    None => return Err(Error::input(
                        "no sender address: set `address` in [mail] (or FOLLOWUP_MAIL_ADDRESS), \
                         or save a profile with `followup profile --name ... --email ...`",
                    )),
                },
            };
        if !plain_address(&address) {
            return Err(Error::input(format!(
                "the sender address `{address}` ({}) cannot go in a mail header",
                settings.origin("mail.address")
            )));
        }
        Ok(Account {
            address,
            name: profile.map(|p| p.name).unwrap_or_default(),
            host,
            port,
            security,
            user: mail.user.clone().filter(|u| !u.trim().is_empty()),
            password_command: mail.password_command.clone(),
            ca: mail.ca.clone(),
            smtp_from,
            env_password: !settings.origins.isolated,
        })
    }

    /// `host:port`.
    pub fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The password: `password_command`'s first line, else `FOLLOWUP_MAIL_PASSWORD`.
    fn password(&self) -> std::result::Result<String, String> {
        if let Some(cmd) = self
            .password_command
            .as_deref()
            .filter(|c| !c.trim().is_empty())
        {
            let line = password_command(cmd)?;
            if line.is_empty() {
                return Err("password_command printed no password".into());
            }
            return Ok(line);
        }
        match std::env::var("FOLLOWUP_MAIL_PASSWORD")
            .ok()
            .filter(|_| self.env_password)
        {
            Some(p) if !p.is_empty() => Ok(p),
            _ => Err(
                "no password: set `password_command` in [mail] (such as `pass show mail`) \
                 or FOLLOWUP_MAIL_PASSWORD"
                    .into(),
            ),
        }
    }

    fn tls(&self) -> std::result::Result<TlsParameters, String> {
        let mut b = TlsParameters::builder(self.host.clone());
        if let Some(path) = &self.ca {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read the certificates {}: {e}", path.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("{} holds no certificate: {e}", path.display()))?;
            b = b.add_root_certificate(cert);
        }
        b.build_rustls().map_err(|e| format!("TLS: {e}"))
    }

    fn hello(&self) -> ClientId {
        let domain = self.address.rsplit('@').next().unwrap_or("localhost");
        ClientId::Domain(domain.to_string())
    }
}

/// A failure, with whether trying again later may help (4xx, a refused connection, a
/// timeout) and the server's words.
#[derive(Debug, Clone)]
pub struct Failure {
    pub temporary: bool,
    pub text: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn permanent(text: impl Into<String>) -> Failure {
    Failure {
        temporary: false,
        text: text.into(),
    }
}

/// lettre's error as a [`Failure`]: the server's code and words when it answered.
fn failure(what: &str, e: &lettre::transport::smtp::Error) -> Failure {
    let temporary = if e.is_permanent() {
        false
    } else {
        e.is_transient() || e.is_timeout() || !(e.is_tls() || e.is_client())
    };
    let mut text = e.to_string();
    // lettre's words for a server's answer: "permanent error (535): ...".
    text = one_line(&text);
    Failure {
        temporary,
        text: format!("{what}: {text}"),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The server's answer, in one line: `250 2.0.0 Ok: queued as ...`.
pub fn reply_text(r: &Response) -> String {
    let words: Vec<&str> = r.message().collect();
    one_line(&format!("{} {}", r.code(), words.join(" ")))
}

/// What `followup mail test` reports: one line per step.
#[derive(Debug, Clone)]
pub struct StepReport {
    pub step: &'static str,
    pub ok: bool,
    pub text: String,
}

/// An open, logged-in connection.
pub struct Session {
    conn: SmtpConnection,
    account: Account,
}

impl Session {
    /// Connects, secures the connection and logs in; each step is reported to `seen`.
    pub fn open(
        account: &Account,
        seen: &mut dyn FnMut(StepReport),
    ) -> std::result::Result<Session, Failure> {
        let mut report = |step, ok, text: String| {
            seen(StepReport { step, ok, text });
        };
        let tls = match account.security {
            Security::Plain => None,
            _ => match account.tls() {
                Ok(t) => Some(t),
                Err(e) => {
                    report("tls", false, e.clone());
                    return Err(permanent(e));
                }
            },
        };
        let hello = account.hello();
        let server = account.server();
        let wrapped = if account.security == Security::Tls {
            tls.as_ref()
        } else {
            None
        };
        let mut conn = match SmtpConnection::connect(
            (account.host.as_str(), account.port),
            Some(TIMEOUT),
            &hello,
            wrapped,
            None,
        ) {
            Ok(c) => c,
            Err(e) => {
                let f = failure(&format!("cannot connect to {server}"), &e);
                report("connect", false, f.text.clone());
                return Err(f);
            }
        };
        report("connect", true, format!("connected to {server}"));
        match account.security {
            Security::Tls => report("tls", true, "TLS from the start (smtps)".into()),
            Security::Plain => report(
                "tls",
                true,
                format!("no TLS: {} is a loopback address", account.host),
            ),
            Security::StartTls => {
                if !conn.can_starttls() {
                    conn.abort();
                    let text = format!(
                        "{server} does not offer STARTTLS, which smtp:// to a named host \
                         requires: use smtps://{}:465, or a server that offers STARTTLS",
                        account.host
                    );
                    report("tls", false, text.clone());
                    return Err(permanent(text));
                }
                let params = tls.as_ref().expect("TLS parameters for STARTTLS");
                if let Err(e) = conn.starttls(params, &hello) {
                    let f = failure("STARTTLS failed", &e);
                    report("tls", false, f.text.clone());
                    return Err(f);
                }
                report("tls", true, "STARTTLS: the connection is encrypted".into());
            }
        }
        if let Some(user) = &account.user {
            let password = match account.password() {
                Ok(p) => p,
                Err(e) => {
                    conn.abort();
                    report("login", false, e.clone());
                    return Err(permanent(e));
                }
            };
            let creds = Credentials::new(user.clone(), password);
            match conn.auth(&[Mechanism::Plain, Mechanism::Login], &creds) {
                Ok(r) if r.is_positive() => {
                    report("login", true, format!("logged in as {user}"));
                }
                Ok(r) => {
                    let text = format!("login as {user} refused: {}", reply_text(&r));
                    conn.abort();
                    report("login", false, text.clone());
                    return Err(Failure {
                        temporary: r.code().severity
                            == lettre::transport::smtp::response::Severity::TransientNegativeCompletion,
                        text,
                    });
                }
                Err(e) => {
                    let f = failure(
                        &format!("login as {user} refused (wrong user or password?)"),
                        &e,
                    );
                    report("login", false, f.text.clone());
                    return Err(f);
                }
            }
        } else {
            report("login", true, "no login (no `user` in [mail])".into());
        }
        Ok(Session {
            conn,
            account: account.clone(),
        })
    }

    /// Sends one message; the server's answer when it accepted it.
    pub fn send(&mut self, to: &str, bytes: &[u8]) -> std::result::Result<String, Failure> {
        let from = self
            .account
            .address
            .parse()
            .map_err(|e| permanent(format!("the sender address: {e}")))?;
        let to = to
            .parse()
            .map_err(|e| permanent(format!("the address `{to}`: {e}")))?;
        let envelope = Envelope::new(Some(from), vec![to])
            .map_err(|e| permanent(format!("the envelope: {e}")))?;
        if bytes.is_ascii() {
            // A last line without its line break gets one: the end of the data (CRLF
            // . CRLF) would end it anyway, and one write of it all avoids waiting
            // for the server's delayed acknowledgement (below).
            if bytes.ends_with(b"\r\n") {
                return self.send_data(&envelope, bytes);
            }
            let mut ended = bytes.to_vec();
            ended.extend_from_slice(b"\r\n");
            return self.send_data(&envelope, &ended);
        }
        // lettre ends the data with CRLF . CRLF whatever the message ends with: its own
        // last line break is left to that, so the server receives exactly `bytes`.
        let bytes = bytes.strip_suffix(b"\r\n").unwrap_or(bytes);
        match self.conn.send(&envelope, bytes) {
            Ok(r) => Ok(reply_text(&r)),
            Err(e) => Err(failure("the server did not take the message", &e)),
        }
    }

    /// MAIL, RCPT, DATA, then the message and its final dot in one write. lettre's
    /// `send` writes the final dot on its own, and on a connection without
    /// TCP_NODELAY (which lettre does not set) that small write waits for the server's
    /// delayed acknowledgement of the message: 40 ms per message on Linux.
    fn send_data(
        &mut self,
        envelope: &Envelope,
        bytes: &[u8],
    ) -> std::result::Result<String, Failure> {
        use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
        let fail = |conn: &mut SmtpConnection, e: lettre::transport::smtp::Error| {
            conn.abort();
            failure("the server did not take the message", &e)
        };
        if let Err(e) = self
            .conn
            .command(Mail::new(envelope.from().cloned(), vec![]))
        {
            return Err(fail(&mut self.conn, e));
        }
        for to in envelope.to() {
            if let Err(e) = self.conn.command(Rcpt::new(to.clone(), vec![])) {
                return Err(fail(&mut self.conn, e));
            }
        }
        if let Err(e) = self.conn.command(Data) {
            return Err(fail(&mut self.conn, e));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| permanent("the message is not text"))?;
        // Dot-stuffing (RFC 5321 4.5.2), then the end of the data.
        let mut data = String::with_capacity(text.len() + 8);
        if text.starts_with('.') {
            data.push('.');
        }
        data.push_str(&text.replace("\r\n.", "\r\n.."));
        data.push_str(".\r\n");
        match self.conn.command(data) {
            Ok(r) => Ok(reply_text(&r)),
            Err(e) => Err(fail(&mut self.conn, e)),
        }
    }

    /// Whether the connection can take another message.
    pub fn usable(&self) -> bool {
        !self.conn.has_broken()
    }

    /// Says goodbye.
    pub fn close(mut self) {
        let _ = self.conn.quit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        assert_eq!(
            parse_smtp("smtps://smtp.example.com").unwrap(),
            (Security::Tls, "smtp.example.com".into(), 465)
        );
        assert_eq!(
            parse_smtp("smtp://smtp.example.com").unwrap(),
            (Security::StartTls, "smtp.example.com".into(), 587)
        );
        assert_eq!(
            parse_smtp("smtp://127.0.0.1:2525").unwrap(),
            (Security::Plain, "127.0.0.1".into(), 2525)
        );
        assert_eq!(
            parse_smtp("smtp://[::1]:2525").unwrap(),
            (Security::Plain, "::1".into(), 2525)
        );
        // A name is not an address: localhost still needs STARTTLS.
        assert_eq!(
            parse_smtp("smtp://localhost:25").unwrap().0,
            Security::StartTls
        );
        assert!(parse_smtp("http://x").is_err());
        assert!(parse_smtp("smtp://host:port").is_err());
        // A login in the address is refused without repeating it.
        let e = parse_smtp("smtps://ann:s3cret@smtp.example.com:465").unwrap_err();
        assert!(e.contains("holds a login") && !e.contains("s3cret"), "{e}");
    }

    #[test]
    fn password_command_gives_its_first_line_in_time() {
        assert_eq!(password_command("printf 'pw\\nrest'").as_deref(), Ok("pw"));
        let e = password_command("echo leaked; exit 3").unwrap_err();
        assert!(e.contains("failed") && !e.contains("leaked"), "{e}");
    }
}
