#include <doctest/doctest.h>

#include <thread>

#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/tcp_proxy.hpp"
#include "tests/support/test_database.hpp"

using namespace siao::test;
using namespace std::chrono_literals;

namespace {
int port_of(const std::string& url) {
  auto colon = url.rfind(':');
  return std::stoi(url.substr(colon + 1, url.find('/', colon) - colon - 1));
}
std::string through(const TcpProxy& proxy, const std::string& url) {
  auto colon = url.rfind(':');
  return url.substr(0, colon + 1) + std::to_string(proxy.port()) + url.substr(url.find('/', colon));
}
}  // namespace

TEST_CASE("started without a database - the gateway is up but not ready") {
  GatewayProcess gw({});  // an unreachable database
  HttpClient client(gw.http_port());
  CHECK(client.get("/health").status == 200);
  auto ready = client.get("/ready");
  CHECK(ready.status == 503);
  CHECK_FALSE(ready.header("retry-after").empty());
  CHECK(ready.header("content-type") == "application/problem+json");
}

TEST_CASE("a database that goes away gives 503 with Retry-After - and service resumes within 5 s of its return") {
  TestDatabase db;
  TcpProxy proxy(port_of(admin_database_url()));
  GatewayProcess gw({.database_url = through(proxy, db.url()),
                     .env = {{"GATEWAY_DB_RECONNECT_INTERVAL_MS", "200"}}});
  REQUIRE(gw.wait_ready(10s));

  proxy.cut();
  HttpClient client(gw.http_port());
  auto down = client.get("/ready");
  CHECK(down.status == 503);
  CHECK(down.header("retry-after") == "2");
  for (int i = 0; i < 20; ++i) CHECK(client.get("/ready").status == 503);  // never a crash, never a hang
  CHECK(client.get("/health").status == 200);

  proxy.restore();
  auto back_at = std::chrono::steady_clock::now();
  bool ready = false;
  while (!ready && std::chrono::steady_clock::now() - back_at < 5s) {
    ready = client.get("/ready").status == 200;
    if (!ready) std::this_thread::sleep_for(50ms);
  }
  CHECK(ready);
  CHECK_FALSE(gw.wait_exit(0ms).has_value());  // still running
}

TEST_CASE("with migrate_on_start off, the gateway is ready only once someone migrates") {
  TestDatabase db;
  GatewayProcess gw({.database_url = db.url(), .env = {{"GATEWAY_MIGRATE_ON_START", "false"}}});
  HttpClient client(gw.http_port());
  // The schema is checked beside the server: until its first check ends, /ready says only "not migrated yet".
  HttpResult before;
  for (int i = 0; i < 100; ++i) {
    before = client.get("/ready");
    REQUIRE(before.status == 503);
    if (before.body.find("siao-gateway migrate") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  }
  CHECK(before.body.find("siao-gateway migrate") != std::string::npos);
  REQUIRE(run_gateway({"migrate"}, {{"DATABASE_URL", db.url()}}).exit_code == 0);
  CHECK(gw.wait_ready(std::chrono::seconds(5)));
}
