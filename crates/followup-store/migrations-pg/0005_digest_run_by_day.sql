-- PostgreSQL schema version 5: the digests of recent days by state, for `/metrics`,
-- read as a range of this index rather than a scan of every day ever run.
CREATE INDEX digest_run_by_day ON digest_run (day, state);
