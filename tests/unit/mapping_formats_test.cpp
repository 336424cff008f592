// The functions of a mapping rule on French formats, through the Rosalie mapping both ways: partial birth
// dates, Paris date-times across daylight saving, national and overseas phone numbers, names' case.
#include <doctest/doctest.h>

#include <filesystem>
#include <optional>
#include <string>

#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/mapping/mapping.hpp"
#include "gateway/mapping/text_case.hpp"
#include "tests/unit/source_tree.hpp"

namespace fs = std::filesystem;
using siao::mapping::Direction;
using siao::mapping::Mapping;
using siao::mapping::TranslationError;

namespace {

const fs::path& kRoot = siao::test::source_root();

const Mapping& rosalie() {
  static const auto schemas = siao::json::SchemaSet::load(kRoot / "schemas");
  static const auto mapping = Mapping::load(kRoot / "mapping/rosalie-1.1.json", *schemas);
  return *mapping;
}

// One member of `document` translated: the target member's string, or the problem's message.
std::string one(const char* document, Direction direction, const char* from, const char* to, const std::string& value) {
  const std::string source = std::string("{\"") + from + "\":\"" + value + "\"}";
  try {
    const auto out = rosalie().translate(document, direction, siao::json::parse_body(source));
    if (!out.HasMember(to)) return "(absent)";
    return out[to].GetString();
  } catch (const TranslationError& e) {
    REQUIRE(e.problems.size() == 1);
    CHECK(e.problems[0].pointer == std::string("/") + from);
    return "refused: " + e.problems[0].message;
  }
}

std::string birth_in(const std::string& v) { return one("personne", Direction::inbound, "dateNaissance", "birthDate", v); }
std::string birth_out(const std::string& v) { return one("personne", Direction::outbound, "birthDate", "dateNaissance", v); }
std::string at_in(const std::string& v) { return one("demande", Direction::inbound, "dateDemande", "submittedAt", v); }
std::string at_out(const std::string& v) { return one("demande", Direction::outbound, "submittedAt", "dateDemande", v); }
std::string phone_in(const std::string& v) { return one("personne", Direction::inbound, "telephone", "phone", v); }
std::string phone_out(const std::string& v) { return one("personne", Direction::outbound, "phone", "telephone", v); }

bool refused(const std::string& result) { return result.rfind("refused: ", 0) == 0; }

std::string upper(std::string_view s) {
  std::string out;
  siao::mapping::append_upper(s, out);
  return out;
}

std::string lower(std::string_view s) {
  std::string out;
  siao::mapping::append_lower(s, out);
  return out;
}

}  // namespace

TEST_CASE("mapping formats: JJ/MM/AAAA with 00 parts and partial ISO dates both ways") {
  struct Row {
    const char* rosalie;
    const char* iso;
  };
  for (const Row& row : {Row{"00/00/1985", "1985"}, Row{"00/03/1985", "1985-03"}, Row{"14/03/1985", "1985-03-14"},
                         Row{"29/02/2024", "2024-02-29"}, Row{"01/01/1900", "1900-01-01"}, Row{"31/12/2100", "2100-12-31"}}) {
    CAPTURE(row.rosalie);
    CHECK(birth_in(row.rosalie) == row.iso);
    CHECK(birth_out(row.iso) == row.rosalie);
  }
}

TEST_CASE("mapping formats: impossible dates are refused") {
  for (const char* bad : {"15/00/1990", "31/02/1990", "29/02/2023", "00/13/1990", "32/01/1990", "31/04/1990",
                          "14/03/85", "14-03-1985", "1985-03-14", "14/03/1985 ", "", "00/00/1899", "01/01/2101",
                          "ab/cd/efgh"}) {
    CAPTURE(bad);
    const std::string result = birth_in(bad);
    CHECK(refused(result));
    CHECK(result.find("is not a date JJ/MM/AAAA") != std::string::npos);
  }
  for (const char* bad : {"1985-02-30", "1985-13", "85", "14/03/1985", "1985-3-14"}) {
    CAPTURE(bad);
    CHECK(refused(birth_out(bad)));
  }
}

