#include "gateway/json/schema_lint.hpp"

#include <rapidjson/pointer.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "gateway/json/schema_walk.hpp"

namespace siao::json {
namespace {

constexpr std::array<std::string_view, 10> kAnnotations = {
    "$schema", "$id", "$comment", "title", "description", "default", "examples", "readOnly", "writeOnly", "deprecated"};

// What the explanation of violations understands; anything else would be validated by valijson
// but reported as a bare "does not match the schema".
constexpr std::array<std::string_view, 29> kKeywords = {
    "type",      "enum",      "const",         "properties",    "additionalProperties", "required",
    "items",     "minItems",  "maxItems",      "uniqueItems",   "minLength",            "maxLength",
    "pattern",   "minProperties", "maxProperties", "minimum",   "maximum",              "exclusiveMinimum",
    "exclusiveMaximum", "$ref", "allOf",       "anyOf",         "oneOf",                "not",
    "if",        "then",      "else",          "definitions",   "x-message"};

constexpr std::array<std::string_view, 7> kTypes = {"string", "integer", "number", "boolean", "object", "array", "null"};

template <std::size_t N>
bool among(const std::array<std::string_view, N>& set, std::string_view key) {
  return std::find(set.begin(), set.end(), key) != set.end();
}

class Linter {
 public:
  Linter(std::string_view file, const SchemaFiles& files, RegexMap& regexes)
      : file_(file), files_(files), regexes_(regexes) {}

  void operator()(const rapidjson::Value& schema, const std::string& at) {
    at_ = &at;
    if (schema.IsBool()) return;
    if (!schema.IsObject()) fail("a schema must be an object or a boolean");
    for (const auto& member : schema.GetObject()) keyword(schema, name_of(member.name), member.value);
    if (schema.HasMember("$ref")) ref(schema);
    if (admits_strings(schema) && !schema.HasMember("maxLength") && !schema.HasMember("enum") &&
        !schema.HasMember("const")) {
      fail("a string needs maxLength (or enum, or const)");
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(std::string(file_) + ": " + (at_->empty() ? "/" : *at_) + ": " + what);
  }

  static bool admits_strings(const rapidjson::Value& schema) {
    auto type = schema.FindMember("type");
    if (type == schema.MemberEnd()) return false;
    if (type->value.IsString()) return name_of(type->value) == "string";
    for (const auto& t : type->value.GetArray()) {
      if (name_of(t) == "string") return true;
    }
    return false;
  }

  void count(std::string_view key, const rapidjson::Value& v) const {
    if (!v.IsUint64()) fail(std::string(key) + " must be a non-negative integer");
  }

  void subschema(std::string_view key, const rapidjson::Value& v) const {
    if (!v.IsObject() && !v.IsBool()) fail(std::string(key) + " must be a schema");
  }

  void keyword(const rapidjson::Value& schema, std::string_view key, const rapidjson::Value& v) {
    if (among(kAnnotations, key)) {
      if (key == "$schema" && !(v.IsString() && (name_of(v) == "http://json-schema.org/draft-07/schema#" ||
                                                 name_of(v) == "http://json-schema.org/draft-07/schema"))) {
        fail("$schema must be draft 7 (http://json-schema.org/draft-07/schema#)");
      }
      return;
    }
    if (key == "x-readOnly") {
      const auto additional = schema.FindMember("additionalProperties");
      if (!v.IsArray() || !std::all_of(v.Begin(), v.End(), [](const auto& n) { return n.IsString(); })) {
        fail("x-readOnly must be an array of member names");
      }
      if (additional == schema.MemberEnd() || !additional->value.IsFalse()) {
        fail("x-readOnly only applies beside additionalProperties: false");
      }
      return;
    }
    if (key == "format") {
      fail("format is not supported: valijson checks it with std::regex before maxLength can bound the string");
    }
    if (!among(kKeywords, key)) {
      if (key.substr(0, 2) == "x-") return;  // other vendor extensions are annotations
      fail("unsupported keyword " + std::string(key));
    }
    if (key == "type") {
      const bool ok = v.IsString() ? among(kTypes, name_of(v))
                                   : v.IsArray() && !v.Empty() && std::all_of(v.Begin(), v.End(), [](const auto& t) {
                                       return t.IsString() && among(kTypes, name_of(t));
                                     });
      if (!ok) fail("type must be a type name or a non-empty array of type names");
    } else if (key == "enum" || key == "allOf" || key == "anyOf" || key == "oneOf") {
      if (!v.IsArray() || v.Empty()) fail(std::string(key) + " must be a non-empty array");
      if (key != "enum") {
        for (const auto& branch : v.GetArray()) subschema(key, branch);
      }
    } else if (key == "required") {
      if (!v.IsArray() || !std::all_of(v.Begin(), v.End(), [](const auto& n) { return n.IsString(); })) {
        fail("required must be an array of member names");
      }
    } else if (key == "properties" || key == "definitions") {
      if (!v.IsObject()) fail(std::string(key) + " must be an object");
    } else if (key == "items" || key == "additionalProperties" || key == "not" || key == "if" || key == "then" ||
               key == "else") {
      subschema(key, v);  // `items` as an array of schemas is refused here too
    } else if (key == "minItems" || key == "maxItems" || key == "minLength" || key == "maxLength" ||
               key == "minProperties" || key == "maxProperties") {
      count(key, v);
    } else if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" || key == "exclusiveMaximum") {
      if (!v.IsNumber()) fail(std::string(key) + " must be a number");
    } else if (key == "uniqueItems") {
      if (!v.IsBool()) fail("uniqueItems must be a boolean");
      const auto max = schema.FindMember("maxItems");
      if (v.IsTrue() && (max == schema.MemberEnd() || !max->value.IsUint64() || max->value.GetUint64() > kMaxUniqueItems)) {
        fail("uniqueItems needs maxItems of at most " + std::to_string(kMaxUniqueItems));
      }
    } else if (key == "pattern") {
      pattern(schema, v);
    } else if (key == "x-message") {
      if (!v.IsString()) fail("x-message must be a string");
    }
  }

