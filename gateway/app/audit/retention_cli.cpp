// `siao-gateway retention run [--dry-run]`: one audited exchange of the retention client, run through a pool
// of its own whose batch finisher is the audit trail's, as the API's exchanges are; the keys go after the
// exchange's record is appended (gateway/audit/retention.hpp says why).
#include "gateway/app/audit/retention_cli.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <pqxx/pqxx>

#include "gateway/audit/chain.hpp"
#include "gateway/audit/crypto.hpp"
#include "gateway/audit/exchange.hpp"
#include "gateway/audit/partitions.hpp"
#include "gateway/audit/retention.hpp"
#include "gateway/audit/subject_keys.hpp"
#include "gateway/auth/client.hpp"
#include "gateway/http/request_ids.hpp"
#include "gateway/log/log.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::app {

namespace net = boost::asio;

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

// A named coroutine, not a lambda: its references stay valid while it is suspended.
net::awaitable<void> run_exchange(storage::Pool& pool, audit::Exchange& exchange) {
  co_await pool.run_batched(exchange);
}

int run(const config::Config& cfg, const audit::RetentionPolicy& policy) {
  auto keys = audit::KeyRing::from_file(cfg.audit.master_key_path(cfg.secrets_dir), true);
  auto signer = audit::crypto::Signer::from_file(cfg.audit.signing_key_path(cfg.secrets_dir), true);
  audit::Trail trail(keys, signer, {cfg.audit.checkpoint_every, std::nullopt, SIAO_VERSION});
  {
    // The month's partition may not exist yet when no gateway has started this month.
    pqxx::connection c(cfg.database.url);
    pqxx::work tx(c);
    audit::ensure_partitions(tx, 0);
    tx.commit();
  }

  audit::RetentionReport report;
  bool anonymised = false;  // the exchange's work went through (its savepoint stays): its keys may go
  storage::Pool pool(
      storage::PoolOptions{.url = cfg.database.url,
                           .size = 1,
                           .statement_timeout = std::chrono::minutes(30),
                           .connect_timeout = cfg.database.connect_timeout},
      audit::Trail::statements(), [&](pqxx::transaction_base& tx, const std::vector<storage::BatchStep*>& steps) {
        trail.append(tx, steps);
        // This pool runs this one exchange: the head is its record.
        if (anonymised)
          audit::erase_keys(tx, report,
                            tx.exec1("SELECT seq FROM audit_chain_head WHERE id = 1")[0].as<std::int64_t>());
      });

  http::Request request;
  request.method = http::Method::post;
  request.target = std::string(kRoute);
  request.route = kRoute;
  request.request_id = http::random_hex(8);
  request.trace_id = http::random_hex(16);
  request.client_id = std::string(kClientId);
  request.headers.emplace_back("content-type", "application/json");
  request.body = "{\"retentionDays\":" + std::to_string(policy.retention_days) + ",\"dryRun\":false}";
  auth::Client client;
  client.id = std::string(kClientId);

  audit::Exchange exchange(request, &client, [&](pqxx::transaction_base& tx, audit::Exchange& ex) {
    anonymised = false;
    report = audit::find_inactive(tx, policy);
    audit::anonymise(tx, report, policy, ex);
    anonymised = true;
    http::Response response;
    response.body = report.to_json();
    return response;
  });

  std::exception_ptr failure;
  net::io_context ioc;
  net::co_spawn(ioc, run_exchange(pool, exchange), [&failure](std::exception_ptr e) { failure = e; });
  ioc.run();
  pool.stop();
  if (failure) std::rethrow_exception(failure);
  if (exchange.response().status != 200) {
    // A problem document: no personal data in it.
    std::cerr << "siao-gateway: retention run failed (" << exchange.response().status
              << "); nothing was changed, the failure is recorded in the audit log\n"
              << exchange.response().body << "\n";
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
