// The deliveries table's rules, statement by statement (gateway/delivery/store.hpp): fan-out, claims under a lease
// (the head of each household only, never one another instance holds), outcomes, dead letters, redrive, purge.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "gateway/delivery/store.hpp"
#include "tests/support/prepared_database.hpp"

using namespace siao::delivery;

namespace {

struct Prepared : siao::test::PreparedDatabase {
  Prepared() : PreparedDatabase({}) {}
  // Events 1..n: household 90000001 for odd seqs, 90000002 for even ones.
  void events(int n, const std::string& territory = "75") {
    pqxx::work tx(conn);
    for (int seq = 1; seq <= n; ++seq)
      tx.exec_params("INSERT INTO events (seq, type, resource, id, version, at, territory, household_id, exchange_seq, "
                     "client_id) VALUES ($1::bigint, 'household.updated', 'household', $2::bigint, $1::int, now(), $3, $2::bigint, 1, 'test')",
                     seq, seq % 2 ? 90000001 : 90000002, territory);
    tx.commit();
  }
  // A worker's round: fan-out (which also moves head marks on), then the claim.
  std::vector<Claimed> claim_as(const std::string& instance, int limit = 16) {
    {
      pqxx::work tx(conn);
      fan_out(tx, {"sub", {}, std::nullopt}, 1000);
      tx.commit();
    }
    pqxx::work tx(conn);
    auto out = claim(tx, "sub", limit, instance, 60);
    tx.commit();
    return out;
  }
  void event(std::int64_t seq, std::int64_t household) {
    pqxx::work tx(conn);
    tx.exec_params("INSERT INTO events (seq, type, resource, id, version, at, territory, household_id, exchange_seq, "
                   "client_id) VALUES ($1, 'household.updated', 'household', $2, 1, now(), '75', $2, 1, 'test')",
                   seq, household);
    tx.commit();
  }
  std::string outcome(std::int64_t id, const Outcome& o) {
    pqxx::work tx(conn);
    auto state = record_outcome(tx, id, o);
    tx.commit();
    return state;
  }
};

std::vector<std::int64_t> seqs(const std::vector<Claimed>& claimed) {
  std::vector<std::int64_t> out;
  for (const auto& c : claimed) out.push_back(c.event.seq);
  return out;
}

}  // namespace

TEST_CASE("delivery store: fan-out adds each wanted visible event once and moves the cursor") {
  Prepared p;
  p.events(4);
  p.events(0);
  {
    pqxx::work tx(p.conn);
    CHECK(fan_out(tx, {"sub", {}, std::nullopt}, 1000) == 4);
    CHECK(fan_out(tx, {"sub", {}, std::nullopt}, 1000) == 0);  // nothing new
    CHECK(fan_out(tx, {"other", {"person.created"}, std::nullopt}, 1000) == 0);  // not a type it wants
    CHECK(fan_out(tx, {"far", {}, std::vector<std::string>{"13"}}, 1000) == 0);  // not its territory
    tx.commit();
  }
  CHECK(p.count("SELECT last_seq FROM delivery_cursors WHERE subscriber = 'other'") == 4);
  CHECK(p.count("SELECT count(*) FROM deliveries") == 4);
}

