-- Schema version 8: the answers of requests that carried an idempotency key.
--
-- A form submitted twice (a double click, a reload of the page a POST answered) or an
-- API request sent again with the same `Idempotency-Key` records its fact once: the
-- server keeps the first answer under the key and gives it again. What the key
-- answered (method and path) is kept with it, so the same key sent for another request
-- is refused rather than answered with the wrong thing. Keys older than a day are
-- removed when a new one is kept. Not a fact: a backup leaves them out.

CREATE TABLE idempotency (
    key        TEXT    PRIMARY KEY,
    request    TEXT    NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;
