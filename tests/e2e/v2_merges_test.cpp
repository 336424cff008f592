// Merges over real HTTP: POST /api/v2/persons/{id}/merge and POST /api/v2/households/{id}/merge, each rule of
// the spec's "Duplicates and merges", every refusal, and what the database and the audit log keep.
#include <algorithm>
#include <thread>

#include "tests/e2e/contracts_fixture.hpp"
#include "tests/e2e/v2_fixture.hpp"

using namespace siao::test;

namespace {

std::string create(ApiClient& api, const std::vector<std::string>& members, const char* territory = "75") {
  auto r = api.post("/api/v2/households", household_body(territory, members));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.str("/id");
}

std::string member(ApiClient& api, const std::string& household, int index) {
  auto h = api.get("/api/v2/households/" + household);
  REQUIRE(h.status == 200);
  return h.str(("/members/" + std::to_string(index) + "/id").c_str());
}

// A person with `extra` members (each starting with a comma) beside the required ones.
std::string person(const std::string& role, const std::string& last_name, const std::string& sex,
                   const std::string& extra = "") {
  return R"({"role":")" + role + R"(","lastName":")" + last_name + R"(","firstNames":["Marie"],"sex":")" + sex +
         "\"" + extra + "}";
}

ApiResult merge_persons(ApiClient& api, const std::string& survivor, const std::string& duplicate,
                        std::map<std::string, std::string> headers = {}) {
  return api.post("/api/v2/persons/" + survivor + "/merge", R"({"duplicateId":")" + duplicate + "\"}",
                  std::move(headers));
}

ApiResult merge_households(ApiClient& api, const std::string& survivor, const std::string& absorbed,
                           std::map<std::string, std::string> headers = {}) {
  return api.post("/api/v2/households/" + survivor + "/merge", R"({"householdId":")" + absorbed + "\"}",
                  std::move(headers));
}

std::string new_request(ApiClient& api, const std::string& household, const char* kind) {
  auto r = api.post("/api/v2/requests", R"({"householdId":")" + household + R"(","kind":")" + kind +
                                            R"(","requestedServices":["CHRS"]})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.str("/id");
}

std::string slug(const ApiResult& r) {
  auto type = r.str("/type");
  return type.substr(type.rfind('/') + 1);
}

// The last entry of a history answer.
std::string last_change(const ApiResult& history) {
  const auto* items = history.at("/items");
  if (!items || !items->IsArray() || items->Empty()) return {};
  const auto& last = (*items)[items->Size() - 1];
  return last["change"].GetString();
}

void add_key(const V2Gateway& g, const std::string& partner, const std::string& kind, const std::string& key,
             const std::string& id) {
  pqxx::connection c(g.db.url());
  pqxx::work t(c);
  t.exec_params("INSERT INTO partner_keys (partner, kind, key, siao_id, created_at, created_by) "
                "VALUES ($1, $2, $3, $4::bigint, now(), 'test')",
                partner, kind, key, id);
  t.commit();
}

// Every row a refused merge might have written.
long long written(const V2Gateway& g) {
  return g.count(
      "SELECT (SELECT count(*) FROM resource_versions) + (SELECT count(*) FROM partner_key_history) "
      "+ (SELECT sum(version) FROM persons) + (SELECT sum(version) FROM households) "
      "+ (SELECT coalesce(sum(version), 0) FROM requests)");
}

}  // namespace

// --- Persons -----------------------------------------------------------------------------------------------

