-- Actors event log: the source of truth in PostgreSQL mode.
-- Requires PostgreSQL 14 or later. Idempotent: applied by every silo at start-up (under an advisory lock) and runnable by hand:
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f deploy/sql/01-event-log.sql
BEGIN;
DO $$ BEGIN PERFORM pg_advisory_xact_lock(7316001); END $$;

-- One row per event. Append-only (see the trigger below); the only writer is actors_append().
--   position     global order of the log, dense, assigned under the actors_log_head row lock, so a reader that has
--                seen position N will never later find a committed event below N (see actors_append).
--   partition    EventStreams.PartitionOf(stream_id) (xxHash32 % 8): the Orleans stream the event is delivered on.
--   type_name    the event type's [Alias] (e.g. 'news.news-voted'), for people and queries.
--   payload      the event record in the Orleans serializer's binary format, with its type written by the same
--                [Alias]: readable for as long as the record keeps its alias and never renumbers its [Id]s
--                (the rule every event record follows). Adding fields is compatible; removing a type is not.
--   event_id     a version 7 UUID the writer generates per event; unique by construction, so not indexed (an index
--                would be maintained inside the append's critical section, see actors_append, and nothing reads by it).
--   stream_id and category compare bytewise (COLLATE "C"): they are identifiers, never sorted for people, and every
--                append probes the (stream_id, version) index inside the critical section, where the database's
--                default (libc) collation costs noticeably more per comparison.
CREATE TABLE IF NOT EXISTS actors_events
(
    position       bigint      NOT NULL,
    stream_id      text        COLLATE "C" NOT NULL,
    version        bigint      NOT NULL,
    category       text        COLLATE "C" NOT NULL,
    partition      smallint    NOT NULL,
    event_id       uuid        NOT NULL,
    type_name      text        NOT NULL,
    payload        bytea       NOT NULL,
    correlation_id text        NULL,
    causation_id   text        NULL,
    recorded_at    timestamptz NOT NULL,
    CONSTRAINT actors_events_pk PRIMARY KEY (position),
    -- The final fence behind the grain's expected-version check: two writers can never both own version N.
    CONSTRAINT actors_events_stream_version UNIQUE (stream_id, version),
    CONSTRAINT actors_events_version_positive CHECK (version > 0),
    CONSTRAINT actors_events_partition_range CHECK (partition BETWEEN 0 AND 7)
);

-- Logs created by earlier versions of this script: no event_id index, identifiers in the "C" collation (rebuilds the
-- table's indexes once, under this script's lock; later runs find nothing to do).
ALTER TABLE actors_events DROP CONSTRAINT IF EXISTS actors_events_event_id;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = 'actors_events'
                 AND column_name IN ('stream_id', 'category') AND coalesce(collation_name, '') <> 'C') THEN
        ALTER TABLE actors_events ALTER COLUMN stream_id TYPE text COLLATE "C", ALTER COLUMN category TYPE text COLLATE "C";
    END IF;
END
$$;

-- Stream delivery reads one partition by position.
CREATE INDEX IF NOT EXISTS actors_events_partition_position ON actors_events (partition, position);

-- Transfer recovery (TransferRecovery) follows the transfer events by position to find pending transfers; a partial
-- index keeps that read small without costing the other categories' appends anything.
CREATE INDEX IF NOT EXISTS actors_events_transfers ON actors_events (position) WHERE category = 'transfers';

-- The head of the log: the last position handed out. Its row lock is the append critical section.
CREATE TABLE IF NOT EXISTS actors_log_head
(
    id       smallint NOT NULL PRIMARY KEY CHECK (id = 1),
    position bigint   NOT NULL
);
INSERT INTO actors_log_head (id, position) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION actors_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'actors_events is append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;

CREATE OR REPLACE TRIGGER actors_events_append_only
    BEFORE UPDATE OR DELETE ON actors_events
    FOR EACH ROW EXECUTE FUNCTION actors_events_refuse_change();

