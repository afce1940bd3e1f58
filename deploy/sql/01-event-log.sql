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
CREATE TABLE IF NOT EXISTS actors_events
(
    position       bigint      NOT NULL,
    stream_id      text        NOT NULL,
    version        bigint      NOT NULL,
    category       text        NOT NULL,
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
    CONSTRAINT actors_events_event_id UNIQUE (event_id),
    CONSTRAINT actors_events_version_positive CHECK (version > 0),
    CONSTRAINT actors_events_partition_range CHECK (partition BETWEEN 0 AND 7)
);

-- Stream delivery reads one partition by position.
CREATE INDEX IF NOT EXISTS actors_events_partition_position ON actors_events (partition, position);

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
-- its events are the next p_counts[i] entries of the per-event arrays. Each stream appears at most once per call.
-- Returns one row per append: accepted (first_position not null, current_version = new version) or refused
-- (first_position null, current_version = the version found). Refused appends do not affect the others.
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
    p_causations   text[])
RETURNS TABLE (append_index int, current_version bigint, first_position bigint, recorded_at timestamptz)
LANGUAGE plpgsql AS
$$
DECLARE
    v_head    bigint;
    v_next    bigint;
    v_event   int := 1;
    v_current bigint;
    v_now     timestamptz := clock_timestamp();
BEGIN
    SELECT h.position INTO v_head FROM actors_log_head h WHERE h.id = 1 FOR UPDATE;
    v_next := v_head;

    FOR i IN 1 .. coalesce(array_length(p_streams, 1), 0) LOOP
        SELECT coalesce(max(e.version), 0) INTO v_current FROM actors_events e WHERE e.stream_id = p_streams[i];
        append_index := i;
        IF v_current = p_expected[i] THEN
            INSERT INTO actors_events
                (position, stream_id, version, category, partition, event_id, type_name, payload,
                 correlation_id, causation_id, recorded_at)
            SELECT v_next + k, p_streams[i], p_expected[i] + k, p_categories[i], p_partitions[i],
                   p_event_ids[v_event + k - 1], p_types[v_event + k - 1], p_payloads[v_event + k - 1],
                   p_correlations[v_event + k - 1], p_causations[v_event + k - 1], v_now
            FROM generate_series(1, p_counts[i]) AS k;
            current_version := p_expected[i] + p_counts[i];
            first_position := v_next + 1;
            recorded_at := v_now;
            v_next := v_next + p_counts[i];
        ELSE
            current_version := v_current;
            first_position := NULL;
            recorded_at := NULL;
        END IF;
        v_event := v_event + p_counts[i];
        RETURN NEXT;
    END LOOP;

    IF v_next <> v_head THEN
        UPDATE actors_log_head SET position = v_next WHERE id = 1;
    END IF;
END
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
