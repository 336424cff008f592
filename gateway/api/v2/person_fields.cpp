#include "gateway/api/v2/person_fields.hpp"

#include "gateway/api/v2/support.hpp"
#include "gateway/domain/dates.hpp"

namespace siao::api::v2 {

namespace {

// The schema checks the shape; the calendar is checked here (31 February...).
std::optional<std::string> birth_date(const rapidjson::Value& body, std::string_view pointer) {
  auto value = optional_string(body, "birthDate");
  if (value && !domain::parse_partial_date(*value))
    unprocessable({{std::string(pointer) + "/birthDate", "is not a real date (YYYY, YYYY-MM or YYYY-MM-DD)"}});
  return value;
}

void set_optional(std::optional<std::string>& field, const rapidjson::Value& patch, const char* name) {
  auto it = patch.FindMember(name);
  if (it == patch.MemberEnd()) return;
  if (it->value.IsNull()) field.reset();
  else field = std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

resources::Person person_from_body(const rapidjson::Value& body, std::string_view pointer) {
  resources::Person p;
  p.role = body["role"].GetString();
  p.last_name = body["lastName"].GetString();
  p.birth_name = optional_string(body, "birthName");
  p.first_names = string_array(body["firstNames"]);
  p.sex = body["sex"].GetString();
  p.birth_date = birth_date(body, pointer);
  p.nationality = optional_string(body, "nationality");
  p.phone = optional_string(body, "phone");
  p.email = optional_string(body, "email");
  return p;
}

void apply_person_patch(resources::Person& p, const rapidjson::Value& patch) {
  if (auto v = optional_string(patch, "role")) p.role = *v;
  if (auto v = optional_string(patch, "lastName")) p.last_name = *v;
  if (auto v = optional_string(patch, "sex")) p.sex = *v;
  if (patch.HasMember("firstNames")) p.first_names = string_array(patch["firstNames"]);
  if (patch.HasMember("birthDate")) {
    auto date = birth_date(patch, "");
    p.birth_date = date;
  }
  set_optional(p.birth_name, patch, "birthName");
  set_optional(p.nationality, patch, "nationality");
  set_optional(p.phone, patch, "phone");
  set_optional(p.email, patch, "email");
}

}  // namespace siao::api::v2
