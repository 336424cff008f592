#pragma once
// A household's composition, derived from its members: never written by a client.
#include <optional>
#include <string_view>
#include <vector>

#include "gateway/domain/dates.hpp"

namespace siao::domain {

struct MemberFacts {
  std::string_view role;  // head | spouse | child | other_adult | other_minor
  std::string_view sex;   // female | male | unknown
  std::optional<PartialDate> birth;
};

struct Composition {
  std::optional<std::string_view> code;  // nullopt for a household with no member; views a static string
  int adults = 0;
  int minors = 0;
};

// A minor is under 18 on `today` (the Paris date of the read), a partial birth date
// counting from its first possible day; without a birth date, the role decides:
// `child` and `other_minor` are minors, every other role an adult.
bool is_minor(const MemberFacts& member, CivilDate today);

// The spec's rule. A sex other than female or male (unknown, or anything
// unexpected) makes a lone adult an `adult_group`/`group_with_children`.
Composition derive_composition(const std::vector<MemberFacts>& members, CivilDate today);

// The SI SIAO code of a composition value (single_man -> 10 ... couple_with_children -> 100);
// 0 for a string that is no composition value.
int siao_composition_code(std::string_view code);

}  // namespace siao::domain
