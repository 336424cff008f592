#include <algorithm>

#include "tests/e2e/v2_fixture.hpp"

using namespace siao::test;

namespace {
struct Setup {
  V2Gateway g;
  ApiClient api = g.client();
  std::string household = api.post("/api/v2/households", family()).str("/id");

  ApiResult create(const char* kind, const char* services = R"(["CHU","HOTEL"])") {
    return api.post("/api/v2/requests", R"({"householdId":")" + household + R"(","kind":")" + kind +
                                            R"(","requestedServices":)" + services + "}");
  }
  ApiResult to(const std::string& id, const std::string& body) {
    return api.post("/api/v2/requests/" + id + "/transitions", body);
  }
};
}  // namespace

TEST_CASE("an emergency request goes received - provided - closed - each transition is in its history") {
  Setup s;
  auto r = s.create("emergency");
  REQUIRE(r.status == 201);
  auto id = r.str("/id");
  CHECK(id[0] == '7');
  CHECK(r.str("/status") == "received");
  CHECK(r.str("/territory") == "75");  // the household's
  CHECK(r.header("location") == "/api/v2/requests/" + id);
  CHECK(r.str("/history/0/status") == "received");
  auto provided = s.to(id, R"({"to":"provided","placement":{"structure":"HOTEL:IBIS-12","startDate":"2026-11-28"}})");
  REQUIRE(provided.status == 200);
  CHECK(provided.str("/placement/structure") == "HOTEL:IBIS-12");
  CHECK(s.to(id, R"({"to":"closed"})").status == 422);  // from provided: placement.endDate needed
  auto closed = s.to(id, R"({"to":"closed","placement":{"endDate":"2026-12-02"}})");
  REQUIRE(closed.status == 200);
  CHECK(closed.str("/status") == "closed");
  CHECK(closed.str("/placement/startDate") == "2026-11-28");
  CHECK(closed.str("/placement/endDate") == "2026-12-02");
  CHECK(closed.at("/history")->Size() == 3);
  CHECK(closed.integer("/version") == 3);
}

TEST_CASE("refused transitions: 409 with the allowed statuses - 422 for no status or what is missing") {
  Setup s;
  auto id = s.create("emergency").str("/id");
  auto refused = s.to(id, R"({"to":"closed"})");
  CHECK(refused.status == 409);
  REQUIRE(refused.at("/allowed"));
  std::vector<std::string> allowed;
  for (const auto& a : refused.at("/allowed")->GetArray()) allowed.emplace_back(a.GetString());
  std::sort(allowed.begin(), allowed.end());
  CHECK(allowed == std::vector<std::string>{"cancelled", "not_provided", "provided"});
  auto nonsense = s.to(id, R"({"to":"teleported"})");
  CHECK(nonsense.status == 422);
  CHECK(nonsense.error_pointers() == std::vector<std::string>{"/to"});
  auto no_reason = s.to(id, R"({"to":"not_provided"})");
  CHECK(no_reason.status == 422);
  CHECK(no_reason.error_pointers() == std::vector<std::string>{"/reason"});
  auto no_placement = s.to(id, R"({"to":"provided"})");
  CHECK(no_placement.status == 422);
  CHECK(no_placement.error_pointers() == std::vector<std::string>{"/placement"});
  CHECK(s.api.get("/api/v2/requests/" + id).integer("/version") == 1);  // nothing applied
}

TEST_CASE("one open insertion request per household - a cancelled one can be reactivated only alone") {
  Setup s;
  auto first = s.create("insertion", R"(["CHRS"])");
  REQUIRE(first.status == 201);
  CHECK(first.str("/status") == "submitted");
  CHECK(s.create("insertion", R"(["CHRS"])").status == 409);
  CHECK(s.create("emergency").status == 201);  // emergencies are not limited
  REQUIRE(s.to(first.str("/id"), R"({"to":"cancelled","reason":"duplicate"})").status == 200);
  auto second = s.create("insertion", R"(["PENSION_DE_FAMILLE"])");
  REQUIRE(second.status == 201);
  CHECK(s.to(first.str("/id"), R"({"to":"to_update"})").status == 409);
}

TEST_CASE("an insertion request through its lifecycle - resubmission restarts its seniority") {
  Setup s;
  auto r = s.create("insertion", R"(["CHRS"])");
  auto id = r.str("/id");
  auto submitted_at = r.str("/submittedAt");
  CHECK(s.to(id, R"({"to":"oriented","orientation":{"service":"CHRS"}})").str("/orientation/service") == "CHRS");
  CHECK(s.to(id, R"({"to":"proposed","proposal":{"structure":"CHRS Les Lilas"}})").status == 200);
  auto refused = s.to(id, R"({"to":"to_update","reason":"place refused"})");
  CHECK(refused.str("/status") == "to_update");
  CHECK(refused.str("/history/3/reason") == "place refused");
  auto again = s.to(id, R"({"to":"submitted"})");
  REQUIRE(again.status == 200);
  CHECK(again.str("/submittedAt") > submitted_at);
  CHECK(s.to(id, R"({"to":"oriented","orientation":{"service":"CHRS"}})").status == 200);
  CHECK(s.to(id, R"({"to":"proposed","proposal":{"structure":"CHRS B"}})").status == 200);
  CHECK(s.to(id, R"({"to":"admitted","placement":{"structure":"CHRS B","startDate":"2026-12-01"}})").status == 200);
  CHECK(s.to(id, R"({"to":"closed","placement":{"endDate":"2027-06-01"}})").status == 422);  // exitReason too
  auto done = s.to(id, R"({"to":"closed","placement":{"endDate":"2027-06-01","exitReason":"housed"}})");
  CHECK(done.str("/status") == "closed");
  CHECK(done.str("/placement/exitReason") == "housed");
}

TEST_CASE("a household's requests - newest first") {
  Setup s;
  auto a = s.create("emergency").str("/id");
  auto b = s.create("insertion", R"(["CHRS"])").str("/id");
  auto list = s.api.get("/api/v2/households/" + s.household + "/requests");
  REQUIRE(list.status == 200);
  CHECK(list.str("/items/0/id") == b);
  CHECK(list.str("/items/1/id") == a);
  CHECK(s.api.post("/api/v2/requests", R"({"householdId":"90000999","kind":"emergency","requestedServices":["CHU"]})")
            .status == 422);
  CHECK(s.api.post("/api/v2/requests", R"({"householdId":")" + s.household +
                                           R"(","kind":"emergency","requestedServices":["SPA"]})").status == 422);
}
