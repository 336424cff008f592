// Slow and hostile clients, many at once: slowloris senders, clients that never read their (large) answers,
// thousands of idle connections, pipelined bursts. In each case the gateway's memory stays bounded and a
// well-behaved client beside them is served promptly, on /health and on an API route through the database pool.
//
// tests/e2e/limits_test.cpp checks each limit once, with one client; these check them under a crowd. The quick
// versions shorten the gateway's timeouts; with SIAO_FAULT_DEFAULT_TIMEOUTS=1 (the long run,
// tests/fault/README.md) they keep its defaults. Each prints its figures on a "figures:" line.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/fault/knobs.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/latency_probe.hpp"
#include "tests/support/process_memory.hpp"
#include "tests/support/raw_request.hpp"
#include "tests/support/test_database.hpp"

using namespace siao::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// A gateway on a database of its own with one household, and the two well-behaved clients that watch it.
struct Watched {
  TestDatabase db;
  GatewayProcess gw;
  std::string household;

  explicit Watched(std::map<std::string, std::string> env)
      : gw({.database_url = db.url(), .env = small_quarantine(std::move(env))}) {
    REQUIRE(gw.wait_ready(15s));
    ApiClient client(gw.http_port());
    auto h =
        client.post("/api/v2/households", household_body("75", {person_json("head", "VEILLE", "female", "1980-01-01")}));
    REQUIRE_MESSAGE(h.status == 201, h.body);
    household = h.str("/id");
  }
  static std::map<std::string, std::string> small_quarantine(std::map<std::string, std::string> env) {
    with_small_asan_quarantine(env);  // so that its RSS shows what it holds
    return env;
  }
  int port() const { return gw.http_port(); }
  ProbeTarget health() const { return {.port = port(), .path = "/health"}; }
  ProbeTarget api() const {
    return {.port = port(),
            .path = "/api/v2/households/" + household,
            .headers = {{"Authorization", std::string("Bearer ") + kBackofficeKey}}};
  }
  // The gateway's own count of open client connections (/metrics).
  long open_connections() const {
    HttpClient c(port());
    auto body = c.get("/metrics").body;
    static const std::string kName = "\nsiao_http_open_connections ";
    auto at = body.find(kName);
    REQUIRE(at != std::string::npos);
    return std::stol(body.substr(at + kName.size()));
  }
};

// What the watchers saw: no failure, and every answer within `worst` (a busy two-core machine: generous).
void check_served(const LatencyProbe& probe, const char* what, double worst_ms = 2000, long min_probes = 5) {
  MESSAGE("figures: " << std::string(what) << ": " << probe.summary());
  CHECK_MESSAGE(probe.probes() >= min_probes, std::string(what));
  CHECK_MESSAGE(probe.failures() == 0, std::string(what));
  CHECK_MESSAGE(probe.worst_ms() < worst_ms, std::string(what));
}

// The gateway timeout a case runs under: `quick`, set through `variable`, or with SIAO_FAULT_DEFAULT_TIMEOUTS=1 the
// gateway's own default (`otherwise`, as docs/configuration.md gives it).
std::chrono::milliseconds gateway_timeout(std::map<std::string, std::string>& env, const char* variable,
                                          std::chrono::milliseconds quick, std::chrono::milliseconds otherwise) {
  const char* knob = std::getenv("SIAO_FAULT_DEFAULT_TIMEOUTS");
  if (knob && std::string(knob) == "1") return otherwise;
  env[variable] = std::to_string(quick.count());
  return quick;
}

// Whether the peer has closed `fd` (a FIN or a reset), without blocking and without consuming anything.
bool peer_closed(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) return true;
  char c = 0;
  return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

