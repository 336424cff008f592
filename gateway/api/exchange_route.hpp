#pragma once
// Registers API routes whose work is an audited exchange: authenticate, hold
// the client to its quota, check the scope, then run the work in a batch
// transaction with its audit record.
#include <memory>
#include <string>

#include "gateway/audit/exchange.hpp"
#include "gateway/auth/authenticator.hpp"
#include "gateway/auth/failure_throttle.hpp"
#include "gateway/auth/quota.hpp"
#include "gateway/config/config.hpp"
#include "gateway/http/router.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::api {

class CanonicalApi;

struct ApiContext {
  storage::Pool& pool;
  const auth::Authenticator& auth;
  const json::SchemaSet& schemas;
  auth::FailureThrottle& throttle;
  CanonicalApi* canonical = nullptr;  // when set, every route added is also a canonical command for adapters
  config::Matching matching{};        // duplicate search thresholds
};

// The 429 of a client over its contract's quota, with Retry-After.
http::Problem quota_refusal(const auth::Quota::Refusal& refusal, const auth::Client& client);

void add_exchange_route(http::Router& router, const ApiContext& ctx, http::Method method, std::string pattern,
                        std::string scope, audit::Exchange::Work work, std::string operation_json);

// A partner route of an adapter: only contracts naming `adapter` may call it (any other: 403). It is no
// canonical command. An empty `scope` leaves the scope to the canonical commands it runs.
void add_adapter_route(http::Router& router, const ApiContext& ctx, std::string adapter, http::Method method,
                       std::string pattern, std::string scope, audit::Exchange::Work work, std::string operation_json);

}  // namespace siao::api
