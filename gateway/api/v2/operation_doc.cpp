#include "gateway/api/v2/operation_doc.hpp"

#include <algorithm>

#include "gateway/http/problem.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::api::v2 {

using resources::JsonWriter;
using resources::put;

namespace {

void schema_ref(JsonWriter& w, const std::string& name) {
  w.StartObject();
  put(w, "$ref", "#/components/schemas/" + name);
  w.EndObject();
}

void parameter(JsonWriter& w, const std::string& name, const char* in, bool required, const char* pattern) {
  w.StartObject();
  put(w, "name", name);
  put(w, "in", in);
  put(w, "required");
  w.Bool(required);
  put(w, "schema");
  w.StartObject();
  put(w, "type", "string");
  if (pattern) put(w, "pattern", pattern);
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::string operation_json(const OperationDoc& d) {
  return resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    put(w, "summary", d.summary);
    put(w, "tags");
    w.StartArray();
    put(w, d.tag);
    w.EndArray();
    put(w, "description", "Scope: `" + d.scope + "`.");
    // For tools (contract check) and partners' generators: what the operation needs, by name.
    put(w, "x-scope", d.scope);
    if (!d.request_schema.empty()) put(w, "x-requestSchema", d.request_schema);
    put(w, "parameters");
    w.StartArray();
    for (const auto& p : d.path_params) parameter(w, p, "path", true, "^[0-9]{8}$");
    for (const auto& q : d.query_params) parameter(w, q, "query", false, nullptr);
    if (d.merge_patch) parameter(w, "If-Match", "header", true, nullptr);
    if (d.idempotent_post) parameter(w, "Idempotency-Key", "header", false, nullptr);
    parameter(w, "traceparent", "header", false, nullptr);
    parameter(w, "X-Request-Id", "header", false, nullptr);
    w.EndArray();
    if (!d.request_schema.empty()) {
      put(w, "requestBody");
      w.StartObject();
      put(w, "required");
      w.Bool(true);
      put(w, "content");
      w.StartObject();
      put(w, d.merge_patch ? "application/merge-patch+json" : "application/json");
      w.StartObject();
      put(w, "schema");
      schema_ref(w, d.request_schema);
      w.EndObject();
      w.EndObject();
      w.EndObject();
    }
    put(w, "responses");
    w.StartObject();
    put(w, std::to_string(d.status));
    w.StartObject();
    put(w, "description", http::reason_phrase(d.status));
    put(w, "content");
    w.StartObject();
    put(w, "application/json");
    w.StartObject();
    put(w, "schema");
    if (d.response_schema.rfind("list:", 0) == 0) {
      w.StartObject();
      put(w, "type", "object");
      put(w, "required");
      w.StartArray();
      put(w, "items");
      put(w, "next");
      w.EndArray();
      put(w, "properties");
      w.StartObject();
      put(w, "items");
      w.StartObject();
      put(w, "type", "array");
      put(w, "items");
      schema_ref(w, d.response_schema.substr(5));
      w.EndObject();
      put(w, "next");
      w.StartObject();
      put(w, "type");
      w.StartArray();
      put(w, "string");
      put(w, "null");
      w.EndArray();
      w.EndObject();
      w.EndObject();
      w.EndObject();
    } else {
      schema_ref(w, d.response_schema);
    }
    w.EndObject();
    w.EndObject();
    w.EndObject();
    // Every API operation may meet its contract's quota.
    auto problems = d.problems;
    if (std::find(problems.begin(), problems.end(), 429) == problems.end()) problems.push_back(429);
    for (int status : problems) {
      put(w, std::to_string(status));
      w.StartObject();
      put(w, "$ref", status == 503 ? "#/components/responses/Unavailable" : "#/components/responses/Problem");
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
  });
}

}  // namespace siao::api::v2
