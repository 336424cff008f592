// The Rosalie mapping (mapping/rosalie-1.1.json) on whole documents: a family and a request both ways,
// refusals that name the field, the value and the code list, and pointers traced back into Rosalie's body.
#include <doctest/doctest.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <filesystem>
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

const siao::json::SchemaSet& schemas() { return siao::test::shipped_schemas(); }

const Mapping& rosalie() { return siao::test::rosalie_mapping(); }

std::string dump(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

// The same JSON, written compactly (member order kept): what an exact comparison compares.
std::string compact(std::string_view text) { return dump(parse_body(text)); }

std::vector<Problem> problems_of(std::string_view document, Direction direction, std::string_view source) {
  try {
    rosalie().translate(document, direction, parse_body(source));
  } catch (const TranslationError& e) {
    return e.problems;
  }
  return {};
}

constexpr std::string_view kFamily = R"({"cleFamille":"F-2023-000123","departement":"75","personnes":[
  {"idPersonneRosalie":"P-998877","nom":"DUPONT","nomNaissance":"MARTIN","prenoms":"MARIE CLAIRE","sexe":"F",
   "dateNaissance":"14/03/1985","nationalite":"FR","lienParente":"DEM","telephone":"0612345678"},
  {"idPersonneRosalie":"P-998878","nom":"DUPONT","prenoms":"Jean-Pierre","sexe":"M","dateNaissance":"00/06/1983",
   "nationalite":"ML","lienParente":"CJT","telephone":"0044207946000"},
  {"idPersonneRosalie":"P-998879","nom":"Dupont","nomNaissance":null,"prenoms":"Zoé","sexe":"F",
   "dateNaissance":"00/00/2015","nationalite":"XX","lienParente":"ENF"},
  {"idPersonneRosalie":"P-998880","nom":"DUPONT","prenoms":"LÉO  ANDRÉ","sexe":"I","dateNaissance":"29/02/2024",
   "lienParente":"AUM","telephone":"0692123456"}]})";

constexpr std::string_view kCanonicalFamily = R"({"territory":"75","members":[
  {"role":"head","lastName":"DUPONT","birthName":"MARTIN","firstNames":["MARIE","CLAIRE"],"sex":"female",
   "birthDate":"1985-03-14","nationality":"FRA","phone":"+33612345678"},
  {"role":"spouse","lastName":"DUPONT","firstNames":["Jean-Pierre"],"sex":"male","birthDate":"1983-06",
   "nationality":"MLI","phone":"+44207946000"},
  {"role":"child","lastName":"Dupont","birthName":null,"firstNames":["Zoé"],"sex":"female","birthDate":"2015",
   "nationality":"unknown"},
  {"role":"other_minor","lastName":"DUPONT","firstNames":["LÉO","ANDRÉ"],"sex":"unknown","birthDate":"2024-02-29",
   "phone":"+262692123456"}]})";

