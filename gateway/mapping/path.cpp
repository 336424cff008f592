#include "gateway/mapping/path.hpp"

namespace siao::mapping {
namespace {

// RFC 6901 array index: "0" or digits without a leading zero, within SizeType.
rapidjson::SizeType index_of(std::string_view token) {
  if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0')) return Path::kNoIndex;
  rapidjson::SizeType value = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return Path::kNoIndex;
    value = value * 10 + static_cast<rapidjson::SizeType>(c - '0');
  }
  return value;
}

rapidjson::Value key(const std::string& name) {
  return rapidjson::Value(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size())));
}

}  // namespace

std::optional<Path> parse_path(std::string_view text) {
  Path path{std::string(text), {}};
  if (text.empty()) return path;
  if (text[0] != '/') return std::nullopt;
  std::size_t pos = 1;
  while (true) {
    Path::Token token;
    for (; pos < text.size() && text[pos] != '/'; ++pos) {
      if (text[pos] != '~') {
        token.name.push_back(text[pos]);
        continue;
      }
      if (pos + 1 >= text.size() || (text[pos + 1] != '0' && text[pos + 1] != '1')) return std::nullopt;
      token.name.push_back(text[++pos] == '0' ? '~' : '/');
    }
    token.index = index_of(token.name);
    path.tokens.push_back(std::move(token));
    if (pos >= text.size()) break;
    ++pos;  // past the '/'
  }
  return path;
}

const rapidjson::Value* find(const rapidjson::Value& from, const Path& path) {
  const rapidjson::Value* at = &from;
  for (const auto& token : path.tokens) {
    if (at->IsObject()) {
      const auto member = at->FindMember(key(token.name));
      if (member == at->MemberEnd()) return nullptr;
      at = &member->value;
    } else if (at->IsArray() && token.index != Path::kNoIndex && token.index < at->Size()) {
      at = &(*at)[token.index];
    } else {
      return nullptr;
    }
  }
  return at;
}

void put(rapidjson::Value& root, const Path& path, rapidjson::Value& value, rapidjson::Document::AllocatorType& alloc) {
  rapidjson::Value* at = &root;
  for (std::size_t i = 0; i < path.tokens.size(); ++i) {
    const std::string& name = path.tokens[i].name;
    const bool last = i + 1 == path.tokens.size();
    if (!at->IsObject()) at->SetObject();  // load refuses a target inside another target's value
    // Looked up through a const view: comparing RapidJSON's non-const iterators is ambiguous in C++20.
    const rapidjson::Value& here = *at;
    if (const auto member = here.FindMember(key(name)); member != here.MemberEnd()) {
      at = const_cast<rapidjson::Value*>(&member->value);
      if (last) *at = value;  // moves
      continue;
    }
    rapidjson::Value copied_name(name.data(), static_cast<rapidjson::SizeType>(name.size()), alloc);
    if (last) {
      at->AddMember(copied_name, value, alloc);
      return;
    }
    rapidjson::Value object(rapidjson::kObjectType);
    at->AddMember(copied_name, object, alloc);
    at = &(at->MemberEnd() - 1)->value;
  }
}

}  // namespace siao::mapping