TEST_CASE("merge persons: the survivor keeps its values and takes the ones it lacks - recorded in its history") {
  V2Gateway g;
  auto api = g.client();
  auto home = create(api, {person("head", "DUPONT", "female", R"(,"birthDate":"1985-03-14")"),
                           person("child", "DUPONT", "male", R"(,"birthDate":"2015")")});
  auto other = create(api, {person("head", "DUPOND", "unknown",
                                   R"(,"birthDate":"1984","birthName":"MARTIN","phone":"+33612345678",)"
                                   R"("email":"marie@example.org","nationality":"FRA")")});
  auto survivor = member(api, home, 0), duplicate = member(api, other, 0);

  auto r = merge_persons(api, survivor, duplicate);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.header("etag") == "\"2\"");
  CHECK(r.str("/id") == survivor);
  CHECK(r.str("/householdId") == home);
  CHECK(r.str("/status") == "active");
  CHECK(r.at("/mergedInto")->IsNull());
  CHECK(r.integer("/version") == 2);
  // Its own values stay, whatever the duplicate says.
  CHECK(r.str("/lastName") == "DUPONT");
  CHECK(r.str("/sex") == "female");
  CHECK(r.str("/birthDate") == "1985-03-14");
  CHECK(r.str("/role") == "head");
  // What it lacked comes from the duplicate.
  CHECK(r.str("/birthName") == "MARTIN");
  CHECK(r.str("/phone") == "+33612345678");
  CHECK(r.str("/email") == "marie@example.org");
  CHECK(r.str("/nationality") == "FRA");
  CHECK(api.get("/api/v2/persons/" + survivor).body == r.body);

  // The survivor's history: the version before, then the merge with the values taken.
  auto history = api.get("/api/v2/persons/" + survivor + "/history");
  REQUIRE(history.at("/items")->Size() == 2);
  CHECK(history.at("/items/0/snapshot/phone")->IsNull());
  CHECK(history.str("/items/1/change") == "absorbed");
  CHECK(history.str("/items/1/snapshot/phone") == "+33612345678");
  CHECK(history.str("/items/1/snapshot/birthName") == "MARTIN");

  // The survivor's household embeds it: a new version of it too.
  auto h = api.get("/api/v2/households/" + home);
  CHECK(h.integer("/version") == 2);
  CHECK(h.str("/members/0/phone") == "+33612345678");
  CHECK(last_change(api.get("/api/v2/households/" + home + "/history")) == "member_updated");
}

TEST_CASE("merge persons: the duplicate answers 301 to the survivor - its history stays readable") {
  V2Gateway g;
  auto api = g.client();
  auto home = create(api, {person("head", "DUPONT", "female")});
  auto other = create(api, {person("head", "DUPONT", "female")});
  auto survivor = member(api, home, 0), duplicate = member(api, other, 0);
  REQUIRE(merge_persons(api, survivor, duplicate).status == 200);

  auto moved = api.get("/api/v2/persons/" + duplicate);
  CHECK(moved.status == 301);
  CHECK(moved.header("location") == "/api/v2/persons/" + survivor);
  CHECK(moved.header("content-type") == "application/problem+json");
  auto history = api.get("/api/v2/persons/" + duplicate + "/history");
  REQUIRE(history.status == 200);
  REQUIRE(history.at("/items")->Size() == 2);
  CHECK(history.str("/items/1/change") == "merged");
  CHECK(history.str("/items/1/snapshot/status") == "merged");
  CHECK(history.str("/items/1/snapshot/mergedInto") == survivor);
  CHECK(history.str("/items/1/snapshot/householdId") == other);  // where the duplicate was when merged
  CHECK(g.count("SELECT count(*) FROM persons WHERE id = " + duplicate + " AND status = 'merged' AND merged_into = " +
                survivor) == 1);
  // The path of a merged person is followed as reads do: 301 to the survivor, nothing written.
  auto third = create(api, {person("head", "DUPONT", "female")});
  auto again = merge_persons(api, duplicate, member(api, third, 0));
  CHECK(again.status == 301);
  CHECK(again.header("location") == "/api/v2/persons/" + survivor);
}

TEST_CASE("merge persons: the duplicate leaves its household - which closes when left empty") {
  V2Gateway g;
  auto api = g.client();
  auto home = create(api, {person("head", "A", "female")});
  auto lonely = create(api, {person("head", "B", "female")});
  auto family = create(api, {person("head", "C", "male"), person("child", "C", "female")});
  auto survivor = member(api, home, 0);

  // Alone in its household: the household closes.
  REQUIRE(merge_persons(api, survivor, member(api, lonely, 0)).status == 200);
  auto closed = api.get("/api/v2/households/" + lonely);
  CHECK(closed.status == 200);
  CHECK(closed.str("/status") == "closed");
  CHECK(closed.at("/members")->Size() == 0);
  CHECK(last_change(api.get("/api/v2/households/" + lonely + "/history")) == "member_left_closed");

  // A child leaving a household that keeps its head: the household stays, one member less.
  auto child = member(api, family, 1);
  REQUIRE(merge_persons(api, survivor, child).status == 200);
  auto kept = api.get("/api/v2/households/" + family);
  CHECK(kept.str("/status") == "active");
  REQUIRE(kept.at("/members")->Size() == 1);
  CHECK(kept.str("/members/0/role") == "head");
  CHECK(last_change(api.get("/api/v2/households/" + family + "/history")) == "member_left");
  // The survivor's household did not gain the duplicates.
  CHECK(api.get("/api/v2/households/" + home).at("/members")->Size() == 1);
  CHECK(g.count("SELECT count(*) FROM persons WHERE merged_into = " + survivor) == 2);
}

