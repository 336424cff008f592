// Duplicate search over HTTP: POST /persons/match and GET /persons/{id}/duplicates find a person recorded
// another way (each variation French civil-status data shows), stay within the caller's territories and
// readable fields, and answer namesakes below the threshold.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

namespace {

std::string json_quote(const std::string& s) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  return out.GetString();
}

struct Recorded {
  std::string last_name;
  std::string first_names;  // a JSON array
  std::string birth_date;   // "" for none
  std::string birth_name;   // "" for none
};

std::string member(const std::string& role, const Recorded& p, const std::string& sex = "female") {
  std::string out = R"({"role":")" + role + R"(","lastName":)" + json_quote(p.last_name) +
                    R"(,"firstNames":)" + p.first_names + R"(,"sex":")" + sex + '"';
  if (!p.birth_date.empty()) out += R"(,"birthDate":")" + p.birth_date + '"';
  if (!p.birth_name.empty()) out += R"(,"birthName":)" + json_quote(p.birth_name);
  return out + "}";
}

// Records a household of one in `territory`; its person's id.
std::string record(ApiClient& api, const Recorded& p, const std::string& territory = "75") {
  auto r = api.post("/api/v2/households", R"({"territory":")" + territory + R"(","members":[)" + member("head", p) + "]}");
  REQUIRE(r.status == 201);
  return r.str("/members/0/id");
}

std::string query(const Recorded& p) {
  std::string out = "{";
  auto add = [&](const std::string& member) { out += (out.size() > 1 ? "," : "") + member; };
  if (!p.last_name.empty()) add(R"("lastName":)" + json_quote(p.last_name));
  if (!p.first_names.empty()) add(R"("firstNames":)" + p.first_names);
  if (!p.birth_date.empty()) add(R"("birthDate":")" + p.birth_date + '"');
  return out + "}";
}

// The answer's person ids, best first.
std::vector<std::string> ids(const ApiResult& r) {
  std::vector<std::string> out;
  const auto* items = r.at("/items");
  REQUIRE(items);
  for (const auto& item : items->GetArray()) out.emplace_back(item["personId"].GetString());
  return out;
}

bool found(const ApiResult& r, const std::string& id) {
  const auto all = ids(r);
  return std::find(all.begin(), all.end(), id) != all.end();
}

struct MatchGateway : ContractsGateway {
  MatchGateway() {
    // Finds duplicates in Seine-Saint-Denis only, without reading birth dates.
    add({.id = "dedup-93", .scopes = R"(["persons:read", "persons:match"])", .territories = R"(["93"])",
         .fields = R"({"person": {"read": {"except": ["birthDate"]}, "write": []}})"});
    start();
  }
};

}  // namespace

