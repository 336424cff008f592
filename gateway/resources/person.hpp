#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/resources/metadata.hpp"

namespace siao::resources {

struct Person {
  std::int64_t id = 0;
  std::int64_t household_id = 0;
  std::string role;
  std::string last_name;
  std::optional<std::string> birth_name;
  std::vector<std::string> first_names;
  std::string sex;
  std::optional<std::string> birth_date;  // YYYY, YYYY-MM or YYYY-MM-DD
  std::optional<std::string> nationality;
  std::optional<std::string> phone;
  std::optional<std::string> email;
  std::string status = "active";
  std::optional<std::int64_t> merged_into;
  Metadata meta;
};

void write_json(JsonWriter& w, const Person& p);
std::string to_json(const Person& p);

}  // namespace siao::resources
