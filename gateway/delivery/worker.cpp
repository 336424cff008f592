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
#include <utility>

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
constexpr auto kFiguresEvery = std::chrono::seconds(5);

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
               const std::vector<std::unique_ptr<adapters::Adapter>>& adapters, config::Delivery cfg,
               ops::Metrics& metrics)
    : ioc_(ioc), pool_(pool), registry_(registry), adapters_(adapters), cfg_(std::move(cfg)), instance_(instance_name()) {
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
  auto next_figures = std::chrono::steady_clock::now();
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
          net::co_spawn(net::make_strand(ioc_), subscriber_loop(c.client.id), [this, id = c.client.id](const std::exception_ptr& e) {
            if (e) log::event(log::Level::error, "delivery loop ended", {{"subscriber", std::string_view(id)}});
            std::lock_guard lock(mutex_);
            running_.erase(id);
          });
      }
    }
    // Without a subscriber, no query at all (dead letters of a removed one stay until it comes back). The figures
    // count every pending row: every few seconds is fresh enough for a scrape, and cheap with a long backlog.
    if (any && std::chrono::steady_clock::now() >= next_figures) {
      co_await refresh_figures();
      next_figures = std::chrono::steady_clock::now() + kFiguresEvery;
    }
    if (any && std::chrono::steady_clock::now() >= next_purge) {
      co_await purge_old();
      next_purge = std::chrono::steady_clock::now() + std::chrono::hours(1);
    }
    co_await sleep_for(std::max(cfg_.poll_interval, std::chrono::milliseconds(1000)));
  }
}

// A claimed delivery, rendered and ready to send.
struct Worker::Prepared {
  Claimed claimed;
  adapters::OutboundRendering rendering;
  std::vector<std::pair<std::string, std::pair<std::int64_t, int>>> read;  // resources the rendering read
  std::string request_id, trace_id;
};

namespace {

http::Request render_request(const std::string& subscriber, const adapters::OutboundEvent& e) {
  http::Request read;
  read.method = http::Method::get;
  read.target = "/api/v2/" + e.resource + "s/" + std::to_string(e.id);
  read.route = kRoute;
  read.request_id = http::random_hex(8);
  read.trace_id = http::random_hex(16);
  read.client_id = subscriber;
  return read;
}

}  // namespace

// On a pool connection, one round: the subscriber's new events fanned out and heads moved on, due heads claimed, each
// rendered as the subscriber reads it now. Those that cannot be rendered are given back with a delay; those the
// adapter has nothing to send for are closed as skipped. Returns the ones to send.
std::vector<Worker::Prepared> Worker::claim_and_render(pqxx::connection& conn, const contracts::Contract& c, int limit) {
  const auto& subscriber = c.client.id;
  {
    pqxx::work tx(conn);
    fan_out(tx, Subscription{subscriber, c.outbound->events, c.client.territories}, kFanOutLimit);
    tx.commit();
  }
  std::vector<Claimed> claimed;
  {
    pqxx::work tx(conn);
    claimed = claim(tx, subscriber, limit, instance_, cfg_.lease_seconds);
    tx.commit();
  }
  if (claimed.empty()) return {};
  const auto* adapter = adapter_named(c.client.adapter);
  std::vector<Prepared> out;
  std::vector<std::pair<std::int64_t, int>> given_back;  // id, attempts
  std::vector<std::int64_t> skipped;
  auto tx = std::make_unique<pqxx::read_transaction>(conn);
  for (auto& cl : claimed) {
    const auto read = render_request(subscriber, cl.event);
    audit::Exchange render_ex(read, &c.client, {});
    try {
      auto rendering = adapter ? adapter->render_outbound(*tx, render_ex, cl.event) : adapters::OutboundRendering{};
      if (!rendering.send) {
        skipped.push_back(cl.id);
        continue;
      }
      Prepared p{std::move(cl), std::move(rendering), {}, read.request_id, read.trace_id};
      for (const auto& r : render_ex.resources()) p.read.push_back({std::string(r.kind), {r.id, r.version}});
      out.push_back(std::move(p));
    } catch (const std::exception& e) {
      log::event(log::Level::warn, "delivery: rendering failed",
                 {{"subscriber", std::string_view(subscriber)},
                  {"event", std::to_string(cl.event.seq)},
                  {"error", std::string_view(e.what())}});
      given_back.emplace_back(cl.id, cl.attempts);
      tx = std::make_unique<pqxx::read_transaction>(conn);  // the failed statement ended the transaction
    }
  }
  tx.reset();
  if (!given_back.empty() || !skipped.empty()) {
    pqxx::work w(conn);
    for (const auto& [id, attempts] : given_back) release(w, id, retry_delay_ms(attempts));
    for (auto id : skipped) record_outcome(w, id, Outcome{.skipped = true});
    w.commit();
  }
  return out;
}

