#include "gateway/util/text.hpp"

#include <openssl/evp.h>

#include <rapidjson/encodings.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/stringbuffer.h>

namespace siao::util {

bool is_valid_utf8(std::string_view s) {
  rapidjson::MemoryStream in(s.data(), s.size());
  rapidjson::StringBuffer sink;  // Validate copies what it checks
  while (in.Tell() < s.size())
    if (!rapidjson::UTF8<>::Validate(in, sink)) return false;
  return true;
}

std::string base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

bool is_storable_text(std::string_view s) { return s.find('\0') == std::string_view::npos && is_valid_utf8(s); }

std::string storable_text(std::string_view s) {
  if (is_storable_text(s)) return std::string(s);
  return "base64:" + base64(s);
}

}  // namespace siao::util
