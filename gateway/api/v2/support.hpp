#pragma once
// What every v2 handler needs: bodies checked against their schema, ids from
// paths, preconditions, territory visibility, JSON answers.
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>

#include "gateway/audit/exchange.hpp"
#include "gateway/domain/identifiers.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/resources/metadata.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::api::v2 {

inline constexpr std::string_view kBase = "/api/v2";

// Parsed (400 when it is not JSON), valid against `schema` (422 listing every violation), and touching
// only fields the caller's contract may write (403 naming each other one).
rapidjson::Document checked_body(const audit::Exchange& ex, const json::SchemaSet& schemas, std::string_view schema);

// A search criterion on a field the caller may not read would reveal it: 403.
void ensure_searchable(const audit::Exchange& ex, domain::ResourceKind kind, std::string_view field,
                       std::string_view parameter);

// The path parameter `name` as an id of `kind`; anything else is a 404 (no such resource).
std::int64_t path_id(const http::Request& req, std::string_view name, domain::ResourceKind kind);

// The version If-Match names (0 for "*"): 428 without it, 412 when it is not one of ours.
int required_if_match(const http::Request& req);
// 412 unless `expected` is the current version.
void check_version(int expected, const resources::Metadata& current);

[[noreturn]] void not_found(std::string_view what);
// An absorbed (merged) resource: 301 to the one that absorbed it.
[[noreturn]] void moved_to(std::string location, std::string_view what);
[[noreturn]] void conflict(std::string slug, std::string detail);
[[noreturn]] void unprocessable(std::vector<http::FieldError> errors, std::string detail = "The request is invalid.");

// A resource outside the caller's territories does not exist for them.
void ensure_visible(const audit::Exchange& ex, std::string_view territory, std::string_view what);

http::Response json_response(int status, std::string body);
http::Response resource_response(int status, std::string body, const resources::Metadata& meta);

std::optional<std::string> optional_string(const rapidjson::Value& obj, const char* name);
std::vector<std::string> string_array(const rapidjson::Value& array);

// Paging: `limit` (1..500, default 50) and the opaque `after` cursor.
struct Page {
  int limit = 50;
  std::int64_t after = 0;
};
Page page_of(const http::Request& req);
std::string cursor_for(std::int64_t last_id);

std::string household_url(std::int64_t id);
std::string person_url(std::int64_t id);
std::string request_url(std::int64_t id);

}  // namespace siao::api::v2
