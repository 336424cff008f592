#pragma once
// The back-office's view of outbound delivery (scope admin:deliveries): the deliveries in a state (the dead letters
// first of all), and redrive, one or every dead one of a subscriber.
#include "gateway/api/exchange_route.hpp"

namespace siao::delivery {

void register_delivery_routes(http::Router& router, const api::ApiContext& ctx);

}  // namespace siao::delivery
