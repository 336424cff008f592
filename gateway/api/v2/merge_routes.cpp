// POST /api/v2/persons/{id}/merge and POST /api/v2/households/{id}/merge: the record in the body (the duplicate,
// the absorbed) is absorbed into the one in the path (the survivor), in one transaction and one audited
// exchange, with a new version of everything touched.
//
// What happens to what (docs/api-v2.md, "Merges"):
// - the absorbed record becomes status "merged", mergedInto the survivor; reading it answers 301 to the
//   survivor, its history stays readable;
// - the survivor keeps its values; a field it lacks (null) takes the absorbed record's value;
// - every partner key naming the absorbed record names the survivor, each move kept in partner_key_history;
// - persons: the duplicate leaves its household, which closes when left empty;
// - households: members and requests join the survivor, the absorbed head as other_adult, and the absorbed
//   open insertion request is cancelled (reason "merged") when the survivor has one of its own.
#include <pqxx/pqxx>

#include <algorithm>
#include <tuple>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/api/v2/request_history.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/api/v2/versions.hpp"
#include "gateway/domain/lifecycle.hpp"
#include "gateway/storage/merge_store.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::api::v2 {

namespace {

using audit::Exchange;
using domain::ResourceKind;
using http::Method;
using http::Response;
using resources::Household;
using resources::HousingRequest;
using resources::Person;
namespace store = storage;

// The history labels of a merge: the absorbed record's last version, and the survivor's new one.
constexpr std::string_view kMerged = "merged";
constexpr std::string_view kAbsorbed = "absorbed";

// --- Refusals -----------------------------------------------------------------------------------------------

// The record the body names is unknown, or outside the caller's territories: absent for them (404), pointed at.
[[noreturn]] void absent(std::string_view what, const char* pointer) {
  auto p = http::make_problem(404, "not-found", "No such " + std::string(what) + ".");
  p.errors.push_back({pointer, "no such " + std::string(what)});
  throw http::HttpError(std::move(p));
}

[[noreturn]] void already_merged(std::string_view what, std::int64_t id, std::int64_t into, const char* pointer) {
  auto p = http::make_problem(409, "already-merged",
                              "The " + std::string(what) + " " + std::to_string(id) + " was already merged into " +
                                  std::to_string(into) + ".");
  p.errors.push_back({pointer, "was already merged into " + std::to_string(into)});
  throw http::HttpError(std::move(p));
}

[[noreturn]] void itself(const char* pointer, std::string_view what) {
  unprocessable({{pointer, "names the " + std::string(what) + " of the path: a record cannot absorb itself"}},
                "A merge needs two different records.");
}

// The body's id (schema-valid: 8 digits) as an id of `kind`; an id of another kind is a 422 pointing at it.
std::int64_t body_id(const rapidjson::Value& body, const char* name, ResourceKind kind, const char* pointer) {
  const std::string text(body[name].GetString(), body[name].GetStringLength());
  if (!domain::is_siao_id(text, kind))
    unprocessable({{pointer, "is not a " + std::string(domain::name(kind)) + " id"}});
  return std::stoll(text);
}

// If-Match is optional on a POST; when given, it names the survivor's current version (412 otherwise).
void check_optional_if_match(const Exchange& ex, const resources::Metadata& survivor) {
  if (ex.request().header("if-match")) check_version(required_if_match(ex.request()), survivor);
}

void refuse_if_closed(const Household& h, std::string_view whose) {
  if (h.status != "active")
    conflict("household-closed", std::string(whose) + " is " + h.status + ": it takes no merge.");
}

// --- Small shared steps -----------------------------------------------------------------------------------

void fill_empty(std::optional<std::string>& mine, const std::optional<std::string>& theirs) {
  if (!mine && theirs) mine = theirs;
}

void by_id(std::vector<Person>& members) {
  std::sort(members.begin(), members.end(), [](const Person& a, const Person& b) { return a.id < b.id; });
}

void replace_member(Household& h, const Person& p) {
  for (auto& m : h.members)
    if (m.id == p.id) m = p;
}

// --- Persons ----------------------------------------------------------------------------------------------

// A person and the household they live in (or lived in, when merged), unlocked: nullopt when either is absent
// or the household lies outside the caller's territories.
struct Located {
  Person person;
  Household household;
};

std::optional<Located> locate(pqxx::transaction_base& tx, const Exchange& ex, std::int64_t id) {
  auto p = store::load_person(tx, id, store::Lock::none);
  if (!p) return std::nullopt;
  auto h = store::load_household(tx, p->household_id, store::Lock::none);
  if (!h || !ex.client().in_territory(h->territory)) return std::nullopt;
  return Located{std::move(*p), std::move(*h)};
}

Response merge_persons(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  const auto survivor_id = path_id(ex.request(), "id", ResourceKind::person);
  // Territory before fields, as every write: the person of the path first (404, or 301 when it was merged).
  const auto survivor_seen = locate(tx, ex, survivor_id);
  if (!survivor_seen) not_found("person");
  if (survivor_seen->person.merged_into) moved_to(person_url(*survivor_seen->person.merged_into), "person");

  const auto body = checked_body(ex, ctx.schemas, "person-merge");
  const auto duplicate_id = body_id(body, "duplicateId", ResourceKind::person, "/duplicateId");
  if (duplicate_id == survivor_id) itself("/duplicateId", "person");
  const auto duplicate_seen = locate(tx, ex, duplicate_id);
  if (!duplicate_seen) absent("person", "/duplicateId");
  if (duplicate_seen->person.merged_into)
    already_merged("person", duplicate_id, *duplicate_seen->person.merged_into, "/duplicateId");

  // The writers' lock order: both households by id, then both persons by id; then what the locks hold is read.
  store::lock_households(tx, survivor_seen->household.id, duplicate_seen->household.id);
  store::lock_persons(tx, survivor_id, duplicate_id);
  auto s = store::load_person(tx, survivor_id, store::Lock::none);
  auto d = store::load_person(tx, duplicate_id, store::Lock::none);
  if (!s || !d || s->household_id != survivor_seen->household.id || d->household_id != duplicate_seen->household.id)
    conflict("concurrent-move", "A person moved meanwhile: retry.");
  if (s->merged_into) moved_to(person_url(*s->merged_into), "person");
  if (d->merged_into) already_merged("person", d->id, *d->merged_into, "/duplicateId");
  const bool same_household = s->household_id == d->household_id;
  auto home = store::load_household(tx, s->household_id, store::Lock::none);  // locked above
  std::optional<Household> left;  // the duplicate's household, when it is another one
  if (!same_household) left = store::load_household(tx, d->household_id, store::Lock::none);
  if (!home || (!same_household && !left)) throw std::logic_error("a locked person's household is missing");
  // Territories again, as the locks hold them (a household may have changed territory meanwhile).
  ensure_visible(ex, home->territory, "person");
  if (left && !ex.client().in_territory(left->territory)) absent("person", "/duplicateId");
  refuse_if_closed(*home, "The person's household");
  check_optional_if_match(ex, s->meta);

  // The duplicate leaves its household. Its head leaves only a household it leaves empty (as a move), unless the
  // survivor lives there too: the survivor then takes the head's place (they are the same person).
  const bool takes_head = d->role == "head" && same_household;
  if (d->role == "head" && !same_household && left->members.size() > 1)
    conflict("head-merge",
             "The duplicate is the head of a household that keeps other members: make another member head first.");

  // The survivor keeps its values; what it lacks, it takes from the duplicate.
  fill_empty(s->birth_name, d->birth_name);
  fill_empty(s->birth_date, d->birth_date);
  fill_empty(s->nationality, d->nationality);
  fill_empty(s->phone, d->phone);
  fill_empty(s->email, d->email);
  if (takes_head) s->role = "head";

  d->status = "merged";
  d->merged_into = s->id;
  save(tx, ex, *d, kMerged);  // first: one active head per household, at every statement
  auto answer = save(tx, ex, *s, kAbsorbed);
  store::move_partner_keys(tx, "person", d->id, s->id, ex.now(), ex.client_id());

  if (same_household) {
    std::erase_if(home->members, [&](const Person& m) { return m.id == d->id; });
    replace_member(*home, *s);
    save(tx, ex, *home, "member_left");
  } else {
    std::erase_if(left->members, [&](const Person& m) { return m.id == d->id; });
    if (left->members.empty()) left->status = "closed";
    save(tx, ex, *left, left->members.empty() ? "member_left_closed" : "member_left");
    replace_member(*home, *s);
    save(tx, ex, *home, "member_updated");
  }
  return resource_response(200, std::move(answer), s->meta);
}

// --- Households -------------------------------------------------------------------------------------------

Response merge_households(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  const auto survivor_id = path_id(ex.request(), "id", ResourceKind::household);
  // Territory before fields, as every write: the household of the path first (404, or 301 when it was merged).
  {
    auto seen = store::load_household(tx, survivor_id, store::Lock::none);
    if (!seen) not_found("household");
    ensure_visible(ex, seen->territory, "household");
    if (seen->merged_into) moved_to(household_url(*seen->merged_into), "household");
  }
  const auto body = checked_body(ex, ctx.schemas, "household-merge");
  const auto absorbed_id = body_id(body, "householdId", ResourceKind::household, "/householdId");
  if (absorbed_id == survivor_id) itself("/householdId", "household");

  // The writers' lock order: both households by id, then their members, then their requests.
  store::lock_households(tx, survivor_id, absorbed_id);
  auto s = store::load_household(tx, survivor_id, store::Lock::none);
  auto d = store::load_household(tx, absorbed_id, store::Lock::none);
  if (!s) not_found("household");
  ensure_visible(ex, s->territory, "household");  // as the lock holds it
  if (s->merged_into) moved_to(household_url(*s->merged_into), "household");
  if (!d || !ex.client().in_territory(d->territory)) absent("household", "/householdId");
  if (d->merged_into) already_merged("household", d->id, *d->merged_into, "/householdId");
  refuse_if_closed(*s, "The household merged into");
  check_optional_if_match(ex, s->meta);
  store::lock_members(tx, s->id, d->id);
  store::lock_requests(tx, s->id, d->id);
  // Read again under the locks: a person may have joined either household before the members were locked.
  s->members = store::load_members(tx, s->id);
  d->members = store::load_members(tx, d->id);

  // Members join the survivor, keeping their roles but the head's: the survivor keeps its own head.
  for (auto& m : d->members) {
    m.household_id = s->id;
    if (m.role == "head") m.role = "other_adult";
    save(tx, ex, m, "moved");
    s->members.push_back(m);
  }
  by_id(s->members);

  // Requests join too; one open insertion request per household: the absorbed one is cancelled when the
  // survivor has its own.
  const auto survivor_requests = store::load_household_requests(tx, s->id);
  const bool survivor_insertion = std::any_of(survivor_requests.begin(), survivor_requests.end(),
                                              [](const HousingRequest& r) {
                                                return r.kind == "insertion" && domain::is_open(r.status);
                                              });
  for (auto& r : store::load_household_requests(tx, d->id)) {
    r.household_id = s->id;
    if (survivor_insertion && r.kind == "insertion" && domain::is_open(r.status)) {
      r.status = "cancelled";
      r.history = with_history_entry(r.history, "cancelled", ex, std::string(kMerged));
      save(tx, ex, r, "transitioned");
    } else {
      save(tx, ex, r, "moved");
    }
  }

  // Every partner key of the absorbed household names the survivor.
  for (auto& k : store::move_partner_keys(tx, "household", d->id, s->id, ex.now(), ex.client_id()))
    s->partner_keys.push_back(std::move(k));
  std::sort(s->partner_keys.begin(), s->partner_keys.end(), [](const auto& a, const auto& b) {
    return std::tie(a.partner, a.key) < std::tie(b.partner, b.key);
  });
  d->partner_keys.clear();

  // The absorbed household: no member, no key, merged. The survivor keeps its territory (a household has no
  // optional field for it to take).
  d->members.clear();
  d->status = "merged";
  d->merged_into = s->id;
  save(tx, ex, *d, kMerged);
  auto answer = save(tx, ex, *s, kAbsorbed);
  return resource_response(200, std::move(answer), s->meta);
}

}  // namespace

void register_merge_routes(http::Router& router, const ApiContext& ctx) {
  const std::string base(kBase);
  const std::vector<int> problems{301, 400, 401, 403, 404, 409, 412, 413, 415, 422, 503};
  add_exchange_route(router, ctx, Method::post, base + "/persons/{id}/merge", "persons:merge",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return merge_persons(tx, ex, ctx); },
                     operation_json({"Merge a duplicate person into this one (200, the survivor)", "persons",
                                     "persons:merge", {"id"}, {}, "person-merge", false, true, 200, "person",
                                     problems}));
  add_exchange_route(router, ctx, Method::post, base + "/households/{id}/merge", "households:merge",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return merge_households(tx, ex, ctx); },
                     operation_json({"Merge another household into this one (200, the survivor)", "households",
                                     "households:merge", {"id"}, {}, "household-merge", false, true, 200,
                                     "household", problems}));
}

}  // namespace siao::api::v2
