#include "gateway/audit/replay/rule_loader.hpp"

#include <fstream>

#include <pqxx/pqxx>
#include <rapidjson/document.h>

#include "gateway/contracts/contract_loader.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/util/hex.hpp"
#include "gateway/util/scratch_dir.hpp"

namespace siao::audit::replay {

namespace fs = std::filesystem;

namespace {

// Inside `root` only: an archived name that climbs out of it is refused.
void write_file(const fs::path& root, const fs::path& at, const std::string& text) {
  auto normal = at.lexically_normal();
  auto rel = normal.lexically_relative(root);
  if (rel.empty() || *rel.begin() == "..") throw RulesUnavailable("an archived file name leaves its directory: " + at.string());
  fs::create_directories(normal.parent_path());
  std::ofstream out(normal, std::ios::binary);
  out << text;
  if (!out) throw RulesUnavailable("cannot write " + normal.string());
}

// rule_versions.source: {"file": "text"}.
std::map<std::string, std::string> source_files(pqxx::transaction_base& tx, const std::string& sha256,
                                                const char* kind) {
  auto rows = tx.exec_params("SELECT source::text FROM rule_versions WHERE sha256 = $1 AND kind = $2", sha256,
                             std::string(kind));
  if (rows.empty()) throw RulesUnavailable(std::string(kind) + " " + sha256 + " is not archived");
  rapidjson::Document doc;
  doc.Parse(rows[0][0].c_str());
  if (doc.HasParseError() || !doc.IsObject()) throw RulesUnavailable(std::string(kind) + " " + sha256 + ": bad source");
  std::map<std::string, std::string> files;
  for (const auto& m : doc.GetObject())
    if (m.value.IsString())
      files.emplace(std::string(m.name.GetString(), m.name.GetStringLength()),
                    std::string(m.value.GetString(), m.value.GetStringLength()));
  return files;
}

// How many directories a relative path climbs ("../../x" -> 2): the depth the files must be written at.
int climb(const std::string& path) {
  int n = 0;
  for (const auto& part : fs::path(path)) n += part == "..";
  return n;
}

}  // namespace

std::shared_ptr<const json::SchemaSet> RuleLoader::schemas(pqxx::transaction_base& tx,
                                                           const std::optional<std::string>& sha256) {
  if (!sha256) return in_force_;
  if (auto it = schema_sets_.find(*sha256); it != schema_sets_.end()) return it->second;
  auto files = source_files(tx, *sha256, "schemas");
  util::ScratchDir dir("siao-replay");  // the loaders read files
  for (const auto& [name, text] : files) write_file(dir.path(), dir.path() / name, text);
  std::shared_ptr<const json::SchemaSet> set;
  try {
    set = json::SchemaSet::load(dir.path());
  } catch (const std::exception& e) {
    throw RulesUnavailable("schema set " + *sha256 + " does not load: " + e.what());
  }
  schema_sets_.emplace(*sha256, set);
  return set;
}

std::shared_ptr<const contracts::Contract> RuleLoader::contract(pqxx::transaction_base& tx,
                                                                const std::string& contract_sha256,
                                                                const std::optional<std::string>& mapping_sha256,
                                                                const json::SchemaSet& schemas,
                                                                const std::string& schemas_key) {
  const std::string key = contract_sha256 + "|" + mapping_sha256.value_or("-") + "|" + schemas_key;
  if (auto it = contracts_.find(key); it != contracts_.end()) return it->second;

  auto rows = tx.exec_params("SELECT client_id, source FROM contract_versions WHERE sha256 = $1", contract_sha256);
  if (rows.empty()) throw RulesUnavailable("contract " + contract_sha256 + " is not archived");
  const std::string client_id = rows[0][0].as<std::string>();
  const std::string source = rows[0][1].as<std::string>();
  rapidjson::Document doc;
  doc.Parse(source.data(), source.size());
  std::string mapping_path;
  if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("adapter") && doc["adapter"].IsObject() &&
      doc["adapter"].HasMember("mapping") && doc["adapter"]["mapping"].IsString())
    mapping_path = doc["adapter"]["mapping"].GetString();

  std::map<std::string, std::string> bundle;
  if (mapping_sha256) bundle = source_files(tx, *mapping_sha256, "mapping");
  int depth = climb(mapping_path);
  for (const auto& [name, text] : bundle) depth = std::max(depth, climb(mapping_path) + climb(name));

  util::ScratchDir dir("siao-replay");  // the loaders read files
  fs::path contract_dir = dir.path();
  for (int i = 0; i < depth; ++i) contract_dir /= "d" + std::to_string(i);
  const fs::path contract_file = contract_dir / (client_id + ".json");
  write_file(dir.path(), contract_file, source);
  if (mapping_sha256) {
    if (mapping_path.empty()) throw RulesUnavailable("contract " + contract_sha256 + " names no mapping file");
    const fs::path mapping_file = (contract_dir / mapping_path).lexically_normal();
    const auto main = bundle.find(mapping_file.filename().string());
    if (main == bundle.end())
      throw RulesUnavailable("mapping " + *mapping_sha256 + " lacks " + mapping_file.filename().string());
    for (const auto& [name, text] : bundle)
      write_file(dir.path(), name == main->first ? mapping_file : mapping_file.parent_path() / name, text);
  }

  contracts::LoadOptions options;
  options.secrets_dir = dir.path();  // no key is read: a replay authenticates no one
  options.getenv = [](const char*) -> const char* { return nullptr; };
  std::shared_ptr<const contracts::Contract> loaded;
  try {
    loaded = std::make_shared<const contracts::Contract>(contracts::load_contract(contract_file, schemas, options));
  } catch (const contracts::ContractError& e) {
    throw RulesUnavailable("contract " + contract_sha256 + " does not load: " + e.what());
  }
  const auto* m = loaded->client.mapping.get();
  if (mapping_sha256 && (!m || m->sha256() != *mapping_sha256))
    throw RulesUnavailable("mapping " + *mapping_sha256 + " loads with another digest");
  contracts_.emplace(key, loaded);
  return loaded;
}

}  // namespace siao::audit::replay
