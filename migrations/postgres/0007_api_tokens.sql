-- API tokens (seed 001's `sk_…`): long-lived bearer credentials for integrations. Only the
-- SHA-256 of a token is kept; `prefix` (its first characters) lets people recognise it.
CREATE TABLE api_tokens (
    id           UUID PRIMARY KEY,
    name         TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('global', 'account')),
    -- NULL for a global token, which stands outside every account.
    account_id   UUID REFERENCES accounts (id) ON DELETE CASCADE,
    role         TEXT CHECK (role IN ('owner', 'administrator', 'editor', 'viewer')),
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    -- Addresses and CIDR ranges, comma-separated; empty: any address.
    allowed_ips  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    CHECK ((scope = 'global') = (account_id IS NULL AND role IS NULL))
);

CREATE INDEX api_tokens_account ON api_tokens (account_id, created_at);
