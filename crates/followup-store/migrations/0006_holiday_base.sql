-- Schema version 6: a custom holiday calendar adds to a region's holidays (a company's
-- closure days on top of US-NY) unless it says it replaces them.
--
-- * `base`: the built-in region code the calendar adds to, when given at import
--   (`--on US-NY`); NULL: the region the front end finds (the default region, else the
--   one the recipient's zone suggests).
-- * `replaces`: 1 when the calendar holds every holiday itself (a country not built
--   in); then `base` is NULL.
-- Calendars stored before this version now add to their region's holidays: the
-- holiday generation is raised, so plans cached from them are derived again.

ALTER TABLE holiday_calendar ADD COLUMN base TEXT CHECK (base <> '');
ALTER TABLE holiday_calendar ADD COLUMN replaces INTEGER NOT NULL DEFAULT 0
    CHECK (replaces IN (0, 1));

UPDATE holiday_gen SET gen = gen + 1;
