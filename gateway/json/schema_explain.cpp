#include "gateway/json/schema_explain.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include "gateway/json/body.hpp"
#include "gateway/json/pointer.hpp"
#include "gateway/json/schema_walk.hpp"
#include "gateway/json/string_check.hpp"

namespace siao::json {
namespace {

using rapidjson::Value;

// Deeper documents than parse_body lets through are not explained past this depth.
constexpr std::size_t kMaxDepth = 2 * kMaxBodyDepth;

struct Path {
  std::string pointer;
  std::vector<std::size_t> order;  // position of each step in the document, to sort by
};

struct Found {
  std::vector<std::size_t> order;
  http::FieldError error;
};

class Step {
 public:
  Step(Path& path, std::string_view member, std::size_t position) : path_(path), size_(path.pointer.size()) {
    path.pointer = pointer_append(path.pointer, member);
    path.order.push_back(position);
  }
  Step(Path& path, std::size_t index) : path_(path), size_(path.pointer.size()) {
    path.pointer = pointer_append(path.pointer, index);
    path.order.push_back(index);
  }
  ~Step() {
    path_.pointer.resize(size_);
    path_.order.pop_back();
  }
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;

 private:
  Path& path_;
  std::size_t size_;
};

const Value* member(const Value& schema, std::string_view key) {
  const auto found = schema.FindMember(rapidjson::StringRef(key.data(), key.size()));
  return found == schema.MemberEnd() ? nullptr : &found->value;
}

// Strings as they are, anything else as JSON.
std::string render(const Value& v) {
  if (v.IsString()) return std::string(name_of(v));
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  v.Accept(writer);
  return {out.GetString(), out.GetSize()};
}

std::string count_message(std::string_view bound, std::uint64_t n, std::string_view noun) {
  return "must have " + std::string(bound) + " " + std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

bool type_matches(std::string_view type, const Value& v) {
  if (type == "string") return v.IsString();
  if (type == "integer") return v.IsInt64() || v.IsUint64();
  if (type == "number") return v.IsNumber();
  if (type == "boolean") return v.IsBool();
  if (type == "object") return v.IsObject();
  if (type == "array") return v.IsArray();
  return type == "null" && v.IsNull();
}

std::vector<std::string_view> type_names(const Value& schema) {
  const Value* type = member(schema, "type");
  if (type == nullptr) return {};
  if (type->IsString()) return {name_of(*type)};
  std::vector<std::string_view> names;
  for (const auto& t : type->GetArray()) names.push_back(name_of(t));
  return names;
}

std::string type_message(const std::vector<std::string_view>& types) {
  std::string out = "must be ";
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += i + 1 == types.size() ? " or " : ", ";
    const std::string_view t = types[i];
    out += t == "null" ? "" : (t == "integer" || t == "object" || t == "array") ? "an " : "a ";
    out += t;
  }
  return out;
}

class Explainer {
 public:
  Explainer(const SchemaContext& context, bool probe) : context_(context), probe_(probe) {}

  std::vector<Found> found;

  void check(const Value& schema, const Value& v, Path& path) {
    if (done()) return;
    if (schema.IsBool()) {
      if (schema.IsFalse()) fail(path, "is not allowed here");
      else scan(v, path);
      return;
    }
    if (auto target = context_.refs.find(&schema); target != context_.refs.end()) {
      check(*target->second, v, path);  // lint made sure nothing beside a $ref needs checking
      return;
    }
    if (path.order.size() > kMaxDepth || !check_type(schema, v, path)) return;
    check_value(schema, v, path);
    if (v.IsObject()) check_object(schema, v, path);
    if (v.IsArray()) check_array(schema, v, path);
    check_combinators(schema, v, path);
  }

 private:
  bool done() const { return found.size() >= (probe_ ? 1 : kMaxViolations); }

  void fail(const Path& at, std::string message) {
    if (!done()) found.push_back({at.order, {at.pointer, std::move(message)}});
  }

  static std::string message_or(const Value& schema, std::string fallback) {
    const Value* custom = member(schema, "x-message");
    return custom ? std::string(name_of(*custom)) : std::move(fallback);
  }

  bool passes(const Value& schema, const Value& v, Path& path) const {
    Explainer probe(context_, true);
    probe.check(schema, v, path);
    return probe.found.empty();
  }

  const Value& resolve(const Value* schema) const {
    for (auto target = context_.refs.find(schema); target != context_.refs.end(); target = context_.refs.find(schema)) {
      schema = target->second;
    }
    return *schema;
  }

