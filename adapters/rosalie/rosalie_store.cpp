#include "adapters/rosalie/rosalie_store.hpp"

#include <pqxx/pqxx>

#include "gateway/storage/resource_store.hpp"

namespace siao::adapters::rosalie {

const std::vector<storage::PreparedStatement>& store_statements() {
  static const std::vector<storage::PreparedStatement> all = {
      // One index lookup per key or id, whatever the table's statistics: a lateral subquery kept apart by
      // OFFSET 0 cannot be pulled up into a join that a generic plan made on a young table would run as a
      // scan of all of the partner's keys (189 ms at 200,000 keys for "key IN (...)", 0.05 ms this way).
      {"rosalie_keys_resolve",
       "SELECT w.key, p.siao_id FROM json_array_elements_text($3::json) AS w(key) CROSS JOIN LATERAL "
       "(SELECT siao_id FROM partner_keys p WHERE p.partner = $1 AND p.kind = $2 AND p.key = w.key OFFSET 0) p"},
      // By (kind, siao_id) only inside the subquery, so that partner_keys_by_record is the index it takes.
      {"rosalie_keys_of",
       "SELECT p.siao_id, p.key FROM json_array_elements_text($3::json) AS w(id) CROSS JOIN LATERAL "
       "(SELECT partner, siao_id, key FROM partner_keys p WHERE p.kind = $2 AND p.siao_id = w.id::bigint OFFSET 0) p "
       "WHERE p.partner = $1 ORDER BY p.siao_id, p.key"},
      {"rosalie_reservation_find",
       "SELECT request_id FROM rosalie_reservations WHERE partner = $1 AND id_reservation = $2"},
      {"rosalie_reservation_add",
       "INSERT INTO rosalie_reservations (partner, id_reservation, request_id, hotel, start_date, end_date, extends, "
       "created_at, created_by) VALUES ($1, $2, $3, $4, $5::date, $6::date, $7, $8::timestamptz, $9)"},
  };
  return all;
}

std::vector<std::pair<std::string, std::int64_t>> resolve_keys(pqxx::transaction_base& tx, std::string_view partner,
                                                               std::string_view kind,
                                                               const std::vector<std::string>& keys) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  if (keys.empty()) return out;
  const auto rows = tx.exec_prepared("rosalie_keys_resolve", std::string(partner), std::string(kind),
                                     storage::json_string_array(keys));
  out.reserve(rows.size());
  for (const auto& row : rows) out.emplace_back(row[0].as<std::string>(), row[1].as<std::int64_t>());
  return out;
}

std::vector<std::pair<std::int64_t, std::string>> keys_of(pqxx::transaction_base& tx, std::string_view partner,
                                                          std::string_view kind, const std::vector<std::int64_t>& ids) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  if (ids.empty()) return out;
  std::string list = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) list += ',';
    list += '"' + std::to_string(ids[i]) + '"';
  }
  list += ']';
  const auto rows = tx.exec_prepared("rosalie_keys_of", std::string(partner), std::string(kind), list);
  out.reserve(rows.size());
  for (const auto& row : rows) out.emplace_back(row[0].as<std::int64_t>(), row[1].as<std::string>());
  return out;
}

std::optional<std::int64_t> reservation_request(pqxx::transaction_base& tx, std::string_view partner,
                                                std::string_view id) {
  const auto rows = tx.exec_prepared("rosalie_reservation_find", std::string(partner), std::string(id));
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

void add_reservation(pqxx::transaction_base& tx, std::string_view partner, const Reservation& r, std::string_view at,
                     std::string_view by) {
  tx.exec_prepared0("rosalie_reservation_add", std::string(partner), r.id, r.request_id, r.hotel, r.start_date,
                    r.end_date, r.extends, std::string(at), std::string(by));
}

}  // namespace siao::adapters::rosalie
