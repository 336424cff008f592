// Merges seen from Rosalie (API v1.1), with Rosalie keys on both sides: after a household merge both family
// keys read the survivor and clesFamilleAssociees lists them all; after a person merge the duplicate's key
// names the survivor; no partner key is ever left naming a merged record.
#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;

namespace {

std::vector<Personne> martin() {
  return {{.id = "P-B1", .nom = "MARTIN", .prenoms = "SOPHIE", .sexe = "F", .lien = "DEM", .date = "01/02/1990"},
          {.id = "P-B2", .nom = "MARTIN", .prenoms = "LUCAS", .sexe = "M", .lien = "ENF", .date = "03/04/2017"}};
}

std::string household_of(ApiClient& rosalie, const std::string& cle) {
  auto r = rosalie.get(family_url(cle));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.str("/idMenageSiao");
}

// Partner keys naming a record that is merged: a merge must never leave one.
long long keys_on_merged(const RosalieGateway& g) {
  return g.count(
      "SELECT (SELECT count(*) FROM partner_keys k JOIN households h ON h.id = k.siao_id "
      "WHERE k.kind = 'household' AND h.status = 'merged') + (SELECT count(*) FROM partner_keys k "
      "JOIN persons p ON p.id = k.siao_id WHERE k.kind = 'person' AND p.status = 'merged')");
}

std::string person_key_siao(const ApiResult& family, const std::string& rosalie_key) {
  if (const auto* personnes = family.at("/personnes"); personnes && personnes->IsArray())
    for (const auto& p : personnes->GetArray())
      if (p.HasMember("idPersonneRosalie") && rosalie_key == p["idPersonneRosalie"].GetString())
        return p["idPersonneSiao"].GetString();
  return {};
}

}  // namespace

TEST_CASE("rosalie: after a household merge both family keys read the survivor - listed in clesFamilleAssociees") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto backoffice = g.backoffice();
  REQUIRE(rosalie.post(kFamilles, famille("F-A", "75", dupont())).status == 201);
  REQUIRE(rosalie.post(kFamilles, famille("F-B", "75", martin())).status == 201);
  REQUIRE(rosalie.post(kDemandes, demande("D-A", "F-A", "INS", "15/01/2026 10:00", "75", R"(["CHRS"])")).status == 201);
  REQUIRE(rosalie.post(kDemandes, demande("D-B", "F-B", "INS", "16/01/2026 10:00", "75", R"(["CHRS"])")).status == 201);
  REQUIRE(rosalie.post(kDemandes, demande("D-U", "F-B", "URG", "17/01/2026 22:00", "75", R"(["HOT"])")).status == 201);
  const auto survivor = household_of(rosalie, "F-A"), absorbed = household_of(rosalie, "F-B");
  const auto absorbed_head = person_key_siao(rosalie.get(family_url("F-B")), "P-B1");

  auto merged = backoffice.post("/api/v2/households/" + survivor + "/merge", R"({"householdId":")" + absorbed + "\"}");
  REQUIRE_MESSAGE(merged.status == 200, merged.body);
  REQUIRE(merged.at("/partnerKeys")->Size() == 2);
  CHECK(merged.str("/partnerKeys/0/key") == "F-A");
  CHECK(merged.str("/partnerKeys/1/key") == "F-B");

  for (const char* cle : {"F-A", "F-B"}) {
    CAPTURE(cle);
    auto read = rosalie.get(family_url(cle));
    REQUIRE_MESSAGE(read.status == 200, read.body);
    CHECK(violations(read, "rosalie-famille-lecture") == "");
    CHECK(read.str("/cleFamille") == cle);
    CHECK(read.str("/idMenageSiao") == survivor);
    CHECK(strings(read, "/clesFamilleAssociees") == std::vector<std::string>{"F-A", "F-B"});
    REQUIRE(read.at("/personnes")->Size() == 6);
    // Every person keeps their Rosalie key; the absorbed family's DEM is now an other adult (AUT).
    CHECK(person_key_siao(read, "P-B1") == absorbed_head);
    CHECK(person_key_siao(read, "P-B2") != "");
    CHECK(person_key_siao(read, "P-998877") != "");
  }
  auto read = rosalie.get(family_url("F-B"));
  for (const auto& p : read.at("/personnes")->GetArray()) {
    const std::string key = p.HasMember("idPersonneRosalie") ? p["idPersonneRosalie"].GetString() : "";
    if (key == "P-B1") CHECK(std::string(p["lienParente"].GetString()) == "AUT");
    if (key == "P-998877") CHECK(std::string(p["lienParente"].GetString()) == "DEM");
  }

  // The requests followed: the absorbed insertion request is cancelled (ANN), the survivor's stays waiting.
  auto insertion = rosalie.get(request_url("D-B"));
  REQUIRE(insertion.status == 200);
  CHECK(insertion.str("/statutDemande") == "ANN");
  CHECK(insertion.str("/cleFamille") == "F-A");
  CHECK(rosalie.get(request_url("D-A")).str("/statutDemande") == "ATT");
  auto emergency = rosalie.get(request_url("D-U"));
  CHECK(emergency.str("/statutDemande") == "ATT");
  CHECK(emergency.str("/cleFamille") == "F-A");

  // The absorbed family's key resolves to the survivor for writes too: a new request joins the survivor.
  auto later = rosalie.post(kDemandes, demande("D-N", "F-B", "URG", "18/01/2026 22:00", "75", R"(["HOT"])"));
  REQUIRE_MESSAGE(later.status == 201, later.body);
  CHECK(backoffice.get("/api/v2/requests/" + later.str("/idDemandeSiao")).str("/householdId") == survivor);

  // Through v2: the absorbed household answers 301, and no key is left on a merged record.
  auto moved = backoffice.get("/api/v2/households/" + absorbed);
  CHECK(moved.status == 301);
  CHECK(moved.header("location") == "/api/v2/households/" + survivor);
  CHECK(keys_on_merged(g) == 0);
  CHECK(g.count("SELECT count(*) FROM partner_key_history WHERE partner = 'rosalie' AND kind = 'household' AND "
                "key = 'F-B' AND change = 'merged' AND siao_id = " + survivor) == 1);
}

