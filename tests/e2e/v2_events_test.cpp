// The change feed over real HTTP: GET /api/v2/events (spec "Change feed", docs/events.md). One event per version
// written, in commit order, ids and versions only; refused exchanges leave none; a contract sees its territories'
// events only; the cursor always lets a client poll again; Rosalie's v1.1 writes give the same events.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "tests/e2e/contracts_fixture.hpp"
#include "tests/e2e/rosalie_fixture.hpp"
#include "tests/e2e/v2_fixture.hpp"

using namespace siao::test;

namespace {

struct Event {
  long long seq = 0;
  std::string type, resource, id;
  int version = 0;
  std::string at, into;  // into: "" when absent
};

std::vector<Event> items_of(const ApiResult& r) {
  std::vector<Event> out;
  const auto* items = r.at("/items");
  REQUIRE(items);
  REQUIRE(items->IsArray());
  for (const auto& i : items->GetArray()) {
    Event e;
    e.seq = i["seq"].GetInt64();
    e.type = i["type"].GetString();
    e.resource = i["resource"].GetString();
    e.id = i["id"].GetString();
    e.version = i["version"].GetInt();
    e.at = i["at"].GetString();
    if (i.HasMember("into")) e.into = i["into"].GetString();
    out.push_back(std::move(e));
  }
  return out;
}

// One page from `after` ("" for the start).
ApiResult page(ApiClient& api, const std::string& after, int limit = 0) {
  std::string target = "/api/v2/events";
  std::string sep = "?";
  if (!after.empty()) {
    target += sep + "after=" + after;
    sep = "&";
  }
  if (limit) target += sep + "limit=" + std::to_string(limit);
  auto r = api.get(target);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  REQUIRE(!r.str("/next").empty());  // always a cursor
  return r;
}

// Every event from `cursor` on, page by page; `cursor` ends at the last `next`.
std::vector<Event> follow(ApiClient& api, std::string& cursor, int limit = 50) {
  std::vector<Event> out;
  for (;;) {
    auto r = page(api, cursor, limit);
    auto items = items_of(r);
    cursor = r.str("/next");
    out.insert(out.end(), items.begin(), items.end());
    if (items.empty()) return out;
  }
}

std::vector<Event> all(ApiClient& api) {
  std::string cursor;
  return follow(api, cursor);
}

// "type id" of each event, in feed order.
std::vector<std::string> shape(const std::vector<Event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.type + " " + e.id + (e.into.empty() ? "" : " into " + e.into));
  return out;
}

std::string create(ApiClient& api, const std::vector<std::string>& members, const char* territory = "75") {
  auto r = api.post("/api/v2/households", household_body(territory, members));
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.str("/id");
}

std::string member(ApiClient& api, const std::string& household, int index) {
  return api.get("/api/v2/households/" + household).str(("/members/" + std::to_string(index) + "/id").c_str());
}

// Every item of a page valid against schemas/event.schema.json (the OpenAPI document's "list:event").
void check_items_schema(const ApiResult& r) {
  const auto* items = r.at("/items");
  REQUIRE(items);
  for (const auto& i : items->GetArray()) {
    rapidjson::StringBuffer text;
    rapidjson::Writer<rapidjson::StringBuffer> w(text);
    i.Accept(w);
    auto violations = rosalie::schemas().validate("event", siao::json::parse_body(text.GetString()));
    std::string found;
    for (const auto& v : violations) found += v.pointer + ": " + v.message + "\n";
    CHECK_MESSAGE(found.empty(), found);
  }
}

// The feed holds one event per version kept in history, and nothing else.
void check_one_event_per_version(const std::string& url) {
  using contracts::rows;
  auto versions = rows(url, "SELECT kind, id::text, version::text FROM resource_versions ORDER BY 1, 2, 3");
  auto events = rows(url, "SELECT resource, id::text, version::text FROM events ORDER BY 1, 2, 3");
  CHECK(versions.size() == events.size());
  CHECK(versions == events);
}

}  // namespace

