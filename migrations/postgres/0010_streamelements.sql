-- StreamElements (seed 000): each account's SE JWTs, one per platform, encrypted at rest
-- (`v1:` + base64 of nonce and AES-256-GCM ciphertext). The worker's view of each token sits
-- beside it: `status`, the last error, when it last subscribed.
CREATE TABLE se_tokens (
    id             UUID PRIMARY KEY,
    account_id     UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    platform       TEXT NOT NULL CHECK (platform IN ('twitch', 'youtube', 'kick', 'trovo')),
    token          TEXT NOT NULL,
    label          TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    status         TEXT NOT NULL DEFAULT 'connecting'
        CHECK (status IN ('connecting', 'subscribed', 'unauthorized', 'error', 'stopped')),
    last_error     TEXT,
    connected_at   TIMESTAMPTZ,
    UNIQUE (account_id, platform)
);

-- Which instance runs an account's worker: held while `expires_at` is ahead and renewed
-- before it passes; another instance takes an expired lease over.
CREATE TABLE se_worker_leases (
    account_id UUID PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- Tips as StreamElements sent them, once each: `se_id` is SE's `_id`.
CREATE TABLE tips (
    id          UUID PRIMARY KEY,
    account_id  UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    platform    TEXT NOT NULL,
    se_id       TEXT NOT NULL,
    username    TEXT NOT NULL,
    amount      NUMERIC(14, 2) NOT NULL,
    currency    TEXT NOT NULL,
    message     TEXT NOT NULL,
    provider    TEXT,
    status      TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    raw         TEXT NOT NULL,
    UNIQUE (account_id, se_id)
);

CREATE INDEX tips_account_time ON tips (account_id, created_at);

-- Tip alerts on the player, opt-in per event.
ALTER TABLE events ADD COLUMN tip_alerts BOOLEAN NOT NULL DEFAULT FALSE;
