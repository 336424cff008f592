// From a pointer into a translated (inbound) document back to the partner's document, by walking the rules
// that wrote it: no translation needs to be kept.
#include "gateway/json/pointer.hpp"
#include "gateway/mapping/rules.hpp"

namespace siao::mapping {
namespace {

using Tokens = std::vector<Path::Token>;

// Whether `to` names the tokens of `target` from `pos` on (as many as `to` has).
bool writes(const Path& to, const Tokens& target, std::size_t pos) {
  if (to.tokens.empty() || target.size() - pos < to.tokens.size()) return false;
  for (std::size_t i = 0; i < to.tokens.size(); ++i)
    if (to.tokens[i].name != target[pos + i].name) return false;
  return true;
}

std::optional<std::string> trace(const RuleList& rules, const Tokens& target, std::size_t pos, const std::string& base) {
  for (const Rule& rule : rules) {
    if (rule.kind == Rule::Kind::constant || !writes(rule.to, target, pos)) continue;
    std::string source = base + rule.from.text;
    std::size_t rest = pos + rule.to.tokens.size();
    if (rule.kind == Rule::Kind::value) {
      if (rule.keeps_shape())
        for (; rest < target.size(); ++rest) source = json::pointer_append(source, target[rest].name);
      return source;
    }
    // each: the target's elements are the source's, in the same order.
    if (rest == target.size()) return source;
    if (target[rest].index == Path::kNoIndex) return source;
    source = json::pointer_append(source, target[rest].name);
    if (auto inner = trace(*rule.rules, target, rest + 1, source)) return inner;
    return source;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> trace_source(const RuleList& rules, std::string_view target_pointer) {
  const auto target = parse_path(target_pointer);
  if (!target) return std::nullopt;
  if (target->tokens.empty()) return std::string();
  return trace(rules, target->tokens, 0, std::string());
}

}  // namespace siao::mapping
