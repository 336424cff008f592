#include "gateway/delivery/worker.hpp"

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <pqxx/pqxx>
#include <random>
#include <cmath>
#include <algorithm>

#include "gateway/audit/exchange.hpp"
#include "gateway/delivery/http_client.hpp"
#include "gateway/delivery/signature.hpp"
#include "gateway/http/request_ids.hpp"
#include "gateway/log/log.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::delivery {

namespace net = boost::asio;

namespace {

constexpr std::string_view kRoute = "outbound delivery";
constexpr int kFanOutLimit = 1000;

net::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  net::steady_timer timer(co_await net::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(net::as_tuple(net::use_awaitable));
}

std::string instance_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + http::random_hex(4);
}

// {"type","timestamp","data":{...}}: Standard Webhooks' payload shape; data names the event and, when the adapter
// renders it, carries the resource in the partner's format under `member`.
std::string payload(const Claimed& c, const adapters::OutboundRendering& r) {
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "type", c.event.type);
    resources::put(w, "timestamp", c.at);
    resources::put(w, "data");
    w.StartObject();
    resources::put(w, "seq", std::to_string(c.event.seq));
    resources::put(w, "resource", c.event.resource);
    resources::put_id(w, "id", c.event.id);
    resources::put(w, "version");
    w.Int(c.event.version);
    resources::put_id(w, "householdId", c.event.household_id);
    if (c.event.into_id) resources::put_id(w, "into", *c.event.into_id);
    if (!r.member.empty()) {
      resources::put(w, r.member);
      w.RawValue(r.json.data(), r.json.size(), rapidjson::kObjectType);
    }
    w.EndObject();
    w.EndObject();
  });
}

// A named coroutine, not a lambda: its references stay valid while it is suspended.
net::awaitable<void> run_exchange(storage::Pool& pool, audit::Exchange& exchange) { co_await pool.run_batched(exchange); }

}  // namespace

Worker::Worker(net::io_context& ioc, storage::Pool& pool, const contracts::Registry& registry,
               const std::vector<std::unique_ptr<adapters::Adapter>>& adapters, const config::Delivery& cfg,
               ops::Metrics& metrics)
    : ioc_(ioc), pool_(pool), registry_(registry), adapters_(adapters), cfg_(cfg), instance_(instance_name()) {
  try {
    tls_ = make_client_tls(cfg_.ca_file);
  } catch (const std::exception& e) {
    // Plain http to loopback still works; every https delivery fails (and says so) until the file is fixed.
    log::event(log::Level::error, "delivery CA file refused", {{"error", std::string_view(e.what())}});
  }
  metrics.add_collector([this](ops::PromText& out) { collect(out); });
}

const adapters::Adapter* Worker::adapter_named(const std::string& name) const {
  for (const auto& a : adapters_)
    if (a->name() == name) return a.get();
  return nullptr;
}

std::int64_t Worker::retry_delay_ms(int attempts_before) const {
  // Exponential, capped, with "equal jitter": half the delay fixed, half random, so that retries of many
  // deliveries spread instead of arriving together.
  const double base = static_cast<double>(cfg_.base_delay.count());
  const double cap = static_cast<double>(cfg_.max_delay.count());
  const double full = std::min(cap, base * std::pow(2.0, std::min(attempts_before, 40)));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> half(0.0, full / 2);
  return static_cast<std::int64_t>(full / 2 + half(rng));
}

void Worker::count(const std::string& subscriber, bool delivered, bool failed, bool dead) {
  std::lock_guard lock(mutex_);
  auto& c = counters_[subscriber];
  ++c.attempts;
  if (delivered) ++c.delivered;
  if (failed) ++c.failures;
  if (dead) ++c.dead;
}

void Worker::collect(ops::PromText& out) const {
  std::lock_guard lock(mutex_);
  // Every running subscriber has its gauges, at zero when it has nothing waiting.
  auto all = figures_;
  for (const auto& s : running_)
    if (std::none_of(all.begin(), all.end(), [&](const PendingFigures& f) { return f.subscriber == s; }))
      all.push_back({s, 0, 0, 0});
  out.family("siao_delivery_pending", "gauge", "Events waiting to be delivered, per subscriber.");
  for (const auto& f : all) out.sample("siao_delivery_pending", {{"subscriber", f.subscriber}}, static_cast<double>(f.pending));
  out.family("siao_delivery_oldest_pending_seconds", "gauge", "Age of the oldest event waiting, per subscriber.");
  for (const auto& f : all)
    out.sample("siao_delivery_oldest_pending_seconds", {{"subscriber", f.subscriber}}, f.oldest_pending_seconds);
  out.family("siao_delivery_dead_letters", "gauge", "Events in the dead letters, per subscriber.");
  for (const auto& f : all) out.sample("siao_delivery_dead_letters", {{"subscriber", f.subscriber}}, static_cast<double>(f.dead));
  out.family("siao_delivery_attempts_total", "counter", "Delivery attempts made by this instance.");
  for (const auto& [s, c] : counters_) out.sample("siao_delivery_attempts_total", {{"subscriber", s}}, c.attempts);
  out.family("siao_delivery_failures_total", "counter", "Delivery attempts that failed (no 2xx answer).");
  for (const auto& [s, c] : counters_) out.sample("siao_delivery_failures_total", {{"subscriber", s}}, c.failures);
  out.family("siao_delivery_delivered_total", "counter", "Events delivered (2xx) by this instance.");
  for (const auto& [s, c] : counters_) out.sample("siao_delivery_delivered_total", {{"subscriber", s}}, c.delivered);
  out.family("siao_delivery_dead_total", "counter", "Events this instance sent to the dead letters.");
  for (const auto& [s, c] : counters_) out.sample("siao_delivery_dead_total", {{"subscriber", s}}, c.dead);
}

