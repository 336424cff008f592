#include <atomic>
#include <signal.h>
#include <set>
#include <thread>

#include "tests/e2e/v2_fixture.hpp"

using namespace siao::test;

TEST_CASE("a retried POST with the same Idempotency-Key replays across a gateway restart") {
  TestDatabase db;
  std::string first_body;
  {
    GatewayProcess gw({.database_url = db.url()});
    REQUIRE(gw.wait_ready(std::chrono::seconds(15)));
    auto r = ApiClient(gw.http_port()).post("/api/v2/households", family(), {{"Idempotency-Key", "restart-1"}});
    REQUIRE(r.status == 201);
    first_body = r.body;
    gw.signal(SIGTERM);
    CHECK(gw.wait_exit(std::chrono::seconds(10)) == 0);
  }
  GatewayProcess again({.database_url = db.url()});
  REQUIRE(again.wait_ready(std::chrono::seconds(15)));
  auto replay = ApiClient(again.http_port()).post("/api/v2/households", family(), {{"Idempotency-Key", "restart-1"}});
  CHECK(replay.status == 201);
  CHECK(replay.body == first_body);
  CHECK(replay.header("idempotent-replayed") == "true");
  pqxx::connection c(db.url());
  pqxx::nontransaction t(c);
  CHECK(t.exec("SELECT count(*) FROM households")[0][0].as<int>() == 1);
}

TEST_CASE("two instances on one database: ids - concurrency - idempotency and the audit chain stay right") {
  TestDatabase db;
  GatewayProcess one({.database_url = db.url()});
  GatewayProcess two({.database_url = db.url()});
  REQUIRE(one.wait_ready(std::chrono::seconds(15)));
  REQUIRE(two.wait_ready(std::chrono::seconds(15)));

  constexpr int kWriters = 6, kEach = 25;
  std::mutex mutex;
  std::set<std::string> ids;
  std::atomic<int> created{0}, failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      ApiClient api(w % 2 ? one.http_port() : two.http_port());
      for (int i = 0; i < kEach; ++i) {
        // Every writer also retries each create through the other instance's key space: same key, same bytes.
        std::string key = "w" + std::to_string(w) + "-" + std::to_string(i);
        auto r = api.post("/api/v2/households", family(), {{"Idempotency-Key", key}});
        ApiClient other(w % 2 ? two.http_port() : one.http_port());
        auto retry = other.post("/api/v2/households", family(), {{"Idempotency-Key", key}});
        if (r.status != 201 || retry.body != r.body) {
          ++failed;
          continue;
        }
        ++created;
        std::lock_guard lock(mutex);
        ids.insert(r.str("/id"));
        for (const auto& m : r.at("/members")->GetArray()) ids.insert(m["id"].GetString());
      }
    });
  for (auto& t : writers) t.join();
  CHECK(failed == 0);
  CHECK(created == kWriters * kEach);
  CHECK(ids.size() == static_cast<std::size_t>(3 * kWriters * kEach));  // a household and two persons each

  pqxx::connection c(db.url());
  pqxx::nontransaction t(c);
  CHECK(t.exec("SELECT count(*) FROM households")[0][0].as<int>() == kWriters * kEach);
  auto audit = t.exec("SELECT count(*), min(seq), max(seq) FROM audit_exchanges");
  CHECK(audit[0][0].as<int>() == 2 * kWriters * kEach);
  CHECK(audit[0][1].as<int>() == 1);
  CHECK(audit[0][2].as<int>() == 2 * kWriters * kEach);  // no gap, no fork
  CHECK(t.exec("SELECT count(*) FROM audit_exchanges a JOIN audit_exchanges b ON b.seq = a.seq + 1 "
               "WHERE b.prev_hash <> a.hash")[0][0].as<int>() == 0);
}
