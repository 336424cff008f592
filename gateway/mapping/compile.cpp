// Turns the rules of a mapping file into the compiled form that translate walks, reporting every rule that
// cannot work with its pointer in the file.
#include <algorithm>

#include "gateway/json/pointer.hpp"
#include "gateway/mapping/rules.hpp"

namespace siao::mapping {
namespace {

using Value = rapidjson::Value;

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

bool prefix_of(const Path& a, const Path& b) {  // a's tokens start b's
  return a.tokens.size() <= b.tokens.size() &&
         std::equal(a.tokens.begin(), a.tokens.end(), b.tokens.begin(),
                    [](const Path::Token& x, const Path::Token& y) { return x.name == y.name; });
}

class Compiler {
 public:
  Compiler(Mapping::Impl& impl, std::vector<Problem>& problems) : impl_(impl), problems_(problems) {}

  RuleList list(const Value& rules, const std::string& at) {
    RuleList out;
    for (rapidjson::SizeType i = 0; i < rules.Size(); ++i) out.push_back(rule(rules[i], json::pointer_append(at, i)));
    check_targets(out);
    return out;
  }

  // Links each rule naming a document to that document's rules in `direction`, at every depth.
  void link(RuleList& rules, Direction direction) {
    for (auto& r : rules) {
      if (r.kind != Rule::Kind::each) continue;
      if (r.inline_rules) {
        r.rules = r.inline_rules.get();
        link(*r.inline_rules, direction);
        continue;
      }
      if (r.document.empty()) continue;  // already reported
      const auto found = impl_.documents.find(r.document);
      if (found == impl_.documents.end() || !found->second.rules(direction)) {
        add(r.at + "/document", "no document \"" + r.document + "\" with " +
                                    (direction == Direction::inbound ? "inbound" : "outbound") + " rules");
        continue;
      }
      r.rules = &*found->second.rules(direction);
    }
  }

 private:
  void add(std::string pointer, std::string message) { problems_.push_back({std::move(pointer), std::move(message)}); }

  Path path(const Value& text, const std::string& at) {
    auto parsed = parse_path(view(text));
    if (!parsed) {
      add(at, "is not a JSON Pointer: write ~0 for ~ and ~1 for /");
      return {};
    }
    return std::move(*parsed);
  }

  void forbid(const Value& r, const std::string& at, std::initializer_list<const char*> members, const char* why) {
    for (const char* m : members)
      if (r.HasMember(m)) add(at + "/" + m, why);
  }

  Rule rule(const Value& r, const std::string& at) {
    Rule out;
    out.at = at;
    // cppcheck-suppress cppcheckError ; "cyclic reverse analysis": a limit of cppcheck 2.10's value flow, not a finding
    const int kinds = int{r.HasMember("from")} + int{r.HasMember("const")} + int{r.HasMember("each")};
    if (kinds != 1) add(at, "needs exactly one of from, const or each");
    out.to = path(r["to"], at + "/to");
    if (out.to.tokens.empty()) add(at + "/to", "must name a member, not the whole document");

    if (r.HasMember("const")) {
      out.kind = Rule::Kind::constant;
      out.constant = &r["const"];
      forbid(r, at, {"fn", "codes", "default", "omitNull", "unique", "rules", "document"},
             "does not apply to a constant");
    } else if (r.HasMember("each")) {
      out.kind = Rule::Kind::each;
      out.from = path(r["each"], at + "/each");
      forbid(r, at, {"fn", "codes", "default", "unique"}, "does not apply to each (put it on the rules inside)");
      if (r.HasMember("rules") == r.HasMember("document")) add(at, "each needs exactly one of rules or document");
      if (r.HasMember("rules")) out.inline_rules = std::make_unique<RuleList>(list(r["rules"], at + "/rules"));
      if (r.HasMember("document")) out.document = view(r["document"]);
    } else if (r.HasMember("from")) {
      out.from = path(r["from"], at + "/from");
      forbid(r, at, {"rules", "document"}, "only applies to each");
    }

    if (const auto fn = r.FindMember("fn"); fn != r.MemberEnd() && out.kind == Rule::Kind::value) {
      if (fn->value.IsString()) {
        function(fn->value, at + "/fn", out);
      } else {
        for (rapidjson::SizeType i = 0; i < fn->value.Size(); ++i)
          function(fn->value[i], json::pointer_append(at + "/fn", i), out);
      }
    }
    if (const auto codes = r.FindMember("codes"); codes != r.MemberEnd() && out.kind == Rule::Kind::value) {
      out.codes_name = view(codes->value);
      const auto list = impl_.lists.find(out.codes_name);
      if (list == impl_.lists.end()) add(at + "/codes", "no code list \"" + out.codes_name + "\" in /codeLists");
      else out.codes = &list->second;
    }
    if (const auto fallback = r.FindMember("default"); fallback != r.MemberEnd()) out.fallback = &fallback->value;
    if (const auto when = r.FindMember("when"); when != r.MemberEnd())
      out.when = Condition{path(when->value["path"], at + "/when/path"), &when->value["equals"]};
    if (const auto omit = r.FindMember("omitNull"); omit != r.MemberEnd()) out.omit_null = omit->value.IsTrue();
    if (const auto unique = r.FindMember("unique"); unique != r.MemberEnd()) out.unique = unique->value.IsTrue();
    return out;
  }

