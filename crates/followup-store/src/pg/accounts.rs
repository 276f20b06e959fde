//! Accounts: users, their passwords, sessions, API tokens and one-time links.
//!
//! E-mail addresses are trimmed, checked ([`crate::validate::email`]) and lower-cased,
//! so one address is one account whatever its case. Secrets are made from 32 random
//! bytes, shown once (returned), and stored as their SHA-256 only; passwords as
//! argon2id hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use jiff::{SignedDuration, Timestamp};
use postgres::error::SqlState;
use postgres::{SimpleQueryMessage, Transaction};
use sha2::{Digest, Sha256};

use super::{as_user, pg_err, Pg, USER_ROLE};
use crate::sql::ts_from;
use crate::{Result, StoreError};

/// How long a sign-up link made by [`Pg::create_user`] stays valid.
pub const SIGNUP_LINK_TTL: SignedDuration = SignedDuration::from_hours(7 * 24);

/// How long a session lasts from its sign-in.
pub const SESSION_TTL: SignedDuration = SignedDuration::from_hours(30 * 24);

/// What every API token starts with, so it can be recognised (in a leaked file, by
/// a secret scanner).
pub const API_TOKEN_PREFIX: &str = "fu_";

/// How many users `list_users` counts the applications of in one round trip.
const COUNT_CHUNK: usize = 500;

/// Passwords shorter than this are refused.
const PASSWORD_MIN: usize = 10;
/// Nor is a password longer than this hashed (it would only cost time).
const PASSWORD_MAX: usize = 1024;

pub use crate::accounts::{LinkPurpose, User};

/// A one-time link's token, as made: the only time it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The secret that goes in the link's path.
    pub token: String,
    /// What it is for.
    pub purpose: LinkPurpose,
    /// When it stops working.
    pub expires_at: Timestamp,
}

/// What [`Pg::create_user`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedUser {
    /// The account.
    pub user: User,
    /// Without a password: the sign-up link with which the user chooses one.
    pub signup: Option<Link>,
}

/// An account as `followup admin list-users` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserSummary {
    /// The account.
    #[serde(flatten)]
    pub user: User,
    /// How many applications it tracks.
    pub applications: i64,
    /// How many API tokens it has.
    pub api_tokens: i64,
}

/// What [`Pg::delete_user`] deleted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeletedUser {
    /// The account, as it was.
    #[serde(flatten)]
    pub user: User,
    /// Its applications (with their interviews, contacts, touchpoints, notes, skips,
    /// outbox and mail proposals).
    pub applications: i64,
    /// Its interviews.
    pub interviews: i64,
    /// Its contacts.
    pub contacts: i64,
    /// Its touchpoints.
    pub touchpoints: i64,
    /// Its notes.
    pub notes: i64,
    /// Its sessions (signed out).
    pub sessions: i64,
    /// Its API tokens.
    pub api_tokens: i64,
}

/// Trims, checks and lower-cases an address.
pub fn normalise_email(email: &str) -> Result<String> {
    let email = email.trim();
    crate::validate::email("email", email)?;
    Ok(email.to_lowercase())
}

