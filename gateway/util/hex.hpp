#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace siao::util {

std::string to_hex(const unsigned char* data, std::size_t size);  // lower case
std::string sha256_hex(std::string_view data);

}  // namespace siao::util
