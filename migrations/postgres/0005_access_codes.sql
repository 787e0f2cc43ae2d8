-- Access codes: the tickets viewers redeem (seed 002 "tokens"). A code dies with its event.
CREATE TABLE access_codes (
    id          UUID PRIMARY KEY,
    event_id    UUID NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    code        TEXT NOT NULL UNIQUE,
    label       TEXT,
    is_revoked  BOOLEAN NOT NULL DEFAULT FALSE,
    revoked_at  TIMESTAMPTZ,
    redeemed_at TIMESTAMPTZ,
    redeemed_ip TEXT,
    expires_at  TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);

-- The codes table pages newest first within an event, by keyset (created_at, id).
CREATE INDEX access_codes_event_created ON access_codes (event_id, created_at, id);

-- Status filters (unused/redeemed/expired are "not revoked" plus a condition on redemption and
-- expiry): the range of one event's not-revoked codes, newest first, with everything the filter
-- reads, so counting and paging a filtered table of 100,000 codes never visits the table rows.
CREATE INDEX access_codes_event_state
    ON access_codes (event_id, is_revoked, created_at, id, redeemed_at, expires_at);
