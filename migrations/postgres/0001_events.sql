-- Events: the ticketed streams organizers sell access to (seed 002 fields).
CREATE TABLE events (
    id                  UUID PRIMARY KEY,
    title               TEXT NOT NULL,
    description         TEXT,
    stream_url          TEXT,
    poster_url          TEXT,
    starts_at           TIMESTAMPTZ NOT NULL,
    ends_at             TIMESTAMPTZ NOT NULL,
    access_window_hours INTEGER NOT NULL DEFAULT 48
        CHECK (access_window_hours BETWEEN 1 AND 168),
    is_active           BOOLEAN NOT NULL DEFAULT TRUE,
    is_archived         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at)
);

CREATE INDEX events_starts_at ON events (starts_at);