TEST_CASE("delivery store: a claim takes the head of each household and never what another instance holds") {
  Prepared p;
  p.events(6);
  {
    pqxx::work tx(p.conn);
    fan_out(tx, {"sub", {}, std::nullopt}, 1000);
    tx.commit();
  }
  auto first = p.claim_as("a");
  CHECK(seqs(first) == std::vector<std::int64_t>{1, 2});  // one per household
  CHECK(p.claim_as("b").empty());  // held by a; the later events wait for them
  CHECK(p.outcome(first[0].id, {.delivered = true, .status = 204}) == "delivered");
  auto second = p.claim_as("b");
  CHECK(seqs(second) == std::vector<std::int64_t>{3});  // household 1 moves on, household 2 still waits
  // A failure is retried later, not at once.
  CHECK(p.outcome(second[0].id, {.status = 500, .error = "HTTP 500", .retry_in_ms = 60'000, .max_age_seconds = 3600}) ==
        "pending");
  CHECK(p.claim_as("c").empty());
  // A lease past its time is taken over (a crashed instance's).
  {
    pqxx::work tx(p.conn);
    tx.exec("UPDATE deliveries SET locked_until = now() - interval '1 second' WHERE event_seq = 2");
    tx.commit();
  }
  CHECK(seqs(p.claim_as("c")) == std::vector<std::int64_t>{2});
}

TEST_CASE("delivery store: past its retry window a delivery is dead and lets its household go on until redriven") {
  Prepared p;
  p.events(3);
  {
    pqxx::work tx(p.conn);
    fan_out(tx, {"sub", {}, std::nullopt}, 1000);
    tx.exec("UPDATE deliveries SET retry_since = now() - interval '2 hours'");
    tx.commit();
  }
  auto head = p.claim_as("a", 1);
  REQUIRE(seqs(head) == std::vector<std::int64_t>{1});
  CHECK(p.outcome(head[0].id, {.status = 503, .error = "HTTP 503", .retry_in_ms = 0, .max_age_seconds = 3600}) ==
        "dead");
  CHECK(seqs(p.claim_as("a")) == std::vector<std::int64_t>{2, 3});  // seq 3 no longer waits for the dead one
  pqxx::work tx(p.conn);
  CHECK(list(tx, std::string("dead"), std::nullopt, 0, 50).size() == 1);
  CHECK(redrive(tx, head[0].id, std::nullopt) == std::vector<std::int64_t>{head[0].id});
  CHECK(redrive(tx, head[0].id, std::nullopt).empty());  // not dead any more
  auto again = list(tx, std::nullopt, std::string("sub"), 0, 50);
  CHECK(again.front().state == "pending");
  CHECK(again.front().attempts == 0);
}

TEST_CASE("delivery store: purge removes old delivered rows and keeps the dead") {
  Prepared p;
  p.events(3);
  pqxx::work tx(p.conn);
  fan_out(tx, {"sub", {}, std::nullopt}, 1000);
  tx.exec("UPDATE deliveries SET state = 'delivered', delivered_at = now() - interval '10 days' WHERE event_seq = 1");
  tx.exec("UPDATE deliveries SET state = 'delivered', delivered_at = now() - interval '1 day' WHERE event_seq = 2");
  tx.exec("UPDATE deliveries SET state = 'dead', last_attempt_at = now() - interval '30 days' WHERE event_seq = 3");
  // Seq 1 still carries its household's head mark: kept until a round moves the mark on.
  CHECK(purge(tx, 7) == 0);
  fan_out(tx, {"sub", {}, std::nullopt}, 1000);
  CHECK(purge(tx, 7) == 1);
  CHECK(tx.exec1("SELECT count(*) FROM deliveries")[0].as<int>() == 2);
  CHECK(fan_out(tx, {"sub", {}, std::nullopt}, 1000) == 0);  // the purged one does not come back
}

TEST_CASE("delivery store: a redriven event goes before the later pending events of its household") {
  Prepared p;
  p.event(1, 7001);
  p.event(2, 7001);
  p.event(3, 7001);
  {
    pqxx::work tx(p.conn);
    fan_out(tx, {"sub", {}, std::nullopt}, 1000);
    tx.exec("UPDATE deliveries SET retry_since = now() - interval '2 hours' WHERE event_seq = 1");
    tx.commit();
  }
  auto first = p.claim_as("a");
  REQUIRE(seqs(first) == std::vector<std::int64_t>{1});
  CHECK(p.outcome(first[0].id, {.status = 503, .error = "HTTP 503", .max_age_seconds = 3600}) == "dead");
  auto second = p.claim_as("a");
  REQUIRE(seqs(second) == std::vector<std::int64_t>{2});
  CHECK(p.outcome(second[0].id, {.delivered = true, .status = 204}) == "delivered");
  {
    pqxx::work tx(p.conn);
    REQUIRE(redrive(tx, first[0].id, std::nullopt).size() == 1);
    tx.commit();
  }
  // Seq 3 was its household's next; the redriven seq 1 now goes first, then seq 3.
  auto third = p.claim_as("a");
  REQUIRE(seqs(third) == std::vector<std::int64_t>{1});
  CHECK(p.claim_as("b").empty());
  CHECK(p.outcome(third[0].id, {.delivered = true, .status = 204}) == "delivered");
  CHECK(seqs(p.claim_as("a")) == std::vector<std::int64_t>{3});
}

TEST_CASE("delivery store: an event fanned out while its household's head is being recorded is not left behind") {
  Prepared p;
  p.event(1, 7002);
  auto head = p.claim_as("a");
  REQUIRE(seqs(head) == std::vector<std::int64_t>{1});
  // The head's outcome is recorded but not committed yet when the next event of its household is fanned out by
  // another connection: the fan-out still sees the head pending, so the new delivery is no head.
  pqxx::connection other(p.db.url());
  pqxx::work recording(other);
  CHECK(record_outcome(recording, head[0].id, {.delivered = true, .status = 204}) == "delivered");
  p.event(2, 7002);
  {
    pqxx::work tx(p.conn);
    CHECK(fan_out(tx, {"sub", {}, std::nullopt}, 1000) == 1);
    tx.commit();
  }
  CHECK(p.count("SELECT count(*) FROM deliveries WHERE event_seq = 2 AND head") == 0);
  recording.commit();
  // The finished head kept its mark: the next round moves it to seq 2.
  CHECK(seqs(p.claim_as("a")) == std::vector<std::int64_t>{2});
}

TEST_CASE("delivery store: with a long backlog behind heads in flight a claim reads the heads only") {
  Prepared p;
  {
    pqxx::work tx(p.conn);
    // 20 households of 500 events each, in fan-out order.
    tx.exec("INSERT INTO events (seq, type, resource, id, version, at, territory, household_id, exchange_seq, client_id) "
            "SELECT g, 'household.updated', 'household', 8000 + g % 20, 1, now(), '75', 8000 + g % 20, 1, 'test' "
            "FROM generate_series(1, 10000) g");
    tx.commit();
  }
  for (int i = 0; i < 10; ++i) {
    pqxx::work tx(p.conn);
    fan_out(tx, {"sub", {}, std::nullopt}, 1000);
    tx.commit();
  }
  CHECK(p.count("SELECT count(*) FROM deliveries WHERE state = 'pending'") == 10000);
  CHECK(p.count("SELECT count(*) FROM deliveries WHERE head") == 20);
  CHECK(p.claim_as("a", 64).size() == 20);
  // Every head is in flight: the claim finds nothing, and the rows it looked at are the 20 heads, not the backlog.
  pqxx::work tx(p.conn);
  tx.exec("ANALYZE deliveries");
  auto plan = tx.exec("EXPLAIN (ANALYZE, FORMAT JSON) SELECT d.id FROM deliveries d WHERE d.subscriber = 'sub' "
                      "AND d.state = 'pending' AND d.head AND d.next_attempt_at <= now() "
                      "AND (d.locked_until IS NULL OR d.locked_until < now()) ORDER BY d.next_attempt_at LIMIT 64");
  const std::string text = plan[0][0].c_str();
  CHECK(text.find("deliveries_heads") != std::string::npos);
  CHECK(text.find("\"Rows Removed by Filter\": 20") != std::string::npos);
}