TEST_CASE("merge persons: a head cannot leave a household that keeps members - unless the survivor lives there") {
  V2Gateway g;
  auto api = g.client();
  auto home = create(api, {person("head", "A", "female")});
  auto family =
      create(api, {person("head", "C", "male"), person("spouse", "C", "female", R"(,"phone":"+33611111111")")});
  auto head = member(api, family, 0), spouse = member(api, family, 1);
  const auto before = written(g);
  auto refused = merge_persons(api, member(api, home, 0), head);
  CHECK(refused.status == 409);
  CHECK(slug(refused) == "head-merge");
  CHECK(written(g) == before);

  // Within one household: the survivor takes the head's place.
  auto r = merge_persons(api, spouse, head);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.str("/role") == "head");
  CHECK(r.str("/phone") == "+33611111111");
  auto h = api.get("/api/v2/households/" + family);
  REQUIRE(h.at("/members")->Size() == 1);
  CHECK(h.str("/members/0/id") == spouse);
  CHECK(h.str("/members/0/role") == "head");
  CHECK(h.str("/composition") == "single_woman");
  CHECK(h.integer("/version") == 2);  // one new version for both changes
  CHECK(last_change(api.get("/api/v2/households/" + family + "/history")) == "member_left");
}

TEST_CASE("merge persons: every partner key of the duplicate names the survivor") {
  V2Gateway g;
  auto api = g.client();
  auto home = create(api, {person("head", "A", "female")});
  auto other = create(api, {person("head", "A", "female")});
  auto survivor = member(api, home, 0), duplicate = member(api, other, 0);
  add_key(g, "rosalie", "person", "P-1", survivor);
  add_key(g, "rosalie", "person", "P-2", duplicate);
  add_key(g, "other-partner", "person", "X-9", duplicate);
  REQUIRE(merge_persons(api, survivor, duplicate).status == 200);
  CHECK(g.count("SELECT count(*) FROM partner_keys WHERE kind = 'person' AND siao_id = " + survivor) == 3);
  CHECK(g.count("SELECT count(*) FROM partner_keys WHERE siao_id = " + duplicate) == 0);
  CHECK(g.count("SELECT count(*) FROM partner_key_history WHERE change = 'merged' AND kind = 'person' AND siao_id = " +
                survivor + " AND key IN ('P-2', 'X-9') AND by = 'siao-backoffice'") == 2);
  CHECK(g.count("SELECT count(*) FROM partner_key_history WHERE key = 'P-1'") == 0);
}

