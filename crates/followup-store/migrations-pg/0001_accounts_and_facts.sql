-- PostgreSQL schema version 1: accounts, and every fact of the SQLite schema, each row
-- belonging to one user.
--
-- Conventions (those of the SQLite schema, `migrations/0001_initial.sql`):
-- * Instants are bigint nanoseconds since 1970-01-01T00:00:00Z (UTC), exact and
--   sortable, so both backends store the same numbers.
-- * Calendar dates are text `YYYY-MM-DD`; enumerations the kebab-case word; booleans
--   are boolean here.
-- * Every data row carries `user_id`. References between rows carry it too
--   (`(user_id, application_id)` -> `application (user_id, id)`): foreign key checks
--   bypass row-level security, so a reference without the user would let one user
--   attach a row to another user's application.
-- * Secrets are kept only as hashes: SHA-256 of a random 32-byte token for sessions,
--   API tokens and one-time links; argon2id (PHC string) for passwords.
-- * The caches of the SQLite schema (agenda_cache, agenda_step, agenda_why,
--   agenda_snapshot, agenda_changed, plan_gen, holiday_gen) are not here yet.

-- The role every transaction that reads or writes user data takes (`SET LOCAL ROLE`).
-- NOBYPASSRLS: the policies below hold for it even where the connecting role is a
-- superuser. Roles belong to the cluster, so another database may have made it already.
DO $$
BEGIN
    CREATE ROLE followup_user NOLOGIN NOBYPASSRLS;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'followup_user', 'MEMBER') THEN
        EXECUTE format('GRANT followup_user TO %I', current_user);
    END IF;
END
$$;

CREATE EXTENSION IF NOT EXISTS citext;

-- Accounts: read by sign-in and the admin commands, before any user is known, so not
-- under row-level security and not granted to followup_user.

CREATE TABLE app_user (
    id            bigserial PRIMARY KEY,
    -- Trimmed and lower-cased by the store; citext makes the uniqueness independent
    -- of case whatever wrote the row.
    email         citext NOT NULL UNIQUE CHECK (email <> ''),
    -- argon2id, PHC string; NULL until the user chose one (sign-up link).
    password_hash text,
    created_at    bigint NOT NULL
);

CREATE TABLE session (
    token_hash   bytea  PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id      bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    created_at   bigint NOT NULL,
    expires_at   bigint NOT NULL,
    last_seen_at bigint NOT NULL
);

CREATE INDEX session_by_user ON session (user_id);

CREATE TABLE api_token (
    token_hash bytea  PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    name       text   NOT NULL,
    created_at bigint NOT NULL
);

CREATE INDEX api_token_by_user ON api_token (user_id);

CREATE TABLE one_time_link (
    token_hash bytea  PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    purpose    text   NOT NULL CHECK (purpose IN ('signup', 'reset')),
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    used_at    bigint
);

CREATE INDEX one_time_link_by_user ON one_time_link (user_id);

-- Facts: one user's each.

CREATE TABLE application (
    id              bigserial PRIMARY KEY,
    user_id         bigint  NOT NULL REFERENCES app_user ON DELETE CASCADE,
    company         text    NOT NULL CHECK (company <> ''),
    role            text    NOT NULL CHECK (role <> ''),
    source          text,
    link            text,
    company_type    text,
    seniority       text,
    region          text,
    status          text    NOT NULL,
    created_at      bigint  NOT NULL,
    closed_at       bigint,
    urgent          boolean NOT NULL DEFAULT false,
    late_in_process boolean NOT NULL DEFAULT false,
    recipient_tz    text,
    CHECK ((status = 'active') = (closed_at IS NULL)),
    UNIQUE (user_id, id)
);

CREATE INDEX application_by_user ON application (user_id, status, created_at);
CREATE INDEX application_open_by_company ON application (user_id, lower(company))
    WHERE closed_at IS NULL;

CREATE TABLE interview (
    id               bigserial PRIMARY KEY,
    user_id          bigint  NOT NULL REFERENCES app_user ON DELETE CASCADE,
    application_id   bigint  NOT NULL,
    start            bigint  NOT NULL,
    tz               text    NOT NULL CHECK (tz <> ''),
    duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
    round            text,
    decision_phrase  text,
    decision_date    text,
    location         text,
    uid              text,
    cancelled        boolean NOT NULL DEFAULT false,
    title            text,
    UNIQUE (user_id, application_id, id),
    UNIQUE (user_id, id),
    FOREIGN KEY (user_id, application_id)
        REFERENCES application (user_id, id) ON DELETE CASCADE
);

