// A partner with a format of its own joins by files alone: a contract naming the declarative adapter, and a
// mapping (routes, documents, code lists) the build never saw. Checked by `contract check`, then served over
// real HTTP: a household created and read back in the partner's format, read through v2 by the back-office,
// every refusal in the partner's terms, and a new mapping taken at a reload.
#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

namespace {

const char* const kContract = R"json({
  "$comment": "A departmental council with its own household format, served by the declarative adapter.",
  "id": "dept13",
  "name": "Conseil departemental des Bouches-du-Rhone (declarative partner)",
  "version": "1.0.0",
  "credentials": {"apiKeyFrom": {"env": "SIAO_KEY_DEPT13"}},
  "scopes": ["households:read", "households:write", "persons:read"],
  "territories": ["13"],
  "adapter": {"name": "declarative", "mapping": "../mapping/dept13-1.0.json", "mappingVersion": "1.0.0"},
  "quota": {"rate": 1000, "burst": 1000, "maxInFlight": 16}
})json";

// Version 1.0.0 reads a household at /menages/{cle}; 1.1.0 (taken at a reload) at /foyers/{cle}.
std::string mapping_text(const std::string& version, const std::string& read_path) {
  return R"({
  "id": "dept13",
  "version": ")" + version + R"(",
  "codeLists": {"sexe": "codes/dept13/sexe.json", "role": "codes/dept13/role.json"},
  "documents": {
    "menage": {
      "inbound": [
        {"from": "/departement", "to": "/territory"},
        {"each": "/membres", "to": "/members", "document": "membre"}
      ],
      "outbound": [
        {"from": "/id", "to": "/idSiao"},
        {"from": "/territory", "to": "/departement"},
        {"each": "/members", "to": "/membres", "document": "membre"}
      ]
    },
    "membre": {
      "inbound": [
        {"from": "/nom", "to": "/lastName"},
        {"from": "/prenom", "to": "/firstNames", "fn": "split_words"},
        {"from": "/sexe", "to": "/sex", "codes": "sexe"},
        {"from": "/naissance", "to": "/birthDate", "fn": "date_fr"},
        {"from": "/role", "to": "/role", "codes": "role"}
      ],
      "outbound": [
        {"from": "/id", "to": "/idSiao"},
        {"from": "/lastName", "to": "/nom"},
        {"from": "/firstNames", "to": "/prenom", "fn": "join_words"},
        {"from": "/sex", "to": "/sexe", "codes": "sexe"},
        {"from": "/birthDate", "to": "/naissance", "fn": "date_fr", "omitNull": true},
        {"from": "/role", "to": "/role", "codes": "role"}
      ]
    }
  },
  "routes": [
    {"method": "POST", "path": "/menages",
     "canonical": {"method": "POST", "target": "/api/v2/households"},
     "request": "menage", "response": "menage",
     "register": {"kind": "household", "key": "/cle", "id": "/id", "answer": "/cle"}},
    {"method": "GET", "path": ")" + read_path + R"(",
     "canonical": {"method": "GET", "target": "/api/v2/households/{cle}"},
     "response": "menage",
     "resolve": [{"param": "cle", "kind": "household", "answer": "/cle"}]}
  ]
})";
}

const char* const kSexe = R"({
  "id": "sexe",
  "description": "dept13's sexe <-> the v2 person's sex.",
  "entries": [
    {"partner": "H", "siao": "male", "label": "homme"},
    {"partner": "F", "siao": "female", "label": "femme"},
    {"partner": "X", "siao": "unknown", "label": "non renseigne"}
  ]
})";

const char* const kRole = R"({
  "id": "role",
  "description": "dept13's role <-> the v2 person's role.",
  "entries": [
    {"partner": "CHEF", "siao": "head"},
    {"partner": "CONJOINT", "siao": "spouse"},
    {"partner": "ENFANT", "siao": "child"},
    {"partner": "ADULTE", "siao": "other_adult"},
    {"partner": "MINEUR", "siao": "other_minor"}
  ]
})";

std::string member(const std::string& nom, const std::string& sexe, const std::string& role,
                   const std::string& naissance = "14/03/1985") {
  return R"({"nom":")" + nom + R"(","prenom":"Lea Marie","sexe":")" + sexe + R"(","naissance":")" + naissance +
         R"(","role":")" + role + R"("})";
}

