#pragma once
// /health, /ready, /metrics and /openapi.json: no credential needed.
#include <string>

#include "gateway/http/router.hpp"

namespace siao::storage {
class Pool;
}

namespace siao::ops {

class Metrics;
class Readiness;

struct OpsContext {
  storage::Pool& pool;
  Metrics& metrics;
  const Readiness& readiness;
  const std::string& openapi;  // built once the router is complete
};

void register_ops_routes(http::Router& router, const OpsContext& ctx);

}  // namespace siao::ops