TEST_CASE("merge persons: refusals - each a problem with a pointer - and nothing written") {
  V2Gateway g;
  auto api = g.client();
  auto home = create(api, {person("head", "A", "female")});
  auto other = create(api, {person("head", "B", "female")});
  auto survivor = member(api, home, 0), duplicate = member(api, other, 0);
  const auto url = "/api/v2/persons/" + survivor + "/merge";
  const auto before = written(g);

  auto self = merge_persons(api, survivor, survivor);
  CHECK(self.status == 422);
  CHECK(self.header("content-type") == "application/problem+json");
  CHECK(self.error_pointers() == std::vector<std::string>{"/duplicateId"});

  auto unknown = merge_persons(api, survivor, "49999999");
  CHECK(unknown.status == 404);
  CHECK(unknown.error_pointers() == std::vector<std::string>{"/duplicateId"});
  CHECK(merge_persons(api, "49999999", duplicate).status == 404);
  CHECK(api.post("/api/v2/persons/nope/merge", R"({"duplicateId":")" + duplicate + "\"}").status == 404);

  auto household_id = merge_persons(api, survivor, other);
  CHECK(household_id.status == 422);
  CHECK(household_id.error_pointers() == std::vector<std::string>{"/duplicateId"});
  auto missing = api.post(url, "{}");
  CHECK(missing.status == 422);
  CHECK(missing.error_pointers() == std::vector<std::string>{"/duplicateId"});
  auto shape = api.post(url, R"({"duplicateId":"4000"})");
  CHECK(shape.status == 422);
  CHECK(shape.error_pointers() == std::vector<std::string>{"/duplicateId"});
  auto extra = api.post(url, R"({"duplicateId":")" + duplicate + R"(","keep":"phone"})");
  CHECK(extra.status == 422);
  CHECK(extra.error_pointers() == std::vector<std::string>{"/keep"});
  CHECK(api.post(url, "{\"duplicateId\":").status == 400);
  CHECK(api.post(url, R"({"duplicateId":")" + duplicate + "\"}", {{"Content-Type", "text/plain"}}).status == 415);
  auto stale = merge_persons(api, survivor, duplicate, {{"If-Match", "\"7\""}});
  CHECK(stale.status == 412);
  CHECK(stale.header("etag") == "\"1\"");
  CHECK(written(g) == before);

  // If-Match naming the current version lets it through; a duplicate already merged is then a 409.
  REQUIRE(merge_persons(api, survivor, duplicate, {{"If-Match", "\"1\""}}).status == 200);
  auto third = create(api, {person("head", "C", "female")});
  auto twice = merge_persons(api, member(api, third, 0), duplicate);
  CHECK(twice.status == 409);
  CHECK(slug(twice) == "already-merged");
  CHECK(twice.error_pointers() == std::vector<std::string>{"/duplicateId"});
}

// --- Households --------------------------------------------------------------------------------------------

TEST_CASE("merge households: members and requests join the survivor - the absorbed head as other_adult") {
  V2Gateway g;
  auto api = g.client();
  auto survivor = create(api, {person("head", "A", "female", R"(,"birthDate":"1980")"),
                               person("child", "A", "male", R"(,"birthDate":"2016")")});
  auto absorbed = create(api, {person("head", "B", "male", R"(,"birthDate":"1975")"),
                               person("child", "B", "female", R"(,"birthDate":"2018")")}, "93");
  auto absorbed_head = member(api, absorbed, 0), absorbed_child = member(api, absorbed, 1);
  auto emergency = new_request(api, absorbed, "emergency");

  auto r = merge_households(api, survivor, absorbed);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(r.header("etag") == "\"2\"");
  CHECK(r.str("/id") == survivor);
  CHECK(r.str("/territory") == "75");  // the survivor's
  CHECK(r.str("/status") == "active");
  REQUIRE(r.at("/members")->Size() == 4);
  CHECK(r.integer("/adults") == 2);
  CHECK(r.integer("/minors") == 2);
  CHECK(r.str("/composition") == "group_with_children");
  CHECK(api.get("/api/v2/households/" + survivor).body == r.body);

  auto head = api.get("/api/v2/persons/" + absorbed_head);
  CHECK(head.str("/householdId") == survivor);
  CHECK(head.str("/role") == "other_adult");
  CHECK(head.integer("/version") == 2);
  CHECK(last_change(api.get("/api/v2/persons/" + absorbed_head + "/history")) == "moved");
  auto child = api.get("/api/v2/persons/" + absorbed_child);
  CHECK(child.str("/householdId") == survivor);
  CHECK(child.str("/role") == "child");
  CHECK(g.count("SELECT count(*) FROM persons WHERE role = 'head' AND status = 'active' AND household_id = " +
                survivor) == 1);

  auto request = api.get("/api/v2/requests/" + emergency);
  CHECK(request.str("/householdId") == survivor);
  CHECK(request.str("/status") == "received");
  CHECK(request.str("/territory") == "93");  // a request keeps its own territory
  CHECK(request.integer("/version") == 2);
  auto listed = api.get("/api/v2/households/" + survivor + "/requests");
  REQUIRE(listed.at("/items")->Size() == 1);
  CHECK(listed.str("/items/0/id") == emergency);

  // The absorbed household: merged into the survivor, 301 when read, its history readable.
  auto moved = api.get("/api/v2/households/" + absorbed);
  CHECK(moved.status == 301);
  CHECK(moved.header("location") == "/api/v2/households/" + survivor);
  CHECK(api.get("/api/v2/households/" + absorbed + "/requests").status == 301);
  auto history = api.get("/api/v2/households/" + absorbed + "/history");
  REQUIRE(history.status == 200);
  REQUIRE(history.at("/items")->Size() == 2);
  CHECK(history.str("/items/1/change") == "merged");
  CHECK(history.str("/items/1/snapshot/status") == "merged");
  CHECK(history.str("/items/1/snapshot/mergedInto") == survivor);
  CHECK(history.at("/items/1/snapshot/members")->Size() == 0);
  CHECK(last_change(api.get("/api/v2/households/" + survivor + "/history")) == "absorbed");
  CHECK(g.count("SELECT count(*) FROM households WHERE id = " + absorbed + " AND status = 'merged' AND merged_into = " +
                survivor) == 1);
}

