// Rosalie's code lists through the API, both ways: what Rosalie sends is SIAO's code in v2, and reads back as
// Rosalie sent it (sexe, lienParente, nationalite, typeDemande, typesDispositifs, statutDemande), and what
// SIAO derives reads as Rosalie's code (compositionFamiliale).
#include <map>

#include "tests/e2e/rosalie_fixture.hpp"

using namespace siao::test;
using namespace siao::test::rosalie;

TEST_CASE("rosalie: every sexe and lienParente code and a sample of nationalite codes round-trip") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto backoffice = g.backoffice();
  const std::vector<std::pair<std::string, std::string>> sexes = {{"F", "female"}, {"M", "male"}, {"I", "unknown"}};
  const std::vector<std::pair<std::string, std::string>> liens = {
      {"DEM", "head"}, {"CJT", "spouse"}, {"ENF", "child"}, {"AUT", "other_adult"}, {"AUM", "other_minor"}};
  const std::vector<std::pair<std::string, std::string>> nationalites = {
      {"FR", "FRA"}, {"DZ", "DZA"}, {"MA", "MAR"}, {"TN", "TUN"}, {"SN", "SEN"}, {"ML", "MLI"},
      {"CI", "CIV"}, {"GN", "GIN"}, {"CD", "COD"}, {"AF", "AFG"}, {"SY", "SYR"}, {"UA", "UKR"},
      {"RO", "ROU"}, {"ER", "ERI"}, {"SD", "SDN"}, {"GB", "GBR"}, {"DE", "DEU"}, {"XX", "unknown"}};
  // Families of five: each lienParente once, sexes and nationalities in turn.
  int n = 0;
  for (std::size_t family = 0; family * 5 < nationalites.size(); ++family) {
    std::vector<Personne> personnes;
    for (std::size_t i = 0; i < liens.size(); ++i, ++n) {
      const auto& nationalite = nationalites[(family * 5 + i) % nationalites.size()].first;
      personnes.push_back({.id = "P-" + std::to_string(n), .nom = "NOM" + std::to_string(n), .prenoms = "PRÉNOM",
                           .sexe = sexes[n % sexes.size()].first, .lien = liens[i].first,
                           .date = i == 2 || i == 4 ? "01/01/2015" : "01/01/1980", .nationalite = nationalite});
    }
    const auto cle = "F-" + std::to_string(family);
    auto created = rosalie.post(kFamilles, famille(cle, "94", personnes));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto read = rosalie.get(family_url(cle));
    auto v2 = backoffice.get("/api/v2/households/" + created.str("/idMenageSiao"));
    for (std::size_t i = 0; i < personnes.size(); ++i) {
      CAPTURE(personnes[i].id);
      const auto at = [&](const char* field) { return "/personnes/" + std::to_string(i) + "/" + field; };
      const auto v2_at = [&](const char* field) { return "/members/" + std::to_string(i) + "/" + field; };
      CHECK(read.str(at("sexe").c_str()) == personnes[i].sexe);
      CHECK(read.str(at("lienParente").c_str()) == personnes[i].lien);
      CHECK(read.str(at("nationalite").c_str()) == personnes[i].nationalite);
      for (const auto& [code, siao] : sexes)
        if (code == personnes[i].sexe) CHECK(v2.str(v2_at("sex").c_str()) == siao);
      for (const auto& [code, siao] : liens)
        if (code == personnes[i].lien) CHECK(v2.str(v2_at("role").c_str()) == siao);
      for (const auto& [code, siao] : nationalites)
        if (code == personnes[i].nationalite) CHECK(v2.str(v2_at("nationality").c_str()) == siao);
    }
  }
}

TEST_CASE("rosalie: every compositionFamiliale code is read as SIAO derives it") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  const auto adult = [](const std::string& id, const std::string& sexe, const std::string& lien) {
    return Personne{.id = id, .nom = "LEROY", .prenoms = "ALEX", .sexe = sexe, .lien = lien, .date = "00/00/1980"};
  };
  const auto minor = [](const std::string& id, const std::string& lien) {
    return Personne{.id = id, .nom = "LEROY", .prenoms = "SAM", .sexe = "M", .lien = lien, .date = "00/00/2016"};
  };
  const std::map<std::string, std::vector<Personne>> shapes = {
      {"HS", {adult("a", "M", "DEM")}},
      {"FS", {adult("a", "F", "DEM")}},
      {"CSE", {adult("a", "F", "DEM"), adult("b", "M", "CJT")}},
      {"FSE", {adult("a", "F", "DEM"), minor("b", "ENF")}},
      {"HSE", {adult("a", "M", "DEM"), minor("b", "ENF"), minor("c", "AUM")}},
      {"GAE", {adult("a", "I", "DEM"), minor("b", "ENF")}},
      {"GA", {adult("a", "M", "DEM"), adult("b", "F", "AUT")}},
      {"MI", {minor("a", "DEM")}},
      {"GM", {minor("a", "DEM"), minor("b", "AUM")}},
      {"CAE", {adult("a", "F", "DEM"), adult("b", "M", "CJT"), minor("c", "ENF")}},
  };
  for (const auto& [shape_code, personnes] : shapes) {
    const std::string& code = shape_code;  // not a structured binding: CAPTURE's lambda reads it (clang < 16)
    CAPTURE(code);
    auto family = personnes;
    for (auto& p : family) p.id = code + "-" + p.id;
    REQUIRE(rosalie.post(kFamilles, famille("F-" + code, "75", family)).status == 201);
    CHECK(rosalie.get(family_url("F-" + code)).str("/compositionFamiliale") == code);
  }
}

