#include <pqxx/pqxx>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/api/v2/request_history.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/api/v2/versions.hpp"
#include "gateway/domain/dates.hpp"
#include "gateway/domain/lifecycle.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::api::v2 {

namespace {

using audit::Exchange;
using domain::ResourceKind;
using http::Method;
using http::Response;
using resources::HousingRequest;
using resources::JsonWriter;
namespace store = storage;

HousingRequest visible_request(pqxx::transaction_base& tx, const Exchange& ex, store::Lock lock) {
  auto r = store::load_request(tx, path_id(ex.request(), "id", ResourceKind::request), lock);
  if (!r) not_found("request");
  ensure_visible(ex, r->territory, "request");
  return std::move(*r);
}

// `existing` with the members of `changes` that are set, as JSON object text.
std::string merged_object(const std::optional<std::string>& existing,
                          std::initializer_list<std::pair<const char*, std::optional<std::string>>> changes) {
  rapidjson::Document d;
  d.SetObject();
  if (existing) {
    d.Parse(existing->c_str());
    if (!d.IsObject()) d.SetObject();
  }
  auto& alloc = d.GetAllocator();
  for (const auto& [name, value] : changes) {
    if (!value) continue;
    rapidjson::Value v(value->c_str(), alloc);
    if (d.HasMember(name)) d[name] = v;
    else d.AddMember(rapidjson::Value(name, alloc), v, alloc);
  }
  rapidjson::StringBuffer out;
  JsonWriter w(out);
  d.Accept(w);
  return {out.GetString(), out.GetSize()};
}

std::optional<std::string> member_of(const rapidjson::Value& body, const char* object, const char* name) {
  auto it = body.FindMember(object);
  if (it == body.MemberEnd() || !it->value.IsObject()) return std::nullopt;
  return optional_string(it->value, name);
}

bool has_end_date(const std::optional<std::string>& placement) {
  if (!placement) return false;
  rapidjson::Document d;
  d.Parse(placement->c_str());
  return d.IsObject() && d.HasMember("endDate") && d["endDate"].IsString();
}

// When an adapter translated a partner's request, the time the partner says the request was made (Rosalie's
// dateDemande): read only from a canonical command, never from what a v2 client sends.
std::optional<std::string> submitted_by_partner(const Exchange& ex) {
  if (&ex.request() == &ex.received()) return std::nullopt;
  auto at = ex.request().header("x-submitted-at");
  if (!at || !domain::parse_rfc3339(*at)) return std::nullopt;
  return std::string(*at);
}

[[noreturn]] void open_insertion_exists() {
  conflict("open-insertion-request", "The household already has an open insertion request.");
}

Response create(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  auto body = checked_body(ex, ctx.schemas, "request-create");
  std::string_view hid = body["householdId"].GetString();
  if (!domain::is_siao_id(hid, ResourceKind::household)) unprocessable({{"/householdId", "is not a household id"}});
  auto h = store::load_household(tx, std::stoll(std::string(hid)), store::Lock::for_update);
  if (!h || !ex.client().in_territory(h->territory)) unprocessable({{"/householdId", "no such household"}});
  if (h->status != "active") conflict("household-closed", "The household is " + h->status + ": it takes no request.");

  HousingRequest r;
  r.household_id = h->id;
  r.kind = body["kind"].GetString();
  auto kind = *domain::parse_kind(r.kind);
  r.territory = optional_string(body, "territory").value_or(h->territory);
  if (!ex.client().in_territory(r.territory))
    throw http::HttpError(http::make_problem(403, "territory-forbidden",
                                             "This contract may not create requests in territory " + r.territory + "."));
  if (kind == domain::RequestKind::insertion)
    for (const auto& other : store::load_household_requests(tx, h->id))
      if (other.kind == "insertion" && domain::is_open(other.status)) open_insertion_exists();
  r.requested_services = string_array(body["requestedServices"]);
  r.status = std::string(domain::initial_status(kind));
  r.submitted_at = submitted_by_partner(ex).value_or(ex.now());
  r.history = with_history_entry("[]", r.status, ex, std::nullopt);
  r.id = store::mint_request_id(tx);
  stamp(r.meta, ex, true);
  store::insert_request(tx, r);
  auto res = resource_response(201, record(ex, r, "created"), r.meta);
  res.set("Location", request_url(r.id));
  return res;
}

Response read(pqxx::transaction_base& tx, Exchange& ex) {
  auto r = visible_request(tx, ex, store::Lock::none);
  ex.touched("request", r.id, r.meta.version, false);
  return resource_response(200, resources::to_json(r), r.meta);
}

void apply_effects(HousingRequest& r, const domain::TransitionEffects& fx, const rapidjson::Value& body,
                   const Exchange& ex) {
  if (fx.set_placement_structure_start || fx.set_placement_end || fx.set_exit_reason)
    r.placement = merged_object(
        r.placement,
        {{"structure", fx.set_placement_structure_start ? member_of(body, "placement", "structure") : std::nullopt},
         {"startDate", fx.set_placement_structure_start ? member_of(body, "placement", "startDate") : std::nullopt},
         {"endDate", fx.set_placement_end || fx.set_placement_structure_start ? member_of(body, "placement", "endDate")
                                                                              : std::nullopt},
         {"exitReason", fx.set_exit_reason ? member_of(body, "placement", "exitReason") : std::nullopt}});
  if (fx.set_orientation) r.orientation = merged_object(std::nullopt, {{"service", member_of(body, "orientation", "service")}});
  if (fx.set_proposal) r.proposal = merged_object(std::nullopt, {{"structure", member_of(body, "proposal", "structure")}});
  if (fx.reset_submitted_at) r.submitted_at = ex.now();
}

Response transition(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  auto r = visible_request(tx, ex, store::Lock::for_update);  // territory before fields
  auto body = checked_body(ex, ctx.schemas, "request-transition");
  if (ex.request().header("if-match")) check_version(required_if_match(ex.request()), r.meta);
  std::string to = body["to"].GetString();
  auto kind = *domain::parse_kind(r.kind);
  if (!domain::is_status(kind, to)) unprocessable({{"/to", "is not a status of " + r.kind + " requests"}});
  if (!domain::is_allowed(kind, r.status, to)) {
    auto p = http::make_problem(409, "transition-not-allowed",
                                "A request that is " + r.status + " cannot become " + to + ".");
    p.allowed.emplace();
    for (auto a : domain::allowed_targets(kind, r.status)) p.allowed->emplace_back(a);
    throw http::HttpError(std::move(p));
  }
  auto missing = domain::missing_for_transition({kind, r.status, has_end_date(r.placement)}, to, body);
  if (!missing.empty()) unprocessable(std::move(missing), "The transition to " + to + " needs more.");
  auto fx = domain::effects_of(kind, r.status, to);
  apply_effects(r, fx, body, ex);
  r.status = to;
  r.history = with_history_entry(r.history, to, ex, optional_string(body, "reason"));
  std::string answer;
  try {
    answer = save(tx, ex, r, "transitioned");
  } catch (const pqxx::unique_violation&) {
    open_insertion_exists();
  }
  return resource_response(200, std::move(answer), r.meta);
}

}  // namespace

void register_request_routes(http::Router& router, const ApiContext& ctx) {
  const std::string base(kBase);
  add_exchange_route(router, ctx, Method::post, base + "/requests", "requests:write",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return create(tx, ex, ctx); },
                     operation_json({"Create a request for a household", "requests", "requests:write", {}, {},
                                     "request-create", false, true, 201, "request",
                                     {400, 401, 403, 409, 413, 422, 503}}));
  add_exchange_route(router, ctx, Method::get, base + "/requests/{id}", "requests:read",
                     [](pqxx::transaction_base& tx, Exchange& ex) { return read(tx, ex); },
                     operation_json({"Read a request", "requests", "requests:read", {"id"}, {}, "", false, false, 200,
                                     "request", {401, 403, 404, 503}}));
  add_exchange_route(router, ctx, Method::post, base + "/requests/{id}/transitions", "requests:transition",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return transition(tx, ex, ctx); },
                     operation_json({"Move a request along its lifecycle", "requests", "requests:transition", {"id"},
                                     {}, "request-transition", false, true, 200, "request",
                                     {400, 401, 403, 404, 409, 412, 422, 503}}));
}

}  // namespace siao::api::v2
