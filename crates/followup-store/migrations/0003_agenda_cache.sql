-- Schema version 3: the agenda cache, a memo of planning's output per application.
--
-- The plan is derived from the facts, never stored as truth: these tables hold only
-- what the planner last derived, with what it was derived from, so the agenda does not
-- plan every application again on every run. Emptying them changes nothing but speed.
--
-- * `application.plan_gen` counts the changes to an application's facts. The triggers
--   below raise it on every insert, update and delete of the application or of
--   anything planning reads of it (interviews, who sat in them, contacts,
--   touchpoints), whichever program writes. Ids are never reused (AUTOINCREMENT).
-- * An `agenda_cache` row says which `plan_gen` the steps were derived from, and a
--   fingerprint of everything outside the application that planning read (settings,
--   policy, holiday calendars, the build). A row whose generation or fingerprint
--   differs from the current ones is stale and is derived again.
-- * `holiday_gen` counts changes to custom holiday calendars, part of the fingerprint.

ALTER TABLE application ADD COLUMN plan_gen INTEGER NOT NULL DEFAULT 0;

CREATE TABLE agenda_cache (
    application_id INTEGER PRIMARY KEY REFERENCES application (id) ON DELETE CASCADE,
    plan_gen       INTEGER NOT NULL,
    fingerprint    TEXT    NOT NULL
) STRICT;

-- Every step planning derived, before `now` is known: whether a step is upcoming,
-- due, overdue or missed is decided when the agenda is read.
CREATE TABLE agenda_step (
    application_id INTEGER NOT NULL REFERENCES agenda_cache (application_id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    kind           TEXT    NOT NULL,
    contact_id     INTEGER,
    to_name        TEXT,
    channel        TEXT    NOT NULL,
    earliest       INTEGER NOT NULL,
    recommended    INTEGER NOT NULL,
    latest         INTEGER NOT NULL,
    missed_after   INTEGER,
    tz             TEXT    NOT NULL,
    rules          TEXT    NOT NULL,
    PRIMARY KEY (application_id, seq)
) STRICT, WITHOUT ROWID;

-- The reasons of each cached step, apart: they are most of the bytes, and the agenda
-- reads them only when it shows them (`--why`, `--json`, the web page).
CREATE TABLE agenda_why (
    application_id INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    why            TEXT    NOT NULL,
    PRIMARY KEY (application_id, seq),
    FOREIGN KEY (application_id, seq) REFERENCES agenda_step (application_id, seq)
        ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE holiday_gen (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    gen INTEGER NOT NULL
) STRICT;
INSERT INTO holiday_gen (one, gen) VALUES (1, 0);

-- An application's own columns (status, company type, zones...). The generation
-- itself is left alone, so the update below does not count twice.
CREATE TRIGGER application_plan_gen AFTER UPDATE ON application
    WHEN NEW.plan_gen = OLD.plan_gen
BEGIN
    UPDATE application SET plan_gen = plan_gen + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER interview_insert_plan_gen AFTER INSERT ON interview BEGIN
    UPDATE application SET plan_gen = plan_gen + 1 WHERE id = NEW.application_id;
END;
CREATE TRIGGER interview_update_plan_gen AFTER UPDATE ON interview BEGIN
    UPDATE application SET plan_gen = plan_gen + 1
        WHERE id IN (OLD.application_id, NEW.application_id);
END;
CREATE TRIGGER interview_delete_plan_gen AFTER DELETE ON interview BEGIN
    UPDATE application SET plan_gen = plan_gen + 1 WHERE id = OLD.application_id;
END;

CREATE TRIGGER contact_insert_plan_gen AFTER INSERT ON contact BEGIN
    UPDATE application SET plan_gen = plan_gen + 1 WHERE id = NEW.application_id;
END;
CREATE TRIGGER contact_update_plan_gen AFTER UPDATE ON contact BEGIN
    UPDATE application SET plan_gen = plan_gen + 1
        WHERE id IN (OLD.application_id, NEW.application_id);
END;
CREATE TRIGGER contact_delete_plan_gen AFTER DELETE ON contact BEGIN
    UPDATE application SET plan_gen = plan_gen + 1 WHERE id = OLD.application_id;
END;

CREATE TRIGGER interview_contact_insert_plan_gen AFTER INSERT ON interview_contact BEGIN
    UPDATE application SET plan_gen = plan_gen + 1 WHERE id = NEW.application_id;
END;
CREATE TRIGGER interview_contact_update_plan_gen AFTER UPDATE ON interview_contact BEGIN
    UPDATE application SET plan_gen = plan_gen + 1
        WHERE id IN (OLD.application_id, NEW.application_id);
END;
CREATE TRIGGER interview_contact_delete_plan_gen AFTER DELETE ON interview_contact BEGIN
    UPDATE application SET plan_gen = plan_gen + 1 WHERE id = OLD.application_id;
END;

CREATE TRIGGER touchpoint_insert_plan_gen AFTER INSERT ON touchpoint BEGIN
    UPDATE application SET plan_gen = plan_gen + 1 WHERE id = NEW.application_id;
END;
CREATE TRIGGER touchpoint_update_plan_gen AFTER UPDATE ON touchpoint BEGIN
    UPDATE application SET plan_gen = plan_gen + 1
        WHERE id IN (OLD.application_id, NEW.application_id);
END;
CREATE TRIGGER touchpoint_delete_plan_gen AFTER DELETE ON touchpoint BEGIN
    UPDATE application SET plan_gen = plan_gen + 1 WHERE id = OLD.application_id;
END;

CREATE TRIGGER holiday_calendar_insert_gen AFTER INSERT ON holiday_calendar BEGIN
    UPDATE holiday_gen SET gen = gen + 1;
END;
CREATE TRIGGER holiday_calendar_update_gen AFTER UPDATE ON holiday_calendar BEGIN
    UPDATE holiday_gen SET gen = gen + 1;
END;
CREATE TRIGGER holiday_calendar_delete_gen AFTER DELETE ON holiday_calendar BEGIN
    UPDATE holiday_gen SET gen = gen + 1;
END;
CREATE TRIGGER holiday_insert_gen AFTER INSERT ON holiday BEGIN
    UPDATE holiday_gen SET gen = gen + 1;
END;
CREATE TRIGGER holiday_update_gen AFTER UPDATE ON holiday BEGIN
    UPDATE holiday_gen SET gen = gen + 1;
END;
CREATE TRIGGER holiday_delete_gen AFTER DELETE ON holiday BEGIN
    UPDATE holiday_gen SET gen = gen + 1;
END;