TEST_CASE("rosalie: every typeDemande - typesDispositifs and statutDemande code round-trips through a request") {
  RosalieGateway g;
  auto rosalie = g.rosalie();
  auto backoffice = g.backoffice();
  REQUIRE(rosalie.post(kFamilles, famille("F-1", "75", dupont())).status == 201);
  const std::vector<std::pair<std::string, std::string>> dispositifs = {
      {"CHU", "CHU"}, {"CHRS", "CHRS"}, {"HOT", "HOTEL"}, {"RHVS", "RHVS"}, {"HDN", "HALTE_DE_NUIT"},
      {"LHSS", "LHSS"}, {"IML", "IML"}, {"PF", "PENSION_DE_FAMILLE"}, {"RS", "RESIDENCE_SOCIALE"}};
  std::string rosalie_list = "[", siao_list = "[";
  for (const auto& [code, siao] : dispositifs) {
    rosalie_list += (rosalie_list.size() > 1 ? "," : "") + json_text(code);
    siao_list += (siao_list.size() > 1 ? "," : "") + json_text(siao);
  }
  rosalie_list += "]";
  siao_list += "]";
  for (const auto& [type_code, kind] : std::vector<std::pair<std::string, std::string>>{{"URG", "emergency"},
                                                                                       {"INS", "insertion"}}) {
    const std::string& type = type_code;  // not a structured binding: CAPTURE's lambda reads it (clang < 16)
    CAPTURE(type);
    const auto key = "D-" + type;
    auto created = rosalie.post(kDemandes, demande(key, "F-1", type, "02/03/2026 08:05", "75", rosalie_list));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto read = rosalie.get(request_url(key));
    CHECK(read.str("/typeDemande") == type);
    CHECK(text(read.at("/typesDispositifs")) == rosalie_list);
    auto v2 = backoffice.get("/api/v2/requests/" + created.str("/idDemandeSiao"));
    CHECK(v2.str("/kind") == kind);
    CHECK(text(v2.at("/requestedServices")) == siao_list);
  }

  // statutDemande, by type: each code reached once, read back as sent, and v2's status behind it.
  const auto walk = [&](const std::string& key, const std::vector<std::tuple<std::string, std::string, std::string>>& steps) {
    const auto id = rosalie.get(request_url(key)).str("/idDemandeSiao");
    for (const auto& [step_code, body, status] : steps) {
      const std::string& code = step_code;  // not a structured binding: CAPTURE's lambda reads it (clang < 16)
      CAPTURE(code);
      auto moved = rosalie.post(request_url(key) + "/statut", body);
      REQUIRE_MESSAGE(moved.status == 200, moved.body);
      CHECK(moved.str("/statutDemande") == code);
      CHECK(rosalie.get(request_url(key)).str("/statutDemande") == code);
      CHECK(backoffice.get("/api/v2/requests/" + id).str("/status") == status);
    }
  };
  CHECK(rosalie.get(request_url("D-URG")).str("/statutDemande") == "ATT");
  walk("D-URG", {{"PEC", R"({"statutDemande":"PEC","date":"02/03/2026","structure":"HOTEL:F1 BOBIGNY"})", "provided"},
                 {"CLO", R"({"statutDemande":"CLO","date":"05/03/2026"})", "closed"}});
  REQUIRE(rosalie.post(kDemandes, demande("D-URG-2", "F-1", "URG", "02/03/2026 08:05", "75", R"(["HOT"])")).status == 201);
  walk("D-URG-2", {{"NPV", R"({"statutDemande":"NPV","date":"02/03/2026","motif":"aucune place"})", "not_provided"}});
  REQUIRE(rosalie.post(kDemandes, demande("D-URG-3", "F-1", "URG", "02/03/2026 08:05", "75", R"(["HOT"])")).status == 201);
  walk("D-URG-3", {{"ANN", R"({"statutDemande":"ANN","date":"02/03/2026","motif":"doublon"})", "cancelled"}});
  CHECK(rosalie.get(request_url("D-INS")).str("/statutDemande") == "ATT");
  walk("D-INS", {{"MAJ", R"({"statutDemande":"MAJ","date":"03/03/2026","motif":"à réévaluer"})", "to_update"},
                 {"ATT", R"({"statutDemande":"ATT","date":"04/03/2026"})", "submitted"},
                 {"ORI", R"({"statutDemande":"ORI","date":"05/03/2026","dispositif":"PF"})", "oriented"},
                 {"PRO", R"({"statutDemande":"PRO","date":"06/03/2026","structure":"PF Belleville"})", "proposed"},
                 {"PEC", R"({"statutDemande":"PEC","date":"07/03/2026","structure":"PF Belleville"})", "admitted"},
                 {"CLO", R"({"statutDemande":"CLO","date":"07/09/2026","motif":"logement"})", "closed"}});
  REQUIRE(rosalie.post(kDemandes, demande("D-INS-2", "F-1", "INS", "02/03/2026 08:05", "75", R"(["RS"])")).status == 201);
  walk("D-INS-2", {{"ANN", R"({"statutDemande":"ANN","date":"02/03/2026","motif":"départ"})", "cancelled"}});
}