  void pattern(const rapidjson::Value& schema, const rapidjson::Value& v) {
    if (!v.IsString()) fail("pattern must be a string");
    const auto max = schema.FindMember("maxLength");
    if (max == schema.MemberEnd() || !max->value.IsUint64() || max->value.GetUint64() > kMaxPatternInput) {
      fail("pattern needs maxLength of at most " + std::to_string(kMaxPatternInput) + " beside it");
    }
    const std::string text(name_of(v));
    if (regexes_.contains(text)) return;
    try {
      regexes_.emplace(text, std::regex(text));
    } catch (const std::regex_error& e) {
      fail("pattern " + text + " does not compile: " + e.what());
    }
  }

  void ref(const rapidjson::Value& schema) {
    const rapidjson::Value& v = schema["$ref"];
    SchemaRef target;
    if (!v.IsString() || !split_ref(name_of(v), target)) {
      fail("$ref must be \"file.schema.json\", \"file.schema.json#/pointer\" or \"#/pointer\"");
    }
    // Draft 7 ignores every keyword beside $ref: one there would silently do nothing.
    for (const auto& member : schema.GetObject()) {
      const std::string_view key = name_of(member.name);
      if (key != "$ref" && !among(kAnnotations, key)) fail("keyword " + std::string(key) + " beside $ref is ignored");
    }
    const std::string& file = target.file.empty() ? std::string(file_) : target.file;
    const auto doc = files_.find(file);
    if (doc == files_.end()) fail("$ref to " + file + ", which is not in the schema directory");
    const rapidjson::Pointer pointer(target.pointer.c_str(), target.pointer.size());
    if (!pointer.IsValid() || pointer.Get(doc->second) == nullptr) fail("$ref to " + std::string(name_of(v)) + ": no such node");
  }

  std::string_view file_;
  const SchemaFiles& files_;
  RegexMap& regexes_;
  const std::string* at_ = nullptr;
};

}  // namespace

void lint_schema(std::string_view file, const SchemaFiles& files, RegexMap& regexes) {
  const rapidjson::Document& doc = files.find(file)->second;
  Linter linter(file, files, regexes);
  if (!doc.IsObject()) {
    throw std::runtime_error(std::string(file) + ": the document must be a schema object");
  }
  visit_subschemas(doc, std::string(), linter);
}

}  // namespace siao::json