  // A value no subschema looks into still may not carry a bad string.
  void scan(const Value& v, Path& path) {
    if (done() || path.order.size() > kMaxDepth) return;
    if (v.IsString()) {
      if (const char* problem = string_problem(name_of(v))) fail(path, problem);
    } else if (v.IsObject()) {
      std::size_t i = 0;
      for (const auto& m : v.GetObject()) {
        Step step(path, name_of(m.name), i++);
        if (const char* problem = string_problem(name_of(m.name))) fail(path, std::string("its name ") + problem);
        scan(m.value, path);
      }
    } else if (v.IsArray()) {
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        Step step(path, i);
        scan(v[i], path);
      }
    }
  }

  bool check_type(const Value& schema, const Value& v, const Path& path) {
    const std::vector<std::string_view> types = type_names(schema);
    if (types.empty() || std::any_of(types.begin(), types.end(), [&](auto t) { return type_matches(t, v); })) {
      return true;
    }
    fail(path, type_message(types));
    return false;
  }

  void check_value(const Value& schema, const Value& v, const Path& path) {
    if (const Value* expected = member(schema, "const"); expected && *expected != v) {
      return fail(path, message_or(schema, "must be " + render(*expected)));
    }
    if (const Value* allowed = member(schema, "enum")) {
      const auto values = allowed->GetArray();
      if (std::find(values.begin(), values.end(), v) == values.end()) {
        std::string list;
        for (const auto& a : values) list += (list.empty() ? "" : ", ") + render(a);
        return fail(path, message_or(schema, "must be one of: " + list));
      }
    }
    if (v.IsString()) {
      check_string(schema, name_of(v), path);
    } else if (v.IsNumber()) {
      check_number(schema, v, path);
    }
  }

  void check_string(const Value& schema, std::string_view s, const Path& path) {
    if (const char* problem = string_problem(s)) return fail(path, problem);
    const std::size_t length = code_points(s);
    if (const Value* max = member(schema, "maxLength"); max && length > max->GetUint64()) {
      return fail(path, "must be at most " + std::to_string(max->GetUint64()) + " characters long");
    }
    if (const Value* min = member(schema, "minLength"); min && length < min->GetUint64()) {
      const std::uint64_t n = min->GetUint64();
      return fail(path, n == 1 ? "must not be empty" : "must be at least " + std::to_string(n) + " characters long");
    }
    if (const Value* pattern = member(schema, "pattern")) {
      const auto regex = context_.regexes.find(name_of(*pattern));
      bool matched = false;
      try {
        matched = regex != context_.regexes.end() && std::regex_search(s.begin(), s.end(), regex->second);
      } catch (const std::regex_error&) {
        // Too complex for std::regex: refused, as valijson would fail it too.
      }
      if (!matched) fail(path, message_or(schema, "must match the pattern " + render(*pattern)));
    }
  }

  void check_number(const Value& schema, const Value& v, const Path& path) {
    struct Bound {
      const char* key;
      const char* words;
      bool (*holds)(double value, double bound);
    };
    static constexpr Bound kBounds[] = {
        {"minimum", "must be at least ", [](double x, double b) { return x >= b; }},
        {"maximum", "must be at most ", [](double x, double b) { return x <= b; }},
        {"exclusiveMinimum", "must be greater than ", [](double x, double b) { return x > b; }},
        {"exclusiveMaximum", "must be less than ", [](double x, double b) { return x < b; }}};
    for (const Bound& bound : kBounds) {
      const Value* limit = member(schema, bound.key);
      if (limit && !bound.holds(v.GetDouble(), limit->GetDouble())) return fail(path, bound.words + render(*limit));
    }
  }

  void check_object(const Value& schema, const Value& v, Path& path) {
    const std::size_t size = v.MemberCount();
    if (const Value* min = member(schema, "minProperties"); min && size < min->GetUint64()) {
      fail(path, count_message("at least", min->GetUint64(), "member"));
    }
    if (const Value* max = member(schema, "maxProperties"); max && size > max->GetUint64()) {
      fail(path, count_message("at most", max->GetUint64(), "member"));
    }
    const Value* properties = member(schema, "properties");
    const Value* additional = member(schema, "additionalProperties");
    std::size_t position = 0;
    for (const auto& m : v.GetObject()) {
      Step step(path, name_of(m.name), position++);
      const auto known = properties ? properties->FindMember(m.name) : rapidjson::Value::ConstMemberIterator();
      if (properties && known != properties->MemberEnd()) {
        check(known->value, m.value, path);
      } else if (additional && additional->IsFalse()) {
        fail(path, read_only(schema, m.name) ? "is set by SIAO and may not be written" : "unknown member");
      } else {
        if (const char* problem = string_problem(name_of(m.name))) fail(path, std::string("its name ") + problem);
        if (additional) check(*additional, m.value, path);
        else scan(m.value, path);
      }
    }
    if (const Value* required = member(schema, "required")) {
      for (const auto& name : required->GetArray()) {
        if (v.HasMember(name)) continue;
        Step step(path, name_of(name), size);
        fail(path, "is required");
      }
    }
  }

