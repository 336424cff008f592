// Data minimisation: what a contract may read leaves, the rest is absent; a write touching a field it may not
// write is refused whole, each such field named.
#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

namespace {

const char* const kHidden[] = {"phone", "email", "nationality"};

// `json` without the sample partner's hidden fields, in every object at any depth: what it should receive.
rapidjson::Document without_hidden(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  REQUIRE_FALSE(d.HasParseError());
  auto strip = [](auto& self, rapidjson::Value& v) -> void {
    if (v.IsObject()) {
      for (const char* name : kHidden) v.RemoveMember(name);
      for (auto& m : v.GetObject()) self(self, m.value);
    } else if (v.IsArray()) {
      for (auto& item : v.GetArray()) self(self, item);
    }
  };
  strip(strip, d);
  return d;
}

// Every object at any depth that has a field named `name`.
int objects_with(const rapidjson::Value& v, const char* name) {
  int n = 0;
  if (v.IsObject()) {
    if (v.HasMember(name)) ++n;
    for (const auto& m : v.GetObject()) n += objects_with(m.value, name);
  } else if (v.IsArray()) {
    for (const auto& item : v.GetArray()) n += objects_with(item, name);
  }
  return n;
}

int hidden_fields(const ApiResult& r) {
  int n = 0;
  for (const char* name : kHidden) n += objects_with(r.json, name);
  return n;
}

}  // namespace

TEST_CASE("contracts: the narrow partner receives persons without phone - email and nationality - absent not null") {
  ContractsGateway g;
  g.start();
  auto backoffice = g.backoffice();
  auto s = seed(backoffice, "93");
  // One more version, so that history has two snapshots.
  REQUIRE(backoffice.patch("/api/v2/persons/" + s.head, R"({"phone":"+33600000001"})", "\"1\"").status == 200);
  auto partner = g.sample_partner();

  struct Read {
    std::string target;
    int persons;  // person objects in the answer (each with every hidden field for the back-office)
  };
  const Read reads[] = {
      {"/api/v2/households/" + s.household, 2},
      {"/api/v2/persons/" + s.head, 1},
      {"/api/v2/persons/" + s.child, 1},
      {"/api/v2/households?lastName=DUPONT", 2},
      {"/api/v2/households?territory=93&birthDate=1985-03-14", 2},
      {"/api/v2/households/" + s.household + "/history", 2 * 2},  // created - member_updated: two members each
      {"/api/v2/persons/" + s.head + "/history", 2},
  };
  for (const auto& read : reads) {
    CAPTURE(read.target);
    auto full = backoffice.get(read.target);
    auto minimised = partner.get(read.target);
    REQUIRE(full.status == 200);
    REQUIRE(minimised.status == 200);
    // The back-office sees them all, set.
    CHECK(hidden_fields(full) == 3 * read.persons);
    CHECK(objects_with(full.json, "lastName") == read.persons);
    // The partner: not one, not even as null - and everything else as the back-office sees it.
    CHECK(hidden_fields(minimised) == 0);
    CHECK(minimised.json == without_hidden(full.body));
    CHECK_FALSE(contains(minimised.body, "+336"));
    CHECK_FALSE(contains(minimised.body, "@example.org"));
    CHECK_FALSE(contains(minimised.body, "FRA"));
    CHECK(objects_with(minimised.json, "lastName") == read.persons);
    CHECK(objects_with(minimised.json, "birthDate") == read.persons);
    CHECK(objects_with(minimised.json, "updatedAt") >= read.persons);  // metadata always readable
  }
  auto person = partner.get("/api/v2/persons/" + s.head);
  CHECK_FALSE(has(person, "/phone"));
  CHECK_FALSE(has(person, "/email"));
  CHECK_FALSE(has(person, "/nationality"));
  CHECK(person.str("/lastName") == "DUPONT");
  CHECK(person.header("etag") == "\"2\"");
  auto household = partner.get("/api/v2/households/" + s.household);
  CHECK_FALSE(has(household, "/members/0/phone"));
  CHECK_FALSE(has(household, "/members/1/email"));
  CHECK(household.str("/members/1/firstNames/0") == "Paul");
  CHECK(backoffice.get("/api/v2/persons/" + s.head).str("/phone") == "+33600000001");

  // Requests: every field readable, so the same bytes as the back-office's.
  auto request = partner.get("/api/v2/requests/" + s.request);
  REQUIRE(request.status == 200);
  CHECK(request.body == backoffice.get("/api/v2/requests/" + s.request).body);
  auto listed = partner.get("/api/v2/households/" + s.household + "/requests");
  CHECK(listed.body == backoffice.get("/api/v2/households/" + s.household + "/requests").body);
  auto created = partner.post("/api/v2/requests", R"({"householdId":")" + s.household +
                                                      R"(","kind":"insertion","requestedServices":["CHRS"]})");
  REQUIRE(created.status == 201);
  for (const char* field : {"/householdId", "/kind", "/territory", "/status", "/requestedServices", "/submittedAt",
                            "/orientation", "/proposal", "/placement", "/history", "/updatedBy"})
    CHECK_MESSAGE(has(created, field), field);

  // And the log keeps what was sent: the partner's reads hashed as minimised, never the hidden values.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'sample-partner' AND "
                "(coalesce(response_body, '') LIKE '%example.org%' OR coalesce(response_body, '') LIKE '%+336%')") ==
        0);
}

