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
  std::vector<Claimed> claim_as(const std::string& instance, int limit = 16) {
    pqxx::work tx(conn);
    auto out = claim(tx, "sub", limit, instance, 60);
    tx.commit();
    return out;
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
  CHECK(purge(tx, 7) == 1);
  CHECK(tx.exec1("SELECT count(*) FROM deliveries")[0].as<int>() == 2);
  CHECK(fan_out(tx, {"sub", {}, std::nullopt}, 1000) == 0);  // the purged one does not come back
}
