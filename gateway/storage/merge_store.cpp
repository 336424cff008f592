#include "gateway/storage/merge_store.hpp"

#include <pqxx/pqxx>
#include <string>

namespace siao::storage {

const std::vector<PreparedStatement>& merge_statements() {
  static const std::vector<PreparedStatement> all = {
      {"merge_lock_persons", "SELECT id FROM persons WHERE id IN ($1, $2) ORDER BY id FOR UPDATE"},
      {"merge_lock_members",
       "SELECT id FROM persons WHERE household_id IN ($1, $2) AND status = 'active' ORDER BY id FOR UPDATE"},
      {"merge_lock_requests", "SELECT id FROM requests WHERE household_id IN ($1, $2) ORDER BY id FOR UPDATE"},
      // A data-modifying WITH runs once whether or not the outer query reads it: the keys move and their history
      // is written in the same statement, which answers with the keys moved.
      {"merge_move_partner_keys",
       "WITH moved AS (UPDATE partner_keys SET siao_id = $3 WHERE kind = $1 AND siao_id = $2 "
       "RETURNING partner, kind, key, siao_id), "
       "logged AS (INSERT INTO partner_key_history (partner, kind, key, siao_id, at, by, change) "
       "SELECT partner, kind, key, siao_id, $4::timestamptz, $5, 'merged' FROM moved) "
       "SELECT partner, key FROM moved ORDER BY partner, key"},
  };
  return all;
}

void lock_persons(pqxx::transaction_base& tx, std::int64_t a, std::int64_t b) {
  tx.exec_prepared("merge_lock_persons", a, b);
}

void lock_members(pqxx::transaction_base& tx, std::int64_t a, std::int64_t b) {
  tx.exec_prepared("merge_lock_members", a, b);
}

void lock_requests(pqxx::transaction_base& tx, std::int64_t a, std::int64_t b) {
  tx.exec_prepared("merge_lock_requests", a, b);
}

std::vector<resources::PartnerKey> move_partner_keys(pqxx::transaction_base& tx, std::string_view kind,
                                                     std::int64_t from, std::int64_t to, std::string_view at,
                                                     std::string_view by) {
  std::vector<resources::PartnerKey> moved;
  for (const auto& row :
       tx.exec_prepared("merge_move_partner_keys", std::string(kind), from, to, std::string(at), std::string(by)))
    moved.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
  return moved;
}

}  // namespace siao::storage
