#include "gateway/resources/housing_request.hpp"

namespace siao::resources {

namespace {
void put_raw(JsonWriter& w, std::string_view key, const std::optional<std::string>& json) {
  put(w, key);
  if (json) w.RawValue(json->data(), json->size(), rapidjson::kObjectType);
  else w.Null();
}
}  // namespace

void write_json(JsonWriter& w, const HousingRequest& r) {
  w.StartObject();
  put_id(w, "id", r.id);
  put_id(w, "householdId", r.household_id);
  put(w, "kind", r.kind);
  put(w, "territory", r.territory);
  put(w, "status", r.status);
  put(w, "requestedServices", r.requested_services);
  put(w, "submittedAt", r.submitted_at);
  put_raw(w, "orientation", r.orientation);
  put_raw(w, "proposal", r.proposal);
  put_raw(w, "placement", r.placement);
  put(w, "history");
  w.RawValue(r.history.data(), r.history.size(), rapidjson::kArrayType);
  put_metadata(w, r.meta);
  w.EndObject();
}

std::string to_json(const HousingRequest& r) {
  return resources::json_text([&](JsonWriter& w) { write_json(w, r); });
}

}  // namespace siao::resources
