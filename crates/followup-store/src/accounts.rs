//! Accounts (schema 12): who may sign in to `followup serve --multi-user`, their
//! sessions, API tokens and one-time links.
//!
//! The store keeps what it is given: password hashes (PHC strings), and hashes of the
//! random values behind sessions, tokens and links. Making and checking them is the
//! front end's (`followup_app::accounts`); the store never sees a password or a token.
//!
//! ```
//! use followup_store::Store;
//! use followup_store::accounts::LinkPurpose;
//!
//! let mut store = Store::open_in_memory()?;
//! let now: jiff::Timestamp = "2026-12-01T15:00:00Z".parse().unwrap();
//! let ann = store.create_user(" Ann@Example.com ", None, now)?;
//! assert_eq!(ann.email, "ann@example.com");
//! assert!(store.create_user("ANN@example.com", None, now).is_err());
//!
//! let week = now + jiff::SignedDuration::from_hours(168);
//! store.add_link(ann.id, "hash-of-a-link", LinkPurpose::Signup, now, week)?;
//! assert_eq!(store.take_link("hash-of-a-link", LinkPurpose::Signup, now)?.unwrap().id, ann.id);
//! // Used once.
//! assert!(store.take_link("hash-of-a-link", LinkPurpose::Signup, now)?.is_none());
//! # Ok::<(), followup_store::StoreError>(())
//! ```

use jiff::Timestamp;
use rusqlite::{params, OptionalExtension, Row};

use crate::error::{Result, StoreError};
use crate::sql::{ts, Cols, Columns};
use crate::Store;

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    /// Its id, never reused.
    pub id: i64,
    /// The address it signs in with, in lower case.
    pub email: String,
    /// When it was made.
    pub created_at: Timestamp,
    /// Whether it has a password yet (an account made without one waits for its
    /// sign-up link).
    pub has_password: bool,
    /// Raised each time the account's own settings are saved where several server
    /// processes share them (PostgreSQL); always 0 in the SQLite office, whose settings
    /// are files.
    #[serde(skip)]
    pub settings_version: i64,
}

/// What a one-time link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkPurpose {
    /// Choosing the first password of an account an administrator made.
    Signup,
    /// Choosing a new password.
    Reset,
}

impl LinkPurpose {
    /// As stored: `signup`, `reset`.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::Signup => "signup",
            LinkPurpose::Reset => "reset",
        }
    }
}

/// An address as accounts keep it: trimmed, in lower case, and a valid address.
pub fn normalize_email(email: &str) -> Result<String> {
    let e = email.trim().to_lowercase();
    crate::validate::email("email", &e)?;
    Ok(e)
}

const USER: &str = "SELECT id, email, created_at, password_hash IS NOT NULL FROM app_user";

fn read_user(row: &Row<'_>) -> Result<User> {
    let mut c = Cols::new(row);
    Ok(User {
        id: c.int()?,
        email: c.text()?,
        created_at: c.ts("app_user.created_at")?,
        has_password: c.boolean()?,
        settings_version: 0,
    })
}

fn one_user(rows: rusqlite::Result<Option<Result<User>>>) -> Result<Option<User>> {
    rows?.transpose()
}

impl Store {
    /// Makes an account for `email` (trimmed, lower case), with a password hash or
    /// none yet. An address already used (whatever its case) is refused.
    pub fn create_user(
        &mut self,
        email: &str,
        password_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<User> {
        let email = normalize_email(email)?;
        let at = ts("created_at", now)?;
        self.write(|c| {
            let taken: bool = c
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM app_user WHERE email = ?1)")?
                .query_row([&email], |r| r.get(0))?;
            if taken {
                return Err(StoreError::Duplicate {
                    what: "account e-mail",
                    value: email.clone(),
                });
            }
            c.prepare_cached(
                "INSERT INTO app_user (email, password_hash, created_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![email, password_hash, at])?;
            Ok(User {
                id: c.last_insert_rowid(),
                email: email.clone(),
                created_at: now,
                has_password: password_hash.is_some(),
                settings_version: 0,
            })
        })
    }

    /// The account of an address (any case), if there is one.
    pub fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let email = email.trim().to_lowercase();
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{USER} WHERE email = ?1"))?;
        one_user(stmt.query_row([email], |r| Ok(read_user(r))).optional())
    }

