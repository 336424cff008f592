#pragma once
// An immutable set of loaded contracts: what one request is judged by, from its
// first byte to its audit record, even when a reload installs a newer set meanwhile.
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/contracts/contract.hpp"

namespace siao::contracts {

class ContractSet {
 public:
  explicit ContractSet(std::vector<Contract> contracts);

  const Contract* find(std::string_view id) const;
  // The contract whose key this is: every key hash is tried, each in constant time.
  const Contract* by_key(std::string_view key) const;
  const Contract* by_certificate(std::string_view sha256_hex) const;
  const std::vector<Contract>& all() const { return contracts_; }

 private:
  std::vector<Contract> contracts_;
  std::unordered_map<std::string_view, const Contract*> by_id_, by_certificate_;
};

}  // namespace siao::contracts
