//! Accounts of `followup serve --multi-user`: a small office on one machine.
//!
//! The database named by `--db` keeps the accounts (`followup_store::accounts`); each
//! user's job search is a database of its own, in a directory beside it, with that
//! user's settings, calendar-feed secret and digest state next to it:
//!
//! ```text
//! office.sqlite                 accounts, sessions, API tokens, one-time links
//! office.sqlite.users/7/        everything of account 7:
//!     followup.sqlite             the job search (the same schema as one person's)
//!     config.toml                 the settings saved from the Settings page
//!     followup.sqlite.feed-secret ...
//! ```
//!
//! So one user's requests open only that user's database: no query can reach another
//! user's rows, whatever it forgets to filter. Passwords are kept as argon2id hashes;
//! session ids, API tokens and one-time links are 32 random bytes shown once, kept as
//! their SHA-256 hashes.
//!
//! ```
//! use followup_app::accounts::{self, Office, SignIn};
//!
//! let dir = tempfile::tempdir().unwrap();
//! let office = Office::new(dir.path().join("office.sqlite"));
//! let mut store = office.open()?;
//! let now: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
//! let (ann, link) = accounts::create_user(&office, &mut store, "ann@example.com", Some("correct horse battery"), now)?;
//! assert!(link.is_none());
//! match accounts::sign_in(&mut store, "ANN@example.com", "correct horse battery", now)? {
//!     SignIn::Ok { user, session } => {
//!         assert_eq!(user.id, ann.id);
//!         assert_eq!(accounts::session_user(&mut store, &session, now)?.unwrap().id, ann.id);
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), followup_app::Error>(())
//! ```

use std::path::{Path, PathBuf};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use followup_store::accounts::{AccountStore, LinkPurpose, User};
use followup_store::Store;
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::settings::{MailSettings, Settings};

/// How long a browser session lasts (14 days).
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(14 * 24);

/// How long a sign-up link made by `admin create-user` works (7 days).
pub const SIGNUP_LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(7 * 24);

/// How long a password-reset link works (1 hour).
pub const RESET_LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(1);

/// The shortest password taken.
pub const MIN_PASSWORD: usize = 10;

/// Failed sign-ins for one address within [`FAILURE_WINDOW`] after which further
/// attempts are refused until the oldest of them is that old.
pub const MAX_FAILURES: i64 = 5;

/// See [`MAX_FAILURES`] (15 minutes).
pub const FAILURE_WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// Where an office keeps its accounts and each user's files.
#[derive(Debug, Clone)]
pub struct Office {
    db: PathBuf,
}

impl Office {
    /// The office whose accounts are in `db`.
    pub fn new(db: impl Into<PathBuf>) -> Office {
        Office { db: db.into() }
    }

    /// The accounts database.
    pub fn db(&self) -> &Path {
        &self.db
    }

    /// Opens the accounts database (made on first use).
    pub fn open(&self) -> Result<Store> {
        if let Some(parent) = self.db.parent().filter(|p| !p.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(Error::Input(format!(
                    "the directory of {} does not exist",
                    self.db.display()
                )));
            }
        }
        let store = Store::open(&self.db)?;
        owner_only(&self.db);
        Ok(store)
    }

    /// The directory of one user's files: `<db>.users/<id>`.
    pub fn user_dir(&self, user_id: i64) -> PathBuf {
        let mut dir = self.db.as_os_str().to_owned();
        dir.push(".users");
        PathBuf::from(dir).join(user_id.to_string())
    }

    /// One user's job-search database.
    pub fn user_db(&self, user_id: i64) -> PathBuf {
        self.user_dir(user_id).join("followup.sqlite")
    }

    /// One user's settings file.
    pub fn user_config(&self, user_id: i64) -> PathBuf {
        self.user_dir(user_id).join("config.toml")
    }

    /// Each user's ids start at their account id times this: an id names one record
    /// in the whole office, whose ever it is.
    pub const ID_BLOCK: i64 = 1_000_000_000;

    /// Opens a user's job-search database, made on first use, with its ids in the
    /// user's block ([`Office::ID_BLOCK`]; idempotent, so any process may do it).
    pub fn make_user_db(&self, user_id: i64) -> Result<Store> {
        self.make_user_dir(user_id)?;
        let db = self.user_db(user_id);
        let mut store = Store::open(&db)?;
        store.start_ids_at(user_id.saturating_mul(Self::ID_BLOCK))?;
        owner_only(&db);
        Ok(store)
    }

    /// Makes the directory of a user's files (owner only).
    pub fn make_user_dir(&self, user_id: i64) -> Result<PathBuf> {
        let dir = self.user_dir(user_id);
        std::fs::create_dir_all(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
        Ok(dir)
    }
}