    /// The account with this id, if there is one.
    pub fn user(&self, id: i64) -> Result<Option<User>> {
        let mut stmt = self.conn.prepare_cached(&format!("{USER} WHERE id = ?1"))?;
        one_user(stmt.query_row([id], |r| Ok(read_user(r))).optional())
    }

    /// The password hash of an account (`None`: no such account, or no password yet).
    pub fn password_hash(&self, user_id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT password_hash FROM app_user WHERE id = ?1")?
            .query_row([user_id], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// Every account, by id.
    pub fn users(&self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare_cached(&format!("{USER} ORDER BY id"))?;
        let rows = stmt.query_map([], |r| Ok(read_user(r)))?;
        rows.map(|r| r?).collect()
    }

    /// How many API tokens each account has, by id.
    pub fn token_counts(&self) -> Result<std::collections::HashMap<i64, i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT user_id, count(*) FROM api_token GROUP BY user_id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes an account with its sessions, tokens and links (its job search is a
    /// database of its own, deleted by the front end).
    pub fn delete_user(&mut self, user_id: i64) -> Result<()> {
        self.write(|c| {
            let n = c
                .prepare_cached("DELETE FROM app_user WHERE id = ?1")?
                .execute([user_id])?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "account",
                    id: user_id,
                });
            }
            Ok(())
        })
    }

