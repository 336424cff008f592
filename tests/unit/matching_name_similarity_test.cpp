#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/matching/name_similarity.hpp"

using siao::matching::family_name_of;
using siao::matching::first_names_of;
using siao::matching::make_token;
using siao::matching::name_agreement;
using siao::matching::token_agreement;

namespace {

double words(const std::string& a, const std::string& b) { return token_agreement(make_token(a), make_token(b)); }
double family(const std::string& a, const std::string& b) {
  return name_agreement(family_name_of(a), family_name_of(b));
}
double firsts(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return name_agreement(first_names_of(a), first_names_of(b));
}

}  // namespace

TEST_CASE("matching token agreement of typing errors and phonetic variants") {
  CHECK(words("dupont", "dupont") == 1.0);
  CHECK(words("dupont", "duppont") >= 0.92);  // doubled
  CHECK(words("dupont", "dupnt") >= 0.92);    // dropped
  CHECK(words("dupont", "duopnt") >= 0.92);   // swapped
  CHECK(words("dupont", "dupont") > words("dupont", "dupond"));
  CHECK(words("dupont", "dupond") >= 0.95);   // wrong key and same sound
  CHECK(words("philippe", "filipe") >= 0.88);
  CHECK(words("mohamed", "mohammad") >= 0.88);
  CHECK(words("lefebvre", "lefevre") >= 0.88);
}

TEST_CASE("matching token agreement of different names is low") {
  CHECK(words("dupont", "durand") == 0.0);
  CHECK(words("marie", "marc") < 0.2);
  CHECK(words("martin", "bernard") == 0.0);
  CHECK(words("emma", "lucas") == 0.0);
  // A shared Soundex2 key alone is weak: short keys and distant spellings do not count.
  CHECK(words("yann", "anna") < 0.2);       // both AN
  CHECK(words("emma", "ahmed") < 0.2);      // both AM
  CHECK(words("laurent", "lereon") < 0.5);  // both LRN, Jaro-Winkler 0.77
  CHECK(words("perroux", "perret") < 0.5);  // both PR, Jaro-Winkler 0.85
  CHECK(words("mohamed", "muhammad") >= 0.88);  // both M, same first letter
  // A first letter added or dropped is another name, not a typing error.
  CHECK(words("mamadou", "amadou") < 0.5);
  CHECK(words("udpont", "dupont") >= 0.92);  // the first two letters swapped still are
  CHECK(words("", "dupont") == 0.0);
  CHECK(words("", "") == 0.0);
}

TEST_CASE("matching family names with particles hyphens and compounds") {
  CHECK(family("DE LA FONTAINE", "Fontaine") == 1.0);
  CHECK(family("LE GALL", "LEGALL") == 1.0);
  CHECK(family("DE LA FONTAINE", "LAFONTAINE") == 1.0);
  CHECK(family("DE LA FONTAINE", "DELAFONTAINE") == 1.0);
  CHECK(family("DE LA FONTAINE", "LA FONTAINE") == 1.0);
  CHECK(family("D'ALMEIDA", "DALMEIDA") == 1.0);
  CHECK(family("D\xe2\x80\x99" "ALMEIDA", "d almeida") == 1.0);
  CHECK(family("MARTIN-DUBOIS", "DUBOIS MARTIN") == 1.0);
  CHECK(family("MARTIN-DUBOIS", "MARTINDUBOIS") == 1.0);
  CHECK(family("MARTIN-DUBOIS", "MARTIN") == doctest::Approx(0.95));
  CHECK(family("MARTIN-DUBOIS", "DUBOIS") == doctest::Approx(0.95));
  CHECK(family("MARTIN-DUBOIS", "MARTIN-DUBOSI") >= 0.9);
  CHECK(family("MARTIN DUBOIS", "MARTIN DURAND") < 0.5);
  CHECK(family("LE", "le") == 1.0);
}

TEST_CASE("matching first names in any order or partly given") {
  CHECK(firsts({"Marie", "Claire"}, {"Claire", "Marie"}) == 1.0);
  CHECK(firsts({"Marie", "Claire"}, {"Marie"}) == doctest::Approx(0.95));
  CHECK(firsts({"Claire"}, {"Marie", "Claire"}) == doctest::Approx(0.95));
  CHECK(firsts({"Jean-Pierre"}, {"Jean Pierre"}) == 1.0);
  CHECK(firsts({"Jean-Pierre"}, {"Jeanpierre"}) == 1.0);
  CHECK(firsts({"Marie", "Claire"}, {"Marie", "Anne"}) < 0.5);
  CHECK(firsts({"Marie-Claire"}, {"Marie-Anne"}) < 0.5);
  CHECK(firsts({"Marie"}, {}) == 0.0);
}
