#pragma once
// RFC 6901 JSON Pointers, built one token at a time while walking a document.
#include <cstddef>
#include <string>
#include <string_view>

namespace siao::json {

// `base` is already a pointer ("" for the whole document); `token` is a raw member name.
std::string pointer_append(std::string_view base, std::string_view token);
std::string pointer_append(std::string_view base, std::size_t index);

}  // namespace siao::json
