#include <pqxx/pqxx>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/api/v2/person_fields.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/api/v2/versions.hpp"
#include "gateway/json/pointer.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::api::v2 {

namespace {

using audit::Exchange;
using domain::ResourceKind;
using http::Method;
using http::Response;
using resources::Household;
using resources::Person;
namespace store = storage;

std::string route(std::string_view tail) { return std::string(kBase) + std::string(tail); }

// A household the caller may see, locked or not: 404 otherwise; 301 when it was merged.
Household visible_household(pqxx::transaction_base& tx, const Exchange& ex, std::int64_t id, store::Lock lock) {
  auto h = store::load_household(tx, id, lock);
  if (!h) not_found("household");
  ensure_visible(ex, h->territory, "household");
  if (h->status == "merged" && h->merged_into) moved_to(household_url(*h->merged_into), "household");
  return std::move(*h);
}

void refuse_if_closed(const Household& h) {
  if (h.status != "active") conflict("household-closed", "The household is " + h.status + ": it takes no more writes.");
}

void check_one_head(const rapidjson::Value& members) {
  std::vector<http::FieldError> errors;
  int heads = 0;
  for (rapidjson::SizeType i = 0; i < members.Size(); ++i)
    if (std::string_view(members[i]["role"].GetString()) == "head" && ++heads > 1)
      errors.push_back({json::pointer_append("/members", i) + "/role", "a household has exactly one head"});
  if (heads == 0) errors.push_back({"/members", "a household has exactly one head: none is given"});
  if (!errors.empty()) unprocessable(std::move(errors));
}

Response create(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  auto body = checked_body(ex, ctx.schemas, "household-create");
  const auto& members = body["members"];
  check_one_head(members);
  std::vector<Person> persons;
  for (rapidjson::SizeType i = 0; i < members.Size(); ++i)
    persons.push_back(person_from_body(members[i], json::pointer_append("/members", i)));
  std::string territory = body["territory"].GetString();
  if (!ex.client().in_territory(territory))
    throw http::HttpError(http::make_problem(403, "territory-forbidden",
                                             "This contract may not create households in territory " + territory + "."));

  Household h;
  auto [household_id, person_ids] = store::mint_household_and_person_ids(tx, static_cast<int>(persons.size()));
  h.id = household_id;
  h.territory = territory;
  stamp(h.meta, ex, true);
  store::insert_household(tx, h);
  for (std::size_t i = 0; i < persons.size(); ++i) {
    auto& p = persons[i];
    p.id = person_ids[i];
    p.household_id = h.id;
    stamp(p.meta, ex, true);
    record(ex, p, "created");
  }
  store::insert_persons(tx, persons);
  h.members = std::move(persons);
  auto r = resource_response(201, record(ex, h, "created"), h.meta);
  r.set("Location", household_url(h.id));
  return r;
}

Response read(pqxx::transaction_base& tx, Exchange& ex) {
  auto h = visible_household(tx, ex, path_id(ex.request(), "id", ResourceKind::household), store::Lock::none);
  ex.touched("household", h.id, h.meta.version, false);
  for (const auto& m : h.members) ex.touched("person", m.id, m.meta.version, false);
  return resource_response(200, resources::to_json(h, today_of(ex)), h.meta);
}

Response search(pqxx::transaction_base& tx, Exchange& ex) {
  const auto& req = ex.request();
  auto page = page_of(req);
  store::HouseholdSearch q;
  q.limit = page.limit;
  q.after = page.after;
  if (auto t = req.query_param("territory")) {
    ensure_searchable(ex, ResourceKind::household, "territory", "territory");
    q.territory = std::string(*t);
  }
  if (auto n = req.query_param("lastName")) {
    ensure_searchable(ex, ResourceKind::person, "lastName", "lastName");
    q.last_name = std::string(*n);
  }
  if (auto b = req.query_param("birthDate")) {
    ensure_searchable(ex, ResourceKind::person, "birthDate", "birthDate");
    q.birth_date = std::string(*b);
  }
  q.allowed_territories = ex.client().territories;
  auto ids = store::search_households(tx, q);
  bool more = ids.size() > static_cast<std::size_t>(page.limit);
  if (more) ids.pop_back();
  auto today = today_of(ex);
  auto body = resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "items");
    w.StartArray();
    for (const auto& h : store::load_households(tx, ids)) {
      ex.touched("household", h.id, h.meta.version, false);
      resources::write_json(w, h, today);
    }
    w.EndArray();
    resources::put(w, "next");
    if (more) resources::put(w, cursor_for(ids.back()));
    else w.Null();
    w.EndObject();
  });
  return json_response(200, std::move(body));
}

