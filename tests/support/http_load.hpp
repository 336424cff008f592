#pragma once
// A load generator for the fault tests, on one thread of its own (Asio coroutines): closed loop (N connections,
// each sending its next request as soon as the last is answered: what the server sustains) and open loop
// (arrivals at a fixed rate whatever the answers: what overload looks like, each arrival on a free keep-alive
// connection or a new one, up to a cap). Requests are raw HTTP/1.1 bytes made per arrival. Header-only.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/figures.hpp"

namespace siao::test {

// The request of the n-th arrival (from 0): raw HTTP/1.1 bytes, one whole request.
using RequestMaker = std::function<std::string(std::uint64_t n)>;

struct LoadAnswer {
  int status;
  // From the request's first byte written to its answer's last byte read: the server's answer time, not the
  // generator's own backlog when its machine is saturated.
  double ms;
};

struct LoadReport {
  std::map<int, long> statuses;          // answers by status
  std::map<std::string, long> problems;  // answers that were problems, by their type's slug
  std::vector<LoadAnswer> answers;
  long arrivals = 0;    // requests the schedule called for
  long unanswered = 0;  // written, then the connection failed or the answer timed out
  long not_sent = 0;    // no connection free and the cap reached: the server holds that many already
  long connect_failures = 0;
  long shed_without_retry_after = 0;  // 429 and 503 answers that did not say when to come back
  std::size_t peak_connections = 0;
  double seconds = 0;  // the schedule's length (open loop) or the run's (closed loop)

  long answered() const { return static_cast<long>(answers.size()); }
  long count(int status) const {
    auto it = statuses.find(status);
    return it == statuses.end() ? 0 : it->second;
  }
  // The p-th (0..1) latency, nearest rank, of the answers whose status `keep` accepts.
  template <class Keep>
  double percentile_ms(double p, Keep keep) const {
    std::vector<double> v;
    for (const auto& a : answers)
      if (keep(a.status)) v.push_back(a.ms);
    return nearest_rank(std::move(v), p);
  }
  double percentile_ms(double p) const {
    return percentile_ms(p, [](int) { return true; });
  }
  std::string statuses_text() const {
    std::string out;
    for (const auto& [status, n] : statuses)
      out += (out.empty() ? "" : " ") + std::to_string(status) + "x" + std::to_string(n);
    for (const auto& [slug, n] : problems) out += " " + slug + "x" + std::to_string(n);
    return out;
  }
};

struct LoadOptions {
  int port = 0;
  std::chrono::milliseconds duration{1000};
  std::chrono::milliseconds answer_timeout{30000};
  // Closed loop: the connections. Open loop: the most connections open at once.
  std::size_t connections = 16;
  double rate = 0;  // open loop: arrivals per second
};

namespace load_detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
inline constexpr auto kAwait = net::as_tuple(net::use_awaitable);

struct Connection {
  explicit Connection(net::io_context& ioc) : stream(ioc) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

struct State {
  State(net::io_context& io, const LoadOptions& o, RequestMaker m)
      : ioc(io),
        options(o),
        make(std::move(m)),
        endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(o.port)) {}
  net::io_context& ioc;
  LoadOptions options;
  RequestMaker make;
  tcp::endpoint endpoint;
  std::vector<std::unique_ptr<Connection>> idle;
  std::size_t open = 0;
  LoadReport report;
};

inline net::awaitable<std::unique_ptr<Connection>> connect(State& s) {
  auto c = std::make_unique<Connection>(s.ioc);
  ++s.open;
  s.report.peak_connections = std::max(s.report.peak_connections, s.open);
  c->stream.expires_after(s.options.answer_timeout);
  auto [ec] = co_await c->stream.async_connect(s.endpoint, kAwait);
  if (ec) {
    ++s.report.connect_failures;
    --s.open;
    c.reset();
  }
  co_return c;
}

// One request on `c`; whether `c` may carry the next one.
inline net::awaitable<bool> exchange(State& s, Connection& c, const std::string& bytes) {
  c.stream.expires_after(s.options.answer_timeout);
  const auto since = Clock::now();
  auto [wec, written] = co_await net::async_write(c.stream, net::buffer(bytes), kAwait);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::uint64_t{64} * 1024 * 1024);
  beast::error_code rec = wec;
  if (!wec) std::tie(rec, written) = co_await bhttp::async_read(c.stream, c.buffer, parser, kAwait);
  if (rec) {
    ++s.report.unanswered;
    co_return false;
  }
  const auto& msg = parser.get();
  const int status = static_cast<int>(msg.result_int());
  ++s.report.statuses[status];
  if (status >= 400) {
    auto slug = problem_slug(msg.body());
    ++s.report.problems[slug.empty() ? "?" : slug];
  }
  if ((status == 429 || status == 503) && msg.find(bhttp::field::retry_after) == msg.end())
    ++s.report.shed_without_retry_after;
  s.report.answers.push_back({status, std::chrono::duration<double, std::milli>(Clock::now() - since).count()});
  co_return msg.keep_alive();
}

