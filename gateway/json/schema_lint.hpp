#pragma once
// Load-time checks of a schema document against what SchemaSet relies on at request time: only keywords
// whose violations it can explain, every `$ref` resolvable, and no string a pattern could choke on.
#include <string_view>

#include "gateway/json/schema_types.hpp"

namespace siao::json {

// Longest string a `pattern` may be run on: std::regex recurses once per character (valijson#191).
inline constexpr std::size_t kMaxPatternInput = 512;
// `uniqueItems` compares every pair of items: bound the array first.
inline constexpr std::size_t kMaxUniqueItems = 1000;

// Checks `files.at(file)`; compiles its patterns into `regexes`.
// Throws std::runtime_error "<file>: <pointer>: <what is wrong>".
void lint_schema(std::string_view file, const SchemaFiles& files, RegexMap& regexes);

}  // namespace siao::json
