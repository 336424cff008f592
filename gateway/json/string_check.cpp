#include "gateway/json/string_check.hpp"

#include <cstdint>
#include <vector>

#include "gateway/json/schema_walk.hpp"

namespace siao::json {
namespace {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t cp = 0;
    if ((lead & 0xE0) == 0xC0) {
      length = 2, cp = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, cp = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, cp = lead & 0x07u;
    } else {
      return false;
    }
    if (s.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (next & 0x3Fu);
    }
    const bool overlong = (length == 2 && cp < 0x80) || (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += length;
  }
  return true;
}

}  // namespace

const char* string_problem(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return "must not contain NUL characters";
  if (!valid_utf8(s)) return "must be valid UTF-8";
  return nullptr;
}

bool has_problem_string(const rapidjson::Value& doc) {
  std::vector<const rapidjson::Value*> pending{&doc};
  while (!pending.empty()) {
    const rapidjson::Value& v = *pending.back();
    pending.pop_back();
    if (v.IsString()) {
      if (string_problem(name_of(v))) return true;
    } else if (v.IsObject()) {
      for (const auto& member : v.GetObject()) {
        if (string_problem(name_of(member.name))) return true;
        pending.push_back(&member.value);
      }
    } else if (v.IsArray()) {
      for (const auto& item : v.GetArray()) pending.push_back(&item);
    }
  }
  return false;
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace siao::json
