#include "gateway/app/serve.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <condition_variable>
#include <pqxx/pqxx>
#include <thread>

#include "gateway/api/admin/contracts_routes.hpp"
#include "gateway/api/audit/replay_routes.hpp"
#include "gateway/api/audit/verify_routes.hpp"
#include "gateway/api/audit/read_routes.hpp"
#include "gateway/api/canonical.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/app/contracts_runtime.hpp"
#include "gateway/app/dispatcher.hpp"
#include "gateway/audit/chain.hpp"
#include "gateway/audit/partitions.hpp"
#include "gateway/audit/services.hpp"
#include "gateway/auth/failure_throttle.hpp"
#include "gateway/delivery/routes.hpp"
#include "gateway/delivery/worker.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/storage/idempotency_store.hpp"
#include "gateway/storage/merge_store.hpp"
#include "gateway/storage/partner_keys.hpp"
#include "gateway/storage/person_match_store.hpp"
#include "gateway/storage/resource_store.hpp"
#include "gateway/http/server.hpp"
#include "gateway/http/tls_context.hpp"
#include "gateway/log/log.hpp"
#include "gateway/ops/metrics.hpp"
#include "gateway/ops/openapi.hpp"
#include "gateway/ops/ops_routes.hpp"
#include "gateway/ops/readiness.hpp"
#include "gateway/storage/migrations.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::app {

namespace net = boost::asio;

