#include "gateway/domain/composition.hpp"

#include <array>
#include <utility>

namespace siao::domain {

namespace {

constexpr int kAdultAge = 18;

constexpr std::array<std::pair<std::string_view, int>, 10> kSiaoCodes{{
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
}};

std::string_view with_or_without(bool children, std::string_view with, std::string_view without) {
  return children ? with : without;
}

}  // namespace

bool is_minor(const MemberFacts& member, CivilDate today) {
  if (member.birth) return age_on(*member.birth, today) < kAdultAge;
  return member.role == "child" || member.role == "other_minor";
}

Composition derive_composition(const std::vector<MemberFacts>& members, CivilDate today) {
  Composition result;
  const MemberFacts* first_adult = nullptr;
  const MemberFacts* second_adult = nullptr;
  for (const auto& member : members) {
    if (is_minor(member, today)) {
      ++result.minors;
      continue;
    }
    if (result.adults == 0) first_adult = &member;
    if (result.adults == 1) second_adult = &member;
    ++result.adults;
  }
  if (members.empty()) return result;

  const bool children = result.minors > 0;
  if (result.adults == 0) {
    result.code = result.minors == 1 ? "isolated_minor" : "minors_group";
  } else if (result.adults == 1 && first_adult->sex == "female") {
    result.code = with_or_without(children, "single_woman_with_children", "single_woman");
  } else if (result.adults == 1 && first_adult->sex == "male") {
    result.code = with_or_without(children, "single_man_with_children", "single_man");
  } else if (result.adults == 2 && ((first_adult->role == "head" && second_adult->role == "spouse") ||
                                    (first_adult->role == "spouse" && second_adult->role == "head"))) {
    result.code = with_or_without(children, "couple_with_children", "couple_without_children");
  } else {
    result.code = with_or_without(children, "group_with_children", "adult_group");
  }
  return result;
}

int siao_composition_code(std::string_view code) {
  for (const auto& [name, value] : kSiaoCodes)
    if (name == code) return value;
  return 0;
}

}  // namespace siao::domain