/// The digest's hour of a new account (issue: 8 by default when many people share a
/// server; the account turns it off or moves it in Settings).
pub const DEFAULT_DIGEST_HOUR: u8 = 8;

/// A user's settings: their own `config.toml` (saved by their Settings page) over the
/// server's (`base`: its `config.toml` and `FOLLOWUP_*`: the zone, the address in
/// links). The mail account is the user's own only ([`own_mail`]): the server's is
/// never lent to them, neither to send their messages nor to read a mailbox (the
/// digest alone goes out through it, [`sending_from`]). The digest's hour is the
/// user's alone: on from [`DEFAULT_DIGEST_HOUR`] until they turn it off.
pub fn user_settings(office: &Office, user_id: i64, base: &Settings) -> Result<Settings> {
    let file = office.user_config(user_id);
    let mine = if file.exists() {
        Settings::load_file_only(&file)?
    } else {
        let mut s = Settings {
            digest_hour: Some(DEFAULT_DIGEST_HOUR),
            ..Settings::default()
        };
        s.origins.isolated = true;
        s
    };
    let or = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
    Ok(Settings {
        tz: or(&mine.tz, &base.tz),
        region: or(&mine.region, &base.region),
        hours: or(&mine.hours, &base.hours),
        preset: or(&mine.preset, &base.preset),
        policy: mine.policy.clone().or_else(|| base.policy.clone()),
        digest_hour: mine.digest_hour,
        url: or(&mine.url, &base.url),
        mail: mine.mail.clone(),
        account_mail: None,
        account_email: None,
        account_id: None,
        origins: mine.origins.clone(),
    })
}

/// A user's own mail account: the `[mail]` of their `config.toml` only (written there
/// by whoever runs the server; the web app cannot), never the server's variables.
pub fn own_mail(office: &Office, user_id: i64) -> Result<MailSettings> {
    let file = office.user_config(user_id);
    Ok(if file.exists() {
        Settings::load_file_only(&file)?.mail
    } else {
        MailSettings::default()
    })
}

/// Sends through `base`'s account (the server's): its server, login, password and
/// certificates, and its address as the sender.
pub fn sending_from(mail: &mut MailSettings, base: &MailSettings) {
    *mail = MailSettings {
        address: base.address.clone(),
        smtp: base.smtp.clone(),
        user: base.user.clone(),
        password_command: base.password_command.clone(),
        ca: base.ca.clone(),
        ..MailSettings::default()
    };
}

/// Makes a file readable by its owner only (the accounts, a person's job search),
/// where the system allows it.
fn owner_only(file: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// 32 random bytes as 64 hex digits: a session id, an API token, a link's key.
pub fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::Input(format!("no randomness for a secret: {e}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a secret: its SHA-256, in hex.
pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Refuses a password too short to be one.
pub fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Error::Input(format!(
            "a password needs at least {MIN_PASSWORD} characters"
        )));
    }
    Ok(())
}

