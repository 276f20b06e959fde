-- Schema version 13: the address replies go to, when a message leaves through an
-- account that is not its sender's own (a hosted service sends for its users with the
-- user's address as Reply-To). NULL: replies go to From.
ALTER TABLE outbox ADD COLUMN reply_to TEXT;
