#pragma once
// One code list of a mapping (mapping/codes/...): partner codes <-> SIAO codes, one to one, plus codes only
// sent to the partner for SIAO values it has no code of its own for. Case-sensitive; read-only once built.
#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gateway/mapping/mapping.hpp"

namespace siao::mapping {

class CodeList {
 public:
  struct Entry {
    std::string partner;
    std::string siao;
  };
  struct OutboundOnly {
    std::string partner;
    std::vector<std::string> siao;
  };

  // `doc` is valid against schemas/code-list.schema.json. Adds a problem, pointed into `doc`, for every code
  // that breaks one-to-one: a partner or SIAO code listed twice, an outbound-only SIAO value also listed in
  // `entries` or twice.
  static CodeList build(const rapidjson::Value& doc, std::vector<Problem>& problems);

  const std::string& id() const { return id_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const std::vector<OutboundOnly>& outbound_only() const { return outbound_only_; }

  // Inbound: a partner code -> its SIAO code (`entries` only). Outbound: a SIAO code -> its partner code
  // (`entries`, then `outboundOnly`). The view stays valid as long as the list.
  std::optional<std::string_view> find(Direction direction, std::string_view code) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using Index = std::unordered_map<std::string, std::string, Hash, std::equal_to<>>;

  std::string id_;
  std::vector<Entry> entries_;
  std::vector<OutboundOnly> outbound_only_;
  Index to_siao_;
  Index to_partner_;
};

}  // namespace siao::mapping
