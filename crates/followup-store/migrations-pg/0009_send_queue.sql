-- PostgreSQL schema version 9: the outbox on PostgreSQL, sent by the workers
-- (`followup worker`) for every user. See `src/pg/sends.rs` for how they claim,
-- mark and recover.
--
-- `reply_to`: where replies go when a message leaves through an account that is not
-- its sender's own (the service's, with the user's address as Reply-To), as in the
-- SQLite schema's `0013_outbox_reply_to.sql`.
ALTER TABLE outbox ADD COLUMN reply_to text;

-- The messages a worker may take up or holds, of every user: one row per outbox
-- message that is `queued` or `sending`, kept by the trigger below (nothing else
-- writes `state` or `next_try` of this table). Like the other job tables it is NOT
-- under row-level security and `followup_user` has no right on it: workers read it
-- as the connecting role, so "which messages of anyone are due" is a range scan of
-- `send_queue_due`, not a visit of every user.
-- `session` names the server session holding a `sending` message's claim (as
-- `digest_run.session`), set by the claim; NULL while queued.
CREATE TABLE send_queue (
    outbox_id bigint PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
    user_id   bigint NOT NULL,
    state     text   NOT NULL CHECK (state IN ('queued', 'sending')),
    next_try  bigint NOT NULL,
    session   text
);

-- Every message a worker finished, when: `sent`, `failed` (for good) or `unknown` (its
-- worker stopped while handing it over). Written by the workers as the connecting
-- role, in the transaction that marks the message, and only added to (a worker's
-- recovery drops rows older than a week): what `/metrics` counts of every user's
-- outbox, as `digest_run` is for the digests. Not under row-level security either.
CREATE TABLE send_done (
    outbox_id bigint NOT NULL,
    user_id   bigint NOT NULL REFERENCES app_user ON DELETE CASCADE,
    state     text   NOT NULL CHECK (state IN ('sent', 'failed', 'unknown')),
    at        bigint NOT NULL
);

CREATE INDEX send_done_at ON send_done (at);

CREATE INDEX send_queue_due ON send_queue (next_try, outbox_id) WHERE state = 'queued';
CREATE INDEX send_queue_sending ON send_queue (outbox_id) WHERE state = 'sending';

-- Keeps `send_queue` in step with each outbox row, whoever writes it (a user's own
-- transaction as `followup_user`, which has no right on `send_queue`: hence SECURITY
-- DEFINER, run as the owner that made it). Its search path is fixed: `pg_catalog`,
-- then the schema it was made in, then `pg_temp` last, so that no temporary table or
-- function of the session calling it (`followup_user` may make temporary tables) can
-- stand in for `send_queue` and run as the owner.
-- A message queued, queued again or moved earlier is announced on `followup_jobs`
-- (payload `send`), delivered at commit, so a waiting worker wakes.
DO $do$
BEGIN
EXECUTE format($f$
CREATE FUNCTION followup_send_queue() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, %1$I, pg_temp AS $$
BEGIN
    IF NEW.state IN ('queued', 'sending') THEN
        INSERT INTO %1$I.send_queue AS q (outbox_id, user_id, state, next_try)
             VALUES (NEW.id, NEW.user_id, NEW.state, NEW.next_try)
        ON CONFLICT (outbox_id) DO UPDATE
           SET state = EXCLUDED.state, next_try = EXCLUDED.next_try,
               session = CASE WHEN EXCLUDED.state = 'queued' THEN NULL
                              ELSE q.session END;
        IF NEW.state = 'queued' AND (TG_OP = 'INSERT' OR OLD.state <> 'queued'
                                     OR NEW.next_try < OLD.next_try) THEN
            PERFORM pg_catalog.pg_notify('followup_jobs', 'send');
        END IF;
    ELSE
        DELETE FROM %1$I.send_queue WHERE outbox_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$
$f$, current_schema());
END
$do$;

REVOKE ALL ON FUNCTION followup_send_queue() FROM PUBLIC;

CREATE TRIGGER outbox_send_queue
    AFTER INSERT OR UPDATE OF state, next_try ON outbox
    FOR EACH ROW EXECUTE FUNCTION followup_send_queue();
