-- PostgreSQL schema version 8: a change of a user's schedule and a digest's ending,
-- each one call, so that a worker records either in one round trip (see
-- `src/pg/jobs.rs`).
--
-- They write the job tables of schema version 3 (`user_due`, `digest_run`) as the
-- caller, so they work for the connecting role only: `followup_user` has no right on
-- those tables. Each statement of a function takes a fresh snapshot (READ
-- COMMITTED), so a row read after a lock was waited for is read as committed since.

-- Puts a user on the schedule at `next_due` for their local day `day` (both NULL: off
-- it) under the row's lock, unless that day's digest was already dealt with (any state
-- but `waiting`); whether it was kept. With `notify`, a due moment earlier than the one
-- it replaces (or than none) is announced on the channel `followup_jobs` (the payload:
-- the user's id), delivered at commit.
CREATE FUNCTION followup_schedule(p_user bigint, p_next bigint, p_day text, p_notify boolean)
RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    old bigint;
BEGIN
    INSERT INTO user_due (user_id) VALUES (p_user) ON CONFLICT DO NOTHING;
    -- Locked first, read in the later statements: a claim or an ending that committed
    -- while this waited is seen.
    SELECT next_due INTO old FROM user_due WHERE user_id = p_user FOR UPDATE;
    IF p_next IS NULL THEN
        UPDATE user_due SET next_due = NULL, day = NULL WHERE user_id = p_user;
        RETURN true;
    END IF;
    IF EXISTS (SELECT 1 FROM digest_run
                WHERE user_id = p_user AND day = p_day AND state <> 'waiting') THEN
        RETURN false;
    END IF;
    UPDATE user_due SET next_due = p_next, day = p_day WHERE user_id = p_user;
    IF p_notify AND (old IS NULL OR p_next < old) THEN
        PERFORM pg_notify('followup_jobs', p_user::text);
    END IF;
    RETURN true;
END
$$;

-- Ends a claim: moves the user's row of `day` from one of the states `from_states` to
-- `to_state` if the session `session` holds it, puts the user back on the schedule at
-- `next_due` / `next_day` (without a notification: that moment is the next day's or a
-- retry minutes away, which the workers' polling finds) and releases the claim's
-- advisory lock (`key_a`, `key_b`), all in the caller's transaction; false, with
-- nothing changed, when the session does not hold the row. The commit is not waited
-- for on disk (`synchronous_commit` off for this transaction): an ending lost in a
-- crash of the server leaves the row in its durable `claimed` or `sending`.
--
-- The lock is released before the commit: until then the row's lock, taken by the
-- UPDATE, keeps recovery (`FOR UPDATE SKIP LOCKED`) from the row, and after it the
-- row is no longer claimed or sending.
CREATE FUNCTION followup_digest_end(p_user bigint, p_day text, p_from text[], p_to text,
                                    p_session text, p_now bigint, p_detail text,
                                    p_next bigint, p_next_day text,
                                    p_key_a integer, p_key_b integer)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    UPDATE digest_run SET state = p_to, session = NULL, updated_at = p_now, detail = p_detail
     WHERE user_id = p_user AND day = p_day AND state = ANY (p_from)
       AND session = p_session;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM followup_schedule(p_user, p_next, p_next_day, false);
    PERFORM pg_advisory_unlock(p_key_a, p_key_b);
    RETURN true;
END
$$;
