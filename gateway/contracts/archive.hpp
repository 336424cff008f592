#pragma once
// Every contract version ever loaded is kept in the database (contract_versions),
// so that an old exchange can be read and replayed under the rules it ran under.
// A version waits here until it is known stored; meanwhile every batch that
// records an exchange stores it too, so no audit record names a version the
// database lacks, even when the database was down at load time.
#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/contracts/contract_set.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::contracts {

class Archive {
 public:
  static const std::vector<storage::PreparedStatement>& statements();

  void add(const ContractSet& set);  // after each (re)load
  bool has_pending() const noexcept { return has_pending_.load(std::memory_order_acquire); }

  // Stores the pending versions in `tx` (idempotent). Returns their hashes, for `confirm` once `tx` committed.
  std::vector<std::string> store_pending(pqxx::transaction_base& tx) const;
  void confirm(const std::vector<std::string>& sha256s);

 private:
  struct Version {
    std::string sha256, client_id, version, source;
  };
  mutable std::mutex mutex_;
  std::vector<Version> pending_;
  std::vector<std::string> stored_;  // hashes known stored
  std::atomic<bool> has_pending_{false};
};

}  // namespace siao::contracts
