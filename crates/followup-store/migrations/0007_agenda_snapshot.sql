-- Schema version 7: the agenda's snapshot, every cached step in one row.
--
-- Reading the agenda from the cache tables (schema 3) means checking every
-- application's entry against its generation and reading every step, row by row:
-- most of the time of a `followup agenda` over ten thousand applications. The
-- snapshot holds what that read gives when every entry is current (the applications
-- on the agenda and their cached steps) in one blob (part 1), their reasons in another
-- (part 2, read only when shown, and a row of its own so that reading it does not walk
-- the pages of the first), each with the fingerprint it was made under. It is written
-- with the entries, in the same transaction, only when nothing changed since they
-- were read.
--
-- `agenda_changed` lists the applications changed since: for those the reader uses
-- the cache tables (and plans again what is stale), for the others the snapshot. A
-- change is noted
--
-- * by the triggers below, on every write to an application or to its generation
--   (which the triggers of schema 5 raise on every write to its interviews, contacts,
--   interviewers and touchpoints), whichever program writes;
-- * by a batch (its triggers off), before its commit;
-- * by every write to the cache tables.
--
-- A new snapshot empties the list; past a few dozen applications the reader makes
-- one. Rows present under the reader's fingerprint, with the applications listed read
-- from the tables, are therefore exactly what the tables would give. Emptying both
-- tables changes nothing but speed.

CREATE TABLE agenda_snapshot (
    part        INTEGER PRIMARY KEY CHECK (part IN (1, 2)),
    fingerprint TEXT    NOT NULL,
    data        BLOB    NOT NULL
) STRICT;

CREATE TABLE agenda_changed (
    application_id INTEGER PRIMARY KEY
) STRICT;

CREATE TRIGGER application_insert_changed AFTER INSERT ON application BEGIN
    INSERT OR IGNORE INTO agenda_changed (application_id) VALUES (NEW.id);
END;
CREATE TRIGGER application_update_changed AFTER UPDATE ON application BEGIN
    INSERT OR IGNORE INTO agenda_changed (application_id) VALUES (OLD.id), (NEW.id);
END;
CREATE TRIGGER application_delete_changed AFTER DELETE ON application BEGIN
    INSERT OR IGNORE INTO agenda_changed (application_id) VALUES (OLD.id);
END;
CREATE TRIGGER plan_gen_insert_changed AFTER INSERT ON plan_gen BEGIN
    INSERT OR IGNORE INTO agenda_changed (application_id) VALUES (NEW.application_id);
END;
CREATE TRIGGER plan_gen_update_changed AFTER UPDATE ON plan_gen BEGIN
    INSERT OR IGNORE INTO agenda_changed (application_id)
        VALUES (OLD.application_id), (NEW.application_id);
END;
CREATE TRIGGER plan_gen_delete_changed AFTER DELETE ON plan_gen BEGIN
    INSERT OR IGNORE INTO agenda_changed (application_id) VALUES (OLD.application_id);
END;