    /// Sets an account's password hash and ends all of its sessions (a new password
    /// signs out everywhere else; the caller opens the session it needs next).
    pub fn set_password(&mut self, user_id: i64, password_hash: &str) -> Result<()> {
        self.write(|c| {
            let n = c
                .prepare_cached("UPDATE app_user SET password_hash = ?2 WHERE id = ?1")?
                .execute(params![user_id, password_hash])?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    what: "account",
                    id: user_id,
                });
            }
            c.prepare_cached("DELETE FROM user_session WHERE user_id = ?1")?
                .execute([user_id])?;
            Ok(())
        })
    }

    /// Opens a session (by the hash of its id) until `expires`; expired sessions of
    /// every account are dropped on the way.
    pub fn add_session(
        &mut self,
        user_id: i64,
        token_hash: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        let (at, until) = (ts("created_at", now)?, ts("expires_at", expires)?);
        self.write(|c| {
            c.prepare_cached("DELETE FROM user_session WHERE expires_at <= ?1")?
                .execute([at])?;
            c.prepare_cached(
                "INSERT INTO user_session (token_hash, user_id, created_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![token_hash, user_id, at, until])?;
            Ok(())
        })
    }

    /// The account of a session that has not expired at `now`.
    pub fn session_user(&self, token_hash: &str, now: Timestamp) -> Result<Option<User>> {
        let at = ts("now", now)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.email, u.created_at, u.password_hash IS NOT NULL \
             FROM user_session s JOIN app_user u ON u.id = s.user_id \
             WHERE s.token_hash = ?1 AND s.expires_at > ?2",
        )?;
        one_user(
            stmt.query_row(params![token_hash, at], |r| Ok(read_user(r)))
                .optional(),
        )
    }

    /// How many sessions an account has open (expired ones included until dropped).
    pub fn session_count(&self, user_id: i64) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM user_session WHERE user_id = ?1")?
            .query_row([user_id], |r| r.get(0))?)
    }

    /// Ends one session.
    pub fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        self.write(|c| {
            c.prepare_cached("DELETE FROM user_session WHERE token_hash = ?1")?
                .execute([token_hash])?;
            Ok(())
        })
    }

    /// Ends every session of an account (sign out everywhere); returns how many.
    pub fn delete_sessions(&mut self, user_id: i64) -> Result<usize> {
        self.write(|c| {
            Ok(
                c.prepare_cached("DELETE FROM user_session WHERE user_id = ?1")?
                    .execute([user_id])?,
            )
        })
    }

    /// Keeps a new API token (by its hash).
    pub fn add_api_token(&mut self, user_id: i64, token_hash: &str, now: Timestamp) -> Result<()> {
        let at = ts("created_at", now)?;
        self.write(|c| {
            c.prepare_cached(
                "INSERT INTO api_token (token_hash, user_id, created_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![token_hash, user_id, at])?;
            Ok(())
        })
    }

    /// The account of an API token.
    pub fn token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.email, u.created_at, u.password_hash IS NOT NULL \
             FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = ?1",
        )?;
        one_user(
            stmt.query_row([token_hash], |r| Ok(read_user(r)))
                .optional(),
        )
    }

    /// Keeps a one-time link (by its hash) until `expires`. A new link of the same
    /// purpose replaces the account's earlier ones.
    pub fn add_link(
        &mut self,
        user_id: i64,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        let (at, until) = (ts("created_at", now)?, ts("expires_at", expires)?);
        self.write(|c| {
            c.prepare_cached("DELETE FROM one_time_link WHERE user_id = ?1 AND purpose = ?2")?
                .execute(params![user_id, purpose.as_str()])?;
            c.prepare_cached(
                "INSERT INTO one_time_link (token_hash, user_id, purpose, created_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![token_hash, user_id, purpose.as_str(), at, until])?;
            Ok(())
        })
    }

    /// The account of a link that is unused and unexpired at `now`, without using it.
    pub fn link_user(
        &self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<User>> {
        let at = ts("now", now)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.email, u.created_at, u.password_hash IS NOT NULL \
             FROM one_time_link l JOIN app_user u ON u.id = l.user_id \
             WHERE l.token_hash = ?1 AND l.purpose = ?2 AND l.used_at IS NULL \
             AND l.expires_at > ?3",
        )?;
        one_user(
            stmt.query_row(params![token_hash, purpose.as_str(), at], |r| {
                Ok(read_user(r))
            })
            .optional(),
        )
    }

    /// Uses a link: its account, if the link is unused and unexpired at `now`; it
    /// cannot be used again (one statement marks it used and names its account, so of
    /// two requests at once only one gets it).
    pub fn take_link(
        &mut self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<User>> {
        let at = ts("now", now)?;
        let user_id: Option<i64> = self.write(|c| {
            Ok(c.prepare_cached(
                "UPDATE one_time_link SET used_at = ?3 \
                 WHERE token_hash = ?1 AND purpose = ?2 AND used_at IS NULL AND expires_at > ?3 \
                 RETURNING user_id",
            )?
            .query_row(params![token_hash, purpose.as_str(), at], |r| r.get(0))
            .optional()?)
        })?;
        match user_id {
            Some(id) => self.user(id),
            None => Ok(None),
        }
    }

    /// Ends every API token of an account; returns how many.
    pub fn delete_api_tokens(&mut self, user_id: i64) -> Result<usize> {
        self.write(|c| {
            Ok(
                c.prepare_cached("DELETE FROM api_token WHERE user_id = ?1")?
                    .execute([user_id])?,
            )
        })
    }

    /// Counts a sign-in attempt for an address against `limit` failures since
    /// `since`, in one write transaction (so attempts at once are counted one after
    /// the other): `false` when the address is at its limit (nothing noted), else the
    /// attempt is noted as a failure until [`Store::clear_sign_in_failures`] says it
    /// succeeded. Notes older than `since` are dropped.
    pub fn try_sign_in(
        &mut self,
        email: &str,
        now: Timestamp,
        since: Timestamp,
        limit: i64,
    ) -> Result<bool> {
        let email = email.trim().to_lowercase();
        let (at, old) = (ts("now", now)?, ts("since", since)?);
        self.write(|c| {
            c.prepare_cached("DELETE FROM sign_in_failure WHERE at < ?1")?
                .execute([old])?;
            let n: i64 = c
                .prepare_cached("SELECT count(*) FROM sign_in_failure WHERE email = ?1")?
                .query_row([&email], |r| r.get(0))?;
            if n >= limit {
                return Ok(false);
            }
            c.prepare_cached("INSERT INTO sign_in_failure (email, at) VALUES (?1, ?2)")?
                .execute(params![email, at])?;
            Ok(true)
        })
    }

    /// Makes every id this database gives from now on at least `base + 1` (ids already
    /// higher stay as they are): a multi-user server starts each user's database at
    /// its own base, so an id names one thing in the whole office.
    pub fn start_ids_at(&mut self, base: i64) -> Result<()> {
        self.write(|c| {
            let tables: Vec<String> = c
                .prepare(
                    "SELECT name FROM sqlite_schema WHERE type = 'table' \
                     AND sql LIKE '%AUTOINCREMENT%'",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for t in tables {
                let n = c
                    .prepare_cached(
                        "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1",
                    )?
                    .execute(params![t, base])?;
                if n == 0 {
                    c.prepare_cached("INSERT INTO sqlite_sequence (name, seq) VALUES (?1, ?2)")?
                        .execute(params![t, base])?;
                }
            }
            Ok(())
        })
    }

    /// How many sign-ins failed for an address since `since`.
    pub fn sign_in_failures(&self, email: &str, since: Timestamp) -> Result<i64> {
        let email = email.trim().to_lowercase();
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM sign_in_failure WHERE email = ?1 AND at >= ?2")?
            .query_row(params![email, ts("since", since)?], |r| r.get(0))?)
    }

    /// Forgets the failed sign-ins of an address (it signed in).
    pub fn clear_sign_in_failures(&mut self, email: &str) -> Result<()> {
        let email = email.trim().to_lowercase();
        self.write(|c| {
            c.prepare_cached("DELETE FROM sign_in_failure WHERE email = ?1")?
                .execute([email])?;
            Ok(())
        })
    }
}

/// The accounts of a multi-user server on either backend: the SQLite office's accounts
/// database ([`Store`]) or PostgreSQL ([`Pg`](crate::pg::Pg)). Each method has the
/// meaning of the [`Store`] method of the same name; secrets arrive as the hex SHA-256
/// of the token (`hash_secret` of the app), never the token itself.
pub trait AccountStore: Send {
    /// [`Store::create_user`].
    fn create_user(
        &mut self,
        email: &str,
        password_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<User>;
    /// [`Store::user_by_email`].
    fn user_by_email(&mut self, email: &str) -> Result<Option<User>>;
    /// [`Store::user`].
    fn user(&mut self, id: i64) -> Result<Option<User>>;
    /// [`Store::users`].
    fn users(&mut self) -> Result<Vec<User>>;
    /// [`Store::password_hash`].
    fn password_hash(&mut self, user_id: i64) -> Result<Option<String>>;
    /// [`Store::set_password`].
    fn set_password(&mut self, user_id: i64, password_hash: &str) -> Result<()>;
    /// [`Store::add_session`].
    fn add_session(
        &mut self,
        user_id: i64,
        token_hash: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()>;
    /// [`Store::session_user`].
    fn session_user(&mut self, token_hash: &str, now: Timestamp) -> Result<Option<User>>;
    /// [`Store::delete_session`].
    fn delete_session(&mut self, token_hash: &str) -> Result<()>;
    /// [`Store::delete_sessions`].
    fn delete_sessions(&mut self, user_id: i64) -> Result<usize>;
    /// [`Store::add_api_token`].
    fn add_api_token(&mut self, user_id: i64, token_hash: &str, now: Timestamp) -> Result<()>;
    /// [`Store::token_user`].
    fn token_user(&mut self, token_hash: &str) -> Result<Option<User>>;
    /// How many API tokens the account has.
    fn token_count(&mut self, user_id: i64) -> Result<i64>;
    /// [`Store::delete_api_tokens`].
    fn delete_api_tokens(&mut self, user_id: i64) -> Result<usize>;
    /// [`Store::add_link`].
    fn add_link(
        &mut self,
        user_id: i64,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()>;
    /// [`Store::link_user`].
    fn link_user(
        &mut self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<User>>;
    /// [`Store::take_link`].
    fn take_link(
        &mut self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<User>>;
    /// [`Store::try_sign_in`].
    fn try_sign_in(
        &mut self,
        email: &str,
        now: Timestamp,
        since: Timestamp,
        limit: i64,
    ) -> Result<bool>;
    /// [`Store::clear_sign_in_failures`].
    fn clear_sign_in_failures(&mut self, email: &str) -> Result<()>;
}

impl AccountStore for Store {
    fn create_user(
        &mut self,
        email: &str,
        password_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<User> {
        Store::create_user(self, email, password_hash, now)
    }
    fn user_by_email(&mut self, email: &str) -> Result<Option<User>> {
        Store::user_by_email(self, email)
    }
    fn user(&mut self, id: i64) -> Result<Option<User>> {
        Store::user(self, id)
    }
    fn users(&mut self) -> Result<Vec<User>> {
        Store::users(self)
    }
    fn password_hash(&mut self, user_id: i64) -> Result<Option<String>> {
        Store::password_hash(self, user_id)
    }
    fn set_password(&mut self, user_id: i64, password_hash: &str) -> Result<()> {
        Store::set_password(self, user_id, password_hash)
    }
    fn add_session(
        &mut self,
        user_id: i64,
        token_hash: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        Store::add_session(self, user_id, token_hash, now, expires)
    }
    fn session_user(&mut self, token_hash: &str, now: Timestamp) -> Result<Option<User>> {
        Store::session_user(self, token_hash, now)
    }
    fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        Store::delete_session(self, token_hash)
    }
    fn delete_sessions(&mut self, user_id: i64) -> Result<usize> {
        Store::delete_sessions(self, user_id)
    }
    fn add_api_token(&mut self, user_id: i64, token_hash: &str, now: Timestamp) -> Result<()> {
        Store::add_api_token(self, user_id, token_hash, now)
    }
    fn token_user(&mut self, token_hash: &str) -> Result<Option<User>> {
        Store::token_user(self, token_hash)
    }
    fn token_count(&mut self, user_id: i64) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM api_token WHERE user_id = ?1")?
            .query_row([user_id], |r| r.get(0))?)
    }
    fn delete_api_tokens(&mut self, user_id: i64) -> Result<usize> {
        Store::delete_api_tokens(self, user_id)
    }
    fn add_link(
        &mut self,
        user_id: i64,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        Store::add_link(self, user_id, token_hash, purpose, now, expires)
    }
    fn link_user(
        &mut self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<User>> {
        Store::link_user(self, token_hash, purpose, now)
    }
    fn take_link(
        &mut self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<User>> {
        Store::take_link(self, token_hash, purpose, now)
    }
    fn try_sign_in(
        &mut self,
        email: &str,
        now: Timestamp,
        since: Timestamp,
        limit: i64,
    ) -> Result<bool> {
        Store::try_sign_in(self, email, now, since, limit)
    }
    fn clear_sign_in_failures(&mut self, email: &str) -> Result<()> {
        Store::clear_sign_in_failures(self, email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn sessions_expire_and_end_everywhere() {
        let mut s = Store::open_in_memory().unwrap();
        let now = at("2026-12-01T15:00:00Z");
        let u = s
            .create_user("a@example.com", Some("$argon2id$x"), now)
            .unwrap();
        let later = at("2026-12-08T15:00:00Z");
        s.add_session(u.id, "s1", now, later).unwrap();
        s.add_session(u.id, "s2", now, later).unwrap();
        assert_eq!(s.session_user("s1", now).unwrap().unwrap().id, u.id);
        assert!(s.session_user("s1", later).unwrap().is_none(), "expired");
        assert!(s.session_user("nope", now).unwrap().is_none());
        assert_eq!(s.delete_sessions(u.id).unwrap(), 2);
        assert!(s.session_user("s2", now).unwrap().is_none());
    }

    #[test]
    fn a_new_password_ends_the_sessions() {
        let mut s = Store::open_in_memory().unwrap();
        let now = at("2026-12-01T15:00:00Z");
        let u = s.create_user("a@example.com", None, now).unwrap();
        assert!(!u.has_password);
        s.add_session(u.id, "s1", now, at("2026-12-02T15:00:00Z"))
            .unwrap();
        s.set_password(u.id, "$argon2id$y").unwrap();
        assert!(s.session_user("s1", now).unwrap().is_none());
        assert_eq!(
            s.password_hash(u.id).unwrap().as_deref(),
            Some("$argon2id$y")
        );
    }

    #[test]
    fn deleting_an_account_deletes_its_tokens_and_links() {
        let mut s = Store::open_in_memory().unwrap();
        let now = at("2026-12-01T15:00:00Z");
        let a = s.create_user("a@example.com", None, now).unwrap();
        let b = s.create_user("b@example.com", None, now).unwrap();
        s.add_api_token(a.id, "ta", now).unwrap();
        s.add_api_token(b.id, "tb", now).unwrap();
        s.add_link(
            a.id,
            "la",
            LinkPurpose::Reset,
            now,
            at("2026-12-02T00:00:00Z"),
        )
        .unwrap();
        s.delete_user(a.id).unwrap();
        assert!(s.token_user("ta").unwrap().is_none());
        assert!(s
            .link_user("la", LinkPurpose::Reset, now)
            .unwrap()
            .is_none());
        assert_eq!(s.token_user("tb").unwrap().unwrap().id, b.id);
        assert!(s.delete_user(a.id).unwrap_err().is_not_found());
    }

    #[test]
    fn links_expire_and_keep_their_purpose() {
        let mut s = Store::open_in_memory().unwrap();
        let now = at("2026-12-01T15:00:00Z");
        let a = s.create_user("a@example.com", None, now).unwrap();
        let until = at("2026-12-02T15:00:00Z");
        s.add_link(a.id, "l", LinkPurpose::Signup, now, until)
            .unwrap();
        assert!(s.take_link("l", LinkPurpose::Reset, now).unwrap().is_none());
        assert!(s
            .take_link("l", LinkPurpose::Signup, until)
            .unwrap()
            .is_none());
        assert!(s
            .take_link("l", LinkPurpose::Signup, now)
            .unwrap()
            .is_some());
    }

    #[test]
    fn ids_start_at_the_base() {
        let mut s = Store::open_in_memory().unwrap();
        let now = at("2026-12-01T15:00:00Z");
        s.start_ids_at(7_000_000_000).unwrap();
        let u = s.create_user("a@example.com", None, now).unwrap();
        assert_eq!(u.id, 7_000_000_001);
        let app = crate::NewApplication::new("Acme", "Engineer", now);
        assert_eq!(s.add_application(&app).unwrap(), 7_000_000_001);
        // Never lowered.
        s.start_ids_at(5).unwrap();
        assert_eq!(s.add_application(&app).unwrap(), 7_000_000_002);
    }

    #[test]
    fn failures_are_counted_per_address_and_forgotten() {
        let mut s = Store::open_in_memory().unwrap();
        let t0 = at("2026-12-01T15:00:00Z");
        let t1 = at("2026-12-01T15:30:00Z");
        assert!(s.try_sign_in("A@example.com", t0, t0, 2).unwrap());
        assert!(s.try_sign_in("a@example.com", t1, t0, 2).unwrap());
        // At the limit: refused, and not counted.
        assert!(!s.try_sign_in("a@example.com", t1, t0, 2).unwrap());
        assert_eq!(s.sign_in_failures("a@example.com", t0).unwrap(), 2);
        assert_eq!(s.sign_in_failures("a@example.com", t1).unwrap(), 1);
        assert_eq!(s.sign_in_failures("b@example.com", t0).unwrap(), 0);
        s.clear_sign_in_failures("a@EXAMPLE.com").unwrap();
        assert_eq!(s.sign_in_failures("a@example.com", t0).unwrap(), 0);
    }
}
