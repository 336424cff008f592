#include "gateway/contracts/archive.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <pqxx/pqxx>
#include <rapidjson/document.h>

#include "gateway/json/schema_set.hpp"
#include "gateway/log/log.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/util/hex.hpp"

namespace siao::contracts {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxFileBytes = 1 << 20;  // as the mapping loader reads them

std::optional<std::string> read_text(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || fs::file_size(path, ec) > kMaxFileBytes || ec) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string compact(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return {out.GetString(), out.GetSize()};
}

void add_field(std::string& text, std::string_view value) {
  text.append(std::to_string(value.size())).push_back(':');
  text.append(value);
  text.push_back(';');
}

// rule_versions.source: {"file": "text", ...}
std::string source_json(const RuleSource& source) {
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    for (const auto& [file, text] : source) resources::put(w, file, text);
    w.EndObject();
  });
}

}  // namespace

RuleVersion schema_set_version(const json::SchemaSet& schemas) {
  RuleVersion v{"", "schemas", "schemas", {}};
  std::string digested;
  for (const auto& name : schemas.names()) {  // sorted
    auto text = compact(schemas.document(name));
    add_field(digested, name);
    add_field(digested, text);
    v.source.emplace(name + ".schema.json", std::move(text));
  }
  v.sha256 = util::sha256_hex(digested);
  return v;
}

std::string schema_set_sha256(const json::SchemaSet& schemas) { return schema_set_version(schemas).sha256; }

std::optional<RuleVersion> mapping_version_of(const Contract& contract) {
  const auto& mapping = contract.client.mapping;
  if (!mapping) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(contract.source.data(), contract.source.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("adapter") || !doc["adapter"].IsObject() ||
      !doc["adapter"].HasMember("mapping") || !doc["adapter"]["mapping"].IsString())
    return std::nullopt;
  const fs::path file = (contract.file.parent_path() / doc["adapter"]["mapping"].GetString()).lexically_normal();
  auto text = read_text(file);
  if (!text) return std::nullopt;
  RuleVersion v{"", "mapping", mapping->id() + " " + mapping->version(), {}};
  // The manifest Mapping::load hashes (gateway/mapping/load.cpp): the file, then its code lists by list name.
  auto line = [](const std::string& t, const std::string& name) { return util::sha256_hex(t) + "  " + name + "\n"; };
  std::string manifest = line(*text, file.filename().string());
  v.source.emplace(file.filename().string(), *text);
  if (const auto* lists = mapping->member("codeLists"); lists && lists->IsObject()) {
    std::map<std::string, std::string> by_name;
    for (const auto& m : lists->GetObject()) {
      const std::string relative(m.value.GetString(), m.value.GetStringLength());
      auto list = read_text((file.parent_path() / relative).lexically_normal());
      if (!list) return std::nullopt;
      by_name.emplace(std::string(m.name.GetString(), m.name.GetStringLength()), line(*list, relative));
      v.source.emplace(relative, std::move(*list));
    }
    for (const auto& [name, l] : by_name) manifest += l;
  }
  v.sha256 = util::sha256_hex(manifest);
  if (v.sha256 != mapping->sha256()) return std::nullopt;  // the files changed since the contract loaded
  return v;
}

const std::vector<storage::PreparedStatement>& Archive::statements() {
  static const std::vector<storage::PreparedStatement> all = {
      {"contract_version_keep",
       "INSERT INTO contract_versions (sha256, client_id, version, source) VALUES ($1, $2, $3, $4) "
       "ON CONFLICT (sha256) DO NOTHING"},
      {"rule_version_keep",
       "INSERT INTO rule_versions (sha256, kind, name, source) VALUES ($1, $2, $3, $4::json) "
       "ON CONFLICT (sha256) DO NOTHING"},
  };
  return all;
}

bool Archive::known(const std::string& sha) const {
  return std::find(stored_.begin(), stored_.end(), sha) != stored_.end() ||
         std::any_of(pending_.begin(), pending_.end(), [&](const Version& v) { return v.sha256 == sha; }) ||
         std::any_of(pending_rules_.begin(), pending_rules_.end(), [&](const RuleVersion& v) { return v.sha256 == sha; });
}

void Archive::update_pending() { has_pending_.store(!pending_.empty() || !pending_rules_.empty(), std::memory_order_release); }

void Archive::add(const ContractSet& set) {
  std::vector<RuleVersion> mappings;  // files are read outside the lock
  for (const auto& c : set.all()) {
    if (auto m = mapping_version_of(c)) mappings.push_back(std::move(*m));
    else if (c.client.mapping)
      log::event(log::Level::warn, "mapping files changed since they were loaded: this version is not archived",
                 {{"client", std::string_view(c.client.id)}, {"sha256", std::string_view(c.client.mapping->sha256())}});
  }
  std::lock_guard lock(mutex_);
  for (const auto& c : set.all()) {
    const auto& sha = c.client.contract_sha256;
    if (!known(sha)) pending_.push_back({sha, c.client.id, c.client.contract_version, c.source});
  }
  for (auto& m : mappings)
    if (!known(m.sha256)) pending_rules_.push_back(std::move(m));
  update_pending();
}

void Archive::add(const json::SchemaSet& schemas) {
  auto v = schema_set_version(schemas);
  std::lock_guard lock(mutex_);
  if (!known(v.sha256)) pending_rules_.push_back(std::move(v));
  update_pending();
}

std::vector<std::string> Archive::store_pending(pqxx::transaction_base& tx) const {
  std::vector<Version> pending;
  std::vector<RuleVersion> rules;
  {
    std::lock_guard lock(mutex_);
    pending = pending_;
    rules = pending_rules_;
  }
  std::vector<std::string> stored;
  for (const auto& v : pending) {
    tx.exec_prepared0("contract_version_keep", v.sha256, v.client_id, v.version, v.source);
    stored.push_back(v.sha256);
  }
  for (const auto& r : rules) {
    tx.exec_prepared0("rule_version_keep", r.sha256, r.kind, r.name, source_json(r.source));
    stored.push_back(r.sha256);
  }
  return stored;
}

void Archive::confirm(const std::vector<std::string>& sha256s) {
  std::lock_guard lock(mutex_);
  for (const auto& sha : sha256s) {
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Version& v) { return v.sha256 == sha; });
    if (it != pending_.end()) {
      pending_.erase(it);
      stored_.push_back(sha);
    }
    auto rule = std::find_if(pending_rules_.begin(), pending_rules_.end(),
                             [&](const RuleVersion& v) { return v.sha256 == sha; });
    if (rule != pending_rules_.end()) {
      pending_rules_.erase(rule);
      stored_.push_back(sha);
    }
  }
  update_pending();
}

}  // namespace siao::contracts
