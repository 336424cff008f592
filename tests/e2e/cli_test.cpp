#include <doctest/doctest.h>

#include "tests/support/gateway_process.hpp"
#include "tests/support/test_database.hpp"

using namespace siao::test;

TEST_CASE("version and help") {
  auto v = run_gateway({"version"}, {});
  CHECK(v.exit_code == 0);
  CHECK(v.output.find("siao-gateway ") == 0);
  auto h = run_gateway({"--help"}, {});
  CHECK(h.exit_code == 0);
  CHECK(h.output.find("DATABASE_URL") != std::string::npos);
  CHECK(run_gateway({"frobnicate"}, {}).exit_code == 2);
}

TEST_CASE("a bad configuration stops start-up with a message naming the key") {
  auto r = run_gateway({"serve"}, {{"GATEWAY_IO_THREADS", "many"}});
  CHECK(r.exit_code == 78);
  CHECK(r.output.find("io_threads") != std::string::npos);
  CHECK(r.output.find("GATEWAY_IO_THREADS") != std::string::npos);

  auto tls = run_gateway({"serve"}, {{"GATEWAY_HTTPS_LISTEN", "127.0.0.1:0"}});
  CHECK(tls.exit_code == 78);
  CHECK(tls.output.find("tls.cert") != std::string::npos);

  auto missing = run_gateway({"serve", "--config", "/nonexistent/gateway.json"}, {});
  CHECK(missing.exit_code == 78);
  CHECK(missing.output.find("/nonexistent/gateway.json") != std::string::npos);
}

TEST_CASE("a listener that cannot bind stops start-up - naming it") {
  auto r = run_gateway({"serve"}, {{"GATEWAY_HTTP_LISTEN", "203.0.113.7:80"}, {"DATABASE_URL", "postgresql://x@127.0.0.1:1/x"}});
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("http.listen") != std::string::npos);
}

TEST_CASE("migrate brings a database to the current schema") {
  TestDatabase db;
  auto r = run_gateway({"migrate"}, {{"DATABASE_URL", db.url()}});
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("schema at version") != std::string::npos);
}

TEST_CASE("an idempotency retention under a day is refused") {
  auto r = run_gateway({"serve"}, {{"GATEWAY_IDEMPOTENCY_RETENTION_HOURS", "12"}});
  CHECK(r.exit_code == 78);
  CHECK(r.output.find("database.idempotency_retention_hours") != std::string::npos);
}
