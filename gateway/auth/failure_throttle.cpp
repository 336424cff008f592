#include "gateway/auth/failure_throttle.hpp"

#include <algorithm>

namespace siao::auth {

FailureThrottle::FailureThrottle(ThrottleOptions options) : options_(options) {}

std::chrono::milliseconds FailureThrottle::failed(std::string_view address, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  ++failures_total_;

  auto it = entries_.find(std::string(address));
  if (it == entries_.end()) {
    // Evict before inserting so the new address never evicts itself, even with max_addresses 0.
    while (!lru_.empty() && entries_.size() >= options_.max_addresses) {
      entries_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.emplace_front(address);
    it = entries_.emplace(lru_.front(), Entry{0, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }

  Entry& e = it->second;
  if (now - e.window_start >= options_.window) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;

  int excess = e.failures - options_.free_failures;
  if (excess <= 0) return std::chrono::milliseconds{0};
  // Doubling by loop rather than by shift: an address failing thousands of times must not overflow.
  auto delay = options_.first_delay;
  for (int i = 1; i < excess && delay.count() > 0 && delay < options_.max_delay; ++i) delay *= 2;
  delay = std::min(delay, options_.max_delay);
  if (delay > std::chrono::milliseconds{0}) ++delayed_total_;
  return delay;
}

std::uint64_t FailureThrottle::failures_total() const {
  std::lock_guard lock(mutex_);
  return failures_total_;
}

std::uint64_t FailureThrottle::delayed_total() const {
  std::lock_guard lock(mutex_);
  return delayed_total_;
}

}  // namespace siao::auth