TEST_CASE("v2 match: each variation of a recorded person is found with the fields that agreed") {
  MatchGateway g;
  auto api = g.backoffice();
  const std::string original = record(api, {"DE LA FONTAINE-DUPRÉ", R"(["Marie-Claire","Anne"])", "1985-03-04", "MARTIN"});
  // Namesakes that must not come up for a query about her.
  record(api, {"DE LA FONTAINE-DUPRÉ", R"(["Paul"])", "2012-07-01"});
  record(api, {"MARTIN", R"(["Sophie"])", "1960-11-30"});

  const std::vector<std::pair<std::string, Recorded>> variations = {
      {"exact", {"DE LA FONTAINE-DUPRÉ", R"(["Marie-Claire","Anne"])", "1985-03-04"}},
      {"case and accents", {"de la fontaine-dupre", R"(["marie-claire","anne"])", "1985-03-04"}},
      {"hyphens as spaces", {"DE LA FONTAINE DUPRE", R"(["Marie Claire","Anne"])", "1985-03-04"}},
      {"particles dropped", {"FONTAINE-DUPRE", R"(["Marie-Claire"])", "1985-03-04"}},
      {"one of a double name", {"FONTAINE", R"(["Marie-Claire","Anne"])", "1985-03-04"}},
      {"birth name as last name", {"MARTIN", R"(["Marie-Claire","Anne"])", "1985-03-04"}},
      {"first and last names swapped", {"MARIE-CLAIRE", R"(["FONTAINE-DUPRE"])", "1985-03-04"}},
      {"first names in another order", {"DE LA FONTAINE-DUPRE", R"(["Anne","Marie-Claire"])", "1985-03-04"}},
      {"one first name only", {"DE LA FONTAINE-DUPRE", R"(["Anne"])", "1985-03-04"}},
      {"a typing error", {"DE LA FONTAINE-DUPRRE", R"(["Marie-Clarie","Anne"])", "1985-03-04"}},
      {"partial birth date", {"DE LA FONTAINE-DUPRE", R"(["Marie-Claire"])", "1985-03"}},
      {"birth year only", {"DE LA FONTAINE-DUPRE", R"(["Marie-Claire"])", "1985"}},
      {"day and month swapped", {"DE LA FONTAINE-DUPRE", R"(["Marie-Claire"])", "1985-04-03"}},
      {"one digit off in the day", {"DE LA FONTAINE-DUPRE", R"(["Marie-Claire"])", "1985-03-05"}},
      {"one digit off in the year", {"DE LA FONTAINE-DUPRE", R"(["Marie-Claire"])", "1986-03-04"}},
      {"no birth date", {"DE LA FONTAINE-DUPRE", R"(["Marie-Claire","Anne"])", ""}},
  };
  for (const auto& [variation_name, variation] : variations) {
    const std::string& name = variation_name;  // not a structured binding: CAPTURE's lambda reads it (clang < 16)
    CAPTURE(name);
    auto r = api.post("/api/v2/persons/match", query(variation));
    REQUIRE(r.status == 200);
    REQUIRE(found(r, original));
    CHECK(ids(r).front() == original);
    CHECK(r.at("/next")->IsNull());
    const auto* best = r.at("/items/0");
    CHECK((*best)["similarity"].GetDouble() > 0);
    CHECK((*best)["similarity"].GetDouble() <= 1);
    CHECK(r.str("/items/0/householdId").size() == 8);
    if (variation.birth_date == "1985-03-04") {
      const auto& matched = (*best)["matched"];
      bool date = false;
      for (const auto& m : matched.GetArray()) date = date || std::string(m.GetString()) == "birthDate";
      CHECK(date);
    }
  }
  // The exact query scores highest of all.
  auto exact = api.post("/api/v2/persons/match", query(variations[0].second));
  CHECK(exact.at("/items/0/similarity")->GetDouble() >= 0.99);
  CHECK(exact.at("/items/0/matched")->Size() == 3);
}

TEST_CASE("v2 match: namesakes stay below the threshold") {
  MatchGateway g;
  auto api = g.backoffice();
  const std::string marie = record(api, {"MARTIN", R"(["Marie"])", "1985-03-14"});
  const std::string sister = record(api, {"MARTIN", R"(["Julie"])", "1987-09-02"});
  const std::string twin = record(api, {"MARTIN", R"(["Pierre"])", "1985-03-14"});
  const std::string elder = record(api, {"MARTIN", R"(["Marie"])", "1941-12-25"});
  auto r = api.post("/api/v2/persons/match", R"({"lastName":"MARTIN","firstNames":["Marie"],"birthDate":"1985-03-14"})");
  REQUIRE(r.status == 200);
  CHECK(ids(r) == std::vector<std::string>{marie});
  CHECK_FALSE(found(r, sister));
  CHECK_FALSE(found(r, twin));
  CHECK_FALSE(found(r, elder));
}

