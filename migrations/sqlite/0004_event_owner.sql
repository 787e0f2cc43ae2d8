-- Events belong to an account (the organizer's tenant). Events created before accounts existed
-- keep no owner: only the platform superadmin sees those.
ALTER TABLE events ADD COLUMN account_id BLOB REFERENCES accounts (id) ON DELETE CASCADE;
CREATE INDEX events_account_starts_at ON events (account_id, starts_at);
