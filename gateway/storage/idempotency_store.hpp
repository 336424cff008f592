#pragma once
// Idempotency-Key records: the first answer to a POST, per client and key,
// kept in the database so that a retry after a restart or on another
// instance replays it.
#include <cstdint>
#include <optional>
#include <pqxx/transaction_base>
#include <string>

#include "gateway/http/message.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::storage {

const std::vector<PreparedStatement>& idempotency_statements();

struct StoredAnswer {
  std::string request_sha256;
  http::Response response;
};

// Held until the transaction ends: false when another is using this key now.
bool lock_idempotency_key(pqxx::transaction_base& tx, const std::string& client, const std::string& key);
std::optional<StoredAnswer> find_idempotency_key(pqxx::transaction_base& tx, const std::string& client,
                                                 const std::string& key);
void store_idempotency_key(pqxx::transaction_base& tx, const std::string& client, const std::string& key,
                           const std::string& request_sha256, const http::Response& response);
// Deletes the records older than `retention_hours`; returns how many.
std::int64_t purge_idempotency_keys(pqxx::transaction_base& tx, int retention_hours);

}  // namespace siao::storage
