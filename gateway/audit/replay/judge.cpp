#include "gateway/audit/replay/judge.hpp"

#include <algorithm>

#include <rapidjson/document.h>

#include "gateway/api/exchange_route.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/http/target.hpp"
#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"

namespace siao::audit::replay {

namespace {

// Routes registered for judging only: no one is authenticated through them.
class NoOne final : public auth::Authenticator {
 public:
  auth::Caller authenticate(const http::Request&) const override { return {}; }
};

std::string operation_string(const http::Route& route, const char* key) {
  rapidjson::Document op;
  op.Parse(route.operation.c_str());
  if (!op.IsObject() || !op.HasMember(key) || !op[key].IsString()) return {};
  return op[key].GetString();
}

std::string media_type(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Verdict refused(const http::Problem& p) {
  Verdict v{p.status, {}};
  for (const auto& e : p.errors) v.pointers.push_back(e.pointer);
  return v;
}

}  // namespace

std::string Verdict::text() const {
  if (status == 0) return "accepted";
  std::string out = std::to_string(status);
  auto sorted = pointers;
  std::sort(sorted.begin(), sorted.end());
  for (const auto& p : sorted) out += " " + (p.empty() ? std::string("/") : p);
  return out;
}

struct Judge::Routes {
  storage::Pool pool{storage::PoolOptions{"", 0}, {}};
  auth::FailureThrottle throttle;
  NoOne no_one;
  api::CanonicalApi canonical;
  std::vector<std::unique_ptr<adapters::Adapter>> adapters;
  http::Router router;
};

Judge::Judge(const json::SchemaSet& schemas, const adapters::Registry& adapter_registry) : routes_(std::make_unique<Routes>()) {
  auto& r = *routes_;
  api::ApiContext ctx{r.pool, r.no_one, schemas, r.throttle, &r.canonical};
  api::v2::register_routes(r.router, ctx);
  r.adapters = adapter_registry.make_all();
  for (auto& adapter : r.adapters) adapter->register_routes(r.router, {ctx, r.canonical});
}

Judge::~Judge() = default;

bool Judge::serves(std::string_view method, std::string_view pattern) const {
  const auto m = http::parse_method(method);
  for (const auto& route : routes_->router.routes())
    if (route.pattern == pattern && (route.method == m || (m == http::Method::head && route.method == http::Method::get)))
      return true;
  return false;
}

Verdict Judge::judge(http::Request req, bool headers_known, const auth::Client& client,
                     const json::SchemaSet& schemas) const {
  if (!http::parse_target(req)) return {400, {}};
  try {
    const auto& route = routes_->router.resolve(req);
    const auto scope = operation_string(route, "x-scope");
    if (!scope.empty() && !client.has_scope(scope)) return {403, {}};
    const auto schema = operation_string(route, "x-requestSchema");
    if (schema.empty()) return {};
    if (headers_known) {
      // v2 PATCH speaks merge patch; everything else, adapters' routes included, plain JSON.
      const bool v2_patch = req.method == http::Method::patch && req.target.rfind("/api/v2/", 0) == 0;
      const auto type = req.header("content-type");
      if (!type || media_type(*type) != (v2_patch ? "application/merge-patch+json" : "application/json"))
        return {415, {}};
    }
    auto body = json::parse_body(req.body);
    if (!schemas.has(schema)) return {500, {"the schema set has no " + schema}};
    auto violations = schemas.validate(schema, body);
    if (!violations.empty()) {
      Verdict v{422, {}};
      for (const auto& e : violations) v.pointers.push_back(e.pointer);
      return v;
    }
    if (req.method == http::Method::post && body.IsObject() && body.HasMember("territory") &&
        body["territory"].IsString() && !client.in_territory(body["territory"].GetString()))
      return {403, {}};
    if (client.fields.restricts_writes()) {
      auto denied = client.fields.unwritable(schema, body);
      if (!denied.empty()) {
        Verdict v{403, {}};
        for (const auto& e : denied) v.pointers.push_back(e.pointer);
        return v;
      }
    }
    return {};
  } catch (const http::HttpError& e) {
    return refused(e.problem());
  }
}

}  // namespace siao::audit::replay
