#include "adapters/declarative/route_cache.hpp"

#include <algorithm>

namespace siao::adapters::declarative {

std::shared_ptr<const RouteTable> RouteCache::of(const std::shared_ptr<const mapping::Mapping>& mapping) {
  if (!mapping) {
    static const auto none = std::make_shared<const RouteTable>();
    return none;
  }
  auto same = [&mapping](const Entry& e) {
    return !e.mapping.owner_before(mapping) && !mapping.owner_before(e.mapping);
  };
  {
    std::lock_guard lock(mutex_);
    const auto found = std::find_if(entries_.begin(), entries_.end(), same);
    if (found != entries_.end()) return found->table;
  }
  // Compiled outside the lock: two first calls may both compile, and the first one kept wins.
  auto table = std::make_shared<const RouteTable>(compile_routes(*mapping));
  std::lock_guard lock(mutex_);
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [](const Entry& e) { return e.mapping.expired(); }),
                 entries_.end());
  const auto found = std::find_if(entries_.begin(), entries_.end(), same);
  if (found != entries_.end()) return found->table;
  entries_.push_back({mapping, table});
  return table;
}

}  // namespace siao::adapters::declarative