std::string menage(const std::string& cle, const std::string& departement, const std::vector<std::string>& membres) {
  std::string out = R"({"cle":")" + cle + R"(","departement":")" + departement + R"(","membres":[)";
  for (std::size_t i = 0; i < membres.size(); ++i) out += (i ? "," : "") + membres[i];
  return out + "]}";
}

}  // namespace

TEST_CASE("declarative: a partner with its own format is onboarded with a contract and a mapping file alone") {
  ContractsGateway g;
  const auto mapping_dir = g.contracts.root() / "mapping";
  write_text(mapping_dir / "dept13-1.0.json", mapping_text("1.0.0", "/menages/{cle}"));
  write_text(mapping_dir / "codes" / "dept13" / "sexe.json", kSexe);
  write_text(mapping_dir / "codes" / "dept13" / "role.json", kRole);
  g.contracts.put("dept13", kContract);
  g.env["SIAO_KEY_DEPT13"] = test_key("dept13");
  const auto file = g.contracts.file("dept13").string();

  // Checked first, without a database: the contract, its mapping and code lists.
  auto check = run_gateway({"contract", "check", file}, {{"GATEWAY_CONTRACTS_DIR", g.contracts.path().string()},
                                                        {"SIAO_KEY_DEPT13", test_key("dept13")}});
  CAPTURE(check.output);
  CHECK(check.exit_code == 0);
  CHECK(contains(check.output, "ok   " + file + ": contract dept13 1.0.0"));
  CHECK_FALSE(contains(check.output, "FAIL"));

  g.start();
  auto partner = g.as("dept13");
  auto backoffice = g.backoffice();
  const auto durand = menage("D13-2024-0001", "13", {member("DURAND", "F", "CHEF"),
                                                     member("DURAND", "H", "ENFANT", "00/06/2015")});

  // Created in the partner's format, answered in it, with the SIAO id and the partner's own key.
  auto created = partner.post("/api/partner/menages", durand);
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const auto id = created.str("/idSiao");
  CHECK(id.size() == 8);
  CHECK(id[0] == '9');
  CHECK(created.str("/cle") == "D13-2024-0001");
  CHECK(created.str("/departement") == "13");
  CHECK(created.str("/membres/0/nom") == "DURAND");
  CHECK(created.str("/membres/0/prenom") == "Lea Marie");
  CHECK(created.str("/membres/0/sexe") == "F");
  CHECK(created.str("/membres/0/naissance") == "14/03/1985");
  CHECK(created.str("/membres/0/role") == "CHEF");
  CHECK(created.str("/membres/1/sexe") == "H");
  CHECK(created.str("/membres/1/naissance") == "00/06/2015");
  CHECK(created.str("/membres/1/role") == "ENFANT");
  CHECK_FALSE(has(created, "/territory"));
  CHECK(created.header("location").empty());  // a v2 URL is not the partner's
  CHECK(created.header("etag") == "\"1\"");

  // Read back by the partner's key, in its format: the same document.
  auto read = partner.get("/api/partner/menages/D13-2024-0001");
  REQUIRE_MESSAGE(read.status == 200, read.body);
  CHECK(read.json == created.json);

  // The back-office reads the same household through v2, the partner's key beside it.
  auto v2 = backoffice.get("/api/v2/households/" + id);
  REQUIRE_MESSAGE(v2.status == 200, v2.body);
  CHECK(v2.str("/territory") == "13");
  CHECK(v2.str("/updatedBy") == "dept13");
  CHECK(v2.str("/members/0/lastName") == "DURAND");
  CHECK(v2.str("/members/0/firstNames/0") == "Lea");
  CHECK(v2.str("/members/0/firstNames/1") == "Marie");
  CHECK(v2.str("/members/0/sex") == "female");
  CHECK(v2.str("/members/0/birthDate") == "1985-03-14");
  CHECK(v2.str("/members/0/role") == "head");
  CHECK(v2.str("/members/1/sex") == "male");
  CHECK(v2.str("/members/1/birthDate") == "2015-06");
  CHECK(v2.str("/members/1/role") == "child");
  CHECK(v2.str("/composition") == "single_woman_with_children");
  REQUIRE(v2.at("/partnerKeys") != nullptr);
  CHECK(v2.at("/partnerKeys")->Size() == 1);
  CHECK(v2.str("/partnerKeys/0/partner") == "dept13");
  CHECK(v2.str("/partnerKeys/0/key") == "D13-2024-0001");

  const auto households = g.count("SELECT count(*) FROM households");

  // The same key again: 409 naming the SIAO id, nothing created.
  auto again = partner.post("/api/partner/menages", menage("D13-2024-0001", "13", {member("MARTIN", "H", "CHEF")}));
  CHECK(again.status == 409);
  CHECK(slug(again) == "key-exists");
  CHECK(contains(again.str("/detail"), id));
  CHECK(again.error_pointers() == std::vector<std::string>{"/cle"});

  // An unknown code: 422 pointing into the partner's body, naming the value and the list.
  auto unknown_code =
      partner.post("/api/partner/menages", menage("D13-2024-0002", "13", {member("MARTIN", "Z", "CHEF")}));
  CHECK(unknown_code.status == 422);
  CHECK(unknown_code.error_pointers() == std::vector<std::string>{"/membres/0/sexe"});
  REQUIRE(error_messages(unknown_code).size() == 1);
  CHECK(contains(error_messages(unknown_code)[0], "\"Z\""));
  CHECK(contains(error_messages(unknown_code)[0], "sexe"));

  // A violation of the canonical schema (no lastName) comes back at the partner's field.
  auto no_name = partner.post(
      "/api/partner/menages",
      R"({"cle":"D13-2024-0003","departement":"13","membres":[{"prenom":"Luc","sexe":"H","role":"CHEF"}]})");
  CHECK(no_name.status == 422);
  CHECK(no_name.error_pointers() == std::vector<std::string>{"/membres/0/nom"});
  CHECK_FALSE(contains(no_name.body, "lastName\""));

  // Outside the contract's territories: 403, as v2 answers.
  auto paris = partner.post("/api/partner/menages", menage("D13-2024-0004", "75", {member("MARTIN", "H", "CHEF")}));
  CHECK(paris.status == 403);
  CHECK(slug(paris) == "territory-forbidden");

  // The key is the partner's own: a string.
  auto no_key = partner.post("/api/partner/menages", R"({"cle":13,"departement":"13","membres":[)" +
                                                          member("MARTIN", "H", "CHEF") + "]}");
  CHECK(no_key.status == 422);
  CHECK(no_key.error_pointers() == std::vector<std::string>{"/cle"});

  // Nothing refused left anything behind: no household, no key.
  CHECK(g.count("SELECT count(*) FROM households") == households);
  CHECK(g.count("SELECT count(*) FROM partner_keys WHERE partner = 'dept13'") == 1);

  // A key the partner never gave, a path and a method its mapping does not have.
  auto unknown_key = partner.get("/api/partner/menages/D13-1999-9999");
  CHECK(unknown_key.status == 404);
  CHECK(slug(unknown_key) == "not-found");
  CHECK(partner.get("/api/partner/familles/D13-2024-0001").status == 404);
  auto put = partner.send("PUT", "/api/partner/menages", durand, {{"Content-Type", "application/json"}});
  CHECK(put.status == 405);
  CHECK(put.header("allow") == "POST");

  // Partner routes are for contracts of the declarative adapter only.
  auto other = g.sample_partner();
  CHECK(other.get("/api/partner/menages/D13-2024-0001").status == 403);
  CHECK(other.post("/api/partner/menages", durand).status == 403);

  // Every exchange records the mapping that translated it.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'dept13' AND adapter = 'declarative' "
                "AND mapping_version = '1.0.0' AND mapping_sha256 IS NOT NULL AND target LIKE '/api/partner/%'") == 10);

  // A new mapping, taken at a reload without a restart: its routes with it.
  write_text(mapping_dir / "dept13-1.1.json", mapping_text("1.1.0", "/foyers/{cle}"));
  g.contracts.edit("dept13", R"("mapping": "../mapping/dept13-1.0.json", "mappingVersion": "1.0.0")",
                   R"("mapping": "../mapping/dept13-1.1.json", "mappingVersion": "1.1.0")");
  auto reloaded = backoffice.post("/api/v2/admin/contracts/reload", "");
  REQUIRE_MESSAGE(reloaded.status == 200, reloaded.body);
  auto foyer = partner.get("/api/partner/foyers/D13-2024-0001");
  CHECK(foyer.status == 200);
  CHECK(foyer.json == created.json);
  CHECK(partner.get("/api/partner/menages/D13-2024-0001").status == 404);
}
