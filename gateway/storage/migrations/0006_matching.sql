-- Duplicate search. Each person carries the blocking keys the gateway
-- computes from its names and birth year (gateway/storage/person_match_store.cpp):
-- a candidate shares at least one key with the query, found through this GIN
-- index without scanning every person. Keys are opaque ASCII, compared byte
-- for byte. The index keeps GIN's pending list (fastupdate): without it, the
-- creation of households ran at 3,777/s with a p99 of 48 ms instead of
-- 4,007/s and 20 ms (bench/RESULTS.md), every insertion of a common name's
-- key waiting on the same posting page.
-- The list is kept small (1 MB) because every search reads it whole.
ALTER TABLE persons ADD COLUMN match_keys text[] COLLATE "C" NOT NULL DEFAULT '{}';
CREATE INDEX persons_match_keys ON persons USING gin (match_keys) WITH (fastupdate = on, gin_pending_list_limit = 1024);
-- Persons recorded before this migration have no keys yet: the gateway
-- computes them after migrating (storage::backfill_match_keys), finding them
-- through this index, which holds only them.
CREATE INDEX persons_without_match_keys ON persons (id) WHERE cardinality(match_keys) = 0;
