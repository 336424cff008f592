#pragma once
#include <memory>

#include "adapters/rosalie/support.hpp"
#include "gateway/api/exchange_route.hpp"

namespace siao::adapters::rosalie {

// Every route of API v1.1 (../shared/spec/rosalie-v1.1.md), for contracts naming the rosalie adapter.
void register_routes(http::Router& router, const api::ApiContext& api,
                     const std::shared_ptr<const Services>& services);

}  // namespace siao::adapters::rosalie
