-- Schema version 1: applications and everything that happens around them.
--
-- Conventions:
-- * Instants are INTEGER nanoseconds since 1970-01-01T00:00:00Z (UTC), exact and sortable.
-- * Calendar dates are TEXT `YYYY-MM-DD`.
-- * Enumerations are TEXT holding the kebab-case word (`small-business`, `thank-you`);
--   the words are checked by the code, not by CHECK constraints, so that adding a word
--   never needs a table rebuild.
-- * Booleans are INTEGER 0 or 1.
-- * Children carry their application id and reference their siblings through composite
--   keys `(application_id, id)`, so a touchpoint can only name a contact of its own
--   application and an interviewer can only sit in an interview of their application.

CREATE TABLE application (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    company         TEXT    NOT NULL CHECK (company <> ''),
    role            TEXT    NOT NULL CHECK (role <> ''),
    source          TEXT,
    link            TEXT,
    company_type    TEXT,
    seniority       TEXT,
    region          TEXT,
    status          TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    urgent          INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    late_in_process INTEGER NOT NULL DEFAULT 0 CHECK (late_in_process IN (0, 1)),
    recipient_tz    TEXT,
    -- An application is closed exactly when it is no longer active.
    CHECK ((status = 'active') = (closed_at IS NULL))
) STRICT;

CREATE TABLE interview (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id   INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    start            INTEGER NOT NULL,
    tz               TEXT    NOT NULL CHECK (tz <> ''),
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    round            TEXT,
    decision_phrase  TEXT,
    decision_date    TEXT,
    location         TEXT,
    uid              TEXT,
    cancelled        INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
    title            TEXT,
    UNIQUE (application_id, id)
) STRICT;

CREATE INDEX interview_by_application ON interview (application_id, start);
CREATE UNIQUE INDEX interview_by_uid ON interview (uid) WHERE uid IS NOT NULL;

CREATE TABLE contact (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    name           TEXT    NOT NULL CHECK (name <> ''),
    email          TEXT,
    phone          TEXT,
    role           TEXT    NOT NULL,
    tz             TEXT,
    UNIQUE (application_id, id)
) STRICT;

-- Who sat in which interview.
CREATE TABLE interview_contact (
    application_id INTEGER NOT NULL,
    interview_id   INTEGER NOT NULL,
    contact_id     INTEGER NOT NULL,
    PRIMARY KEY (application_id, interview_id, contact_id),
    FOREIGN KEY (application_id, interview_id)
        REFERENCES interview (application_id, id) ON DELETE CASCADE,
    FOREIGN KEY (application_id, contact_id)
        REFERENCES contact (application_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX interview_contact_by_contact ON interview_contact (application_id, contact_id);

CREATE TABLE touchpoint (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id  INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    at              INTEGER NOT NULL,
    contact_id      INTEGER,
    channel         TEXT,
    note            TEXT,
    outcome         TEXT,
    decision_phrase TEXT,
    decision_date   TEXT,
    FOREIGN KEY (application_id, contact_id) REFERENCES contact (application_id, id)
) STRICT;

CREATE INDEX touchpoint_by_application ON touchpoint (application_id, at);

CREATE TABLE note (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    interview_id   INTEGER,
    kind           TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    FOREIGN KEY (application_id, interview_id)
        REFERENCES interview (application_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX note_by_application ON note (application_id, interview_id);

-- The sender of the drafts: at most one row.
CREATE TABLE profile (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    name  TEXT NOT NULL CHECK (name <> ''),
    email TEXT NOT NULL CHECK (email <> ''),
    phone TEXT
) STRICT;
