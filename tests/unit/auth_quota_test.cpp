#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "gateway/auth/quota.hpp"

using siao::auth::Quota;
using Reason = Quota::Refusal::Reason;
using namespace std::chrono_literals;

namespace {

const Quota::Clock::time_point t0 = Quota::Clock::time_point{} + 1h;

bool admitted(Quota& q, Quota::Clock::time_point now) { return q.admit(now).ticket.has_value(); }

}  // namespace

TEST_CASE("Quota admits a full burst at once then refuses for rate") {
  Quota q({.rate = 1, .burst = 3});
  for (int i = 0; i < 3; ++i) CHECK(admitted(q, t0));
  auto a = q.admit(t0);
  CHECK_FALSE(a.ticket);
  REQUIRE(a.refusal);
  CHECK(a.refusal->reason == Reason::rate);
  CHECK(a.refusal->retry_after == 1s);
  CHECK(q.refused_total() == 1);
  CHECK(q.in_flight() == 0);  // the admitted tickets were dropped at once
}

TEST_CASE("Quota refills continuously up to the burst") {
  Quota q({.rate = 2, .burst = 2});
  CHECK(admitted(q, t0));
  CHECK(admitted(q, t0));
  CHECK_FALSE(admitted(q, t0));
  CHECK_FALSE(admitted(q, t0 + 499ms));
  CHECK(admitted(q, t0 + 500ms));  // one token per half second
  CHECK_FALSE(admitted(q, t0 + 500ms));
  CHECK(admitted(q, t0 + 1s));
  // A long pause only fills the bucket: two tokens, not twenty.
  CHECK(admitted(q, t0 + 11s));
  CHECK(admitted(q, t0 + 11s));
  CHECK_FALSE(admitted(q, t0 + 11s));
}

TEST_CASE("Quota retry_after is the time until one token rounded up") {
  Quota slow({.rate = 0.25, .burst = 1});
  CHECK(admitted(slow, t0));
  CHECK(slow.admit(t0).refusal->retry_after == 4s);
  CHECK(slow.admit(t0 + 1s).refusal->retry_after == 3s);
  CHECK(slow.admit(t0 + 1500ms).refusal->retry_after == 3s);  // 2.5 s rounds up

  Quota fast({.rate = 10, .burst = 1});
  CHECK(admitted(fast, t0));
  CHECK(fast.admit(t0).refusal->retry_after == 1s);  // 0.1 s, but never less than one second
}

TEST_CASE("Quota with rate 0 is unlimited") {
  Quota q({.rate = 0, .burst = 0});
  for (int i = 0; i < 10000; ++i) REQUIRE(admitted(q, t0));
  CHECK(q.refused_total() == 0);
}

TEST_CASE("Quota limits requests in flight until their tickets are destroyed") {
  Quota q({.max_in_flight = 2});
  auto a = q.admit(t0);
  auto b = q.admit(t0);
  REQUIRE(a.ticket);
  REQUIRE(b.ticket);
  CHECK(q.in_flight() == 2);

  auto c = q.admit(t0);
  CHECK_FALSE(c.ticket);
  REQUIRE(c.refusal);
  CHECK(c.refusal->reason == Reason::in_flight);
  CHECK(c.refusal->retry_after == 1s);

  a.ticket.reset();
  CHECK(q.in_flight() == 1);
  {
    auto d = q.admit(t0);
    CHECK(d.ticket);
    CHECK(q.in_flight() == 2);
  }
  CHECK(q.in_flight() == 1);
  b = {};
  CHECK(q.in_flight() == 0);
  CHECK(q.refused_total() == 1);
}

TEST_CASE("Quota checks in flight before rate and spends no token on that refusal") {
  Quota q({.rate = 1, .burst = 2, .max_in_flight = 1});
  auto a = q.admit(t0);
  REQUIRE(a.ticket);
  auto b = q.admit(t0);
  REQUIRE(b.refusal);
  CHECK(b.refusal->reason == Reason::in_flight);
  a.ticket.reset();
  CHECK(admitted(q, t0));  // the second token is still there
  auto c = q.admit(t0);
  REQUIRE(c.refusal);
  CHECK(c.refusal->reason == Reason::rate);

  // Both limits reached at once: in flight wins.
  auto d = q.admit(t0 + 1s);
  REQUIRE(d.ticket);
  auto e = q.admit(t0 + 1s);
  REQUIRE(e.refusal);
  CHECK(e.refusal->reason == Reason::in_flight);
}

