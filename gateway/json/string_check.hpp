#pragma once
// Strings that must not go further: a NUL cuts a PostgreSQL parameter short and hides the rest of a
// string from valijson's length count (which stops at the first NUL), invalid UTF-8 makes valijson
// read past its tables. The body parser already refuses invalid UTF-8; documents built another way may not.
#include <rapidjson/document.h>

#include <cstddef>
#include <string_view>

namespace siao::json {

// nullptr when `s` is fine; otherwise the violation, as a message.
const char* string_problem(std::string_view s);

// Whether any string value or member name in `doc` has a problem. Iterative: `doc` may be of any depth.
bool has_problem_string(const rapidjson::Value& doc);

// Unicode code points in valid UTF-8 `s`: what JSON Schema's minLength and maxLength count.
std::size_t code_points(std::string_view s);

}  // namespace siao::json