CREATE INDEX interview_by_application ON interview (user_id, application_id, start);
CREATE UNIQUE INDEX interview_by_uid ON interview (user_id, uid) WHERE uid IS NOT NULL;

CREATE TABLE contact (
    id             bigserial PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    application_id bigint NOT NULL,
    name           text   NOT NULL CHECK (name <> ''),
    email          text,
    phone          text,
    role           text   NOT NULL,
    tz             text,
    UNIQUE (user_id, application_id, id),
    FOREIGN KEY (user_id, application_id)
        REFERENCES application (user_id, id) ON DELETE CASCADE
);

CREATE TABLE interview_contact (
    user_id        bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    application_id bigint NOT NULL,
    interview_id   bigint NOT NULL,
    contact_id     bigint NOT NULL,
    PRIMARY KEY (user_id, application_id, interview_id, contact_id),
    FOREIGN KEY (user_id, application_id, interview_id)
        REFERENCES interview (user_id, application_id, id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, application_id, contact_id)
        REFERENCES contact (user_id, application_id, id) ON DELETE CASCADE
);

CREATE INDEX interview_contact_by_contact
    ON interview_contact (user_id, application_id, contact_id);

CREATE TABLE touchpoint (
    id              bigserial PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    application_id  bigint NOT NULL,
    kind            text   NOT NULL,
    at              bigint NOT NULL,
    contact_id      bigint,
    channel         text,
    note            text,
    outcome         text,
    decision_phrase text,
    decision_date   text,
    UNIQUE (user_id, id),
    FOREIGN KEY (user_id, application_id)
        REFERENCES application (user_id, id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, application_id, contact_id)
        REFERENCES contact (user_id, application_id, id)
);

CREATE INDEX touchpoint_by_application ON touchpoint (user_id, application_id, at);

CREATE TABLE note (
    id             bigserial PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    application_id bigint NOT NULL,
    interview_id   bigint,
    kind           text   NOT NULL,
    text           text   NOT NULL,
    FOREIGN KEY (user_id, application_id)
        REFERENCES application (user_id, id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, application_id, interview_id)
        REFERENCES interview (user_id, application_id, id) ON DELETE CASCADE
);

CREATE INDEX note_by_application ON note (user_id, application_id, interview_id);

-- The sender of the drafts: at most one row per user.
CREATE TABLE profile (
    user_id bigint PRIMARY KEY REFERENCES app_user ON DELETE CASCADE,
    name    text NOT NULL CHECK (name <> ''),
    email   text NOT NULL CHECK (email <> ''),
    phone   text
);

CREATE TABLE holiday_calendar (
    id       bigserial PRIMARY KEY,
    user_id  bigint  NOT NULL REFERENCES app_user ON DELETE CASCADE,
    name     text    NOT NULL CHECK (name <> ''),
    base     text    CHECK (base <> ''),
    replaces boolean NOT NULL DEFAULT false,
    UNIQUE (user_id, id)
);

-- A calendar's name is unique per user without regard to case, as region codes are.
CREATE UNIQUE INDEX holiday_calendar_by_name ON holiday_calendar (user_id, lower(name));

CREATE TABLE holiday (
    user_id     bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    calendar_id bigint NOT NULL,
    date        text   NOT NULL,
    name        text   NOT NULL,
    PRIMARY KEY (user_id, calendar_id, date, name),
    FOREIGN KEY (user_id, calendar_id)
        REFERENCES holiday_calendar (user_id, id) ON DELETE CASCADE
);

CREATE TABLE invite_sequence (
    user_id      bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    interview_id bigint NOT NULL,
    sequence     bigint NOT NULL,
    PRIMARY KEY (user_id, interview_id),
    FOREIGN KEY (user_id, interview_id) REFERENCES interview (user_id, id) ON DELETE CASCADE
);

CREATE TABLE skipped_step (
    id             bigserial PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    application_id bigint NOT NULL,
    kind           text   NOT NULL CHECK (kind IN ('thank_you', 'follow_up',
                       'final_follow_up', 'move_on', 'feedback_request')),
    contact_id     bigint,
    interview_id   bigint,
    at             bigint NOT NULL,
    note           text,
    FOREIGN KEY (user_id, application_id)
        REFERENCES application (user_id, id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, application_id, contact_id)
        REFERENCES contact (user_id, application_id, id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, application_id, interview_id)
        REFERENCES interview (user_id, application_id, id) ON DELETE CASCADE
);

CREATE INDEX skipped_step_by_application ON skipped_step (user_id, application_id, id);