Response patch(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  int expected = required_if_match(ex.request());
  auto h = visible_household(tx, ex, path_id(ex.request(), "id", ResourceKind::household), store::Lock::for_update);
  auto body = checked_body(ex, ctx.schemas, "household-patch");  // territory before fields
  check_version(expected, h.meta);
  refuse_if_closed(h);
  std::string territory = body["territory"].GetString();
  if (!ex.client().in_territory(territory))
    throw http::HttpError(http::make_problem(403, "territory-forbidden",
                                             "This contract may not move households to territory " + territory + "."));
  h.territory = territory;
  return resource_response(200, save(tx, ex, h, "updated"), h.meta);
}

Response add_new_member(pqxx::transaction_base& tx, Exchange& ex, Household& h, const rapidjson::Value& body) {
  auto p = person_from_body(body, "");
  if (p.role == "head")
    for (const auto& m : h.members)
      if (m.role == "head") conflict("head-exists", "The household already has a head (" + std::to_string(m.id) + ").");
  p.id = store::mint_person_ids(tx, 1).front();
  p.household_id = h.id;
  stamp(p.meta, ex, true);
  store::insert_person(tx, p);
  auto answer = record(ex, p, "created");
  h.members.push_back(p);
  save(tx, ex, h, "member_added");
  auto r = resource_response(201, std::move(answer), p.meta);
  r.set("Location", person_url(p.id));
  return r;
}

// Moves keep the person's id, data and history; both households record it.
// Lock order: both households (by id), then the person.
Response move_member(pqxx::transaction_base& tx, Exchange& ex, std::int64_t target_id, const rapidjson::Value& body) {
  std::string_view pid = body["personId"].GetString();
  if (!domain::is_siao_id(pid, ResourceKind::person)) unprocessable({{"/personId", "is not a person id"}});
  auto person_id = std::stoll(std::string(pid));
  auto peek = store::load_person(tx, person_id, store::Lock::none);
  if (!peek || peek->status != "active") unprocessable({{"/personId", "no such person"}});
  store::lock_households(tx, target_id, peek->household_id);
  auto target = visible_household(tx, ex, target_id, store::Lock::for_update);
  refuse_if_closed(target);
  auto person = store::load_person(tx, person_id, store::Lock::for_update);
  if (!person || person->household_id != peek->household_id) conflict("concurrent-move", "The person moved meanwhile: retry.");
  if (person->household_id == target.id) conflict("already-member", "The person is already in this household.");
  auto source = store::load_household(tx, person->household_id, store::Lock::for_update);
  if (!source || !ex.client().in_territory(source->territory)) unprocessable({{"/personId", "no such person"}});
  std::string role = body["role"].GetString();
  if (person->role == "head" && source->members.size() > 1)
    conflict("head-move", "The head cannot leave a household that keeps other members: make another member head first.");
  if (role == "head")
    for (const auto& m : target.members)
      if (m.role == "head") conflict("head-exists", "The household already has a head (" + std::to_string(m.id) + ").");

  person->household_id = target.id;
  person->role = role;
  save(tx, ex, *person, "moved");

  std::erase_if(source->members, [&](const Person& m) { return m.id == person->id; });
  if (source->members.empty()) source->status = "closed";
  save(tx, ex, *source, source->members.empty() ? "member_left_closed" : "member_left");

  target.members.push_back(*person);
  std::sort(target.members.begin(), target.members.end(), [](const Person& a, const Person& b) { return a.id < b.id; });
  return resource_response(200, save(tx, ex, target, "member_joined"), target.meta);
}

