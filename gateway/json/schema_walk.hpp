#pragma once
// Where subschemas sit inside a JSON Schema (draft 7), for the code that checks, bundles and links
// schema documents. Only the keywords SchemaSet accepts carry subschemas here; schema_lint refuses the others.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "gateway/json/pointer.hpp"

namespace siao::json {

inline std::string_view name_of(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// Calls fn(subschema, pointer) for `schema` and every subschema below it, parents first.
// V is rapidjson::Value or const rapidjson::Value.
template <typename V, typename F>
void visit_subschemas(V& schema, const std::string& pointer, F& fn) {
  fn(schema, pointer);
  if (!schema.IsObject()) return;
  for (auto& member : schema.GetObject()) {
    const std::string_view key = name_of(member.name);
    auto& value = member.value;
    const std::string here = pointer_append(pointer, key);
    if (key == "properties" || key == "definitions") {
      if (!value.IsObject()) continue;
      for (auto& entry : value.GetObject()) visit_subschemas(entry.value, pointer_append(here, name_of(entry.name)), fn);
    } else if (key == "allOf" || key == "anyOf" || key == "oneOf") {
      if (!value.IsArray()) continue;
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) visit_subschemas(value[i], pointer_append(here, i), fn);
    } else if (key == "additionalProperties" || key == "items" || key == "not" || key == "if" || key == "then" ||
               key == "else") {
      if (value.IsObject() || value.IsBool()) visit_subschemas(value, here, fn);
    }
  }
}

// A `$ref` as SchemaSet allows it: "file.schema.json", "file.schema.json#/pointer" or "#/pointer".
struct SchemaRef {
  std::string file;     // empty: the referring document itself
  std::string pointer;  // RFC 6901, "" for the whole document
};

// Returns false when `ref` has another form (an absolute URI, a fragment that is not a pointer...).
bool split_ref(std::string_view ref, SchemaRef& out);

}  // namespace siao::json
