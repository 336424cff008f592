#pragma once
// Who is calling, and what their contract lets them do.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siao::auth {

struct Client {
  std::string id;
  std::vector<std::string> scopes;                       // "households:read", ...; "*" for every scope
  std::optional<std::vector<std::string>> territories;  // nullopt: every territory

  bool has_scope(std::string_view scope) const {
    return std::any_of(scopes.begin(), scopes.end(), [&](const std::string& s) { return s == "*" || s == scope; });
  }
  bool in_territory(std::string_view territory) const {
    return !territories || std::find(territories->begin(), territories->end(), territory) != territories->end();
  }
};

}  // namespace siao::auth
