#pragma once
// The pieces a loaded set of schemas is made of, shared by the files that build and use them.
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <unordered_map>

namespace siao::json {

// Schema documents as read, by file name ("common.schema.json").
using SchemaFiles = std::map<std::string, rapidjson::Document, std::less<>>;

// Every `pattern` of a set, compiled once at load; matching against a const std::regex is thread-safe.
using RegexMap = std::map<std::string, std::regex, std::less<>>;

// A subschema holding a `$ref` → the subschema it designates, inside one bundled document.
using RefMap = std::unordered_map<const rapidjson::Value*, const rapidjson::Value*>;

// One schema with every document it refers to copied under its `definitions`, each `$ref` rewritten to a
// local "#/..." pointer. valijson 1.0 caches subschemas by JSON Pointer without the document's URI, so
// two files with a node at the same path would share one subschema: a single document makes every
// path unique. Held by pointer: RefMap keys are addresses inside it.
struct SchemaBundle {
  std::unique_ptr<rapidjson::Document> doc;
  RefMap refs;
};

}  // namespace siao::json
