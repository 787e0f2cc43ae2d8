-- Organizers: accounts (tenants), users, their membership and role, and the audit trail.
CREATE TABLE accounts (
    id         UUID PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE users (
    id            UUID PRIMARY KEY,
    -- Stored lower-cased, so uniqueness ignores case.
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- One account per user for now, hence the user id as key.
CREATE TABLE memberships (
    user_id    UUID PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'administrator', 'editor', 'viewer')),
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX memberships_account ON memberships (account_id);

CREATE TABLE audit_log (
    id         UUID PRIMARY KEY,
    account_id UUID REFERENCES accounts (id) ON DELETE CASCADE,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT,
    ip         TEXT,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX audit_log_account_time ON audit_log (account_id, created_at);
