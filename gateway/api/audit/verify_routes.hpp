#pragma once
// POST /api/v2/audit/verify: the log's links, hashes and signatures, checked now.
#include "gateway/api/exchange_route.hpp"
#include "gateway/audit/services.hpp"

namespace siao::api::audit_routes {

void register_audit_verify_routes(http::Router& router, const ApiContext& ctx, const audit::AuditServices& services);

}  // namespace siao::api::audit_routes
