// Rosalie's families over real HTTP: created through v1.1, read back identically through v1.1 and as they
// should be through v2; v2's changes seen by Rosalie; PUT adding and changing but never deleting, and
// refusing identity changes whole.
#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;

namespace {

// What Rosalie reads back of a person it sent: names in upper case, first names separated by one space.
std::string upper_ascii_and(const std::string& s) {
  std::string out;
  for (char c : s) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  return out;
}

}  // namespace

TEST_CASE("rosalie: a family created through v1.1 reads back identically through v1.1 and correctly through v2") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  const auto sent = dupont();
  auto created = rosalie.post(kFamilles, famille("F-2023-000123", "75", sent));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(violations(created, "rosalie-famille-reponse") == "");
  CHECK(created.header("location") == "/api/v1.1/familles/F-2023-000123");
  CHECK(created.str("/cleFamille") == "F-2023-000123");
  const auto household = created.str("/idMenageSiao");
  CHECK(household.size() == 8);
  CHECK(household[0] == '9');
  REQUIRE(created.at("/personnes")->Size() == 4);
  std::vector<std::string> person_ids;
  for (rapidjson::SizeType i = 0; i < 4; ++i) {
    const auto& p = (*created.at("/personnes"))[i];
    CHECK(std::string(p["idPersonneRosalie"].GetString()) == sent[i].id);
    person_ids.emplace_back(p["idPersonneSiao"].GetString());
    CHECK(person_ids.back()[0] == '4');
  }

  auto read = rosalie.get(family_url("F-2023-000123"));
  REQUIRE_MESSAGE(read.status == 200, read.body);
  CHECK(violations(read, "rosalie-famille-lecture") == "");
  // Exactly the family sent, with SIAO's ids and what SIAO derives, names in upper case.
  const std::string expected =
      R"({"cleFamille":"F-2023-000123","idMenageSiao":")" + household +
      R"(","departement":"75","compositionFamiliale":"CAE","personnes":[)"
      R"({"idPersonneRosalie":"P-998877","idPersonneSiao":")" + person_ids[0] +
      R"(","nom":"DUPONT","nomNaissance":"MARTIN","prenoms":"MARIE CLAIRE","sexe":"F","dateNaissance":"14/03/1985",)"
      R"("nationalite":"FR","lienParente":"DEM","telephone":"0612345678"},)"
      R"({"idPersonneRosalie":"P-998878","idPersonneSiao":")" + person_ids[1] +
      R"(","nom":"DUPONT","prenoms":"JEAN-PIERRE","sexe":"M","dateNaissance":"00/06/1983","nationalite":"ML",)"
      R"("lienParente":"CJT","telephone":"0044207946000"},)"
      R"({"idPersonneRosalie":"P-998879","idPersonneSiao":")" + person_ids[2] +
      R"(","nom":"DUPONT","prenoms":"ZOÉ","sexe":"F","dateNaissance":"00/00/2015","nationalite":"XX",)"
      R"("lienParente":"ENF"},)"
      R"({"idPersonneRosalie":"P-998880","idPersonneSiao":")" + person_ids[3] +
      R"(","nom":"DUPONT","prenoms":"LÉO","sexe":"I","dateNaissance":"29/02/2024","lienParente":"AUM",)"
      R"("telephone":"0692123456"}],"clesFamilleAssociees":["F-2023-000123"]})";
  rapidjson::Document want;
  want.Parse(expected.c_str());
  REQUIRE_FALSE(want.HasParseError());
  CHECK_MESSAGE(read.json == want, read.body);
  // Every member of every person sent comes back as sent (names upper-cased: "Zoé" -> "ZOÉ").
  for (rapidjson::SizeType i = 0; i < sent.size(); ++i) {
    const auto& p = (*read.at("/personnes"))[i];
    CHECK(std::string(p["nom"].GetString()) == upper_ascii_and(sent[i].nom));
    CHECK(std::string(p["sexe"].GetString()) == sent[i].sexe);
    CHECK(std::string(p["lienParente"].GetString()) == sent[i].lien);
    CHECK(std::string(p["dateNaissance"].GetString()) == sent[i].date);
  }

  // Through v2: SIAO's own model, the names as received, the Rosalie key among the partner keys.
  auto backoffice = g.backoffice();
  auto v2 = backoffice.get("/api/v2/households/" + household);
  REQUIRE(v2.status == 200);
  CHECK(v2.str("/territory") == "75");
  CHECK(v2.str("/composition") == "couple_with_children");
  CHECK(v2.str("/partnerKeys/0/partner") == "rosalie");
  CHECK(v2.str("/partnerKeys/0/key") == "F-2023-000123");
  CHECK(v2.at("/partnerKeys")->Size() == 1);
  CHECK(v2.str("/members/0/id") == person_ids[0]);
  CHECK(v2.str("/members/0/role") == "head");
  CHECK(v2.str("/members/0/lastName") == "DUPONT");
  CHECK(v2.str("/members/0/birthName") == "MARTIN");
  CHECK(strings(v2, "/members/0/firstNames") == std::vector<std::string>{"MARIE", "CLAIRE"});
  CHECK(v2.str("/members/0/sex") == "female");
  CHECK(v2.str("/members/0/birthDate") == "1985-03-14");
  CHECK(v2.str("/members/0/nationality") == "FRA");
  CHECK(v2.str("/members/0/phone") == "+33612345678");
  CHECK(v2.str("/members/0/updatedBy") == "rosalie");
  CHECK(v2.str("/members/1/role") == "spouse");
  CHECK(v2.str("/members/1/birthDate") == "1983-06");
  CHECK(v2.str("/members/1/nationality") == "MLI");
  CHECK(v2.str("/members/1/phone") == "+44207946000");
  CHECK(v2.str("/members/2/role") == "child");
  CHECK(strings(v2, "/members/2/firstNames") == std::vector<std::string>{"Zoé"});  // kept as received
  CHECK(v2.str("/members/2/birthDate") == "2015");
  CHECK(v2.str("/members/2/nationality") == "unknown");
  CHECK(v2.str("/members/3/role") == "other_minor");
  CHECK(v2.str("/members/3/sex") == "unknown");
  CHECK(v2.at("/members/3/nationality")->IsNull());
  CHECK(v2.str("/members/3/phone") == "+262692123456");

  // The exchange is audited with the adapter and the mapping that translated it.
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'rosalie' AND adapter = 'rosalie' "
                "AND mapping_version = '1.1.0' AND length(mapping_sha256) = 64 AND route = '/api/v1.1/familles' "
                "AND status = 201") == 1);
}

