#pragma once
// Verification of the exchange log: links, hashes, sequence and signed
// checkpoints, fed in seq order from the database or from an export.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/audit/log_reader.hpp"

namespace siao::audit {

struct Checkpoint {
  std::int64_t seq = 0;
  std::string hash, at, public_key, signature;
};

struct VerifyResult {
  std::int64_t checked = 0;      // records whose hash was recomputed
  std::int64_t checkpoints = 0;  // signatures checked
  bool ok = true;
  std::optional<std::int64_t> first_broken;  // the first record altered, missing or out of place
  std::string reason;                        // why, for a person to read
  bool anchored = false;  // the first record follows a signed checkpoint or the chain's start
  std::string to_json() const;  // {"checked","ok","firstBroken","reason","checkpoints","anchored"}
};

// What one verifier found over a run of consecutive records: how it starts and ends, so that runs verified
// apart (in parallel) join into one chain.
struct Span {
  std::int64_t first_seq = 0, last_seq = 0;  // last_seq 0: no record
  std::string first_prev_hash, last_hash;
  std::int64_t checked = 0;
  std::optional<std::int64_t> broken;
  std::string reason;
};

class ChainVerifier {
 public:
  // Signatures must be by `trusted_public_key_hex` (raw Ed25519, hex).
  explicit ChainVerifier(std::string trusted_public_key_hex);

  void add_checkpoint(Checkpoint c);  // any time before finish()
  void add(const LoggedRecord& record);  // in seq order; ignored once broken
  void add(const RecordFields& r, std::string_view prev_hash, std::string_view hash);
  Span span() const;                     // of the records added so far
  void add_span(const Span& span);       // the next run of records, verified by another ChainVerifier
  // `head`: the chain head the database holds (seq, hash), when verifying the database.
  VerifyResult finish(std::optional<std::pair<std::int64_t, std::string>> head = std::nullopt);

 private:
  void broken(std::int64_t seq, std::string reason);
  std::string trusted_;
  std::map<std::int64_t, Checkpoint> checkpoints_;
  std::optional<std::int64_t> last_seq_;
  std::string last_hash_, first_prev_hash_;
  std::int64_t first_seq_ = 0;
  VerifyResult result_;
};

std::vector<Checkpoint> load_checkpoints(pqxx::transaction_base& tx, std::int64_t from, std::int64_t to);

// The whole log in the database, its checkpoints and its head.
VerifyResult verify_database(pqxx::transaction_base& tx, const std::string& trusted_public_key_hex);
// The same, read and hashed by `workers` connections at once (the command line's: a log of millions of records).
VerifyResult verify_database(const std::string& url, const std::string& trusted_public_key_hex, int workers);

}  // namespace siao::audit
