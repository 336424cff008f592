#include "gateway/contracts/contract_loader.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "gateway/delivery/endpoint.hpp"
#include "gateway/delivery/signature.hpp"
#include "gateway/http/problem.hpp"
#include "gateway/json/body.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/util/hex.hpp"

namespace siao::contracts {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t kMaxContractBytes = 1 << 20;
// A key injected from the environment or a file is a secret, not a password: refuse what is guessable.
constexpr std::size_t kMinKeyLength = 16;

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

std::vector<std::string> strings(const rapidjson::Value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.GetArray()) out.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

// Collects every problem of one file, each pointed into it.
struct Problems {
  std::string file;
  std::vector<std::string> list;
  void add(std::string_view pointer, std::string_view message) {
    list.push_back(file + ": " + (pointer.empty() ? std::string("/") : std::string(pointer)) + ": " +
                   std::string(message));
  }
};

std::string trimmed(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::optional<std::string> read_text(const fs::path& path, std::uintmax_t limit) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec || size > limit) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fields a resource has, as the contract schema lists them: one source for both.
std::vector<std::string> field_universe(const json::SchemaSet& schemas, const char* definition) {
  return strings(schemas.document("contract")["definitions"][definition]["enum"]);
}

std::optional<std::vector<std::string>> field_set(const rapidjson::Value* v, const std::vector<std::string>& all) {
  if (!v || v->IsString()) return std::nullopt;  // absent or "*": every field
  if (v->IsArray()) return strings(*v);
  auto except = strings((*v)["except"]);
  std::vector<std::string> out;
  for (const auto& f : all)
    if (std::find(except.begin(), except.end(), f) == except.end()) out.push_back(f);
  return out;
}

auth::FieldRules rules_of(const rapidjson::Value& fields, const char* resource, const std::vector<std::string>& all) {
  auth::FieldRules rules;
  if (!fields.IsObject() || !fields.HasMember(resource)) return rules;
  const auto& r = fields[resource];
  rules.readable = field_set(r.HasMember("read") ? &r["read"] : nullptr, all);
  rules.writable = field_set(r.HasMember("write") ? &r["write"] : nullptr, all);
  return rules;
}

const rapidjson::Value* member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

struct Loaded {
  Contract contract;
  std::vector<std::string> plain_keys;  // injected keys, kept only to detect two contracts sharing one
};

void read_credentials(const rapidjson::Value& c, const LoadOptions& options, Loaded& out, Problems& problems) {
  if (const auto* keys = member(c, "apiKeys")) {
    for (rapidjson::SizeType i = 0; i < keys->Size(); ++i) {
      auto hash = auth::KeyHash::parse((*keys)[i]["hash"].GetString());
      if (!hash) problems.add("/credentials/apiKeys/" + std::to_string(i) + "/hash", "is not a key hash");
      else out.contract.keys.push_back(*hash);
    }
  }
  if (const auto* from = member(c, "apiKeyFrom")) {
    std::optional<std::string> key;
    std::string origin;
    if (const auto* env = member(*from, "env")) {
      const char* value = options.getenv(env->GetString());
      if (value && *value) {
        key = value;
        origin = "/credentials/apiKeyFrom/env";
      }
    }
    if (const auto* file = member(*from, "file"); file && !key) {
      auto path = options.secrets_dir / file->GetString();
      if (fs::exists(path)) {
        key = read_text(path, 4096);
        if (!key) problems.add("/credentials/apiKeyFrom/file", "cannot read " + path.string());
        else key = trimmed(std::move(*key));
        origin = "/credentials/apiKeyFrom/file";
      }
    }
    if (key && key->size() < kMinKeyLength) {
      problems.add(origin, "the key is shorter than " + std::to_string(kMinKeyLength) + " characters");
    } else if (key) {
      out.contract.keys.push_back(auth::KeyHash::of(*key));
      out.plain_keys.push_back(std::move(*key));
    }
  }
  if (const auto* certs = member(c, "certificates")) out.contract.certificates = strings(*certs);
}

// The signing secret, read now like apiKeyFrom's key (environment first, then the file); kept, never logged.
std::optional<std::string> read_secret(const rapidjson::Value& from, const LoadOptions& options, Problems& problems) {
  if (const auto* env = member(from, "env")) {
    const char* value = options.getenv(env->GetString());
    if (value && *value) return std::string(value);
  }
  if (const auto* file = member(from, "file")) {
    auto path = options.secrets_dir / file->GetString();
    if (fs::exists(path)) {
      auto secret = read_text(path, 4096);
      if (!secret) problems.add("/outbound/secretFrom/file", "cannot read " + path.string());
      else return trimmed(std::move(*secret));
    }
  }
  return std::nullopt;
}

Outbound read_outbound(const rapidjson::Value& o, const LoadOptions& options, Problems& problems) {
  Outbound out;
  out.endpoint = o["endpoint"].GetString();
  std::string why;
  if (!delivery::parse_endpoint(out.endpoint, why)) problems.add("/outbound/endpoint", why);
  if (const auto* events = member(o, "events")) out.events = strings(*events);
  auto secret = read_secret(o["secretFrom"], options, problems);
  if (!secret) problems.add("/outbound/secretFrom", "no secret: its variable is unset and its file missing");
  else if (secret->size() < kMinKeyLength)
    problems.add("/outbound/secretFrom", "the secret is shorter than " + std::to_string(kMinKeyLength) + " characters");
  else out.secret = std::move(*secret);
  try {
    if (!out.secret.empty()) delivery::signing_key(out.secret);  // a whsec_ secret must decode
  } catch (const std::invalid_argument& e) {
    problems.add("/outbound/secretFrom", e.what());
  }
  return out;
}

Loaded parse_contract(const fs::path& file, const std::string& source, const json::SchemaSet& schemas,
                      const LoadOptions& options, Problems& problems) {
  Loaded out;
  rapidjson::Document doc;
  try {
    doc = json::parse_body(source);
  } catch (const http::HttpError& e) {
    problems.add("", e.problem().detail);
    return out;
  }
  auto violations = schemas.validate("contract", doc);
  for (const auto& v : violations) problems.add(v.pointer, v.message);
  if (!violations.empty()) return out;

  auto& c = out.contract;
  auto& client = c.client;
  client.id = doc["id"].GetString();
  if (file.stem().string() != client.id)
    problems.add("/id", "is \"" + client.id + "\" but the file is named " + file.filename().string() +
                            ": name it " + client.id + ".json");
  client.contract_version = doc["version"].GetString();
  client.contract_sha256 = util::sha256_hex(source);
  client.scopes = strings(doc["scopes"]);
  if (doc["territories"].IsArray()) client.territories = strings(doc["territories"]);
  const rapidjson::Value none(rapidjson::kNullType);
  const auto& fields = doc.HasMember("fields") ? doc["fields"] : none;
  client.fields = auth::FieldPolicy(rules_of(fields, "household", field_universe(schemas, "householdField")),
                                    rules_of(fields, "person", field_universe(schemas, "personField")),
                                    rules_of(fields, "request", field_universe(schemas, "requestField")));
  c.name = doc["name"].GetString();
  c.file = file;
  c.source = source;
  read_credentials(doc["credentials"], options, out, problems);

  const auto dir = file.parent_path();
  const auto& adapter = doc["adapter"];
  client.adapter = adapter["name"].GetString();
  if (!options.adapters.empty() &&
      std::find(options.adapters.begin(), options.adapters.end(), client.adapter) == options.adapters.end()) {
    std::string known;
    for (const auto& a : options.adapters) known += (known.empty() ? "" : ", ") + a;
    problems.add("/adapter/name", "no adapter is named " + client.adapter + " (there are: " + known + ")");
  }
  client.mapping_version = adapter["mappingVersion"].GetString();
  std::string mapping_file;  // resolved against the contract's directory; empty: none
  if (const auto* mapping = member(adapter, "mapping")) {
    mapping_file = (dir / mapping->GetString()).lexically_normal().string();
    if (!fs::exists(mapping_file)) {
      problems.add("/adapter/mapping", "no such file: " + mapping_file);
    } else {
      try {
        client.mapping = mapping::Mapping::load(mapping_file, schemas);
        if (client.mapping->version() != client.mapping_version)
          problems.add("/adapter/mappingVersion", "is " + client.mapping_version + " but " + mapping_file +
                                                      " is version " + client.mapping->version());
      } catch (const mapping::LoadError& e) {
        problems.list.insert(problems.list.end(), e.problems.begin(), e.problems.end());
      }
    }
  }
  if (options.check_adapter && problems.list.empty())
    for (const auto& problem : options.check_adapter(client))
      problems.list.push_back((mapping_file.empty() ? file.string() : mapping_file) + ": " + problem);
  const auto& quota = doc["quota"];
  c.quota_limits = {quota["rate"].GetDouble(), static_cast<double>(quota["burst"].GetInt()),
                    quota["maxInFlight"].GetInt()};
  if (const auto* outbound = member(doc, "outbound")) c.outbound = read_outbound(*outbound, options, problems);
  if (const auto* samples = member(doc, "samples")) {
    // Only `contract check` runs them, and says when one is missing: a served contract does not need them.
    for (const auto& sample : samples->GetArray()) c.samples.push_back((dir / sample.GetString()).lexically_normal());
  }
  return out;
}

Loaded load_one(const fs::path& file, const json::SchemaSet& schemas, const LoadOptions& options, Problems& problems) {
  auto source = read_text(file, kMaxContractBytes);
  if (!source) {
    problems.add("", "cannot be read (missing, unreadable or over 1 MiB)");
    return {};
  }
  return parse_contract(file, *source, schemas, options, problems);
}

}  // namespace