TEST_CASE("contracts: a write touching a field the contract may not write is 403 naming each field - nothing applied") {
  ContractsGateway g;
  g.add({.id = "narrow-writer",
         .scopes = R"(["persons:read", "persons:write", "households:read", "households:write"])",
         .fields = R"({"person": {"write": ["lastName", "firstNames"]}})"});
  g.add({.id = "blind-searcher",
         .scopes = R"(["households:read", "persons:read"])",
         .fields = R"({"person": {"read": {"except": ["lastName", "birthName"]}}})"});
  g.start();
  auto backoffice = g.backoffice();
  auto s = seed(backoffice, "75");
  auto writer = g.as("narrow-writer");

  auto refused = writer.patch("/api/v2/persons/" + s.head,
                              R"({"phone":"+33611111111","email":"new@example.org","lastName":"MARTIN"})", "\"1\"");
  CHECK(refused.status == 403);
  CHECK(slug(refused) == "field-forbidden");
  CHECK(refused.header("content-type") == "application/problem+json");
  CHECK(refused.error_pointers() == std::vector<std::string>{"/phone", "/email"});  // in the body's order
  auto after = backoffice.get("/api/v2/persons/" + s.head);
  CHECK(after.header("etag") == "\"1\"");
  CHECK(after.str("/lastName") == "DUPONT");
  CHECK(after.str("/phone") == "+33612345678");
  CHECK(g.count("SELECT count(*) FROM resource_versions WHERE kind = 'person' AND id = " + s.head) == 1);

  // What it may write, it writes.
  auto ok = writer.patch("/api/v2/persons/" + s.head, R"({"lastName":"MARTIN","firstNames":["Marie","Anne"]})", "\"1\"");
  CHECK(ok.status == 200);
  CHECK(ok.header("etag") == "\"2\"");
  CHECK(ok.str("/updatedBy") == "narrow-writer");
  CHECK(ok.str("/phone") == "+33612345678");  // it may read everything

  // A new household brings persons: each unwritable member field is named, and nothing is created.
  auto households = g.count("SELECT count(*) FROM households");
  auto create = writer.post("/api/v2/households", household_body("93", {
      contact_person("head", "LEROY", "male", "1970", "Jean", "+33622222222", "jean@example.org")}));
  CHECK(create.status == 403);
  CHECK(slug(create) == "field-forbidden");
  CHECK(create.error_pointers() == std::vector<std::string>{"/members/0/role", "/members/0/sex", "/members/0/birthDate",
                                                            "/members/0/nationality", "/members/0/phone",
                                                            "/members/0/email"});
  CHECK(g.count("SELECT count(*) FROM households") == households);

  // Searching by a field the contract may not read would reveal it: 403; by another, fine.
  auto searcher = g.as("blind-searcher");
  auto by_name = searcher.get("/api/v2/households?lastName=MARTIN");
  CHECK(by_name.status == 403);
  CHECK(slug(by_name) == "field-forbidden");
  auto by_birth = searcher.get("/api/v2/households?birthDate=1985-03-14");
  REQUIRE(by_birth.status == 200);
  REQUIRE(by_birth.at("/items")->Size() == 1);
  CHECK_FALSE(has(by_birth, "/items/0/members/0/lastName"));
  CHECK(by_birth.str("/items/0/members/0/phone") == "+33612345678");
  // The sample partner may read lastName: it may search by it.
  CHECK(g.sample_partner().get("/api/v2/households?lastName=MARTIN").status == 200);
}
