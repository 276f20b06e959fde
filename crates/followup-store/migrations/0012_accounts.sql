-- Schema version 12: accounts, for `followup serve --multi-user` (a small office on
-- one machine).
--
-- In multi-user mode the database named by `--db` keeps the accounts; each user's job
-- search is a database of its own (see `followup_app::accounts`), so these tables stay
-- empty in a one-person database and in every user's. They hold no secret in the
-- clear: passwords as argon2id hashes (PHC strings), session ids, API tokens and
-- one-time links as SHA-256 hashes (hex) of random 32-byte values shown once.

CREATE TABLE app_user (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Lower case, trimmed: one account per address whatever its case.
    email         TEXT    NOT NULL UNIQUE,
    password_hash TEXT,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE user_session (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX user_session_by_user ON user_session (user_id);

CREATE TABLE api_token (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX api_token_by_user ON api_token (user_id);

-- A sign-up or password-reset link: used once, before it expires.
CREATE TABLE one_time_link (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('signup', 'reset')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) STRICT;

CREATE INDEX one_time_link_by_user ON one_time_link (user_id);

-- Failed sign-ins, per address, for rate limiting (kept an hour).
CREATE TABLE sign_in_failure (
    email TEXT    NOT NULL,
    at    INTEGER NOT NULL
) STRICT;

CREATE INDEX sign_in_failure_by_email ON sign_in_failure (email, at);
