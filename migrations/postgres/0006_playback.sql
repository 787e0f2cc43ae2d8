-- Playback: one live session per access code (the viewer's device), the log of changes that
-- take access away from issued playback tokens (the revocation feed), and rate-limit state
-- shared by every app instance on this database.
CREATE TABLE playback_sessions (
    id           UUID PRIMARY KEY,
    code_id      UUID NOT NULL REFERENCES access_codes (id) ON DELETE CASCADE,
    event_id     UUID NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ended_at     TIMESTAMPTZ,
    end_reason   TEXT CHECK (end_reason IN ('released', 'superseded', 'timed_out')),
    ip           TEXT
);

-- The one-device rule: at most one session per code that has not ended. Claiming a code is an
-- insert this index lets through only once, however many validations race.
CREATE UNIQUE INDEX playback_sessions_one_per_code
    ON playback_sessions (code_id) WHERE ended_at IS NULL;
-- Live viewers (dashboard counts) and the sweeper's timeouts.
CREATE INDEX playback_sessions_open
    ON playback_sessions (last_seen_at, event_id) WHERE ended_at IS NULL;

-- Append-only; rows are pruned once every token issued before them has expired. No foreign
-- keys: a deleted event's entry must outlive the event.
CREATE TABLE access_changes (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    changed_at TIMESTAMPTZ NOT NULL,
    kind       TEXT NOT NULL,
    event_id   UUID NOT NULL,
    code       TEXT,
    session_id UUID
);

CREATE INDEX access_changes_time ON access_changes (changed_at);

-- GCRA state per key: the "theoretical arrival time" in Unix milliseconds.
CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    tat BIGINT NOT NULL
);
