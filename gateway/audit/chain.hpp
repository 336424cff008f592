#pragma once
// The exchange log's hash chain: each record's hash covers its predecessor's,
// so a changed or removed record breaks every link after it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/storage/pool.hpp"

namespace siao::audit {

const std::vector<storage::PreparedStatement>& audit_statements();

// The batch finisher: appends one record per exchange of the batch, in order,
// holding the chain head's row lock until the batch commits.
void append_to_chain(pqxx::transaction_base& tx, const std::vector<storage::BatchStep*>& steps);

// Every column of a record as stored (nullable ones as nullopt): the hash
// covers them all, so a changed byte anywhere in a row breaks its link.
struct RecordFields {
  std::int64_t seq;
  std::string_view at, client_id, method, route, target;
  int status;
  std::string_view request_id, trace_id;
  std::int64_t duration_us;
  std::optional<std::string_view> request_body;
  std::string_view response_sha256;
  std::optional<std::string_view> response_body;
  std::string_view resources_json;
  std::optional<std::string_view> contract_version, contract_sha256;  // null: no contract (a 401)
  std::optional<std::string_view> adapter, mapping_version, mapping_sha256;  // null: no contract; no mapping
};
std::string record_hash(std::string_view prev_hash, const RecordFields& f);

}  // namespace siao::audit
