#include "gateway/app/contract_cli.hpp"

#include <cstdlib>
#include <iostream>

#include "gateway/api/admin/contracts_routes.hpp"
#include "gateway/api/canonical.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/app/admin_client.hpp"
#include "gateway/app/contract_check.hpp"
#include "gateway/app/contracts_runtime.hpp"
#include "gateway/auth/key_hash.hpp"
#include "gateway/json/schema_set.hpp"

namespace siao::app {

namespace {

constexpr const char* kUsage = R"(Usage:
  siao-gateway contract new-key             print a new API key, and the hash a contract stores for it
  siao-gateway contract check FILE          validate a contract and run its sample exchanges (no database)
  siao-gateway contract reload [--url URL]  make a running gateway reload its contracts (the back-office
                                            key comes from SIAO_KEY_SIAO_BACKOFFICE)
)";

int new_key() {
  auto key = auth::new_api_key();
  std::cout << "API key (shown once: give it to the client, keep no copy):\n  " << key << "\n\n"
            << "For the contract's credentials.apiKeys:\n  {\"hash\": \"" << auth::KeyHash::of(key).text() << "\"}\n";
  return 0;
}

// The routes as the server has them, adapters' included, so that samples meet the same patterns, scopes and
// schemas. No database is opened: the pool has no connection and is never called.
struct CheckRoutes {
  storage::Pool pool{storage::PoolOptions{"", 0}, {}};
  auth::FailureThrottle throttle;
  contracts::Archive archive;
  api::CanonicalApi canonical;
  std::vector<std::unique_ptr<adapters::Adapter>> adapters;
  http::Router router;

  CheckRoutes(const json::SchemaSet& schemas, contracts::Registry& registry, const adapters::Registry& known) {
    api::ApiContext ctx{pool, registry, schemas, throttle, &canonical};
    api::v2::register_routes(router, ctx);
    api::admin::register_contract_routes(router, ctx, [&registry] { return registry.reload(); }, archive);
    adapters = known.make_all();
    for (auto& adapter : adapters) adapter->register_routes(router, {ctx, canonical});
  }
};

int check(const std::string& file, const config::Config& cfg, const adapters::Registry& adapters) {
  std::shared_ptr<const json::SchemaSet> schemas;
  try {
    schemas = json::SchemaSet::load(cfg.schemas_dir);
  } catch (const std::exception& e) {
    std::cout << "FAIL schemas: " << e.what() << "\n";
    return 1;
  }
  contracts::Contract contract;
  try {
    contract = contracts::load_contract(file, *schemas, load_options(cfg, adapters));
  } catch (const contracts::ContractError& e) {
    for (const auto& p : e.problems()) std::cout << "FAIL " << p << "\n";
    return 1;
  }
  std::cout << "ok   " << file << ": contract " << contract.client.id << " " << contract.client.contract_version
            << " (sha256 " << contract.client.contract_sha256 << ")\n";
  contracts::Registry registry(cfg.contracts_dir, schemas, load_options(cfg, adapters));
  CheckRoutes routes(*schemas, registry, adapters);
  int failed = 0;
  for (const auto& r : run_samples(contract, *schemas, routes.router)) {
    if (r.passed) {
      std::cout << "ok   sample " << r.name << "\n";
    } else {
      ++failed;
      std::cout << "FAIL sample " << r.name << "\n       expected: " << r.expected << "\n       actual:   " << r.actual
                << "\n";
    }
  }
  std::cout << contract.samples.size() - static_cast<std::size_t>(failed) << " of " << contract.samples.size()
            << " samples pass\n";
  return failed == 0 ? 0 : 1;
}

int reload(const std::vector<std::string>& args, const config::Config& cfg) {
  std::string url = "http://" + cfg.http_listen + "/api/v2/admin/contracts/reload";
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--url" && i + 1 < args.size()) url = args[++i];
    else {
      std::cerr << kUsage;
      return 2;
    }
  }
  const char* key = std::getenv("SIAO_KEY_SIAO_BACKOFFICE");
  if (!key || !*key) {
    std::cerr << "siao-gateway: SIAO_KEY_SIAO_BACKOFFICE must hold the back-office key\n";
    return 2;
  }
  auto answer = admin_post(url, key);
  std::cout << answer.body << "\n";
  return answer.status == 200 ? 0 : 1;
}

}  // namespace

int contract_command(const std::vector<std::string>& args, const config::Config& cfg, const adapters::Registry& adapters) {
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  if (args[0] == "new-key" && args.size() == 1) return new_key();
  if (args[0] == "check" && args.size() == 2) return check(args[1], cfg, adapters);
  if (args[0] == "reload") return reload(args, cfg);
  std::cerr << kUsage;
  return 2;
}

}  // namespace siao::app
