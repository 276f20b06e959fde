//! The accounts of a multi-user server on PostgreSQL ([`AccountStore`] for [`Pg`]),
//! with the meaning of the SQLite office's: the same calls, the same answers.
//!
//! Secrets arrive as the hex SHA-256 of a token (what the SQLite office keeps) and are
//! kept as its 32 bytes (`bytea`, as [`token_hash`](super::token_hash) makes them). The
//! accounts tables are not under row-level security: these run as the connecting
//! role, outside any user's transaction.

use jiff::Timestamp;
use postgres::error::SqlState;
use postgres::types::Type;

use super::accounts::{user_of, USER_COLUMNS};
use super::{pg_err, Pg};
use crate::accounts::{AccountStore, LinkPurpose, User};
use crate::sql::ts;
use crate::{Result, StoreError};

/// The 32 bytes of a hex SHA-256; anything else matches no row (an empty key).
fn bytes(hex: &str) -> Vec<u8> {
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let h = hex.as_bytes();
    if h.len() != 64 {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(32);
    for pair in h.chunks(2) {
        match (digit(pair[0]), digit(pair[1])) {
            (Some(a), Some(b)) => out.push(a << 4 | b),
            _ => return Vec::new(),
        }
    }
    out
}

impl Pg {
    fn one_user(
        &mut self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Option<User>> {
        let rows = self.client.query(sql, params).map_err(pg_err)?;
        rows.first().map(user_of).transpose()
    }

    /// A secret shared by every process of the service, made by the first that asks
    /// (`make` gives a new one: 32 characters or more).
    pub fn server_secret(&mut self, name: &str, make: impl FnOnce() -> String) -> Result<String> {
        let rows = self
            .client
            .query("SELECT value FROM server_secret WHERE name = $1", &[&name])
            .map_err(pg_err)?;
        if let Some(r) = rows.first() {
            return Ok(r.get(0));
        }
        let fresh = make();
        self.client
            .execute(
                "INSERT INTO server_secret (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&name, &fresh],
            )
            .map_err(pg_err)?;
        let row = self
            .client
            .query_one("SELECT value FROM server_secret WHERE name = $1", &[&name])
            .map_err(pg_err)?;
        Ok(row.get(0))
    }
}

impl AccountStore for Pg {
    fn create_user(
        &mut self,
        email: &str,
        password_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<User> {
        let email = super::normalise_email(email)?;
        let at = ts("created_at", now)?;
        let rows = self
            .client
            .query(
                "INSERT INTO app_user (email, password_hash, created_at) VALUES ($1, $2, $3)
                 RETURNING id",
                &[&email, &password_hash, &at],
            )
            .map_err(|e| match e.code() {
                Some(&SqlState::UNIQUE_VIOLATION) => StoreError::Duplicate {
                    what: "account e-mail",
                    value: email.clone(),
                },
                _ => pg_err(e),
            })?;
        let id = rows
            .first()
            .map(|r| r.get(0))
            .ok_or_else(|| StoreError::Postgres("an insert returned no id".into()))?;
        Ok(User {
            id,
            email,
            created_at: now,
            has_password: password_hash.is_some(),
            settings_version: 0,
        })
    }

    fn user_by_email(&mut self, email: &str) -> Result<Option<User>> {
        let email = email.trim().to_lowercase();
        self.one_user(
            &format!("SELECT {USER_COLUMNS} FROM app_user WHERE email = $1"),
            &[&email],
        )
    }

    fn user(&mut self, id: i64) -> Result<Option<User>> {
        self.one_user(
            &format!("SELECT {USER_COLUMNS} FROM app_user WHERE id = $1"),
            &[&id],
        )
    }

    fn users(&mut self) -> Result<Vec<User>> {
        let rows = self
            .client
            .query(
                &format!("SELECT {USER_COLUMNS} FROM app_user ORDER BY id"),
                &[],
            )
            .map_err(pg_err)?;
        rows.iter().map(user_of).collect()
    }

    fn password_hash(&mut self, user_id: i64) -> Result<Option<String>> {
        let rows = self
            .client
            .query(
                "SELECT password_hash FROM app_user WHERE id = $1",
                &[&user_id],
            )
            .map_err(pg_err)?;
        Ok(rows.first().and_then(|r| r.get(0)))
    }

    fn set_password(&mut self, user_id: i64, password_hash: &str) -> Result<()> {
        // Every session ends with the old password, as in the office.
        let mut tx = self.client.transaction().map_err(pg_err)?;
        let n = tx
            .execute(
                "UPDATE app_user SET password_hash = $2 WHERE id = $1",
                &[&user_id, &password_hash],
            )
            .map_err(pg_err)?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "account",
                id: user_id,
            });
        }
        tx.execute("DELETE FROM session WHERE user_id = $1", &[&user_id])
            .map_err(pg_err)?;
        tx.commit().map_err(pg_err)
    }

    fn add_session(
        &mut self,
        user_id: i64,
        token_hash: &str,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        let (at, until) = (ts("created_at", now)?, ts("expires_at", expires)?);
        let mut tx = self.client.transaction().map_err(pg_err)?;
        tx.execute("DELETE FROM session WHERE expires_at <= $1", &[&at])
            .map_err(pg_err)?;
        tx.execute(
            "INSERT INTO session (token_hash, user_id, created_at, expires_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $3)",
            &[&bytes(token_hash), &user_id, &at, &until],
        )
        .map_err(pg_err)?;
        tx.commit().map_err(pg_err)
    }

    fn session_user(&mut self, token_hash: &str, now: Timestamp) -> Result<Option<User>> {
        let at = ts("now", now)?;
        // Every request asks: one round trip (typed, nothing prepared first).
        let rows = self
            .client
            .query_typed(
                "SELECT u.id, u.email::text AS email, u.created_at,
                        u.password_hash IS NOT NULL AS has_password, u.settings_version
                 FROM session s JOIN app_user u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2",
                &[(&bytes(token_hash), Type::BYTEA), (&at, Type::INT8)],
            )
            .map_err(pg_err)?;
        rows.first().map(user_of).transpose()
    }

    fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        self.client
            .execute(
                "DELETE FROM session WHERE token_hash = $1",
                &[&bytes(token_hash)],
            )
            .map_err(pg_err)?;
        Ok(())
    }

    fn delete_sessions(&mut self, user_id: i64) -> Result<usize> {
        let n = self
            .client
            .execute("DELETE FROM session WHERE user_id = $1", &[&user_id])
            .map_err(pg_err)?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn add_api_token(&mut self, user_id: i64, token_hash: &str, now: Timestamp) -> Result<()> {
        let at = ts("created_at", now)?;
        self.client
            .execute(
                "INSERT INTO api_token (token_hash, user_id, name, created_at)
                 VALUES ($1, $2, 'web', $3)",
                &[&bytes(token_hash), &user_id, &at],
            )
            .map_err(pg_err)?;
        Ok(())
    }

    fn token_user(&mut self, token_hash: &str) -> Result<Option<User>> {
        let rows = self
            .client
            .query_typed(
                "SELECT u.id, u.email::text AS email, u.created_at,
                        u.password_hash IS NOT NULL AS has_password, u.settings_version
                 FROM api_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = $1",
                &[(&bytes(token_hash), Type::BYTEA)],
            )
            .map_err(pg_err)?;
        rows.first().map(user_of).transpose()
    }

    fn token_count(&mut self, user_id: i64) -> Result<i64> {
        let row = self
            .client
            .query_one(
                "SELECT count(*) FROM api_token WHERE user_id = $1",
                &[&user_id],
            )
            .map_err(pg_err)?;
        Ok(row.get(0))
    }

    fn delete_api_tokens(&mut self, user_id: i64) -> Result<usize> {
        let n = self
            .client
            .execute("DELETE FROM api_token WHERE user_id = $1", &[&user_id])
            .map_err(pg_err)?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn add_link(
        &mut self,
        user_id: i64,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<()> {
        let (at, until) = (ts("created_at", now)?, ts("expires_at", expires)?);
        let mut tx = self.client.transaction().map_err(pg_err)?;
        tx.execute(
            "DELETE FROM one_time_link WHERE user_id = $1 AND purpose = $2",
            &[&user_id, &purpose.as_str()],
        )
        .map_err(pg_err)?;
        tx.execute(
            "INSERT INTO one_time_link (token_hash, user_id, purpose, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[&bytes(token_hash), &user_id, &purpose.as_str(), &at, &until],
        )
        .map_err(pg_err)?;
        tx.commit().map_err(pg_err)
    }

    fn link_user(
        &mut self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<User>> {
        let at = ts("now", now)?;
        self.one_user(
            "SELECT u.id, u.email::text AS email, u.created_at,
                    u.password_hash IS NOT NULL AS has_password, u.settings_version
             FROM one_time_link l JOIN app_user u ON u.id = l.user_id
             WHERE l.token_hash = $1 AND l.purpose = $2 AND l.used_at IS NULL
               AND l.expires_at > $3",
            &[&bytes(token_hash), &purpose.as_str(), &at],
        )
    }

    fn take_link(
        &mut self,
        token_hash: &str,
        purpose: LinkPurpose,
        now: Timestamp,
    ) -> Result<Option<User>> {
        let at = ts("now", now)?;
        // One statement: of two requests with the same link, one takes it.
        let rows = self
            .client
            .query(
                "UPDATE one_time_link SET used_at = $3
                 WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
                 RETURNING user_id",
                &[&bytes(token_hash), &purpose.as_str(), &at],
            )
            .map_err(pg_err)?;
        match rows.first().map(|r| r.get::<_, i64>(0)) {
            Some(id) => AccountStore::user(self, id),
            None => Ok(None),
        }
    }

    fn try_sign_in(
        &mut self,
        email: &str,
        now: Timestamp,
        since: Timestamp,
        limit: i64,
    ) -> Result<bool> {
        let email = email.trim().to_lowercase();
        let (at, old) = (ts("now", now)?, ts("since", since)?);
        let mut tx = self.client.transaction().map_err(pg_err)?;
        // Attempts for one address at once are counted one after the other.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('followup.sign_in'), hashtext($1))",
            &[&email],
        )
        .map_err(pg_err)?;
        tx.execute("DELETE FROM sign_in_failure WHERE at < $1", &[&old])
            .map_err(pg_err)?;
        let n: i64 = tx
            .query_one(
                "SELECT count(*) FROM sign_in_failure WHERE email = $1",
                &[&email],
            )
            .map_err(pg_err)?
            .get(0);
        if n >= limit {
            tx.commit().map_err(pg_err)?;
            return Ok(false);
        }
        tx.execute(
            "INSERT INTO sign_in_failure (email, at) VALUES ($1, $2)",
            &[&email, &at],
        )
        .map_err(pg_err)?;
        tx.commit().map_err(pg_err)?;
        Ok(true)
    }

    fn clear_sign_in_failures(&mut self, email: &str) -> Result<()> {
        let email = email.trim().to_lowercase();
        self.client
            .execute("DELETE FROM sign_in_failure WHERE email = $1", &[&email])
            .map_err(pg_err)?;
        Ok(())
    }
}
