// Request targets and the request line, as a request goes from the session to its handler: the method name
// (http::parse_method), the origin-form target split into decoded segments and query parameters
// (http::parse_target), the route (http::Router, with the gateway's route table), then what handlers read of
// them: ids in paths (api::v2::path_id), paging parameters (api::v2::page_of), territories, If-Match
// (api::v2::required_if_match), X-Request-Id and traceparent (http/request_ids), and, under /api/partner, a
// declarative partner's routes (their match and the canonical target built from the path's values).
//
// The input: "METHOD TARGET" on its first line, then "name: value" header lines.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapters/declarative/routes.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/domain/identifiers.hpp"
#include "gateway/http/request_ids.hpp"
#include "gateway/http/router.hpp"
#include "gateway/http/target.hpp"
#include "gateway/mapping/mapping.hpp"
#include "support/fuzz_support.hpp"
#include "support/route_table.hpp"

namespace {

using namespace siao;
namespace declarative = siao::adapters::declarative;

const http::Router& router() {
  static const http::Router r = [] {
    http::Router out;
    for (const auto& route : fuzz::kGatewayRoutes) out.add(http::parse_method(route.method), route.pattern, {}, "{}");
    for (const char* method : fuzz::kPartnerMethods)
      for (const char* pattern : fuzz::kPartnerPatterns) out.add(http::parse_method(method), pattern, {}, "{}");
    return out;
  }();
  return r;
}

// A declarative partner's routes, from the hand-written seed mapping of the contract_files target.
const declarative::RouteTable& partner_routes() {
  static const auto mapping =
      mapping::Mapping::load(fuzz::scratch_mapping_dir() / "partner-mapping.json", fuzz::shipped_schemas());
  static const declarative::RouteTable table = [] {
    auto t = declarative::compile_routes(*mapping);
    if (!t.problems.empty() || t.routes.empty()) throw std::logic_error("the partner mapping's routes do not compile");
    return t;
  }();
  return table;
}

// Refusals are what the client reads back: rendered, never thrown further.
template <typename F>
void refusable(F&& f) {
  try {
    f();
  } catch (const http::HttpError& e) {
    fuzz::render(e.problem());
  }
}

std::optional<domain::ResourceKind> kind_of(std::string_view pattern) {
  if (pattern.rfind("/api/v2/households/", 0) == 0) return domain::ResourceKind::household;
  if (pattern.rfind("/api/v2/persons/", 0) == 0) return domain::ResourceKind::person;
  if (pattern.rfind("/api/v2/requests/", 0) == 0) return domain::ResourceKind::request;
  return std::nullopt;
}

void partner_call(http::Request& req) {
  if (req.segments.size() < 2 || req.segments[0] != "api" || req.segments[1] != "partner") return;
  const std::vector<std::string> rest(req.segments.begin() + 2, req.segments.end());
  refusable([&] {
    const auto found = declarative::match(partner_routes(), req.method, rest);
    if (!found.route) throw std::logic_error("a partner route matched without a route");
    // The canonical command's target is built from the partner's values: it must be a target the gateway takes.
    http::Request canonical;
    canonical.target = declarative::canonical_target(*found.route, found.params);
    if (!http::parse_target(canonical))
      throw std::logic_error("a canonical target the gateway cannot parse: " + canonical.target);
  });
}

void request_line(http::Request& req) {
  refusable([&] {
    const auto& route = router().resolve(req);
    if (auto kind = kind_of(route.pattern); kind && !req.path_param("id").empty()) api::v2::path_id(req, "id", *kind);
  });
  refusable([&] { api::v2::page_of(req); });
  if (auto t = req.query_param("territory")) domain::is_territory(*t);
  if (req.header("if-match")) refusable([&] { api::v2::required_if_match(req); });
  if (auto id = req.header("x-request-id")) http::acceptable_request_id(*id);
  if (auto tp = req.header("traceparent")) http::trace_id_of(*tp);
  partner_call(req);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  router();
  partner_routes();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::text_of(data, size);
  auto line = [&text] {
    const auto end = text.find('\n');
    std::string_view l = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    return l;
  };
  const std::string_view first = line();
  const auto space = first.find(' ');
  if (space == std::string_view::npos) return 0;
  http::Request req;
  req.method = http::parse_method(first.substr(0, space));
  req.target = std::string(first.substr(space + 1));
  while (!text.empty()) {
    const std::string_view header = line();
    const auto colon = header.find(": ");
    if (colon != std::string_view::npos)
      req.headers.emplace_back(std::string(header.substr(0, colon)), std::string(header.substr(colon + 2)));
  }
  if (!http::parse_target(req)) return 0;  // the session answers 400
  request_line(req);
  return 0;
}
