// siao-gateway: one binary, a verb per job.
#include <cstdlib>
#include <pqxx/pqxx>
#include <iostream>
#include <string>
#include <vector>

#include "gateway/app/audit/audit_cli.hpp"
#include "gateway/app/audit/retention_cli.hpp"
#include "gateway/app/contract_cli.hpp"
#include "gateway/app/serve.hpp"
#include "gateway/audit/partitions.hpp"
#include "gateway/config/config.hpp"
#include "gateway/delivery/cli.hpp"
#include "gateway/storage/migrations.hpp"
#include "gateway/storage/person_match_store.hpp"

namespace {

constexpr const char* kUsage = R"(siao-gateway: the interconnection gateway of SI SIAO

Usage:
  siao-gateway serve   [--config FILE]   serve the APIs until SIGTERM or SIGINT
  siao-gateway migrate [--config FILE]   bring the database schema up to date, then exit
  siao-gateway contract new-key          print a new API key and the hash a contract keeps of it
  siao-gateway contract check FILE       validate a contract and run its sample exchanges
  siao-gateway contract reload [--url U] make a running gateway reload its contracts
  siao-gateway audit verify [--file F] [--public-key PEM]
                                         check the exchange log's links, hashes and signatures
  siao-gateway audit export --from T --to T [--out F]
                                         write records and checkpoints as NDJSON (verifiable alone)
  siao-gateway audit checkpoint          sign the chain head now
  siao-gateway audit replay --mode translate|rebuild [--from T] [--to T] [--client C]
                                         replay logged exchanges and report every difference
  siao-gateway retention run [--dry-run] forget the persons inactive for audit.retention_days
  siao-gateway delivery list [--state dead] [--subscriber C]
                                         outbound deliveries, one JSON object a line
  siao-gateway delivery redrive ID | --subscriber C
                                         send dead deliveries again, with a new retry window
  siao-gateway version                   print the version
  siao-gateway --help                    this text

Configuration comes from defaults, then the JSON file given with --config,
then these environment variables (file key, variable):
)";

struct Args {
  std::string verb;
  std::string config_file;
  std::vector<std::string> operands;  // after the verb, for verbs that take them
};

Args parse(int argc, char** argv) {
  Args a;
  std::vector<std::string> rest(argv + 1, argv + argc);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == "--config") {
      if (i + 1 == rest.size()) throw std::runtime_error("--config needs a file");
      a.config_file = rest[++i];
    } else if (rest[i] == "--help" || rest[i] == "-h" || rest[i] == "help") {
      a.verb = "help";
    } else if (a.verb.empty()) {
      a.verb = rest[i];
    } else if (a.verb == "contract" || a.verb == "audit" || a.verb == "retention" || a.verb == "delivery") {
      a.operands.push_back(rest[i]);
    } else {
      throw std::runtime_error("unexpected argument '" + rest[i] + "'");
    }
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    auto args = parse(argc, argv);
    if (args.verb.empty() || args.verb == "help") {
      std::cout << kUsage << siao::config::describe_keys();
      return args.verb.empty() ? 2 : 0;
    }
    if (args.verb == "version") {
      std::cout << "siao-gateway " << SIAO_VERSION << "\n";
      return 0;
    }
    auto cfg = siao::config::load(args.config_file, [](const char* name) { return std::getenv(name); });
    siao::adapters::Registry adapters;
    siao::adapters::add_builtin_adapters(adapters);
    if (args.verb == "serve") return siao::app::serve(cfg, adapters);
    if (args.verb == "contract") return siao::app::contract_command(args.operands, cfg, adapters);
    if (args.verb == "audit") return siao::app::audit_command(args.operands, cfg, adapters);
    if (args.verb == "retention") return siao::app::retention_command(args.operands, cfg, adapters);
    if (args.verb == "delivery") return siao::delivery::delivery_command(args.operands, cfg);
    if (args.verb == "migrate") {
      auto report = siao::storage::migrate(cfg.database.url, siao::storage::embedded_migrations());
      std::cout << "schema at version " << report.current << " (" << report.applied.size() << " applied now)\n";
      {
        pqxx::connection c(cfg.database.url);
        pqxx::work tx(c);
        siao::audit::ensure_partitions(tx);
        tx.commit();
      }
      if (auto n = siao::storage::backfill_match_keys(cfg.database.url))
        std::cout << "match keys computed for " << n << " persons\n";
      return 0;
    }
    std::cerr << "siao-gateway: unknown verb '" << args.verb << "' (see --help)\n";
    return 2;
  } catch (const siao::config::ConfigError& e) {
    std::cerr << "siao-gateway: configuration: " << e.what() << "\n";
    return 78;  // EX_CONFIG
  } catch (const std::exception& e) {
    std::cerr << "siao-gateway: " << e.what() << "\n";
    return 1;
  }
}
