#include "adapters/declarative/declarative_adapter.hpp"
#include "adapters/generic/generic_adapter.hpp"
#include "adapters/registry.hpp"
#include "adapters/rosalie/rosalie_adapter.hpp"

namespace siao::adapters {

void add_builtin_adapters(Registry& registry) {
  registry.add("declarative", declarative::make_declarative_adapter);
  registry.add("generic", generic::make_generic_adapter);
  registry.add("rosalie", rosalie::make_rosalie_adapter);
}

}  // namespace siao::adapters
