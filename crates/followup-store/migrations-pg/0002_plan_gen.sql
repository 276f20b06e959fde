-- PostgreSQL schema version 2: each application's change counter (`plan_gen`, as in
-- the SQLite schema's `0005_plan_gen_table.sql` and `0011_skipped_step.sql`), the
-- order of a holiday calendar's names on one date, and the right to move the id
-- sequences forward (a restore keeps the backup's ids).
--
-- `plan_gen.gen` counts every change to anything planning reads of an application:
-- its own row, its interviews, contacts, interviewers, touchpoints and skipped steps
-- (not its notes). Triggers keep it, whichever program writes; it only grows. Every
-- application has its row, made by the insert trigger. A backup carries the counts
-- (`Backup::plan_gens`), and restore writes them back.
--
-- The triggers run as the role of the statement that fired them (`followup_user`),
-- under row-level security: they touch only rows of the user the row belongs to.

CREATE TABLE plan_gen (
    user_id        bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    application_id bigint NOT NULL,
    gen            bigint NOT NULL,
    PRIMARY KEY (user_id, application_id),
    FOREIGN KEY (user_id, application_id)
        REFERENCES application (user_id, id) ON DELETE CASCADE
);

ALTER TABLE plan_gen ENABLE ROW LEVEL SECURITY;
ALTER TABLE plan_gen FORCE ROW LEVEL SECURITY;
CREATE POLICY plan_gen_of_user ON plan_gen
    USING (user_id = NULLIF(current_setting('followup.user_id', true), '')::bigint)
    WITH CHECK (user_id = NULLIF(current_setting('followup.user_id', true), '')::bigint);
GRANT SELECT, INSERT, UPDATE, DELETE ON plan_gen TO followup_user;

CREATE FUNCTION followup_plan_gen_new_application() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO plan_gen (user_id, application_id, gen) VALUES (NEW.user_id, NEW.id, 0);
    RETURN NULL;
END
$$;

-- An application's own columns (status, company type, zones...).
CREATE FUNCTION followup_plan_gen_application_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE plan_gen SET gen = gen + 1
     WHERE (user_id, application_id) IN ((OLD.user_id, OLD.id), (NEW.user_id, NEW.id));
    RETURN NULL;
END
$$;

-- A row attached to an application (`application_id`) was written.
CREATE FUNCTION followup_plan_gen_child_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE plan_gen SET gen = gen + 1
         WHERE user_id = NEW.user_id AND application_id = NEW.application_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE plan_gen SET gen = gen + 1
         WHERE user_id = OLD.user_id AND application_id = OLD.application_id;
    ELSE
        UPDATE plan_gen SET gen = gen + 1
         WHERE (user_id, application_id) IN ((OLD.user_id, OLD.application_id),
                                             (NEW.user_id, NEW.application_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER application_insert_plan_gen AFTER INSERT ON application
    FOR EACH ROW EXECUTE FUNCTION followup_plan_gen_new_application();
CREATE TRIGGER application_update_plan_gen AFTER UPDATE ON application
    FOR EACH ROW EXECUTE FUNCTION followup_plan_gen_application_changed();

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['interview', 'contact', 'interview_contact', 'touchpoint',
        'skipped_step']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION followup_plan_gen_child_changed()',
                       t || '_plan_gen', t);
    END LOOP;
END
$$;

-- Every application already stored gets its row.
INSERT INTO plan_gen (user_id, application_id, gen) SELECT user_id, id, 0 FROM application;

-- Restore keeps the ids of the backup, then moves each sequence past them (`setval`).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['application', 'interview', 'contact', 'touchpoint', 'note',
        'holiday_calendar', 'skipped_step', 'outbox']
    LOOP
        EXECUTE format('GRANT UPDATE ON SEQUENCE %s TO followup_user',
            pg_get_serial_sequence(quote_ident(t), 'id'));
    END LOOP;
END
$$;

-- Several names on one date keep the order they were given in (SQLite keeps it as the
-- rowid); a backup lists them so.
ALTER TABLE holiday ADD COLUMN position integer NOT NULL DEFAULT 0;
