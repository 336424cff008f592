// Duplicate search: POST /persons/match and GET /persons/{id}/duplicates. Candidates come from the blocking keys
// (storage), within the caller's territories; each is scored by gateway/matching on the fields the caller may
// read, and those at or above the configured threshold are answered, best first. The two thresholds differ: a
// match query is what a partner knows, often partial, and a miss costs a second record; duplicates compare two
// whole records for an operator to merge, and a false one costs a wrong merge.
#include <algorithm>
#include <cmath>
#include <pqxx/pqxx>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/person_match_store.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::api::v2 {

namespace {

using audit::Exchange;
using domain::ResourceKind;
using http::Method;
using http::Response;

struct Found {
  std::int64_t person = 0, household = 0;
  int version = 0;
  matching::Score score;
};

// What the caller may compare: a field it may not read would leak through the score.
matching::PersonFields readable(const Exchange& ex, matching::PersonFields f) {
  const auto& policy = ex.client().fields;
  if (!policy.restricts_reads()) return f;
  if (!policy.may_read(ResourceKind::person, "lastName")) f.last_name.clear();
  if (!policy.may_read(ResourceKind::person, "birthName")) f.birth_name.reset();
  if (!policy.may_read(ResourceKind::person, "firstNames")) f.first_names.clear();
  if (!policy.may_read(ResourceKind::person, "birthDate")) f.birth_date.reset();
  if (!policy.may_read(ResourceKind::person, "nationality")) f.nationality.reset();
  return f;
}

std::vector<Found> search(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx,
                          const matching::PersonFields& query, std::int64_t excluded, int limit, int threshold_percent) {
  const auto keys = storage::query_match_keys(query);
  auto candidates =
      storage::find_match_candidates(tx, keys, ex.client().territories, ctx.matching.max_candidates, excluded);
  const double threshold = threshold_percent / 100.0;
  const matching::Comparable prepared(query);
  std::vector<Found> found;
  for (auto& c : candidates) {
    auto score = matching::compare(prepared, matching::Comparable(readable(ex, std::move(c.fields))));
    if (score.similarity + 1e-9 >= threshold) found.push_back({c.id, c.household_id, c.version, std::move(score)});
  }
  // Best first; equal scores by id, so that an answer does not change from one call to the next.
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    if (a.score.similarity != b.score.similarity) return a.score.similarity > b.score.similarity;
    return a.person < b.person;
  });
  if (found.size() > static_cast<std::size_t>(limit)) found.resize(static_cast<std::size_t>(limit));
  for (const auto& f : found) ex.touched("person", f.person, f.version, false);
  return found;
}

Response answer(const std::vector<Found>& found) {
  return json_response(200, resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "items");
    w.StartArray();
    for (const auto& f : found) {
      w.StartObject();
      resources::put(w, "personId", std::to_string(f.person));
      resources::put(w, "householdId", std::to_string(f.household));
      resources::put(w, "similarity");
      w.Double(std::round(f.score.similarity * 1000.0) / 1000.0);
      resources::put(w, "matched", f.score.matched);
      w.EndObject();
    }
    w.EndArray();
    resources::put(w, "next");
    w.Null();
    w.EndObject();
  }));
}

Response match(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  auto body = checked_body(ex, ctx.schemas, "person-match");
  matching::PersonFields query;
  if (auto v = optional_string(body, "lastName")) {
    ensure_searchable(ex, ResourceKind::person, "lastName", "lastName");
    query.last_name = std::move(*v);
  }
  if (body.HasMember("firstNames")) {
    ensure_searchable(ex, ResourceKind::person, "firstNames", "firstNames");
    query.first_names = string_array(body["firstNames"]);
  }
  if (auto v = optional_string(body, "birthDate")) {
    ensure_searchable(ex, ResourceKind::person, "birthDate", "birthDate");
    query.birth_date = std::move(v);
  }
  if (query.last_name.empty() && query.first_names.empty() && !query.birth_date)
    unprocessable({{"", "needs at least one of lastName, firstNames and birthDate"}}, "Nothing to look for.");
  return answer(search(tx, ex, ctx, query, 0, page_of(ex.request()).limit, ctx.matching.match_threshold_percent));
}

Response duplicates(pqxx::transaction_base& tx, Exchange& ex, const ApiContext& ctx) {
  const auto id = path_id(ex.request(), "id", ResourceKind::person);
  auto p = storage::load_person(tx, id, storage::Lock::none);
  if (!p) not_found("person");
  auto h = storage::load_household(tx, p->household_id, storage::Lock::none);
  if (!h) not_found("person");
  ensure_visible(ex, h->territory, "person");
  if (p->status == "merged" && p->merged_into) moved_to(person_url(*p->merged_into), "person");
  ex.touched("person", p->id, p->meta.version, false);
  return answer(search(tx, ex, ctx, readable(ex, storage::match_fields(*p)), p->id, page_of(ex.request()).limit,
                       ctx.matching.duplicates_threshold_percent));
}

}  // namespace

void register_match_routes(http::Router& router, const ApiContext& ctx) {
  const std::string base(kBase);
  add_exchange_route(router, ctx, Method::post, base + "/persons/match", "persons:match",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return match(tx, ex, ctx); },
                     operation_json({"Find the persons that match what is known of one (best first)", "persons",
                                     "persons:match", {}, {"limit"}, "person-match", false, false, 200,
                                     "list:person-match-item", {400, 401, 403, 422, 503}}));
  add_exchange_route(router, ctx, Method::get, base + "/persons/{id}/duplicates", "persons:match",
                     [&ctx](pqxx::transaction_base& tx, Exchange& ex) { return duplicates(tx, ex, ctx); },
                     operation_json({"The likely duplicates of a person, across households (best first)", "persons",
                                     "persons:match", {"id"}, {"limit"}, "", false, false, 200,
                                     "list:person-match-item", {301, 401, 403, 404, 503}}));
}

}  // namespace siao::api::v2
