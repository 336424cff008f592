#pragma once
// The generic adapter: the partner speaks API v2 itself, so there is nothing
// to translate and no route of its own.
#include <memory>

#include "adapters/adapter.hpp"

namespace siao::adapters::generic {

std::unique_ptr<Adapter> make_generic_adapter();

}  // namespace siao::adapters::generic
