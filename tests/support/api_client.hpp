#pragma once
// The v2 API as a partner calls it: a key, JSON in and out.
#include <rapidjson/document.h>

#include <map>
#include <string>
#include <vector>

#include "tests/support/gateway_process.hpp"
#include "tests/support/http_client.hpp"

namespace siao::test {

struct ApiResult {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  rapidjson::Document json;  // null when the body is not JSON

  std::string header(const std::string& lower_name) const;
  std::string str(const char* pointer) const;  // the string at an RFC 6901 pointer, "" if none
  int integer(const char* pointer) const;
  const rapidjson::Value* at(const char* pointer) const;
  // Every `pointer` of the problem's `errors`, in order.
  std::vector<std::string> error_pointers() const;
};

class ApiClient {
 public:
  explicit ApiClient(int port, std::string key = kBackofficeKey) : http_(port), key_(std::move(key)) {}

  ApiResult get(const std::string& target, std::map<std::string, std::string> headers = {});
  ApiResult post(const std::string& target, const std::string& body, std::map<std::string, std::string> headers = {});
  ApiResult patch(const std::string& target, const std::string& body, const std::string& if_match,
                  std::map<std::string, std::string> headers = {});
  ApiResult send(const std::string& method, const std::string& target, const std::string& body,
                 std::map<std::string, std::string> headers);

 private:
  HttpClient http_;
  std::string key_;
};

// A household body with `members` given as JSON objects.
std::string household_body(const std::string& territory, const std::vector<std::string>& members);
std::string person_json(const std::string& role, const std::string& last_name, const std::string& sex,
                        const std::string& birth_date = "", const std::string& first_name = "Marie");

}  // namespace siao::test
