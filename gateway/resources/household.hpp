#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/domain/dates.hpp"
#include "gateway/resources/person.hpp"

namespace siao::resources {

struct PartnerKey {
  std::string partner;
  std::string key;
};

struct Household {
  std::int64_t id = 0;
  std::string territory;
  std::string status = "active";
  std::optional<std::int64_t> merged_into;
  std::vector<Person> members;  // active members, in id order
  std::vector<PartnerKey> partner_keys;
  Metadata meta;
};

// composition, adults and minors are derived on `today` (the Paris date).
void write_json(JsonWriter& w, const Household& h, const domain::CivilDate& today);
std::string to_json(const Household& h, const domain::CivilDate& today);

}  // namespace siao::resources
