#pragma once
// Persons as partners write them: a new person from its schema-valid body, and
// a merge patch (RFC 7396) applied to a stored one.
#include <rapidjson/document.h>

#include <string_view>

#include "gateway/resources/person.hpp"

namespace siao::api::v2 {

// `pointer` is where this person sits in the body ("" or "/members/2"), for errors.
resources::Person person_from_body(const rapidjson::Value& body, std::string_view pointer);
void apply_person_patch(resources::Person& person, const rapidjson::Value& patch);

}  // namespace siao::api::v2
