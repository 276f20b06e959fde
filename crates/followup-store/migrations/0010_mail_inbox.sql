-- Schema version 10: what reading the user's mailbox keeps (`followup mail sync`).
--
-- * `mail_folder`: per IMAP folder, its UIDVALIDITY and the highest UID read, so a
--   sync reads only what is new (a new UIDVALIDITY starts the folder over).
-- * `mail_proposal`: one row per matched message, keyed by its Message-ID, so a
--   message applied or dismissed is never proposed again. Only headers (sender,
--   subject, date, Message-ID) and the evidence sentence are kept, never a body; an
--   invitation keeps its calendar part, which accepting imports.
-- * `mail_bad_address`: addresses a delivery failure was accepted for.
--
-- Unmatched mail leaves nothing here. `followup mail forget` empties all three.

CREATE TABLE mail_folder (
    name        TEXT    PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL
) STRICT;

CREATE TABLE mail_proposal (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id     TEXT    NOT NULL UNIQUE,
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    contact_id     INTEGER,
    kind           TEXT    NOT NULL CHECK (kind IN ('sent', 'reply', 'decision', 'rejection',
                                                   'offer', 'invite', 'out-of-office', 'bounce')),
    folder         TEXT    NOT NULL,
    sender         TEXT    NOT NULL,
    subject        TEXT    NOT NULL,
    date           INTEGER NOT NULL,
    evidence       TEXT,
    decision       TEXT,
    decision_date  TEXT,
    until          TEXT,
    touchpoint     TEXT,
    bounced        TEXT,
    calendar       TEXT,
    confidence     TEXT    NOT NULL CHECK (confidence IN ('high', 'low')),
    status         TEXT    NOT NULL DEFAULT 'pending'
                           CHECK (status IN ('pending', 'applied', 'dismissed')),
    touchpoint_id  INTEGER
) STRICT;

CREATE INDEX mail_proposal_status ON mail_proposal (status, id);

CREATE TABLE mail_bad_address (
    address TEXT    PRIMARY KEY COLLATE NOCASE,
    at      INTEGER NOT NULL
) STRICT;
