#pragma once
// Who is calling, and what their contract lets them do: what every handler
// may ask of the caller. Built from a contract file; immutable once loaded.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/auth/field_policy.hpp"
#include "gateway/mapping/mapping.hpp"

namespace siao::auth {

struct Client {
  std::string id;
  std::string contract_version;  // the contract's own "version"
  std::string contract_sha256;   // of the contract file as loaded
  std::string adapter;           // the format it speaks: "generic" (v2), "rosalie" (v1.1), ...
  std::string mapping_version;   // as the contract names it
  std::shared_ptr<const mapping::Mapping> mapping;  // loaded with the contract; null when it names none
  std::vector<std::string> scopes;                       // "households:read", ...; "*" for every scope
  std::optional<std::vector<std::string>> territories;  // nullopt: every territory
  FieldPolicy fields;

  // The audit log and the outbound deliveries span every territory and every field, whoever they concern: a
  // contract bounded in territories or in the fields it reads does not hold their scopes, not even through "*"
  // (else the log would show it what its contract hides).
  static bool spans_everything(std::string_view scope) {
    return scope.substr(0, 6) == "audit:" || scope == "admin:deliveries";
  }
  bool unbounded() const { return !territories && !fields.restricts_reads(); }

  bool has_scope(std::string_view scope) const {
    if (spans_everything(scope) && !unbounded()) return false;
    return std::any_of(scopes.begin(), scopes.end(), [&](const std::string& s) { return s == "*" || s == scope; });
  }
  bool in_territory(std::string_view territory) const {
    return !territories || std::find(territories->begin(), territories->end(), territory) != territories->end();
  }
};

}  // namespace siao::auth
