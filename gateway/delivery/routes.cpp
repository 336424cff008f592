#include "gateway/delivery/routes.hpp"

#include <charconv>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/delivery/store.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::delivery {

namespace {

constexpr const char* kScope = "admin:deliveries";
constexpr int kMaxLimit = 500;

std::optional<std::int64_t> number(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0) return std::nullopt;
  return v;
}

[[noreturn]] void bad_parameter(const std::string& name, const std::string& why) {
  auto p = http::make_problem(400, "bad-parameter", "The query parameter " + name + " " + why + ".");
  throw http::HttpError(std::move(p));
}

std::optional<std::string> text_param(const http::Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v) return std::nullopt;
  return std::string(*v);
}

http::Response list_deliveries(pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& req = ex.request();
  auto state = text_param(req, "state");
  if (state && *state != "pending" && *state != "delivered" && *state != "dead" && *state != "skipped")
    bad_parameter("state", "must be pending, delivered, dead or skipped");
  auto subscriber = text_param(req, "subscriber");
  int limit = 50;
  if (auto l = req.query_param("limit")) {
    auto n = number(*l);
    if (!n || *n < 1 || *n > kMaxLimit) bad_parameter("limit", "must be 1 to 500");
    limit = static_cast<int>(*n);
  }
  std::int64_t after = 0;
  if (auto a = req.query_param("after")) {
    auto n = number(*a);
    if (!n) bad_parameter("after", "must be the next cursor of a previous page");
    after = *n;
  }
  auto rows = list(tx, state, subscriber, after, limit);
  return api::v2::json_response(200, resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "items");
    w.StartArray();
    for (const auto& r : rows) {
      auto text = to_json(r);
      w.RawValue(text.data(), text.size(), rapidjson::kObjectType);
    }
    w.EndArray();
    resources::put(w, "next");
    // Always a cursor: polling again from the last one seen.
    w.String(std::to_string(rows.empty() ? after : rows.back().id));
    w.EndObject();
  }));
}

http::Response redriven(const std::vector<std::int64_t>& ids) {
  return api::v2::json_response(200, resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "redriven");
    w.StartArray();
    for (auto id : ids) w.String(std::to_string(id));
    w.EndArray();
    w.EndObject();
  }));
}

http::Response redrive_one(pqxx::transaction_base& tx, audit::Exchange& ex) {
  auto id = number(ex.request().path_param("id"));
  if (!id) api::v2::not_found("delivery");
  auto ids = redrive(tx, *id, std::nullopt);
  if (ids.empty()) {
    if (list(tx, std::nullopt, std::nullopt, *id - 1, 1).empty() ||
        list(tx, std::nullopt, std::nullopt, *id - 1, 1).front().id != *id)
      api::v2::not_found("delivery");
    api::v2::conflict("not-dead", "Only a dead delivery may be redriven; this one is not dead.");
  }
  return redriven(ids);
}

http::Response redrive_subscriber(pqxx::transaction_base& tx, audit::Exchange& ex) {
  auto subscriber = text_param(ex.request(), "subscriber");
  if (!subscriber || subscriber->empty()) bad_parameter("subscriber", "is required: whose dead letters to redrive");
  return redriven(redrive(tx, std::nullopt, subscriber));
}

}  // namespace

void register_delivery_routes(http::Router& router, const api::ApiContext& ctx) {
  api::v2::OperationDoc doc;
  doc.tag = "Administration";
  doc.scope = kScope;
  doc.summary = "Outbound deliveries, by state (dead: the dead letters) and subscriber";
  doc.query_params = {"state", "subscriber", "limit", "after"};
  doc.problems = {400, 401, 403};
  doc.response_schema = "list:delivery";
  add_exchange_route(router, ctx, http::Method::get, "/api/v2/admin/deliveries", kScope, list_deliveries,
                     api::v2::operation_json(doc));
  doc.summary = "Redrive every dead delivery of a subscriber";
  doc.query_params = {"subscriber"};
  doc.response_schema = "delivery-redrive-result";
  add_exchange_route(router, ctx, http::Method::post, "/api/v2/admin/deliveries/redrive", kScope, redrive_subscriber,
                     api::v2::operation_json(doc));
  doc.summary = "Redrive one dead delivery: it is sent again, with a new retry window";
  doc.query_params = {};
  doc.path_params = {};
  doc.problems = {401, 403, 404, 409};
  add_exchange_route(router, ctx, http::Method::post, "/api/v2/admin/deliveries/{id}/redrive", kScope, redrive_one,
                     api::v2::operation_json(doc));
}

}  // namespace siao::delivery