TEST_CASE("v2 events: a household created with two members gives three events - household first") {
  V2Gateway g;
  auto api = g.client();
  auto first = page(api, "");
  CHECK(items_of(first).empty());
  CHECK(first.str("/next") == "c0");

  auto created = api.post("/api/v2/households", family());
  REQUIRE(created.status == 201);
  const auto h = created.str("/id"), head = created.str("/members/0/id"), child = created.str("/members/1/id");
  auto events = all(api);
  REQUIRE(events.size() == 3);
  CHECK(shape(events) == std::vector<std::string>{"household.created " + h, "person.created " + head,
                                                  "person.created " + child});
  CHECK(events[0].seq < events[1].seq);
  CHECK(events[1].seq < events[2].seq);
  for (const auto& e : events) {
    CHECK(e.version == 1);
    CHECK(e.at == created.str("/createdAt"));
  }
  CHECK(events[0].resource == "household");
  CHECK(events[1].resource == "person");
  check_items_schema(page(api, ""));
  // Ids and versions only: nothing personal in the feed.
  auto raw = page(api, "").body;
  CHECK(raw.find("DUPONT") == std::string::npos);
  CHECK(raw.find("Marie") == std::string::npos);
  // The outbox row knows the household and territory each event is about, and the exchange that made it.
  CHECK(g.count("SELECT count(*) FROM events WHERE household_id = " + h + " AND territory = '75' "
                "AND client_id = 'siao-backoffice' AND exchange_seq > 0") == 3);
  check_one_event_per_version(g.db.url());
}

TEST_CASE("v2 events: patches - moves - closing - transitions - each version is one event of its type") {
  V2Gateway g;
  auto api = g.client();
  const auto a = create(api, {person_json("head", "A", "female", "1980"), person_json("child", "A", "male", "2015")});
  const auto b = create(api, {person_json("head", "B", "male", "1979")});
  const auto c = create(api, {person_json("head", "C", "male", "1970")});
  const auto child = member(api, a, 1), c_head = member(api, c, 0);
  std::string cursor;
  follow(api, cursor);  // past the creations

  // A territory patch; a person patched (their household's version moves too).
  REQUIRE(api.patch("/api/v2/households/" + a, R"({"territory":"92"})", "\"1\"").status == 200);
  auto p = api.get("/api/v2/persons/" + child);
  REQUIRE(api.patch("/api/v2/persons/" + child, R"({"phone":"+33612345678"})", p.header("etag")).status == 200);
  auto patched = follow(api, cursor);
  CHECK(shape(patched) == std::vector<std::string>{"household.updated " + a, "person.updated " + child,
                                                   "household.updated " + a});

  // The child moves to b: the person moved, the household left, the household joined.
  auto moved = api.post("/api/v2/households/" + b + "/members", R"({"personId":")" + child + R"(","role":"child"})");
  REQUIRE_MESSAGE(moved.status == 200, moved.body);
  CHECK(shape(follow(api, cursor)) == std::vector<std::string>{"person.moved " + child, "household.updated " + a,
                                                               "household.updated " + b});

  // c's only member leaves: c is closed.
  auto emptied =
      api.post("/api/v2/households/" + b + "/members", R"({"personId":")" + c_head + R"(","role":"other_adult"})");
  REQUIRE_MESSAGE(emptied.status == 200, emptied.body);
  CHECK(shape(follow(api, cursor)) == std::vector<std::string>{"person.moved " + c_head, "household.closed " + c,
                                                               "household.updated " + b});

  // A request created, then transitioned twice.
  auto r = api.post("/api/v2/requests",
                    R"({"householdId":")" + b + R"(","kind":"emergency","requestedServices":["CHU"]})");
  REQUIRE_MESSAGE(r.status == 201, r.body);
  const auto req = r.str("/id");
  REQUIRE(api.post("/api/v2/requests/" + req + "/transitions",
                   R"({"to":"provided","placement":{"structure":"HOTEL:IBIS-12","startDate":"2026-11-28"}})")
              .status == 200);
  REQUIRE(api.post("/api/v2/requests/" + req + "/transitions",
                   R"({"to":"closed","placement":{"endDate":"2026-12-02"}})")
              .status == 200);
  auto lifecycle = follow(api, cursor);
  CHECK(shape(lifecycle) == std::vector<std::string>{"request.created " + req, "request.transitioned " + req,
                                                     "request.transitioned " + req});
  REQUIRE(lifecycle.size() == 3);
  CHECK(lifecycle[2].version == 3);
  check_one_event_per_version(g.db.url());
}

