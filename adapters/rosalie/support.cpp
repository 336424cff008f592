#include "adapters/rosalie/support.hpp"

#include <rapidjson/error/en.h>

#include <charconv>

#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::adapters::rosalie {

const mapping::Mapping& mapping_of(const audit::Exchange& ex) {
  const auto* client = ex.caller();
  if (!client || !client->mapping)
    throw std::logic_error("the contract of " + std::string(ex.client_id()) +
                           " names no mapping for the rosalie adapter (adapter.mapping)");
  return *client->mapping;
}

std::string_view partner_of(const audit::Exchange& ex) { return ex.client().id; }

void check_key(const rapidjson::Value& object, const char* name, const std::string& pointer,
               std::vector<http::FieldError>& errors) {
  const auto alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  const auto key = string_at(object, name);
  bool ok = !key.empty() && key.size() <= 64 && alnum(key[0]);
  for (std::size_t i = 1; ok && i < key.size(); ++i)
    ok = alnum(key[i]) || key[i] == '.' || key[i] == '_' || key[i] == ':' || key[i] == '-';
  if (!ok && object.IsObject() && object.HasMember(name))
    errors.push_back({pointer, "must be 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or a digit"});
}

rapidjson::Document rosalie_body(const audit::Exchange& ex, const json::SchemaSet& schemas, std::string_view schema,
                                 std::initializer_list<const char*> keys) {
  const auto& req = ex.request();
  auto type = req.header("content-type");
  std::string_view media = type ? type->substr(0, type->find(';')) : std::string_view();
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  constexpr std::string_view kJson = "application/json";
  bool json = media.size() == kJson.size();
  for (std::size_t i = 0; json && i < media.size(); ++i)
    json = std::tolower(static_cast<unsigned char>(media[i])) == kJson[i];
  if (!json) refuse(415, "unsupported-media-type", "The body must be application/json.");
  auto doc = json::parse_body(req.body);
  auto errors = schemas.validate(schema, doc);
  for (const char* key : keys) check_key(doc, key, std::string("/") + key, errors);
  if (!errors.empty()) unprocessable(std::move(errors), "The body does not match the " + std::string(schema) + " schema.");
  return doc;
}

rapidjson::Document translate_in(const mapping::Mapping& m, std::string_view document, const rapidjson::Value& body) {
  try {
    return m.translate(document, mapping::Direction::inbound, body);
  } catch (const mapping::TranslationError& e) {
    std::vector<http::FieldError> errors;
    errors.reserve(e.problems.size());
    for (const auto& p : e.problems) errors.push_back({p.pointer, p.message});
    unprocessable(std::move(errors), "Some values have no translation for SIAO.");
  }
}

rapidjson::Document translate_out(const mapping::Mapping& m, std::string_view document, const rapidjson::Value& canonical) {
  try {
    return m.translate(document, mapping::Direction::outbound, canonical);
  } catch (const mapping::TranslationError& e) {
    // What SIAO holds has no Rosalie form: never a silent drop, never a half answer.
    throw std::runtime_error("mapping " + m.id() + " " + m.version() + " cannot translate a " + std::string(document) +
                             " for Rosalie: " + e.what());
  }
}

rapidjson::Document parse_canonical(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject())
    throw std::logic_error(std::string("a canonical answer is not a JSON object: ") +
                           rapidjson::GetParseError_En(doc.GetParseError()));
  return doc;
}

std::string text_of(const rapidjson::Value& value) {
  return resources::json_text([&](resources::JsonWriter& w) { value.Accept(w); });
}

std::string_view view(const rapidjson::Value& string_value) {
  return {string_value.GetString(), string_value.GetStringLength()};
}

std::string_view string_at(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return view(it->value);
}

const rapidjson::Value& member_at(const rapidjson::Value& object, const char* name) {
  static const rapidjson::Value null;
  if (!object.IsObject()) return null;
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? null : it->value;
}

std::int64_t id_at(const rapidjson::Value& object, const char* name) {
  auto text = string_at(object, name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw std::logic_error(std::string("a canonical answer has no id in ") + name);
  return id;
}

http::Response json_answer(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

void refuse(int status, std::string slug, std::string detail, std::vector<http::FieldError> errors) {
  auto p = http::make_problem(status, std::move(slug), std::move(detail));
  p.errors = std::move(errors);
  throw http::HttpError(std::move(p));
}

void unprocessable(std::vector<http::FieldError> errors, std::string detail) {
  refuse(422, "validation-failed", std::move(detail), std::move(errors));
}

void require_full_date(std::string_view iso, const char* pointer) {
  if (iso.size() != 10) unprocessable({{pointer, "must be a full date JJ/MM/AAAA"}});
}

}  // namespace siao::adapters::rosalie