ContractError::ContractError(std::vector<std::string> problems)
    : std::runtime_error(join(problems)), problems_(std::move(problems)) {}

Contract load_contract(const fs::path& file, const json::SchemaSet& schemas, const LoadOptions& options) {
  Problems problems{file.string(), {}};
  auto loaded = load_one(file, schemas, options, problems);
  if (!problems.list.empty()) throw ContractError(std::move(problems.list));
  return std::move(loaded.contract);
}

std::vector<Contract> load_contract_dir(const fs::path& dir, const json::SchemaSet& schemas,
                                        const LoadOptions& options) {
  std::vector<std::string> all_problems;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  if (ec) throw ContractError({dir.string() + ": cannot be read: " + ec.message()});
  if (files.empty()) throw ContractError({dir.string() + ": holds no contract (*.json)"});
  std::sort(files.begin(), files.end());

  std::vector<Loaded> loaded;
  for (const auto& file : files) {
    Problems problems{file.string(), {}};
    loaded.push_back(load_one(file, schemas, options, problems));
    all_problems.insert(all_problems.end(), problems.list.begin(), problems.list.end());
  }
  // Whatever proves identity must prove exactly one.
  std::map<std::string, std::string> certificate_owner;
  for (std::size_t i = 0; i < loaded.size(); ++i) {
    const auto& c = loaded[i].contract;
    for (const auto& cert : c.certificates) {
      auto [it, fresh] = certificate_owner.emplace(cert, c.client.id);
      if (!fresh)
        all_problems.push_back(files[i].string() + ": /credentials/certificates: " + cert + " is also " +
                               it->second + "'s");
    }
    for (const auto& key : loaded[i].plain_keys)
      for (std::size_t j = 0; j < loaded.size(); ++j)
        if (j != i && std::any_of(loaded[j].contract.keys.begin(), loaded[j].contract.keys.end(),
                                  [&](const auto& h) { return h.matches(key); }))
          all_problems.push_back(files[i].string() + ": /credentials/apiKeyFrom: its key is also " +
                                 loaded[j].contract.client.id + "'s");
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < loaded.size(); ++i)
    if (!loaded[i].contract.client.id.empty() && !ids.insert(loaded[i].contract.client.id).second)
      all_problems.push_back(files[i].string() + ": /id: another contract has the id " + loaded[i].contract.client.id);
  if (!all_problems.empty()) throw ContractError(std::move(all_problems));

  std::vector<Contract> out;
  out.reserve(loaded.size());
  for (auto& l : loaded) out.push_back(std::move(l.contract));
  return out;
}

}  // namespace siao::contracts
