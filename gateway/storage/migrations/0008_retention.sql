-- Retention: the right to be forgotten (`siao-gateway retention run`,
-- docs/audit/retention.md). Households inactive for audit.retention_days have
-- their persons' audit keys erased and their live records anonymised.

-- The households a retention run anonymised, with the last activity they had
-- then: a later run skips them until something new happens to them (a partner
-- may still write to an anonymised household; that activity starts a new
-- retention period).
CREATE TABLE retention_forgotten (
  household_id  bigint PRIMARY KEY,
  last_activity timestamptz NOT NULL,
  forgotten_at  timestamptz NOT NULL,
  seq           bigint NOT NULL  -- the retention exchange of the audit log that anonymised it
);

-- Versions are history: once written, a version is never changed or removed.
-- The one exception is the retention run, which anonymises the snapshots of
-- forgotten records in place (their kind, id, version, time, author and change
-- stay, so that history keeps its shape). It says so with a transaction-local
-- setting: SET LOCAL siao.retention = 'on'. This guards against mistakes; the
-- role that runs retention is the gateway's own. TRUNCATE is not guarded (a
-- replay's scratch database is emptied so).
CREATE FUNCTION resource_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('siao.retention', true) = 'on'
     AND (NEW.kind, NEW.id, NEW.version, NEW.at, NEW."by", NEW.change)
         = (OLD.kind, OLD.id, OLD.version, OLD.at, OLD."by", OLD.change) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'resource_versions is append-only: only a retention run may anonymise a snapshot';
END $$;
CREATE TRIGGER resource_versions_immutable BEFORE UPDATE OR DELETE ON resource_versions
  FOR EACH ROW EXECUTE FUNCTION resource_versions_immutable();
