#pragma once
// A request (demande) for a place: emergency (115) or insertion.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/resources/metadata.hpp"

namespace siao::resources {

struct HousingRequest {
  std::int64_t id = 0;
  std::int64_t household_id = 0;
  std::string kind;
  std::string territory;
  std::string status;
  std::vector<std::string> requested_services;
  std::string submitted_at;
  // Held as JSON text, as stored: their shapes belong to the transitions.
  std::optional<std::string> orientation, proposal, placement;
  std::string history = "[]";
  Metadata meta;
};

void write_json(JsonWriter& w, const HousingRequest& r);
std::string to_json(const HousingRequest& r);

}  // namespace siao::resources
