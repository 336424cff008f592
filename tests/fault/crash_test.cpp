// kill -9 of the gateway under a load of mixed writes, restarted each time on the same database and port: a
// partner that got a 2xx can rely on it, and a call cut short left nothing or its whole, recorded effect.
// Quick: 3 crashes; SIAO_FAULT_CRASH_CYCLES sets more (tests/fault/README.md).
#include <doctest/doctest.h>

#include <signal.h>

#include <memory>
#include <pqxx/pqxx>
#include <random>
#include <thread>

#include "tests/fault/expect.hpp"
#include "tests/fault/knobs.hpp"
#include "tests/fault/write_check.hpp"
#include "tests/fault/write_log.hpp"
#include "tests/support/api_client.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_request.hpp"
#include "tests/support/test_database.hpp"

using namespace siao::test;
using namespace siao::test::fault;
using namespace std::chrono_literals;

namespace {

// Kills the gateway with SIGKILL, checks it died of it and left no sanitizer report, starts a new one on the
// same database and port; the time until the new one is ready.
double crash_and_restart(std::unique_ptr<GatewayProcess>& gw, const GatewayOptions& options) {
  gw->signal(SIGKILL);
  auto code = gw->wait_exit(10s);
  REQUIRE(code.has_value());
  CHECK_MESSAGE(*code == 128 + SIGKILL, tail(gw->output()));
  CHECK_FALSE_MESSAGE(sanitizer_report(gw->output()), tail(gw->output()));
  gw.reset();
  auto started = Clock::now();
  gw = std::make_unique<GatewayProcess>(options);  // fails when the port cannot be bound again
  REQUIRE(gw->wait_ready(30s));
  return seconds(Clock::now() - started);
}

long long households_named(const std::string& url, const std::string& last_name) {
  pqxx::connection c(url);
  pqxx::nontransaction t(c);
  return t.exec_params("SELECT count(DISTINCT household_id) FROM persons WHERE last_name = $1", last_name)[0][0]
      .as<long long>();
}

std::string raw_post(const std::string& target, const std::string& body, const std::string& key) {
  return raw_request("POST", target,
                     {bearer(kBackofficeKey), {"Content-Type", "application/json"}, {"Idempotency-Key", key}}, body);
}

}  // namespace

TEST_CASE("kill -9 under a load of mixed writes - every acknowledged write is kept whole with its audit record") {
  const int cycles = knob("SIAO_FAULT_CRASH_CYCLES", 3);
  const unsigned run_seed = seed();
  MESSAGE("seed " << run_seed << " (SIAO_FAULT_SEED replays it), crash cycles " << cycles);
  TestDatabase db;
  const GatewayOptions options{.database_url = db.url(), .env = {{"GATEWAY_LOG_LEVEL", "warn"}},
                               .http_port = free_port()};
  auto gw = std::make_unique<GatewayProcess>(options);
  REQUIRE(gw->wait_ready(30s));

  WriteLoad load({.port = options.http_port, .clients = 4, .seed = run_seed, .tag = "K"});
  std::mt19937 rng(run_seed);
  double slowest_restart = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    // Under way again since the last restart, then killed at a random moment of the load.
    REQUIRE_MESSAGE(load.wait_acknowledged(10, 60s), "no write acknowledged after restart " << cycle);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 1500)(rng)));
    slowest_restart = std::max(slowest_restart, crash_and_restart(gw, options));
  }
  REQUIRE(load.wait_acknowledged(10, 60s));
  auto calls = load.stop();

  auto result = check_writes(db.url(), calls);
  MESSAGE("figures: crash cycles " << cycles << ", " << result.summary() << ", slowest restart to ready "
                                   << slowest_restart << " s");
  expect_no_problem(result);
  CHECK(result.acknowledged > 10 * cycles);
  CHECK(result.acknowledged == load.acknowledged());  // the check read back every write the clients saw answered
  CHECK(result.cut_short > 0);  // the kills did cut calls short
  expect_audit_verifies(db.url());
  stop_cleanly(*gw);
}

TEST_CASE("a POST retried with its Idempotency-Key after kill -9 has exactly one effect") {
  TestDatabase db;
  const GatewayOptions options{.database_url = db.url(), .http_port = free_port()};
  auto gw = std::make_unique<GatewayProcess>(options);
  REQUIRE(gw->wait_ready(30s));
  const std::string target = "/api/v2/households";

  SUBCASE("committed, its answer never read: the retry replays it") {
    const auto body = household_body("75", {person_json("head", "COMMITTEDONCE", "female", "1985-03-14")});
    HttpClient unread(options.http_port);
    unread.send_raw(raw_post(target, body, "crash-after-commit"));
    auto deadline = Clock::now() + 20s;
    while (households_named(db.url(), "COMMITTEDONCE") == 0 && Clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    REQUIRE(households_named(db.url(), "COMMITTEDONCE") == 1);
    crash_and_restart(gw, options);

    ApiClient api(options.http_port);
    auto retried = api.post(target, body, {{"Idempotency-Key", "crash-after-commit"}});
    CHECK(retried.status == 201);
    CHECK(retried.header("idempotent-replayed") == "true");
    CHECK(households_named(db.url(), "COMMITTEDONCE") == 1);
    auto read = api.get(target + "/" + retried.str("/id"));
    CHECK(read.status == 200);
    CHECK(read.str("/members/0/lastName") == "COMMITTEDONCE");
  }

  SUBCASE("never processed: the retry applies it once") {
    const auto body = household_body("75", {person_json("head", "NEVERSEEN", "female", "1985-03-14")});
    gw->signal(SIGSTOP);  // the kernel still accepts the connection and takes the request in
    HttpClient lost(options.http_port);
    lost.send_raw(raw_post(target, body, "crash-before-work"));
    crash_and_restart(gw, options);
    CHECK(households_named(db.url(), "NEVERSEEN") == 0);

    ApiClient api(options.http_port);
    auto first = api.post(target, body, {{"Idempotency-Key", "crash-before-work"}});
    CHECK(first.status == 201);
    CHECK(first.header("idempotent-replayed").empty());
    auto again = api.post(target, body, {{"Idempotency-Key", "crash-before-work"}});
    CHECK(again.status == 201);
    CHECK(again.header("idempotent-replayed") == "true");
    CHECK(again.str("/id") == first.str("/id"));
    CHECK(households_named(db.url(), "NEVERSEEN") == 1);
  }
  expect_audit_verifies(db.url());
  stop_cleanly(*gw);
}
