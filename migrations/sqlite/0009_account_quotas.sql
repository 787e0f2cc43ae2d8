-- Per-account quotas; NULL follows the installation's default (STREAMGATE_DEFAULT_QUOTAS),
-- -1 is unlimited.
ALTER TABLE accounts ADD COLUMN max_events INTEGER;
ALTER TABLE accounts ADD COLUMN max_codes INTEGER;
ALTER TABLE accounts ADD COLUMN max_concurrent_viewers INTEGER;