TEST_CASE("v2 events: merges name the absorbed record with into the survivor") {
  V2Gateway g;
  auto api = g.client();
  const auto s = create(api, {person_json("head", "S", "female", "1980"), person_json("child", "S", "male", "2015")});
  const auto d = create(api, {person_json("head", "D", "male", "1979")});
  const auto d_head = member(api, d, 0);
  auto r = api.post("/api/v2/requests",
                    R"({"householdId":")" + d + R"(","kind":"emergency","requestedServices":["CHU"]})");
  REQUIRE(r.status == 201);
  const auto req = r.str("/id");
  std::string cursor;
  follow(api, cursor);

  // Households: d's member and request follow it into s, then d is merged and s updated.
  auto merged = api.post("/api/v2/households/" + s + "/merge", R"({"householdId":")" + d + "\"}");
  REQUIRE_MESSAGE(merged.status == 200, merged.body);
  CHECK(shape(follow(api, cursor)) == std::vector<std::string>{"person.moved " + d_head,
                                                               "request.merged " + req + " into " + s,
                                                               "household.merged " + d + " into " + s,
                                                               "household.updated " + s});

  check_items_schema(page(api, "", 500));  // `into` included

  // Persons: the duplicate (now in s) merged into s's head.
  const auto survivor = member(api, s, 0);
  REQUIRE(survivor != d_head);
  auto pm = api.post("/api/v2/persons/" + survivor + "/merge", R"({"duplicateId":")" + d_head + "\"}");
  REQUIRE_MESSAGE(pm.status == 200, pm.body);
  CHECK(shape(follow(api, cursor)) == std::vector<std::string>{"person.merged " + d_head + " into " + survivor,
                                                               "person.updated " + survivor, "household.updated " + s});
  check_one_event_per_version(g.db.url());
}

TEST_CASE("v2 events: a refused or failed write leaves no event") {
  V2Gateway g;
  auto api = g.client();
  const auto h = create(api, {person_json("head", "A", "female", "1980")});
  const auto before = g.count("SELECT count(*) FROM events");
  REQUIRE(before == 2);
  CHECK(api.patch("/api/v2/households/" + h, R"({"territory":"93"})", "\"7\"").status == 412);
  CHECK(api.post("/api/v2/households", household_body("75", {person_json("head", "A", "female"),
                                                                person_json("head", "B", "male")}))
            .status == 422);
  CHECK(api.post("/api/v2/households/" + h + "/members", person_json("head", "B", "male")).status == 409);
  CHECK(api.post("/api/v2/requests/70000001/transitions", R"({"to":"closed"})").status == 404);
  CHECK(g.count("SELECT count(*) FROM events") == before);
  CHECK(all(api).size() == 2);
  // An Idempotency-Key replay answers the first result again and writes nothing: one event set only.
  const std::map<std::string, std::string> key{{"Idempotency-Key", "events-test-1"}};
  auto once = api.post("/api/v2/households", household_body("75", {person_json("head", "K", "male")}), key);
  REQUIRE(once.status == 201);
  auto twice = api.post("/api/v2/households", household_body("75", {person_json("head", "K", "male")}), key);
  CHECK(twice.status == 201);
  CHECK(twice.header("idempotent-replayed") == "true");
  CHECK(g.count("SELECT count(*) FROM events") == before + 2);
  // Reads write no event either.
  CHECK(api.get("/api/v2/households/" + h).status == 200);
  CHECK(g.count("SELECT count(*) FROM events") == before + 2);
}

TEST_CASE("v2 events: paging with after and limit - the empty page's next polls again") {
  V2Gateway g;
  auto api = g.client();
  for (int i = 0; i < 3; ++i) create(api, {person_json("head", "P", "female", "1980")});  // 6 events
  auto first = page(api, "", 4);
  auto one = items_of(first);
  REQUIRE(one.size() == 4);
  CHECK(first.str("/next") == "c" + std::to_string(one.back().seq));
  auto second = page(api, first.str("/next"), 4);
  auto two = items_of(second);
  REQUIRE(two.size() == 2);
  CHECK(two.front().seq > one.back().seq);
  auto end = page(api, second.str("/next"), 4);
  CHECK(items_of(end).empty());
  CHECK(end.str("/next") == second.str("/next"));
  // Polling again from the end's cursor finds what committed since, and only that.
  const auto h = create(api, {person_json("head", "Q", "male", "1981")});
  auto later = items_of(page(api, end.str("/next")));
  REQUIRE(later.size() == 2);
  CHECK(later[0].id == h);
  // Cursors are the API's own; limits are 1 to 500.
  CHECK(api.get("/api/v2/events?after=12").status == 422);
  CHECK(api.get("/api/v2/events?after=c-1").status == 422);
  CHECK(api.get("/api/v2/events?limit=0").status == 422);
  CHECK(api.get("/api/v2/events?limit=501").status == 422);
  // A cursor beyond the end is not moved back.
  auto ahead = page(api, "c999999");
  CHECK(items_of(ahead).empty());
  CHECK(ahead.str("/next") == "c999999");
}

