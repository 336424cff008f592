#include "gateway/json/schema_walk.hpp"

namespace siao::json {

bool split_ref(std::string_view ref, SchemaRef& out) {
  const std::size_t hash = ref.find('#');
  const std::string_view file = ref.substr(0, hash);
  const std::string_view fragment = hash == std::string_view::npos ? std::string_view{} : ref.substr(hash + 1);
  constexpr std::string_view suffix = ".schema.json";
  if (!file.empty()) {
    if (file.size() <= suffix.size() || file.substr(file.size() - suffix.size()) != suffix) return false;
    // A bare file name: the schemas live side by side, and nothing may reach outside their directory.
    if (file.find_first_of("/\\:?") != std::string_view::npos) return false;
  }
  if (file.empty() && hash == std::string_view::npos) return false;
  // Percent-encoding would need decoding before the pointer is used; no schema of ours needs it.
  if (!fragment.empty() && (fragment.front() != '/' || fragment.find('%') != std::string_view::npos)) return false;
  out.file = std::string(file);
  out.pointer = std::string(fragment);
  return true;
}

}  // namespace siao::json
