-- Events: the ticketed streams organizers sell access to (seed 002 fields).
-- Times are RFC 3339 text in UTC; ids are UUIDs stored as 16-byte blobs.
CREATE TABLE events (
    id                  BLOB PRIMARY KEY NOT NULL,
    title               TEXT NOT NULL,
    description         TEXT,
    stream_url          TEXT,
    poster_url          TEXT,
    starts_at           TEXT NOT NULL,
    ends_at             TEXT NOT NULL,
    access_window_hours INTEGER NOT NULL DEFAULT 48
        CHECK (access_window_hours BETWEEN 1 AND 168),
    is_active           BOOLEAN NOT NULL DEFAULT TRUE,
    is_archived         BOOLEAN NOT NULL DEFAULT FALSE,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);

CREATE INDEX events_starts_at ON events (starts_at);