net::awaitable<void> Worker::refresh_figures() {
  try {
    auto f = co_await pool_.run([](pqxx::connection& c) {
      pqxx::read_transaction tx(c);
      return figures(tx);
    });
    std::lock_guard lock(mutex_);
    figures_ = std::move(f);
  } catch (const std::exception&) {
    // The schema may still be migrating, or the database away: the figures stay as they were.
  }
}

net::awaitable<void> Worker::purge_old() {
  try {
    auto n = co_await pool_.run([days = cfg_.keep_days](pqxx::connection& c) {
      pqxx::work tx(c);
      auto purged = purge(tx, days);
      tx.commit();
      return purged;
    });
    if (n > 0) log::event(log::Level::info, "deliveries purged", {{"count", n}});
  } catch (const std::exception& e) {
    log::event(log::Level::debug, "deliveries not purged", {{"error", std::string_view(e.what())}});
  }
}

net::awaitable<void> Worker::run() {
  auto next_purge = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  for (;;) {
    auto set = registry_.current();
    bool any = false;
    if (set) {
      for (const auto& c : set->all()) {
        if (!c.outbound) continue;
        any = true;
        bool start = false;
        {
          std::lock_guard lock(mutex_);
          start = running_.insert(c.client.id).second;
        }
        if (start)
          net::co_spawn(net::make_strand(ioc_), subscriber_loop(c.client.id), [this, id = c.client.id](std::exception_ptr e) {
            if (e) log::event(log::Level::error, "delivery loop ended", {{"subscriber", std::string_view(id)}});
            std::lock_guard lock(mutex_);
            running_.erase(id);
          });
      }
    }
    // Without a subscriber, no query at all (dead letters of a removed one stay until it comes back).
    if (any) co_await refresh_figures();
    if (any && std::chrono::steady_clock::now() >= next_purge) {
      co_await purge_old();
      next_purge = std::chrono::steady_clock::now() + std::chrono::hours(1);
    }
    co_await sleep_for(std::max(cfg_.poll_interval, std::chrono::milliseconds(1000)));
  }
}

net::awaitable<void> Worker::subscriber_loop(std::string subscriber) {
  log::event(log::Level::info, "delivery started", {{"subscriber", std::string_view(subscriber)}});
  auto executor = co_await net::this_coro::executor;
  for (;;) {
    auto set = registry_.current();
    const contracts::Contract* contract = set ? set->find(subscriber) : nullptr;
    if (!contract || !contract->outbound) {
      log::event(log::Level::info, "delivery stopped: no subscription", {{"subscriber", std::string_view(subscriber)}});
      co_return;  // the contract dropped its subscription; a reload that restores it starts a new loop
    }
    Subscription sub{subscriber, contract->outbound->events, contract->client.territories};
    std::vector<Claimed> claimed;
    try {
      claimed = co_await pool_.run([&](pqxx::connection& c) {
        pqxx::work tx(c);
        fan_out(tx, sub, kFanOutLimit);
        tx.commit();
        pqxx::work claim_tx(c);
        auto out = claim(claim_tx, subscriber, cfg_.batch, instance_, cfg_.lease_seconds);
        claim_tx.commit();
        return out;
      });
    } catch (const std::exception& e) {
      log::event(log::Level::debug, "delivery: nothing claimed",
                 {{"subscriber", std::string_view(subscriber)}, {"error", std::string_view(e.what())}});
    }
    if (claimed.empty()) {
      co_await sleep_for(cfg_.poll_interval);
      continue;
    }
    // Each claimed delivery is the head of its own household: they go at once, and the loop goes on when all are
    // done (a lease covers one attempt's timeout).
    std::size_t left = claimed.size();
    net::steady_timer all_done(executor, net::steady_timer::time_point::max());
    for (auto& c : claimed)
      net::co_spawn(executor, deliver(set, *contract, std::move(c)), [&left, &all_done](std::exception_ptr) {
        if (--left == 0) all_done.cancel();
      });
    co_await all_done.async_wait(net::as_tuple(net::use_awaitable));
  }
}

