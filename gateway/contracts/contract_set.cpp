#include "gateway/contracts/contract_set.hpp"

namespace siao::contracts {

ContractSet::ContractSet(std::vector<Contract> contracts) : contracts_(std::move(contracts)) {
  // The maps point into contracts_, which never changes again.
  for (const auto& c : contracts_) {
    by_id_.emplace(c.client.id, &c);
    for (const auto& cert : c.certificates) by_certificate_.emplace(cert, &c);
  }
}

const Contract* ContractSet::find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

const Contract* ContractSet::by_key(std::string_view key) const {
  // Salted hashes cannot be looked up: every one is tried, none stopping early on a partial match.
  const Contract* found = nullptr;
  for (const auto& c : contracts_)
    for (const auto& hash : c.keys)
      if (hash.matches(key) && !found) found = &c;
  return found;
}

const Contract* ContractSet::by_certificate(std::string_view sha256_hex) const {
  auto it = by_certificate_.find(sha256_hex);
  return it == by_certificate_.end() ? nullptr : it->second;
}

}  // namespace siao::contracts
