#include "gateway/mapping/value_copy.hpp"

namespace siao::mapping {

void deep_copy(const rapidjson::Value& in, rapidjson::Value& out, rapidjson::Document::AllocatorType& alloc) {
  if (in.IsString()) {
    out.SetString(in.GetString(), in.GetStringLength(), alloc);
  } else if (in.IsArray()) {
    out.SetArray();
    out.Reserve(in.Size(), alloc);
    for (const auto& element : in.GetArray()) {
      rapidjson::Value copy;
      deep_copy(element, copy, alloc);
      out.PushBack(copy, alloc);
    }
  } else if (in.IsObject()) {
    out.SetObject();
    for (const auto& member : in.GetObject()) {
      rapidjson::Value name(member.name.GetString(), member.name.GetStringLength(), alloc);
      rapidjson::Value copy;
      deep_copy(member.value, copy, alloc);
      out.AddMember(name, copy, alloc);
    }
  } else {
    out.CopyFrom(in, alloc);  // a number, a boolean or null: nothing to share
  }
}

}  // namespace siao::mapping
