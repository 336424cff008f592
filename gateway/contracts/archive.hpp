#pragma once
// Every contract version ever loaded is kept in the database (contract_versions),
// and every mapping bundle (a mapping file and its code lists) and schema set in
// force is kept in rule_versions, so that an old exchange can be read and
// replayed under the rules it ran under (gateway/audit/replay/rule_loader.hpp).
// A version waits here until it is known stored; meanwhile every batch that
// records an exchange stores it too, so no audit record names a version the
// database lacks, even when the database was down at load time.
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gateway/contracts/contract_set.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::contracts {

// Files by name ("rosalie-1.1.json", "codes/rosalie/sexe.json"; for a schema set "household-create.schema.json")
// and their text: what rule_versions.source holds.
using RuleSource = std::map<std::string, std::string>;

struct RuleVersion {
  std::string sha256;
  std::string kind;  // mapping | schemas
  std::string name;  // the mapping's id and version ("rosalie-1.1 1.1.0"); "schemas" for a schema set
  RuleSource source;
};

// The digest a record's `schemas_sha256` pins: SHA-256 over the schemas sorted by name, each as
// "<bytes>:<name>;<bytes>:<document>;" where <document> is the schema as loaded, written compactly (the
// text the archive stores, so that the set rebuilt from the archive has the same digest).
std::string schema_set_sha256(const json::SchemaSet& schemas);
RuleVersion schema_set_version(const json::SchemaSet& schemas);

// The mapping bundle a contract names, read back from its files: nullopt when it names none, or when the files
// no longer hash to the mapping loaded (changed since: the loaded version cannot be archived from them).
std::optional<RuleVersion> mapping_version_of(const Contract& contract);

class Archive {
 public:
  static const std::vector<storage::PreparedStatement>& statements();

  void add(const ContractSet& set);          // after each (re)load: the contracts and their mapping bundles
  void add(const json::SchemaSet& schemas);  // the schema set in force (once, at start-up)
  bool has_pending() const noexcept { return has_pending_.load(std::memory_order_acquire); }

  // Stores the pending versions in `tx` (idempotent). Returns their hashes, for `confirm` once `tx` committed.
  std::vector<std::string> store_pending(pqxx::transaction_base& tx) const;
  void confirm(const std::vector<std::string>& sha256s);

 private:
  struct Version {
    std::string sha256, client_id, version, source;
  };
  bool known(const std::string& sha) const;  // with mutex_ held
  void update_pending();                     // with mutex_ held

  mutable std::mutex mutex_;
  std::vector<Version> pending_;
  std::vector<RuleVersion> pending_rules_;
  std::vector<std::string> stored_;  // hashes known stored
  std::atomic<bool> has_pending_{false};
};

}  // namespace siao::contracts
