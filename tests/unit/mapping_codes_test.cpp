// Rosalie's code lists as loaded: every entry round-trips both ways, outbound-only codes are never read,
// and nationalite covers every country of ISO 3166-1 as Debian's iso-codes lists it.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/mapping/code_list.hpp"
#include "gateway/mapping/mapping.hpp"
#include "tests/unit/source_tree.hpp"

namespace fs = std::filesystem;
using siao::mapping::CodeList;
using siao::mapping::Direction;
using siao::mapping::Mapping;

namespace {

const fs::path& kRoot = siao::test::source_root();

const siao::json::SchemaSet& schemas() { return siao::test::shipped_schemas(); }

const Mapping& rosalie() { return siao::test::rosalie_mapping(); }

}  // namespace

TEST_CASE("mapping codes: Rosalie declares the lists of its spec") {
  const std::vector<std::string> expected = {"compositionFamiliale", "lienParente",       "nationalite",
                                             "sexe",                 "statutDemande-INS", "statutDemande-URG",
                                             "typeDemande",          "typesDispositifs"};
  CHECK(rosalie().code_list_names() == expected);
  CHECK(rosalie().code_list("nope") == nullptr);
  CHECK_THROWS_AS(rosalie().code("nope", Direction::inbound, "F"), std::invalid_argument);
}

TEST_CASE("mapping codes: every entry of every list round-trips both ways") {
  std::size_t checked = 0;
  for (const auto& name : rosalie().code_list_names()) {
    const CodeList* list = rosalie().code_list(name);
    REQUIRE(list != nullptr);
    CHECK(list->id() == name);
    CHECK_FALSE(list->entries().empty());
    for (const auto& entry : list->entries()) {
      CAPTURE(name);
      CAPTURE(entry.partner);
      const auto siao = rosalie().code(name, Direction::inbound, entry.partner);
      REQUIRE(siao.has_value());
      CHECK(*siao == entry.siao);
      const auto partner = rosalie().code(name, Direction::outbound, *siao);
      REQUIRE(partner.has_value());
      CHECK(*partner == entry.partner);
      ++checked;
    }
  }
  CHECK(checked > 290);  // 250 nationalities and the rest
}

TEST_CASE("mapping codes: outbound-only codes are sent and never read") {
  for (const char* service : {"ALT", "FJT", "FTM", "LOGEMENT_ORDINAIRE"}) {
    CAPTURE(service);
    CHECK(rosalie().code("typesDispositifs", Direction::outbound, service) == "AUT");
    CHECK(rosalie().code("typesDispositifs", Direction::inbound, service) == std::nullopt);
  }
  CHECK(rosalie().code("typesDispositifs", Direction::inbound, "AUT") == std::nullopt);
  // Every service of the v2 nomenclature has a Rosalie code.
  const auto& nomenclature = schemas().document("common")["definitions"]["service"]["enum"];
  for (const auto& service : nomenclature.GetArray()) {
    CAPTURE(service.GetString());
    CHECK(rosalie().code("typesDispositifs", Direction::outbound, service.GetString()).has_value());
  }
}

TEST_CASE("mapping codes: the lists cover the v2 enumerations they map to") {
  const auto& common = schemas().document("common")["definitions"];
  const auto covers = [](const char* list, const rapidjson::Value& values) {
    for (const auto& v : values.GetArray()) {
      if (v.IsNull()) continue;
      CAPTURE(list);
      CAPTURE(v.GetString());
      CHECK(rosalie().code(list, Direction::outbound, v.GetString()).has_value());
    }
  };
  covers("sexe", common["sex"]["enum"]);
  covers("lienParente", common["role"]["enum"]);
  covers("compositionFamiliale", schemas().document("household")["properties"]["composition"]["enum"]);
  covers("typeDemande", schemas().document("request-create")["properties"]["kind"]["enum"]);
  // Each status of a kind's lifecycle has its code (the two lists share the v2 status enumeration).
  for (const char* s : {"received", "provided", "not_provided", "cancelled", "closed"})
    CHECK(rosalie().code("statutDemande-URG", Direction::outbound, s).has_value());
  for (const char* s : {"submitted", "oriented", "proposed", "admitted", "to_update", "cancelled", "closed"})
    CHECK(rosalie().code("statutDemande-INS", Direction::outbound, s).has_value());
  CHECK(rosalie().code("statutDemande-URG", Direction::inbound, "PEC") == "provided");
  CHECK(rosalie().code("statutDemande-INS", Direction::inbound, "PEC") == "admitted");
}

TEST_CASE("mapping codes: nationalite has every alpha-2 of iso-codes and XX") {
  const fs::path iso = "/usr/share/iso-codes/json/iso_3166-1.json";
  INFO("needs Debian's iso-codes package (apt-get install iso-codes)");
  REQUIRE(fs::exists(iso));
  std::ifstream in(iso, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  const auto doc = siao::json::parse_body(text.str());
  const auto& countries = doc["3166-1"];
  REQUIRE(countries.Size() > 240);
  std::set<std::string> alpha2;
  for (const auto& c : countries.GetArray()) {
    CAPTURE(c["alpha_2"].GetString());
    alpha2.insert(c["alpha_2"].GetString());
    CHECK(rosalie().code("nationalite", Direction::inbound, c["alpha_2"].GetString()) == c["alpha_3"].GetString());
    CHECK(rosalie().code("nationalite", Direction::outbound, c["alpha_3"].GetString()) == c["alpha_2"].GetString());
  }
  CHECK(rosalie().code("nationalite", Direction::inbound, "XX") == "unknown");
  CHECK(rosalie().code("nationalite", Direction::outbound, "unknown") == "XX");
  // Nothing else: the list is generated from iso-codes (scripts/gen-rosalie-nationalities).
  CHECK(rosalie().code_list("nationalite")->entries().size() == alpha2.size() + 1);
  CHECK(rosalie().code("nationalite", Direction::inbound, "fr") == std::nullopt);  // case-sensitive
}
