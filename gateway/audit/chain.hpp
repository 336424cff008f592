#pragma once
// The exchange log's hash chain: each record's hash covers its predecessor's,
// so a changed or removed record breaks every link after it. Personal data is
// sealed before it is hashed: the chain covers the ciphertext, and still
// verifies once a subject's key is erased.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/audit/crypto.hpp"
#include "gateway/audit/subject_keys.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::audit {

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
  // Added with sealing (migration 0007): covered when `subjects` is set.
  std::optional<std::string_view> subjects, query, headers, canonical, schemas_sha256, gateway_version;
};
std::string record_hash(std::string_view prev_hash, const RecordFields& f);

class Exchange;
// The resources an exchange touched, as its record's `resources` column holds them.
std::string resources_json(const Exchange& ex);

// What a checkpoint's signature covers.
std::string checkpoint_message(std::int64_t seq, std::string_view hash);

struct TrailOptions {
  int checkpoint_every = 10'000;
  std::optional<std::string> schemas_sha256;  // of the schema set in force
  std::string gateway_version;
};

// The batch finisher: appends one record per exchange of the batch, in order,
// holding the chain head's row lock until the batch commits.
class Trail {
 public:
  static const std::vector<storage::PreparedStatement>& statements();

  Trail(const KeyRing& keys, const crypto::Signer& signer, TrailOptions options)
      : keys_(keys), signer_(signer), options_(std::move(options)) {}
  void append(pqxx::transaction_base& tx, const std::vector<storage::BatchStep*>& steps) const;

 private:
  const KeyRing& keys_;
  const crypto::Signer& signer_;
  TrailOptions options_;
};

// Signs the chain head now (on demand), unless it is signed already; returns its seq (0: the log is empty).
std::int64_t sign_chain_head(pqxx::transaction_base& tx, const crypto::Signer& signer);

}  // namespace siao::audit