// Plain sockets the test opens and closes itself: idle ones, and ones that never read.
class Sockets {
 public:
  Sockets() = default;
  Sockets(const Sockets&) = delete;
  Sockets& operator=(const Sockets&) = delete;
  ~Sockets() {
    for (int fd : fds_) ::close(fd);
  }
  // A connected socket; `receive_buffer` > 0 shrinks its receive window first.
  int open(int port, int receive_buffer = 0) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    fds_.push_back(fd);
    if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) throw std::runtime_error("connect() failed");
    return fd;
  }
  static void send_all(int fd, const std::string& bytes) {
    for (std::size_t sent = 0; sent < bytes.size();) {
      auto n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send() failed");
      sent += static_cast<std::size_t>(n);
    }
  }
  const std::vector<int>& all() const { return fds_; }
  long closed_by_peer() const {
    long n = 0;
    for (int fd : fds_) n += peer_closed(fd) ? 1 : 0;
    return n;
  }

 private:
  std::vector<int> fds_;
};

// Slowloris: connections that send the start of a request, then one byte every `every`, each reconnecting when
// the gateway cuts it off, until `until`. Each cut-off's time since the connection's first byte is kept.
struct SlowReport {
  std::vector<double> cut_after_ms;
  long answered = 0;  // connections that got bytes back before being cut off
  long connect_failures = 0;
  double oldest_open_ms = 0;  // at the end: the longest-lived connection not yet cut off
};

net::awaitable<void> slow_sender(net::io_context& ioc, SlowReport* report, int port, std::string prefix,
                                 std::chrono::milliseconds every, Clock::time_point until) {
  constexpr auto await = net::as_tuple(net::use_awaitable);
  net::steady_timer timer(ioc);
  while (Clock::now() < until) {
    tcp::socket socket(ioc);
    auto [cec] =
        co_await socket.async_connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, await);
    if (cec) {
      ++report->connect_failures;
      timer.expires_after(100ms);
      co_await timer.async_wait(await);
      continue;
    }
    const auto started = Clock::now();
    auto [wec, n] = co_await net::async_write(socket, net::buffer(prefix), await);
    bool cut = static_cast<bool>(wec);
    bool answered = false;  // bytes back stay unread (peeked): count the connection once
    while (!cut && Clock::now() < until) {
      timer.expires_after(every);
      co_await timer.async_wait(await);
      char c = 0;
      if (!answered && ::recv(socket.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0) {
        answered = true;
        ++report->answered;
      }
      cut = peer_closed(socket.native_handle());
      if (!cut) std::tie(wec, n) = co_await net::async_write(socket, net::buffer(" ", 1), await);
      cut = cut || wec;
    }
    if (cut) report->cut_after_ms.push_back(ms_since(started));
    else report->oldest_open_ms = std::max(report->oldest_open_ms, ms_since(started));
  }
}

SlowReport slowloris(int port, const std::vector<std::string>& prefixes, int connections,
                     std::chrono::milliseconds every, std::chrono::milliseconds duration) {
  net::io_context ioc;
  SlowReport report;
  const auto until = Clock::now() + duration;
  for (int i = 0; i < connections; ++i)
    net::co_spawn(
        ioc, slow_sender(ioc, &report, port, prefixes[static_cast<std::size_t>(i) % prefixes.size()], every, until),
        net::detached);
  ioc.run();
  return report;
}

// How many idle connections this run holds: SIAO_FAULT_IDLE_CONNECTIONS (the long run), else 2000; within the
// descriptors this process may open, less a margin for the rest of the test.
int idle_connections_wanted() {
  const long wanted = fault::knob("SIAO_FAULT_IDLE_CONNECTIONS", 2000, 1000000);
  rlimit limit{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
  const long usable = static_cast<long>(limit.rlim_cur) - 512;
  if (wanted > usable) MESSAGE("only " << usable << " descriptors to spare: holding that many, not " << wanted);
  return static_cast<int>(std::min(wanted, usable));
}

}  // namespace

