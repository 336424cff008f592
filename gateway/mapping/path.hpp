#pragma once
// JSON Pointers of a mapping file, parsed once at load: read in a source document, written in a target one.
#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace siao::mapping {

struct Path {
  static constexpr rapidjson::SizeType kNoIndex = ~rapidjson::SizeType{0};
  struct Token {
    std::string name;                      // unescaped member name
    rapidjson::SizeType index = kNoIndex;  // the token read as an array index, when it is one
  };
  std::string text;  // RFC 6901, as written
  std::vector<Token> tokens;
};

// nullopt when `text` is not an RFC 6901 pointer ("" is the whole document).
std::optional<Path> parse_path(std::string_view text);

// The value `path` designates below `from`; nullptr when there is none.
const rapidjson::Value* find(const rapidjson::Value& from, const Path& path);

// Writes `value` at `path` (not "") below the object `root`, creating objects on the way; a member already
// there is replaced. Member names are copied: the target may outlive the mapping.
void put(rapidjson::Value& root, const Path& path, rapidjson::Value& value, rapidjson::Document::AllocatorType& alloc);

}  // namespace siao::mapping