inline net::awaitable<void> arrival(State* s, std::uint64_t n) {
  std::unique_ptr<Connection> c;
  if (!s->idle.empty()) {
    c = std::move(s->idle.back());
    s->idle.pop_back();
  } else if (s->open < s->options.connections) {
    c = co_await connect(*s);
    if (!c) co_return;
  } else {
    ++s->report.not_sent;
    co_return;
  }
  const std::string bytes = s->make(n);
  if (co_await exchange(*s, *c, bytes)) s->idle.push_back(std::move(c));
  else --s->open;
}

inline net::awaitable<void> schedule(State* s) {
  net::steady_timer timer(s->ioc);
  const auto start = Clock::now();
  const double rate = s->options.rate;
  std::uint64_t issued = 0;
  for (;;) {
    const auto elapsed = Clock::now() - start;
    if (elapsed >= s->options.duration) break;
    const auto due = static_cast<std::uint64_t>(rate * std::chrono::duration<double>(elapsed).count());
    for (; issued < due; ++issued) net::co_spawn(s->ioc, arrival(s, issued), net::detached);
    timer.expires_after(std::chrono::milliseconds(2));
    co_await timer.async_wait(kAwait);
  }
  s->report.arrivals = static_cast<long>(issued);
  s->report.seconds = std::chrono::duration<double>(s->options.duration).count();
}

inline net::awaitable<void> sender(State* s, Clock::time_point until, std::uint64_t first, std::uint64_t step) {
  std::unique_ptr<Connection> c;
  for (std::uint64_t n = first; Clock::now() < until; n += step) {
    if (!c && !(c = co_await connect(*s))) co_return;
    const std::string bytes = s->make(n);
    ++s->report.arrivals;
    if (!co_await exchange(*s, *c, bytes)) {
      c.reset();
      --s->open;
    }
  }
}

}  // namespace load_detail

// Arrivals at options.rate for options.duration, then waits for the answers still due (at most answer_timeout).
inline LoadReport open_loop(const LoadOptions& options, RequestMaker make) {
  namespace d = load_detail;
  d::net::io_context ioc;
  d::State s(ioc, options, std::move(make));
  d::net::co_spawn(ioc, d::schedule(&s), d::net::detached);
  ioc.run();
  return std::move(s.report);
}

// options.connections senders, each sending its next request when its last is answered, for options.duration.
inline LoadReport closed_loop(const LoadOptions& options, RequestMaker make) {
  namespace d = load_detail;
  d::net::io_context ioc;
  d::State s(ioc, options, std::move(make));
  const auto start = d::Clock::now();
  for (std::size_t i = 0; i < options.connections; ++i)
    d::net::co_spawn(ioc, d::sender(&s, start + options.duration, i, options.connections), d::net::detached);
  ioc.run();
  s.report.seconds = std::chrono::duration<double>(d::Clock::now() - start).count();
  return std::move(s.report);
}

}  // namespace siao::test
