// The contracts' boundaries, route by route, for every contract of contracts/ read at test time (and three of the
// test's own for combinations none of those has): no route answers a contract an id, a value or a field outside
// its territories and fields - by id, in history, lists, searches, matches, the change feed, Rosalie's v1.1 or
// error messages - and every route refuses a contract without its scope. docs/security.md says what each sweep
// proves; the sweeps are in security_sweeps.hpp.
#include "tests/e2e/security_sweeps.hpp"

using namespace siao::test;
using namespace siao::test::security;

namespace {

std::string probe_contract(const std::string& id, const std::string& scopes, const std::string& territories,
                           const std::string& fields, const std::string& adapter) {
  return R"({"id":")" + id + R"(","name":"Boundary probe )" + id +
         R"(","version":"1.0.0","credentials":{},"scopes":)" + scopes + R"(,"territories":)" + territories +
         R"(,"fields":)" + fields + R"(,"adapter":)" + adapter + R"(,"quota":{"rate":1,"burst":1,"maxInFlight":1}})";
}

// Combinations the shipped contracts lack: every data scope bounded in territory and fields; an auditor bounded
// in territory and fields; a Rosalie partner bounded in fields.
std::map<std::string, std::string> probe_contracts() {
  const std::string data_scopes =
      R"(["households:read","households:write","households:merge","persons:read","persons:write","persons:match",)"
      R"("persons:merge","requests:read","requests:write","requests:transition","events:read"])";
  const std::string generic = R"({"name":"generic","mappingVersion":"v2"})";
  return {
      {"probe-narrow",
       probe_contract("probe-narrow", data_scopes, R"(["93"])",
                      R"({"household":{"read":{"except":["partnerKeys"]}},)"
                      R"("person":{"read":["householdId","role","lastName","firstNames","sex","status"]},)"
                      R"("request":{"read":{"except":["placement","proposal","history"]}}})",
                      generic)},
      {"probe-regional-auditor",
       probe_contract("probe-regional-auditor", R"(["audit:read","audit:personal-data"])", R"(["75"])",
                      R"({"person":{"read":{"except":["phone"]}}})", generic)},
      {"probe-rosalie-narrow",
       probe_contract("probe-rosalie-narrow", data_scopes, R"(["94"])",
                      R"({"person":{"read":{"except":["phone","nationality","birthName"]}}})",
                      R"({"name":"rosalie","mappingVersion":"1.1.0","mapping":"../mapping/rosalie-1.1.json"})")},
  };
}

void report(const Probe& p, const std::vector<std::string>& findings) {
  std::string text;
  for (std::size_t i = 0; i < findings.size() && i < 40; ++i) text += findings[i] + "\n";
  MESSAGE(p.view().id << ": " << p.calls() << " calls");
  CHECK_MESSAGE(findings.empty(), findings.size() << " findings:\n" << text);
}

}  // namespace

TEST_CASE("security: no contract reads outside its territories or fields - by id - history - lists - match - events") {
  BoundaryGateway gw(probe_contracts());
  for (const auto& v : gw.views) {
    std::vector<std::string> findings;
    Probe p(gw.port(), v, gw.world, findings);
    sweep_reads(p, gw.world);
    sweep_lists(p, gw.world);
    sweep_events(p, gw.world);
    report(p, findings);
  }

  // The probe is not blind: the seeder (every scope, territory and field) judged as if it held the narrow probe's
  // contract is found answered outside its territory, with values and fields it could not read.
  std::vector<std::string> findings;
  ContractView pretended = view_of(probe_contracts().at("probe-narrow"));
  pretended.id = kSeeder;
  Probe p(gw.port(), pretended, gw.world, findings);
  sweep_reads(p, gw.world);
  sweep_lists(p, gw.world);
  sweep_events(p, gw.world);
  auto any = [&](const std::string& what) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const auto& f) { return f.find(what) != std::string::npos; });
  };
  CHECK(any("outside its territories"));
  CHECK(any("carries person"));
  CHECK(any("which it may not read"));
  CHECK(any("answers otherwise than for an id never minted"));
  CHECK(any("after it left for"));
}

