-- The data of scripts/bench_pg_scale.sh, made once in a scratch schema (`bench_gen`)
-- and then copied into the real tables with COPY by the script.
--
-- psql variables: users (how many accounts), now_s (the fixed "now", seconds since
-- 1970-01-01T00:00:00Z). Everything is derived from ids by a hash, so a run with the
-- same USERS loads the same rows.
--
-- Ids: user u = 1..users; application a = (u - 1) * 10 + k, k = 1..10; the
-- application's one interview, one contact and (for some) one note and one skipped
-- step have the id a; its touchpoints (a - 1) * 4 + j, j = 1..4.
--
-- Encodings (as crates/followup-store/src/rows.rs and sql.rs read them): instants are
-- bigint nanoseconds since the epoch (UTC), dates text YYYY-MM-DD, enumerations their
-- kebab-case word (skipped_step.kind the snake_case StepKind word), zones IANA names.

\set ON_ERROR_STOP 1

DROP SCHEMA IF EXISTS bench_gen CASCADE;
CREATE SCHEMA bench_gen;

-- A hash of (x, salt) in 0 .. 2^31 - 1.
CREATE FUNCTION bench_gen.h(x bigint, salt int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT hashint8(x * 64 + salt) & 2147483647 $$;

-- One element of a list, chosen by the hash.
CREATE FUNCTION bench_gen.pick(list text[], x bigint, salt int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT list[1 + bench_gen.h(x, salt) % array_length(list, 1)] $$;

-- Seconds to the stored nanoseconds.
CREATE FUNCTION bench_gen.ns(s bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT s * 1000000000 $$;

-- Seconds to the UTC calendar date, YYYY-MM-DD.
CREATE FUNCTION bench_gen.day(s bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT to_char(to_timestamp(s) AT TIME ZONE 'UTC', 'YYYY-MM-DD') $$;

CREATE TABLE bench_gen.const AS SELECT
    :now_s::bigint AS now_s,
    ARRAY['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Pied Piper',
          'Vandelay', 'Soylent', 'Cyberdyne', 'Tyrell', 'Wonka', 'Gringotts', 'Monarch',
          'Aperture', 'Black Mesa', 'Oscorp', 'Massive Dynamic', 'Dunder Mifflin',
          'Prestige Worldwide', 'Nakatomi', 'Virtucon', 'Bluth', 'Sterling Cooper',
          'Los Pollos', 'Krusty', 'Blue Sun', 'Weyland', 'Zorg', 'Genco', 'Ollivander',
          'Duff', 'Gekko', 'Frobozz', 'Spacely', 'Cogswell', 'Rekall', 'Omni',
          'Yoyodyne'] AS companies,
    ARRAY['', ' Labs', ' Systems', ' Group', ' Health', ' Analytics', ' Robotics',
          ' Bank'] AS suffixes,
    ARRAY['Backend Developer', 'Frontend Developer', 'Data Engineer',
          'Site Reliability Engineer', 'Product Manager', 'Engineering Manager',
          'Data Scientist', 'QA Engineer', 'Security Engineer', 'Mobile Developer',
          'DevOps Engineer', 'Staff Engineer', 'UX Designer', 'Technical Writer',
          'Solutions Architect', 'Machine Learning Engineer', 'Database Administrator',
          'Platform Engineer', 'Support Engineer', 'Business Analyst'] AS roles,
    -- Zones, and the holiday region of each (same index).
    ARRAY['America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Europe/Berlin',
          'Europe/London', 'Europe/Paris', 'Asia/Tokyo', 'Asia/Kolkata',
          'Australia/Sydney', 'America/Sao_Paulo'] AS zones,
    ARRAY['US', 'US', 'US-CA', 'DE-BE', 'GB', 'FR', 'JP', 'IN', 'AU', 'BR'] AS regions,
    ARRAY['LinkedIn', 'referral', 'company site', 'job board', 'recruiter'] AS sources,
    ARRAY['startup', 'small-business', 'corporate', 'government', 'academia',
          'nonprofit', 'agency'] AS company_types,
    ARRAY['entry', 'mid', 'senior', 'executive'] AS seniorities,
    ARRAY['screen', 'technical', 'onsite', 'panel', 'final'] AS rounds,
    ARRAY['Priya', 'Sam', 'Alex', 'Maria', 'Jonas', 'Aiko', 'Chen', 'Fatima', 'Lucas',
          'Olivia', 'Noah', 'Emma', 'Ravi', 'Sofia', 'Liam', 'Hannah', 'Mateo', 'Yuki',
          'Grace', 'Omar'] AS first_names,
    ARRAY['Patel', 'Smith', 'Garcia', 'Müller', 'Tanaka', 'Nguyen', 'Kim', 'Rossi',
          'Johnson', 'Schmidt', 'Okafor', 'Dubois', 'Silva', 'Novak', 'Larsen',
          'Cohen', 'Brown', 'Singh', 'Lopez', 'Walker'] AS last_names;

-- Each account.
CREATE UNLOGGED TABLE bench_gen.usr AS
SELECT u AS id,
       -- Joined 100 to 400 days before now.
       c.now_s - (100 + bench_gen.h(u, 1) % 300) * 86400 - bench_gen.h(u, 2) % 86400
           AS created_s
FROM generate_series(1, :users::bigint) AS u, bench_gen.const c;

-- Each application, with the moments every table derives from it.
CREATE UNLOGGED TABLE bench_gen.app AS
WITH base AS (
    SELECT a, (a - 1) / 10 + 1 AS u,
           CASE WHEN bench_gen.h(a, 3) % 100 < 80 THEN 'active'
                WHEN bench_gen.h(a, 3) % 100 < 90 THEN 'rejected'
                WHEN bench_gen.h(a, 3) % 100 < 94 THEN 'no-response'
                WHEN bench_gen.h(a, 3) % 100 < 97 THEN 'withdrawn'
                ELSE 'offer' END AS status
    FROM generate_series(1, :users::bigint * 10) AS a
), dated AS (
    -- The interview's day: open ones 4 weeks back to 2 weeks ahead of now, closed
    -- ones 5 to 1 weeks back; a Saturday or Sunday moves to the Friday before.
    SELECT b.*, c.now_s, 1 + bench_gen.h(b.a, 9) % 10 AS zone_i,
           date '1970-01-01' + (c.now_s / 86400)::int
               + CASE WHEN b.status = 'active' THEN -28 + bench_gen.h(b.a, 4) % 42
                      ELSE -35 + bench_gen.h(b.a, 4) % 28 END AS d
    FROM base b, bench_gen.const c
), timed AS (
    -- 9:00 to 16:30 on the half hour, in the interview's zone.
    SELECT d.a, d.u, d.status, d.now_s, d.zone_i,
           extract(epoch FROM
               ((d.d - greatest(extract(isodow FROM d.d)::int - 5, 0))
                + make_interval(mins => 540 + (bench_gen.h(d.a, 5) % 16) * 30))
               AT TIME ZONE c.zones[d.zone_i])::bigint AS start_s
    FROM dated d, bench_gen.const c
)
SELECT t.a AS id, t.u AS user_id, t.status, t.start_s, t.now_s,
       -- Applied 1 to 9 weeks before the interview, and at least a day before now.
       least(t.start_s - (7 + bench_gen.h(t.a, 6) % 56) * 86400 - bench_gen.h(t.a, 7) % 36000,
             t.now_s - 86400 - bench_gen.h(t.a, 7) % 36000) AS created_s,
       -- The outcome's moment (closed ones only): 3 to 12 days after the interview.
       CASE WHEN t.status <> 'active'
            THEN least(t.start_s + (3 + bench_gen.h(t.a, 8) % 10) * 86400, t.now_s - 3600)
       END AS closed_s,
       -- Whether the interview is over by a day (its follow-ups exist).
       t.start_s <= t.now_s - 86400 AS past,
       t.zone_i,
       bench_gen.pick(c.companies, t.a, 10) || bench_gen.pick(c.suffixes, t.a, 11) AS company,
       bench_gen.pick(c.roles, t.a, 12) AS role,
       -- One in five has a note from its interview.
       bench_gen.h(t.a, 13) % 5 = 0 AS has_note,
       -- One in twenty open ones whose interview is over had a step skipped.
       t.status = 'active' AND t.start_s <= t.now_s - 86400 AND bench_gen.h(t.a, 14) % 20 = 0
           AS has_skip
FROM timed t, bench_gen.const c;

ANALYZE bench_gen.usr;
ANALYZE bench_gen.app;
