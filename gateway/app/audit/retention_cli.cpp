// `siao-gateway retention run [--dry-run]`: one audited exchange of the retention client
// (audit::run_offline_exchange); the keys go after the exchange's record is appended
// (gateway/audit/retention.hpp says why).
#include "gateway/app/audit/retention_cli.hpp"

#include <iostream>
#include <pqxx/pqxx>

#include "gateway/audit/offline_exchange.hpp"
#include "gateway/audit/retention.hpp"
#include "gateway/log/log.hpp"

namespace siao::app {

namespace {

constexpr const char* kUsage = "usage: siao-gateway retention run [--dry-run]\n";
// How the run appears in the audit log.
constexpr std::string_view kClientId = "siao-retention";
constexpr std::string_view kRoute = "retention run";

int dry_run(const config::Config& cfg, const audit::RetentionPolicy& policy) {
  pqxx::connection c(cfg.database.url);
  pqxx::read_transaction tx(c);
  auto report = audit::find_inactive(tx, policy);
  std::cout << report.to_text();
  return 0;
}

int run(const config::Config& cfg, const audit::RetentionPolicy& policy) {
  audit::RetentionReport report;
  bool anonymised = false;  // the exchange's work went through (its savepoint stays): its keys may go
  auto response = audit::run_offline_exchange(
      cfg,
      {std::string(kClientId), std::string(kRoute),
       "{\"retentionDays\":" + std::to_string(policy.retention_days) + ",\"dryRun\":false}", std::chrono::minutes(30)},
      [&](pqxx::transaction_base& tx, audit::Exchange& ex) {
        anonymised = false;
        report = audit::find_inactive(tx, policy);
        audit::anonymise(tx, report, policy, ex);
        anonymised = true;
        http::Response r;
        r.body = report.to_json();
        return r;
      },
      // The keys go once the run's own record is appended (gateway/audit/retention.hpp says why).
      [&](pqxx::transaction_base& tx, std::int64_t seq) {
        if (anonymised) audit::erase_keys(tx, report, seq);
      });
  if (response.status != 200) {
    // A problem document: no personal data in it.
    std::cerr << "siao-gateway: retention run failed (" << response.status
              << "); nothing was changed, the failure is recorded in the audit log\n"
              << response.body << "\n";
    return 1;
  }
  std::cout << report.to_text();
  return 0;
}

}  // namespace

int retention_command(const std::vector<std::string>& args, const config::Config& cfg, const adapters::Registry&) {
  bool dry = false;
  if (args.empty() || args[0] != "run") {
    std::cerr << kUsage;
    return 2;
  }
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--dry-run") {
      dry = true;
    } else {
      std::cerr << "siao-gateway: retention: unexpected argument '" << args[i] << "'\n" << kUsage;
      return 2;
    }
  }
  log::init(cfg.log_level);
  audit::RetentionPolicy policy{cfg.audit.retention_days, cfg.database.idempotency_retention_hours};
  int code = dry ? dry_run(cfg, policy) : run(cfg, policy);
  log::flush();
  return code;
}

}  // namespace siao::app