TEST_CASE("merge households: the absorbed open insertion request is cancelled as merged when the survivor has one") {
  V2Gateway g;
  auto api = g.client();
  auto survivor = create(api, {person("head", "A", "female")});
  auto absorbed = create(api, {person("head", "B", "male")});
  auto kept = new_request(api, survivor, "insertion");
  auto cancelled = new_request(api, absorbed, "insertion");
  REQUIRE(merge_households(api, survivor, absorbed).status == 200);

  auto r = api.get("/api/v2/requests/" + cancelled);
  CHECK(r.str("/householdId") == survivor);
  CHECK(r.str("/status") == "cancelled");
  const auto& entries = *r.at("/history");
  REQUIRE(entries.Size() == 2);
  CHECK(std::string(entries[1]["status"].GetString()) == "cancelled");
  CHECK(std::string(entries[1]["reason"].GetString()) == "merged");
  CHECK(std::string(entries[1]["by"].GetString()) == "siao-backoffice");
  CHECK(g.count("SELECT count(*) FROM resource_versions WHERE kind = 'request' AND id = " + cancelled +
                " AND version = 2 AND change = 'transitioned'") == 1);
  auto open = api.get("/api/v2/requests/" + kept);
  CHECK(open.str("/status") == "submitted");
  CHECK(open.integer("/version") == 1);  // untouched
  CHECK(g.count("SELECT count(*) FROM requests WHERE kind = 'insertion' AND household_id = " + survivor +
                " AND status NOT IN ('closed', 'not_provided', 'cancelled')") == 1);
  // Reactivating the cancelled one would give the survivor two: the one-open-insertion rule holds.
  auto reactivated = api.post("/api/v2/requests/" + cancelled + "/transitions", R"({"to":"to_update"})");
  CHECK(reactivated.status == 409);
}

TEST_CASE("merge households: the absorbed open insertion request stays open when the survivor has none") {
  V2Gateway g;
  auto api = g.client();
  auto survivor = create(api, {person("head", "A", "female")});
  auto absorbed = create(api, {person("head", "B", "male")});
  auto insertion = new_request(api, absorbed, "insertion");
  REQUIRE(merge_households(api, survivor, absorbed).status == 200);
  auto r = api.get("/api/v2/requests/" + insertion);
  CHECK(r.str("/householdId") == survivor);
  CHECK(r.str("/status") == "submitted");
  CHECK(r.at("/history")->Size() == 1);
  // It is the survivor's open insertion request now: a second one is refused.
  auto second = api.post("/api/v2/requests", R"({"householdId":")" + survivor +
                                                 R"(","kind":"insertion","requestedServices":["CHRS"]})");
  CHECK(second.status == 409);
}

