// The rules of the mapping format on a made-up partner: constants, defaults, conditions, nulls, nested
// arrays, the order of functions and code lists in each direction, and pointers both ways.
#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/mapping/mapping.hpp"
#include "tests/unit/source_tree.hpp"

namespace fs = std::filesystem;
using siao::json::parse_body;
using siao::mapping::Direction;
using siao::mapping::Mapping;
using siao::mapping::Problem;
using siao::mapping::TranslationError;

namespace {

const fs::path& kRoot = siao::test::source_root();

// A partner whose mapping exercises every kind of rule; written to a scratch directory once.
const Mapping& partner() {
  static const std::shared_ptr<const Mapping> mapping = [] {
    std::random_device rd;
    const fs::path dir = fs::temp_directory_path() / ("siao-mapping-engine-" + std::to_string(rd()));
    fs::create_directories(dir / "codes");
    std::ofstream(dir / "codes/genre.json") << R"({"id":"genre","entries":[
        {"partner":"f","siao":"female"},{"partner":"m","siao":"male"}]})";
    std::ofstream(dir / "m.json") << R"({"id":"made-up","version":"0.1","codeLists":{"genre":"codes/genre.json"},
      "documents":{
        "dossier":{
          "inbound":[
            {"const":"made-up","to":"/source"},
            {"const":{"a":[1,"b"]},"to":"/meta/fixed"},
            {"from":"/genre","to":"/person/sex","fn":"lower","codes":"genre"},
            {"from":"/ville","to":"/person/city","default":"inconnue"},
            {"from":"/note","to":"/note","omitNull":true},
            {"from":"/tel","to":"/phone"},
            {"from":"/montant","to":"/urgent","when":{"path":"/type","equals":"U"}},
            {"from":"/montant","to":"/amount","when":{"path":"/type","equals":"N"}},
            {"from":"/a~1b","to":"/slash~0tilde"},
            {"from":"/bloc","to":"/block","fn":"identity"},
            {"each":"/groupes","to":"/groups","rules":[
              {"from":"/nom","to":"/name","fn":"upper"},
              {"each":"/membres","to":"/members","rules":[
                {"from":"/genre","to":"/sex","codes":"genre"},
                {"from":"/infos/age","to":"/details/age"}]}]}
          ],
          "outbound":[
            {"from":"/person/sex","to":"/genre","codes":"genre","fn":"upper"},
            {"from":"/tags","to":"/etiquettes","fn":"upper","unique":true}
          ]
        }}})";
    auto loaded = Mapping::load(dir / "m.json", *siao::json::SchemaSet::load(kRoot / "schemas"));
    fs::remove_all(dir);
    return loaded;
  }();
  return *mapping;
}

std::string dump(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

std::string in(std::string_view source) { return dump(partner().translate("dossier", Direction::inbound, parse_body(source))); }
std::string out(std::string_view source) { return dump(partner().translate("dossier", Direction::outbound, parse_body(source))); }

std::vector<Problem> problems(std::string_view source) {
  try {
    partner().translate("dossier", Direction::inbound, parse_body(source));
  } catch (const TranslationError& e) {
    return e.problems;
  }
  return {};
}

}  // namespace

TEST_CASE("mapping engine: constants - defaults and absent members") {
  // Targets appear in rule order, nested objects created on the way; an absent member stays absent.
  CHECK(in("{}") == R"({"source":"made-up","meta":{"fixed":{"a":[1,"b"]}},"person":{"city":"inconnue"}})");
  CHECK(in(R"({"ville":"Lyon"})") == R"({"source":"made-up","meta":{"fixed":{"a":[1,"b"]}},"person":{"city":"Lyon"}})");
}

TEST_CASE("mapping engine: null stays null unless omitNull - and a null is not absent") {
  CHECK(in(R"({"ville":null,"note":null,"tel":null,"genre":null})") ==
        R"({"source":"made-up","meta":{"fixed":{"a":[1,"b"]}},"person":{"sex":null,"city":null},"phone":null})");
  CHECK(in(R"({"note":"x"})").find(R"("note":"x")") != std::string::npos);
}

