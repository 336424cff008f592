// Applies compiled rules to one source document. Every problem is collected, with its pointer into the
// source built only when one is found; nothing is written to the caller unless there is none.
#include "gateway/json/pointer.hpp"
#include "gateway/mapping/rules.hpp"
#include "gateway/mapping/value_copy.hpp"

namespace siao::mapping {
namespace {

using Value = rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

// Where the current source object is: an element of an array reached from the parent's object.
struct Where {
  const Where* parent;
  const Path* array;
  rapidjson::SizeType index;
};

std::string pointer_of(const Where* where) {
  if (!where) return {};
  return json::pointer_append(pointer_of(where->parent) + where->array->text, where->index);
}

// A value quoted in a message; very long values are cut (at a UTF-8 boundary).
std::string quoted(const Value& v) {
  constexpr std::size_t kMax = 80;
  std::string_view s(v.GetString(), v.GetStringLength());
  if (s.size() <= kMax) return "\"" + std::string(s) + "\"";
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return "\"" + std::string(s.substr(0, cut)) + "...\"";
}

class Translator {
 public:
  Translator(Direction direction, Alloc& alloc) : direction_(direction), alloc_(alloc) {}

  void apply(const RuleList& rules, const Value& source, Value& target, const Where* where) {
    for (const Rule& rule : rules) {
      if (rule.when && !holds(*rule.when, source)) continue;
      switch (rule.kind) {
        case Rule::Kind::constant: {
          Value copy;
          deep_copy(*rule.constant, copy, alloc_);
          put(target, rule.to, copy, alloc_);
          break;
        }
        case Rule::Kind::value:
          value(rule, source, target, where);
          break;
        case Rule::Kind::each:
          each(rule, source, target, where);
          break;
      }
    }
  }

  std::vector<Problem> problems;

 private:
  static bool holds(const Condition& condition, const Value& source) {
    const Value* found = find(source, condition.path);
    return found && *found == *condition.equals;
  }

  void problem(const Where* where, const Path& field, std::string message) {
    problems.push_back({pointer_of(where) + field.text, std::move(message)});
  }

  // A value that is absent, null or written as is: true when nothing more is to be done.
  bool absent_or_null(const Rule& rule, const Value* found, Value& target) {
    if (!found) {
      if (rule.fallback) {
        Value copy;
        deep_copy(*rule.fallback, copy, alloc_);
        put(target, rule.to, copy, alloc_);
      }
      return true;
    }
    if (found->IsNull()) {
      if (!rule.omit_null) {
        Value null;
        put(target, rule.to, null, alloc_);
      }
      return true;
    }
    return false;
  }

  void value(const Rule& rule, const Value& source, Value& target, const Where* where) {
    const Value* found = find(source, rule.from);
    if (absent_or_null(rule, found, target)) return;
    Value out;
    if (!convert(rule, *found, out, where)) return;
    if (rule.unique && out.IsArray()) drop_repeats(out);
    put(target, rule.to, out, alloc_);
  }

  void each(const Rule& rule, const Value& source, Value& target, const Where* where) {
    const Value* found = find(source, rule.from);
    if (absent_or_null(rule, found, target)) return;
    if (!found->IsArray()) return problem(where, rule.from, "must be an array");
    Value out(rapidjson::kArrayType);
    out.Reserve(found->Size(), alloc_);
    for (rapidjson::SizeType i = 0; i < found->Size(); ++i) {
      const Where element{where, &rule.from, i};
      const Value& item = (*found)[i];
      if (!item.IsObject()) {
        problems.push_back({pointer_of(&element), "must be an object"});
        continue;
      }
      Value object(rapidjson::kObjectType);
      apply(*rule.rules, item, object, &element);
      out.PushBack(object, alloc_);
    }
    put(target, rule.to, out, alloc_);
  }

