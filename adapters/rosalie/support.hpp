#pragma once
// What every Rosalie handler shares: the services built at registration, the mapping the caller's contract
// names, Rosalie's body (415, 400, 422 pointing into it), translation problems as problems, and JSON text.
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/canonical.hpp"
#include "gateway/audit/exchange.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/mapping/mapping.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::adapters::rosalie {

inline constexpr std::string_view kBase = "/api/v1.1";

// Built once when the routes are registered; shared read-only by every request thread.
struct Services {
  const json::SchemaSet& schemas;
  const api::CanonicalApi& canonical;
};

// The mapping the caller's contract names (loaded and checked with the contract, at start-up and at each
// reload): the one whose version and digest the exchange's audit record keeps.
const mapping::Mapping& mapping_of(const audit::Exchange& ex);

// Rosalie's own keys are kept per partner: the caller's client id.
std::string_view partner_of(const audit::Exchange& ex);

// The request body: JSON (415 otherwise), well-formed (400), valid against `schema` (422, every violation
// pointed into Rosalie's body), its top-level `keys` well-formed (422).
rapidjson::Document rosalie_body(const audit::Exchange& ex, const json::SchemaSet& schemas, std::string_view schema,
                                 std::initializer_list<const char*> keys = {});

// Rosalie's keys appear in paths: 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or a
// digit. The member `name` of `object` (a key when present) is checked; a violation is added at `pointer`.
void check_key(const rapidjson::Value& object, const char* name, const std::string& pointer,
               std::vector<http::FieldError>& errors);

// `document`'s inbound rules applied to Rosalie's body: a value with no mapping is a 422 naming the field,
// the value and the code list.
rapidjson::Document translate_in(const mapping::Mapping& m, std::string_view document, const rapidjson::Value& body);
// Outbound: a value SIAO holds that Rosalie has no code for is the gateway's failure (500), logged.
rapidjson::Document translate_out(const mapping::Mapping& m, std::string_view document, const rapidjson::Value& canonical);

// A canonical answer's body (JSON the gateway wrote).
rapidjson::Document parse_canonical(const std::string& body);
std::string text_of(const rapidjson::Value& value);
std::string_view view(const rapidjson::Value& string_value);
std::string_view string_at(const rapidjson::Value& object, const char* name);  // "" when absent or not a string
// The member `name` of a canonical answer, or null when the answer lacks it (a contract's read rules may
// leave members out).
const rapidjson::Value& member_at(const rapidjson::Value& object, const char* name);
std::int64_t id_at(const rapidjson::Value& object, const char* name);          // an 8-digit id written as a string

http::Response json_answer(int status, std::string body);

[[noreturn]] void refuse(int status, std::string slug, std::string detail, std::vector<http::FieldError> errors = {});
[[noreturn]] void unprocessable(std::vector<http::FieldError> errors, std::string detail = "The request is invalid.");
// A full date JJ/MM/AAAA, once translated (YYYY-MM-DD): a partial one is refused at `pointer`.
void require_full_date(std::string_view iso, const char* pointer);

}  // namespace siao::adapters::rosalie