  static bool read_only(const Value& schema, const Value& name) {
    const Value* list = member(schema, "x-readOnly");
    return list && std::find(list->Begin(), list->End(), name) != list->End();
  }

  void check_array(const Value& schema, const Value& v, Path& path) {
    const std::size_t size = v.Size();
    bool too_many = false;
    if (const Value* min = member(schema, "minItems"); min && size < min->GetUint64()) {
      fail(path, count_message("at least", min->GetUint64(), "item"));
    }
    if (const Value* max = member(schema, "maxItems"); max && size > max->GetUint64()) {
      fail(path, count_message("at most", max->GetUint64(), "item"));
      too_many = true;
    }
    if (const Value* unique = member(schema, "uniqueItems"); unique && unique->IsTrue() && !too_many) {
      for (rapidjson::SizeType i = 1; i < size; ++i) {
        for (rapidjson::SizeType j = 0; j < i; ++j) {
          if (v[i] != v[j]) continue;
          Step step(path, i);
          fail(path, "repeats item " + std::to_string(j));
          break;
        }
      }
    }
    const Value* items = member(schema, "items");
    for (rapidjson::SizeType i = 0; i < size && !done(); ++i) {
      Step step(path, i);
      if (items) check(*items, v[i], path);
      else scan(v[i], path);
    }
  }

  void check_combinators(const Value& schema, const Value& v, Path& path) {
    if (const Value* all = member(schema, "allOf")) {
      for (const auto& branch : all->GetArray()) check(branch, v, path);
    }
    if (const Value* any = member(schema, "anyOf")) {
      const auto branches = any->GetArray();
      if (std::none_of(branches.begin(), branches.end(), [&](const Value& b) { return passes(b, v, path); })) {
        explain_alternatives(schema, *any, v, path);
      }
    }
    if (const Value* one = member(schema, "oneOf")) {
      const auto branches = one->GetArray();
      const auto matching = std::count_if(branches.begin(), branches.end(), [&](const Value& b) { return passes(b, v, path); });
      if (matching == 0) explain_alternatives(schema, *one, v, path);
      if (matching > 1) fail(path, message_or(schema, "must match exactly one of the allowed shapes, not several"));
    }
    if (const Value* negated = member(schema, "not"); negated && passes(*negated, v, path)) {
      fail(path, message_or(schema, "is not allowed here"));
    }
    if (const Value* condition = member(schema, "if")) {
      const Value* branch = member(schema, passes(*condition, v, path) ? "then" : "else");
      if (branch) check(*branch, v, path);
    }
  }

  // No branch matched. The branch meant is usually the only one whose type fits the value
  // ({"anyOf": [{"$ref": ".../partialDate"}, {"type": "null"}]} given a string): explain that one.
  void explain_alternatives(const Value& schema, const Value& branches, const Value& v, Path& path) {
    std::vector<const Value*> fitting;
    std::vector<std::string_view> types;
    for (const auto& branch : branches.GetArray()) {
      const Value& resolved = resolve(&branch);
      const std::vector<std::string_view> names = resolved.IsObject() ? type_names(resolved)
                                                                      : std::vector<std::string_view>{};
      if (names.empty() || std::any_of(names.begin(), names.end(), [&](auto t) { return type_matches(t, v); })) {
        fitting.push_back(&resolved);
      }
      for (auto t : names) {
        if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
      }
    }
    if (fitting.size() == 1) return check(*fitting.front(), v, path);
    if (fitting.empty()) return fail(path, type_message(types));
    fail(path, message_or(schema, "does not match any of the allowed shapes"));
  }

  const SchemaContext& context_;
  bool probe_;
};

}  // namespace

std::vector<http::FieldError> explain_violations(const Value& schema, const Value& doc, const SchemaContext& context) {
  Explainer explainer(context, false);
  Path path;
  explainer.check(schema, doc, path);
  std::stable_sort(explainer.found.begin(), explainer.found.end(),
                   [](const Found& a, const Found& b) { return a.order < b.order; });
  std::vector<http::FieldError> errors;
  std::set<std::pair<std::string, std::string>> seen;  // allOf branches may find the same violation twice
  for (Found& f : explainer.found) {
    if (seen.emplace(f.error.pointer, f.error.message).second) errors.push_back(std::move(f.error));
  }
  return errors;
}

}  // namespace siao::json
