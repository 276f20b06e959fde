-- PostgreSQL schema version 10: when each account's mailbox was last read by a worker
-- (`followup worker` reads the mailbox of every account the service set up with an
-- IMAP server, every 15 minutes, see `src/pg/mail.rs`). A worker takes an account's
-- turn by moving `read_at` forward only if the last read is old enough, in one
-- statement, so neither several workers nor a `worker --once` run from cron read a
-- mailbox more often than that.
--
-- A job table like `user_due`: it serves every user, read and written by the
-- connecting role (the workers), not under row-level security, and `followup_user`
-- has no right on it.
CREATE TABLE mail_read (
    user_id bigint PRIMARY KEY REFERENCES app_user ON DELETE CASCADE,
    read_at bigint NOT NULL
);