// The household as GET /api/v2/households/{id} answers it once the family above is created.
std::string person(const char* id, const char* fields) {
  return std::string(R"({"id":")") + id + R"(","householdId":"90512191",)" + fields +
         R"(,"email":null,"status":"active","mergedInto":null,"version":1,"createdAt":"2024-05-01T12:00:00.000Z",)"
         R"("updatedAt":"2024-05-01T12:00:00.000Z","updatedBy":"rosalie"})";
}

std::string household() {
  return R"({"id":"90512191","territory":"75","status":"active","composition":"couple_with_children","adults":2,)"
         R"("minors":2,"members":[)" +
         person("40000123", R"("role":"head","lastName":"DUPONT","birthName":"MARTIN","firstNames":["MARIE","CLAIRE"],)"
                            R"("sex":"female","birthDate":"1985-03-14","nationality":"FRA","phone":"+33612345678")") +
         "," +
         person("40000124", R"("role":"spouse","lastName":"DUPONT","birthName":null,"firstNames":["Jean-Pierre"],)"
                            R"("sex":"male","birthDate":"1983-06","nationality":"MLI","phone":"+44207946000")") +
         "," +
         person("40000125", R"("role":"child","lastName":"Dupont","birthName":null,"firstNames":["Zoé"],)"
                            R"("sex":"female","birthDate":"2015","nationality":"unknown","phone":null)") +
         "," +
         person("40000126", R"("role":"other_minor","lastName":"DUPONT","birthName":null,"firstNames":["LÉO","ANDRÉ"],)"
                            R"("sex":"unknown","birthDate":"2024-02-29","nationality":null,"phone":"+262692123456")") +
         R"(],"partnerKeys":[{"partner":"rosalie","key":"F-2023-000123"}],"mergedInto":null,"version":1,)"
         R"("createdAt":"2024-05-01T12:00:00.000Z","updatedAt":"2024-05-01T12:00:00.000Z","updatedBy":"rosalie"})";
}

constexpr std::string_view kRosalieFamily = R"({"idMenageSiao":"90512191","departement":"75",
  "compositionFamiliale":"CAE","personnes":[
  {"idPersonneSiao":"40000123","nom":"DUPONT","nomNaissance":"MARTIN","prenoms":"MARIE CLAIRE","sexe":"F",
   "dateNaissance":"14/03/1985","nationalite":"FR","lienParente":"DEM","telephone":"0612345678"},
  {"idPersonneSiao":"40000124","nom":"DUPONT","prenoms":"JEAN-PIERRE","sexe":"M","dateNaissance":"00/06/1983",
   "nationalite":"ML","lienParente":"CJT","telephone":"0044207946000"},
  {"idPersonneSiao":"40000125","nom":"DUPONT","prenoms":"ZOÉ","sexe":"F","dateNaissance":"00/00/2015",
   "nationalite":"XX","lienParente":"ENF"},
  {"idPersonneSiao":"40000126","nom":"DUPONT","prenoms":"LÉO ANDRÉ","sexe":"I","dateNaissance":"29/02/2024",
   "lienParente":"AUM","telephone":"0692123456"}]})";

}  // namespace

TEST_CASE("mapping rosalie: the mapping loads with its id - version and documents") {
  CHECK(rosalie().id() == "rosalie");
  CHECK(rosalie().version() == "1.1.0");
  CHECK(rosalie().sha256().size() == 64);
  for (const char* document : {"famille", "personne", "demande"}) CHECK(rosalie().has(document));
  CHECK_FALSE(rosalie().has("reservation"));
  CHECK_THROWS_AS(rosalie().translate("reservation", Direction::inbound, parse_body("{}")), std::invalid_argument);
}

TEST_CASE("mapping rosalie: a family translates inbound to the exact body of POST /households") {
  const auto canonical = rosalie().translate("famille", Direction::inbound, parse_body(kFamily));
  CHECK(dump(canonical) == compact(kCanonicalFamily));
  // Rosalie's keys stay out of the canonical body: the adapter resolves them.
  CHECK(dump(canonical).find("P-998877") == std::string::npos);
  CHECK(dump(canonical).find("F-2023-000123") == std::string::npos);
  CHECK(schemas().validate("household-create", canonical).empty());
}

TEST_CASE("mapping rosalie: the canonical household translates outbound to the Rosalie family") {
  const auto family = rosalie().translate("famille", Direction::outbound, parse_body(household()));
  CHECK(dump(family) == compact(kRosalieFamily));
}

TEST_CASE("mapping rosalie: a family read back through Rosalie is the family sent but for keys and case") {
  const auto canonical = rosalie().translate("famille", Direction::inbound, parse_body(kFamily));
  CHECK(dump(canonical) == compact(kCanonicalFamily));
  const auto back = rosalie().translate("famille", Direction::outbound, parse_body(household()));
  const auto sent = parse_body(kFamily);
  REQUIRE(back["personnes"].Size() == sent["personnes"].Size());
  for (rapidjson::SizeType i = 0; i < sent["personnes"].Size(); ++i) {
    CAPTURE(i);
    for (const auto& member : sent["personnes"][i].GetObject()) {
      const std::string name = member.name.GetString();
      if (name == "idPersonneRosalie" || member.value.IsNull()) continue;
      REQUIRE(back["personnes"][i].HasMember(name.c_str()));
      if (name == "nom" || name == "prenoms") continue;  // sent back in upper case, spaces normalised
      CHECK(back["personnes"][i][name.c_str()] == member.value);
    }
  }
}