net::awaitable<void> Worker::deliver(std::shared_ptr<const contracts::ContractSet> set, const contracts::Contract& c,
                                     Claimed claimed) {
  const auto& subscriber = c.client.id;
  const auto* adapter = adapter_named(c.client.adapter);
  const std::string id = std::to_string(claimed.event.seq);

  // The resource as the subscriber reads it now, rendered by its adapter, in a read transaction of its own.
  http::Request read;
  read.method = http::Method::get;
  read.target = "/api/v2/" + claimed.event.resource + "s/" + std::to_string(claimed.event.id);
  read.route = kRoute;
  read.request_id = http::random_hex(8);
  read.trace_id = http::random_hex(16);
  read.client_id = subscriber;
  audit::Exchange render_ex(read, &c.client, {});
  adapters::OutboundRendering rendering;
  bool rendered = false;
  try {
    rendering = co_await pool_.run([&](pqxx::connection& conn) {
      pqxx::read_transaction tx(conn);
      return adapter ? adapter->render_outbound(tx, render_ex, claimed.event) : adapters::OutboundRendering{};
    });
    rendered = true;
  } catch (const std::exception& e) {
    log::event(log::Level::warn, "delivery: rendering failed",
               {{"subscriber", std::string_view(subscriber)}, {"event", std::string_view(id)}, {"error", std::string_view(e.what())}});
  }
  if (!rendered) {
    try {
      co_await pool_.run([&](pqxx::connection& conn) {
        pqxx::work tx(conn);
        release(tx, claimed.id, retry_delay_ms(claimed.attempts));
        tx.commit();
      });
    } catch (const std::exception&) {
      // The lease runs out: the delivery is taken again then.
    }
    co_return;
  }
  if (!rendering.send) {
    try {
      co_await pool_.run([&](pqxx::connection& conn) {
        pqxx::work tx(conn);
        record_outcome(tx, claimed.id, Outcome{.skipped = true});
        tx.commit();
      });
    } catch (const std::exception&) {
    }
    co_return;
  }

  const std::string body = payload(claimed, rendering);
  const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  http::Headers headers{{"webhook-id", id},
                        {"webhook-timestamp", std::to_string(timestamp)},
                        {"webhook-signature", sign(c.outbound->secret, id, timestamp, body)}};
  std::string why;
  auto endpoint = parse_endpoint(c.outbound->endpoint, why);
  PostResult result;
  const auto started = std::chrono::steady_clock::now();
  if (!endpoint) result.error = "endpoint: " + why;
  else result = co_await post(*endpoint, headers, body, cfg_.timeout, tls_.get());
  const auto took_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  const bool ok = result.status >= 200 && result.status < 300;

  // The attempt as an audited exchange of the subscriber: the request sent (headers, signed body), the partner's
  // answer; its work records the outcome, so the log and the delivery state commit together.
  http::Request sent;
  sent.method = http::Method::post;
  sent.target = c.outbound->endpoint;
  sent.route = kRoute;
  sent.request_id = read.request_id;
  sent.trace_id = read.trace_id;
  sent.client_id = subscriber;
  sent.tls = endpoint && endpoint->tls;
  sent.headers = headers;
  sent.headers.emplace_back("content-type", "application/json");
  sent.body = body;
  Outcome outcome{.delivered = ok,
                  .status = result.status,
                  .error = ok ? std::string() : (result.error.empty() ? "HTTP " + std::to_string(result.status) : result.error),
                  .retry_in_ms = retry_delay_ms(claimed.attempts),
                  .max_age_seconds = cfg_.max_age_seconds};
  std::string state;
  const auto resources = render_ex.resources();
  audit::Exchange attempt(sent, &c.client, [&](pqxx::transaction_base& tx, audit::Exchange& ex) {
    for (const auto& r : resources) ex.touched(r.kind, r.id, r.version, false);
    state = record_outcome(tx, claimed.id, outcome);
    http::Response answer;
    // No answer at all: 502 (or 504 on timeout) in the record, with what went wrong.
    answer.status = result.status > 0 ? result.status : (result.error.find("timeout") != std::string::npos ? 504 : 502);
    answer.content_type = result.status > 0 && !result.content_type.empty() ? result.content_type : "text/plain";
    answer.body = result.status > 0 ? result.body : result.error;
    answer.set("x-delivery-duration-ms", std::to_string(took_ms));
    answer.set("x-delivery-state", state);
    return answer;
  });
  try {
    co_await run_exchange(pool_, attempt);
  } catch (const std::exception& e) {
    // Not recorded: the lease runs out and the event is sent again (at least once; the partner drops repeats).
    log::event(log::Level::warn, "delivery: attempt not recorded",
               {{"subscriber", std::string_view(subscriber)}, {"event", std::string_view(id)}, {"error", std::string_view(e.what())}});
  }
  count(subscriber, ok, !ok, state == "dead");
  if (!ok)
    log::event(state == "dead" ? log::Level::warn : log::Level::info, state == "dead" ? "delivery dead" : "delivery failed",
               {{"subscriber", std::string_view(subscriber)},
                {"event", std::string_view(id)},
                {"status", std::int64_t{result.status}},
                {"error", std::string_view(outcome.error)}});
  (void)set;  // keeps the contract alive while the attempt runs
}

}  // namespace siao::delivery
