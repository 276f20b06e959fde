-- PostgreSQL schema version 3: the job queue of the workers (`followup worker`, any
-- number of them, on any machines): each user's next due moment, and one record per
-- user and local day of that day's digest. See `src/pg/jobs.rs` for how they are used.
--
-- A worker serves every user, so these tables are NOT under row-level security (like
-- the accounts tables) and `followup_user` has no right on them: they are read and
-- written as the connecting role only, never inside `Pg::user_transaction`.
--
-- Instants are bigint nanoseconds since 1970-01-01T00:00:00Z, days text `YYYY-MM-DD`
-- (the conventions of `0001_accounts_and_facts.sql`).

-- When each user next has something due: NULL for nothing (or while their digest is
-- being run by a worker). `day` is the user's local day that due moment's digest is
-- for; both are NULL together. Kept current by the application on every change, so
-- "who is due at or before T" is a range scan of `user_due_next`, not a re-plan.
CREATE TABLE user_due (
    user_id  bigint PRIMARY KEY REFERENCES app_user ON DELETE CASCADE,
    next_due bigint,
    day      text CHECK (day ~ '^\d{4}-\d{2}-\d{2}$'),
    CHECK ((next_due IS NULL) = (day IS NULL))
);

-- With user_id in it, "who is due" is read from the index alone.
CREATE INDEX user_due_next ON user_due (next_due, user_id) WHERE next_due IS NOT NULL;

-- One row per user and local day whose digest a worker took up.
-- state: claimed  a worker holds it (its session's advisory lock) and has not begun
--                 the SMTP conversation;
--        sending  the conversation began: whether the mail left is known only to that
--                 worker;
--        sent     the server accepted it;
--        nothing  nothing to say that day: no mail;
--        unknown  a worker stopped while `sending`: maybe sent, never sent again;
--        failed   refused for good that day;
--        waiting  refused before anything was handed over; tried again when due.
-- `session` names the server session that holds a claimed or sending row (its process
-- id and start, `PID@MICROSECONDS`: a process id alone is reused), so that session
-- never takes its own claims for orphans; `due_at` is the due moment it was claimed
-- for (a claim whose worker stopped before sending goes back on the schedule at it).
CREATE TABLE digest_run (
    user_id    bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    day        text   NOT NULL CHECK (day ~ '^\d{4}-\d{2}-\d{2}$'),
    state      text   NOT NULL CHECK (state IN ('claimed', 'sending', 'sent', 'nothing',
                                                'unknown', 'failed', 'waiting')),
    worker     text   NOT NULL,
    session    text,
    due_at     bigint NOT NULL,
    claimed_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    attempts   integer NOT NULL DEFAULT 1,
    detail     text   NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, day)
);

-- The few rows a worker may hold: where recovery looks for orphans.
CREATE INDEX digest_run_in_progress ON digest_run (user_id, day)
    WHERE state IN ('claimed', 'sending');