TEST_CASE("mapping rosalie: a request translates both ways with its status by kind") {
  const auto request = rosalie().translate("demande", Direction::inbound, parse_body(R"({"idDemandeRosalie":"D-1",
      "cleFamille":"F-2023-000123","typeDemande":"URG","dateDemande":"15/01/2024 21:40","departement":"93",
      "typesDispositifs":["HOT","CHU","HDN"]})"));
  CHECK(dump(request) == compact(R"({"kind":"emergency","submittedAt":"2024-01-15T20:40:00.000Z","territory":"93",
      "requestedServices":["HOTEL","CHU","HALTE_DE_NUIT"]})"));

  const auto canonical = [](const char* kind, const char* status, const char* services) {
    return std::string(R"({"id":"70001234","householdId":"90512191","kind":")") + kind + R"(","territory":"93",)" +
           R"("status":")" + status + R"(","requestedServices":)" + services +
           R"(,"submittedAt":"2024-07-15T19:40:00.000Z","orientation":null,"proposal":null,"placement":null,)"
           R"("history":[],"version":1,"createdAt":"2024-07-15T19:40:00.000Z","updatedAt":"2024-07-15T19:40:00.000Z",)"
           R"("updatedBy":"rosalie"})";
  };
  CHECK(dump(rosalie().translate("demande", Direction::outbound,
                                 parse_body(canonical("emergency", "provided", R"(["HOTEL","CHU"])")))) ==
        compact(R"({"idDemandeSiao":"70001234","typeDemande":"URG","dateDemande":"15/07/2024 21:40",
                    "departement":"93","typesDispositifs":["HOT","CHU"],"statutDemande":"PEC"})"));
  // PEC means admitted for an insertion request; services without a Rosalie code are sent once as AUT.
  CHECK(dump(rosalie().translate("demande", Direction::outbound,
                                 parse_body(canonical("insertion", "admitted", R"(["ALT","CHRS","FJT","FTM"])")))) ==
        compact(R"({"idDemandeSiao":"70001234","typeDemande":"INS","dateDemande":"15/07/2024 21:40",
                    "departement":"93","typesDispositifs":["AUT","CHRS"],"statutDemande":"PEC"})"));
  CHECK(dump(rosalie().translate("demande", Direction::outbound, parse_body(canonical("insertion", "submitted", "[]"))))
            .find(R"("statutDemande":"ATT")") != std::string::npos);
}

TEST_CASE("mapping rosalie: a value with no mapping names the field pointer - the value and the code list") {
  const auto problems = problems_of("famille", Direction::inbound, R"({"departement":"75","personnes":[
      {"nom":"A","prenoms":"B","sexe":"F","lienParente":"DEM","nationalite":"FR"},
      {"nom":"A","prenoms":"B","sexe":"X","lienParente":"DEM","nationalite":"ZZ","dateNaissance":"31/02/1990",
       "telephone":"12345"}]})");
  REQUIRE(problems.size() == 4);  // every problem, in rule order: none is dropped, none stops the others
  CHECK(problems[0].pointer == "/personnes/1/sexe");
  CHECK(problems[0].message == R"("X" has no SIAO code in code list "sexe")");
  CHECK(problems[1].pointer == "/personnes/1/dateNaissance");
  CHECK(problems[1].message.rfind(R"("31/02/1990" is not a date JJ/MM/AAAA)", 0) == 0);
  CHECK(problems[2].pointer == "/personnes/1/nationalite");
  CHECK(problems[2].message == R"("ZZ" has no SIAO code in code list "nationalite")");
  CHECK(problems[3].pointer == "/personnes/1/telephone");
  CHECK(problems[3].message.rfind(R"("12345" is not a phone number)", 0) == 0);

  // An element of an array is named by its index; AUT is only ever sent to Rosalie.
  const auto services = problems_of("demande", Direction::inbound,
                                    R"({"typeDemande":"URG","dateDemande":"15/01/2024 21:40","departement":"93",
                                        "typesDispositifs":["CHU","AUT","hot"]})");
  REQUIRE(services.size() == 2);
  CHECK(services[0].pointer == "/typesDispositifs/1");
  CHECK(services[0].message == R"("AUT" has no SIAO code in code list "typesDispositifs")");
  CHECK(services[1].pointer == "/typesDispositifs/2");  // codes are case-sensitive

  // Outbound, the pointer is into the canonical document.
  const auto outbound = problems_of("famille", Direction::outbound, R"({"id":"90512191","territory":"75",
      "composition":"single_man","members":[{"id":"40000001","role":"boss","lastName":"X","firstNames":["Y"],
      "sex":"male","nationality":"QQQ"}]})");
  REQUIRE(outbound.size() == 2);
  CHECK(outbound[0].pointer == "/members/0/nationality");
  CHECK(outbound[0].message == R"("QQQ" has no partner code in code list "nationalite")");
  CHECK(outbound[1].pointer == "/members/0/role");
  CHECK(outbound[1].message == R"("boss" has no partner code in code list "lienParente")");
}

