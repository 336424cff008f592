#include "gateway/json/pointer.hpp"

namespace siao::json {

std::string pointer_append(std::string_view base, std::string_view token) {
  std::string out;
  out.reserve(base.size() + token.size() + 1);
  out.append(base);
  out.push_back('/');
  for (char c : token) {
    if (c == '~') {
      out.append("~0");
    } else if (c == '/') {
      out.append("~1");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string pointer_append(std::string_view base, std::size_t index) {
  std::string out(base);
  out.push_back('/');
  out.append(std::to_string(index));
  return out;
}

}  // namespace siao::json
