#pragma once
// The contracts in force for a serving gateway: loaded at start-up (a bad set
// stops it), reloaded on SIGHUP or through the admin endpoint, each version
// archived in the database.
#include <memory>

#include "adapters/registry.hpp"
#include "gateway/config/config.hpp"
#include "gateway/contracts/archive.hpp"
#include "gateway/contracts/registry.hpp"
#include "gateway/ops/readiness.hpp"

namespace siao::app {

class ContractsRuntime {
 public:
  // Loads every contract; throws contracts::ContractError.
  ContractsRuntime(const config::Config& cfg, std::shared_ptr<const json::SchemaSet> schemas,
                   const adapters::Registry& adapters, ops::Readiness& readiness);

  // A new set, installed atomically; on failure the current set stays and the error says why.
  std::shared_ptr<const contracts::ContractSet> reload();

  contracts::Registry& registry() { return registry_; }
  contracts::Archive& archive() { return archive_; }

 private:
  void installed(const contracts::ContractSet& set, bool first);
  contracts::Registry registry_;
  contracts::Archive archive_;
  ops::Readiness& readiness_;
};

contracts::LoadOptions load_options(const config::Config& cfg, const adapters::Registry& adapters);

}  // namespace siao::app
