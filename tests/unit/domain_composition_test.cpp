#include <doctest/doctest.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/composition.hpp"

using siao::domain::CivilDate;
using siao::domain::Composition;
using siao::domain::derive_composition;
using siao::domain::MemberFacts;
using siao::domain::parse_partial_date;
using siao::domain::siao_composition_code;

namespace {

constexpr CivilDate kToday{2026, 11, 28};

// birth "" means no birth date.
MemberFacts member(std::string_view role, std::string_view sex, std::string_view birth = "") {
  MemberFacts m{role, sex, std::nullopt};
  if (!birth.empty()) {
    m.birth = parse_partial_date(birth);
    REQUIRE(m.birth.has_value());
  }
  return m;
}

std::string code_of(const Composition& c) { return c.code ? std::string(*c.code) : "(null)"; }

struct Row {
  const char* what;
  std::vector<MemberFacts> members;
  std::string_view code;
  int adults;
  int minors;
  CivilDate today = kToday;
};

}  // namespace

TEST_CASE("derive_composition follows the spec's rule - every value and its boundaries") {
  const std::vector<Row> rows = {
      // One adult, by sex.
      {"lone woman", {member("head", "female", "1985-03-14")}, "single_woman", 1, 0},
      {"lone man", {member("head", "male", "1985")}, "single_man", 1, 0},
      {"lone adult of unknown sex", {member("head", "unknown", "1985")}, "adult_group", 1, 0},
      {"woman and child",
       {member("head", "female", "1985"), member("child", "male", "2015-06-01")},
       "single_woman_with_children", 1, 1},
      {"man and two children",
       {member("head", "male", "1985"), member("child", "female", "2015"), member("other_minor", "male")},
       "single_man_with_children", 1, 2},
      {"adult of unknown sex and child",
       {member("head", "unknown"), member("child", "female", "2015")},
       "group_with_children", 1, 1},
      // Couples: a head and a spouse as the only adults, whatever their sexes and order.
      {"couple", {member("head", "male", "1980"), member("spouse", "female", "1982")}, "couple_without_children", 2,
       0},
      {"couple, spouse listed first", {member("spouse", "male"), member("head", "male")}, "couple_without_children",
       2, 0},
      {"couple of unknown sexes", {member("head", "unknown"), member("spouse", "unknown")},
       "couple_without_children", 2, 0},
      {"couple and child",
       {member("head", "female", "1980"), member("spouse", "male", "1979"), member("child", "male", "2012")},
       "couple_with_children", 2, 1},
      // Any other set of adults.
      {"head, spouse and other adult",
       {member("head", "female"), member("spouse", "male"), member("other_adult", "female")},
       "adult_group", 3, 0},
      {"head, spouse, other adult and child",
       {member("head", "female"), member("spouse", "male"), member("other_adult", "female"), member("child", "male")},
       "group_with_children", 3, 1},
      {"head and other adult", {member("head", "female"), member("other_adult", "female")}, "adult_group", 2, 0},
      {"two heads (cannot happen, still deterministic)", {member("head", "female"), member("head", "male")},
       "adult_group", 2, 0},
      {"two spouses", {member("spouse", "female"), member("spouse", "male")}, "adult_group", 2, 0},
      // No adult.
      {"isolated minor", {member("head", "male", "2010-05-02")}, "isolated_minor", 0, 1},
      {"minors group", {member("head", "male", "2009"), member("other_minor", "female")}, "minors_group", 0, 2},
      // 18th birthday today vs tomorrow.
      {"18 today", {member("head", "female", "2008-11-28")}, "single_woman", 1, 0},
      {"18 tomorrow", {member("head", "female", "2008-11-29")}, "isolated_minor", 0, 1},
      {"18 today, with a minor", {member("head", "male", "2008-11-28"), member("child", "male", "2025")},
       "single_man_with_children", 1, 1},
      // Partial birth dates count from their first possible day.
      {"born 2008, on 1 January 2026", {member("head", "male", "2008")}, "single_man", 1, 0, {2026, 1, 1}},
      {"born 2008, on 31 December 2025", {member("head", "male", "2008")}, "isolated_minor", 0, 1,
       {2025, 12, 31}},
      {"born 2008-11, on 1 November 2026", {member("head", "female", "2008-11")}, "single_woman", 1, 0,
       {2026, 11, 1}},
      {"born 2008-11, on 31 October 2026", {member("head", "female", "2008-11")}, "isolated_minor", 0, 1,
       {2026, 10, 31}},
      {"born 2008-12, today", {member("head", "female", "2008-12")}, "isolated_minor", 0, 1},
      {"born 29 February 2008, on 28 February 2026", {member("head", "female", "2008-02-29")}, "isolated_minor", 0,
       1, {2026, 2, 28}},
      {"born 29 February 2008, on 1 March 2026", {member("head", "female", "2008-02-29")}, "single_woman", 1, 0,
       {2026, 3, 1}},
      // Without a birth date the role decides.
      {"no birth date: head", {member("head", "female")}, "single_woman", 1, 0},
      {"no birth date: spouse", {member("spouse", "male")}, "single_man", 1, 0},
      {"no birth date: other adult", {member("other_adult", "female")}, "single_woman", 1, 0},
      {"no birth date: child", {member("child", "female")}, "isolated_minor", 0, 1},
      {"no birth date: other minor", {member("other_minor", "male")}, "isolated_minor", 0, 1},
      // A birth date wins over the role.
      {"child born 1990", {member("head", "female", "1985"), member("child", "male", "1990")}, "adult_group", 2, 0},
      {"minor head, adult spouse",
       {member("head", "male", "2010"), member("spouse", "female", "1990")},
       "single_woman_with_children", 1, 1},
      {"other minor turned 18", {member("head", "female"), member("other_minor", "male", "2008-11-28")},
       "adult_group", 2, 0},
  };
  std::set<std::string> reached;
  for (const auto& row : rows) {
    CAPTURE(row.what);
    const auto c = derive_composition(row.members, row.today);
    CHECK(code_of(c) == row.code);
    CHECK(c.adults == row.adults);
    CHECK(c.minors == row.minors);
    reached.insert(code_of(c));
  }
  CHECK(reached == std::set<std::string>{"single_man", "single_woman", "couple_without_children",
                                         "single_woman_with_children", "single_man_with_children",
                                         "group_with_children", "adult_group", "isolated_minor", "minors_group",
                                         "couple_with_children"});
}