  void function(const Value& name, const std::string& at, Rule& out) {
    const Function* f = find_function(view(name));
    if (!f) add(at, "unknown function \"" + std::string(view(name)) + "\": one of " + function_names());
    else out.fns.push_back(f);
  }

  // Two rules of one list may write the same target only when both have a condition, and no target may lie
  // inside another's value.
  void check_targets(const RuleList& rules) {
    for (std::size_t j = 0; j < rules.size(); ++j) {
      for (std::size_t i = 0; i < j; ++i) {
        const Path& a = rules[i].to;
        const Path& b = rules[j].to;
        if (a.tokens.empty() || b.tokens.empty()) continue;
        if (a.tokens.size() == b.tokens.size() && prefix_of(a, b)) {
          if (!rules[i].when || !rules[j].when)
            add(rules[j].at + "/to", "is also written by " + rules[i].at + ": only rules that both have a when may share a target");
        } else if (prefix_of(a, b)) {
          add(rules[j].at + "/to", "lies inside " + a.text + ", which " + rules[i].at + " writes");
        } else if (prefix_of(b, a)) {
          add(rules[i].at + "/to", "lies inside " + b.text + ", which " + rules[j].at + " writes");
        }
      }
    }
  }

  Mapping::Impl& impl_;
  std::vector<Problem>& problems_;
};

}  // namespace

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z'))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

void compile_documents(Mapping::Impl& impl, std::vector<Problem>& problems) {
  Compiler compiler(impl, problems);
  const rapidjson::Value& documents = impl.file["documents"];
  for (const auto& document : documents.GetObject()) {
    const std::string name(view(document.name));
    const std::string at = json::pointer_append("/documents", name);
    if (!valid_name(name)) problems.push_back({at, "a document name is a letter then letters, digits, _ or -"});
    CompiledDocument compiled;
    if (const auto in = document.value.FindMember("inbound"); in != document.value.MemberEnd())
      compiled.inbound = compiler.list(in->value, at + "/inbound");
    if (const auto out = document.value.FindMember("outbound"); out != document.value.MemberEnd())
      compiled.outbound = compiler.list(out->value, at + "/outbound");
    impl.documents.emplace(name, std::move(compiled));
  }
  // Every document is in place (map nodes do not move): references can point at their rules.
  for (auto& [name, compiled] : impl.documents) {
    if (compiled.inbound) compiler.link(*compiled.inbound, Direction::inbound);
    if (compiled.outbound) compiler.link(*compiled.outbound, Direction::outbound);
  }
}

}  // namespace siao::mapping
