-- The change feed (GET /api/v2/events, docs/events.md): a transactional
-- outbox. The audit finisher (gateway/audit/chain.cpp, Trail::append) writes
-- one event per resource version an exchange wrote, in the same statement as
-- the exchange's audit record, so a committed change always has its events and
-- a rolled-back one never does.
--
-- seq is taken from event_seqs in that statement, while the transaction holds
-- the audit chain head's row lock (audit_chain_head, FOR UPDATE) until it
-- commits: two transactions that write events take their seqs one after the
-- other's commit, so seq order is commit order. Seqs may have gaps (a batch
-- that fails to commit after taking its seqs); they never go back.
CREATE SEQUENCE event_seqs AS bigint;

CREATE TABLE events (
  seq          bigint PRIMARY KEY,      -- commit order (from event_seqs, taken under the chain head lock)
  type         text NOT NULL,           -- household.created|updated|merged|closed, person.created|updated|moved|merged,
                                        -- request.created|transitioned|merged
  resource     text NOT NULL,           -- household | person | request
  id           bigint NOT NULL,
  version      integer NOT NULL,
  at           timestamptz NOT NULL,
  into_id      bigint,                  -- *.merged: the survivor
  territory    text NOT NULL,           -- for visibility
  household_id bigint NOT NULL,         -- the household the change is about (per-household delivery order)
  exchange_seq bigint NOT NULL,         -- the audit record of the exchange that made it
  client_id    text NOT NULL,           -- who made it
  CONSTRAINT events_resource CHECK (resource IN ('household', 'person', 'request')),
  CONSTRAINT events_type CHECK (type IN ('household.created', 'household.updated', 'household.merged',
                                         'household.closed', 'person.created', 'person.updated', 'person.moved',
                                         'person.merged', 'request.created', 'request.transitioned',
                                         'request.merged'))
);

-- No index beyond the primary key: readers (the feed, delivery's fan-out) walk
-- seq in order and filter territories as they go. Each event is written on the
-- create path: indexes on (territory, seq) and (household_id, seq) took creates
-- from 3,394/s to 2,398/s (bench/create.sh, bench/RESULTS.md).