/// The argon2id hash of a password (a PHC string with its own salt).
pub fn hash_password(password: &str) -> Result<String> {
    check_password(password)?;
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| Error::Input(format!("no randomness for a password's salt: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| Error::Input(format!("cannot hash the password: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Input(format!("cannot hash the password: {e}")))
}

/// Whether `password` is the one `hash` was made from.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Makes an account, with a password or, without one, a sign-up link's key (made
/// into a link by the caller, `/signup/<key>`), valid [`SIGNUP_LINK_LIFETIME`].
pub fn create_user(
    office: &Office,
    store: &mut dyn AccountStore,
    email: &str,
    password: Option<&str>,
    now: Timestamp,
) -> Result<(User, Option<String>)> {
    let hash = password.map(hash_password).transpose()?;
    let user = store.create_user(email, hash.as_deref(), now)?;
    office.make_user_dir(user.id)?;
    office.make_user_db(user.id)?;
    let config = office.user_config(user.id);
    if !config.exists() {
        let text = format!(
            "# The settings of {} (their Settings page saves here), over the server's.\ndigest_hour = {DEFAULT_DIGEST_HOUR}\n",
            user.email
        );
        crate::settings::write_atomic_mode(&config, &text, Some(0o600))?;
    }
    let link = match password {
        Some(_) => None,
        None => Some(new_link(store, user.id, LinkPurpose::Signup, now)?),
    };
    Ok((user, link))
}

/// Makes an account in a database that keeps every user's facts itself (PostgreSQL):
/// no files to make. With a password or, without one, a sign-up link's key.
pub fn create_account(
    store: &mut dyn AccountStore,
    email: &str,
    password: Option<&str>,
    now: Timestamp,
) -> Result<(User, Option<String>)> {
    let hash = password.map(hash_password).transpose()?;
    let user = store.create_user(email, hash.as_deref(), now)?;
    let link = match password {
        Some(_) => None,
        None => Some(new_link(store, user.id, LinkPurpose::Signup, now)?),
    };
    Ok((user, link))
}

/// A new one-time link's key for an account.
pub fn new_link(
    store: &mut dyn AccountStore,
    user_id: i64,
    purpose: LinkPurpose,
    now: Timestamp,
) -> Result<String> {
    let key = new_secret()?;
    let life = match purpose {
        LinkPurpose::Signup => SIGNUP_LINK_LIFETIME,
        LinkPurpose::Reset => RESET_LINK_LIFETIME,
    };
    store.add_link(user_id, &hash_secret(&key), purpose, now, now + life)?;
    Ok(key)
}

/// The account of an address, or a plain error naming it.
pub fn user_of(store: &mut dyn AccountStore, email: &str) -> Result<User> {
    store
        .user_by_email(email)?
        .ok_or_else(|| Error::NotFound(format!("no account for {}", email.trim())))
}

/// A new API token for the account of `email` (shown once: only its hash is kept).
pub fn new_api_token(
    store: &mut dyn AccountStore,
    email: &str,
    now: Timestamp,
) -> Result<(User, String)> {
    let user = user_of(store, email)?;
    let token = new_secret()?;
    store.add_api_token(user.id, &hash_secret(&token), now)?;
    Ok((user, token))
}

/// The account of an API token.
pub fn token_user(store: &mut dyn AccountStore, token: &str) -> Result<Option<User>> {
    Ok(store.token_user(&hash_secret(token.trim()))?)
}

/// Deletes the account of `email` and every file of it (its job search, settings and
/// secrets).
pub fn delete_user(office: &Office, store: &mut Store, email: &str) -> Result<User> {
    let user = user_of(store, email)?;
    store.delete_user(user.id)?;
    let dir = office.user_dir(user.id);
    match std::fs::remove_dir_all(&dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Conflict(format!(
            "the account {} is deleted, but not its files in {}: {e}",
            user.email,
            dir.display()
        ))),
        _ => Ok(user),
    }
}

/// What a sign-in came to.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: a new session's id (for the cookie).
    Ok {
        /// The account.
        user: User,
        /// The session's id.
        session: String,
    },
    /// The address or the password is wrong (which one is not said).
    Wrong,
    /// Too many failed attempts for this address: try again after this moment.
    TooMany {
        /// When it may be tried again.
        retry_at: Timestamp,
    },
}