TEST_CASE("mapping rosalie: wrong shapes are problems with pointers - not crashes") {
  const auto problems = problems_of("famille", Direction::inbound,
                                    R"({"departement":"75","personnes":[{"nom":"A","prenoms":7,"sexe":["Q"]},"x"]})");
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].pointer == "/personnes/0/prenoms");
  CHECK(problems[0].message == "must be a string");
  CHECK(problems[1].pointer == "/personnes/0/sexe/0");  // an array of codes is looked up element by element
  CHECK(problems[1].message == R"("Q" has no SIAO code in code list "sexe")");
  CHECK(problems[2].pointer == "/personnes/1");
  CHECK(problems[2].message == "must be an object");
  CHECK(problems_of("famille", Direction::inbound, R"({"personnes":{}})").at(0).pointer == "/personnes");
  CHECK_THROWS_AS(rosalie().translate("famille", Direction::inbound, parse_body(R"({"x":1})")["x"]), TranslationError);
}

TEST_CASE("mapping rosalie: source_pointer maps canonical pointers back into the Rosalie family") {
  const auto& m = rosalie();
  CHECK(m.source_pointer("famille", "/members/1/birthDate") == "/personnes/1/dateNaissance");
  CHECK(m.source_pointer("famille", "/members/0/lastName") == "/personnes/0/nom");
  CHECK(m.source_pointer("famille", "/members/3/role") == "/personnes/3/lienParente");
  CHECK(m.source_pointer("famille", "/territory") == "/departement");
  CHECK(m.source_pointer("famille", "/members") == "/personnes");
  CHECK(m.source_pointer("famille", "/members/2") == "/personnes/2");
  // first names come from one string: an error on one of them points at that string
  CHECK(m.source_pointer("famille", "/members/0/firstNames/1") == "/personnes/0/prenoms");
  // a member no rule writes: the person it belongs to
  CHECK(m.source_pointer("famille", "/members/0/email") == "/personnes/0");
  CHECK(m.source_pointer("famille", "") == "");
  CHECK(m.source_pointer("famille", "/partnerKeys") == std::nullopt);
  CHECK(m.source_pointer("famille", "not a pointer") == std::nullopt);
  CHECK(m.source_pointer("nope", "/territory") == std::nullopt);
  CHECK(m.source_pointer("demande", "/requestedServices/2") == "/typesDispositifs/2");
  CHECK(m.source_pointer("demande", "/submittedAt") == "/dateDemande");
}

TEST_CASE("mapping rosalie: the translated document owns its memory") {
  rapidjson::Document canonical;
  {
    const auto source = parse_body(kFamily);
    canonical = rosalie().translate("famille", Direction::inbound, source);
  }
  // The source is gone (AddressSanitizer would see a read of it).
  CHECK(std::string(canonical["members"][0]["lastName"].GetString()) == "DUPONT");
  CHECK(dump(canonical) == compact(kCanonicalFamily));
}
