// Authentication - scope - territory: each refusal with its exact status, over HTTP, against the shipped contracts.
#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

TEST_CASE("contracts: no credential or an unknown key is 401 with WWW-Authenticate Bearer - and audited") {
  ContractsGateway g;
  g.start();
  ApiClient anonymous(g.port(), "");
  auto none = anonymous.get("/api/v2/households/90000001");
  CHECK(none.status == 401);
  CHECK(none.header("www-authenticate") == "Bearer");
  CHECK(none.header("content-type") == "application/problem+json");
  CHECK(slug(none) == "unauthenticated");

  ApiClient unknown(g.port(), "not-a-key-of-any-contract-0123456789");
  auto wrong = unknown.post("/api/v2/households", household_body("93", {person_json("head", "A", "male")}));
  CHECK(wrong.status == 401);
  CHECK(wrong.header("www-authenticate") == "Bearer");
  // Another scheme than Bearer is no credential a contract knows either.
  auto basic = anonymous.get("/api/v2/households/90000001", {{"Authorization", "Basic c2lhbzpzaWFv"}});
  CHECK(basic.status == 401);
  CHECK(basic.header("www-authenticate") == "Bearer");
  // Authentication comes before scope: an unknown key on the back-office's admin route is a 401, not a 403.
  CHECK(unknown.post("/api/v2/admin/contracts/reload", "").status == 401);
  CHECK(g.count("SELECT count(*) FROM households") == 0);

  // Refusals are exchanges too: each 401 has its row, under no client and no contract.
  auto audited = rows(g.db.url(),
                      "SELECT client_id, method, route, coalesce(contract_version, '-'), coalesce(contract_sha256, '-') "
                      "FROM audit_exchanges WHERE status = 401 ORDER BY seq");
  REQUIRE(audited.size() == 4);
  CHECK(audited[0] == std::vector<std::string>{"", "GET", "/api/v2/households/{id}", "-", "-"});
  CHECK(audited[1] == std::vector<std::string>{"", "POST", "/api/v2/households", "-", "-"});
  CHECK(audited[3][2] == "/api/v2/admin/contracts/reload");
}

TEST_CASE("contracts: an operation outside the contract's scopes is 403 - before territory - with nothing done") {
  ContractsGateway g;
  g.start();
  auto backoffice = g.backoffice();
  auto paris = seed(backoffice, "75");
  auto seine_saint_denis = seed(backoffice, "93");
  auto partner = g.sample_partner();

  auto create = partner.post("/api/v2/households", household_body("93", {person_json("head", "A", "male")}));
  CHECK(create.status == 403);
  CHECK(slug(create) == "forbidden");
  CHECK(partner.patch("/api/v2/households/" + seine_saint_denis.household, R"({"territory":"93"})", "\"1\"").status ==
        403);
  CHECK(partner.post("/api/v2/households/" + seine_saint_denis.household + "/members", person_json("child", "A", "male"))
            .status == 403);
  CHECK(partner.patch("/api/v2/persons/" + seine_saint_denis.head, R"({"lastName":"X"})", "\"1\"").status == 403);
  // Scope is judged before territory: out of scope is 403 even where the resource would be a 404.
  CHECK(partner.patch("/api/v2/households/" + paris.household, R"({"territory":"93"})", "\"1\"").status == 403);
  CHECK(partner.patch("/api/v2/persons/" + paris.head, R"({"lastName":"X"})", "\"1\"").status == 403);
  CHECK(partner.post("/api/v2/admin/contracts/reload", "").status == 403);

  ApiClient auditor(g.port(), kAuditorKey);
  for (const auto& target : std::vector<std::string>{
           "/api/v2/households/" + seine_saint_denis.household, "/api/v2/households?territory=93",
        "/api/v2/persons/" + seine_saint_denis.head, "/api/v2/requests/" + seine_saint_denis.request,
        "/api/v2/households/" + seine_saint_denis.household + "/history",
        "/api/v2/households/" + seine_saint_denis.household + "/requests"}) {
    auto r = auditor.get(target);
    CHECK_MESSAGE(r.status == 403, target);
    CHECK_MESSAGE(slug(r) == "forbidden", target);
  }
  CHECK(auditor.post("/api/v2/requests", R"({"householdId":")" + seine_saint_denis.household +
                                             R"(","kind":"emergency","requestedServices":["CHU"]})")
            .status == 403);

  CHECK(g.count("SELECT count(*) FROM households") == 2);
  CHECK(g.count("SELECT count(*) FROM persons") == 4);
  CHECK(g.count("SELECT count(*) FROM requests") == 2);
  CHECK(g.count("SELECT max(version) FROM households") == 1);
  CHECK(g.count("SELECT max(version) FROM persons") == 1);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE status = 403 AND client_id = 'auditor'") == 7);
}