  // The rule's functions and code list, in the direction's order: the functions always work on the
  // partner's side of the code list (inbound: functions then codes; outbound: codes then functions).
  bool convert(const Rule& rule, const Value& in, Value& out, const Where* where) {
    Site site{where, &rule.from, true};
    if (rule.fns.empty() && !rule.codes) {
      deep_copy(in, out, alloc_);
      return true;
    }
    const Value* current = &in;
    Value held;
    const auto step = [&](auto&& apply_step) {
      Value next;
      if (!apply_step(*current, next)) return false;
      held = next;  // moves
      current = &held;
      return true;
    };
    const auto codes = [&](const Value& v, Value& next) { return lookup(rule, v, next, site); };
    if (direction_ == Direction::outbound && rule.codes && !step(codes)) return false;
    for (const Function* f : rule.fns) {
      if (!step([&](const Value& v, Value& next) { return call(*f, v, next, site); })) return false;
      if (!f->keeps_shape) site.shaped = false;
    }
    if (direction_ == Direction::inbound && rule.codes && !step(codes)) return false;
    out = held;
    return true;
  }

  // Where a value being converted came from: element pointers only while the value keeps the source's shape.
  struct Site {
    const Where* where;
    const Path* field;
    bool shaped;
  };

  void problem_at(const Site& site, const Value& v, std::optional<rapidjson::SizeType> element, const char* what) {
    std::string pointer = pointer_of(site.where) + site.field->text;
    if (element && site.shaped) pointer = json::pointer_append(pointer, *element);
    problems.push_back({std::move(pointer), v.IsString() ? quoted(v) + " " + what : std::string(what)});
  }

  bool call(const Function& f, const Value& in, Value& out, const Site& site) {
    const Convert convert_one = direction_ == Direction::inbound ? f.inbound : f.outbound;
    if (!f.per_element || !in.IsArray()) {
      const char* what = convert_one(in, out, alloc_, scratch_);
      if (what) problem_at(site, in, std::nullopt, what);
      return !what;
    }
    out.SetArray();
    out.Reserve(in.Size(), alloc_);
    bool ok = true;
    for (rapidjson::SizeType i = 0; i < in.Size(); ++i) {
      Value converted;
      if (const char* what = convert_one(in[i], converted, alloc_, scratch_)) {
        problem_at(site, in[i], i, what);
        ok = false;
        continue;
      }
      out.PushBack(converted, alloc_);
    }
    return ok;
  }

  bool lookup(const Rule& rule, const Value& in, Value& out, const Site& site) {
    if (!in.IsArray()) return lookup_one(rule, in, out, site, std::nullopt);
    out.SetArray();
    out.Reserve(in.Size(), alloc_);
    bool ok = true;
    for (rapidjson::SizeType i = 0; i < in.Size(); ++i) {
      Value code;
      if (lookup_one(rule, in[i], code, site, i)) out.PushBack(code, alloc_);
      else ok = false;
    }
    return ok;
  }

  bool lookup_one(const Rule& rule, const Value& in, Value& out, const Site& site,
                  std::optional<rapidjson::SizeType> element) {
    if (!in.IsString()) {
      problem_at(site, in, element, ("must be a string (code list \"" + rule.codes_name + "\")").c_str());
      return false;
    }
    const auto code = rule.codes->find(direction_, std::string_view(in.GetString(), in.GetStringLength()));
    if (!code) {
      const std::string what = std::string(direction_ == Direction::inbound ? "has no SIAO code" : "has no partner code") +
                               " in code list \"" + rule.codes_name + "\"";
      problem_at(site, in, element, what.c_str());
      return false;
    }
    out.SetString(code->data(), static_cast<rapidjson::SizeType>(code->size()), alloc_);
    return true;
  }

  // Several SIAO codes may share one outbound-only partner code: it is sent once.
  static void drop_repeats(Value& array) {
    rapidjson::SizeType kept = 0;
    for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
      bool seen = false;
      for (rapidjson::SizeType j = 0; j < kept && !seen; ++j) seen = array[j] == array[i];
      if (!seen) {
        if (kept != i) array[kept] = array[i];  // moves
        ++kept;
      }
    }
    while (array.Size() > kept) array.PopBack();
  }

  Direction direction_;
  Alloc& alloc_;
  std::string scratch_;
};

}  // namespace

rapidjson::Document apply_rules(const RuleList& rules, Direction direction, const rapidjson::Value& source) {
  if (!source.IsObject()) throw TranslationError(std::vector<Problem>{{"", "must be an object"}});
  rapidjson::Document out(rapidjson::kObjectType);
  Translator translator(direction, out.GetAllocator());
  translator.apply(rules, source, out, nullptr);
  if (!translator.problems.empty()) throw TranslationError(std::move(translator.problems));
  return out;
}

}  // namespace siao::mapping