TEST_CASE("hostile clients: hundreds of slowloris senders are cut off while others are served") {
  // The read timeout is the guard (10 s by default): 2 s keeps the quick run short.
  std::map<std::string, std::string> env;
  const auto read_timeout = gateway_timeout(env, "GATEWAY_READ_TIMEOUT_MS", 2000ms, 10000ms);
  const auto duration = std::max<std::chrono::milliseconds>(7s, 3 * read_timeout + 1s);
  Watched g(env);
  const long rss_before = rss_kib(g.gw.pid());
  const std::string body_start = "POST /api/v2/households HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                 std::string(kBackofficeKey) +
                                 "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{";
  // Half trickle their headers, half their body (a valid one: spaces).
  const std::vector<std::string> prefixes = {"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ", body_start};
  SlowReport slow;
  long rss_peak = 0;
  {
    RssSampler rss(g.gw.pid());
    LatencyProbe health(g.health()), api(g.api());
    slow = slowloris(g.port(), prefixes, 500, 250ms, duration);
    health.stop();
    api.stop();
    rss_peak = rss.peak_kib();
    check_served(health, "health beside 500 slowloris senders");
    check_served(api, "API reads beside 500 slowloris senders");
  }
  std::vector<double> cut = slow.cut_after_ms;
  std::sort(cut.begin(), cut.end());
  MESSAGE("figures: slowloris: 500 senders for "
          << duration.count() << " ms - " << cut.size() << " cut off - first after " << (cut.empty() ? 0 : cut.front())
          << " ms - last after " << (cut.empty() ? 0 : cut.back()) << " ms - " << slow.answered << " answered - "
          << slow.connect_failures << " connections refused - oldest still open " << slow.oldest_open_ms << " ms");
  MESSAGE("figures: slowloris: gateway RSS " << rss_before / 1024 << " MiB before - " << rss_peak / 1024
                                             << " MiB at most");
  // Every sender was cut off, each within the read timeout (plus a busy machine's margin), without an answer.
  const auto limit_ms = static_cast<double>(read_timeout.count());
  CHECK(cut.size() >= 500);
  CHECK(slow.connect_failures == 0);
  CHECK(slow.answered == 0);
  REQUIRE_FALSE(cut.empty());
  CHECK(cut.front() >= 0.9 * limit_ms);
  CHECK(cut.back() < limit_ms + 3000);
  CHECK(slow.oldest_open_ms < limit_ms + 3000);
  CHECK(rss_peak - rss_before < 256 * 1024);
}

TEST_CASE("hostile clients: clients that never read their large answers are cut off with bounded memory") {
  std::map<std::string, std::string> env;
  const auto write_timeout = gateway_timeout(env, "GATEWAY_WRITE_TIMEOUT_MS", 2000ms, 10000ms);
  Watched g(env);
  // A list answer of about half a megabyte: 60 households of 20 members each.
  {
    ApiClient api(g.port());
    std::vector<std::string> members{person_json("head", "GRANDE", "female", "1970-01-01")};
    for (int i = 1; i < 20; ++i)
      members.push_back(person_json("child", "GRANDE", "male", "2010-01-01", "Enfant" + std::to_string(i)));
    for (int i = 0; i < 60; ++i) REQUIRE(api.post("/api/v2/households", household_body("93", members)).status == 201);
  }
  const std::string list = raw_request("GET", "/api/v2/households?territory=93&limit=500", {bearer(kBackofficeKey)});
  {
    HttpClient c(g.port());
    auto r = c.request("GET", "/api/v2/households?territory=93&limit=500", {},
                       {{"Authorization", std::string("Bearer ") + kBackofficeKey}});
    REQUIRE(r.status == 200);
    MESSAGE("one list answer: " << r.body.size() << " bytes");
    REQUIRE(r.body.size() > 300 * 1024);
  }
  const long rss_before = rss_kib(g.gw.pid());
  const long open_before = g.open_connections(), fds_before = open_fds(g.gw.pid());
  long rss_peak = 0;
  constexpr int kClients = 40, kPipelined = 20;
  {
    RssSampler rss(g.gw.pid());
    LatencyProbe health(g.health()), api(g.api());
    Sockets deaf;
    std::string burst;
    for (int i = 0; i < kPipelined; ++i) burst += list;
    const auto started = Clock::now();
    for (int i = 0; i < kClients; ++i) Sockets::send_all(deaf.open(g.port(), 4096), burst);
    // Each is cut off once an answer has waited the write timeout: the gateway's count falls back.
    CHECK(eventually([&] { return g.open_connections() <= open_before + 2; }, write_timeout * 3 + 10s));
    MESSAGE("figures: never-reading clients: "
            << kClients << " with " << kPipelined << " pipelined list requests each - all cut off within "
            << ms_since(started) << " ms (write timeout " << write_timeout.count() << " ms)");
    // Their sockets are closed, not merely forgotten. (The clients may not see it: the gateway's FIN waits in the
    // kernel behind the answer bytes their zero window refuses.)
    CHECK(eventually([&] { return open_fds(g.gw.pid()) <= fds_before + 4; }, 5s));
    health.stop();
    api.stop();
    rss_peak = rss.peak_kib();
    check_served(health, "health beside clients that never read");
    // Their list queries share the pool with these reads: a second or so behind them on a busy machine.
    check_served(api, "API reads beside clients that never read", 3000);
  }
  MESSAGE("figures: never-reading clients: gateway RSS " << rss_before / 1024 << " MiB before - " << rss_peak / 1024
                                                         << " MiB at most");
  // Had it read every pipelined request and kept each answer, 800 answers of half a megabyte: 400 MiB and more.
  CHECK(rss_peak - rss_before < 192 * 1024);
}

