-- Schema version 6: the agenda's snapshot, every cached step in one row.
--
-- Reading the agenda from the cache tables (schema 3) means checking every
-- application's entry against its generation and reading every step, row by row:
-- most of the time of a `followup agenda` over ten thousand applications. The
-- snapshot holds what that read gives when every entry is current (the applications
-- on the agenda and their cached steps) in one blob (part 1), their reasons in another
-- (part 2, read only when shown, and a row of its own so that reading it does not walk
-- the pages of the first), each with the fingerprint it was made under. It is written with the entries, in the same
-- transaction, only when nothing changed since they were read, and it is emptied by
-- every change that could make an entry stale:
--
-- * the triggers below, on every write to an application or to its generation (which
--   the triggers of schema 5 raise on every write to its interviews, contacts,
--   interviewers and touchpoints), whichever program writes;
-- * a batch (its triggers off), before its commit;
-- * every write to the cache tables and every emptying of them.
--
-- Rows present and made under the reader's fingerprint are therefore exactly what
-- the cache tables would give. Emptying the table changes nothing but speed.

CREATE TABLE agenda_snapshot (
    part        INTEGER PRIMARY KEY CHECK (part IN (1, 2)),
    fingerprint TEXT    NOT NULL,
    data        BLOB    NOT NULL
) STRICT;

CREATE TRIGGER application_insert_snapshot AFTER INSERT ON application BEGIN
    DELETE FROM agenda_snapshot;
END;
CREATE TRIGGER application_update_snapshot AFTER UPDATE ON application BEGIN
    DELETE FROM agenda_snapshot;
END;
CREATE TRIGGER application_delete_snapshot AFTER DELETE ON application BEGIN
    DELETE FROM agenda_snapshot;
END;
CREATE TRIGGER plan_gen_insert_snapshot AFTER INSERT ON plan_gen BEGIN
    DELETE FROM agenda_snapshot;
END;
CREATE TRIGGER plan_gen_update_snapshot AFTER UPDATE ON plan_gen BEGIN
    DELETE FROM agenda_snapshot;
END;
CREATE TRIGGER plan_gen_delete_snapshot AFTER DELETE ON plan_gen BEGIN
    DELETE FROM agenda_snapshot;
END;