TEST_CASE("rosalie: a chain of household merges - every family key reads the last survivor") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto backoffice = g.backoffice();
  REQUIRE(rosalie.post(kFamilles, famille("F-1", "75", dupont())).status == 201);
  REQUIRE(rosalie.post(kFamilles, famille("F-2", "92", martin())).status == 201);
  REQUIRE(rosalie.post(kFamilles, famille("F-3", "93", {{.id = "P-3", .nom = "DIALLO", .prenoms = "AMINATA",
                                                          .sexe = "F", .lien = "DEM", .date = "00/00/1979"}}))
              .status == 201);
  const auto h1 = household_of(rosalie, "F-1"), h2 = household_of(rosalie, "F-2"), h3 = household_of(rosalie, "F-3");
  REQUIRE(backoffice.post("/api/v2/households/" + h1 + "/merge", R"({"householdId":")" + h2 + "\"}").status == 200);
  REQUIRE(backoffice.post("/api/v2/households/" + h3 + "/merge", R"({"householdId":")" + h1 + "\"}").status == 200);
  for (const char* cle : {"F-1", "F-2", "F-3"}) {
    CAPTURE(cle);
    auto read = rosalie.get(family_url(cle));
    REQUIRE_MESSAGE(read.status == 200, read.body);
    CHECK(violations(read, "rosalie-famille-lecture") == "");
    CHECK(read.str("/idMenageSiao") == h3);
    CHECK(read.str("/departement") == "93");
    CHECK(strings(read, "/clesFamilleAssociees") == std::vector<std::string>{"F-1", "F-2", "F-3"});
    CHECK(read.at("/personnes")->Size() == 7);
  }
  CHECK(keys_on_merged(g) == 0);
  CHECK(g.count("SELECT count(*) FROM partner_keys WHERE kind = 'household' AND siao_id = " + h3) == 3);
}

TEST_CASE("rosalie: after a person merge the duplicate's Rosalie key names the survivor") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto backoffice = g.backoffice();
  REQUIRE(rosalie.post(kFamilles, famille("F-A", "75", dupont())).status == 201);
  // The same mother, recorded a second time by another team, alone, with a phone the first record lacks.
  REQUIRE(rosalie.post(kFamilles, famille("F-B", "75", {{.id = "P-X", .nom = "DUPONT", .prenoms = "MARIE",
                                                          .sexe = "F", .lien = "DEM", .date = "14/03/1985"}}))
              .status == 201);
  const auto survivor = person_key_siao(rosalie.get(family_url("F-A")), "P-998877");
  const auto duplicate = person_key_siao(rosalie.get(family_url("F-B")), "P-X");
  REQUIRE(survivor != "");
  REQUIRE(duplicate != "");

  auto merged = backoffice.post("/api/v2/persons/" + survivor + "/merge", R"({"duplicateId":")" + duplicate + "\"}");
  REQUIRE_MESSAGE(merged.status == 200, merged.body);
  CHECK(g.count("SELECT count(*) FROM partner_keys WHERE partner = 'rosalie' AND kind = 'person' AND key = 'P-X' "
                "AND siao_id = " + survivor) == 1);
  CHECK(keys_on_merged(g) == 0);

  // The survivor's family reads as before: one person, still under its first key.
  auto family = rosalie.get(family_url("F-A"));
  REQUIRE(family.status == 200);
  CHECK(violations(family, "rosalie-famille-lecture") == "");
  CHECK(family.at("/personnes")->Size() == 4);
  CHECK(person_key_siao(family, "P-998877") == survivor);
  // The duplicate's family was left empty: closed, still read under its key, without persons.
  auto left = rosalie.get(family_url("F-B"));
  REQUIRE(left.status == 200);
  const auto* nobody = left.at("/personnes");
  CHECK((nobody == nullptr || (nobody->IsArray() && nobody->Empty())));
  CHECK(backoffice.get("/api/v2/households/" + left.str("/idMenageSiao")).str("/status") == "closed");
  CHECK(backoffice.get("/api/v2/persons/" + duplicate).status == 301);
}
