#include "gateway/app/contracts_runtime.hpp"

#include "gateway/log/log.hpp"

namespace siao::app {

contracts::LoadOptions load_options(const config::Config& cfg, const adapters::Registry& adapters) {
  contracts::LoadOptions options;
  options.secrets_dir = cfg.secrets_dir;
  options.adapters = adapters.names();
  options.check_adapter = [&adapters](const auth::Client& client) { return adapters.check(client); };
  return options;
}

ContractsRuntime::ContractsRuntime(const config::Config& cfg, std::shared_ptr<const json::SchemaSet> schemas,
                                   const adapters::Registry& adapters, ops::Readiness& readiness)
    : registry_(cfg.contracts_dir, std::move(schemas), load_options(cfg, adapters)), readiness_(readiness) {
  installed(*registry_.reload(), true);
}

std::shared_ptr<const contracts::ContractSet> ContractsRuntime::reload() {
  try {
    auto set = registry_.reload();
    installed(*set, false);
    return set;
  } catch (const contracts::ContractError& e) {
    log::event(log::Level::error, "contract reload refused: the current contracts stay in force",
               {{"problems", static_cast<std::int64_t>(e.problems().size())}, {"first", std::string_view(e.problems().front())}});
    throw;
  }
}

void ContractsRuntime::installed(const contracts::ContractSet& set, bool first) {
  archive_.add(set);
  readiness_.set_contracts(static_cast<int>(set.all().size()));
  for (const auto& c : set.all()) {
    log::event(log::Level::info, first ? "contract loaded" : "contract reloaded",
               {{"client", std::string_view(c.client.id)},
                {"version", std::string_view(c.client.contract_version)},
                {"sha256", std::string_view(c.client.contract_sha256)},
                {"keys", static_cast<std::int64_t>(c.keys.size())},
                {"certificates", static_cast<std::int64_t>(c.certificates.size())}});
    if (c.keys.empty() && c.certificates.empty())
      log::event(log::Level::warn, "contract has no credential: its client cannot call",
                 {{"client", std::string_view(c.client.id)}});
  }
}

}  // namespace siao::app
