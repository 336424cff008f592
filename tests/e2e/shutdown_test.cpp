#include <doctest/doctest.h>

#include <signal.h>

#include <atomic>
#include <boost/beast/http/error.hpp>
#include <thread>

#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/test_database.hpp"

using namespace siao::test;
using namespace std::chrono_literals;

TEST_CASE("SIGTERM under load: requests in flight are answered in full - then the gateway exits 0") {
  TestDatabase db;
  GatewayProcess gw({.database_url = db.url()});
  REQUIRE(gw.wait_ready(10s));

  // Requests already in flight when the signal comes: headers sent, body not yet.
  constexpr int kInFlight = 4;
  std::vector<std::unique_ptr<HttpClient>> pending;
  for (int i = 0; i < kInFlight; ++i) {
    pending.push_back(std::make_unique<HttpClient>(gw.http_port()));
    pending.back()->send_raw("POST /ready HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
  }

  // And a steady load of complete requests on keep-alive connections.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, truncated{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t)
    load.emplace_back([&] {
      while (!stop) {
        try {
          HttpClient c(gw.http_port(), 5s);
          while (!stop) {
            c.send_raw("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
            try {
              auto r = c.read_response();
              if (r.status != 200) ++truncated;  // draining answers are still complete 200s
              ++answered;
              if (!r.keep_alive) break;
            } catch (const boost::system::system_error& e) {
              // Closed before any byte of an answer: the server never read that request.
              if (e.code() != boost::beast::http::error::partial_message) break;
              ++truncated;
              break;
            }
          }
        } catch (const std::exception&) {
          std::this_thread::sleep_for(5ms);  // refused: the listener is closed
        }
      }
    });

  std::this_thread::sleep_for(500ms);
  int before = answered.load();
  gw.signal(SIGTERM);
  std::this_thread::sleep_for(200ms);
  for (auto& p : pending) p->send_raw("67890");
  for (auto& p : pending) {
    auto r = p->read_response();
    CHECK(r.status == 405);  // complete: the router answered it
    CHECK_FALSE(r.keep_alive);
  }
  auto code = gw.wait_exit(15s);
  stop = true;
  for (auto& t : load) t.join();
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  CHECK(before > 10);
  CHECK(truncated.load() == 0);
}

TEST_CASE("SIGINT on an idle gateway exits 0 at once") {
  GatewayProcess gw({});
  HttpClient idle(gw.http_port());
  CHECK(idle.get("/health").status == 200);
  auto started = std::chrono::steady_clock::now();
  gw.signal(SIGINT);
  auto code = gw.wait_exit(10s);
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  CHECK(idle.closed_by_peer(1s));
}
