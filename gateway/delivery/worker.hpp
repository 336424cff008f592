#pragma once
// The delivery worker (docs/delivery.md): on the gateway's Asio event loop, one loop per subscriber (a partner down
// delays no other), each on its own strand: fan new events out into deliveries, claim the due ones (the oldest
// pending of each household only: order per household), render each through the subscriber's adapter, sign and
// POST it over a kept-alive connection, and record the attempt as an audited exchange whose work also records the
// outcome. Up to delivery.batch attempts run at once; a free place is filled as soon as one ends. Database work goes
// through the pool; no IO thread waits.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "gateway/config/config.hpp"
#include "gateway/contracts/registry.hpp"
#include "gateway/delivery/http_client.hpp"
#include "gateway/delivery/store.hpp"
#include "gateway/ops/metrics.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::delivery {

class Worker {
 public:
  Worker(boost::asio::io_context& ioc, storage::Pool& pool, const contracts::Registry& registry,
         const std::vector<std::unique_ptr<adapters::Adapter>>& adapters, config::Delivery cfg,
         ops::Metrics& metrics);

  // Runs until the event loop stops: starts a loop for each subscriber as contracts name them.
  boost::asio::awaitable<void> run();

 private:
  struct Counters {
    std::uint64_t attempts = 0, failures = 0, delivered = 0, dead = 0;
  };

  struct Prepared;

  boost::asio::awaitable<void> subscriber_loop(std::string subscriber);
  std::vector<Prepared> claim_and_render(pqxx::connection& conn, const contracts::Contract& c, int limit);
  boost::asio::awaitable<void> deliver(std::shared_ptr<const contracts::ContractSet> set, const contracts::Contract& c,
                                       Sender* sender, Prepared prepared);
  boost::asio::awaitable<void> refresh_figures();
  boost::asio::awaitable<void> purge_old();  // hourly: delivered rows past delivery.keep_days
  std::int64_t retry_delay_ms(int attempts_before) const;
  const adapters::Adapter* adapter_named(const std::string& name) const;
  void count(const std::string& subscriber, bool delivered, bool failed, bool dead);
  void collect(ops::PromText& out) const;

  boost::asio::io_context& ioc_;
  storage::Pool& pool_;
  const contracts::Registry& registry_;
  const std::vector<std::unique_ptr<adapters::Adapter>>& adapters_;
  config::Delivery cfg_;
  std::string instance_;  // this process, in the leases it takes
  std::unique_ptr<boost::asio::ssl::context> tls_;

  mutable std::mutex mutex_;  // guards what follows (the metrics collector reads it from an IO thread)
  std::set<std::string> running_;
  std::map<std::string, Counters> counters_;
  std::vector<PendingFigures> figures_;
};

}  // namespace siao::delivery
