#pragma once
// valijson's own error reports, turned into field errors: the fallback for a violation the explanation
// of schema_explain did not find (it should find them all; a 422 must never come without errors).
#include <rapidjson/document.h>
#include <valijson/validation_results.hpp>

#include <string>
#include <vector>

#include "gateway/http/problem.hpp"

namespace siao::json {

// valijson 1.0's context ("<root>", "[members]", "[0]", ...) cannot tell a member named "0" from index 0:
// each token is read against `doc`, an index in an array and a member name in an object.
std::string pointer_from_context(const std::vector<std::string>& context, const rapidjson::Value& doc);

// Drops the "Failed to validate..." summaries valijson adds at every parent level.
std::vector<http::FieldError> from_valijson(const valijson::ValidationResults& results, const rapidjson::Value& doc);

}  // namespace siao::json