Response add_member(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  auto body = checked_body(ex, ctx.schemas, "member-add");
  auto id = path_id(ex.request(), "id", ResourceKind::household);
  if (body.HasMember("personId")) return move_member(tx, ex, id, body);
  auto h = visible_household(tx, ex, id, store::Lock::for_update);
  refuse_if_closed(h);
  return add_new_member(tx, ex, h, body);
}

Response history(pqxx::transaction_base& tx, Exchange& ex) {
  auto id = path_id(ex.request(), "id", ResourceKind::household);
  auto h = store::load_household(tx, id, store::Lock::none);
  if (!h) not_found("household");
  ensure_visible(ex, h->territory, "household");  // absorbed households keep a readable history
  auto versions = store::load_history(tx, "household", id);
  ex.touched("household", id, h->meta.version, false);
  return history_response(versions);
}

Response requests_of(pqxx::transaction_base& tx, Exchange& ex) {
  auto h = visible_household(tx, ex, path_id(ex.request(), "id", ResourceKind::household), store::Lock::none);
  auto list = store::load_household_requests(tx, h.id);
  return json_response(200, resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "items");
    w.StartArray();
    for (const auto& r : list) {
      if (!ex.client().in_territory(r.territory)) continue;
      ex.touched("request", r.id, r.meta.version, false);
      resources::write_json(w, r);
    }
    w.EndArray();
    resources::put(w, "next");
    w.Null();
    w.EndObject();
  }));
}

}  // namespace

void register_household_routes(http::Router& router, const ApiContext& ctx) {
  const std::vector<int> read_problems{401, 403, 404, 503}, write_problems{400, 401, 403, 404, 409, 413, 422, 503};
  add_exchange_route(router, ctx, Method::post, route("/households"), "households:write",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return create(tx, ex, ctx); },
                     operation_json({"Create a household with its members", "households", "households:write", {}, {},
                                     "household-create", false, true, 201, "household", write_problems}));
  add_exchange_route(router, ctx, Method::get, route("/households"), "households:read",
                     [](pqxx::transaction_base& tx, Exchange& ex) { return search(tx, ex); },
                     operation_json({"Search households", "households", "households:read", {},
                                     {"territory", "lastName", "birthDate", "limit", "after"}, "", false, false, 200,
                                     "list:household", {401, 403, 422, 503}}));
  add_exchange_route(router, ctx, Method::get, route("/households/{id}"), "households:read",
                     [](pqxx::transaction_base& tx, Exchange& ex) { return read(tx, ex); },
                     operation_json({"Read a household", "households", "households:read", {"id"}, {}, "", false, false,
                                     200, "household", read_problems}));
  add_exchange_route(router, ctx, Method::patch, route("/households/{id}"), "households:write",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return patch(tx, ex, ctx); },
                     operation_json({"Change a household's territory", "households", "households:write", {"id"}, {},
                                     "household-patch", true, false, 200, "household",
                                     {400, 401, 403, 404, 409, 412, 422, 428, 503}}));
  add_exchange_route(router, ctx, Method::post, route("/households/{id}/members"), "households:write",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return add_member(tx, ex, ctx); },
                     operation_json({"Add a new person (201, the person) or move one here (200, the household)",
                                     "households", "households:write", {"id"}, {}, "member-add", false, true, 201,
                                     "person", write_problems}));
  add_exchange_route(router, ctx, Method::get, route("/households/{id}/history"), "households:read",
                     [](pqxx::transaction_base& tx, Exchange& ex) { return history(tx, ex); },
                     operation_json({"Every version of a household, oldest first", "households", "households:read",
                                     {"id"}, {}, "", false, false, 200, "list:history-entry", read_problems}));
  add_exchange_route(router, ctx, Method::get, route("/households/{id}/requests"), "requests:read",
                     [](pqxx::transaction_base& tx, Exchange& ex) { return requests_of(tx, ex); },
                     operation_json({"A household's requests, newest first", "requests", "requests:read", {"id"}, {},
                                     "", false, false, 200, "list:request", read_problems}));
}

void register_routes(http::Router& router, const ApiContext& ctx) {
  register_household_routes(router, ctx);
  register_person_routes(router, ctx);
  register_merge_routes(router, ctx);
  register_match_routes(router, ctx);
  register_request_routes(router, ctx);
}

}  // namespace siao::api::v2
