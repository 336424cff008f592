#include "tests/e2e/v2_fixture.hpp"

using namespace siao::test;

namespace {
std::string create(ApiClient& api, const std::vector<std::string>& members, const char* territory = "75") {
  auto r = api.post("/api/v2/households", household_body(territory, members));
  REQUIRE(r.status == 201);
  return r.str("/id");
}
std::string move_body(const std::string& person, const char* role) {
  return R"({"personId":")" + person + R"(","role":")" + role + "\"}";
}
}  // namespace

TEST_CASE("a new member is added: 201 with the person - and the household has a new version") {
  V2Gateway g;
  auto api = g.client();
  auto hid = create(api, {person_json("head", "A", "female", "1980")});
  auto added = api.post("/api/v2/households/" + hid + "/members", person_json("child", "A", "male", "2019"));
  REQUIRE(added.status == 201);
  CHECK(added.str("/householdId") == hid);
  CHECK(added.header("location") == "/api/v2/persons/" + added.str("/id"));
  auto h = api.get("/api/v2/households/" + hid);
  CHECK(h.at("/members")->Size() == 2);
  CHECK(h.integer("/version") == 2);
  CHECK(h.str("/composition") == "single_woman_with_children");
  CHECK(api.post("/api/v2/households/" + hid + "/members", person_json("head", "B", "male")).status == 409);
}

TEST_CASE("a person moved twice keeps their id - data and history - each household records it") {
  V2Gateway g;
  auto api = g.client();
  auto a = create(api, {person_json("head", "A", "female", "1980"), person_json("child", "A", "male", "2015")});
  auto b = create(api, {person_json("head", "B", "male", "1975")});
  auto c = create(api, {person_json("head", "C", "female", "1990")});
  auto child = api.get("/api/v2/households/" + a).str("/members/1/id");

  auto first = api.post("/api/v2/households/" + b + "/members", move_body(child, "child"));
  REQUIRE(first.status == 200);
  CHECK(first.str("/id") == b);
  CHECK(first.at("/members")->Size() == 2);
  auto second = api.post("/api/v2/households/" + c + "/members", move_body(child, "other_minor"));
  REQUIRE(second.status == 200);

  auto person = api.get("/api/v2/persons/" + child);
  CHECK(person.str("/householdId") == c);
  CHECK(person.str("/role") == "other_minor");
  CHECK(person.str("/lastName") == "A");
  auto history = api.get("/api/v2/persons/" + child + "/history");
  REQUIRE(history.at("/items")->Size() == 3);
  CHECK(history.str("/items/1/change") == "moved");
  CHECK(history.str("/items/1/snapshot/householdId") == b);
  CHECK(history.str("/items/2/snapshot/householdId") == c);
  CHECK(api.get("/api/v2/households/" + a + "/history").str("/items/1/change") == "member_left");
  CHECK(api.get("/api/v2/households/" + b + "/history").str("/items/2/change") == "member_left");
  CHECK(api.get("/api/v2/households/" + a).at("/members")->Size() == 1);
  CHECK(g.count("SELECT count(*) FROM persons WHERE id = " + child) == 1);
}

TEST_CASE("a household left empty is closed and refuses every write with 409") {
  V2Gateway g;
  auto api = g.client();
  auto lonely = create(api, {person_json("head", "A", "female", "1980")});
  auto other = create(api, {person_json("head", "B", "male", "1975")});
  auto person = api.get("/api/v2/households/" + lonely).str("/members/0/id");
  REQUIRE(api.post("/api/v2/households/" + other + "/members", move_body(person, "spouse")).status == 200);
  auto closed = api.get("/api/v2/households/" + lonely);
  CHECK(closed.str("/status") == "closed");
  CHECK(closed.at("/composition")->IsNull());
  CHECK(closed.at("/members")->Size() == 0);
  CHECK(api.post("/api/v2/households/" + lonely + "/members", person_json("head", "C", "male")).status == 409);
  CHECK(api.post("/api/v2/requests", R"({"householdId":")" + lonely +
                                         R"(","kind":"emergency","requestedServices":["CHU"]})").status == 409);
  CHECK(api.patch("/api/v2/households/" + lonely, R"({"territory":"93"})", closed.header("etag")).status == 409);
}

TEST_CASE("the head cannot leave a household that keeps members - and a second head cannot come in") {
  V2Gateway g;
  auto api = g.client();
  auto a = create(api, {person_json("head", "A", "female", "1980"), person_json("child", "A", "male", "2015")});
  auto b = create(api, {person_json("head", "B", "male", "1975")});
  auto head = api.get("/api/v2/households/" + a).str("/members/0/id");
  auto other_head = api.get("/api/v2/households/" + b).str("/members/0/id");
  CHECK(api.post("/api/v2/households/" + b + "/members", move_body(head, "spouse")).status == 409);
  auto lone = create(api, {person_json("head", "L", "male", "1970")});
  auto lone_head = api.get("/api/v2/households/" + lone).str("/members/0/id");
  CHECK(api.post("/api/v2/households/" + b + "/members", move_body(lone_head, "head")).status == 409);
  CHECK(api.get("/api/v2/persons/" + other_head).str("/role") == "head");
  CHECK(g.count("SELECT count(*) FROM persons WHERE role = 'head' AND household_id = " + b) == 1);
}

TEST_CASE("PATCH role head makes the previous head other_adult - in one write") {
  V2Gateway g;
  auto api = g.client();
  auto hid = create(api, {person_json("head", "A", "female", "1980"), person_json("spouse", "A", "male", "1979")});
  auto h = api.get("/api/v2/households/" + hid);
  auto first = h.str("/members/0/id"), second = h.str("/members/1/id");
  auto etag = api.get("/api/v2/persons/" + second).header("etag");
  auto r = api.patch("/api/v2/persons/" + second, R"({"role":"head","phone":"+33612345678"})", etag);
  REQUIRE(r.status == 200);
  CHECK(r.str("/role") == "head");
  CHECK(r.str("/phone") == "+33612345678");
  CHECK(api.get("/api/v2/persons/" + first).str("/role") == "other_adult");
  CHECK(api.get("/api/v2/households/" + hid).str("/composition") == "adult_group");
  // Stepping down without a successor would leave no head.
  CHECK(api.patch("/api/v2/persons/" + second, R"({"role":"spouse"})", r.header("etag")).status == 409);
  // Fields SIAO sets may not be written.
  auto ro = api.patch("/api/v2/persons/" + second, R"({"householdId":"90000001"})", r.header("etag"));
  CHECK(ro.status == 422);
  CHECK(ro.error_pointers() == std::vector<std::string>{"/householdId"});
  // Merge patch: null removes an optional field.
  auto cleared = api.patch("/api/v2/persons/" + second, R"({"phone":null})", r.header("etag"));
  CHECK(cleared.status == 200);
  CHECK(cleared.at("/phone")->IsNull());
}
