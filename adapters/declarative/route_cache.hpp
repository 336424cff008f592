#pragma once
// Each loaded mapping's routes, compiled on the first call that needs them and kept while the mapping is:
// a contract reloaded with another mapping brings its routes with it, and no call re-reads a file.
#include <memory>
#include <mutex>
#include <vector>

#include "adapters/declarative/routes.hpp"

namespace siao::adapters::declarative {

class RouteCache {
 public:
  // The routes of `mapping`; an empty table when there is no mapping.
  std::shared_ptr<const RouteTable> of(const std::shared_ptr<const mapping::Mapping>& mapping);

 private:
  struct Entry {
    std::weak_ptr<const mapping::Mapping> mapping;  // not kept alive by the cache
    std::shared_ptr<const RouteTable> table;
  };
  std::mutex mutex_;
  std::vector<Entry> entries_;  // one per mapping in force: a handful
};

}  // namespace siao::adapters::declarative
