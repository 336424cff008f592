-- Partners' own keys for SIAO records (Rosalie's cleFamille, idPersonneRosalie,
-- idDemandeRosalie...): one SIAO record per (partner, kind, key), never two.
-- A record may have several keys of one partner (after a merge, every key of
-- the absorbed record resolves to the survivor).
-- Keys are opaque identifiers: compared byte for byte (COLLATE "C"), which
-- keeps locale rules out of every lookup and every insert into the index.
CREATE TABLE partner_keys (
  partner    text COLLATE "C" NOT NULL,
  kind       text COLLATE "C" NOT NULL CHECK (kind IN ('household', 'person', 'request')),
  key        text COLLATE "C" NOT NULL CHECK (length(key) BETWEEN 1 AND 128),
  siao_id    bigint NOT NULL,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  PRIMARY KEY (partner, kind, key)
);
CREATE INDEX partner_keys_by_record ON partner_keys (kind, siao_id);

-- Every change of a key's target after its creation (which is the key's own
-- row: created_at, created_by), oldest first: a merge moves it to the survivor.
CREATE TABLE partner_key_history (
  seq      bigserial PRIMARY KEY,
  partner  text NOT NULL,
  kind     text NOT NULL,
  key      text NOT NULL,
  siao_id  bigint NOT NULL,
  at       timestamptz NOT NULL,
  by       text NOT NULL,
  change   text NOT NULL
);
CREATE INDEX partner_key_history_by_key ON partner_key_history (partner, kind, key, seq);

-- Which adapter and mapping translated each exchange, so that a replay can
-- re-run the exact translation (null for v2, which needs none).
ALTER TABLE audit_exchanges ADD COLUMN adapter text, ADD COLUMN mapping_version text, ADD COLUMN mapping_sha256 text;
