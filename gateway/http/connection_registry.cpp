#include "gateway/http/connection_registry.hpp"

#include <utility>

namespace siao::http {

std::uint64_t ConnectionRegistry::add(Entry entry) {
  std::lock_guard lock(mutex_);
  auto id = next_id_++;
  entries_.emplace(id, std::move(entry));
  return id;
}

void ConnectionRegistry::remove(std::uint64_t id) {
  std::function<void()> drained;
  {
    std::lock_guard lock(mutex_);
    entries_.erase(id);
    if (draining_ && entries_.empty() && drained_) drained = std::exchange(drained_, nullptr);
  }
  if (drained) drained();
}

std::size_t ConnectionRegistry::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void ConnectionRegistry::set_draining(std::function<void()> drained) {
  std::function<void()> now;
  {
    std::lock_guard lock(mutex_);
    draining_.store(true, std::memory_order_release);
    if (entries_.empty()) now = std::move(drained);
    else drained_ = std::move(drained);
  }
  if (now) now();
}

void ConnectionRegistry::for_each(const std::function<void(const Entry&)>& fn) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, e] : entries_) fn(e);
}

}  // namespace siao::http
