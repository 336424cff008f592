#include "gateway/mapping/code_list.hpp"

#include "gateway/json/pointer.hpp"

namespace siao::mapping {
namespace {

std::string text(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::string at(const char* array, std::size_t i, const char* member) {
  return json::pointer_append(json::pointer_append(json::pointer_append("", array), i), member);
}

}  // namespace

CodeList CodeList::build(const rapidjson::Value& doc, std::vector<Problem>& problems) {
  CodeList list;
  list.id_ = text(doc["id"]);
  const auto& listed = doc["entries"];
  for (rapidjson::SizeType i = 0; i < listed.Size(); ++i) {
    Entry entry{text(listed[i]["partner"]), text(listed[i]["siao"])};
    if (!list.to_siao_.emplace(entry.partner, entry.siao).second)
      problems.push_back({at("entries", i, "partner"), "\"" + entry.partner + "\" is listed twice: entries must be one to one"});
    if (!list.to_partner_.emplace(entry.siao, entry.partner).second)
      problems.push_back({at("entries", i, "siao"), "\"" + entry.siao + "\" is listed twice: entries must be one to one"});
    list.entries_.push_back(std::move(entry));
  }
  if (const auto only = doc.FindMember("outboundOnly"); only != doc.MemberEnd()) {
    for (rapidjson::SizeType i = 0; i < only->value.Size(); ++i) {
      const auto& item = only->value[i];
      OutboundOnly out{text(item["partner"]), {}};
      const auto& siao = item["siao"];
      for (rapidjson::SizeType j = 0; j < siao.Size(); ++j) {
        std::string code = text(siao[j]);
        if (!list.to_partner_.emplace(code, out.partner).second)
          problems.push_back({json::pointer_append(at("outboundOnly", i, "siao"), j),
                              "\"" + code + "\" already has a partner code: a SIAO code maps to one partner code"});
        out.siao.push_back(std::move(code));
      }
      list.outbound_only_.push_back(std::move(out));
    }
  }
  return list;
}

std::optional<std::string_view> CodeList::find(Direction direction, std::string_view code) const {
  const Index& index = direction == Direction::inbound ? to_siao_ : to_partner_;
  const auto found = index.find(code);
  if (found == index.end()) return std::nullopt;
  return std::string_view(found->second);
}

}  // namespace siao::mapping
