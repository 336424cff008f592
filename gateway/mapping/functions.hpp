#pragma once
// The fixed set of functions a mapping rule may name in "fn", resolved once at load.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace siao::mapping {

// Converts `in` into `out` (strings copied into `alloc`); returns nullptr, or why `in` cannot be converted:
// a phrase that follows the quoted value when `in` is a string ("is not a date ..."), a sentence of its own
// otherwise ("must be a string"). `scratch` is a buffer the caller lends to avoid allocations.
using Convert = const char* (*)(const rapidjson::Value& in, rapidjson::Value& out,
                                rapidjson::Document::AllocatorType& alloc, std::string& scratch);

struct Function {
  std::string_view name;
  Convert inbound;   // partner -> canonical (in an inbound rule)
  Convert outbound;  // canonical -> partner (in an outbound rule)
  bool per_element;  // an array value is converted element by element
  bool keeps_shape;  // the result is laid out as the value: a pointer below one designates the same below the other
};

const Function* find_function(std::string_view name);  // nullptr for an unknown name
std::string function_names();                          // "split_words, join_words, ...", for messages

}  // namespace siao::mapping
