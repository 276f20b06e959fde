-- Schema version 9: the outbox, messages the user sent through `followup send`.
--
-- A row is a fact: the checked message (subject, body, threading headers), when it may
-- leave, and what happened to it. `state` moves queued -> sending -> sent, or to
-- failed, unknown (a run stopped between `sending` and the server's answer: never sent
-- again by itself) or cancelled. No password is ever stored here.

CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    contact_id     INTEGER NOT NULL,
    kind           TEXT    NOT NULL,
    -- When it may leave (the user's choice), and when the next attempt is due.
    at             INTEGER NOT NULL,
    next_try       INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    from_name      TEXT    NOT NULL,
    from_addr      TEXT    NOT NULL CHECK (from_addr <> ''),
    to_name        TEXT    NOT NULL,
    to_addr        TEXT    NOT NULL CHECK (to_addr <> ''),
    subject        TEXT,
    body           TEXT    NOT NULL,
    message_id     TEXT    NOT NULL UNIQUE,
    in_reply_to    TEXT,
    refs           TEXT,
    created_at     INTEGER NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    first_failure  INTEGER,
    error          TEXT,
    -- The server's answer to the message, and when it came.
    reply          TEXT,
    sent_at        INTEGER,
    -- The touchpoint logged when the server accepted it.
    touchpoint_id  INTEGER REFERENCES touchpoint (id) ON DELETE SET NULL,
    FOREIGN KEY (application_id, contact_id) REFERENCES contact (application_id, id)
) STRICT;

CREATE INDEX outbox_due ON outbox (state, next_try);
CREATE INDEX outbox_by_contact ON outbox (application_id, contact_id, at);