net::awaitable<void> Worker::subscriber_loop(std::string subscriber) {
  log::event(log::Level::info, "delivery started", {{"subscriber", std::string_view(subscriber)}});
  auto executor = co_await net::this_coro::executor;
  std::unique_ptr<Sender> sender;
  std::string sender_url;
  // Attempts run side by side, up to delivery.batch; each one ending wakes the loop, which claims as many as there
  // are free places (a household's next event can be claimed once the attempt before it is recorded).
  int in_flight = 0;
  bool ended = false;  // an attempt ended since the loop last looked
  net::steady_timer wake(executor, net::steady_timer::time_point::max());
  auto wait = [&](std::chrono::steady_clock::duration at_most) -> net::awaitable<void> {
    if (!ended) {
      wake.expires_after(at_most);
      co_await wake.async_wait(net::as_tuple(net::use_awaitable));
    }
    ended = false;
  };
  for (;;) {
    auto set = registry_.current();
    const contracts::Contract* contract = set ? set->find(subscriber) : nullptr;
    if (!contract || !contract->outbound) {
      if (in_flight > 0) {  // let the attempts under way finish with the contract they started with
        co_await wait(std::chrono::hours(1));
        continue;
      }
      log::event(log::Level::info, "delivery stopped: no subscription", {{"subscriber", std::string_view(subscriber)}});
      co_return;  // the contract dropped its subscription; a reload that restores it starts a new loop
    }
    if (!sender || sender_url != contract->outbound->endpoint) {
      std::string why;
      auto endpoint = parse_endpoint(contract->outbound->endpoint, why);
      // A contract is checked when loaded, so this stays theoretical: the attempts fail and say why.
      sender = endpoint ? std::make_unique<Sender>(std::move(*endpoint), tls_.get()) : nullptr;
      sender_url = contract->outbound->endpoint;
      if (!endpoint)
        log::event(log::Level::error, "delivery endpoint refused",
                   {{"subscriber", std::string_view(subscriber)}, {"error", std::string_view(why)}});
    }
    const int free = cfg_.batch - in_flight;
    std::vector<Prepared> ready;
    if (free > 0) {
      try {
        ready = co_await pool_.run([&](pqxx::connection& c) { return claim_and_render(c, *contract, free); });
      } catch (const std::exception& e) {
        log::event(log::Level::debug, "delivery: nothing claimed",
                   {{"subscriber", std::string_view(subscriber)}, {"error", std::string_view(e.what())}});
      }
    }
    for (auto& p : ready) {
      ++in_flight;
      net::co_spawn(executor, deliver(set, *contract, sender.get(), std::move(p)),
                    [&in_flight, &ended, &wake](const std::exception_ptr&) {
                      --in_flight;
                      ended = true;
                      wake.cancel();
                    });
    }
    if (!ready.empty() && static_cast<int>(ready.size()) == free) continue;  // maybe more is due: go on at once
    // Nothing more due now: wait for an attempt to end, or for the next look at new events and retries.
    co_await wait(cfg_.poll_interval);
  }
}

net::awaitable<void> Worker::deliver(std::shared_ptr<const contracts::ContractSet> set, const contracts::Contract& c,
                                     Sender* sender, Prepared prepared) {
  const auto& subscriber = c.client.id;
  const auto& claimed = prepared.claimed;
  const std::string id = std::to_string(claimed.event.seq);
  const std::string body = payload(claimed, prepared.rendering);
  const auto timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  http::Headers headers{{"webhook-id", id},
                        {"webhook-timestamp", std::to_string(timestamp)},
                        {"webhook-signature", sign(c.outbound->secret, id, timestamp, body)}};
  PostResult result;
  const auto started = std::chrono::steady_clock::now();
  if (!sender) result.error = "endpoint refused";
  else result = co_await sender->post(headers, body, cfg_.timeout);
  const auto took_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  const bool ok = result.status >= 200 && result.status < 300;

  // The attempt as an audited exchange of the subscriber: the request sent (headers, signed body), the partner's
  // answer; its work records the outcome, so the log and the delivery state commit together.
  http::Request sent;
  sent.method = http::Method::post;
  sent.target = c.outbound->endpoint;
  sent.route = kRoute;
  sent.request_id = prepared.request_id;
  sent.trace_id = prepared.trace_id;
  sent.client_id = subscriber;
  sent.tls = sender && sender->endpoint().tls;
  sent.headers = headers;
  sent.headers.emplace_back("content-type", "application/json");
  sent.body = body;
  Outcome outcome{.delivered = ok,
                  .status = result.status,
                  .error = ok ? std::string() : (result.error.empty() ? "HTTP " + std::to_string(result.status) : result.error),
                  .retry_in_ms = retry_delay_ms(claimed.attempts),
                  .max_age_seconds = cfg_.max_age_seconds};
  std::string state;
  audit::Exchange attempt(sent, &c.client, [&](pqxx::transaction_base& tx, audit::Exchange& ex) {
    for (const auto& [kind, r] : prepared.read) ex.touched(kind, r.first, r.second, false);
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