TEST_CASE("rosalie: what SIAO changes through v2 is what Rosalie reads through v1.1") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto created = rosalie.post(kFamilles, famille("F-77", "93", {{.id = "P-1", .nom = "KONATÉ", .prenoms = "AMINATA",
                                                                  .sexe = "F", .lien = "DEM", .date = "00/00/1990"}}));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const auto household = created.str("/idMenageSiao");
  const auto head = created.str("/personnes/0/idPersonneSiao");
  CHECK(rosalie.get(family_url("F-77")).str("/compositionFamiliale") == "FS");

  auto backoffice = g.backoffice();
  auto patched = backoffice.patch("/api/v2/persons/" + head,
                                  R"({"birthDate":"1990-07-21","nationality":"CIV","phone":"+33590123456",)"
                                  R"("birthName":"Traoré","firstNames":["Aminata","Fanta"]})",
                                  "\"1\"");
  REQUIRE_MESSAGE(patched.status == 200, patched.body);
  auto child = backoffice.post("/api/v2/households/" + household + "/members",
                               R"({"role":"child","lastName":"Konaté","firstNames":["Issa"],"sex":"male",)"
                               R"("birthDate":"2019-02"})");
  REQUIRE_MESSAGE(child.status == 201, child.body);

  auto read = rosalie.get(family_url("F-77"));
  REQUIRE_MESSAGE(read.status == 200, read.body);
  CHECK(violations(read, "rosalie-famille-lecture") == "");
  CHECK(read.str("/compositionFamiliale") == "FSE");
  CHECK(read.str("/personnes/0/idPersonneRosalie") == "P-1");
  CHECK(read.str("/personnes/0/dateNaissance") == "21/07/1990");
  CHECK(read.str("/personnes/0/nationalite") == "CI");
  CHECK(read.str("/personnes/0/telephone") == "0590123456");  // +33 590...: metropolitan, not Guadeloupe
  CHECK(read.str("/personnes/0/nomNaissance") == "TRAORÉ");
  CHECK(read.str("/personnes/0/prenoms") == "AMINATA FANTA");
  // A person SIAO added has no Rosalie key (yet): Rosalie sees them with their SIAO id.
  CHECK_FALSE(read.at("/personnes/1/idPersonneRosalie"));
  CHECK(read.str("/personnes/1/idPersonneSiao") == child.str("/id"));
  CHECK(read.str("/personnes/1/nom") == "KONATÉ");
  CHECK(read.str("/personnes/1/lienParente") == "ENF");
  CHECK(read.str("/personnes/1/dateNaissance") == "00/02/2019");
}