TEST_CASE("merge households: every partner key of the absorbed household names the survivor") {
  V2Gateway g;
  auto api = g.client();
  auto survivor = create(api, {person("head", "A", "female")});
  auto absorbed = create(api, {person("head", "B", "male")});
  add_key(g, "rosalie", "household", "F-1", survivor);
  add_key(g, "rosalie", "household", "F-2", absorbed);
  add_key(g, "other-partner", "household", "H-7", absorbed);
  auto r = merge_households(api, survivor, absorbed);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  REQUIRE(r.at("/partnerKeys")->Size() == 3);
  CHECK(r.str("/partnerKeys/0/partner") == "other-partner");
  CHECK(r.str("/partnerKeys/0/key") == "H-7");
  CHECK(r.str("/partnerKeys/1/key") == "F-1");
  CHECK(r.str("/partnerKeys/2/key") == "F-2");
  CHECK(api.get("/api/v2/households/" + survivor).body == r.body);
  CHECK(g.count("SELECT count(*) FROM partner_keys WHERE kind = 'household' AND siao_id = " + absorbed) == 0);
  CHECK(g.count("SELECT count(*) FROM partner_key_history WHERE change = 'merged' AND kind = 'household' AND "
                "siao_id = " + survivor + " AND key IN ('F-2', 'H-7')") == 2);
  // The absorbed household's last version shows it without keys.
  auto history = api.get("/api/v2/households/" + absorbed + "/history");
  REQUIRE(history.at("/items")->Size() == 2);
  CHECK(history.at("/items/1/snapshot/partnerKeys")->Size() == 0);

  // Merged again, into a third household: the keys follow, none is left naming a merged household.
  auto third = create(api, {person("head", "C", "male")});
  // NOLINTNEXTLINE(readability-suspicious-call-argument): the survivor of the first merge is absorbed in turn
  REQUIRE(merge_households(api, third, survivor).status == 200);
  CHECK(g.count("SELECT count(*) FROM partner_keys WHERE kind = 'household' AND siao_id = " + third) == 3);
  CHECK(g.count("SELECT count(*) FROM partner_keys k JOIN households h ON h.id = k.siao_id "
                "WHERE k.kind = 'household' AND h.status = 'merged'") == 0);
  auto chain = api.get("/api/v2/households/" + absorbed);
  CHECK(chain.status == 301);
  CHECK(chain.header("location") == "/api/v2/households/" + survivor);
}

TEST_CASE("merge households: refusals - each a problem with a pointer - and nothing written") {
  V2Gateway g;
  auto api = g.client();
  auto survivor = create(api, {person("head", "A", "female")});
  auto absorbed = create(api, {person("head", "B", "male")});
  auto emptied = create(api, {person("head", "C", "male")});
  // Its only member moved away: closed.
  REQUIRE(api.post("/api/v2/households/" + absorbed + "/members",
                   R"({"personId":")" + member(api, emptied, 0) + R"(","role":"spouse"})").status == 200);
  REQUIRE(api.get("/api/v2/households/" + emptied).str("/status") == "closed");
  const auto url = "/api/v2/households/" + survivor + "/merge";
  const auto before = written(g);

  auto self = merge_households(api, survivor, survivor);
  CHECK(self.status == 422);
  CHECK(self.error_pointers() == std::vector<std::string>{"/householdId"});
  auto unknown = merge_households(api, survivor, "99999999");
  CHECK(unknown.status == 404);
  CHECK(unknown.error_pointers() == std::vector<std::string>{"/householdId"});
  CHECK(merge_households(api, "99999999", absorbed).status == 404);
  auto person_id = merge_households(api, survivor, member(api, absorbed, 0));
  CHECK(person_id.status == 422);
  CHECK(person_id.error_pointers() == std::vector<std::string>{"/householdId"});
  auto extra = api.post(url, R"({"householdId":")" + absorbed + R"(","territory":"75"})");
  CHECK(extra.status == 422);
  CHECK(extra.error_pointers() == std::vector<std::string>{"/territory"});
  auto number = api.post(url, R"({"householdId":90000002})");
  CHECK(number.status == 422);
  CHECK(number.error_pointers() == std::vector<std::string>{"/householdId"});
  // A closed household refuses a merge into it.
  auto closed = merge_households(api, emptied, absorbed);
  CHECK(closed.status == 409);
  CHECK(slug(closed) == "household-closed");
  CHECK(merge_households(api, survivor, absorbed, {{"If-Match", "\"9\""}}).status == 412);
  CHECK(written(g) == before);

  REQUIRE(merge_households(api, survivor, absorbed).status == 200);
  auto twice = merge_households(api, emptied, absorbed);
  CHECK(twice.status == 409);
  CHECK(slug(twice) == "already-merged");
  CHECK(twice.error_pointers() == std::vector<std::string>{"/householdId"});
  // NOLINTNEXTLINE(readability-suspicious-call-argument): a merged household asked to absorb: the redirect
  auto path = merge_households(api, absorbed, emptied);
  CHECK(path.status == 301);
  CHECK(path.header("location") == "/api/v2/households/" + survivor);
  // A closed household may be absorbed: what names it (its keys, its requests) then names the survivor.
  auto absorbed_closed = merge_households(api, survivor, emptied);
  CHECK(absorbed_closed.status == 200);
  CHECK(api.get("/api/v2/households/" + emptied).status == 301);
}

