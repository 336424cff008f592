#pragma once
// Registers API routes whose work is an audited exchange: authenticate, hold
// the client to its quota, check the scope, then run the work in a batch
// transaction with its audit record.
#include <memory>
#include <string>

#include "gateway/audit/exchange.hpp"
#include "gateway/auth/authenticator.hpp"
#include "gateway/auth/failure_throttle.hpp"
#include "gateway/http/router.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::api {

struct ApiContext {
  storage::Pool& pool;
  const auth::Authenticator& auth;
  const json::SchemaSet& schemas;
  auth::FailureThrottle& throttle;
};

void add_exchange_route(http::Router& router, const ApiContext& ctx, http::Method method, std::string pattern,
                        std::string scope, audit::Exchange::Work work, std::string operation_json);

}  // namespace siao::api
