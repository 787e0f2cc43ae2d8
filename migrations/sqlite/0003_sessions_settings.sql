-- Dashboard sessions (tower-sessions records, JSON) and installation-wide settings such as the
-- generated JWT secret.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY NOT NULL,
    data       TEXT NOT NULL,
    -- Unix seconds: compared in SQL, identical on both backends.
    expires_at INTEGER NOT NULL
);

CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Credentials issued before this moment (sessions, dashboard JWTs) no longer count: set when a
-- password changes or a user is deactivated.
ALTER TABLE users ADD COLUMN credentials_changed_at TEXT;

-- Insertion order for the audit trail: entries written within the same millisecond (a role
-- change and a deactivation in one request) still list in the order they happened. SQLite's
-- rowid already grows with each insert; the trigger copies it.
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
UPDATE audit_log SET seq = rowid;
CREATE TRIGGER audit_log_seq AFTER INSERT ON audit_log
BEGIN
    UPDATE audit_log SET seq = NEW.rowid WHERE rowid = NEW.rowid;
END;
