#include "gateway/storage/partner_keys.hpp"

#include <pqxx/pqxx>

#include "gateway/resources/json_out.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::storage {

namespace {

// The keys' part of the adding statements, all or nothing: the keys already taken come back, and then nothing
// is inserted. Each wanted key is looked up by the primary key (a lateral join): a plain join lets the
// planner, without statistics on a young table, compare every new key with every key the partner has, and
// OFFSET 0 keeps the lateral subquery from being pulled up into such a join (a generic plan made on a young
// table turned it into a hash join over all of the partner's keys: 58 ms at 200,000).
// The creation is the key's own row; partner_key_history records what changes its target later.
std::string adding_keys(const char* partner, const char* keys, const char* at, const char* by) {
  return std::string("wanted AS (SELECT * FROM json_to_recordset(") + keys +
         "::json) AS w(kind text, key text, siao_id bigint)), "
         "taken AS (SELECT w.kind, w.key, k.siao_id FROM wanted w CROSS JOIN LATERAL "
         "(SELECT siao_id FROM partner_keys p WHERE p.partner = " + partner +
         " AND p.kind = w.kind AND p.key = w.key OFFSET 0) k), "
         "added AS (INSERT INTO partner_keys (partner, kind, key, siao_id, created_at, created_by) "
         "SELECT " + partner + ", kind, key, siao_id, " + at + "::timestamptz, " + by +
         " FROM wanted WHERE NOT EXISTS (SELECT 1 FROM taken) RETURNING 1) "
         "SELECT kind, key, siao_id FROM taken ORDER BY kind, key LIMIT 1";
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
