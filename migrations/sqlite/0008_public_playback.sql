-- Public events: anyone may watch them without a code (`publicPlayback`). Their playback
-- sessions have no code, so `code_id` becomes nullable (SQLite changes a column's constraints
-- only by rebuilding the table); the one-device index still holds for every code, since NULLs
-- never collide in a unique index. Unpublishing ends an event's public sessions: 'unpublished'.
ALTER TABLE events ADD COLUMN public_playback BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE playback_sessions_new (
    id           BLOB PRIMARY KEY NOT NULL,
    code_id      BLOB REFERENCES access_codes (id) ON DELETE CASCADE,
    event_id     BLOB NOT NULL,
    started_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at     TEXT,
    end_reason   TEXT CHECK (end_reason IN ('released', 'superseded', 'timed_out', 'unpublished')),
    ip           TEXT
);

INSERT INTO playback_sessions_new
    (id, code_id, event_id, started_at, last_seen_at, ended_at, end_reason, ip)
SELECT id, code_id, event_id, started_at, last_seen_at, ended_at, end_reason, ip
FROM playback_sessions;

DROP TABLE playback_sessions;
ALTER TABLE playback_sessions_new RENAME TO playback_sessions;

CREATE UNIQUE INDEX playback_sessions_one_per_code
    ON playback_sessions (code_id) WHERE ended_at IS NULL;
CREATE INDEX playback_sessions_open
    ON playback_sessions (last_seen_at, event_id) WHERE ended_at IS NULL;
-- An event's public sessions, ended when it is unpublished and deleted with it.
CREATE INDEX playback_sessions_public
    ON playback_sessions (event_id) WHERE code_id IS NULL;
