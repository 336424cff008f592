#include "gateway/mapping/mapping.hpp"

#include "gateway/mapping/rules.hpp"

namespace siao::mapping {
namespace {

std::string lines(const std::vector<Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += (out.empty() ? "" : "\n") + (p.pointer.empty() ? "/" : p.pointer) + ": " + p.message;
  return out;
}

std::string lines(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += (out.empty() ? "" : "\n") + p;
  return out;
}

const char* name_of(Direction d) { return d == Direction::inbound ? "inbound" : "outbound"; }

}  // namespace

TranslationError::TranslationError(std::vector<Problem> problems_found)
    : std::runtime_error(lines(problems_found)), problems(std::move(problems_found)) {}

LoadError::LoadError(std::vector<std::string> problems_found)
    : std::runtime_error(lines(problems_found)), problems(std::move(problems_found)) {}

Mapping::Mapping(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Mapping::~Mapping() = default;

const std::string& Mapping::id() const { return impl_->id; }
const std::string& Mapping::version() const { return impl_->version; }
const std::string& Mapping::sha256() const { return impl_->sha256; }

bool Mapping::has(std::string_view document) const { return impl_->documents.find(document) != impl_->documents.end(); }

rapidjson::Document Mapping::translate(std::string_view document, Direction direction,
                                       const rapidjson::Value& source) const {
  const auto found = impl_->documents.find(document);
  if (found == impl_->documents.end() || !found->second.rules(direction))
    throw std::invalid_argument("mapping " + impl_->id + " has no " + name_of(direction) + " rules for " +
                                std::string(document));
  return apply_rules(*found->second.rules(direction), direction, source);
}

std::optional<std::string> Mapping::source_pointer(std::string_view document, std::string_view target_pointer) const {
  const auto found = impl_->documents.find(document);
  if (found == impl_->documents.end() || !found->second.inbound) return std::nullopt;
  return trace_source(*found->second.inbound, target_pointer);
}

std::optional<std::string> Mapping::code(std::string_view list, Direction direction, std::string_view value) const {
  const CodeList* codes = code_list(list);
  if (!codes) throw std::invalid_argument("mapping " + impl_->id + " has no code list " + std::string(list));
  const auto found = codes->find(direction, value);
  if (!found) return std::nullopt;
  return std::string(*found);
}

const rapidjson::Value* Mapping::member(std::string_view name) const {
  const auto found = impl_->file.FindMember(rapidjson::Value(rapidjson::StringRef(name.data(), name.size())));
  return found == impl_->file.MemberEnd() ? nullptr : &found->value;
}

const CodeList* Mapping::code_list(std::string_view name) const {
  const auto found = impl_->lists.find(name);
  return found == impl_->lists.end() ? nullptr : &found->second;
}

std::vector<std::string> Mapping::code_list_names() const {
  std::vector<std::string> out;
  for (const auto& [name, list] : impl_->lists) out.push_back(name);
  return out;
}

}  // namespace siao::mapping
