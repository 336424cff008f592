#pragma once
// Explains why a document fails a schema, in words a partner developer understands, each violation
// with an RFC 6901 pointer into the document. valijson decides validity; its own error reports cannot
// serve here (they name neither the enum values nor a pointer, and stop at the first unknown member).
#include <rapidjson/document.h>

#include <vector>

#include "gateway/http/problem.hpp"
#include "gateway/json/schema_types.hpp"

namespace siao::json {

// Past this many, further violations are not reported: one per real violation, but not a million.
inline constexpr std::size_t kMaxViolations = 100;

struct SchemaContext {
  const RefMap& refs;
  const RegexMap& regexes;
};

// `schema` is a subschema of a bundle that passed lint_schema. Returns the deepest violations only, in
// document order (a missing member after the members present in its object). `x-message` replaces the
// message of an enum, const, pattern, not, anyOf or oneOf violation of its subschema; a member refused by
// `additionalProperties: false` and listed in `x-readOnly` beside it is "set by SIAO".
std::vector<http::FieldError> explain_violations(const rapidjson::Value& schema, const rapidjson::Value& doc,
                                                 const SchemaContext& context);

}  // namespace siao::json
