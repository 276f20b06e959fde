-- Schema version 4: the SEQUENCE of the invitation an interview was last imported from
-- (RFC 5545 3.8.7.4). An older version of an invitation, imported after a newer one,
-- is then recognised and left alone instead of moving the interview back.
--
-- Kept beside the interview rather than in it: planning never reads it, so changing it
-- does not make the agenda cache stale.

CREATE TABLE invite_sequence (
    interview_id INTEGER PRIMARY KEY REFERENCES interview (id) ON DELETE CASCADE,
    sequence     INTEGER NOT NULL
) STRICT;
