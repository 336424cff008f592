#include "gateway/audit/replay/rebuild_scratch.hpp"

#include <pqxx/pqxx>

#include "gateway/storage/migrations.hpp"

namespace siao::audit::replay {

namespace {

// Created after the migrations, in its own schema, so that the schema of the application stays as migrated.
// next_ids: the ids the exchange being replayed minted live, per sequence. replay.nextval pops the smallest;
// when none is queued (an exchange the log shows minting nothing, such as a refusal after minting), it answers
// from the top of the sequence's range downwards, where no live id can be, so that such an id never collides
// with one a later exchange is given.
constexpr const char* kReplaySchema = R"SQL(
CREATE SCHEMA replay;
CREATE TABLE replay.next_ids (seq regclass NOT NULL, id bigint NOT NULL, PRIMARY KEY (seq, id));
CREATE SEQUENCE replay.unexpected_ids;

CREATE FUNCTION replay.nextval(s regclass) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v bigint;
BEGIN
  DELETE FROM replay.next_ids n
   WHERE n.seq = s AND n.id = (SELECT min(m.id) FROM replay.next_ids m WHERE m.seq = s)
  RETURNING n.id INTO v;
  IF v IS NULL THEN
    SELECT q.seqmax - pg_catalog.nextval('replay.unexpected_ids'::regclass) + 1 INTO v
      FROM pg_catalog.pg_sequence q WHERE q.seqrelid = s;
  END IF;
  RETURN v;
END $$;

CREATE FUNCTION replay.expect(resources json) RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  n integer;
BEGIN
  DELETE FROM replay.next_ids;
  INSERT INTO replay.next_ids (seq, id)
  SELECT DISTINCT CASE r.kind WHEN 'household' THEN 'public.household_ids'::regclass
                              WHEN 'person' THEN 'public.person_ids'::regclass
                              ELSE 'public.request_ids'::regclass END,
                  r.id::bigint
    FROM json_to_recordset(resources) AS r(kind text, id text, written boolean)
   WHERE r.written AND r.kind IN ('household', 'person', 'request')
     AND NOT (r.kind = 'household' AND EXISTS (SELECT 1 FROM public.households x WHERE x.id = r.id::bigint))
     AND NOT (r.kind = 'person' AND EXISTS (SELECT 1 FROM public.persons x WHERE x.id = r.id::bigint))
     AND NOT (r.kind = 'request' AND EXISTS (SELECT 1 FROM public.requests x WHERE x.id = r.id::bigint));
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
)SQL";

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '/')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  return s;
}

struct Identity {
  std::string database, address, port;
  bool operator==(const Identity&) const = default;
};

Identity identity_of(pqxx::transaction_base& tx) {
  auto r = tx.exec1("SELECT current_database(), coalesce(host(inet_server_addr()), 'local'), "
                    "coalesce(inet_server_port()::text, current_setting('port'))");
  return {r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()};
}

}  // namespace

void prepare_scratch(const std::string& scratch_url, const std::string& live_url) {
  if (trimmed(scratch_url).empty()) throw ScratchRefused("no scratch database is configured (audit.replay_database_url)");
  if (trimmed(scratch_url) == trimmed(live_url))
    throw ScratchRefused("audit.replay_database_url names the live database: a rebuild empties its scratch database");
  pqxx::connection scratch(scratch_url);
  {
    Identity live_id;
    {
      pqxx::connection live(live_url);
      pqxx::read_transaction tx(live);
      live_id = identity_of(tx);
    }
    pqxx::work tx(scratch);
    if (identity_of(tx) == live_id)
      throw ScratchRefused("audit.replay_database_url reaches the live database (" + live_id.database +
                           "): a rebuild empties its scratch database");
    // Whatever its URL, a database with exchange records is someone's log: a rebuild never records exchanges.
    auto log = tx.exec1("SELECT to_regclass('public.audit_exchanges') IS NOT NULL");
    if (log[0].as<bool>() && !tx.exec("SELECT 1 FROM public.audit_exchanges LIMIT 1").empty())
      throw ScratchRefused("the scratch database holds exchange records: it looks like a live database, not emptied");
    tx.exec("DROP SCHEMA IF EXISTS replay CASCADE");
    tx.exec("DROP SCHEMA IF EXISTS public CASCADE");
    tx.exec("CREATE SCHEMA public");
    tx.commit();
  }
  storage::migrate(scratch_url, storage::embedded_migrations());
  pqxx::work tx(scratch);
  tx.exec(kReplaySchema);
  tx.commit();
}

// Also synchronous_commit off: a scratch database is rebuilt from the log, not trusted with anything, and its
// commits need not wait for the disk (a rebuild commits once per exchange).
std::string shadowing_url(const std::string& url) {
  bool uri = url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
  if (!uri) return url + " options='-c search_path=replay,pg_catalog,public -c synchronous_commit=off'";
  return url + (url.find('?') == std::string::npos ? "?" : "&") +
         "options=-c%20search_path%3Dreplay%2Cpg_catalog%2Cpublic%20-c%20synchronous_commit%3Doff";
}

void check_shadowing(const std::string& replay_url) {
  pqxx::connection c(replay_url);
  c.prepare("replay_shadow_check", "SELECT nextval('request_ids')");
  pqxx::work tx(c);
  tx.exec("INSERT INTO replay.next_ids VALUES ('public.request_ids'::regclass, 79999999)");
  auto id = tx.exec_prepared1("replay_shadow_check")[0].as<std::int64_t>();
  tx.abort();
  if (id != 79999999)
    throw ScratchRefused("replay.nextval does not shadow nextval on the scratch database's sessions (got " +
                         std::to_string(id) + "): ids would not be the recorded ones");
}

int expect_ids(pqxx::transaction_base& tx, const std::string& resources_json) {
  return tx.exec_params1("SELECT replay.expect($1::json)", resources_json)[0].as<int>();
}

}  // namespace siao::audit::replay
