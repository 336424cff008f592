#pragma once
// Slows down guessing: failed authentications are counted per source address
// over a sliding window, and past a few free failures each further failure's
// answer is delayed, doubling up to a cap. Bounded memory: the oldest
// addresses are forgotten first. Thread-safe.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace siao::auth {

struct ThrottleOptions {
  int free_failures = 5;                         // per window, answered at once
  std::chrono::seconds window{60};
  std::chrono::milliseconds first_delay{100};    // the first delayed failure; then doubling
  std::chrono::milliseconds max_delay{3000};
  std::size_t max_addresses = 100000;
};

class FailureThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit FailureThrottle(ThrottleOptions options = {});

  // Counts a failure from `address` and returns how long to wait before answering it.
  std::chrono::milliseconds failed(std::string_view address, Clock::time_point now = Clock::now());
  std::uint64_t failures_total() const;   // since start, for metrics
  std::uint64_t delayed_total() const;

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point window_start;
    std::list<std::string>::iterator lru;
  };
  ThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // most recent first
  std::uint64_t failures_total_ = 0, delayed_total_ = 0;
};

}  // namespace siao::auth