TEST_CASE("mapping engine: conditions choose among rules on the current object") {
  CHECK(in(R"({"type":"U","montant":5})").find(R"("urgent":5)") != std::string::npos);
  CHECK(in(R"({"type":"U","montant":5})").find("amount") == std::string::npos);
  CHECK(in(R"({"type":"N","montant":5})").find(R"("amount":5)") != std::string::npos);
  CHECK(in(R"({"montant":5})").find('5') == std::string::npos);  // no type: neither applies
  CHECK(in(R"({"type":"u","montant":5})").find('5') == std::string::npos);
}

TEST_CASE("mapping engine: inbound applies functions then codes - outbound codes then functions") {
  CHECK(in(R"({"genre":"F"})").find(R"("sex":"female")") != std::string::npos);  // lower, then looked up
  CHECK(out(R"({"person":{"sex":"female"}})") == R"({"genre":"F"})");            // looked up, then upper
  const auto p = problems(R"({"genre":"X"})");
  REQUIRE(p.size() == 1);
  CHECK(p[0].pointer == "/genre");
  CHECK(p[0].message == R"("x" has no SIAO code in code list "genre")");  // the value as looked up
}

TEST_CASE("mapping engine: escaped pointers and identity copies") {
  CHECK(in(R"({"a/b":1,"bloc":{"x":[1,{"y":null}],"z":"t"}})").find(R"("slash~tilde":1,"block":{"x":[1,{"y":null}],"z":"t"})") !=
        std::string::npos);
}

TEST_CASE("mapping engine: arrays of objects nest and problems point at each element") {
  CHECK(in(R"({"groupes":[{"nom":"é","membres":[{"genre":"f","infos":{"age":3}},{"genre":"m"}]},{"membres":[]}]})")
            .find(R"("groups":[{"name":"É","members":[{"sex":"female","details":{"age":3}},{"sex":"male"}]},{"members":[]}])") !=
        std::string::npos);
  const auto p = problems(R"({"groupes":[{"membres":[{"genre":"f"}]},{"membres":[{"genre":"x"},{"genre":3},7]}],
                              "genre":"?"})");
  REQUIRE(p.size() == 4);
  CHECK(p[0].pointer == "/genre");
  CHECK(p[1].pointer == "/groupes/1/membres/0/genre");
  CHECK(p[1].message == R"("x" has no SIAO code in code list "genre")");
  CHECK(p[2].pointer == "/groupes/1/membres/1/genre");
  CHECK(p[2].message == R"(must be a string (code list "genre"))");
  CHECK(p[3].pointer == "/groupes/1/membres/2");
  CHECK(p[3].message == "must be an object");
  CHECK(problems(R"({"groupes":[{"membres":"x"}]})").at(0).pointer == "/groupes/0/membres");
}

TEST_CASE("mapping engine: outbound arrays keep one of each repeated code when unique") {
  CHECK(out(R"({"tags":["a","b","a","A","c","b"]})") == R"({"etiquettes":["A","B","C"]})");
}

TEST_CASE("mapping engine: source pointers follow nested arrays and deep targets") {
  const auto& m = partner();
  CHECK(m.source_pointer("dossier", "/groups/1/members/0/details/age") == "/groupes/1/membres/0/infos/age");
  CHECK(m.source_pointer("dossier", "/groups/1/members/0/sex") == "/groupes/1/membres/0/genre");
  CHECK(m.source_pointer("dossier", "/groups/1/members/0/other") == "/groupes/1/membres/0");
  CHECK(m.source_pointer("dossier", "/groups/x") == "/groupes");
  CHECK(m.source_pointer("dossier", "/person/sex") == "/genre");
  CHECK(m.source_pointer("dossier", "/person") == std::nullopt);
  CHECK(m.source_pointer("dossier", "/slash~0tilde") == "/a~1b");
  CHECK(m.source_pointer("dossier", "/block/x/1/y") == "/bloc/x/1/y");  // identity keeps the shape
  CHECK(m.source_pointer("dossier", "/source") == std::nullopt);        // a constant comes from nowhere
  CHECK(m.source_pointer("dossier", "/meta/fixed") == std::nullopt);
}