namespace {

std::vector<storage::PreparedStatement> prepared_statements(
    const std::vector<std::unique_ptr<adapters::Adapter>>& adapters) {
  std::vector<storage::PreparedStatement> all{{"ping", "SELECT 1"}};
  for (const auto* group : {&storage::resource_statements(), &audit::Trail::statements(),
                            &storage::idempotency_statements(), &storage::partner_key_statements(),
                            &storage::merge_statements(), &storage::person_match_statements(),
                            &contracts::Archive::statements()})
    all.insert(all.end(), group->begin(), group->end());
  for (const auto& adapter : adapters) all.insert(all.end(), adapter->statements().begin(), adapter->statements().end());
  return all;
}

void add_pool_metrics(ops::Metrics& metrics, const storage::Pool& pool) {
  metrics.add_collector([&pool](ops::PromText& out) {
    auto s = pool.stats();
    out.family("siao_db_pool_connections", "gauge", "Database connections by state.");
    out.sample("siao_db_pool_connections", {{"state", "configured"}}, static_cast<double>(s.size));
    out.sample("siao_db_pool_connections", {{"state", "open"}}, static_cast<double>(s.connected));
    out.sample("siao_db_pool_connections", {{"state", "busy"}}, static_cast<double>(s.busy));
    out.family("siao_db_pool_queued", "gauge", "Database operations waiting for a connection.");
    out.sample("siao_db_pool_queued", {}, static_cast<double>(s.queued));
    out.family("siao_db_pool_operations_total", "counter", "Database operations run by the pool.");
    out.sample("siao_db_pool_operations_total", {}, s.jobs);
    out.family("siao_db_pool_batches_total", "counter", "Shared transactions (group commits) run by the pool.");
    out.sample("siao_db_pool_batches_total", {}, s.batches);
    out.family("siao_db_pool_failures_total", "counter", "Database operations that failed.");
    out.sample("siao_db_pool_failures_total", {}, s.failures);
    out.family("siao_db_pool_connects_total", "counter", "Database connections opened.");
    out.sample("siao_db_pool_connects_total", {}, s.reconnects);
    out.family("siao_db_pool_wait_seconds_total", "counter", "Time operations waited for a connection.");
    out.sample("siao_db_pool_wait_seconds_total", {}, static_cast<double>(s.wait_micros_total) / 1e6);
  });
}

void add_contract_metrics(ops::Metrics& metrics, const contracts::Registry& registry,
                          const auth::FailureThrottle& throttle) {
  metrics.add_collector([&registry, &throttle](ops::PromText& out) {
    out.family("siao_auth_failures_total", "counter", "Requests whose credential matched no contract.");
    out.sample("siao_auth_failures_total", {}, throttle.failures_total());
    out.family("siao_auth_failures_delayed_total", "counter", "Failed authentications answered late (guessing).");
    out.sample("siao_auth_failures_delayed_total", {}, throttle.delayed_total());
    auto set = registry.current();
    if (!set) return;
    out.family("siao_quota_in_flight", "gauge", "Requests in flight, per client.");
    for (const auto& c : set->all())
      out.sample("siao_quota_in_flight", {{"client", c.client.id}}, static_cast<double>(c.quota->in_flight()));
    out.family("siao_quota_refusals_total", "counter", "Requests refused with 429 by the client's quota.");
    for (const auto& c : set->all()) out.sample("siao_quota_refusals_total", {{"client", c.client.id}}, c.quota->refused_total());
  });
}

// Contract versions not yet known stored are written every two seconds (and by any batch meanwhile).
net::awaitable<void> archive_contract_versions(storage::Pool& pool, contracts::Archive& archive,
                                               net::steady_timer& timer) {
  for (;;) {
    if (archive.has_pending()) {
      try {
        auto stored = co_await pool.run([&archive](pqxx::connection& c) {
          pqxx::work tx(c);
          auto shas = archive.store_pending(tx);
          tx.commit();
          return shas;
        });
        archive.confirm(stored);
      } catch (const std::exception& e) {
        log::event(log::Level::debug, "contract versions not archived yet", {{"error", std::string_view(e.what())}});
      }
    }
    timer.expires_after(std::chrono::seconds(2));
    auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
  }
}

// The log's month partitions, created ahead: at start, then every hour (a missed hour changes nothing: two months
// are always ready).
net::awaitable<void> keep_audit_partitions(storage::Pool& pool, net::steady_timer& timer) {
  auto wait = std::chrono::seconds(5);  // the schema may still be migrating
  for (;;) {
    timer.expires_after(wait);
    auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    try {
      co_await pool.run([](pqxx::connection& c) {
        pqxx::work tx(c);
        audit::ensure_partitions(tx);
        tx.commit();
      });
      wait = std::chrono::hours(1);
    } catch (const std::exception& e) {
      log::event(log::Level::warn, "audit partitions not ensured", {{"error", std::string_view(e.what())}});
      wait = std::chrono::minutes(1);
    }
  }
}

// Idempotency-Key answers older than the retention go, every ten minutes.
net::awaitable<void> purge_old_idempotency_keys(storage::Pool& pool, int retention_hours, net::steady_timer& timer) {
  for (;;) {
    timer.expires_after(std::chrono::minutes(10));
    auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
    if (ec) co_return;
    try {
      auto purged = co_await pool.run([retention_hours](pqxx::connection& c) {
        pqxx::work tx(c);
        auto n = storage::purge_idempotency_keys(tx, retention_hours);
        tx.commit();
        return n;
      });
      if (purged > 0) log::event(log::Level::info, "idempotency keys purged", {{"count", purged}});
    } catch (const std::exception& e) {
      log::event(log::Level::warn, "idempotency purge failed", {{"error", std::string_view(e.what())}});
    }
  }
}

// Migrations run beside the server (or, with migrate_on_start off, the
// schema is checked): until that succeeds, /ready says why not.
class SchemaKeeper {
 public:
  SchemaKeeper(std::string url, bool apply, ops::Readiness& readiness)
      : apply_(apply), thread_([this, url = std::move(url), &readiness] { run(url, readiness); }) {}
  SchemaKeeper(const SchemaKeeper&) = delete;
  SchemaKeeper& operator=(const SchemaKeeper&) = delete;
  ~SchemaKeeper() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void run(const std::string& url, ops::Readiness& readiness) {
    for (;;) {
      try {
        auto report = apply_ ? storage::migrate(url, storage::embedded_migrations())
                             : storage::verify_schema(url, storage::embedded_migrations());
        for (int v : report.applied) log::event(log::Level::info, "migration applied", {{"version", std::int64_t{v}}});
        if (apply_) {
          if (auto n = storage::backfill_match_keys(url))
            log::event(log::Level::info, "match keys computed", {{"persons", static_cast<std::int64_t>(n)}});
        }
        readiness.set_schema(report.current);
        return;
      } catch (const storage::MigrationError& e) {
        if (readiness.schema_error() != e.what())  // once, not every second
          log::event(log::Level::error, "database schema refused", {{"error", std::string_view(e.what())}});
        readiness.set_schema_error(e.what());
        if (apply_) return;  // a checking gateway waits for someone to run migrate
      } catch (const pqxx::broken_connection&) {
        readiness.set_schema_error("");
      } catch (const std::exception& e) {
        log::event(log::Level::error, "migration failed", {{"error", std::string_view(e.what())}});
        readiness.set_schema_error(e.what());
      }
      std::unique_lock lock(mutex_);
      if (wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) return;
    }
  }

