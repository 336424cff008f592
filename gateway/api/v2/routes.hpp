#pragma once
#include "gateway/api/exchange_route.hpp"

namespace siao::api::v2 {

// Every /api/v2 route of the spec's Person, Household and Request sections.
void register_routes(http::Router& router, const ApiContext& ctx);

void register_household_routes(http::Router& router, const ApiContext& ctx);
void register_person_routes(http::Router& router, const ApiContext& ctx);
void register_match_routes(http::Router& router, const ApiContext& ctx);
void register_request_routes(http::Router& router, const ApiContext& ctx);
void register_merge_routes(http::Router& router, const ApiContext& ctx);
// The change feed (GET /api/v2/events): registered beside the others by app/serve.cpp.
void register_event_routes(http::Router& router, const ApiContext& ctx);

}  // namespace siao::api::v2
