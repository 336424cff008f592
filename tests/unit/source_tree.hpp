#pragma once
// What unit tests read from the source tree: the shipped schemas and mappings, loaded once per test binary.
#include <filesystem>
#include <memory>

#include "gateway/json/schema_set.hpp"
#include "gateway/mapping/mapping.hpp"

namespace siao::test {

inline const std::filesystem::path& source_root() {
  static const auto root = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  return root;
}

inline const json::SchemaSet& shipped_schemas() {
  static const auto set = json::SchemaSet::load(source_root() / "schemas");
  return *set;
}

inline const mapping::Mapping& rosalie_mapping() {
  static const auto mapping = mapping::Mapping::load(source_root() / "mapping/rosalie-1.1.json", shipped_schemas());
  return *mapping;
}

}  // namespace siao::test
