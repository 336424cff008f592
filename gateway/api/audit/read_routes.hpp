#pragma once
// The auditors' read API (spec, "Audit"): the exchange log searched and read
// record by record, and the disclosure ledger of a person derived from it.
#include "gateway/api/exchange_route.hpp"
#include "gateway/audit/services.hpp"

namespace siao::api::audit_routes {

// Scopes: `audit:read` for all three; `audit:personal-data` besides to see a record's bodies in clear.
void register_audit_read_routes(http::Router& router, const ApiContext& ctx, const siao::audit::AuditServices& services);

// Its parts.
// GET /api/v2/audit/exchanges, GET /api/v2/audit/exchanges/{id}.
void register_exchange_log_routes(http::Router& router, const ApiContext& ctx, const siao::audit::AuditServices& services);
// GET /api/v2/persons/{id}/disclosures.
void register_disclosure_routes(http::Router& router, const ApiContext& ctx);

inline constexpr const char* kAuditReadScope = "audit:read";
inline constexpr const char* kPersonalDataScope = "audit:personal-data";

}  // namespace siao::api::audit_routes
