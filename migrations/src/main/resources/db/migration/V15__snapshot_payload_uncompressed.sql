-- A hot team's snapshot is about 430 KB of JSON (its bounded state, the last 10,000 ended request ids) and is written
-- every 5,000 events, about once a second at saturation. PostgreSQL compressed it with pglz on every write: about 7 of
-- the 10 ms it spent storing one, for a third less space (docs/performance.md, twenty-first session). Stored out of
-- line as it is; snapshots written before this migration keep their compression and load as before.
ALTER TABLE snapshotevententry ALTER COLUMN payload SET STORAGE EXTERNAL;
