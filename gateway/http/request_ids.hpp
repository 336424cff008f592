#pragma once
// Request ids and W3C trace context (https://www.w3.org/TR/trace-context/).
#include <optional>
#include <string>
#include <string_view>

namespace siao::http {

std::string random_hex(std::size_t bytes);

// The trace id of a valid `traceparent`, or nothing.
std::optional<std::string> trace_id_of(std::string_view traceparent);

// A client-supplied X-Request-Id is echoed only when it is short and plain.
bool acceptable_request_id(std::string_view id);

}  // namespace siao::http
