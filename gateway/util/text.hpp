#pragma once
#include <string>
#include <string_view>

namespace siao::util {

bool is_valid_utf8(std::string_view s);
std::string base64(std::string_view data);

// PostgreSQL text holds neither NUL nor invalid UTF-8 (libpqxx cuts a
// parameter at a NUL; the server refuses invalid UTF-8).
bool is_storable_text(std::string_view s);

// Text that is not storable is kept whole as "base64:<data>" instead of
// being altered.
std::string storable_text(std::string_view s);

}  // namespace siao::util
