-- Schema version 2: custom holiday calendars (a company's closure days, a country that
-- is not built in), used as a holiday region by name.
--
-- * A calendar's name is unique without regard to case, as region codes are.
-- * A date may carry several names (two holidays on one day); each (date, name) once.

CREATE TABLE holiday_calendar (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (name <> '')
) STRICT;

CREATE TABLE holiday (
    calendar_id INTEGER NOT NULL REFERENCES holiday_calendar (id) ON DELETE CASCADE,
    date        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    PRIMARY KEY (calendar_id, date, name)
) STRICT;

-- Imports look up the open application of a company, once per imported event.
CREATE INDEX application_open_by_company ON application (company COLLATE NOCASE)
    WHERE closed_at IS NULL;
