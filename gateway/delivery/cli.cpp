#include "gateway/delivery/cli.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <optional>
#include <pqxx/pqxx>

#include "gateway/audit/chain.hpp"
#include "gateway/audit/crypto.hpp"
#include "gateway/audit/exchange.hpp"
#include "gateway/audit/partitions.hpp"
#include "gateway/audit/subject_keys.hpp"
#include "gateway/auth/client.hpp"
#include "gateway/delivery/store.hpp"
#include "gateway/http/request_ids.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::delivery {

namespace {

constexpr const char* kUsage =
    "usage: siao-gateway delivery list [--state pending|delivered|dead|skipped] [--subscriber C] [--limit N]\n"
    "       siao-gateway delivery redrive ID | --subscriber C\n";

namespace net = boost::asio;

// How a redrive from the command line appears in the audit log: as the HTTP one does, an exchange.
constexpr std::string_view kClientId = "siao-cli";
constexpr std::string_view kRoute = "delivery redrive";

net::awaitable<void> run_exchange(storage::Pool& pool, audit::Exchange& exchange) { co_await pool.run_batched(exchange); }

// The redrive as an audited exchange, through a one-connection pool whose batch finisher is the audit trail.
std::vector<std::int64_t> audited_redrive(const config::Config& cfg, std::optional<std::int64_t> id,
                                          const std::optional<std::string>& subscriber) {
  auto keys = audit::KeyRing::from_file(cfg.audit.master_key_path(cfg.secrets_dir), true);
  auto signer = audit::crypto::Signer::from_file(cfg.audit.signing_key_path(cfg.secrets_dir), true);
  audit::Trail trail(keys, signer, {cfg.audit.checkpoint_every, std::nullopt, SIAO_VERSION});
  {
    pqxx::connection c(cfg.database.url);
    pqxx::work tx(c);
    audit::ensure_partitions(tx, 0);  // no gateway may have started this month yet
    tx.commit();
  }
  storage::Pool pool(storage::PoolOptions{.url = cfg.database.url, .size = 1, .connect_timeout = cfg.database.connect_timeout},
                     audit::Trail::statements(),
                     [&trail](pqxx::transaction_base& tx, const std::vector<storage::BatchStep*>& steps) {
                       trail.append(tx, steps);
                     });
  http::Request request;
  request.method = http::Method::post;
  request.target = std::string(kRoute);
  request.route = kRoute;
  request.request_id = http::random_hex(8);
  request.trace_id = http::random_hex(16);
  request.client_id = std::string(kClientId);
  request.headers.emplace_back("content-type", "application/json");
  request.body = resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    if (id) resources::put_id(w, "id", *id);
    if (subscriber) resources::put(w, "subscriber", *subscriber);
    w.EndObject();
  });
  auth::Client client;
  client.id = std::string(kClientId);
  std::vector<std::int64_t> ids;
  audit::Exchange exchange(request, &client, [&](pqxx::transaction_base& tx, audit::Exchange&) {
    ids = redrive(tx, id, subscriber);
    http::Response response;
    response.body = resources::json_text([&](resources::JsonWriter& w) {
      w.StartObject();
      resources::put(w, "redriven");
      w.StartArray();
      for (auto i : ids) w.String(std::to_string(i));
      w.EndArray();
      w.EndObject();
    });
    return response;
  });
  std::exception_ptr failure;
  net::io_context ioc;
  net::co_spawn(ioc, run_exchange(pool, exchange), [&failure](std::exception_ptr e) { failure = e; });
  ioc.run();
  pool.stop();
  if (failure) std::rethrow_exception(failure);
  if (exchange.response().status != 200)
    throw std::runtime_error("delivery redrive failed (" + std::to_string(exchange.response().status) +
                             "); nothing was changed");
  return ids;
}

int usage(const std::string& why) {
  std::cerr << "siao-gateway: delivery: " << why << "\n" << kUsage;
  return 2;
}

}  // namespace

int delivery_command(const std::vector<std::string>& args, const config::Config& cfg) {
  if (args.empty()) return usage("a command is needed");
  std::optional<std::string> state, subscriber;
  std::optional<std::int64_t> id;
  int limit = 500;
  for (std::size_t i = 1; i < args.size(); ++i) {
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 == args.size()) return std::nullopt;
      return args[++i];
    };
    if (args[i] == "--state") state = value();
    else if (args[i] == "--subscriber") subscriber = value();
    else if (args[i] == "--limit") limit = std::stoi(value().value_or("500"));
    else if (args[0] == "redrive" && !id && args[i].find_first_not_of("0123456789") == std::string::npos)
      id = std::stoll(args[i]);
    else return usage("unexpected argument '" + args[i] + "'");
  }
  if (args[0] == "list") {
    pqxx::connection c(cfg.database.url);
    pqxx::read_transaction tx(c);
    for (const auto& r : list(tx, state, subscriber, 0, limit)) std::cout << to_json(r) << "\n";
    return 0;
  }
  if (args[0] == "redrive") {
    if (!id && !subscriber) return usage("redrive needs a delivery id or --subscriber");
    auto ids = audited_redrive(cfg, id, subscriber);
    for (auto i : ids) std::cout << "redriven " << i << "\n";
    if (id && ids.empty()) {
      std::cerr << "siao-gateway: delivery " << *id << " is not a dead delivery\n";
      return 1;
    }
    return 0;
  }
  return usage("unknown command '" + args[0] + "'");
}

}  // namespace siao::delivery
