#pragma once
#include <rapidjson/document.h>

namespace siao::mapping {

// A deep copy whose strings are all copied into `alloc` (RapidJSON's own copy shares constant strings): a
// translated document must not point into the source nor into the mapping. Recursive: `in` is depth-bounded
// (parse_body's documents, the mapping file's values).
void deep_copy(const rapidjson::Value& in, rapidjson::Value& out, rapidjson::Document::AllocatorType& alloc);

}  // namespace siao::mapping