TEST_CASE("contracts: outside its territories a resource is absent for reads and writes - creating there is 403") {
  ContractsGateway g;
  g.start();
  auto backoffice = g.backoffice();
  auto paris = seed(backoffice, "75");
  auto ours = seed(backoffice, "93");
  // A request of a 93 household filed in Paris: not the partner's either.
  auto filed_in_paris = backoffice.post("/api/v2/requests", R"({"householdId":")" + ours.household +
                                                                R"(","kind":"insertion","territory":"75","requestedServices":["CHRS"]})");
  REQUIRE(filed_in_paris.status == 201);
  auto partner = g.sample_partner();

  // Reads.
  auto hidden = partner.get("/api/v2/households/" + paris.household);
  CHECK(hidden.status == 404);
  CHECK(slug(hidden) == "not-found");
  // As if absent: the same answer as for an id that was never minted, but for the trace id.
  auto never = partner.get("/api/v2/households/99999999");
  CHECK(never.status == 404);
  CHECK(hidden.str("/detail") == never.str("/detail"));
  CHECK(partner.get("/api/v2/households/" + ours.household).status == 200);
  CHECK(partner.get("/api/v2/persons/" + paris.head).status == 404);
  CHECK(partner.get("/api/v2/persons/" + paris.child).status == 404);
  CHECK(partner.get("/api/v2/persons/" + ours.head).status == 200);
  CHECK(partner.get("/api/v2/households/" + paris.household + "/history").status == 404);
  CHECK(partner.get("/api/v2/persons/" + paris.head + "/history").status == 404);
  CHECK(partner.get("/api/v2/households/" + paris.household + "/requests").status == 404);
  CHECK(partner.get("/api/v2/requests/" + paris.request).status == 404);
  CHECK(partner.get("/api/v2/requests/" + filed_in_paris.str("/id")).status == 404);
  CHECK(partner.get("/api/v2/requests/" + ours.request).status == 200);
  auto listed = partner.get("/api/v2/households/" + ours.household + "/requests");
  REQUIRE(listed.status == 200);
  REQUIRE(listed.at("/items")->Size() == 1);  // not the one filed in Paris
  CHECK(listed.str("/items/0/id") == ours.request);

  // Writes to existing resources: absent too, and nothing changes.
  const std::string provide = R"({"to":"provided","placement":{"structure":"HOTEL:IBIS-12","startDate":"2026-11-28"}})";
  auto transition = partner.post("/api/v2/requests/" + paris.request + "/transitions", provide);
  CHECK(transition.status == 404);
  CHECK(slug(transition) == "not-found");
  CHECK(backoffice.get("/api/v2/requests/" + paris.request).integer("/version") == 1);
  CHECK(partner.post("/api/v2/requests/" + ours.request + "/transitions", provide).status == 200);  // in 93: allowed

  // A request for a household the partner cannot see: answered exactly as for a household that does not exist.
  auto for_paris = partner.post("/api/v2/requests", R"({"householdId":")" + paris.household +
                                                        R"(","kind":"emergency","requestedServices":["CHU"]})");
  auto for_nobody =
      partner.post("/api/v2/requests", R"({"householdId":"99999999","kind":"emergency","requestedServices":["CHU"]})");
  CHECK(for_paris.status == for_nobody.status);
  CHECK(for_paris.error_pointers() == for_nobody.error_pointers());
  CHECK(for_paris.str("/detail") == for_nobody.str("/detail"));
  CHECK(for_paris.status == 422);  // POST /requests documents no 404: an unknown householdId is a 422
  CHECK(for_paris.error_pointers() == std::vector<std::string>{"/householdId"});

  // Creating in a territory outside the contract's: 403.
  auto elsewhere = partner.post("/api/v2/requests", R"({"householdId":")" + ours.household +
                                                        R"(","kind":"emergency","territory":"75","requestedServices":["CHU"]})");
  CHECK(elsewhere.status == 403);
  CHECK(slug(elsewhere) == "territory-forbidden");
  CHECK(g.count("SELECT count(*) FROM requests") == 3);
  auto here = partner.post("/api/v2/requests", R"({"householdId":")" + ours.household +
                                                   R"(","kind":"emergency","requestedServices":["HOTEL"]})");
  CHECK(here.status == 201);
  CHECK(here.str("/territory") == "93");
  CHECK(here.str("/updatedBy") == "sample-partner");

  // Searches see the partner's territories only, whatever they ask.
  auto all = partner.get("/api/v2/households");
  REQUIRE(all.status == 200);
  REQUIRE(all.at("/items")->Size() == 1);
  CHECK(all.str("/items/0/id") == ours.household);
  CHECK(all.str("/items/0/territory") == "93");
  auto by_name = partner.get("/api/v2/households?lastName=DUPONT");
  REQUIRE(by_name.status == 200);
  CHECK(by_name.at("/items")->Size() == 1);
  auto in_paris = partner.get("/api/v2/households?territory=75");
  REQUIRE(in_paris.status == 200);
  CHECK(in_paris.at("/items")->Size() == 0);
  CHECK(backoffice.get("/api/v2/households").at("/items")->Size() == 2);
}

TEST_CASE("contracts: wrong keys from one address are answered later and later after five") {
  ContractsGateway g;
  g.start();
  ApiClient guesser(g.port(), "guessed-key-0123456789-abcdef");
  std::vector<double> took;
  for (int i = 0; i < 8; ++i) {
    int status = 0;
    took.push_back(timed_ms([&] { status = guesser.get("/api/v2/households/90000001").status; }));
    CHECK(status == 401);
  }
  MESSAGE("wrong-key answers (ms): " << took[0] << " " << took[1] << " " << took[2] << " " << took[3] << " " << took[4]
                                     << " | " << took[5] << " " << took[6] << " " << took[7]);
  for (int i = 0; i < 5; ++i) CHECK_MESSAGE(took[i] < 90, "failure " << i + 1 << " took " << took[i] << " ms");
  // 100 ms, then doubling: the answer cannot come before its delay.
  CHECK(took[5] >= 100);
  CHECK(took[6] >= 200);
  CHECK(took[7] >= 400);

  // Only presented-and-wrong credentials are guesses: a missing one and a right one are answered at once
  // (the next guess would wait 800 ms).
  ApiClient anonymous(g.port(), "");
  double no_key = timed_ms([&] { CHECK(anonymous.get("/api/v2/households/90000001").status == 401); });
  auto backoffice = g.backoffice();
  double right_key = timed_ms([&] { CHECK(backoffice.get("/api/v2/households/90000001").status == 404); });
  CHECK(no_key < 400);
  CHECK(right_key < 400);
  MESSAGE("no key: " << no_key << " ms - right key: " << right_key << " ms");
}
