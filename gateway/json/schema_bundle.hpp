#pragma once
// Turns one schema and everything it refers to into a single self-contained document (see SchemaBundle).
#include <string_view>

#include "gateway/json/schema_types.hpp"

namespace siao::json {

// `files` has passed lint_schema. Throws std::runtime_error naming `root` when its references loop
// without ever descending into the document (valijson would recurse forever).
SchemaBundle bundle_schema(std::string_view root, const SchemaFiles& files);

}  // namespace siao::json
