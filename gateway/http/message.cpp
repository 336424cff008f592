#include "gateway/http/message.hpp"

#include <array>

namespace siao::http {

namespace {
constexpr std::array<std::pair<std::string_view, Method>, 7> kMethods{{
    {"GET", Method::get},
    {"HEAD", Method::head},
    {"POST", Method::post},
    {"PUT", Method::put},
    {"PATCH", Method::patch},
    {"DELETE", Method::del},
    {"OPTIONS", Method::options},
}};
}  // namespace

std::string_view method_name(Method m) {
  for (const auto& [name, method] : kMethods)
    if (method == m) return name;
  return "OTHER";
}

Method parse_method(std::string_view name) {
  for (const auto& [known, method] : kMethods)
    if (known == name) return method;
  return Method::other;
}

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return std::nullopt;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [key, value] : query)
    if (key == name) return value;
  return std::nullopt;
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : path_params)
    if (key == name) return value;
  return {};
}

Response& Response::set(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

}  // namespace siao::http