TEST_CASE("mapping formats: Paris time and UTC across daylight saving") {
  struct Row {
    const char* paris;
    const char* utc;
  };
  for (const Row& row : {
           Row{"15/01/2024 09:30", "2024-01-15T08:30:00.000Z"},  // winter: UTC+1
           Row{"15/07/2024 09:30", "2024-07-15T07:30:00.000Z"},  // summer: UTC+2
           Row{"31/03/2024 01:59", "2024-03-31T00:59:00.000Z"},  // last winter minute
           Row{"31/03/2024 03:00", "2024-03-31T01:00:00.000Z"},  // first summer minute
           Row{"27/10/2024 01:59", "2024-10-26T23:59:00.000Z"},
           Row{"27/10/2024 03:00", "2024-10-27T02:00:00.000Z"},
           Row{"01/01/2024 00:30", "2023-12-31T23:30:00.000Z"},  // the day before in UTC
       }) {
    CAPTURE(row.paris);
    CHECK(at_in(row.paris) == row.utc);
    CHECK(at_out(row.utc) == row.paris);
  }
  // March's skipped hour does not exist in Paris.
  const std::string skipped = at_in("31/03/2024 02:30");
  CHECK(skipped == "refused: \"31/03/2024 02:30\" is not a time in Paris: the clocks skip that hour when summer time starts");
  // October's repeated hour is its first occurrence (summer time); both instants read back as the same wall time.
  CHECK(at_in("27/10/2024 02:30") == "2024-10-27T00:30:00.000Z");
  CHECK(at_out("2024-10-27T00:30:00Z") == "27/10/2024 02:30");
  CHECK(at_out("2024-10-27T01:30:00Z") == "27/10/2024 02:30");
  // Outbound takes any RFC 3339 offset and drops seconds.
  CHECK(at_out("2024-07-15T09:30:59+02:00") == "15/07/2024 09:30");
  for (const char* bad : {"15/01/2024 24:00", "15/01/2024 09:60", "30/02/2024 09:00", "15/01/2024", "15/01/2024 9:30",
                          "15/01/2024T09:30"}) {
    CAPTURE(bad);
    CHECK(refused(at_in(bad)));
  }
  CHECK(refused(at_out("2024-07-15 09:30")));
}

TEST_CASE("mapping formats: French phone numbers and E.164 both ways") {
  struct Row {
    const char* rosalie;
    const char* e164;
  };
  for (const Row& row : {
           Row{"0612345678", "+33612345678"}, Row{"0145678901", "+33145678901"},
           Row{"0262123456", "+262262123456"}, Row{"0692123456", "+262692123456"}, Row{"0693123456", "+262693123456"},
           Row{"0269612345", "+262269612345"}, Row{"0639123456", "+262639123456"},  // Mayotte
           Row{"0590123456", "+590590123456"}, Row{"0690123456", "+590690123456"},
           Row{"0594123456", "+594594123456"}, Row{"0694123456", "+594694123456"},
           Row{"0596123456", "+596596123456"}, Row{"0696123456", "+596696123456"},
           Row{"00442079460000", "+442079460000"}, Row{"0012025550143", "+12025550143"},
       }) {
    CAPTURE(row.rosalie);
    CHECK(phone_in(row.rosalie) == row.e164);
    CHECK(phone_out(row.e164) == row.rosalie);
  }
  CHECK(phone_in("0033612345678") == "+33612345678");  // a French number dialled from abroad
  CHECK(phone_out("+262123456789") == "00262123456789");  // not an overseas prefix: kept international
  for (const char* bad : {"612345678", "06 12 34 56 78", "06123456789", "+33612345678", "0001234567", "00123", "", "06123456ab"}) {
    CAPTURE(bad);
    CHECK(refused(phone_in(bad)));
  }
  for (const char* bad : {"0612345678", "+0612345678", "+33", "+3361234567890123", "33612345678"}) {
    CAPTURE(bad);
    CHECK(refused(phone_out(bad)));
  }
}

TEST_CASE("mapping formats: names are sent upper case with accents and first names joined") {
  CHECK(upper("Zoé") == "ZOÉ");
  CHECK(upper("Ærøskøbing ÿ") == "ÆRØSKØBING Ÿ");
  CHECK(upper("łukasz œuvre ı") == "ŁUKASZ ŒUVRE ı");
  CHECK(upper("ß straße") == "ß STRAßE");
  CHECK(upper("ольга σοφία ς ώ") == "ОЛЬГА ΣΟΦΊΑ Σ Ώ");
  CHECK(lower("ZOÉ ŁUKASZ ОЛЬГА Ÿ ΣΟΦΊΑ Ώ") == "zoé łukasz ольга ÿ σοφία ώ");
  CHECK(upper("中文 \xff x") == "中文 \xff X");  // other scripts and stray bytes are kept
  CHECK(one("personne", Direction::outbound, "lastName", "nom", "de la Fontaine-Éluard") == "DE LA FONTAINE-ÉLUARD");

  const auto out = rosalie().translate("personne", Direction::outbound,
                                       siao::json::parse_body(R"({"firstNames":["Marie","Zoé","Jean-Luc"]})"));
  CHECK(std::string(out["prenoms"].GetString()) == "MARIE ZOÉ JEAN-LUC");
  const auto in = rosalie().translate("personne", Direction::inbound,
                                      siao::json::parse_body(R"({"prenoms":"  Marie\tZoé  Jean-Luc "})"));
  REQUIRE(in["firstNames"].Size() == 3);
  CHECK(std::string(in["firstNames"][1].GetString()) == "Zoé");  // kept as Rosalie wrote them
}
