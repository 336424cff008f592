#pragma once
// The rules an old exchange ran under, loaded back from the archive (contract_versions, rule_versions) by the
// digests its record pins: its contract, as the client it made (mapping included), and the schema set.
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <pqxx/transaction_base>

#include "gateway/contracts/contract.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::audit::replay {

// A version the archive lacks, or that does not load: the message says which and why.
class RulesUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RuleLoader {
 public:
  // `in_force`: the schema set for records that pin none (written before schema sets were pinned).
  explicit RuleLoader(std::shared_ptr<const json::SchemaSet> in_force) : in_force_(std::move(in_force)) {}

  // The schema set of digest `sha256` (nullopt: the one in force). Throws RulesUnavailable.
  std::shared_ptr<const json::SchemaSet> schemas(pqxx::transaction_base& tx, const std::optional<std::string>& sha256);

  // The contract of digest `contract_sha256`, with the mapping bundle of digest `mapping_sha256` at the path it
  // names (none when nullopt), loaded under `schemas`. Throws RulesUnavailable.
  std::shared_ptr<const contracts::Contract> contract(pqxx::transaction_base& tx, const std::string& contract_sha256,
                                                      const std::optional<std::string>& mapping_sha256,
                                                      const json::SchemaSet& schemas,
                                                      const std::string& schemas_key);

 private:
  std::shared_ptr<const json::SchemaSet> in_force_;
  std::map<std::string, std::shared_ptr<const json::SchemaSet>> schema_sets_;
  std::map<std::string, std::shared_ptr<const contracts::Contract>> contracts_;  // by contract|mapping|schemas
};

}  // namespace siao::audit::replay
