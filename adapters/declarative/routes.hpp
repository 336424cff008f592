#pragma once
// A mapping's "routes" (docs/mapping.md, "Routes"): which partner call under /api/partner becomes which
// canonical v2 command, through which documents, with which of the partner's keys. Compiled once per
// loaded mapping (route_cache.hpp), then only read.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/http/message.hpp"
#include "gateway/mapping/mapping.hpp"

namespace siao::adapters::declarative {

// A path parameter that is one of the partner's keys: replaced by the SIAO id it names.
struct KeyParam {
  std::string param;
  std::string kind;    // household | person | request
  std::string answer;  // a pointer into the partner's answer, where the key is written; empty: nowhere
};

// The partner's key for the record the canonical command creates, recorded with it.
struct KeyRegistration {
  std::string kind;
  std::string key;     // a pointer into the partner's body
  std::string id;      // a pointer into the canonical answer
  std::string answer;  // a pointer into the partner's answer; empty: nowhere
};

struct Route {
  http::Method method = http::Method::get;
  std::vector<std::string> segments;  // under /api/partner: literal, or "{name}"
  http::Method canonical_method = http::Method::get;
  std::string canonical_target;   // "/api/v2/households/{cle}"
  std::string request, response;  // document names; empty: none
  std::vector<KeyParam> resolve;
  std::optional<KeyRegistration> registration;
  std::string at;  // "/routes/2", for messages
};

struct RouteTable {
  std::vector<Route> routes;
  std::vector<std::string> problems;  // "/routes/1/request: ..."; when there is one, nothing is served
};

// Reads mapping.member("routes") (valid against the mapping schema) and checks what the schema cannot:
// documents with rules in the right direction, parameters present in the path, no two routes alike.
RouteTable compile_routes(const mapping::Mapping& mapping);

using Params = std::vector<std::pair<std::string, std::string>>;  // name, percent-decoded value

struct Match {
  const Route* route = nullptr;
  Params params;
};

// The first route, in the file's order, for `method` (HEAD as GET) and `segments` (the path under
// /api/partner, decoded). Throws http::HttpError: 404 when no route has this path, 405 (with Allow) when
// routes have it with other methods only.
Match match(const RouteTable& table, http::Method method, const std::vector<std::string>& segments);

// The canonical target with each {parameter} replaced by its value, percent-encoded.
std::string canonical_target(const Route& route, const Params& params);

}  // namespace siao::adapters::declarative
