-- Public events: anyone may watch them without a code (`publicPlayback`). Their playback
-- sessions have no code, so `code_id` becomes nullable; the one-device index still holds for
-- every code, since NULLs never collide in a unique index. Unpublishing ends an event's public
-- sessions: 'unpublished'.
ALTER TABLE events ADD COLUMN public_playback BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE playback_sessions ALTER COLUMN code_id DROP NOT NULL;
ALTER TABLE playback_sessions DROP CONSTRAINT playback_sessions_end_reason_check;
ALTER TABLE playback_sessions ADD CONSTRAINT playback_sessions_end_reason_check
    CHECK (end_reason IN ('released', 'superseded', 'timed_out', 'unpublished'));

-- An event's public sessions, ended when it is unpublished and deleted with it.
CREATE INDEX playback_sessions_public
    ON playback_sessions (event_id) WHERE code_id IS NULL;