CREATE TABLE outbox (
    id             bigserial PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    application_id bigint NOT NULL,
    contact_id     bigint NOT NULL,
    kind           text   NOT NULL,
    at             bigint NOT NULL,
    next_try       bigint NOT NULL,
    state          text   NOT NULL,
    from_name      text   NOT NULL,
    from_addr      text   NOT NULL CHECK (from_addr <> ''),
    to_name        text   NOT NULL,
    to_addr        text   NOT NULL CHECK (to_addr <> ''),
    subject        text,
    body           text   NOT NULL,
    message_id     text   NOT NULL,
    in_reply_to    text,
    refs           text,
    created_at     bigint NOT NULL,
    attempts       integer NOT NULL DEFAULT 0,
    first_failure  bigint,
    error          text,
    reply          text,
    sent_at        bigint,
    touchpoint_id  bigint,
    UNIQUE (user_id, message_id),
    FOREIGN KEY (user_id, application_id)
        REFERENCES application (user_id, id) ON DELETE CASCADE,
    FOREIGN KEY (user_id, application_id, contact_id)
        REFERENCES contact (user_id, application_id, id),
    FOREIGN KEY (user_id, touchpoint_id)
        REFERENCES touchpoint (user_id, id) ON DELETE SET NULL (touchpoint_id)
);

-- The dispatcher looks for due messages of every user (as each user in turn, or as
-- the owner); the user's own pages read theirs by contact.
CREATE INDEX outbox_due ON outbox (user_id, state, next_try);
CREATE INDEX outbox_by_contact ON outbox (user_id, application_id, contact_id, at);

CREATE TABLE mail_folder (
    user_id     bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    name        text   NOT NULL,
    uidvalidity bigint NOT NULL,
    last_uid    bigint NOT NULL,
    PRIMARY KEY (user_id, name)
);

CREATE TABLE mail_proposal (
    id             bigserial PRIMARY KEY,
    user_id        bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    message_id     text   NOT NULL,
    application_id bigint NOT NULL,
    contact_id     bigint,
    kind           text   NOT NULL CHECK (kind IN ('sent', 'reply', 'decision', 'rejection',
                                                   'offer', 'invite', 'out-of-office', 'bounce')),
    folder         text   NOT NULL,
    sender         text   NOT NULL,
    subject        text   NOT NULL,
    date           bigint NOT NULL,
    evidence       text,
    decision       text,
    decision_date  text,
    until          text,
    touchpoint     text,
    bounced        text,
    calendar       text,
    confidence     text   NOT NULL CHECK (confidence IN ('high', 'low')),
    status         text   NOT NULL DEFAULT 'pending'
                          CHECK (status IN ('pending', 'applied', 'dismissed')),
    touchpoint_id  bigint,
    UNIQUE (user_id, message_id),
    FOREIGN KEY (user_id, application_id)
        REFERENCES application (user_id, id) ON DELETE CASCADE
);

CREATE INDEX mail_proposal_status ON mail_proposal (user_id, status, id);

CREATE TABLE mail_bad_address (
    user_id bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    address citext NOT NULL,
    at      bigint NOT NULL,
    PRIMARY KEY (user_id, address)
);

CREATE TABLE idempotency (
    user_id    bigint  NOT NULL REFERENCES app_user ON DELETE CASCADE,
    key        text    NOT NULL,
    request    text    NOT NULL,
    status     integer NOT NULL,
    body       text    NOT NULL,
    created_at bigint  NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Row-level security on every table of facts: a transaction sees and writes only the
-- rows of the user it set (`set_config('followup.user_id', id, true)`); without the
-- setting, nothing. FORCE: the tables' owner is held to it too. (An unset custom
-- setting reads as '' once a transaction has set it locally, hence NULLIF.)
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['application', 'interview', 'contact', 'interview_contact',
        'touchpoint', 'note', 'profile', 'holiday_calendar', 'holiday', 'invite_sequence',
        'skipped_step', 'outbox', 'mail_folder', 'mail_proposal', 'mail_bad_address',
        'idempotency']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I USING (user_id = NULLIF(current_setting(''followup.user_id'', true), '''')::bigint) '
            'WITH CHECK (user_id = NULLIF(current_setting(''followup.user_id'', true), '''')::bigint)',
            t || '_of_user', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO followup_user', t);
        IF EXISTS (SELECT 1 FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name = t
                     AND column_name = 'id') THEN
            EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %s TO followup_user',
                pg_get_serial_sequence(quote_ident(t), 'id'));
        END IF;
    END LOOP;
END
$$;

GRANT USAGE ON SCHEMA public TO followup_user;
