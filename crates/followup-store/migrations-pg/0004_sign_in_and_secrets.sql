-- PostgreSQL schema version 4: what the web server of many users keeps besides the
-- accounts of schema 1.
--
-- `sign_in_failure`: each failed sign-in, by address, so every server process counts
-- the same attempts (5 in 15 minutes, then refused), as in the SQLite office
-- (`0012_accounts.sql`). Rows older than the window are deleted as new ones come.
--
-- `server_secret`: secrets every process of one service must share (the key the form
-- tokens are made with), made once by whichever process needs one first. Like the
-- accounts tables, neither is under row-level security, and `followup_user` has no
-- right on them.

CREATE TABLE sign_in_failure (
    email citext NOT NULL,
    at    bigint NOT NULL
);

CREATE INDEX sign_in_failure_by_email ON sign_in_failure (email, at);
CREATE INDEX sign_in_failure_by_age ON sign_in_failure (at);

CREATE TABLE server_secret (
    name  text PRIMARY KEY,
    value text NOT NULL CHECK (length(value) >= 32)
);