TEST_CASE("v2 events: a contract sees the events of its territories only - and needs events:read") {
  V2Gateway g;
  auto backoffice = g.client();
  ApiClient partner(g.gw.http_port(), kSamplePartnerKey);  // territories ["93"]
  ApiClient auditor(g.gw.http_port(), kAuditorKey);         // no events:read
  const auto paris = create(backoffice, {person_json("head", "P", "female", "1980")}, "75");
  const auto bobigny = create(backoffice, {person_json("head", "B", "female", "1980")}, "93");
  const auto paris2 =
      create(backoffice, {person_json("head", "R", "male", "1970"), person_json("child", "R", "male", "2016")}, "75");
  const auto mover = member(backoffice, paris2, 1);
  // A person moving from 75 to 93: their event is 93's, the household they left stays 75's.
  REQUIRE(backoffice
              .post("/api/v2/households/" + bobigny + "/members", R"({"personId":")" + mover + R"(","role":"child"})")
              .status == 200);

  auto seen = all(partner);
  std::set<std::string> ids;
  for (const auto& e : seen) ids.insert(e.id);
  CHECK(ids.count(bobigny) == 1);
  CHECK(ids.count(mover) == 1);
  CHECK(ids.count(paris) == 0);
  CHECK(ids.count(paris2) == 0);
  CHECK(shape(seen) == std::vector<std::string>{"household.created " + bobigny,
                                                "person.created " + member(backoffice, bobigny, 0),
                                                "person.moved " + mover, "household.updated " + bobigny});
  CHECK(all(backoffice).size() == 10);
  // The partner's empty page moves its cursor past the other territories' events: nothing is read twice.
  std::string cursor;
  follow(partner, cursor);
  create(backoffice, {person_json("head", "X", "female", "1980")}, "75");
  auto idle = page(partner, cursor);
  CHECK(items_of(idle).empty());
  CHECK(idle.str("/next") != cursor);
  CHECK(g.count("SELECT max(seq) FROM events") == std::stoll(idle.str("/next").substr(1)));

  // The OpenAPI document describes the route, its scope and its answer's items.
  auto openapi = backoffice.get("/openapi.json");
  const auto* op = openapi.at("/paths/~1api~1v2~1events/get");
  REQUIRE(op);
  CHECK(openapi.str("/paths/~1api~1v2~1events/get/x-scope") == "events:read");
  CHECK(openapi.str("/paths/~1api~1v2~1events/get/responses/200/content/application~1json/schema/properties/items/"
                    "items/$ref") == "#/components/schemas/event");
  CHECK(openapi.at("/components/schemas/event") != nullptr);

  auto refused = auditor.get("/api/v2/events");
  CHECK(refused.status == 403);
  CHECK(refused.header("content-type") == "application/problem+json");
  CHECK(ApiClient(g.gw.http_port(), "not-a-key").get("/api/v2/events").status == 401);
}

