-- Households, persons and requests: SIAO is their master. Ids come from one
-- sequence per kind, in that kind's range, never reused (NO CYCLE).
CREATE SEQUENCE household_ids AS bigint MINVALUE 90000001 MAXVALUE 99999999 START 90000001 NO CYCLE;
CREATE SEQUENCE person_ids    AS bigint MINVALUE 40000001 MAXVALUE 49999999 START 40000001 NO CYCLE;
CREATE SEQUENCE request_ids   AS bigint MINVALUE 70000001 MAXVALUE 79999999 START 70000001 NO CYCLE;

CREATE TABLE households (
  id          bigint PRIMARY KEY CHECK (id BETWEEN 90000001 AND 99999999),
  territory   text NOT NULL,
  status      text NOT NULL CHECK (status IN ('active', 'closed', 'merged')),
  merged_into bigint REFERENCES households (id),
  version     integer NOT NULL CHECK (version >= 1),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  updated_by  text NOT NULL
);
CREATE INDEX households_by_territory ON households (territory, id);

-- A person is in exactly one household: the reference is NOT NULL, and a
-- move is an UPDATE of it, never a second row.
CREATE TABLE persons (
  id           bigint PRIMARY KEY CHECK (id BETWEEN 40000001 AND 49999999),
  household_id bigint NOT NULL REFERENCES households (id),
  role         text NOT NULL CHECK (role IN ('head', 'spouse', 'child', 'other_adult', 'other_minor')),
  last_name    text NOT NULL,
  birth_name   text,
  first_names  text[] NOT NULL CHECK (cardinality(first_names) >= 1),
  sex          text NOT NULL CHECK (sex IN ('female', 'male', 'unknown')),
  birth_date   text CHECK (birth_date ~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$'),
  nationality  text,
  phone        text,
  email        text,
  status       text NOT NULL CHECK (status IN ('active', 'merged')),
  merged_into  bigint REFERENCES persons (id),
  version      integer NOT NULL CHECK (version >= 1),
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  updated_by   text NOT NULL
);
CREATE INDEX persons_by_household ON persons (household_id, id);
-- At most one head per household, whatever the code does.
CREATE UNIQUE INDEX persons_one_head ON persons (household_id) WHERE role = 'head' AND status = 'active';
CREATE INDEX persons_by_name ON persons (upper(last_name), birth_date);

CREATE TABLE requests (
  id                 bigint PRIMARY KEY CHECK (id BETWEEN 70000001 AND 79999999),
  household_id       bigint NOT NULL REFERENCES households (id),
  kind               text NOT NULL CHECK (kind IN ('emergency', 'insertion')),
  territory          text NOT NULL,
  status             text NOT NULL,
  requested_services text[] NOT NULL,
  submitted_at       timestamptz NOT NULL,
  -- json, not jsonb: kept as the gateway wrote it, member order included.
  orientation        json,
  proposal           json,
  placement          json,
  history            json NOT NULL,
  version            integer NOT NULL CHECK (version >= 1),
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  updated_by         text NOT NULL
);
CREATE INDEX requests_by_household ON requests (household_id, id DESC);
-- At most one open insertion request per household.
CREATE UNIQUE INDEX requests_one_open_insertion ON requests (household_id)
  WHERE kind = 'insertion' AND status NOT IN ('closed', 'not_provided', 'cancelled');

-- Every version of every resource, whole: nothing changes without its
-- previous state kept here.
CREATE TABLE resource_versions (
  kind     text NOT NULL CHECK (kind IN ('household', 'person', 'request')),
  id       bigint NOT NULL,
  version  integer NOT NULL,
  at       timestamptz NOT NULL,
  by       text NOT NULL,
  change   text NOT NULL,
  snapshot json NOT NULL,
  PRIMARY KEY (kind, id, version)
);

-- Idempotency-Key: the first answer to a POST, per client and key.
CREATE TABLE idempotency_keys (
  client_id      text NOT NULL,
  key            text NOT NULL,
  request_sha256 text NOT NULL,
  status         integer NOT NULL,
  headers        jsonb NOT NULL,
  body           text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- The exchange log: one row per API call, hash-chained in `seq` order. The
-- head row is locked by each batch while it appends, so the chain stays one
-- line across every gateway instance.
CREATE TABLE audit_exchanges (
  seq             bigint PRIMARY KEY,
  at              timestamptz NOT NULL,
  client_id       text NOT NULL,
  method          text NOT NULL,
  route           text NOT NULL,
  target          text NOT NULL,
  status          integer NOT NULL,
  request_id      text NOT NULL,
  trace_id        text NOT NULL,
  duration_us     bigint NOT NULL,
  request_body    text,
  response_sha256 text NOT NULL,
  response_body   text,
  resources       json NOT NULL,  -- as hashed: json keeps the text, jsonb would reorder it
  prev_hash       text NOT NULL,
  hash            text NOT NULL
);
CREATE INDEX audit_exchanges_by_client ON audit_exchanges (client_id, seq);
-- fastupdate off: the pending list would be flushed by whichever insert
-- fills it, a stall of tens of milliseconds in the middle of a batch.
CREATE INDEX audit_exchanges_by_resource ON audit_exchanges USING gin ((resources::jsonb) jsonb_path_ops)
  WITH (fastupdate = off);

CREATE TABLE audit_chain_head (
  id   integer PRIMARY KEY CHECK (id = 1),
  seq  bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_chain_head VALUES (1, 0, repeat('0', 64));

-- Append-only, whatever role writes.
CREATE FUNCTION audit_exchanges_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_exchanges is append-only';
END $$;
CREATE TRIGGER audit_exchanges_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_exchanges
  FOR EACH STATEMENT EXECUTE FUNCTION audit_exchanges_append_only();

-- The one timestamp format of the API (RFC 3339, UTC, milliseconds).
CREATE FUNCTION rfc3339(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
