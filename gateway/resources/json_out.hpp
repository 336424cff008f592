#pragma once
// Writing API JSON: one writer type and the few helpers every resource uses.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siao::resources {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void put(JsonWriter& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

inline void put(JsonWriter& w, std::string_view key, std::string_view value) {
  put(w, key);
  put(w, value);
}

// A missing value is written as null.
inline void put_nullable(JsonWriter& w, std::string_view key, const std::optional<std::string>& value) {
  put(w, key);
  if (value) put(w, *value);
  else w.Null();
}

inline void put_nullable(JsonWriter& w, std::string_view key, std::optional<std::string_view> value) {
  put(w, key);
  if (value) put(w, *value);
  else w.Null();
}

inline void put(JsonWriter& w, std::string_view key, const std::vector<std::string>& values) {
  put(w, key);
  w.StartArray();
  for (const auto& v : values) put(w, v);
  w.EndArray();
}

// Ids are strings of 8 digits in the API and bigints in the database.
inline void put_id(JsonWriter& w, std::string_view key, std::int64_t id) { put(w, key, std::to_string(id)); }

inline void put_id(JsonWriter& w, std::string_view key, const std::optional<std::int64_t>& id) {
  put(w, key);
  if (id) put(w, std::to_string(*id));
  else w.Null();
}

template <class Fill>
std::string json_text(Fill&& fill) {
  rapidjson::StringBuffer out;
  JsonWriter w(out);
  fill(w);
  return {out.GetString(), out.GetSize()};
}

}  // namespace siao::resources