TEST_CASE("rosalie: PUT adds new persons - applies changes - keeps the persons Rosalie left out") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto family = dupont();
  REQUIRE(rosalie.post(kFamilles, famille("F-1", "75", family)).status == 201);
  const auto before = rosalie.get(family_url("F-1"));

  // The mother's phone and the father's nationality change; the father's partial birth date is completed; the
  // child's name is sent in lower case (the same name); the baby is left out; a new child arrives.
  auto changed = family;
  changed[0].telephone = "0601020304";
  changed[1].nationalite = "SN";
  changed[1].date = "17/06/1983";
  changed[2].nom = "dupont";
  changed[2].prenoms = "zoé";
  changed.erase(changed.begin() + 3);
  changed.push_back({.id = "P-NEW", .nom = "DUPONT", .prenoms = "NOAH", .sexe = "M", .lien = "ENF",
                     .date = "00/09/2025", .nationalite = "FR"});
  auto put_answer = put(rosalie, family_url("F-1"), famille("F-1", "75", changed));
  REQUIRE_MESSAGE(put_answer.status == 200, put_answer.body);
  CHECK(violations(put_answer, "rosalie-famille-reponse") == "");
  CHECK(put_answer.str("/cleFamille") == "F-1");
  CHECK(put_answer.str("/idMenageSiao") == before.str("/idMenageSiao"));
  REQUIRE(put_answer.at("/personnes")->Size() == 5);  // every person, the one left out included
  CHECK(put_answer.str("/personnes/3/idPersonneRosalie") == "P-998880");
  CHECK(put_answer.str("/personnes/4/idPersonneRosalie") == "P-NEW");
  CHECK(put_answer.str("/personnes/4/idPersonneSiao")[0] == '4');

  auto read = rosalie.get(family_url("F-1"));
  REQUIRE(read.status == 200);
  REQUIRE(read.at("/personnes")->Size() == 5);
  CHECK(read.str("/personnes/0/telephone") == "0601020304");
  CHECK(read.str("/personnes/1/nationalite") == "SN");
  CHECK(read.str("/personnes/1/dateNaissance") == "17/06/1983");  // the fuller date is kept
  CHECK(read.str("/personnes/2/nom") == "DUPONT");
  CHECK(read.str("/personnes/2/prenoms") == "ZOÉ");
  CHECK(read.str("/personnes/3/idPersonneRosalie") == "P-998880");  // left out, kept
  CHECK(read.str("/personnes/4/prenoms") == "NOAH");
  CHECK(read.str("/personnes/4/dateNaissance") == "00/09/2025");
  // Names that differ only by case were not written: SIAO still holds them as first received.
  auto v2 = g.backoffice().get("/api/v2/persons/" + read.str("/personnes/2/idPersonneSiao"));
  CHECK(strings(v2, "/firstNames") == std::vector<std::string>{"Zoé"});
  CHECK(v2.integer("/version") == 1);

  // The same PUT again changes nothing.
  const auto versions = g.count("SELECT count(*) FROM resource_versions");
  auto again = put(rosalie, family_url("F-1"), famille("F-1", "75", changed));
  REQUIRE(again.status == 200);
  CHECK(again.json == put_answer.json);
  CHECK(g.count("SELECT count(*) FROM resource_versions") == versions);
}

