#include "gateway/audit/offline_exchange.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <pqxx/pqxx>

#include "gateway/audit/chain.hpp"
#include "gateway/audit/crypto.hpp"
#include "gateway/audit/partitions.hpp"
#include "gateway/audit/subject_keys.hpp"
#include "gateway/auth/client.hpp"
#include "gateway/http/request_ids.hpp"

namespace siao::audit {

namespace net = boost::asio;

namespace {

// A named coroutine, not a lambda: its references stay valid while it is suspended.
net::awaitable<void> run_batched(storage::Pool& pool, Exchange& exchange) { co_await pool.run_batched(exchange); }

}  // namespace

http::Response run_offline_exchange(const config::Config& cfg, const OfflineCall& call, Exchange::Work work,
                                    const std::function<void(pqxx::transaction_base&, std::int64_t)>& after_append) {
  auto keys = KeyRing::from_file(cfg.audit.master_key_path(cfg.secrets_dir), true);
  auto signer = crypto::Signer::from_file(cfg.audit.signing_key_path(cfg.secrets_dir), true);
  Trail trail(keys, signer, {cfg.audit.checkpoint_every, std::nullopt, SIAO_VERSION});
  {
    // This month's partition may not exist yet when no gateway has started this month.
    pqxx::connection c(cfg.database.url);
    pqxx::work tx(c);
    ensure_partitions(tx, 0);
    tx.commit();
  }
  storage::Pool pool(
      storage::PoolOptions{.url = cfg.database.url,
                           .size = 1,
                           .statement_timeout = call.statement_timeout,
                           .connect_timeout = cfg.database.connect_timeout},
      Trail::statements(), [&](pqxx::transaction_base& tx, const std::vector<storage::BatchStep*>& steps) {
        trail.append(tx, steps);
        // This pool runs this one exchange: the head is its record.
        if (after_append)
          after_append(tx, tx.exec1("SELECT seq FROM audit_chain_head WHERE id = 1")[0].as<std::int64_t>());
      });

  http::Request request;
  request.method = http::Method::post;
  request.target = call.route;
  request.route = call.route;
  request.request_id = http::random_hex(8);
  request.trace_id = http::random_hex(16);
  request.client_id = call.client_id;
  request.headers.emplace_back("content-type", "application/json");
  request.body = call.body;
  auth::Client client;
  client.id = call.client_id;
  Exchange exchange(request, &client, std::move(work));

  std::exception_ptr failure;
  net::io_context ioc;
  net::co_spawn(ioc, run_batched(pool, exchange), [&failure](std::exception_ptr e) { failure = std::move(e); });
  ioc.run();
  pool.stop();
  if (failure) std::rethrow_exception(failure);
  return std::move(exchange.response());
}

}  // namespace siao::audit