fn check_password(password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN {
        return Err(StoreError::invalid(
            "password",
            format!("{chars} characters, at least {PASSWORD_MIN} are needed"),
        ));
    }
    if chars > PASSWORD_MAX {
        return Err(StoreError::TooLong {
            field: "password".into(),
            chars,
            max: PASSWORD_MAX,
        });
    }
    Ok(())
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// A new secret token (`prefix` + 64 hex digits) and the hash stored for it.
fn new_token(prefix: &str) -> Result<(String, Vec<u8>)> {
    let token = format!("{prefix}{}", hex(&random::<32>()?));
    let hash = token_hash(&token);
    Ok((token, hash))
}

/// What is stored for a token: its SHA-256.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The argon2id hash of a password (PHC string, random salt, default parameters).
fn hash_password(password: &str) -> Result<String> {
    let salt =
        SaltString::encode_b64(&random::<16>()?).map_err(|e| StoreError::Random(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::invalid("password", e.to_string()))
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

fn ns(field: &str, t: Timestamp) -> Result<i64> {
    crate::sql::ts(field, t)
}

pub(super) fn user_of(row: &postgres::Row) -> Result<User> {
    Ok(User {
        id: row.get("id"),
        email: row.get("email"),
        created_at: ts_from("app_user.created_at", row.get("created_at"))?,
        has_password: row.get("has_password"),
        settings_version: row.get("settings_version"),
    })
}

pub(super) const USER_COLUMNS: &str =
    "id, email::text AS email, created_at, password_hash IS NOT NULL AS has_password, settings_version";

/// The user with this (normalised) address, locked for the transaction with `lock`.
fn find_user(tx: &mut Transaction<'_>, email: &str, lock: bool) -> Result<User> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM app_user WHERE email = $1{}",
        if lock { " FOR UPDATE" } else { "" }
    );
    match tx.query_opt(&sql, &[&email]).map_err(pg_err)? {
        Some(row) => user_of(&row),
        None => Err(StoreError::NoUser {
            email: email.to_string(),
        }),
    }
}

impl Pg {
    /// Makes an account. With a password it can sign in at once; without one, a
    /// sign-up link (valid [`SIGNUP_LINK_TTL`] from `now`) lets its owner choose one.
    /// An address already used (in any case) is refused ([`StoreError::Duplicate`]).
    pub fn create_user(
        &mut self,
        email: &str,
        password: Option<&str>,
        now: Timestamp,
    ) -> Result<CreatedUser> {
        let email = normalise_email(email)?;
        let hash = match password {
            Some(p) => {
                check_password(p)?;
                Some(hash_password(p)?)
            }
            None => None,
        };
        let at = ns("created_at", now)?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let row = tx
            .query_one(
                &format!(
                    "INSERT INTO app_user (email, password_hash, created_at) VALUES ($1, $2, $3)
                     RETURNING {USER_COLUMNS}"
                ),
                &[&email, &hash, &at],
            )
            .map_err(|e| {
                if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                    StoreError::Duplicate {
                        what: "email",
                        value: email.clone(),
                    }
                } else {
                    pg_err(e)
                }
            })?;
        let user = user_of(&row)?;
        let signup = match hash {
            Some(_) => None,
            None => Some(insert_link(
                &mut tx,
                user.id,
                LinkPurpose::Signup,
                now,
                SIGNUP_LINK_TTL,
            )?),
        };
        tx.commit().map_err(pg_err)?;
        Ok(CreatedUser { user, signup })
    }

    /// The account with this address.
    pub fn user(&mut self, email: &str) -> Result<User> {
        let email = normalise_email(email)?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let user = find_user(&mut tx, &email, false)?;
        tx.commit().map_err(pg_err)?;
        Ok(user)
    }

    /// A one-time link for the account (a password reset, or a new sign-up link),
    /// valid `ttl` from `now`.
    pub fn new_link(
        &mut self,
        email: &str,
        purpose: LinkPurpose,
        now: Timestamp,
        ttl: SignedDuration,
    ) -> Result<Link> {
        let email = normalise_email(email)?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let user = find_user(&mut tx, &email, true)?;
        let link = insert_link(&mut tx, user.id, purpose, now, ttl)?;
        tx.commit().map_err(pg_err)?;
        Ok(link)
    }

    /// Uses a one-time link: the account it was made for when it is for `purpose`,
    /// not used and not expired at `now` (it is used up), else `None`.
    pub fn use_link(
        &mut self,
        token: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<User>> {
        let at = ns("now", now)?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let row = tx
            .query_opt(
                "UPDATE one_time_link SET used_at = $3
                 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
                 RETURNING user_id",
                &[&token_hash(token), &purpose.as_str(), &at],
            )
            .map_err(pg_err)?;
        let user = match row {
            Some(row) => {
                let id: i64 = row.get(0);
                let row = tx
                    .query_one(
                        &format!("SELECT {USER_COLUMNS} FROM app_user WHERE id = $1"),
                        &[&id],
                    )
                    .map_err(pg_err)?;
                Some(user_of(&row)?)
            }
            None => None,
        };
        tx.commit().map_err(pg_err)?;
        Ok(user)
    }

    /// Sets (or replaces) the account's password.
    pub fn set_password(&mut self, email: &str, password: &str) -> Result<()> {
        let email = normalise_email(email)?;
        check_password(password)?;
        let hash = hash_password(password)?;
        let n = self
            .client
            .execute(
                "UPDATE app_user SET password_hash = $2 WHERE email = $1",
                &[&email, &hash],
            )
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NoUser { email });
        }
        Ok(())
    }

    /// The account when `password` is its password; `None` for a wrong password, an
    /// unknown address or an account without a password (the same time is spent
    /// hashing in each case).
    pub fn verify_password(&mut self, email: &str, password: &str) -> Result<Option<User>> {
        let Ok(email) = normalise_email(email) else {
            return Ok(None);
        };
        let row = self
            .client
            .query_opt(
                &format!("SELECT {USER_COLUMNS}, password_hash FROM app_user WHERE email = $1"),
                &[&email],
            )
            .map_err(pg_err)?;
        let (user, hash) = match &row {
            Some(row) => (
                Some(user_of(row)?),
                row.get::<_, Option<String>>("password_hash"),
            ),
            None => (None, None),
        };
        match (user, hash) {
            (Some(user), Some(hash)) if password_matches(password, &hash) => Ok(Some(user)),
            (_, Some(_)) => Ok(None),
            (_, None) => {
                // As long as a real check: whether an address has an account is not
                // told by the time the answer takes.
                let _ = hash_password(password);
                Ok(None)
            }
        }
    }

    /// A new API token for the account, named `name`; the token is returned once and
    /// only its hash is kept.
    pub fn new_api_token(&mut self, email: &str, name: &str, now: Timestamp) -> Result<String> {
        let email = normalise_email(email)?;
        crate::validate::required_line("token name", name)?;
        let at = ns("created_at", now)?;
        let (token, hash) = new_token(API_TOKEN_PREFIX)?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let user = find_user(&mut tx, &email, true)?;
        tx.execute(
            "INSERT INTO api_token (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)",
            &[&hash, &user.id, &name, &at],
        )
        .map_err(pg_err)?;
        tx.commit().map_err(pg_err)?;
        Ok(token)
    }

    /// The account an API token belongs to, if any.
    pub fn api_token_user(&mut self, token: &str) -> Result<Option<User>> {
        let row = self
            .client
            .query_opt(
                &format!(
                    "SELECT {USER_COLUMNS} FROM app_user
                     WHERE id = (SELECT user_id FROM api_token WHERE token_hash = $1)"
                ),
                &[&token_hash(token)],
            )
            .map_err(pg_err)?;
        row.map(|r| user_of(&r)).transpose()
    }

    /// Signs the account in: a new session token, valid `ttl` from `now`.
    pub fn create_session(
        &mut self,
        user: i64,
        now: Timestamp,
        ttl: SignedDuration,
    ) -> Result<String> {
        let at = ns("now", now)?;
        let expires = ns(
            "expires",
            now.saturating_add(ttl)
                .map_err(|e| StoreError::invalid("session lifetime", e.to_string()))?,
        )?;
        let (token, hash) = new_token("")?;
        let n = self
            .client
            .execute(
                "INSERT INTO session (token_hash, user_id, created_at, expires_at, last_seen_at)
                 SELECT $1, id, $3, $4, $3 FROM app_user WHERE id = $2",
                &[&hash, &user, &at, &expires],
            )
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "user",
                id: user,
            });
        }
        Ok(token)
    }

    /// The account a session token belongs to while it has not expired at `now`
    /// (its last-seen moment is updated); `None` for an unknown or expired token.
    pub fn session_user(&mut self, token: &str, now: Timestamp) -> Result<Option<User>> {
        let at = ns("now", now)?;
        let row = self
            .client
            .query_opt(
                &format!(
                    "WITH s AS (
                         UPDATE session SET last_seen_at = greatest(last_seen_at, $2)
                         WHERE token_hash = $1 AND expires_at > $2
                         RETURNING user_id
                     )
                     SELECT {USER_COLUMNS} FROM app_user WHERE id = (SELECT user_id FROM s)"
                ),
                &[&token_hash(token), &at],
            )
            .map_err(pg_err)?;
        row.map(|r| user_of(&r)).transpose()
    }

    /// Signs out one session; whether it existed.
    pub fn delete_session(&mut self, token: &str) -> Result<bool> {
        let n = self
            .client
            .execute(
                "DELETE FROM session WHERE token_hash = $1",
                &[&token_hash(token)],
            )
            .map_err(pg_err)?;
        Ok(n > 0)
    }

    /// Signs the account out everywhere: deletes all its sessions; how many.
    pub fn delete_sessions(&mut self, user: i64) -> Result<u64> {
        self.client
            .execute("DELETE FROM session WHERE user_id = $1", &[&user])
            .map_err(pg_err)
    }

    /// Every account, by address, with how many applications and API tokens it has.
    ///
    /// The applications are counted as each user in turn (row-level security holds
    /// the connecting role too, unless it is a superuser): two statements per
    /// account, sent 500 accounts at a time.
    pub fn list_users(&mut self) -> Result<Vec<UserSummary>> {
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let rows = tx
            .query(
                &format!(
                    "SELECT {USER_COLUMNS},
                            (SELECT count(*) FROM api_token t WHERE t.user_id = app_user.id) AS tokens
                     FROM app_user ORDER BY email"
                ),
                &[],
            )
            .map_err(pg_err)?;
        let mut users = Vec::with_capacity(rows.len());
        for row in &rows {
            users.push(UserSummary {
                user: user_of(row)?,
                applications: 0,
                api_tokens: row.get("tokens"),
            });
        }
        // As each user in turn, many users to a round trip: the setting, then the
        // count under it, statement after statement of one simple query.
        tx.batch_execute(&format!("SET LOCAL ROLE {USER_ROLE}"))
            .map_err(pg_err)?;
        let mut counts = std::collections::HashMap::with_capacity(users.len());
        for chunk in users.chunks(COUNT_CHUNK) {
            let mut sql = String::with_capacity(chunk.len() * 110);
            for u in chunk {
                let id = u.user.id;
                sql.push_str(&format!(
                    "SELECT set_config('followup.user_id', '{id}', true);
                     SELECT {id}::bigint, count(*) FROM application;"
                ));
            }
            for message in tx.simple_query(&sql).map_err(pg_err)? {
                // The settings' rows have one column, the counts' two.
                if let SimpleQueryMessage::Row(row) = message {
                    if let (Ok(Some(id)), Ok(Some(n))) = (row.try_get(0), row.try_get(1)) {
                        let n = n.parse::<i64>().map_err(|e| StoreError::Decode {
                            column: "count(application)".into(),
                            value: n.into(),
                            reason: e.to_string(),
                        })?;
                        counts.insert(id.to_string(), n);
                    }
                }
            }
        }
        for u in &mut users {
            u.applications = counts.get(&u.user.id.to_string()).copied().unwrap_or(0);
        }
        tx.commit().map_err(pg_err)?;
        Ok(users)
    }

    /// Deletes the account and everything it owns, in one transaction; what was
    /// deleted.
    pub fn delete_user(&mut self, email: &str) -> Result<DeletedUser> {
        let email = normalise_email(email)?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let user = find_user(&mut tx, &email, true)?;
        let row = tx
            .query_one(
                "SELECT (SELECT count(*) FROM session WHERE user_id = $1),
                        (SELECT count(*) FROM api_token WHERE user_id = $1)",
                &[&user.id],
            )
            .map_err(pg_err)?;
        let (sessions, api_tokens): (i64, i64) = (row.get(0), row.get(1));
        as_user(&mut tx, user.id)?;
        let row = tx
            .query_one(
                "SELECT (SELECT count(*) FROM application), (SELECT count(*) FROM interview),
                        (SELECT count(*) FROM contact), (SELECT count(*) FROM touchpoint),
                        (SELECT count(*) FROM note)",
                &[],
            )
            .map_err(pg_err)?;
        tx.batch_execute("RESET ROLE").map_err(pg_err)?;
        tx.execute("DELETE FROM app_user WHERE id = $1", &[&user.id])
            .map_err(pg_err)?;
        tx.commit().map_err(pg_err)?;
        Ok(DeletedUser {
            user,
            applications: row.get(0),
            interviews: row.get(1),
            contacts: row.get(2),
            touchpoints: row.get(3),
            notes: row.get(4),
            sessions,
            api_tokens,
        })
    }
}