TEST_CASE("rosalie: PUT refuses differing identity fields with 409 listing each - and applies nothing") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto family = dupont();
  REQUIRE(rosalie.post(kFamilles, famille("F-1", "75", family)).status == 201);
  const auto before = rosalie.get(family_url("F-1"));
  const auto written = g.written();

  auto changed = family;
  changed[0].nom = "DURAND";               // a different name
  changed[0].telephone = "0601020304";     // and a change that would be applied alone
  changed[1].sexe = "F";
  changed[1].date = "17/07/1983";          // not the month SIAO holds (00/06/1983)
  changed[2].prenoms = "ZOÉ MARIE";
  changed[3].nomNaissance = "MARTIN";      // SIAO holds none: this alone would be taken
  changed.push_back({.id = "P-NEW", .nom = "DUPONT", .prenoms = "NOAH", .sexe = "M", .lien = "ENF"});
  auto refused = put(rosalie, family_url("F-1"), famille("F-1", "75", changed));
  REQUIRE_MESSAGE(refused.status == 409, refused.body);
  CHECK(refused.header("content-type") == "application/problem+json");
  CHECK(slug(refused) == "identity-conflict");
  CHECK(refused.error_pointers() == std::vector<std::string>{"/personnes/0/nom", "/personnes/1/sexe",
                                                              "/personnes/1/dateNaissance", "/personnes/2/prenoms"});
  CHECK(refused.str("/errors/0/message").find("\"DUPONT\"") != std::string::npos);
  CHECK(refused.str("/errors/2/message").find("\"00/06/1983\"") != std::string::npos);
  // Nothing of that PUT: no new person, no new phone.
  CHECK(g.written() == written);
  CHECK(rosalie.get(family_url("F-1")).json == before.json);

  // A date SIAO holds more fully, sent partially, is no change either.
  auto partial = family;
  partial[0].date = "00/03/1985";
  auto accepted = put(rosalie, family_url("F-1"), famille("F-1", "75", partial));
  REQUIRE_MESSAGE(accepted.status == 200, accepted.body);
  CHECK(rosalie.get(family_url("F-1")).str("/personnes/0/dateNaissance") == "14/03/1985");
  CHECK(g.written() == written);
}

TEST_CASE("rosalie: PUT makes a new DEM head and the previous head takes the role Rosalie gives") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  REQUIRE(rosalie.post(kFamilles, famille("F-9", "92", {{.id = "A", .nom = "MARTIN", .prenoms = "PAUL", .sexe = "M",
                                                          .lien = "DEM", .date = "02/02/1960"}}))
              .status == 201);
  // The son who was the 115's caller becomes the demandeur; the father stays, as another adult.
  auto answer = put(rosalie, family_url("F-9"),
                    famille("F-9", "92", {{.id = "A", .nom = "MARTIN", .prenoms = "PAUL", .sexe = "M", .lien = "AUT",
                                           .date = "02/02/1960"},
                                          {.id = "B", .nom = "MARTIN", .prenoms = "LUC", .sexe = "M", .lien = "DEM",
                                           .date = "05/05/1990"}}));
  REQUIRE_MESSAGE(answer.status == 200, answer.body);
  auto read = rosalie.get(family_url("F-9"));
  CHECK(read.str("/personnes/0/lienParente") == "AUT");
  CHECK(read.str("/personnes/1/lienParente") == "DEM");
  CHECK(read.str("/compositionFamiliale") == "GA");
  // A PUT that would leave the family without a head is refused where the head was demoted.
  auto headless = put(rosalie, family_url("F-9"),
                      famille("F-9", "92", {{.id = "B", .nom = "MARTIN", .prenoms = "LUC", .sexe = "M", .lien = "AUT"}}));
  CHECK(headless.status == 409);
  CHECK(headless.error_pointers() == std::vector<std::string>{"/personnes/0"});
}

