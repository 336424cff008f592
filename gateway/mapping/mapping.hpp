#pragma once
// A declarative mapping between a partner's format and the canonical v2 model (docs/mapping.md): a mapping
// file and its code lists, loaded and checked once, then applied to every exchange without re-parsing.
// Immutable once loaded: one instance is shared by every request thread.
#include <rapidjson/document.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace siao::json {
class SchemaSet;
}

namespace siao::mapping {

enum class Direction { inbound, outbound };  // inbound: partner -> canonical; outbound: canonical -> partner

struct Problem {
  std::string pointer;  // RFC 6901, into the SOURCE document
  std::string message;
};

// Every problem of one translation; nothing was translated.
class TranslationError : public std::runtime_error {
 public:
  explicit TranslationError(std::vector<Problem> problems_found);
  std::vector<Problem> problems;
};

// Every problem of a mapping and its code lists, each "FILE: /pointer: message"; nothing was loaded.
class LoadError : public std::runtime_error {
 public:
  explicit LoadError(std::vector<std::string> problems_found);
  std::vector<std::string> problems;
};

class CodeList;

class Mapping {
 public:
  // Validates the file (schema "mapping") and its code lists (schema "code-list"), resolves every function,
  // pointer, code list and document reference. Throws LoadError.
  static std::shared_ptr<const Mapping> load(const std::filesystem::path& file, const json::SchemaSet& schemas);
  ~Mapping();
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  const std::string& id() const;
  const std::string& version() const;
  // SHA-256 of the manifest of the mapping file and every code list it declares (docs/mapping.md): equal
  // digests prove the same rules, so a replay can show it ran the exact translation.
  const std::string& sha256() const;

  bool has(std::string_view document) const;  // with rules in either direction

  // The rules of `document` in `direction` applied to `source` (an object from parse_body, or built by the
  // gateway: depth-bounded). Throws TranslationError listing every problem, each pointed into `source`;
  // std::invalid_argument when the mapping has no such rules. The result shares no memory with `source`
  // or the mapping.
  rapidjson::Document translate(std::string_view document, Direction direction, const rapidjson::Value& source) const;

  // For a problem found later in a translated (inbound) document: the pointer in the partner's document its
  // value came from ("/members/1/birthDate" -> "/personnes/1/dateNaissance"), or the nearest array element
  // that made the target's element; nullopt when no rule wrote it (a constant, a member nothing maps).
  std::optional<std::string> source_pointer(std::string_view document, std::string_view target_pointer) const;

  // One code of a list, either way (outbound includes outbound-only codes); nullopt when the list has none.
  // Throws std::invalid_argument for a list the mapping does not declare.
  std::optional<std::string> code(std::string_view list, Direction direction, std::string_view value) const;

  // A top-level member of the mapping file, as loaded and validated, that the engine itself does not
  // interpret: "routes", read by the declarative adapter (docs/mapping.md). nullptr when absent.
  const rapidjson::Value* member(std::string_view name) const;

  const CodeList* code_list(std::string_view name) const;  // nullptr when not declared
  std::vector<std::string> code_list_names() const;         // sorted

  struct Impl;

 private:
  explicit Mapping(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace siao::mapping
