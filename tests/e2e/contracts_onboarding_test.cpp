// Onboarding without code: a partner the build never saw joins by files alone - its contract and its sample
// exchanges - checked by `contract check`, then served by a gateway pointed at them.
#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

TEST_CASE("contracts: a partner the build never saw is onboarded with files only - checked then served") {
  ContractsGateway g;
  const auto samples = g.contracts.root() / "samples" / "new-partner";
  write_text(samples / "read-household.json", R"({
  "name": "reads a household of the Bouches-du-Rhone",
  "request": {"method": "GET", "path": "/api/v2/households/90000001"},
  "expect": {"status": "accepted"}
})");
  write_text(samples / "create-household-refused.json", R"({
  "name": "may not create households",
  "request": {"method": "POST", "path": "/api/v2/households",
              "body": {"territory": "13", "members": [{"role": "head", "lastName": "MARTIN", "firstNames": ["Luc"], "sex": "male"}]}},
  "expect": {"status": 403}
})");
  write_text(samples / "person-without-phone.json", R"({
  "name": "receives persons without their phone",
  "resource": {"id": "40000001", "householdId": "90000001", "role": "head", "lastName": "MARTIN", "birthName": null,
               "firstNames": ["Luc"], "sex": "male", "birthDate": "1979", "nationality": "FRA", "phone": "+33611111111",
               "email": null, "status": "active", "mergedInto": null, "version": 1,
               "createdAt": "2026-01-05T10:00:00.000Z", "updatedAt": "2026-01-05T10:00:00.000Z", "updatedBy": "siao-backoffice"},
  "expect": {"body": {"id": "40000001", "householdId": "90000001", "role": "head", "lastName": "MARTIN", "birthName": null,
               "firstNames": ["Luc"], "sex": "male", "birthDate": "1979", "nationality": "FRA",
               "email": null, "status": "active", "mergedInto": null, "version": 1,
               "createdAt": "2026-01-05T10:00:00.000Z", "updatedAt": "2026-01-05T10:00:00.000Z", "updatedBy": "siao-backoffice"}}
})");
  g.add({.id = "new-partner",
         .scopes = R"(["households:read", "persons:read"])",
         .territories = R"(["13"])",
         .fields = R"({"person": {"read": {"except": ["phone"]}, "write": []}})",
         .quota = R"({"rate": 20, "burst": 40, "maxInFlight": 4})",
         .samples = R"(["../samples/new-partner/read-household.json", "../samples/new-partner/create-household-refused.json",
                       "../samples/new-partner/person-without-phone.json"])"});
  const auto file = g.contracts.file("new-partner").string();

  // Checked first, without a database.
  auto check = run_gateway({"contract", "check", file}, {{"GATEWAY_CONTRACTS_DIR", g.contracts.path().string()},
                                                        {"SIAO_KEY_NEW_PARTNER", test_key("new-partner")}});
  CAPTURE(check.output);
  CHECK(check.exit_code == 0);
  CHECK(contains(check.output, "ok   " + file + ": contract new-partner 1.0.0 (sha256 " +
                                   g.contracts.sha256("new-partner") + ")"));
  CHECK(contains(check.output, "ok   sample reads a household of the Bouches-du-Rhone\n"));
  CHECK(contains(check.output, "ok   sample may not create households\n"));
  CHECK(contains(check.output, "ok   sample receives persons without their phone\n"));
  CHECK(contains(check.output, "3 of 3 samples pass"));
  CHECK_FALSE(contains(check.output, "FAIL"));

  // Then served, with its key from the environment.
  g.start();
  auto backoffice = g.backoffice();
  auto marseille = seed(backoffice, "13", "MARTIN");
  auto paris = seed(backoffice, "75", "MARTIN");
  auto partner = g.as("new-partner");
  auto read = partner.get("/api/v2/households/" + marseille.household);
  CHECK(read.status == 200);
  CHECK(read.str("/territory") == "13");
  CHECK_FALSE(has(read, "/members/0/phone"));
  CHECK(read.str("/members/0/email") == "marie@example.org");
  CHECK(partner.get("/api/v2/households/" + paris.household).status == 404);
  CHECK(partner.get("/api/v2/persons/" + marseille.head).status == 200);
  auto found = partner.get("/api/v2/households?lastName=MARTIN");
  REQUIRE(found.status == 200);
  CHECK(found.at("/items")->Size() == 1);
  CHECK(partner.post("/api/v2/households", household_body("13", {person_json("head", "A", "male")})).status == 403);
  CHECK(partner.get("/api/v2/requests/" + marseille.request).status == 403);  // no requests:read
  CHECK(HttpClient(g.port()).get("/ready").body.find("\"contracts\":5") != std::string::npos);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'new-partner' AND contract_sha256 = " +
                sql_text(g.contracts.sha256("new-partner"))) == 6);
}
