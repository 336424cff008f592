-- Deliveries in order per household without a search at each claim (docs/delivery.md).
--
-- The claim used to look, for every pending delivery it walked, for an earlier
-- pending one of the same household. Its cost grew with the backlog, and on a
-- young table whose statistics lagged behind, the planner scanned every pending
-- row once per candidate (110 ms a claim with 50,000 pending, bench/delivery.sh).
--
-- Now a delivery that may be sent is marked `head`: the earliest pending one of
-- its household for its subscriber. The fan-out marks a new delivery head when
-- its household has nothing pending; when a head is no longer pending
-- (delivered, skipped, dead), the worker's next step, under the subscriber's
-- cursor lock, clears its mark and marks the next pending one of its household.
-- A claim then reads due heads only.
ALTER TABLE deliveries ADD COLUMN head boolean NOT NULL DEFAULT false;

UPDATE deliveries d SET head = true
FROM (SELECT DISTINCT ON (subscriber, household_id) id
      FROM deliveries WHERE state = 'pending'
      ORDER BY subscriber, household_id, event_seq) first
WHERE d.id = first.id;

-- The claim: a subscriber's heads that are due, the longest waiting first.
CREATE INDEX deliveries_heads ON deliveries (subscriber, next_attempt_at) WHERE state = 'pending' AND head;
-- Heads whose turn is over, for the next step to move their mark on.
CREATE INDEX deliveries_finished_heads ON deliveries (subscriber) WHERE head AND state <> 'pending';
-- The claim no longer walks pending deliveries in event order, and no query reads by due time alone.
DROP INDEX deliveries_pending_in_order;
DROP INDEX deliveries_due;
