-- Schema version 11: steps the user chose to skip ("skip" on Today, `followup skip`).
--
-- A skip is a fact: the user decided not to take a planned step (a follow-up they will
-- not send, a thank-you to someone they will not write to). Planning leaves the step
-- out (`followup_core::agenda::Skip` says which steps a skip covers), so it is read
-- like every other fact planning reads: its writes raise the application's `plan_gen`,
-- which empties the agenda's snapshot and makes its cached entry stale. A backup keeps
-- it (format 4).
--
-- `kind` is the step's kind as the agenda writes it (`thank_you`, `follow_up`, ...);
-- `contact_id` the person it was addressed to (none: every recipient of that kind);
-- `interview_id` the round the step belonged to when it was skipped (a thank-you is
-- one round's; a follow-up skipped in an earlier round does not hold for the next).

CREATE TABLE skipped_step (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL CHECK (kind IN ('thank_you', 'follow_up',
                       'final_follow_up', 'move_on', 'feedback_request')),
    contact_id     INTEGER,
    interview_id   INTEGER,
    at             INTEGER NOT NULL,
    note           TEXT,
    FOREIGN KEY (application_id, contact_id) REFERENCES contact (application_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (application_id, interview_id) REFERENCES interview (application_id, id)
        ON DELETE CASCADE
) STRICT;

CREATE INDEX skipped_step_by_application ON skipped_step (application_id, id);

CREATE TRIGGER skipped_step_insert_plan_gen AFTER INSERT ON skipped_step BEGIN
    UPDATE plan_gen SET gen = gen + 1 WHERE application_id = NEW.application_id;
END;

CREATE TRIGGER skipped_step_update_plan_gen AFTER UPDATE ON skipped_step BEGIN
    UPDATE plan_gen SET gen = gen + 1
    WHERE application_id IN (OLD.application_id, NEW.application_id);
END;

CREATE TRIGGER skipped_step_delete_plan_gen AFTER DELETE ON skipped_step BEGIN
    UPDATE plan_gen SET gen = gen + 1 WHERE application_id = OLD.application_id;
END;
