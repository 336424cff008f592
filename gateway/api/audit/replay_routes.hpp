#pragma once
// POST /api/v2/audit/replay {"mode":"translate"|"rebuild","from","to","client"?}: logged exchanges replayed,
// and a report of every difference (gateway/audit/replay/). A replay is long: it runs on a thread of its own,
// never on an IO thread nor in a pool transaction, and the call is recorded, with its report, once it is done.
#include "adapters/registry.hpp"
#include "gateway/api/exchange_route.hpp"
#include "gateway/audit/services.hpp"

namespace siao::api::audit_routes {

void register_audit_replay_routes(http::Router& router, const ApiContext& ctx, const audit::AuditServices& services,
                                  const adapters::Registry& adapters);

}  // namespace siao::api::audit_routes