// --- Both ---------------------------------------------------------------------------------------------------

TEST_CASE("merges: contracts without the merge scopes get 403") {
  V2Gateway g;
  auto api = g.client();
  auto a = create(api, {person("head", "A", "female")}, "93");
  auto b = create(api, {person("head", "B", "female")}, "93");
  ApiClient partner(g.gw.http_port(), kSamplePartnerKey);  // reads and requests in 93: no merge scope
  auto persons = merge_persons(partner, member(api, a, 0), member(api, b, 0));
  CHECK(persons.status == 403);
  CHECK(persons.header("content-type") == "application/problem+json");
  CHECK(merge_households(partner, a, b).status == 403);
  ApiClient rosalie(g.gw.http_port(), kRosalieKey);
  CHECK(merge_households(rosalie, a, b).status == 403);
  CHECK(api.get("/api/v2/households/" + b).str("/status") == "active");
}

TEST_CASE("merges: a record outside the caller's territories is absent - either id") {
  contracts::ContractsGateway g;
  g.add({.id = "merger-93",
         .scopes = R"(["households:read", "households:merge", "persons:read", "persons:merge"])",
         .territories = R"(["93"])"});
  g.start();
  auto backoffice = g.backoffice();
  auto in93 = create(backoffice, {person("head", "A", "female")}, "93");
  auto also93 = create(backoffice, {person("head", "C", "female")}, "93");
  auto in75 = create(backoffice, {person("head", "B", "female")}, "75");
  auto merger = g.as("merger-93");

  auto body_outside = merge_households(merger, in93, in75);
  CHECK(body_outside.status == 404);
  CHECK(body_outside.error_pointers() == std::vector<std::string>{"/householdId"});
  CHECK(merge_households(merger, in75, in93).status == 404);
  auto person_outside = merge_persons(merger, member(backoffice, in93, 0), member(backoffice, in75, 0));
  CHECK(person_outside.status == 404);
  CHECK(person_outside.error_pointers() == std::vector<std::string>{"/duplicateId"});
  CHECK(merge_persons(merger, member(backoffice, in75, 0), member(backoffice, in93, 0)).status == 404);
  CHECK(backoffice.get("/api/v2/households/" + in75).integer("/version") == 1);

  // Both inside: the merge goes through.
  CHECK(merge_persons(merger, member(backoffice, in93, 0), member(backoffice, also93, 0)).status == 200);
}

TEST_CASE("merges: one audited exchange each - naming every version written") {
  V2Gateway g;
  auto api = g.client();
  auto survivor = create(api, {person("head", "A", "female")});
  auto absorbed = create(api, {person("head", "B", "male")});
  auto head = member(api, absorbed, 0);
  auto request = new_request(api, absorbed, "emergency");
  const auto before = g.count("SELECT count(*) FROM audit_exchanges");
  REQUIRE(merge_households(api, survivor, absorbed).status == 200);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges") == before + 1);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE route = '/api/v2/households/{id}/merge' AND "
                "status = 200 AND method = 'POST' AND client_id = 'siao-backoffice'") == 1);
  for (const auto& written_ref : std::vector<std::pair<std::string, std::string>>{
           {"household", survivor}, {"household", absorbed}, {"person", head}, {"request", request}}) {
    const std::string& kind = written_ref.first;
    const std::string& id = written_ref.second;
    CHECK_MESSAGE(g.count("SELECT count(*) FROM audit_exchanges WHERE route = '/api/v2/households/{id}/merge' AND "
                          "resources::jsonb @> '[{\"kind\":\"" + kind + "\",\"id\":\"" + id +
                          "\",\"written\":true}]'") == 1,
                  kind << " " << id);
  }
  // Every version the exchange names is in history, written with it.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges a, json_array_elements(a.resources) r "
                "WHERE a.route = '/api/v2/households/{id}/merge' AND NOT EXISTS (SELECT 1 FROM resource_versions v "
                "WHERE v.kind = r.value->>'kind' AND v.id = (r.value->>'id')::bigint "
                "AND v.version = (r.value->>'version')::int)") == 0);

  auto third = create(api, {person("head", "C", "female")});
  auto kept = member(api, survivor, 0), duplicate = member(api, third, 0);
  const auto persons_before = g.count("SELECT count(*) FROM audit_exchanges");
  REQUIRE(merge_persons(api, kept, duplicate).status == 200);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges") == persons_before + 1);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE route = '/api/v2/persons/{id}/merge'") == 1);
}