TEST_CASE("a household with no member has no composition") {
  const auto c = derive_composition({}, kToday);
  CHECK_FALSE(c.code.has_value());
  CHECK(c.adults == 0);
  CHECK(c.minors == 0);
}

TEST_CASE("the composition does not depend on the order of the members") {
  std::vector<MemberFacts> members{member("child", "male", "2015"), member("spouse", "female"),
                                   member("head", "male")};
  CHECK(code_of(derive_composition(members, kToday)) == "couple_with_children");
  std::swap(members[0], members[2]);
  CHECK(code_of(derive_composition(members, kToday)) == "couple_with_children");
}

TEST_CASE("each composition value maps to its SI SIAO code") {
  struct CodeRow {
    std::string_view value;
    int code;
  };
  const CodeRow rows[] = {
      {"single_man", 10},
      {"single_woman", 20},
      {"couple_without_children", 30},
      {"single_woman_with_children", 40},
      {"single_man_with_children", 50},
      {"group_with_children", 60},
      {"adult_group", 70},
      {"isolated_minor", 80},
      {"minors_group", 90},
      {"couple_with_children", 100},
      {"", 0},
      {"couple", 0},
      {"SINGLE_MAN", 0},
  };
  for (const auto& row : rows) {
    CAPTURE(row.value);
    CHECK(siao_composition_code(row.value) == row.code);
  }
}
