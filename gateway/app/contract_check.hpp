#pragma once
// `siao-gateway contract check FILE`: a contract's sample exchanges, run
// without a database. An inbound sample is a request and the answer expected
// from every check that needs no data (route, scope, schema, writable fields,
// territory of a creation): "accepted" when it would reach the database. An
// outbound sample is a resource and what the client receives of it.
#include <filesystem>
#include <string>
#include <vector>

#include "gateway/contracts/contract.hpp"
#include "gateway/http/router.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::app {

struct SampleResult {
  std::string name;
  bool passed = false;
  std::string expected, actual;  // when it differs
};

std::vector<SampleResult> run_samples(const contracts::Contract& contract, const json::SchemaSet& schemas,
                                      const http::Router& router);

}  // namespace siao::app