TEST_CASE("merges: Idempotency-Key replays the first answer - other bytes with the same key are a 422") {
  V2Gateway g;
  auto api = g.client();
  auto survivor = create(api, {person("head", "A", "female")});
  auto absorbed = create(api, {person("head", "B", "male")});
  auto other = create(api, {person("head", "C", "male")});
  auto first = merge_households(api, survivor, absorbed, {{"Idempotency-Key", "merge-1"}});
  REQUIRE(first.status == 200);
  auto replay = merge_households(api, survivor, absorbed, {{"Idempotency-Key", "merge-1"}});
  CHECK(replay.status == 200);
  CHECK(replay.header("idempotent-replayed") == "true");
  CHECK(replay.body == first.body);
  CHECK(merge_households(api, survivor, other, {{"Idempotency-Key", "merge-1"}}).status == 422);
  CHECK(api.get("/api/v2/households/" + survivor).integer("/version") == 2);
  CHECK(api.get("/api/v2/households/" + other).str("/status") == "active");
}

TEST_CASE("merges: the OpenAPI document describes both routes with their body schemas") {
  V2Gateway g;
  auto api = g.client();
  auto doc = api.get("/openapi.json");
  REQUIRE(doc.status == 200);
  CHECK(doc.str("/paths/~1api~1v2~1persons~1{id}~1merge/post/x-scope") == "persons:merge");
  CHECK(doc.str("/paths/~1api~1v2~1persons~1{id}~1merge/post/x-requestSchema") == "person-merge");
  CHECK(doc.str("/paths/~1api~1v2~1households~1{id}~1merge/post/x-scope") == "households:merge");
  CHECK(doc.str("/paths/~1api~1v2~1households~1{id}~1merge/post/x-requestSchema") == "household-merge");
  CHECK(doc.at("/components/schemas/person-merge/properties/duplicateId") != nullptr);
  CHECK(doc.at("/components/schemas/household-merge/properties/householdId") != nullptr);
}

TEST_CASE("merges: crossed merges at once never deadlock - one wins and the other sees it merged") {
  V2Gateway g;
  auto api = g.client();
  for (int round = 0; round < 8; ++round) {
    CAPTURE(round);
    auto a = create(api, {person("head", "A", "female"), person("child", "A", "male")});
    auto b = create(api, {person("head", "B", "male")});
    auto pa = member(api, a, 1), pb = member(api, b, 0);
    int households[2] = {0, 0}, persons[2] = {0, 0};
    {
      std::thread one([&] {
        ApiClient c(g.gw.http_port());
        households[0] = merge_households(c, a, b).status;
        persons[0] = merge_persons(c, pa, pb).status;
      });
      std::thread two([&] {
        ApiClient c(g.gw.http_port());
        households[1] = merge_households(c, b, a).status;
        persons[1] = merge_persons(c, pb, pa).status;
      });
      one.join();
      two.join();
    }
    // One merge of each pair went through; the other met a merged record: 301 on its path, or 409 in its body.
    for (const auto* pair : {households, persons}) {
      CHECK(std::count(pair, pair + 2, 200) == 1);
      for (int i = 0; i < 2; ++i)
        if (pair[i] != 200) CHECK((pair[i] == 301 || pair[i] == 409));
    }
    CHECK(g.count("SELECT count(*) FROM households WHERE status = 'merged' AND id IN (" + a + ", " + b + ")") == 1);
  }
  CHECK(g.count("SELECT count(*) FROM persons WHERE status = 'merged'") == 8);
  CHECK(g.count("SELECT count(*) FROM partner_keys k JOIN households h ON h.id = k.siao_id "
                "WHERE k.kind = 'household' AND h.status = 'merged'") == 0);
}
