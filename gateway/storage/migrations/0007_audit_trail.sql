-- The audit trail an auditor can trust and use.
--
-- audit_exchanges becomes partitioned by month of `at`: old months can be
-- exported, verified and detached without touching the live ones. Records
-- keep their seq, hash and every column, so the chain verifies across the
-- change.
ALTER TABLE audit_exchanges RENAME TO audit_exchanges_unpartitioned;
ALTER INDEX audit_exchanges_by_client RENAME TO audit_exchanges_unpartitioned_by_client;
ALTER INDEX audit_exchanges_by_resource RENAME TO audit_exchanges_unpartitioned_by_resource;
DROP TRIGGER audit_exchanges_append_only ON audit_exchanges_unpartitioned;

CREATE TABLE audit_exchanges (
  seq             bigint NOT NULL,
  at              timestamptz NOT NULL,
  client_id       text NOT NULL,
  method          text NOT NULL,
  route           text NOT NULL,
  target          text NOT NULL,  -- the path; from this migration on, its query is in `query`, sealed
  status          integer NOT NULL,
  request_id      text NOT NULL,
  trace_id        text NOT NULL,
  duration_us     bigint NOT NULL,
  request_body    text,
  response_sha256 text NOT NULL,
  response_body   text,
  resources       json NOT NULL,
  prev_hash       text NOT NULL,
  hash            text NOT NULL,
  contract_version text,
  contract_sha256 text,
  adapter         text,
  mapping_version text,
  mapping_sha256  text,
  -- Added here. `subjects` (a JSON array such as ["person:90512191"]) names the
  -- keys that seal this record's personal data: request and response bodies,
  -- query, canonical commands. Null on records written before: stored in clear.
  subjects        text,
  query           text,
  headers         text,  -- the request headers that matter (never credentials, nothing personal): JSON object
  canonical       text,  -- the adapter's canonical commands (JSON array), sealed
  schemas_sha256  text,  -- the JSON Schema set in force
  gateway_version text,  -- the build: adapters are code, and this names it
  PRIMARY KEY (seq, at)
) PARTITION BY RANGE (at);
-- Lookups by seq use the primary key. Time ranges: `at` grows with insertion
-- order, so a BRIN index finds them at almost no cost per append.
CREATE INDEX audit_exchanges_by_client ON audit_exchanges (client_id, seq);
CREATE INDEX audit_exchanges_by_at ON audit_exchanges USING brin (at);
CREATE INDEX audit_exchanges_by_resource ON audit_exchanges USING gin ((resources::jsonb) jsonb_path_ops)
  WITH (fastupdate = off);
-- Rows no month partition takes. Partitions are created months ahead (at
-- start-up and daily), so this one stays empty; were it not, the month could
-- not be partitioned until its rows are moved.
CREATE TABLE audit_exchanges_default PARTITION OF audit_exchanges DEFAULT;

-- Append-only, whatever role writes: row triggers reach every partition,
-- present and future; TRUNCATE needs one per table (see audit_ensure_month).
CREATE OR REPLACE FUNCTION audit_exchanges_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_exchanges is append-only';
END $$;
CREATE TRIGGER audit_exchanges_append_only BEFORE UPDATE OR DELETE ON audit_exchanges
  FOR EACH ROW EXECUTE FUNCTION audit_exchanges_append_only();
CREATE TRIGGER audit_exchanges_no_truncate BEFORE TRUNCATE ON audit_exchanges
  FOR EACH STATEMENT EXECUTE FUNCTION audit_exchanges_append_only();
CREATE TRIGGER audit_exchanges_no_truncate BEFORE TRUNCATE ON audit_exchanges_default
  FOR EACH STATEMENT EXECUTE FUNCTION audit_exchanges_append_only();

-- The partition of the month holding `day` (UTC), created if missing.
CREATE FUNCTION audit_ensure_month(day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', day)::date;
  name text := format('audit_exchanges_y%sm%s', to_char(first, 'YYYY'), to_char(first, 'MM'));
BEGIN
  IF to_regclass(name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF audit_exchanges FOR VALUES FROM (%L) TO (%L)', name,
                   first::timestamp AT TIME ZONE 'UTC', (first + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    EXECUTE format('CREATE TRIGGER audit_exchanges_no_truncate BEFORE TRUNCATE ON %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION audit_exchanges_append_only()', name);
  END IF;
  RETURN name;
END $$;

-- The months of the records kept so far, this month and the next two.
SELECT audit_ensure_month(m::date)
  FROM (SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') AS m FROM audit_exchanges_unpartitioned
        UNION SELECT date_trunc('month', now() AT TIME ZONE 'UTC') + n * interval '1 month' FROM generate_series(0, 2) n) months;

INSERT INTO audit_exchanges (seq, at, client_id, method, route, target, status, request_id, trace_id, duration_us,
                             request_body, response_sha256, response_body, resources, prev_hash, hash,
                             contract_version, contract_sha256, adapter, mapping_version, mapping_sha256)
SELECT seq, at, client_id, method, route, target, status, request_id, trace_id, duration_us, request_body,
       response_sha256, response_body, resources, prev_hash, hash, contract_version, contract_sha256, adapter,
       mapping_version, mapping_sha256
  FROM audit_exchanges_unpartitioned;
DROP TABLE audit_exchanges_unpartitioned;

-- One key per person (and one per month for what names no person: refused
-- requests, household-level changes), wrapped by the master key of the
-- configuration. Erasing a row makes that subject's data unreadable in every
-- record and export, while the chain, which covers the ciphertext, still
-- verifies.
CREATE TABLE audit_subject_keys (
  subject    text COLLATE "C" PRIMARY KEY,  -- "person:90512191", "period:2026-11"
  wrapped    text NOT NULL,                 -- base64: nonce, AES-256-GCM ciphertext, tag
  created_at timestamptz NOT NULL DEFAULT now()
);

-- What was erased, when, by which exchange: the trace of the right to be forgotten.
CREATE TABLE audit_erasures (
  subject   text NOT NULL,
  erased_at timestamptz NOT NULL,
  seq       bigint NOT NULL,  -- the retention exchange that erased it
  PRIMARY KEY (subject, erased_at)
);

-- Signed chain heads: every N records and on demand.
CREATE TABLE audit_checkpoints (
  seq        bigint PRIMARY KEY,
  hash       text NOT NULL,
  at         timestamptz NOT NULL,
  public_key text NOT NULL,  -- hex of the raw Ed25519 public key that signed
  signature  text NOT NULL   -- hex
);

-- Every mapping bundle (a mapping and its code lists) and schema set ever in
-- force, by the SHA-256 the records pin, so that a replay can load them.
CREATE TABLE rule_versions (
  sha256          text PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('mapping', 'schemas')),
  name            text NOT NULL,
  source          json NOT NULL,  -- {"file name": "text", ...}
  first_loaded_at timestamptz NOT NULL DEFAULT now()
);
