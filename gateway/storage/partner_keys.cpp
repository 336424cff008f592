#include "gateway/storage/partner_keys.hpp"

#include <pqxx/pqxx>

#include "gateway/http/problem.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::storage {

namespace {

// The keys' part of the adding statements. The usual case (no key taken) costs one insertion per key: ON
// CONFLICT DO NOTHING skips a taken key, and only the keys left out are looked up, by the primary key (a lateral
// subquery kept apart by OFFSET 0: a plain join on a young table without statistics was planned as a hash join
// over every key of the partner, 58 ms at 200,000). A key left out comes back, with the record it names when it
// is visible; the caller then refuses the exchange, which rolls back what was inserted: all or nothing.
// The creation is the key's own row; partner_key_history records what changes its target later.
std::string adding_keys(const char* partner, const char* keys, const char* at, const char* by) {
  return std::string("wanted AS (SELECT * FROM json_to_recordset(") + keys +
         "::json) AS w(kind text, key text, siao_id bigint)), "
         "added AS (INSERT INTO partner_keys (partner, kind, key, siao_id, created_at, created_by) "
         "SELECT " + partner + ", kind, key, siao_id, " + at + "::timestamptz, " + by +
         " FROM wanted ON CONFLICT DO NOTHING RETURNING kind, key), "
         "missing AS MATERIALIZED (SELECT w.kind, w.key FROM wanted w WHERE NOT EXISTS "
         "(SELECT 1 FROM added a WHERE a.kind = w.kind AND a.key = w.key)) "
         "SELECT m.kind, m.key, k.siao_id FROM missing m LEFT JOIN LATERAL "
         "(SELECT siao_id FROM partner_keys p WHERE p.partner = " + partner +
         " AND p.kind = m.kind AND p.key = m.key OFFSET 0) k ON true ORDER BY m.kind, m.key LIMIT 1";
}

std::string keys_json(const std::vector<NewPartnerKey>& keys) {
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartArray();
    for (const auto& k : keys) {
      w.StartObject();
      resources::put(w, "kind", k.kind);
      resources::put(w, "key", k.key);
      resources::put(w, "siao_id");
      w.Int64(k.siao_id);
      w.EndObject();
    }
    w.EndArray();
  });
}

std::optional<std::pair<std::string, std::int64_t>> taken_key(const pqxx::result& taken) {
  if (taken.empty()) return std::nullopt;
  // Left out, yet not visible: a concurrent exchange recorded it after this statement began.
  if (taken[0][2].is_null())
    throw http::HttpError(http::make_problem(409, "conflict", "A concurrent request recorded the same key; read it again."));
  return std::make_pair(taken[0][1].as<std::string>(), taken[0][2].as<std::int64_t>());
}

}  // namespace

const std::vector<PreparedStatement>& partner_key_statements() {
  static const std::vector<PreparedStatement> all = {
      {"partner_key_resolve", "SELECT siao_id FROM partner_keys WHERE partner = $1 AND kind = $2 AND key = $3"},
      {"partner_keys_add", "WITH " + adding_keys("$1", "$2", "$3", "$4")},
      // An exchange's versions and keys in one round trip.
      {"partner_keys_add_with_versions",
       std::string("WITH versions AS (INSERT INTO resource_versions (kind, id, version, at, by, change, snapshot) "
                   "SELECT kind, id, version, at, by, change, snapshot::json FROM ") +
           kVersionRecordset + " RETURNING 1), " + adding_keys("$2", "$3", "$4", "$5")},
      {"partner_keys_of",
       "SELECT partner, key FROM partner_keys WHERE kind = $1 AND siao_id = $2 ORDER BY partner, key"},
  };
  return all;
}

std::optional<std::int64_t> resolve_partner_key(pqxx::transaction_base& tx, std::string_view partner,
                                                std::string_view kind, std::string_view key) {
  auto rows = tx.exec_prepared("partner_key_resolve", std::string(partner), std::string(kind), std::string(key));
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

std::optional<std::pair<std::string, std::int64_t>> add_partner_keys(pqxx::transaction_base& tx,
                                                                     std::string_view partner,
                                                                     const std::vector<NewPartnerKey>& keys,
                                                                     std::string_view at, std::string_view by) {
  if (keys.empty()) return std::nullopt;
  return taken_key(
      tx.exec_prepared("partner_keys_add", std::string(partner), keys_json(keys), std::string(at), std::string(by)));
}

std::optional<std::pair<std::string, std::int64_t>> add_partner_keys_with_versions(
    pqxx::transaction_base& tx, const std::vector<VersionRow>& versions, std::string_view partner,
    const std::vector<NewPartnerKey>& keys, std::string_view at, std::string_view by) {
  return taken_key(tx.exec_prepared("partner_keys_add_with_versions", versions_json(versions), std::string(partner),
                                    keys_json(keys), std::string(at), std::string(by)));
}

std::vector<resources::PartnerKey> partner_keys_of(pqxx::transaction_base& tx, std::string_view kind,
                                                   std::int64_t siao_id) {
  std::vector<resources::PartnerKey> out;
  for (const auto& row : tx.exec_prepared("partner_keys_of", std::string(kind), siao_id))
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
  return out;
}

}  // namespace siao::storage
