#include "gateway/storage/partner_keys.hpp"

#include <pqxx/pqxx>

#include "gateway/resources/json_out.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::storage {

namespace {

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

// After the insertion failed: the first of `keys` (households first) that another record holds. Each key is looked
// up by the primary key (a lateral subquery kept apart by OFFSET 0: a plain join on a young table without
// statistics was planned as a hash join over every key of the partner, 58 ms at 200,000).
std::optional<std::pair<std::string, std::int64_t>> taken_key(pqxx::transaction_base& tx, std::string_view partner,
                                                              const std::string& keys) {
  auto rows = tx.exec_prepared("partner_keys_taken", std::string(partner), keys);
  if (rows.empty()) return std::nullopt;
  return std::make_pair(rows[0][0].as<std::string>(), rows[0][1].as<std::int64_t>());
}

}  // namespace

const std::vector<PreparedStatement>& partner_key_statements() {
  static const std::vector<PreparedStatement> all = {
      {"partner_key_resolve", "SELECT siao_id FROM partner_keys WHERE partner = $1 AND kind = $2 AND key = $3"},
      {"partner_keys_taken",
       "SELECT w.key, k.siao_id FROM json_to_recordset($2::json) AS w(kind text, key text, siao_id bigint) "
       "JOIN LATERAL (SELECT siao_id FROM partner_keys p WHERE p.partner = $1 AND p.kind = w.kind AND p.key = w.key "
       "OFFSET 0) k ON true ORDER BY w.kind, w.key LIMIT 1"},
      // An exchange's versions and keys in one round trip. The keys are inserted plainly, the cheapest there is
      // (ON CONFLICT cost a speculative insertion per key: 33 us against 18 us for a family of four, see
      // bench/RESULTS.md); a key already taken fails the statement on the primary key. The creation is the key's
      // own row; partner_key_history records what changes its target later.
      {"partner_keys_add_with_versions",
       std::string("WITH versions AS (INSERT INTO resource_versions (kind, id, version, at, by, change, snapshot) "
                   "SELECT kind, id, version, at, by, change, snapshot::json FROM ") +
           kVersionRecordset +
           " RETURNING 1) INSERT INTO partner_keys (partner, kind, key, siao_id, created_at, created_by) "
           "SELECT $2, kind, key, siao_id, $4::timestamptz, $5 FROM json_to_recordset($3::json) "
           "AS w(kind text, key text, siao_id bigint)"},
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

std::optional<std::pair<std::string, std::int64_t>> add_partner_keys(
    pqxx::transaction_base& tx, const std::vector<VersionRow>& versions, std::string_view partner,
    const std::vector<NewPartnerKey>& keys, std::string_view at, std::string_view by) {
  const auto json = keys_json(keys);
  try {
    tx.exec_prepared("partner_keys_add_with_versions", versions_json(versions), std::string(partner), json,
                     std::string(at), std::string(by));
    return std::nullopt;
  } catch (const pqxx::unique_violation&) {
    // A key that a concurrent exchange inserted waited for its end: committed, it is found here as taken;
    // rolled back, the insertion went through. A violation that no key explains goes on as the error it is.
    rollback_step(tx);
    if (auto taken = taken_key(tx, partner, json)) return taken;
    throw;
  }
}

std::vector<resources::PartnerKey> partner_keys_of(pqxx::transaction_base& tx, std::string_view kind,
                                                   std::int64_t siao_id) {
  std::vector<resources::PartnerKey> out;
  for (const auto& row : tx.exec_prepared("partner_keys_of", std::string(kind), siao_id))
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
  return out;
}

}  // namespace siao::storage
