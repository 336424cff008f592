#pragma once
// The JSON Schemas of the partner API (schemas/*.schema.json): loaded and checked once at start-up,
// then shared read-only by every request thread. The same documents feed the OpenAPI document.
#include <rapidjson/document.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/http/problem.hpp"

namespace siao::json {

class SchemaSet {
 public:
  // Loads every `*.schema.json` in `dir` (draft 7); a schema is named by its file name without
  // `.schema.json` ("household-create"). `$ref` between files by relative file name
  // ("common.schema.json#/definitions/territory") resolves. Throws std::runtime_error naming the file on
  // any problem: unreadable, bad JSON, a keyword this class cannot explain (format, patternProperties...),
  // a pattern without a maxLength of at most kMaxPatternInput beside it, a string without maxLength, an
  // unresolvable or looping $ref, x-readOnly without additionalProperties: false.
  static std::shared_ptr<const SchemaSet> load(const std::filesystem::path& dir);

  ~SchemaSet();
  SchemaSet(const SchemaSet&) = delete;
  SchemaSet& operator=(const SchemaSet&) = delete;

  bool has(std::string_view name) const;

  // Every violation (the deepest ones, in document order, at most kMaxViolations), each with an RFC 6901
  // pointer into `doc` and a message for a partner developer; empty when `doc` is valid. A string that
  // contains U+0000 is a violation. `doc` is expected from parse_body (depth-bounded). Thread-safe.
  // Throws std::invalid_argument for a name that `has` denies.
  std::vector<http::FieldError> validate(std::string_view schema_name, const rapidjson::Value& doc) const;

  // The schema as written in its file, `$ref`s untouched. Throws std::invalid_argument for an unknown name.
  const rapidjson::Value& document(std::string_view name) const;

  std::vector<std::string> names() const;  // sorted

 private:
  struct Impl;
  explicit SchemaSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace siao::json
