#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gateway/auth/failure_throttle.hpp"

using siao::auth::FailureThrottle;
using namespace std::chrono_literals;

namespace {

const FailureThrottle::Clock::time_point t0 = FailureThrottle::Clock::time_point{} + 1h;

}  // namespace

TEST_CASE("FailureThrottle answers free failures at once then doubles up to the cap") {
  FailureThrottle throttle;  // defaults: 5 free, 100 ms doubling to 3 s
  for (int i = 0; i < 5; ++i) CHECK(throttle.failed("10.0.0.1", t0) == 0ms);
  CHECK(throttle.failed("10.0.0.1", t0) == 100ms);
  CHECK(throttle.failed("10.0.0.1", t0) == 200ms);
  CHECK(throttle.failed("10.0.0.1", t0) == 400ms);
  CHECK(throttle.failed("10.0.0.1", t0) == 800ms);
  CHECK(throttle.failed("10.0.0.1", t0) == 1600ms);
  CHECK(throttle.failed("10.0.0.1", t0) == 3000ms);
  CHECK(throttle.failed("10.0.0.1", t0) == 3000ms);
}

TEST_CASE("FailureThrottle follows its options") {
  FailureThrottle throttle({.free_failures = 1, .window = 10s, .first_delay = 50ms, .max_delay = 120ms});
  CHECK(throttle.failed("a", t0) == 0ms);
  CHECK(throttle.failed("a", t0) == 50ms);
  CHECK(throttle.failed("a", t0) == 100ms);
  CHECK(throttle.failed("a", t0) == 120ms);

  FailureThrottle strict({.free_failures = 0});
  CHECK(strict.failed("a", t0) == 100ms);
}

TEST_CASE("FailureThrottle stays at the cap after very many failures") {
  FailureThrottle throttle({.window = 1h});
  std::chrono::milliseconds last{};
  for (int i = 0; i < 10000; ++i) last = throttle.failed("a", t0);
  CHECK(last == 3000ms);
}

TEST_CASE("FailureThrottle counts each address apart") {
  FailureThrottle throttle({.free_failures = 2});
  for (int i = 0; i < 2; ++i) CHECK(throttle.failed("a", t0) == 0ms);
  CHECK(throttle.failed("a", t0) == 100ms);
  CHECK(throttle.failed("b", t0) == 0ms);
  CHECK(throttle.failed("b", t0) == 0ms);
  CHECK(throttle.failed("b", t0) == 100ms);
  CHECK(throttle.failed("a", t0) == 200ms);
}

TEST_CASE("FailureThrottle forgets failures once the window has passed") {
  FailureThrottle throttle({.free_failures = 2, .window = 60s});
  for (int i = 0; i < 2; ++i) throttle.failed("a", t0);
  CHECK(throttle.failed("a", t0 + 59s) == 100ms);
  CHECK(throttle.failed("a", t0 + 59'999ms) == 200ms);
  // A new window from t0 + 60 s: free again and then delayed from the first step.
  CHECK(throttle.failed("a", t0 + 60s) == 0ms);
  CHECK(throttle.failed("a", t0 + 61s) == 0ms);
  CHECK(throttle.failed("a", t0 + 62s) == 100ms);
  CHECK(throttle.failed("a", t0 + 119s) == 200ms);
  CHECK(throttle.failed("a", t0 + 120s) == 0ms);
}

TEST_CASE("FailureThrottle evicts the least recently failed address") {
  FailureThrottle throttle({.free_failures = 1, .max_addresses = 2});
  CHECK(throttle.failed("a", t0) == 0ms);
  CHECK(throttle.failed("b", t0) == 0ms);
  CHECK(throttle.failed("a", t0) == 100ms);  // a is now the most recent: b goes first
  CHECK(throttle.failed("c", t0) == 0ms);    // evicts b
  CHECK(throttle.failed("a", t0) == 200ms);  // still remembered
  CHECK(throttle.failed("c", t0) == 100ms);  // still remembered; a is now the least recent
  CHECK(throttle.failed("b", t0) == 0ms);    // forgotten: free again, and evicts a
  CHECK(throttle.failed("c", t0) == 200ms);
  CHECK(throttle.failed("a", t0) == 0ms);  // forgotten in turn
}

TEST_CASE("FailureThrottle counts failures and delays for metrics") {
  FailureThrottle throttle({.free_failures = 2});
  CHECK(throttle.failures_total() == 0);
  CHECK(throttle.delayed_total() == 0);
  for (int i = 0; i < 5; ++i) throttle.failed("a", t0);
  throttle.failed("b", t0);
  CHECK(throttle.failures_total() == 6);
  CHECK(throttle.delayed_total() == 3);
}

TEST_CASE("FailureThrottle counts every failure from concurrent threads") {
  FailureThrottle throttle({.free_failures = 10, .max_addresses = 3});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&throttle, t] {
      for (int i = 0; i < 1000; ++i) throttle.failed("10.0.0." + std::to_string((t + i) % 5), t0);
    });
  for (auto& t : threads) t.join();
  CHECK(throttle.failures_total() == 4000);
}
