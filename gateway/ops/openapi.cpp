#include "gateway/ops/openapi.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace siao::ops {

namespace {

constexpr const char* kBase = R"json({
 "openapi":"3.1.0",
 "info":{"title":"siao-gateway","summary":"The interconnection gateway of SI SIAO",
   "description":"Partner systems exchange person, household and request data with SI SIAO through this gateway. SIAO mints every identifier and keeps every version.",
   "license":{"name":"Licence Ouverte 2.0","identifier":"etalab-2.0"}},
 "servers":[{"url":"/"}],
 "security":[{"bearer":[]}],
 "paths":{},
 "components":{
  "securitySchemes":{"bearer":{"type":"http","scheme":"bearer","description":"The API key of the partner's contract"}},
  "schemas":{
   "Problem":{"type":"object","required":["type","title","status","traceId"],
    "properties":{"type":{"type":"string"},"title":{"type":"string"},"status":{"type":"integer"},
     "detail":{"type":"string"},"traceId":{"type":"string"},
     "errors":{"type":"array","items":{"type":"object","required":["pointer","message"],
       "properties":{"pointer":{"type":"string"},"message":{"type":"string"}}}},
     "allowed":{"type":"array","items":{"type":"string"}}}}},
  "responses":{
   "Problem":{"description":"A problem (RFC 9457)","content":{"application/problem+json":{"schema":{"$ref":"#/components/schemas/Problem"}}}},
   "Unavailable":{"description":"Not available now; retry after the Retry-After delay",
    "headers":{"Retry-After":{"schema":{"type":"integer"}}},
    "content":{"application/problem+json":{"schema":{"$ref":"#/components/schemas/Problem"}}}}}}
})json";

std::string lower_method(http::Method m) {
  std::string s(http::method_name(m));
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Points every $ref of a schema file at where the file sits in the document.
void rewrite_refs(rapidjson::Value& v, const std::string& owner, rapidjson::Document::AllocatorType& alloc) {
  if (v.IsArray()) {
    for (auto& item : v.GetArray()) rewrite_refs(item, owner, alloc);
    return;
  }
  if (!v.IsObject()) return;
  for (auto& m : v.GetObject()) {
    if (std::string_view(m.name.GetString()) == "$ref" && m.value.IsString()) {
      std::string ref = m.value.GetString();
      auto hash = ref.find('#');
      std::string file = ref.substr(0, hash);
      std::string fragment = hash == std::string::npos ? "" : ref.substr(hash + 1);
      std::string name = owner;
      if (!file.empty()) name = file.substr(0, file.find(".schema.json"));
      m.value.SetString(("#/components/schemas/" + name + fragment).c_str(), alloc);
    } else {
      rewrite_refs(m.value, owner, alloc);
    }
  }
}

}  // namespace

std::string build_openapi(const http::Router& router, std::string_view version, const NamedSchemas& schemas) {
  rapidjson::Document doc;
  doc.Parse(kBase);
  if (doc.HasParseError()) throw std::logic_error("OpenAPI base document is not valid JSON");
  auto& alloc = doc.GetAllocator();
  doc["info"].AddMember("version", rapidjson::Value(version.data(), static_cast<rapidjson::SizeType>(version.size()), alloc), alloc);
  auto& components = doc["components"]["schemas"];
  for (const auto& [name, schema] : schemas) {
    rapidjson::Value copy(*schema, alloc);
    if (copy.IsObject()) copy.RemoveMember("$schema");  // OpenAPI 3.1 sets the dialect itself
    rewrite_refs(copy, name, alloc);
    components.AddMember(rapidjson::Value(name.c_str(), alloc), copy, alloc);
  }
  auto& paths = doc["paths"];
  for (const auto& route : router.routes()) {
    rapidjson::Document op(&alloc);
    op.Parse(route.operation.c_str());
    if (op.HasParseError() || !op.IsObject())
      throw std::logic_error("the OpenAPI operation of " + route.pattern + " is not a JSON object");
    if (!paths.HasMember(route.pattern.c_str()))
      paths.AddMember(rapidjson::Value(route.pattern.c_str(), alloc), rapidjson::Value(rapidjson::kObjectType), alloc);
    paths[route.pattern.c_str()].AddMember(rapidjson::Value(lower_method(route.method).c_str(), alloc),
                                           rapidjson::Value(op, alloc), alloc);
  }
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  doc.Accept(w);
  return {out.GetString(), out.GetSize()};
}

}  // namespace siao::ops
