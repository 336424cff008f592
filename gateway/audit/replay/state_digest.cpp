#include "gateway/audit/replay/state_digest.hpp"

#include <pqxx/pqxx>

#include "gateway/util/hex.hpp"

namespace siao::audit::replay {

namespace {

// Each resource as one text: its row as row_to_json writes it (every column, in table order), then its versions
// in order. A partner key: its row, then its changes of target in the order they happened (their serial `seq`
// is left out: a concurrent refusal may burn one, and a rebuild numbers them afresh). Both sides run the same
// migrations, so their columns are the same and in the same order.
constexpr const char* kDigestSql = R"SQL(
WITH current_rows AS (
  SELECT 'household:' || h.id AS k, row_to_json(h)::text AS t FROM households h
  UNION ALL SELECT 'person:' || p.id, row_to_json(p)::text FROM persons p
  UNION ALL SELECT 'request:' || r.id, row_to_json(r)::text FROM requests r
), history AS (
  SELECT v.kind || ':' || v.id AS k, string_agg(row_to_json(v)::text, E'\n' ORDER BY v.version) AS t
    FROM resource_versions v GROUP BY v.kind, v.id
), resources AS (
  SELECT coalesce(c.k, h.k) AS k, coalesce(c.t, '-') || E'\n' || coalesce(h.t, '-') AS t
    FROM current_rows c FULL JOIN history h ON h.k = c.k
), key_rows AS (
  SELECT 'partner_key:' || pk.partner || '/' || pk.kind || '/' || pk.key AS k, row_to_json(pk)::text AS t
    FROM partner_keys pk
), key_changes AS (
  SELECT 'partner_key:' || x.partner || '/' || x.kind || '/' || x.key AS k,
         string_agg(json_build_array(x.siao_id, x.at, x.by, x.change)::text, E'\n' ORDER BY x.seq) AS t
    FROM partner_key_history x GROUP BY x.partner, x.kind, x.key
), keys AS (
  SELECT coalesce(r.k, c.k) AS k, coalesce(r.t, '-') || E'\n' || coalesce(c.t, '-') AS t
    FROM key_rows r FULL JOIN key_changes c ON c.k = r.k
), reservations AS (
  SELECT 'reservation:' || r.partner || '/' || r.id_reservation AS k, row_to_json(r)::text AS t
    FROM rosalie_reservations r
)
SELECT k, encode(sha256(convert_to(t, 'UTF8')), 'hex')
  FROM (SELECT k, t FROM resources UNION ALL SELECT k, t FROM keys UNION ALL SELECT k, t FROM reservations) a
 ORDER BY k COLLATE "C"
)SQL";

}  // namespace

std::vector<ResourceDigest> resource_digests(pqxx::transaction_base& tx) {
  // Timestamps in row_to_json follow the session's time zone: one zone for both sides.
  tx.exec("SET LOCAL TIME ZONE 'UTC'");
  auto rows = tx.exec(kDigestSql);
  std::vector<ResourceDigest> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
  return out;
}

std::string combine(const std::vector<ResourceDigest>& digests) {
  std::string text;
  text.reserve(digests.size() * 96);
  for (const auto& d : digests) {
    text.append(d.key).push_back(' ');
    text.append(d.sha256).push_back('\n');
  }
  return util::sha256_hex(text);
}

std::string state_digest(pqxx::transaction_base& tx) { return combine(resource_digests(tx)); }

std::vector<DigestDifference> compare(const std::vector<ResourceDigest>& left, const std::vector<ResourceDigest>& right) {
  std::vector<DigestDifference> out;
  std::size_t i = 0, j = 0;
  // Both in byte order of their keys (ORDER BY ... COLLATE "C", as std::string compares).
  while (i < left.size() || j < right.size()) {
    if (j == right.size() || (i < left.size() && left[i].key < right[j].key)) {
      out.push_back({left[i].key, left[i].sha256, ""});
      ++i;
    } else if (i == left.size() || right[j].key < left[i].key) {
      out.push_back({right[j].key, "", right[j].sha256});
      ++j;
    } else {
      if (left[i].sha256 != right[j].sha256) out.push_back({left[i].key, left[i].sha256, right[j].sha256});
      ++i;
      ++j;
    }
  }
  return out;
}

}  // namespace siao::audit::replay
