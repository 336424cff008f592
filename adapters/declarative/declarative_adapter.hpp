#pragma once
// The declarative adapter: a partner with its own format and no code of its own. Its contract names a
// mapping whose "routes" say which partner call under /api/partner becomes which v2 operation, and whose
// documents translate the bodies both ways (docs/mapping.md, "Routes"; docs/onboarding.md).
#include <memory>

#include "adapters/adapter.hpp"

namespace siao::adapters::declarative {

std::unique_ptr<Adapter> make_declarative_adapter();

}  // namespace siao::adapters::declarative
