-- PostgreSQL schema version 6: each account's own settings (the Settings page,
-- `PUT /api/settings`), as a one-person install keeps them in `config.toml` and
-- `policy.toml`.
--
-- `user_settings.config`: the TOML of the keys the Settings page sets (tz, region,
-- hours, preset, digest_hour; never a file path); `policy`: the TOML of the policy's
-- numbers set over the preset. No row: the server's settings, with the digest at the
-- default hour. The workers read every account's zone and digest hour to schedule
-- digests, so, like the accounts tables and the job queue, the table is not under
-- row-level security and `followup_user` has no right on it.
--
-- `app_user.settings_version` is raised with every save: a server process that keeps
-- an account's app (with its settings) in memory reads the version with the session
-- and builds the app again when another process saved newer settings.

ALTER TABLE app_user ADD COLUMN settings_version bigint NOT NULL DEFAULT 0;

CREATE TABLE user_settings (
    user_id    bigint PRIMARY KEY REFERENCES app_user ON DELETE CASCADE,
    config     text   NOT NULL,
    policy     text   NOT NULL DEFAULT '',
    updated_at bigint NOT NULL
);
