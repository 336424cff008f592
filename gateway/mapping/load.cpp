// Mapping::load: reads and checks a mapping file and its code lists, reporting every problem as
// "FILE: /pointer: message", then compiles the rules.
#include <fstream>
#include <map>
#include <sstream>

#include "gateway/http/problem.hpp"
#include "gateway/json/body.hpp"
#include "gateway/json/pointer.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/mapping/rules.hpp"
#include "gateway/util/hex.hpp"

namespace siao::mapping {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxFileBytes = 1 << 20;

std::optional<std::string> read_text(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) > kMaxFileBytes || ec) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class Problems {
 public:
  void add(const std::string& file, std::string_view pointer, std::string_view message) {
    list.push_back(file + ": " + (pointer.empty() ? std::string("/") : std::string(pointer)) + ": " + std::string(message));
  }
  void add(const std::string& file, const std::vector<Problem>& problems) {
    for (const auto& p : problems) add(file, p.pointer, p.message);
  }
  template <typename Violations>
  void add_violations(const std::string& file, const Violations& violations) {
    for (const auto& v : violations) add(file, v.pointer, v.message);
  }
  std::vector<std::string> list;
};

// Parses and validates one file; false after a problem.
bool read_json(const fs::path& path, const std::string& text, const char* schema, const json::SchemaSet& schemas,
               rapidjson::Document& doc, Problems& problems) {
  try {
    doc = json::parse_body(text);
  } catch (const http::HttpError& e) {
    problems.add(path.string(), "", e.problem().detail.empty() ? e.problem().title : e.problem().detail);
    return false;
  }
  const auto violations = schemas.validate(schema, doc);
  problems.add_violations(path.string(), violations);
  return violations.empty();
}

// One "<sha256>  <path>" line, as sha256sum prints it.
std::string manifest_line(const std::string& text, const std::string& path) {
  return util::sha256_hex(text) + "  " + path + "\n";
}

void load_code_lists(Mapping::Impl& impl, const fs::path& file, const json::SchemaSet& schemas, Problems& problems,
                     std::string& manifest) {
  const std::string mapping_file = file.string();
  std::map<std::string, std::string> lines;  // by list name: the manifest lists them in name order
  const rapidjson::Value& lists = impl.file["codeLists"];
  for (const auto& member : lists.GetObject()) {
    const std::string name(member.name.GetString(), member.name.GetStringLength());
    const std::string relative(member.value.GetString(), member.value.GetStringLength());
    const std::string at = json::pointer_append("/codeLists", name);
    if (!valid_name(name)) problems.add(mapping_file, at, "a code list name is a letter then letters, digits, _ or -");
    if (fs::path(relative).is_absolute()) {
      problems.add(mapping_file, at, "must be a path relative to the mapping file");
      continue;
    }
    const fs::path path = (file.parent_path() / relative).lexically_normal();
    const auto text = read_text(path);
    if (!text) {
      problems.add(mapping_file, at, "no such file, unreadable or over 1 MiB: " + path.string());
      continue;
    }
    rapidjson::Document doc;
    if (!read_json(path, *text, "code-list", schemas, doc, problems)) continue;
    std::vector<Problem> list_problems;
    CodeList list = CodeList::build(doc, list_problems);
    if (list.id() != name)
      list_problems.push_back({"/id", "is \"" + list.id() + "\" but " + mapping_file + " names the list \"" + name + "\""});
    problems.add(path.string(), list_problems);
    impl.lists.emplace(name, std::move(list));
    lines.emplace(name, manifest_line(*text, relative));
  }
  for (const auto& [name, line] : lines) manifest += line;
}

}  // namespace

std::shared_ptr<const Mapping> Mapping::load(const fs::path& file, const json::SchemaSet& schemas) {
  const std::string name = file.string();
  for (const char* schema : {"mapping", "code-list"})
    if (!schemas.has(schema)) throw LoadError({name + ": /: the schema set has no \"" + std::string(schema) + "\" schema"});
  const auto text = read_text(file);
  if (!text) throw LoadError({name + ": /: cannot be read (missing, unreadable or over 1 MiB)"});

  auto impl = std::make_unique<Impl>();
  Problems problems;
  if (!read_json(file, *text, "mapping", schemas, impl->file, problems)) throw LoadError(std::move(problems.list));
  impl->id = impl->file["id"].GetString();
  impl->version = impl->file["version"].GetString();

  std::string manifest = manifest_line(*text, file.filename().string());
  load_code_lists(*impl, file, schemas, problems, manifest);
  std::vector<Problem> rule_problems;
  compile_documents(*impl, rule_problems);
  problems.add(name, rule_problems);
  if (!problems.list.empty()) throw LoadError(std::move(problems.list));
  impl->sha256 = util::sha256_hex(manifest);
  return std::shared_ptr<const Mapping>(new Mapping(std::move(impl)));
}

}  // namespace siao::mapping
