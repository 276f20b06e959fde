//! Each account's own settings on PostgreSQL (schema 6, `user_settings`): the text of
//! the keys the Settings page sets and of the policy's numbers, as a one-person install
//! keeps them in `config.toml` and `policy.toml`. What the text means is the
//! application's (`followup_app::settings`); the store keeps it whole, raises the
//! account's `settings_version` with every save, and moves the account's digest on the
//! job queue in the same transaction, so the schedule never disagrees with the settings.
//!
//! Like the accounts tables, these run as the connecting role, outside any user's
//! transaction: the workers read every account's settings.

use jiff::Timestamp;

use super::jobs::{schedule, Due};
use super::{pg_err, Pg};
use crate::Result;

/// One account's saved settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSettings {
    /// The settings (TOML: tz, region, hours, preset, digest_hour).
    pub config: String,
    /// The policy's numbers over the preset (TOML).
    pub policy: String,
    /// The account's `settings_version` once saved.
    pub version: i64,
}

/// An account as a worker sends it a digest: its address and its saved settings (none:
/// the server's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The account's id.
    pub user_id: i64,
    /// Its e-mail address.
    pub email: String,
    /// Its settings and policy text, if it saved any.
    pub settings: Option<(String, String)>,
}

impl Pg {
    /// `user`'s saved settings, if they saved any.
    pub fn user_settings(&mut self, user: i64) -> Result<Option<SavedSettings>> {
        let row = self
            .client
            .query_opt(
                "SELECT s.config, s.policy, u.settings_version
                   FROM user_settings s JOIN app_user u ON u.id = s.user_id
                  WHERE s.user_id = $1",
                &[&user],
            )
            .map_err(pg_err)?;
        Ok(row.map(|r| SavedSettings {
            config: r.get(0),
            policy: r.get(1),
            version: r.get(2),
        }))
    }

    /// Saves `user`'s settings and raises their version; in the same transaction, puts
    /// their digest on the schedule at the first of `dues` whose day has no digest yet
    /// (none of them, or `dues` empty: no digest until the settings say again).
    ///
    /// `based_on` is the version the new settings were made from (`None`: the server's,
    /// nothing saved yet). When another save came first (any process), nothing is
    /// written and the answer is `None`: read them again and apply the change to those.
    /// Otherwise the new version.
    pub fn save_user_settings(
        &mut self,
        user: i64,
        config: &str,
        policy: &str,
        dues: &[Due],
        now: Timestamp,
        based_on: Option<i64>,
    ) -> Result<Option<i64>> {
        let at = crate::sql::ts("updated_at", now)?;
        let mut tx = self.client.transaction().map_err(pg_err)?;
        // The account's row, locked until the commit: saves of one account take turns,
        // and the one that waited sees the version the other left.
        let version = tx
            .query_opt(
                "UPDATE app_user SET settings_version = settings_version + 1
                  WHERE id = $1
                  RETURNING settings_version,
                            EXISTS (SELECT 1 FROM user_settings WHERE user_id = $1)",
                &[&user],
            )
            .map_err(pg_err)?
            .map(|r| (r.get::<_, i64>(0), r.get::<_, bool>(1)))
            .ok_or_else(|| crate::StoreError::NotFound {
                what: "account",
                id: user,
            })?;
        let (version, saved_before) = version;
        let current = match based_on {
            Some(v) => saved_before && version - 1 == v,
            None => !saved_before,
        };
        if !current {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO user_settings (user_id, config, policy, updated_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE
                SET config = EXCLUDED.config, policy = EXCLUDED.policy,
                    updated_at = EXCLUDED.updated_at",
            &[&user, &config, &policy, &at],
        )
        .map_err(pg_err)?;
        let mut kept = false;
        for due in dues {
            if schedule(&mut tx, user, Some(*due), true)? {
                kept = true;
                break;
            }
        }
        if !kept {
            schedule(&mut tx, user, None, true)?;
        }
        tx.commit().map_err(pg_err)?;
        Ok(Some(version))
    }

    /// The accounts among `users` with their addresses and saved settings, for a
    /// worker's digests (an account deleted since is left out).
    pub fn recipients(&mut self, users: &[i64]) -> Result<Vec<Recipient>> {
        let rows = self
            .client
            .query(
                "SELECT u.id, u.email::text, s.config, s.policy
                   FROM app_user u LEFT JOIN user_settings s ON s.user_id = u.id
                  WHERE u.id = ANY($1)",
                &[&users],
            )
            .map_err(pg_err)?;
        Ok(rows
            .iter()
            .map(|r| {
                let config: Option<String> = r.get(2);
                let policy: Option<String> = r.get(3);
                Recipient {
                    user_id: r.get(0),
                    email: r.get(1),
                    settings: config.map(|c| (c, policy.unwrap_or_default())),
                }
            })
            .collect())
    }
}
