#include "gateway/json/valijson_errors.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <string_view>
#include <utility>

#include "gateway/json/pointer.hpp"

namespace siao::json {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The member name quoted at the end of a description: "... property 'lastName'." → lastName.
std::string quoted_name(std::string_view description, std::string_view prefix) {
  std::string_view rest = description.substr(prefix.size());
  if (rest.size() >= 2 && rest.substr(rest.size() - 2) == "'.") rest.remove_suffix(2);
  return std::string(rest);
}

std::string plain_message(std::string_view description) {
  const std::pair<std::string_view, std::string_view> known[] = {
      {"Value type not permitted", "has the wrong type"},
      {"Failed to match against any enum", "is not one of the allowed values"},
      {"Failed to match regex", "does not have the expected format"},
      {"String should be no more than", "is too long"},
      {"String should be no fewer than", "is too short"},
      {"Array should contain no more than", "has too many items"},
      {"Array should contain no fewer than", "has too few items"},
      {"Object should have no fewer than", "has too few members"},
      {"Object should have no more than", "has too many members"},
      {"Elements at indexes", "has duplicate items"},
  };
  for (const auto& [prefix, message] : known) {
    if (starts_with(description, prefix)) return std::string(message);
  }
  return std::string(description);
}

}  // namespace

std::string pointer_from_context(const std::vector<std::string>& context, const rapidjson::Value& doc) {
  std::string pointer;
  const rapidjson::Value* at = &doc;
  for (std::size_t i = 1; i < context.size(); ++i) {  // context[0] is "<root>"
    std::string_view token = context[i];
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') token = token.substr(1, token.size() - 2);
    std::size_t index = 0;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), index);
    if (at != nullptr && at->IsArray() && error == std::errc() && end == token.data() + token.size()) {
      pointer = pointer_append(pointer, index);
      at = index < at->Size() ? &(*at)[static_cast<rapidjson::SizeType>(index)] : nullptr;
      continue;
    }
    pointer = pointer_append(pointer, token);
    const rapidjson::Value name(rapidjson::StringRef(token.data(), token.size()));
    const auto found = at != nullptr && at->IsObject() ? at->FindMember(name) : rapidjson::Value::ConstMemberIterator();
    at = at != nullptr && at->IsObject() && found != at->MemberEnd() ? &found->value : nullptr;
  }
  return pointer;
}

std::vector<http::FieldError> from_valijson(const valijson::ValidationResults& results, const rapidjson::Value& doc) {
  constexpr std::string_view kRequired = "Missing required property '";
  constexpr std::string_view kUnknown =
      "Object contains a property that could not be validated using 'properties' or 'additionalProperties' "
      "constraints: '";
  std::vector<http::FieldError> errors;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& error : results) {
    const std::string_view description = error.description;
    // A oneOf matching several branches is a violation in its own right, not a summary.
    if (starts_with(description, "Failed to validate") &&
        !starts_with(description, "Failed to validate against exactly one")) {
      continue;
    }
    http::FieldError field{pointer_from_context(error.context, doc), {}};
    if (starts_with(description, kRequired)) {
      field.pointer = pointer_append(field.pointer, quoted_name(description, kRequired));
      field.message = "is required";
    } else if (starts_with(description, kUnknown)) {
      field.pointer = pointer_append(field.pointer, quoted_name(description, kUnknown));
      field.message = "unknown member";
    } else {
      field.message = plain_message(description);
    }
    if (seen.emplace(field.pointer, field.message).second) errors.push_back(std::move(field));
  }
  return errors;
}

}  // namespace siao::json
