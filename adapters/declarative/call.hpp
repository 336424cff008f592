#pragma once
// One partner call, inside its exchange (one transaction, one audit record): the route it matches in the
// caller's mapping, its keys resolved to SIAO ids, its body translated, the canonical command run with every
// v2 rule, a new key recorded, and the canonical answer translated back.
#include <pqxx/transaction>

#include "adapters/declarative/routes.hpp"
#include "gateway/api/canonical.hpp"
#include "gateway/audit/exchange.hpp"

namespace siao::adapters::declarative {

inline constexpr std::string_view kBase = "/api/partner";

// `routes` are those of the caller's mapping (ex.client().mapping).
http::Response serve_call(pqxx::transaction_base& tx, audit::Exchange& ex, const api::CanonicalApi& canonical,
                          const RouteTable& routes);

}  // namespace siao::adapters::declarative
