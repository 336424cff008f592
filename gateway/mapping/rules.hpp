#pragma once
// A mapping as compiled at load: pointers parsed, functions and code lists resolved, document references
// linked. What translate and source_pointer walk; never changed after load.
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/mapping/code_list.hpp"
#include "gateway/mapping/functions.hpp"
#include "gateway/mapping/mapping.hpp"
#include "gateway/mapping/path.hpp"

namespace siao::mapping {

struct Condition {
  Path path;                        // relative to the current source object
  const rapidjson::Value* equals;  // in the mapping file
};

struct Rule;
using RuleList = std::vector<Rule>;

struct Rule {
  enum class Kind { value, constant, each };
  Kind kind = Kind::value;
  Path from;  // value: the source member; each: the source array
  Path to;
  std::vector<const Function*> fns;
  const CodeList* codes = nullptr;
  std::string codes_name;
  const rapidjson::Value* constant = nullptr;  // in the mapping file
  const rapidjson::Value* fallback = nullptr;  // "default", in the mapping file
  std::optional<Condition> when;
  bool omit_null = false;
  bool unique = false;
  // each: the rules applied to every element, inline or another document's (in the same direction).
  std::unique_ptr<RuleList> inline_rules;
  std::string document;
  const RuleList* rules = nullptr;
  std::string at;  // the rule's pointer in the mapping file

  // Whether a pointer below the target designates the same thing below the source (element by element).
  bool keeps_shape() const {
    if (unique) return false;
    for (const Function* f : fns)
      if (!f->keeps_shape) return false;
    return true;
  }
};

struct CompiledDocument {
  std::optional<RuleList> inbound;
  std::optional<RuleList> outbound;
  const std::optional<RuleList>& rules(Direction d) const { return d == Direction::inbound ? inbound : outbound; }
};

struct Mapping::Impl {
  rapidjson::Document file;  // as parsed: constants, defaults and conditions point into it
  std::string id;
  std::string version;
  std::string sha256;
  std::map<std::string, CodeList, std::less<>> lists;
  std::map<std::string, CompiledDocument, std::less<>> documents;
};

// A document or code list name: a letter, then letters, digits, _ or -; at most 64.
bool valid_name(std::string_view name);

// Compiles impl.file["documents"] (valid against the mapping schema, code lists already in impl.lists).
// Adds a problem, pointed into the mapping file, for every rule that cannot work.
void compile_documents(Mapping::Impl& impl, std::vector<Problem>& problems);

// Applies `rules` to the object `source`. Throws TranslationError.
rapidjson::Document apply_rules(const RuleList& rules, Direction direction, const rapidjson::Value& source);

// The source pointer of an inbound target pointer (see Mapping::source_pointer).
std::optional<std::string> trace_source(const RuleList& rules, std::string_view target_pointer);

}  // namespace siao::mapping
