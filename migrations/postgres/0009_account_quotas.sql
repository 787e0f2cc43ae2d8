-- Per-account quotas; NULL follows the installation's default (STREAMGATE_DEFAULT_QUOTAS),
-- -1 is unlimited.
ALTER TABLE accounts ADD COLUMN max_events BIGINT;
ALTER TABLE accounts ADD COLUMN max_codes BIGINT;
ALTER TABLE accounts ADD COLUMN max_concurrent_viewers BIGINT;