TEST_CASE("hostile clients: thousands of idle connections are held cheaply then closed while others are served") {
  const int wanted = idle_connections_wanted();
  std::map<std::string, std::string> env;
  const auto idle_timeout = gateway_timeout(env, "GATEWAY_IDLE_TIMEOUT_MS", 4000ms, 30000ms);
  if (wanted > 9000) env["GATEWAY_MAX_CONNECTIONS"] = std::to_string(wanted + 1000);
  Watched g(env);
  const long rss_before = rss_kib(g.gw.pid());
  long rss_peak = 0;
  Sockets idle;
  {
    RssSampler rss(g.gw.pid());
    LatencyProbe health(g.health()), api(g.api());
    // Half never send a byte; half send one request, read its answer, and stay open (keep-alive).
    const auto started = Clock::now();
    const std::string ping = raw_request("GET", "/health");
    for (int i = 0; i < wanted; ++i) {
      int fd = idle.open(g.port());
      if (i % 2) Sockets::send_all(fd, ping);
    }
    for (std::size_t i = 1; i < idle.all().size(); i += 2) {
      char buf[1024];
      pollfd p{idle.all()[i], POLLIN, 5000};
      CHECK(::poll(&p, 1, 5000) == 1);
      CHECK(::recv(idle.all()[i], buf, sizeof buf, 0) > 0);  // the answer (its start is enough)
    }
    const double opened_ms = ms_since(started);
    const long open = g.open_connections();
    const long rss_held = rss_kib(g.gw.pid());
    MESSAGE("figures: idle connections: " << wanted << " opened in " << opened_ms << " ms - the gateway counts " << open
                                          << " open - RSS " << rss_before / 1024 << " MiB before - " << rss_held / 1024
                                          << " MiB holding them (" << (rss_held - rss_before) * 1024 / wanted
                                          << " bytes each) - " << open_fds(g.gw.pid()) << " descriptors");
    CHECK(open >= wanted);
    CHECK(ms_since(started) < static_cast<double>(idle_timeout.count()));  // else some may have timed out already
    // The idle timeout closes them all, the silent and the kept-alive alike.
    CHECK(eventually([&] { return idle.closed_by_peer() == wanted; }, idle_timeout + 10s));
    MESSAGE("figures: idle connections: all closed by the gateway "
            << ms_since(started) << " ms after the first was opened (idle timeout " << idle_timeout.count() << " ms)");
    CHECK(eventually([&] { return g.open_connections() <= 3; }, 5s));
    health.stop();
    api.stop();
    rss_peak = rss.peak_kib();
    check_served(health, "health beside idle connections");
    check_served(api, "API reads beside idle connections");
  }
  // A few KiB each: an idle connection costs a socket, a small buffer and a suspended coroutine.
  CHECK(rss_peak - rss_before < 32L * wanted + 128L * 1024);
}