TEST_CASE("v2 duplicates: a person's duplicates across households - itself excluded - merged ones gone") {
  MatchGateway g;
  auto api = g.backoffice();
  const std::string first = record(api, {"N'DIAYE", R"(["Aminata"])", "1990-05-06"});
  const std::string second = record(api, {"NDIAYE", R"(["Aminata"])", "1990-06-05"}, "92");
  record(api, {"NDIAYE", R"(["Moussa"])", "1960-01-01"});
  auto r = api.get("/api/v2/persons/" + first + "/duplicates");
  REQUIRE(r.status == 200);
  CHECK(ids(r) == std::vector<std::string>{second});
  r = api.get("/api/v2/persons/" + second + "/duplicates");
  CHECK(ids(r) == std::vector<std::string>{first});
  CHECK(api.get("/api/v2/persons/40999999/duplicates").status == 404);
  CHECK(api.get("/api/v2/persons/90000001/duplicates").status == 404);

  // Once merged, the duplicate is no candidate any more, and its own duplicates are the survivor's: 301.
  REQUIRE(api.post("/api/v2/persons/" + first + "/merge", R"({"duplicateId":")" + second + R"("})").status == 200);
  CHECK(ids(api.get("/api/v2/persons/" + first + "/duplicates")).empty());
  r = api.get("/api/v2/persons/" + second + "/duplicates");
  CHECK(r.status == 301);
  CHECK(r.header("location") == "/api/v2/persons/" + first);
}

TEST_CASE("v2 match: within the caller's territories and readable fields - scopes and bodies checked") {
  MatchGateway g;
  auto api = g.backoffice();
  const std::string in93 = record(api, {"KOWALSKI", R"(["Piotr"])", "1987-02-08"}, "93");
  const std::string in75 = record(api, {"KOWALSKI", R"(["Piotr"])", "1987-02-08"}, "75");
  auto dedup = g.as("dedup-93");

  auto r = dedup.post("/api/v2/persons/match", R"({"lastName":"KOWALSKI","firstNames":["Piotr"]})");
  REQUIRE(r.status == 200);
  CHECK(ids(r) == std::vector<std::string>{in93});
  // A birth date it may not read is no criterion: 403, as for a search.
  r = dedup.post("/api/v2/persons/match", R"({"lastName":"KOWALSKI","birthDate":"1987-02-08"})");
  CHECK(r.status == 403);
  CHECK(slug(r) == "field-forbidden");
  // Nor does it count in a score: "matched" never names it.
  r = dedup.get("/api/v2/persons/" + in93 + "/duplicates");
  REQUIRE(r.status == 200);
  CHECK(ids(r).empty());  // the 75 one is outside its territories
  CHECK(dedup.get("/api/v2/persons/" + in75 + "/duplicates").status == 404);
  r = api.get("/api/v2/persons/" + in93 + "/duplicates");
  CHECK(ids(r) == std::vector<std::string>{in75});

  CHECK(g.sample_partner().post("/api/v2/persons/match", R"({"lastName":"KOWALSKI"})").status == 403);
  r = api.post("/api/v2/persons/match", "{}");
  CHECK(r.status == 422);
  r = api.post("/api/v2/persons/match", R"({"lastName":"KOWALSKI","sex":"male"})");
  CHECK(r.status == 422);
  CHECK(r.error_pointers() == std::vector<std::string>{"/sex"});
  r = api.post("/api/v2/persons/match", R"({"birthDate":"14/03/1985"})");
  CHECK(r.status == 422);
  CHECK(api.post("/api/v2/persons/match?limit=501", R"({"lastName":"KOWALSKI"})").status == 422);
  // The exchange is audited, with the persons it returned.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE route = '/api/v2/persons/match' AND status = 200") >= 1);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE route = '/api/v2/persons/{id}/duplicates' AND resources::text LIKE '%" +
                in75 + "%'") >= 1);
}

TEST_CASE("v2 match: a person changed is found under its new name - no longer under the old one") {
  MatchGateway g;
  auto api = g.backoffice();
  const std::string id = record(api, {"LEFEBVRE", R"(["Jean"])", "1970-01-15"});
  auto r = api.patch("/api/v2/persons/" + id, R"({"lastName":"BERNARD"})", "1");
  REQUIRE(r.status == 200);
  CHECK(found(api.post("/api/v2/persons/match", R"({"lastName":"BERNARD","firstNames":["Jean"],"birthDate":"1970-01-15"})"), id));
  CHECK_FALSE(found(api.post("/api/v2/persons/match", R"({"lastName":"LEFEBVRE","firstNames":["Jean"],"birthDate":"1970-01-15"})"), id));
}
