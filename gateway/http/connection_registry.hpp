#pragma once
// Open connections, so that a drain can reach the idle ones and count the rest.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace siao::http {

class ConnectionRegistry {
 public:
  struct Entry {
    // Each runs on the connection's own strand.
    std::function<void()> close_if_idle;
    std::function<void()> close_now;
  };

  // Returns an id to pass to remove().
  std::uint64_t add(Entry entry);
  void remove(std::uint64_t id);
  std::size_t size() const;

  void set_draining(std::function<void()> drained);
  bool draining() const { return draining_.load(std::memory_order_acquire); }
  void for_each(const std::function<void(const Entry&)>& fn) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::uint64_t next_id_ = 1;
  std::atomic<bool> draining_{false};
  std::function<void()> drained_;
};

}  // namespace siao::http