TEST_CASE("security: writes - replays and v1.1 calls outside a contract's territories answer as for an id never minted") {
  BoundaryGateway gw(probe_contracts());
  for (const auto& v : gw.views) {
    std::vector<std::string> findings;
    Probe p(gw.port(), v, gw.world, findings);
    sweep_writes(p, gw.world, gw);
    sweep_rosalie(p, gw.world, gw);
    report(p, findings);
  }
}

TEST_CASE("security: every route refuses a contract without its scope or adapter - audit and admin routes included") {
  BoundaryGateway gw(probe_contracts(), false);
  for (const auto& v : gw.views) {
    std::vector<std::string> findings;
    Probe p(gw.port(), v, gw.world, findings);
    sweep_gates(p, gw.port());
    report(p, findings);
  }
}

TEST_CASE("security: a merge across territories shows the survivor's id to who saw the absorbed household - nothing more") {
  BoundaryGateway gw({}, false);
  auto seeder = gw.seeder();
  World w;
  Seeder s(seeder, w);
  const std::string elsewhere = "01";
  const auto survivor_at = s.household(elsewhere, false);
  const auto survivor = w.resources[survivor_at].id, survivor_head = w.resources[survivor_at + 1].id;
  int probed = 0;
  for (const auto& v : gw.views) {
    if (!v.territories || v.sees(elsewhere) || !v.has("households:read")) continue;
    const auto territory = *v.territories->begin();
    const auto absorbed_at = s.household(territory, false);
    const auto absorbed = w.resources[absorbed_at].id, head = w.resources[absorbed_at + 1].id;
    REQUIRE(seeder.post("/api/v2/households/" + survivor + "/merge", R"({"householdId":")" + absorbed + R"("})")
                .status == 200);
    ++probed;
    CAPTURE(v.id);
    ApiClient c(gw.port(), siao::test::contracts::test_key(v.id));
    // What is disclosed: the survivor's id, where the absorbed record points to it.
    auto read = c.get("/api/v2/households/" + absorbed);
    CHECK(read.status == 301);
    CHECK(read.header("location") == "/api/v2/households/" + survivor);
    auto history = c.get("/api/v2/households/" + absorbed + "/history");
    REQUIRE(history.status == 200);
    const auto& items = *history.at("/items");
    const auto& last = items[items.Size() - 1]["snapshot"];
    CHECK(std::string(last["mergedInto"].GetString()) == survivor);
    CHECK(last["members"].Size() == 0);
    // Nothing more: neither the survivor nor the members who followed it into the other territory.
    auto never = c.get("/api/v2/households/" + never_minted("household"));
    CHECK(shape(c.get("/api/v2/households/" + survivor), survivor) == shape(never, never_minted("household")));
    CHECK(shape(c.get("/api/v2/persons/" + head), head) ==
          shape(c.get("/api/v2/persons/" + never_minted("person")), never_minted("person")));
    for (const auto* r : {&read, &history}) CHECK_FALSE(mentions(r->body, survivor_head));
    if (v.has("events:read")) {
      auto events = c.get("/api/v2/events?limit=500");
      REQUIRE(events.status == 200);
      CHECK_FALSE(mentions(events.body, survivor_head));
      bool merged_seen = false;
      for (const auto& e : events.at("/items")->GetArray()) {
        const std::string id = e["id"].GetString();
        CHECK_MESSAGE(id != survivor, "an event of the survivor");
        if (id == absorbed && std::string(e["type"].GetString()) == "household.merged") {
          merged_seen = true;
          CHECK(std::string(e["into"].GetString()) == survivor);
        }
        if (id == head) CHECK_MESSAGE(std::string(e["type"].GetString()) != "person.moved", "the move elsewhere");
      }
      CHECK(merged_seen);
    }
  }
  MESSAGE(probed << " contracts bounded in territory probed");
  CHECK(probed > 0);
}