/// Signs in with an address and a password: a new session of [`SESSION_LIFETIME`],
/// unless the pair is wrong or the address failed [`MAX_FAILURES`] times in the last
/// [`FAILURE_WINDOW`] (counted in the database, so every server process sees them).
pub fn sign_in(
    store: &mut dyn AccountStore,
    email: &str,
    password: &str,
    now: Timestamp,
) -> Result<SignIn> {
    let since = now - FAILURE_WINDOW;
    // Noted as a failure before the check, in one transaction with the count: attempts
    // sent at once are each counted.
    if !store.try_sign_in(email, now, since, MAX_FAILURES)? {
        return Ok(SignIn::TooMany {
            retry_at: now + FAILURE_WINDOW,
        });
    }
    let user = store.user_by_email(email)?;
    let hash = match &user {
        Some(u) => store.password_hash(u.id)?,
        None => None,
    };
    let ok = match &hash {
        Some(h) => verify_password(h, password),
        None => {
            // The same work as a real check, so timing does not tell which addresses
            // have accounts.
            let _ = verify_password(DUMMY_HASH, password);
            false
        }
    };
    match (user, ok) {
        (Some(user), true) => {
            store.clear_sign_in_failures(email)?;
            let session = open_session(store, user.id, now)?;
            Ok(SignIn::Ok { user, session })
        }
        _ => Ok(SignIn::Wrong),
    }
}

/// An argon2id hash of a password nobody has, checked when an address has no account.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0v8Ii0kr6yoUvo2O1zZoiKhY8RSZ4ZqvnpDTVDgzQDI";

/// Opens a session for an account: its id.
pub fn open_session(store: &mut dyn AccountStore, user_id: i64, now: Timestamp) -> Result<String> {
    let session = new_secret()?;
    store.add_session(user_id, &hash_secret(&session), now, now + SESSION_LIFETIME)?;
    Ok(session)
}

/// The account of a session id, while it lasts.
pub fn session_user(
    store: &mut dyn AccountStore,
    session: &str,
    now: Timestamp,
) -> Result<Option<User>> {
    Ok(store.session_user(&hash_secret(session), now)?)
}

/// Ends one session.
pub fn sign_out(store: &mut dyn AccountStore, session: &str) -> Result<()> {
    Ok(store.delete_session(&hash_secret(session))?)
}

/// Sets a password from a one-time link (sign-up or reset): the account, signed in
/// with a new session, or `None` when the link is unknown, used or expired.
pub fn set_password_by_link(
    store: &mut dyn AccountStore,
    key: &str,
    purpose: LinkPurpose,
    password: &str,
    now: Timestamp,
) -> Result<Option<(User, String)>> {
    let hash = hash_password(password)?;
    let Some(user) = store.take_link(&hash_secret(key), purpose, now)? else {
        return Ok(None);
    };
    store.set_password(user.id, &hash)?;
    if purpose == LinkPurpose::Reset {
        // Whoever needed a reset may have lost more than the password.
        store.delete_api_tokens(user.id)?;
    }
    let session = open_session(store, user.id, now)?;
    Ok(Some((user, session)))
}