-- Appends a batch of appends (group commit: many grains' appends, one transaction, one WAL flush).
-- Append i writes p_counts[i] events to stream p_streams[i] if that stream is at version p_expected[i];
-- its events are the next p_counts[i] entries of the per-event arrays. A stream appears at most once per call
-- (the caller defers a second append of a stream to its next call).
-- p_groups[i] makes appends all-or-nothing together: the appends of one group are written only if every one of
-- them finds its stream at its expected version (a transfer records itself and both accounts' legs this way).
-- Returns one row per append: accepted (first_position not null, current_version = new version) or refused
-- (first_position null, current_version = the version found). Refused appends do not affect other groups.
--
-- Why readers can trust positions: the actors_log_head row is locked FOR UPDATE before positions are taken and
-- stays locked until this transaction commits or rolls back. So transactions take positions in commit order: when
-- a reader sees position N committed, every position below N is already committed (or was never used, since
-- a rollback also rolls back the head). No reader can skip an event that commits later with a lower position.
CREATE OR REPLACE FUNCTION actors_append(
    p_streams      text[],
    p_expected     bigint[],
    p_counts       int[],
    p_categories   text[],
    p_partitions   smallint[],
    p_event_ids    uuid[],
    p_types        text[],
    p_payloads     bytea[],
    p_correlations text[],
    p_causations   text[],
    p_groups       int[])
RETURNS TABLE (append_index int, current_version bigint, first_position bigint, recorded_at timestamptz)
LANGUAGE plpgsql AS
$$
DECLARE
    v_head bigint;
    v_now  timestamptz := clock_timestamp();
BEGIN
    SELECT h.position INTO v_head FROM actors_log_head h WHERE h.id = 1 FOR UPDATE;

    -- One statement for the whole batch: check every expected version, insert the accepted groups' events at
    -- consecutive positions after the head, report every append.
    RETURN QUERY
    WITH appends AS (
        SELECT a.i::int AS i, a.stream, a.expected, a.n, a.grp,
               (sum(a.n) OVER (ORDER BY a.i) - a.n)::int AS event_offset
        FROM unnest(p_streams, p_expected, p_counts, p_groups) WITH ORDINALITY AS a (stream, expected, n, grp, i)
    ), checked AS (
        SELECT ap.*, coalesce((SELECT max(e.version) FROM actors_events e WHERE e.stream_id = ap.stream), 0) AS found
        FROM appends ap
    ), judged AS (
        SELECT c.*, bool_and(c.found = c.expected) OVER (PARTITION BY c.grp) AS group_ok
        FROM checked c
    ), accepted AS (
        SELECT j.i, j.stream, j.expected, j.n, j.event_offset,
               v_head + sum(j.n) OVER (ORDER BY j.i) - j.n AS position_offset
        FROM judged j
        WHERE j.group_ok
    ), inserted AS (
        INSERT INTO actors_events
            (position, stream_id, version, category, partition, event_id, type_name, payload,
             correlation_id, causation_id, recorded_at)
        SELECT acc.position_offset + k, acc.stream, acc.expected + k, p_categories[acc.i], p_partitions[acc.i],
               p_event_ids[acc.event_offset + k], p_types[acc.event_offset + k], p_payloads[acc.event_offset + k],
               p_correlations[acc.event_offset + k], p_causations[acc.event_offset + k], v_now
        FROM accepted acc, generate_series(1, acc.n) AS k
        RETURNING 1
    )
    SELECT j.i,
           CASE WHEN acc.i IS NULL THEN j.found ELSE j.expected + j.n END,
           acc.position_offset + 1,
           CASE WHEN acc.i IS NULL THEN NULL ELSE v_now END
    FROM judged j LEFT JOIN accepted acc ON acc.i = j.i
    ORDER BY j.i;

    UPDATE actors_log_head
    SET position = (SELECT coalesce(max(e.position), v_head) FROM actors_events e WHERE e.position > v_head)
    WHERE id = 1;
END
$$;

-- The form without groups (every append on its own), as silos of earlier versions call it during a rolling upgrade.
CREATE OR REPLACE FUNCTION actors_append(
    p_streams      text[],
    p_expected     bigint[],
    p_counts       int[],
    p_categories   text[],
    p_partitions   smallint[],
    p_event_ids    uuid[],
    p_types        text[],
    p_payloads     bytea[],
    p_correlations text[],
    p_causations   text[])
RETURNS TABLE (append_index int, current_version bigint, first_position bigint, recorded_at timestamptz)
LANGUAGE sql AS
$$
    SELECT * FROM actors_append(p_streams, p_expected, p_counts, p_categories, p_partitions, p_event_ids, p_types,
                                p_payloads, p_correlations, p_causations,
                                ARRAY(SELECT g::int FROM generate_series(1, cardinality(p_streams)) AS g))
$$;

-- Latest snapshot of a long stream (bank accounts): state at `version`, same payload rules as events.
-- A cache only: deleting every row is always safe (activation then folds the whole stream).
CREATE TABLE IF NOT EXISTS actors_snapshots
(
    stream_id  text        NOT NULL PRIMARY KEY,
    version    bigint      NOT NULL,
    type_name  text        NOT NULL,
    payload    bytea       NOT NULL,
    taken_at   timestamptz NOT NULL DEFAULT now()
);

-- How far a log reader (a stream delivery queue, a projection) has durably processed the log.
CREATE TABLE IF NOT EXISTS actors_checkpoints
(
    name       text        NOT NULL PRIMARY KEY,
    position   bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- Set by an operator to make the reader go back (e.g. 0 to re-deliver the whole log for a rebuild); the reader
-- applies it, then clears it.
ALTER TABLE actors_checkpoints ADD COLUMN IF NOT EXISTS rewind_to bigint NULL;

-- Which log positions concern which user (news events: the author of a submission, the voter of a vote, the author of a
-- comment), so one user's lists rebuild from that user's events instead of the whole news category.
-- Written by the news activity consumer (NewsActivityFeedGrain) per delivered batch, before the events are handed on,
-- outside the append's critical section; idempotent (delivery is at least once).
CREATE TABLE IF NOT EXISTS actors_user_events
(
    user_id  bigint NOT NULL,
    position bigint NOT NULL,
    CONSTRAINT actors_user_events_pk PRIMARY KEY (user_id, position)
);
-- How far the index is known complete (checkpoint 'user-index': every news event at or below it that concerns a user
-- has its row), and from where the live consumer keeps it ('user-index/live-from': events after it are indexed as
-- they are delivered). Recorded once, by the first run of this script that creates them: on a log written before the
-- index existed, live-from is the head of that moment and a backfill (UserActivityIndexBackfill) indexes what lies
-- below it; on a new log both are 0 and the index is complete from the start.
INSERT INTO actors_checkpoints (name, position)
SELECT 'user-index/live-from', h.position FROM actors_log_head h WHERE h.id = 1
ON CONFLICT (name) DO NOTHING;
INSERT INTO actors_checkpoints (name, position) VALUES ('user-index', 0) ON CONFLICT (name) DO NOTHING;

-- Dead letters: events a consumer kept failing on. The rest of the stream went on; these wait here until
-- replayed (replay_requested_at set, delivered again, then replayed_at set) or dismissed.
CREATE TABLE IF NOT EXISTS actors_parked_events
(
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consumer            text        NOT NULL,
    position            bigint      NOT NULL,
    stream_id           text        NOT NULL,
    version             bigint      NOT NULL,
    type_name           text        NOT NULL,
    error               text        NOT NULL,
    parked_at           timestamptz NOT NULL DEFAULT now(),
    replay_requested_at timestamptz NULL,
    replayed_at         timestamptz NULL,
    CONSTRAINT actors_parked_events_once UNIQUE (consumer, position)
);

COMMIT;
