#pragma once
// The one way a request body becomes a JSON document: every refusal is a 400 problem, and nothing a
// client sends can crash the parser, exhaust the stack or reach code that recurses.
#include <rapidjson/document.h>

#include <cstddef>
#include <string_view>

namespace siao::json {

// Containers deeper than this are refused: RapidJSON's writer and valijson recurse.
// The outer object is level 1; a scalar adds no level.
inline constexpr std::size_t kMaxBodyDepth = 32;

// Throws siao::http::HttpError, status 400, slug:
//   malformed-json    empty body, syntax error, trailing content, a raw NUL byte, a top-level value that
//                     is not an object, a number too large for a double
// A UTF-8 byte order mark is skipped (RFC 8259 allows it).
//   invalid-utf8      bytes that are not UTF-8 inside a string
//   too-deep          more than kMaxBodyDepth nested containers
//   duplicate-member  a member name repeated in one object (the detail names its pointer)
rapidjson::Document parse_body(std::string_view body);

}  // namespace siao::json