fn insert_link(
    tx: &mut Transaction<'_>,
    user: i64,
    purpose: LinkPurpose,
    now: Timestamp,
    ttl: SignedDuration,
) -> Result<Link> {
    let expires_at = now
        .saturating_add(ttl)
        .map_err(|e| StoreError::invalid("link lifetime", e.to_string()))?;
    let (token, hash) = new_token("")?;
    tx.execute(
        "INSERT INTO one_time_link (token_hash, user_id, purpose, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &hash,
            &user,
            &purpose.as_str(),
            &ns("now", now)?,
            &ns("expires", expires_at)?,
        ],
    )
    .map_err(pg_err)?;
    Ok(Link {
        token,
        purpose,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_as_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(password_matches("correct horse", &h));
        assert!(!password_matches("correct horsE", &h));
        assert!(!password_matches("correct horse", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_stored_as_sha256() {
        let (a, ha) = new_token(API_TOKEN_PREFIX).unwrap();
        let (b, _) = new_token(API_TOKEN_PREFIX).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert_eq!(ha.len(), 32);
        assert_eq!(ha, token_hash(&a));
        assert_eq!(
            hex(&token_hash("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalise_email("  Sam@Example.COM ").unwrap(),
            "sam@example.com"
        );
        assert!(normalise_email("not an address").is_err());
    }
}
