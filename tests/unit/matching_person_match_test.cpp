#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/matching/person_match.hpp"

using siao::matching::blocking_keys;
using siao::matching::Comparable;
using siao::matching::compare;
using siao::matching::kDefaultThreshold;
using siao::matching::PersonFields;
using siao::matching::Score;

namespace {

using Strings = std::vector<std::string>;

PersonFields person(std::string last, Strings first, std::optional<std::string> born,
                    std::optional<std::string> birth_name = std::nullopt) {
  return PersonFields{std::move(last), std::move(birth_name), std::move(first), std::move(born)};
}

// A change a person's record undergoes when typed again by someone else.
struct Variation {
  const char* name;
  std::function<void(PersonFields&)> apply;
};

// The originals: a plain name, an accented name with a birth name with a
// particle, and a double family name with a compound first name.
// Their days are at most 12, so that day and month can be swapped; typing
// errors are made on their first three bytes, which are ASCII.
const PersonFields kDupont = person("DUPONT", {"Marie", "Claire"}, "1985-03-11");
const PersonFields kLefevre = person("LEFÈVRE", {"Agnès"}, "1979-06-02", "D'ALMEIDA");
const PersonFields kMartinDubois = person("MARTIN-DUBOIS", {"Jean-Pierre"}, "1962-07-09");

// Family-name variations, for each original.
std::vector<Variation> family_variations(const PersonFields& original) {
  std::vector<Variation> v = {
      {"lower case", [](PersonFields& p) {
         for (auto& c : p.last_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
       }},
      {"family name letter doubled", [](PersonFields& p) { p.last_name.insert(2, 1, p.last_name[2]); }},
      {"family name letter dropped", [](PersonFields& p) { p.last_name.erase(1, 1); }},
      {"family name letters swapped", [](PersonFields& p) { std::swap(p.last_name[1], p.last_name[2]); }},
      {"family name wrong key", [](PersonFields& p) { p.last_name[2] = p.last_name[2] == 'Z' ? 'A' : 'Z'; }},
      {"first and last names swapped", [](PersonFields& p) {
         const std::string last = p.last_name;
         p.last_name = p.first_names.front();
         p.first_names = {last};
       }},
  };
  if (original.last_name == "DUPONT") {
    v.push_back({"phonetic DUPOND", [](PersonFields& p) { p.last_name = "DUPOND"; }});
  }
  if (original.last_name == "LEFÈVRE") {
    v.push_back({"accents stripped", [](PersonFields& p) {
                   p.last_name = "LEFEVRE";
                   p.first_names = {"AGNES"};
                   p.birth_name = "D ALMEIDA";
                 }});
    v.push_back({"phonetic LEFEBVRE", [](PersonFields& p) { p.last_name = "Lefebvre"; }});
    v.push_back({"typographic apostrophe", [](PersonFields& p) { p.birth_name = "D\xe2\x80\x99" "Almeida"; }});
    v.push_back({"particle dropped", [](PersonFields& p) { p.birth_name = "ALMEIDA"; }});
    v.push_back({"particle glued", [](PersonFields& p) { p.birth_name = "DALMEIDA"; }});
    v.push_back({"birth name given as last name", [](PersonFields& p) {
                   p.last_name = "D'ALMEIDA";
                   p.birth_name.reset();
                 }});
    v.push_back({"birth name missing", [](PersonFields& p) { p.birth_name.reset(); }});
  }
  if (original.last_name == "MARTIN-DUBOIS") {
    v.push_back({"double name first part", [](PersonFields& p) { p.last_name = "MARTIN"; }});
    v.push_back({"double name second part", [](PersonFields& p) { p.last_name = "DUBOIS"; }});
    v.push_back({"double name reversed", [](PersonFields& p) { p.last_name = "DUBOIS MARTIN"; }});
    v.push_back({"double name glued", [](PersonFields& p) { p.last_name = "MARTINDUBOIS"; }});
  }
  return v;
}

std::vector<Variation> first_name_variations(const PersonFields& original) {
  std::vector<Variation> v = {
      {"first name letter dropped", [](PersonFields& p) { p.first_names.front().erase(2, 1); }},
      {"first name letters swapped", [](PersonFields& p) { std::swap(p.first_names.front()[1], p.first_names.front()[2]); }},
      {"first name letter doubled", [](PersonFields& p) { p.first_names.front().insert(1, 1, p.first_names.front()[1]); }},
      {"first name wrong key", [](PersonFields& p) { p.first_names.front()[2] = p.first_names.front()[2] == 'z' ? 'a' : 'z'; }},
  };
  if (original.first_names.size() > 1) {
    v.push_back({"first names reordered", [](PersonFields& p) { std::swap(p.first_names[0], p.first_names[1]); }});
    v.push_back({"only the first first name", [](PersonFields& p) { p.first_names.resize(1); }});
    v.push_back({"only the second first name", [](PersonFields& p) { p.first_names.erase(p.first_names.begin()); }});
  }
  if (original.first_names.front() == "Jean-Pierre") {
    v.push_back({"compound first name without hyphen", [](PersonFields& p) { p.first_names = {"JEAN PIERRE"}; }});
    v.push_back({"compound first name glued", [](PersonFields& p) { p.first_names = {"Jeanpierre"}; }});
    v.push_back({"compound first name first part", [](PersonFields& p) { p.first_names = {"Jean"}; }});
  }
  return v;
}

// Date variations of a full date whose day is at most 12, month below 08 and day's last digit not 2.
std::vector<Variation> date_variations() {
  return {
      {"year only", [](PersonFields& p) { p.birth_date = p.birth_date->substr(0, 4); }},
      {"year and month only", [](PersonFields& p) { p.birth_date = p.birth_date->substr(0, 7); }},
      {"day digit off", [](PersonFields& p) { (*p.birth_date)[9] = (*p.birth_date)[9] == '1' ? '2' : '1'; }},
      {"year digit off", [](PersonFields& p) { (*p.birth_date)[3] = (*p.birth_date)[3] == '4' ? '5' : '4'; }},
      {"month digit off", [](PersonFields& p) { (*p.birth_date)[6] = '8'; }},
      {"day and month swapped", [](PersonFields& p) {
         std::string& d = *p.birth_date;  // YYYY-MM-DD becomes YYYY-DD-MM
         std::swap(d[5], d[8]);
         std::swap(d[6], d[9]);
       }},
      {"birth date missing", [](PersonFields& p) { p.birth_date.reset(); }},
  };
}

double score(const PersonFields& a, const PersonFields& b) { return compare(a, b).similarity; }

// The lowest scores of a family of pairs, for the calibration figures of docs/matching.md.
struct Tally {
  std::vector<std::pair<double, std::string>> scores;
  void add(double s, const std::string& label) { scores.emplace_back(s, label); }
  std::string lowest(std::size_t n) {
    std::sort(scores.begin(), scores.end());
    std::string out = std::to_string(scores.size()) + " pairs - lowest:";
    for (std::size_t i = 0; i < n && i < scores.size(); ++i) {
      out += " " + std::to_string(scores[i].first) + " (" + scores[i].second + ")";
    }
    return out;
  }
};

void check_duplicate(const PersonFields& original, const PersonFields& variant, const std::string& label,
                     Tally& tally) {
  const double s = score(original, variant);
  const double back = score(variant, original);
  CAPTURE(label);
  CAPTURE(s);
  CAPTURE(back);
  CHECK(s >= kDefaultThreshold);
  CHECK(back >= kDefaultThreshold);
  tally.add(std::min(s, back), label);
}

}  // namespace

TEST_CASE("matching an identical person scores 1 and lists every field") {
  const Score s = compare(kDupont, kDupont);
  CHECK(s.similarity == doctest::Approx(1.0));
  CHECK(s.matched == Strings{"lastName", "firstNames", "birthDate"});
}

TEST_CASE("matching each variation alone scores at least the threshold") {
  Tally tally;
  for (const auto* original : {&kDupont, &kLefevre, &kMartinDubois}) {
    std::vector<Variation> all = family_variations(*original);
    for (auto& v : first_name_variations(*original)) all.push_back(std::move(v));
    for (auto& v : date_variations()) all.push_back(std::move(v));
    for (const auto& v : all) {
      PersonFields variant = *original;
      v.apply(variant);
      check_duplicate(*original, variant, original->last_name + ": " + v.name, tally);
    }
  }
  MESSAGE("single variations: " << tally.lowest(6));
}

TEST_CASE("matching two variations together score at least the threshold") {
  Tally tally;
  for (const auto* original : {&kDupont, &kLefevre, &kMartinDubois}) {
    const auto families = family_variations(*original);
    const auto firsts = first_name_variations(*original);
    const auto dates = date_variations();
    auto pair = [&](const Variation& a, const Variation& b) {
      PersonFields variant = *original;
      a.apply(variant);
      b.apply(variant);
      check_duplicate(*original, variant, original->last_name + ": " + a.name + " + " + b.name, tally);
    };
    // A family name and a date, a first name and a date, a family name and a first name.
    for (const auto& f : families) {
      if (std::string(f.name) == "first and last names swapped") continue;  // paired below, with dates only
      for (const auto& d : dates) {
        if (std::string(d.name) == "birth date missing") continue;  // a missing date is not a typing error
        pair(f, d);
      }
      for (const auto& n : firsts) pair(f, n);
    }
    for (const auto& n : firsts) {
      for (const auto& d : dates) {
        if (std::string(d.name) != "birth date missing") pair(n, d);
      }
    }
    for (const auto& f : families) {
      if (std::string(f.name) != "first and last names swapped") continue;
      for (const auto& d : dates) {
        if (std::string(d.name) != "birth date missing") pair(f, d);
      }
    }
  }
  MESSAGE("two variations: " << tally.lowest(6));
}

TEST_CASE("matching a married name against the birth name either way") {
  const PersonFields married = person("MARTIN", {"Sophie"}, "1980-05-17", "DURAND");
  CHECK(score(person("DURAND", {"Sophie"}, "1980-05-17"), married) >= 0.95);
  CHECK(score(married, person("DURAND", {"Sophie"}, "1980-05-17")) >= 0.95);
  CHECK(score(person("Martin", {"Sophie"}, "1980-05-17"), married) >= 0.95);
  const Score s = compare(person("DURAND", {"Sophie"}, "1980-05-17"), married);
  CHECK(s.matched == Strings{"lastName", "firstNames", "birthDate"});
}

TEST_CASE("matching first and last names swapped") {
  const Score s = compare(person("MARIE", {"DUPONT"}, "1985-03-14"), person("DUPONT", {"Marie"}, "1985-03-14"));
  CHECK(s.similarity >= 0.9);
  CHECK(s.similarity < 1.0);
  CHECK(s.matched == Strings{"lastName", "firstNames", "birthDate"});
}

TEST_CASE("matching the names of the brief agree phonetically") {
  auto same = [](const char* a, const char* b, bool as_first_name) {
    const std::string names = std::string(a) + " and " + b;
    CAPTURE(names);
    const PersonFields pa = as_first_name ? person("BERNARD", {a}, "1990-06-02") : person(a, {"Paul"}, "1990-06-02");
    const PersonFields pb = as_first_name ? person("BERNARD", {b}, "1990-06-02") : person(b, {"Paul"}, "1990-06-02");
    CHECK(score(pa, pb) >= 0.95);
  };
  same("DUPONT", "DUPOND", false);
  same("LEFEBVRE", "LEFEVRE", false);
  same("LEFEBVRE", "LEFÈVRE", false);
  same("GAUTHIER", "GAUTIER", false);
  same("PHILIPPE", "FILIPE", true);
  same("MOHAMED", "MOHAMMED", true);
  same("MOHAMED", "MOHAMMAD", true);
  same("MOHAMMED", "MOHAMMAD", true);
  same("THOMAS", "TOMAS", true);
  CHECK(score(person("DUPONT", {"Paul"}, "1990-06-02"), person("DURAND", {"Paul"}, "1990-06-02")) < kDefaultThreshold);
}

TEST_CASE("matching siblings stay below the threshold") {
  for (const char* family : {"MARTIN", "BERNARD", "DUBOIS", "THOMAS", "PETIT"}) {
    CAPTURE(family);
    const PersonFields elder = person(family, {"Marie", "Claire"}, "1985-03-14");
    for (const auto& sibling : {person(family, {"Paul"}, "1987-06-02"), person(family, {"Marc"}, "1986-03-14"),
                                person(family, {"Claude"}, "1983-11-30"), person(family, {"Lucas"}, "1985-12-01"),
                                person(family, {"Anne", "Claire"}, "1989-03-04"), person(family, {"Emma"}, "1990")}) {
      CAPTURE(sibling.first_names.front());
      CHECK(score(elder, sibling) < kDefaultThreshold);
      CHECK(score(sibling, elder) < kDefaultThreshold);
    }
  }
}

TEST_CASE("matching twins with different first names stay below the threshold") {
  const std::vector<std::pair<const char*, const char*>> twins = {
      {"Lucas", "Emma"}, {"Marie", "Marc"}, {"Chloé", "Camille"}, {"Hugo", "Inès"}, {"Nathan", "Sarah"},
      {"Thomas", "Nicolas"}, {"Julie", "Pauline"}, {"Marie", "Sophie"}, {"Yann", "Anna"}, {"Emma", "Ahmed"}};
  for (const auto& [a, b] : twins) {
    const std::string names = std::string(a) + " and " + b;
    CAPTURE(names);
    CHECK(score(person("MARTIN", {a}, "2010-06-01"), person("MARTIN", {b}, "2010-06-01")) < kDefaultThreshold);
    CHECK(score(person("DUBOIS", {a, "Louise"}, "2010-06-01"), person("DUBOIS", {b, "Louise"}, "2010-06-01")) <
          kDefaultThreshold);
  }
}

TEST_CASE("matching namesakes born years apart stay below the threshold") {
  CHECK(score(person("MARTIN", {"Jean"}, "1950-05-10"), person("MARTIN", {"Jean"}, "1978-09-23")) < kDefaultThreshold);
  CHECK(score(person("BERNARD", {"Marie"}, "1960"), person("BERNARD", {"Marie"}, "1991-02-11")) < kDefaultThreshold);
  CHECK(score(person("DUBOIS", {"Pierre"}, "1949-01-01"), person("DUBOIS", {"Pierre"}, "1979-06-30")) <
        kDefaultThreshold);
}

TEST_CASE("matching namesakes born the same year stay below the threshold") {
  // Different first names: far below.
  CHECK(score(person("MARTIN", {"Marie"}, "1985-03-14"), person("MARTIN", {"Sophie"}, "1985-09-27")) < 0.6);
  // Same first names, same year, another day: below too - a date that differs in
  // more than a typing slip is another person as often as not.
  CHECK(score(person("MARTIN", {"Marie"}, "1985-03-14"), person("MARTIN", {"Marie"}, "1985-09-27")) < kDefaultThreshold);
  CHECK(score(person("MARTIN", {"Marie"}, "1985-03-14"), person("MARTIN", {"Marie"}, "1985-03-27")) < kDefaultThreshold);
  // A year-only date a digit off says little.
  CHECK(score(person("MARTIN", {"Marie"}, "1975"), person("MARTIN", {"Marie"}, "1976-11-26")) < kDefaultThreshold);
  // Unless the date says no more than the year.
  CHECK(score(person("MARTIN", {"Marie"}, "1985"), person("MARTIN", {"Marie"}, "1985-09-27")) >= kDefaultThreshold);
}

TEST_CASE("matching a query with fewer fields") {
  const PersonFields full = kDupont;
  // A family name alone does not identify anyone.
  const double last_only = score(person("DUPONT", {}, std::nullopt), full);
  CHECK(last_only < kDefaultThreshold);
  CHECK(last_only > 0.5);
  CHECK(compare(person("DUPONT", {}, std::nullopt), full).matched == Strings{"lastName"});
  // Names without a date: only names that agree exactly reach the threshold.
  CHECK(score(person("DUPONT", {"Marie", "Claire"}, std::nullopt), full) >= kDefaultThreshold);
  CHECK(score(person("dupont", {"MARIE", "CLAIRE"}, std::nullopt), full) >= kDefaultThreshold);
  CHECK(score(person("DUPONT", {"Marie", "Claire"}, std::nullopt), full) < 0.85);
  CHECK(score(person("DUPONT", {"Marie"}, std::nullopt), full) < kDefaultThreshold);
  CHECK(score(person("DUPNOT", {"Marie", "Claire"}, std::nullopt), full) < kDefaultThreshold);
  CHECK(score(person("DUPONT", {}, "1985-03-11"), full) >= 0.85);
  CHECK(score(person("", {"Marie"}, std::nullopt), full) < kDefaultThreshold);     // a first name alone
  CHECK(score(person("", {}, "1985-03-11"), full) < kDefaultThreshold);            // a date alone
  CHECK(score(person("", {}, std::nullopt), full) == 0.0);                          // nothing
  CHECK(score(person("DUPONT", {"Marie", "Claire"}, "not a date"), full) >= kDefaultThreshold);  // unreadable: absent
  // A field missing from the candidate counts the same.
  CHECK(score(full, person("DUPONT", {"Marie", "Claire"}, std::nullopt)) >= kDefaultThreshold);
}

TEST_CASE("matching reports the fields that agreed") {
  CHECK(compare(kDupont, person("DUPONT", {"Paul"}, "1985-03-11")).matched == Strings{"lastName", "birthDate"});
  CHECK(compare(kDupont, person("DURAND", {"Marie"}, "1962-01-01")).matched == Strings{"firstNames"});
  CHECK(compare(kDupont, person("DUPOND", {"Marie"}, "1985-11-03")).matched ==
        Strings{"lastName", "firstNames", "birthDate"});
}

// The significant normalised words of a person's names, last, birth and first, as the keys are made from.
std::string words_of(const PersonFields& p) {
  const Comparable c(p);
  std::string out;
  for (const auto* name : {&c.last_name, &c.birth_name, &c.first_names})
    for (const auto& t : name->tokens) out += (out.empty() ? "" : " ") + t.text;
  return out;
}

TEST_CASE("matching blocking keys") {
  const auto keys = blocking_keys(kDupont);
  CHECK(keys.phonetic() == Strings{"DPN", "KLR", "MR"});
  CHECK(keys.family == Strings{"DPN"});
  CHECK(keys.first == Strings{"KLR", "MR"});
  CHECK(words_of(kDupont) == "dupont marie claire");

  const auto lefevre = blocking_keys(kLefevre);
  CHECK(words_of(kLefevre) == "lefevre almeida agnes");
  CHECK(lefevre.phonetic() == Strings{"AGN", "ALMD", "DLMD", "LFVR"});  // D'ALMEIDA also in one piece
  CHECK(lefevre.first == Strings{"AGN"});

  // Keys agree across the spellings of a name, and LE GALL is also looked for as LEGALL.
  CHECK(blocking_keys(person("DUPOND", {}, std::nullopt)).phonetic() == Strings{"DPN"});
  const auto gall = blocking_keys(person("LE GALL", {"Yann"}, std::nullopt)).phonetic();
  const auto legall = blocking_keys(person("LEGALL", {}, std::nullopt)).phonetic();
  REQUIRE(legall.size() == 1);
  CHECK(std::find(gall.begin(), gall.end(), legall.front()) != gall.end());
  const auto fontaine = blocking_keys(person("DE LA FONTAINE", {}, std::nullopt)).phonetic();
  const auto lafontaine = blocking_keys(person("LAFONTAINE", {}, std::nullopt)).phonetic();
  REQUIRE(lafontaine.size() == 1);
  CHECK(std::find(fontaine.begin(), fontaine.end(), lafontaine.front()) != fontaine.end());
  // Deduplicated and sorted; empty persons have none.
  CHECK(blocking_keys(person("MARTIN", {"Martin"}, std::nullopt)).phonetic() == Strings{"MRTN"});
  CHECK(blocking_keys(person("", {}, std::nullopt)).phonetic().empty());
  CHECK(words_of(person("", {}, std::nullopt)).empty());
}

TEST_CASE("matching two known nationalities that differ count against - never for") {
  auto with = [](std::optional<std::string> nationality) {
    auto p = person("DIALLO", {"Aminata"}, "1990-05-06");
    p.nationality = std::move(nationality);
    return p;
  };
  const double same = compare(with("SEN"), with("SEN")).similarity;
  CHECK(same == doctest::Approx(compare(with(std::nullopt), with(std::nullopt)).similarity));
  CHECK(compare(with("SEN"), with(std::nullopt)).similarity == doctest::Approx(same));
  CHECK(compare(with("SEN"), with("unknown")).similarity == doctest::Approx(same));
  CHECK(compare(with("SEN"), with("MLI")).similarity < 0.75);
}