TEST_CASE("Quota tickets move without releasing twice") {
  Quota q({.max_in_flight = 3});
  {
    Quota::Ticket empty;  // holds nothing: destroying it releases nothing
  }
  auto a = q.admit(t0);
  REQUIRE(a.ticket);
  Quota::Ticket moved(std::move(*a.ticket));
  a.ticket.reset();  // the moved-from ticket no longer holds the slot
  CHECK(q.in_flight() == 1);

  auto b = q.admit(t0);
  REQUIRE(b.ticket);
  CHECK(q.in_flight() == 2);
  moved = std::move(*b.ticket);  // releases the slot `moved` held and takes b's
  CHECK(q.in_flight() == 1);
  b.ticket.reset();
  CHECK(q.in_flight() == 1);

  auto& self = moved;
  moved = std::move(self);
  CHECK(q.in_flight() == 1);
  moved = Quota::Ticket{};
  CHECK(q.in_flight() == 0);
}

TEST_CASE("Quota reconfigure keeps tokens up to the new burst") {
  Quota q({.rate = 1, .burst = 10});
  for (int i = 0; i < 3; ++i) REQUIRE(admitted(q, t0));  // 7 tokens left
  q.reconfigure({.rate = 1, .burst = 5});
  CHECK(q.limits().burst == 5);
  for (int i = 0; i < 5; ++i) CHECK(admitted(q, t0));
  CHECK_FALSE(admitted(q, t0));

  // A larger burst does not refill: the bucket is still empty.
  q.reconfigure({.rate = 1, .burst = 100});
  CHECK_FALSE(admitted(q, t0));
  CHECK(admitted(q, t0 + 1s));
}

TEST_CASE("Quota reconfigure to a new rate refills at that rate") {
  Quota q({.rate = 1, .burst = 1});
  REQUIRE(admitted(q, t0));
  q.reconfigure({.rate = 10, .burst = 1});
  CHECK(q.limits().rate == 10);
  CHECK_FALSE(admitted(q, t0 + 50ms));
  CHECK(admitted(q, t0 + 150ms));
}

TEST_CASE("Quota reconfigure from unlimited starts with a full bucket") {
  Quota q({});
  for (int i = 0; i < 100; ++i) REQUIRE(admitted(q, t0));
  q.reconfigure({.rate = 1, .burst = 3});
  for (int i = 0; i < 3; ++i) CHECK(admitted(q, t0));
  CHECK_FALSE(admitted(q, t0));
  q.reconfigure({});
  CHECK(admitted(q, t0));
}

TEST_CASE("Quota reconfigure keeps requests in flight") {
  Quota q({.max_in_flight = 3});
  auto a = q.admit(t0), b = q.admit(t0);
  REQUIRE(a.ticket);
  REQUIRE(b.ticket);
  q.reconfigure({.max_in_flight = 2});
  CHECK(q.in_flight() == 2);
  auto c = q.admit(t0);
  REQUIRE(c.refusal);
  CHECK(c.refusal->reason == Reason::in_flight);
  q.reconfigure({.max_in_flight = 0});
  auto d = q.admit(t0);
  CHECK(d.ticket);
  CHECK(q.in_flight() == 3);
  a = {};
  b = {};
  d = {};
  CHECK(q.in_flight() == 0);
}

TEST_CASE("Quota never admits more than max_in_flight at once across threads") {
  Quota q({.max_in_flight = 3});
  std::atomic<int> holding{0}, most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto a = q.admit(t0);
        if (!a.ticket) continue;
        int now = ++holding;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        --holding;
      }
    });
  for (auto& t : threads) t.join();
  CHECK(most.load() <= 3);
  CHECK(most.load() >= 1);
  CHECK(q.in_flight() == 0);
}
