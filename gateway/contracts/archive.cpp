#include "gateway/contracts/archive.hpp"

#include <algorithm>

#include <pqxx/pqxx>

namespace siao::contracts {

const std::vector<storage::PreparedStatement>& Archive::statements() {
  static const std::vector<storage::PreparedStatement> all = {
      {"contract_version_keep",
       "INSERT INTO contract_versions (sha256, client_id, version, source) VALUES ($1, $2, $3, $4) "
       "ON CONFLICT (sha256) DO NOTHING"},
  };
  return all;
}

void Archive::add(const ContractSet& set) {
  std::lock_guard lock(mutex_);
  for (const auto& c : set.all()) {
    const auto& sha = c.client.contract_sha256;
    bool known = std::find(stored_.begin(), stored_.end(), sha) != stored_.end() ||
                 std::any_of(pending_.begin(), pending_.end(), [&](const Version& v) { return v.sha256 == sha; });
    if (!known) pending_.push_back({sha, c.client.id, c.client.contract_version, c.source});
  }
  has_pending_.store(!pending_.empty(), std::memory_order_release);
}

std::vector<std::string> Archive::store_pending(pqxx::transaction_base& tx) const {
  std::vector<Version> pending;
  {
    std::lock_guard lock(mutex_);
    pending = pending_;
  }
  std::vector<std::string> stored;
  for (const auto& v : pending) {
    tx.exec_prepared0("contract_version_keep", v.sha256, v.client_id, v.version, v.source);
    stored.push_back(v.sha256);
  }
  return stored;
}

void Archive::confirm(const std::vector<std::string>& sha256s) {
  std::lock_guard lock(mutex_);
  for (const auto& sha : sha256s) {
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Version& v) { return v.sha256 == sha; });
    if (it == pending_.end()) continue;
    pending_.erase(it);
    stored_.push_back(sha);
  }
  has_pending_.store(!pending_.empty(), std::memory_order_release);
}

}  // namespace siao::contracts
