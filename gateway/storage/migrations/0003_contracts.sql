-- Every version of every contract ever loaded, so that an old exchange can be
-- read and replayed under the rules it ran under.
CREATE TABLE contract_versions (
  sha256          text PRIMARY KEY,  -- of the file's bytes
  client_id       text NOT NULL,
  version         text NOT NULL,
  source          text NOT NULL,
  first_loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contract_versions_by_client ON contract_versions (client_id, first_loaded_at);

-- Which contract authorised each exchange (null when none did: a 401).
-- The record hash covers these only when set, so records written before
-- them still verify.
ALTER TABLE audit_exchanges ADD COLUMN contract_version text, ADD COLUMN contract_sha256 text;
