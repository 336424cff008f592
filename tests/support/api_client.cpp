#include "tests/support/api_client.hpp"

#include <rapidjson/pointer.h>

namespace siao::test {

std::string ApiResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

const rapidjson::Value* ApiResult::at(const char* pointer) const {
  if (!json.IsObject() && !json.IsArray()) return nullptr;
  return rapidjson::Pointer(pointer).Get(json);
}

std::string ApiResult::str(const char* pointer) const {
  const auto* v = at(pointer);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

int ApiResult::integer(const char* pointer) const {
  const auto* v = at(pointer);
  return v && v->IsInt() ? v->GetInt() : -1;
}

std::vector<std::string> ApiResult::error_pointers() const {
  std::vector<std::string> out;
  const auto* errors = at("/errors");
  if (!errors || !errors->IsArray()) return out;
  for (const auto& e : errors->GetArray())
    if (e.HasMember("pointer")) out.emplace_back(e["pointer"].GetString());
  return out;
}

ApiResult ApiClient::send(const std::string& method, const std::string& target, const std::string& body,
                          std::map<std::string, std::string> headers) {
  if (!key_.empty() && !headers.contains("Authorization")) headers["Authorization"] = "Bearer " + key_;
  if (!body.empty() && !headers.contains("Content-Type")) headers["Content-Type"] = "application/json";
  auto r = http_.request(method, target, body, headers);
  ApiResult out;
  out.status = r.status;
  out.headers = std::move(r.headers);
  out.body = std::move(r.body);
  out.json.Parse(out.body.c_str());
  if (out.json.HasParseError()) out.json.SetNull();
  return out;
}

ApiResult ApiClient::get(const std::string& target, std::map<std::string, std::string> headers) {
  return send("GET", target, "", std::move(headers));
}

ApiResult ApiClient::post(const std::string& target, const std::string& body, std::map<std::string, std::string> headers) {
  return send("POST", target, body, std::move(headers));
}

ApiResult ApiClient::patch(const std::string& target, const std::string& body, const std::string& if_match,
                           std::map<std::string, std::string> headers) {
  headers["Content-Type"] = "application/merge-patch+json";
  if (!if_match.empty()) headers["If-Match"] = if_match;
  return send("PATCH", target, body, std::move(headers));
}

std::string household_body(const std::string& territory, const std::vector<std::string>& members) {
  std::string out = R"({"territory":")" + territory + R"(","members":[)";
  for (std::size_t i = 0; i < members.size(); ++i) out += (i ? "," : "") + members[i];
  return out + "]}";
}

std::string person_json(const std::string& role, const std::string& last_name, const std::string& sex,
                        const std::string& birth_date, const std::string& first_name) {
  std::string out = R"({"role":")" + role + R"(","lastName":")" + last_name + R"(","firstNames":[")" + first_name +
                    R"("],"sex":")" + sex + "\"";
  if (!birth_date.empty()) out += R"(,"birthDate":")" + birth_date + "\"";
  return out + "}";
}

}  // namespace siao::test