/// Changes a password, given the current one: every other session ends; the new
/// session's id is returned. `None`: the current password is wrong.
pub fn change_password(
    store: &mut dyn AccountStore,
    user_id: i64,
    current: &str,
    new: &str,
    now: Timestamp,
) -> Result<Option<String>> {
    let hash = hash_password(new)?;
    let ok = store
        .password_hash(user_id)?
        .is_some_and(|h| verify_password(&h, current));
    if !ok {
        return Ok(None);
    }
    store.set_password(user_id, &hash)?;
    Ok(Some(open_session(store, user_id, now)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-12-01T15:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password(DUMMY_HASH, "anything at all"));
    }

    #[test]
    fn passwords_are_hashed_and_checked() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(!h.contains("correct horse"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse battery!"));
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn sign_in_is_refused_after_five_failures_then_allowed_again() {
        let dir = tempfile::tempdir().unwrap();
        let office = Office::new(dir.path().join("o.sqlite"));
        let mut s = office.open().unwrap();
        create_user(
            &office,
            &mut s,
            "a@example.com",
            Some("correct horse battery"),
            now(),
        )
        .unwrap();
        for _ in 0..MAX_FAILURES {
            assert!(matches!(
                sign_in(&mut s, "a@example.com", "wrong password", now()).unwrap(),
                SignIn::Wrong
            ));
        }
        // Even the right password waits now.
        assert!(matches!(
            sign_in(&mut s, "a@example.com", "correct horse battery", now()).unwrap(),
            SignIn::TooMany { .. }
        ));
        let later = now() + FAILURE_WINDOW + SignedDuration::from_secs(1);
        assert!(matches!(
            sign_in(&mut s, "a@example.com", "correct horse battery", later).unwrap(),
            SignIn::Ok { .. }
        ));
        // An unknown address fails like a wrong password.
        assert!(matches!(
            sign_in(&mut s, "nobody@example.com", "correct horse battery", later).unwrap(),
            SignIn::Wrong
        ));
    }

    #[test]
    fn a_signup_link_sets_the_password_once() {
        let dir = tempfile::tempdir().unwrap();
        let office = Office::new(dir.path().join("o.sqlite"));
        let mut s = office.open().unwrap();
        let (u, link) = create_user(&office, &mut s, "a@example.com", None, now()).unwrap();
        let link = link.unwrap();
        assert!(office.user_dir(u.id).is_dir());
        assert!(matches!(
            sign_in(&mut s, "a@example.com", "", now()).unwrap(),
            SignIn::Wrong
        ));
        let (who, session) =
            set_password_by_link(&mut s, &link, LinkPurpose::Signup, "a new password", now())
                .unwrap()
                .unwrap();
        assert_eq!(who.id, u.id);
        assert_eq!(
            session_user(&mut s, &session, now()).unwrap().unwrap().id,
            u.id
        );
        assert!(
            set_password_by_link(&mut s, &link, LinkPurpose::Signup, "another one!", now())
                .unwrap()
                .is_none()
        );
        // The token is kept hashed only.
        let (_, token) = new_api_token(&mut s, "a@example.com", now()).unwrap();
        assert_eq!(token_user(&mut s, &token).unwrap().unwrap().id, u.id);
        assert!(s.token_user(&token).unwrap().is_none());
    }

    #[test]
    fn a_new_account_gets_the_digest_at_eight_and_the_servers_other_settings() {
        let dir = tempfile::tempdir().unwrap();
        let office = Office::new(dir.path().join("o.sqlite"));
        let mut s = office.open().unwrap();
        let (u, _) = create_user(&office, &mut s, "a@example.com", None, now()).unwrap();
        let mut base = Settings {
            tz: Some("Europe/Berlin".into()),
            ..Settings::default()
        };
        base.mail.smtp = Some("smtp://127.0.0.1:2525".into());
        let mine = user_settings(&office, u.id, &base).unwrap();
        assert_eq!(mine.digest_hour, Some(DEFAULT_DIGEST_HOUR));
        assert_eq!(mine.tz.as_deref(), Some("Europe/Berlin"));
        // The server's mail account is not lent to the account (only its digest goes
        // out through it).
        assert_eq!(mine.mail.smtp, None);
        assert!(mine.origins.isolated);
        let mut digest = mine.mail.clone();
        sending_from(&mut digest, &base.mail);
        assert_eq!(digest.smtp.as_deref(), Some("smtp://127.0.0.1:2525"));
        // Turned off (the Settings page removes the key): off, whatever the server's.
        std::fs::write(office.user_config(u.id), "tz = \"Asia/Tokyo\"\n").unwrap();
        base.digest_hour = Some(7);
        let mine = user_settings(&office, u.id, &base).unwrap();
        assert_eq!(mine.digest_hour, None);
        assert_eq!(mine.tz.as_deref(), Some("Asia/Tokyo"));
    }

    #[test]
    fn deleting_a_user_removes_their_files() {
        let dir = tempfile::tempdir().unwrap();
        let office = Office::new(dir.path().join("o.sqlite"));
        let mut s = office.open().unwrap();
        let (u, _) = create_user(&office, &mut s, "a@example.com", None, now()).unwrap();
        std::fs::write(office.user_config(u.id), "tz = \"UTC\"\n").unwrap();
        delete_user(&office, &mut s, "A@example.com").unwrap();
        assert!(!office.user_dir(u.id).exists());
        assert!(s.user_by_email("a@example.com").unwrap().is_none());
        assert!(delete_user(&office, &mut s, "a@example.com").is_err());
    }
}
