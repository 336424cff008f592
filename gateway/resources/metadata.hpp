#pragma once
#include <string>

#include "gateway/resources/json_out.hpp"

namespace siao::resources {

// What every resource carries about its own versions.
struct Metadata {
  int version = 1;
  std::string created_at;  // RFC 3339 UTC
  std::string updated_at;
  std::string updated_by;  // client id of the contract that made the change
};

inline void put_metadata(JsonWriter& w, const Metadata& m) {
  put(w, "version");
  w.Int(m.version);
  put(w, "createdAt", m.created_at);
  put(w, "updatedAt", m.updated_at);
  put(w, "updatedBy", m.updated_by);
}

inline std::string etag(const Metadata& m) { return "\"" + std::to_string(m.version) + "\""; }

}  // namespace siao::resources