TEST_CASE("hostile clients: pipelined requests are answered in order or refused cleanly") {
  Watched g({});
  const auto auth = bearer(kBackofficeKey);
  auto tagged = [](const std::string& method, const std::string& target, RawHeaders headers, const std::string& body,
                   const std::string& id) {
    headers.emplace_back("X-Request-Id", id);
    return raw_request(method, target, headers, body);
  };

  SUBCASE("a mixed pipeline in one write is answered in order") {
    const std::string body = household_body("75", {person_json("head", "TUYAU", "male", "1975-05-05")});
    HttpClient c(g.port());
    c.send_raw(tagged("GET", "/health", {}, "", "p1") +
               tagged("GET", "/api/v2/households/" + g.household, {auth}, "", "p2") +
               tagged("POST", "/api/v2/households", {auth, {"Content-Type", "application/json"}}, body, "p3") +
               tagged("GET", "/api/v2/households/00000000", {auth}, "", "p4") + tagged("GET", "/ready", {}, "", "p5"));
    const std::vector<std::pair<std::string, int>> expected = {
        {"p1", 200}, {"p2", 200}, {"p3", 201}, {"p4", 404}, {"p5", 200}};
    for (const auto& step : expected) {
      // Plain names: clang 14 cannot capture a structured binding in doctest's message lambdas.
      const std::string& id = step.first;
      const int status = step.second;
      auto r = c.read_response();
      CHECK_MESSAGE(r.header("x-request-id") == id, "expected the answer to " << id);
      CHECK_MESSAGE(r.status == status, id);
      CHECK(r.keep_alive);
    }
    CHECK(c.get("/health").status == 200);  // and the connection goes on
  }

  SUBCASE("a burst of 5000 pipelined requests is answered in order with bounded memory") {
    const long rss_before = rss_kib(g.gw.pid());
    RssSampler rss(g.gw.pid());
    LatencyProbe health(g.health()), api(g.api());
    constexpr int kBurst = 5000;
    std::string burst;
    for (int i = 0; i < kBurst; ++i)
      burst += i % 4 ? tagged("GET", "/health", {}, "", "b" + std::to_string(i))
                     : tagged("GET", "/api/v2/households/" + g.household, {auth}, "", "b" + std::to_string(i));
    HttpClient c(g.port());
    c.send_raw(burst);
    int in_order = 0;
    for (int i = 0; i < kBurst; ++i) {
      auto r = c.read_response();
      if (r.header("x-request-id") == "b" + std::to_string(i) && r.status == 200) ++in_order;
    }
    CHECK(in_order == kBurst);
    health.stop();
    api.stop();
    check_served(health, "health beside a pipelined burst", 2000, 1);
    check_served(api, "API reads beside a pipelined burst", 2000, 1);
    MESSAGE("figures: pipelined burst: gateway RSS " << rss_before / 1024 << " MiB before - " << rss.peak_kib() / 1024
                                                     << " MiB at most");
    CHECK(rss.peak_kib() - rss_before < 128 * 1024);
  }

  SUBCASE("a malformed request in a pipeline is refused and ends the connection") {
    HttpClient c(g.port());
    c.send_raw(tagged("GET", "/health", {}, "", "m1") + tagged("GET", "/health", {}, "", "m2") + "GARBAGE\r\n\r\n" +
               tagged("GET", "/health", {}, "", "m4"));
    CHECK(c.read_response().header("x-request-id") == "m1");
    CHECK(c.read_response().header("x-request-id") == "m2");
    auto refused = c.read_response();
    CHECK(refused.status == 400);
    CHECK(refused.header("content-type") == "application/problem+json");
    CHECK(refused.body.find("/problems/malformed-request") != std::string::npos);
    CHECK_FALSE(refused.keep_alive);
    CHECK(c.closed_by_peer(3s));  // m4 is never answered
  }

  SUBCASE("Connection close in a pipeline ends it after that answer") {
    HttpClient c(g.port());
    c.send_raw(tagged("GET", "/health", {}, "", "c1") + tagged("GET", "/health", {{"Connection", "close"}}, "", "c2") +
               tagged("GET", "/health", {}, "", "c3"));
    CHECK(c.read_response().header("x-request-id") == "c1");
    auto last = c.read_response();
    CHECK(last.header("x-request-id") == "c2");
    CHECK_FALSE(last.keep_alive);
    CHECK(c.closed_by_peer(3s));
  }
  HttpClient after(g.port());
  CHECK(after.get("/health").status == 200);
}