TEST_CASE("rosalie: a family outside the contract's territories answers 404 as if absent") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  REQUIRE(rosalie.post(kFamilles, famille("F-1", "75", dupont())).status == 201);
  const auto household = rosalie.get(family_url("F-1")).str("/idMenageSiao");
  // The back-office moves the household to the Bouches-du-Rhône, outside Rosalie's départements.
  auto moved = g.backoffice().patch("/api/v2/households/" + household, R"({"territory":"13"})", "*");
  REQUIRE_MESSAGE(moved.status == 200, moved.body);

  auto unknown = rosalie.get(family_url("F-NOPE"));
  auto outside = rosalie.get(family_url("F-1"));
  CHECK(unknown.status == 404);
  CHECK(outside.status == 404);
  CHECK(slug(outside) == slug(unknown));
  CHECK(outside.str("/detail") == "No family has the cleFamille F-1.");
  CHECK(put(rosalie, family_url("F-1"), famille("F-1", "75", dupont())).status == 404);
  CHECK(put(rosalie, family_url("F-NOPE"), famille("F-NOPE", "75", dupont())).status == 404);
  auto request = rosalie.post(kDemandes, demande("D-1", "F-1", "URG", "15/01/2026 21:40", "75", R"(["HOT"])"));
  CHECK(request.status == 422);
  CHECK(request.error_pointers() == std::vector<std::string>{"/cleFamille"});
  // Creating in a département outside them is forbidden, as in v2.
  auto elsewhere = rosalie.post(kFamilles, famille("F-2", "13", dupont()));
  CHECK(elsewhere.status == 403);
}

TEST_CASE("rosalie: the key of a merged household reads the survivor - with every key naming it") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto absorbed = rosalie.post(kFamilles, famille("F-OLD", "75", {{.id = "P-OLD", .nom = "SAÏDI", .prenoms = "NADIA",
                                                                  .sexe = "F", .lien = "DEM"}}));
  auto survivor = rosalie.post(kFamilles, famille("F-NEW", "75", {{.id = "P-NEW", .nom = "SAÏDI", .prenoms = "NADIA",
                                                                  .sexe = "F", .lien = "DEM", .date = "03/03/1993"}}));
  REQUIRE(absorbed.status == 201);
  REQUIRE(survivor.status == 201);
  // Merges come with a later issue: the absorbed household is marked so directly, as a merge leaves it.
  g.count("WITH merged AS (UPDATE households SET status = 'merged', merged_into = " + survivor.str("/idMenageSiao") +
          " WHERE id = " + absorbed.str("/idMenageSiao") + " RETURNING 1) SELECT count(*) FROM merged");
  auto read = rosalie.get(family_url("F-OLD"));
  REQUIRE_MESSAGE(read.status == 200, read.body);
  CHECK(read.str("/cleFamille") == "F-OLD");
  CHECK(read.str("/idMenageSiao") == survivor.str("/idMenageSiao"));
  CHECK(read.str("/personnes/0/idPersonneRosalie") == "P-NEW");
  CHECK(strings(read, "/clesFamilleAssociees") == std::vector<std::string>{"F-NEW", "F-OLD"});
  CHECK(strings(rosalie.get(family_url("F-NEW")), "/clesFamilleAssociees") == std::vector<std::string>{"F-NEW"});

  // v1.1 is described in the OpenAPI document, its keys as Rosalie's, its problems as Rosalie's.
  auto openapi = ApiClient(g.gw.http_port(), "").get("/openapi.json");
  REQUIRE(openapi.status == 200);
  CHECK(openapi.at("/paths/~1api~1v1.1~1familles~1{cleFamille}/put"));
  CHECK(openapi.str("/paths/~1api~1v1.1~1familles~1{cleFamille}/get/parameters/0/name") == "cleFamille");
  CHECK(openapi.str("/paths/~1api~1v1.1~1demandes~1{idDemandeRosalie}~1statut/post/x-requestSchema") == "rosalie-statut");
  CHECK(openapi.str("/paths/~1api~1v1.1~1demandes~1{idDemandeRosalie}~1statut/post/responses/409/content/"
                    "application~1problem+json/schema/$ref") == "#/components/schemas/rosalie-probleme");
}
