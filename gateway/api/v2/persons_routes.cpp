#include <pqxx/pqxx>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/api/v2/person_fields.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/api/v2/versions.hpp"
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

struct Located {
  Person person;
  Household household;
};

// A person is visible where their household is. Writers lock the household
// first, then the person: the same order as every other writer.
Located visible_person(pqxx::transaction_base& tx, const Exchange& ex, store::Lock lock) {
  auto id = path_id(ex.request(), "id", ResourceKind::person);
  auto p = store::load_person(tx, id, store::Lock::none);
  if (!p) not_found("person");
  auto h = store::load_household(tx, p->household_id, lock);
  if (!h) not_found("person");
  ensure_visible(ex, h->territory, "person");
  if (p->status == "merged" && p->merged_into) moved_to(person_url(*p->merged_into), "person");
  if (lock == store::Lock::for_update) {
    p = store::load_person(tx, id, lock);
    if (!p || p->household_id != h->id) conflict("concurrent-move", "The person moved meanwhile: retry.");
  }
  return {std::move(*p), std::move(*h)};
}

Response read(pqxx::transaction_base& tx, Exchange& ex) {
  auto [p, h] = visible_person(tx, ex, store::Lock::none);
  ex.touched("person", p.id, p.meta.version, false);
  return resource_response(200, resources::to_json(p), p.meta);
}

// cppcheck-suppress constParameter ; the member returned is written through
Person& member(Household& h, std::int64_t id) {
  for (auto& m : h.members)
    if (m.id == id) return m;
  throw std::logic_error("a person is missing from their own household");
}

Response patch(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  int expected = required_if_match(ex.request());
  // Territory before fields: a person the caller cannot see is absent, whatever the body says.
  auto [p, h] = visible_person(tx, ex, store::Lock::for_update);
  auto body = checked_body(ex, ctx.schemas, "person-patch");
  check_version(expected, p.meta);
  if (h.status != "active") conflict("household-closed", "The person's household is " + h.status + ".");
  std::string old_role = p.role;
  apply_person_patch(p, body);
  if (old_role == "head" && p.role != "head")
    conflict("head-required", "A household keeps exactly one head: make another member head instead.");
  if (p.role == "head" && old_role != "head") {
    // One write: the previous head steps down to other_adult.
    for (auto& m : h.members)
      if (m.role == "head") {
        m.role = "other_adult";
        save(tx, ex, m, "role_changed");
      }
  }
  auto answer = save(tx, ex, p, "updated");
  member(h, p.id) = p;
  save(tx, ex, h, "member_updated");
  return resource_response(200, std::move(answer), p.meta);
}

Response history(pqxx::transaction_base& tx, Exchange& ex) {
  auto id = path_id(ex.request(), "id", ResourceKind::person);
  auto p = store::load_person(tx, id, store::Lock::none);
  if (!p) not_found("person");
  auto h = store::load_household(tx, p->household_id, store::Lock::none);
  if (!h) not_found("person");
  ensure_visible(ex, h->territory, "person");
  auto versions = store::load_history(tx, "person", id);
  ex.touched("person", id, p->meta.version, false);
  return history_response(versions);
}

}  // namespace

void register_person_routes(http::Router& router, const ApiContext& ctx) {
  const std::string base(kBase);
  add_exchange_route(router, ctx, Method::get, base + "/persons/{id}", "persons:read",
                     [](pqxx::transaction_base& tx, Exchange& ex) { return read(tx, ex); },
                     operation_json({"Read a person", "persons", "persons:read", {"id"}, {}, "", false, false, 200,
                                     "person", {401, 403, 404, 503}}));
  add_exchange_route(router, ctx, Method::patch, base + "/persons/{id}", "persons:write",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return patch(tx, ex, ctx); },
                     operation_json({"Change a person (role head makes the previous head other_adult)", "persons",
                                     "persons:write", {"id"}, {}, "person-patch", true, false, 200, "person",
                                     {400, 401, 403, 404, 409, 412, 422, 428, 503}}));
  add_exchange_route(router, ctx, Method::get, base + "/persons/{id}/history", "persons:read",
                     [](pqxx::transaction_base& tx, Exchange& ex) { return history(tx, ex); },
                     operation_json({"Every version of a person, oldest first", "persons", "persons:read", {"id"}, {},
                                     "", false, false, 200, "list:history-entry", {401, 403, 404, 503}}));
}

}  // namespace siao::api::v2
