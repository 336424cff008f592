-- Outbound delivery of the change feed (docs/delivery.md): each contract with
-- an "outbound" subscription receives the events it may see, signed, in order
-- per household, at least once.

-- How far each subscriber's events were fanned out into deliveries: the last
-- event seq looked at. Its row is locked while an instance fans out, so two
-- instances never insert the same deliveries (the unique key below would stop
-- them anyway).
CREATE TABLE delivery_cursors (
  subscriber text PRIMARY KEY,
  last_seq   bigint NOT NULL DEFAULT 0
);

-- One event for one subscriber. pending: to send (again); delivered: the
-- partner answered 2xx; dead: retried for delivery.max_age_seconds in vain
-- (redrive makes it pending again); skipped: the partner's adapter has nothing
-- to send for it (Rosalie holds no key for the household).
CREATE TABLE deliveries (
  id              bigserial PRIMARY KEY,
  subscriber      text NOT NULL,
  event_seq       bigint NOT NULL,
  household_id    bigint NOT NULL,
  state           text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'delivered', 'dead', 'skipped')),
  attempts        integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  retry_since     timestamptz NOT NULL DEFAULT now(),  -- start of the retry window (reset by a redrive)
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  last_status     integer,  -- the partner's HTTP status; null: no answer (refused, timeout, TLS)
  last_error      text,
  delivered_at    timestamptz,
  locked_by       text,         -- the instance sending it now
  locked_until    timestamptz,  -- its lease: past it, another instance takes the delivery over
  UNIQUE (subscriber, event_seq)
);

-- What the workers look for: a subscriber's pending deliveries, by household then event.
CREATE INDEX deliveries_pending ON deliveries (subscriber, household_id, event_seq) WHERE state = 'pending';
-- The claim walks a subscriber's pending deliveries in event order and stops at its batch: without this index it
-- sorted every pending row at each claim (20 deliveries/s with 120,000 pending, bench/delivery.sh).
CREATE INDEX deliveries_pending_in_order ON deliveries (subscriber, event_seq) WHERE state = 'pending';
CREATE INDEX deliveries_due ON deliveries (subscriber, next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_dead ON deliveries (subscriber, id) WHERE state = 'dead';