TEST_CASE("v2 events: concurrent writers - a follower misses nothing and seq follows commit order") {
  V2Gateway g;
  {
    // Each writing batch lingers between taking its seqs and committing (a deferred trigger runs at commit):
    // a follower reading meanwhile must not be given a cursor past those seqs.
    pqxx::connection c(g.db.url());
    pqxx::work t(c);
    t.exec("CREATE FUNCTION linger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.02); "
           "RETURN NULL; END $$");
    t.exec("CREATE CONSTRAINT TRIGGER linger AFTER INSERT ON events DEFERRABLE INITIALLY DEFERRED "
           "FOR EACH ROW EXECUTE FUNCTION linger()");
    t.commit();
  }
  std::atomic<bool> stop{false};
  std::atomic<int> committed{0}, refused{0}, writing{4};
  std::vector<Event> followed;
  {
    contracts::Crowd crowd(stop);
    for (int t = 0; t < 4; ++t)
      crowd.add([&, t] {
        ApiClient api = g.client();
        for (int i = 0; i < 15 && !stop; ++i) {
          auto r = api.post("/api/v2/households", household_body(t % 2 ? "93" : "75",
                                                                  {person_json("head", "W", "female", "1980"),
                                                                   person_json("child", "W", "male", "2014")}));
          if (r.status != 201) continue;
          ++committed;
          auto h = r.str("/id");
          // Half the patches are stale: refused with 412, they leave no event.
          auto ok = api.patch("/api/v2/households/" + h, R"({"territory":"94"})", i % 2 ? "\"1\"" : "\"5\"");
          if (ok.status == 200) ++committed;
          else if (ok.status == 412) ++refused;
        }
        --writing;
      });
    // A follower polling with small pages while the writers commit: with seqs in commit order, a cursor never
    // passes an event that commits later.
    ApiClient reader = g.client();
    std::string cursor;
    // Bounded, so that a writer that died cannot hang the test (the counts below then fail it).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (writing > 0 && std::chrono::steady_clock::now() < deadline) {
      auto got = follow(reader, cursor, 7);
      followed.insert(followed.end(), got.begin(), got.end());
    }
    auto rest = follow(reader, cursor, 7);
    followed.insert(followed.end(), rest.begin(), rest.end());
  }
  CHECK(refused > 0);
  // Strictly increasing, and every committed event followed.
  for (std::size_t i = 1; i < followed.size(); ++i) REQUIRE(followed[i - 1].seq < followed[i].seq);
  auto stored = contracts::rows(g.db.url(), "SELECT seq::text FROM events ORDER BY seq");
  CHECK(followed.size() == stored.size());
  // Per resource, versions in seq order.
  std::map<std::string, int> last;
  for (const auto& e : followed) {
    CHECK(e.version == last[e.resource + e.id] + 1);
    last[e.resource + e.id] = e.version;
  }
  // Creations give three events, patches one (their household's): nothing of a refused patch.
  CHECK(g.count("SELECT count(*) FROM events WHERE type = 'household.created'") +
            g.count("SELECT count(*) FROM events WHERE type = 'household.updated'") ==
        committed.load());
  check_one_event_per_version(g.db.url());
}

TEST_CASE("v2 events: Rosalie v1.1 writes give the same events as v2 writes") {
  using namespace siao::test::rosalie;
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto backoffice = g.backoffice();
  auto created = rosalie.post(kFamilles, famille("F-1", "75", dupont()));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const auto household = created.str("/idMenageSiao");
  std::string cursor;
  auto events = follow(backoffice, cursor);
  REQUIRE(events.size() == 5);
  CHECK(events[0].type == "household.created");
  CHECK(events[0].id == household);
  for (std::size_t i = 1; i < events.size(); ++i) {
    CHECK(events[i].type == "person.created");
    CHECK(events[i].id == created.str(("/personnes/" + std::to_string(i - 1) + "/idPersonneSiao").c_str()));
  }

  // A PUT changing a phone and adding a child: the changed person, the new one and their household.
  auto changed = dupont();
  changed[0].telephone = "0601020304";
  changed.push_back({.id = "P-NEW", .nom = "DUPONT", .prenoms = "NOAH", .sexe = "M", .lien = "ENF",
                     .date = "00/09/2025", .nationalite = "FR"});
  auto updated = put(rosalie, family_url("F-1"), famille("F-1", "75", changed));
  REQUIRE_MESSAGE(updated.status == 200, updated.body);
  std::multiset<std::string> types;
  for (const auto& e : follow(backoffice, cursor)) types.insert(e.type);
  CHECK(types.count("person.created") == 1);
  CHECK(types.count("person.updated") >= 1);
  CHECK(types.count("household.updated") >= 1);
  // The same PUT again changes nothing: no event.
  REQUIRE(put(rosalie, family_url("F-1"), famille("F-1", "75", changed)).status == 200);
  CHECK(follow(backoffice, cursor).empty());

  // A request and its transition.
  auto request = rosalie.post(kDemandes, demande("D-1", "F-1", "URG", "15/01/2026 21:40", "75", R"(["HOT"])"));
  REQUIRE_MESSAGE(request.status == 201, request.body);
  const auto req = request.str("/idDemandeSiao");
  auto status = rosalie.post(request_url("D-1") + "/statut",
                             R"({"statutDemande":"NPV","date":"16/01/2026","motif":"plus de place"})");
  REQUIRE_MESSAGE(status.status == 200, status.body);
  CHECK(shape(follow(backoffice, cursor)) ==
        std::vector<std::string>{"request.created " + req, "request.transitioned " + req});
  // Rosalie (territories 75, 92, 93, 94) reads the same feed.
  CHECK(all(rosalie).size() == g.count("SELECT count(*) FROM events"));
  check_one_event_per_version(g.db.url());
}
