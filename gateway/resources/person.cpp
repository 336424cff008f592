#include "gateway/resources/person.hpp"

namespace siao::resources {

void write_json(JsonWriter& w, const Person& p) {
  w.StartObject();
  put_id(w, "id", p.id);
  put_id(w, "householdId", p.household_id);
  put(w, "role", p.role);
  put(w, "lastName", p.last_name);
  put_nullable(w, "birthName", p.birth_name);
  put(w, "firstNames", p.first_names);
  put(w, "sex", p.sex);
  put_nullable(w, "birthDate", p.birth_date);
  put_nullable(w, "nationality", p.nationality);
  put_nullable(w, "phone", p.phone);
  put_nullable(w, "email", p.email);
  put(w, "status", p.status);
  put_id(w, "mergedInto", p.merged_into);
  put_metadata(w, p.meta);
  w.EndObject();
}

std::string to_json(const Person& p) {
  return resources::json_text([&](JsonWriter& w) { write_json(w, p); });
}

}  // namespace siao::resources