  bool apply_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

int serve(const config::Config& cfg, const adapters::Registry& adapter_registry) {
  // libpq may write to a dead socket: without this, the write would end the process.
  if (std::signal(SIGPIPE, SIG_IGN) == SIG_ERR) throw std::runtime_error("SIGPIPE cannot be ignored");
  log::init(cfg.log_level);
  log::event(log::Level::info, "starting", {{"version", SIAO_VERSION}});

  auto schemas = json::SchemaSet::load(cfg.schemas_dir);
  ops::Readiness readiness;
  std::optional<ContractsRuntime> runtime;
  try {
    runtime.emplace(cfg, schemas, adapter_registry, readiness);
  } catch (const contracts::ContractError& e) {
    for (const auto& line : e.problems()) log::event(log::Level::error, "contract refused", {{"problem", std::string_view(line)}});
    log::flush();
    return 78;  // EX_CONFIG: nothing is half-loaded, nothing is served
  }
  auth::FailureThrottle throttle;

  net::io_context ioc(cfg.io_threads);
  ops::Metrics metrics;
  auto& archive = runtime->archive();
  archive.add(*schemas);  // the schema set in force, kept in rule_versions for replays
  auto keys = audit::KeyRing::from_file(cfg.audit.master_key_path(cfg.secrets_dir), true);
  auto signer = audit::crypto::Signer::from_file(cfg.audit.signing_key_path(cfg.secrets_dir), true);
  audit::Trail trail(keys, signer, {cfg.audit.checkpoint_every, contracts::schema_set_sha256(*schemas), SIAO_VERSION});
  audit::AuditServices audit_services{keys, signer, cfg};
  // Before the pool: their statements are prepared on its connections.
  auto adapters = adapter_registry.make_all();
  storage::Pool pool(
      storage::PoolOptions{.url = cfg.database.url,
                           .size = cfg.database.pool_size,
                           .max_queue = cfg.database.max_queue,
                           .statement_timeout = cfg.database.statement_timeout,
                           .connect_timeout = cfg.database.connect_timeout,
                           .reconnect_interval = cfg.database.reconnect_interval,
                           .max_wait = cfg.database.max_queue_wait},
      prepared_statements(adapters),
      [&archive, &trail](pqxx::transaction_base& tx, const std::vector<storage::BatchStep*>& steps) {
        if (archive.has_pending()) archive.store_pending(tx);
        trail.append(tx, steps);
      });
  add_pool_metrics(metrics, pool);
  add_contract_metrics(metrics, runtime->registry(), throttle);

  std::string openapi;
  ops::OpsContext ops_context{pool, metrics, readiness, openapi};
  http::Router router;
  ops::register_ops_routes(router, ops_context);
  api::CanonicalApi canonical;
  api::ApiContext api_context{pool, runtime->registry(), *schemas, throttle, &canonical, cfg.matching};
  api::v2::register_routes(router, api_context);
  api::v2::register_event_routes(router, api_context);
  // After v2: adapters build on its operations, as canonical commands.
  for (auto& adapter : adapters) adapter->register_routes(router, {api_context, canonical});
  api::admin::register_contract_routes(router, api_context, [&runtime] { return runtime->reload(); }, archive);
  api::audit_routes::register_audit_verify_routes(router, api_context, audit_services);
  api::audit_routes::register_audit_read_routes(router, api_context, audit_services);
  api::audit_routes::register_audit_replay_routes(router, api_context, audit_services, adapter_registry);
  delivery::register_delivery_routes(router, api_context);
  for (const auto& route : router.routes()) metrics.register_route(route.pattern);
  ops::NamedSchemas documented;
  for (const auto& name : schemas->names()) documented.emplace_back(name, &schemas->document(name));
  openapi = ops::build_openapi(router, SIAO_VERSION, documented);
  Dispatcher dispatcher(router);

  std::unique_ptr<net::ssl::context> tls;
  if (!cfg.https_listen.empty()) tls = http::make_server_tls(cfg.tls.cert_file, cfg.tls.key_file);
  http::Server server(ioc, cfg, [&dispatcher](http::Request& r) { return dispatcher.handle(r); }, metrics,
                      tls.get());
  server.start();

  std::optional<SchemaKeeper> schema;
  schema.emplace(cfg.database.url, cfg.database.migrate_on_start, readiness);

  net::steady_timer purge_timer(ioc);
  net::co_spawn(ioc, purge_old_idempotency_keys(pool, cfg.database.idempotency_retention_hours, purge_timer),
                net::detached);

  net::steady_timer partitions_timer(ioc);
  net::co_spawn(ioc, keep_audit_partitions(pool, partitions_timer), net::detached);

  net::steady_timer archive_timer(ioc);
  net::co_spawn(ioc, archive_contract_versions(pool, archive, archive_timer), net::detached);

  delivery::Worker delivery_worker(ioc, pool, runtime->registry(), adapters, cfg.delivery, metrics);
  if (cfg.delivery.enabled) net::co_spawn(ioc, delivery_worker.run(), net::detached);

  net::signal_set reload_signal(ioc, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_sighup = [&](const boost::system::error_code& ec, int) {
    if (ec) return;
    try {
      runtime->reload();
    } catch (const contracts::ContractError&) {
      // Logged by reload; the current set stays in force.
    }
    reload_signal.async_wait(on_sighup);
  };
  reload_signal.async_wait(on_sighup);

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  net::steady_timer drain_deadline(ioc);
  signals.async_wait([&](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    log::event(log::Level::info, "draining", {{"signal", std::int64_t{signo}}});
    purge_timer.cancel();
    archive_timer.cancel();
    partitions_timer.cancel();
    reload_signal.cancel();
    server.drain([&ioc] { ioc.stop(); });
    drain_deadline.expires_after(cfg.limits.drain_timeout);
    drain_deadline.async_wait([&](const boost::system::error_code& tec) {
      if (tec) return;
      log::event(log::Level::warn, "drain timeout: closing the remaining connections");
      server.close_all();
      ioc.stop();
    });
  });

  std::vector<std::thread> threads;
  for (int i = 1; i < cfg.io_threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();

  schema.reset();
  pool.stop();
  log::event(log::Level::info, "stopped");
  log::flush();
  return 0;
}

}  // namespace siao::app
