-- PostgreSQL schema version 7: each user's calendar feed
-- (`/feed/USER.GENERATION.MAC.ics`).
--
-- Nothing secret is kept here. The address carries a MAC (the hex SHA-256 of the
-- server's secret `feed`, the user and the generation; see the server's `feed.rs`),
-- so what a row holds is only which generation of the address is in force:
--
--   generation  raised by every renewal (an address of an older generation no longer
--               opens the feed); never lowered, so an address once given never
--               works again after a renewal or while the feed is off;
--   enabled     false: the feed is off, whatever the address;
--   etag        the entity tag of the calendar last served (any process);
--   modified    when that calendar was first served, in nanoseconds since 1970
--               (the feed's `Last-Modified`): moved on, never back, when the tag
--               changes, so every process answers the same and later is later.
--
-- The SEQUENCE of each event needs no table of its own: it is derived from the facts
-- and `plan_gen` (schema 2), as on SQLite.
--
-- Read and written as the user (the user is known from the address before the row is
-- read), under forced row-level security like the tables of facts.

CREATE TABLE calendar_feed (
    user_id    bigint  PRIMARY KEY REFERENCES app_user ON DELETE CASCADE,
    generation bigint  NOT NULL CHECK (generation > 0),
    enabled    boolean NOT NULL,
    etag       text,
    modified   bigint
);

ALTER TABLE calendar_feed ENABLE ROW LEVEL SECURITY;
ALTER TABLE calendar_feed FORCE ROW LEVEL SECURITY;
CREATE POLICY calendar_feed_of_user ON calendar_feed
    USING (user_id = NULLIF(current_setting('followup.user_id', true), '')::bigint)
    WITH CHECK (user_id = NULLIF(current_setting('followup.user_id', true), '')::bigint);
GRANT SELECT, INSERT, UPDATE ON calendar_feed TO followup_user;
