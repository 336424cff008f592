#pragma once
// What the security boundary tests share: each contract of contracts/ read as the boundaries it declares (scopes,
// territories, readable fields, adapter), its copy rewritten so that the test holds its key, and the field names
// of every resource as contract.schema.json closes them. Nothing here names a shipped contract: a contract added
// to contracts/ is covered as it is.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/contracts_fixture.hpp"

namespace siao::test::security {

namespace fs = std::filesystem;
using contracts::read_text;
using contracts::source_dir;

inline const char* const kKinds[] = {"household", "person", "request"};

// Always readable, whatever the contract (docs/contracts.md, "Fields").
inline const std::set<std::string> kMetadata = {"id", "version", "createdAt", "updatedAt", "updatedBy"};

// Scopes whose routes span every territory and every field (the audit log, the outbound deliveries).
inline bool global_scope(const std::string& scope) {
  return scope.rfind("audit:", 0) == 0 || scope == "admin:deliveries";
}

inline rapidjson::Document parse_json(const std::string& text, const std::string& what) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  REQUIRE_MESSAGE(!d.HasParseError(), what << " is not JSON");
  return d;
}

inline std::string json_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  v.Accept(w);
  return {out.GetString(), out.GetSize()};
}

// Each resource's field names, as contract.schema.json closes them (householdField, personField, requestField).
inline const std::map<std::string, std::vector<std::string>>& field_catalogue() {
  static const auto catalogue = [] {
    auto schema = parse_json(read_text(source_dir() / "schemas" / "contract.schema.json"), "contract.schema.json");
    std::map<std::string, std::vector<std::string>> out;
    for (const char* kind : kKinds) {
      const auto def = std::string(kind) + "Field";
      const auto& names = schema["definitions"][def.c_str()]["enum"];
      for (const auto& n : names.GetArray()) out[kind].emplace_back(n.GetString());
    }
    return out;
  }();
  return catalogue;
}

// A contract as the boundaries it declares.
struct ContractView {
  std::string id;
  std::string adapter;
  std::set<std::string> scopes;                      // as written ("*": every one)
  std::optional<std::set<std::string>> territories;  // nullopt: "*"
  std::map<std::string, std::set<std::string>> readable;  // per resource kind, resolved against the catalogue
  bool bounded_reads = false;  // some "read" other than "*", even one listing every field (as the gateway counts)

  bool has(const std::string& scope) const { return scopes.contains("*") || scopes.contains(scope); }
  bool sees(const std::string& territory) const { return !territories || territories->count(territory); }
  bool reads(const std::string& kind, const std::string& field) const {
    return kMetadata.contains(field) || readable.at(kind).contains(field);
  }
  // Bounded in territories or fields: the routes of a global scope would show it more than it may see.
  bool restricted() const { return territories.has_value() || bounded_reads; }
};

inline std::set<std::string> field_set(const rapidjson::Value* set, const std::vector<std::string>& all) {
  if (!set || set->IsString()) return {all.begin(), all.end()};  // absent or "*"
  std::set<std::string> out;
  if (set->IsArray()) {
    for (const auto& f : set->GetArray()) out.insert(f.GetString());
    return out;
  }
  std::set<std::string> except;
  for (const auto& f : (*set)["except"].GetArray()) except.insert(f.GetString());
  for (const auto& f : all)
    if (!except.contains(f)) out.insert(f);
  return out;
}

inline ContractView view_of(const std::string& text) {
  auto d = parse_json(text, "a contract");
  ContractView v;
  v.id = d["id"].GetString();
  v.adapter = d["adapter"]["name"].GetString();
  for (const auto& s : d["scopes"].GetArray()) v.scopes.insert(s.GetString());
  if (d["territories"].IsArray()) {
    v.territories.emplace();
    for (const auto& t : d["territories"].GetArray()) v.territories->insert(t.GetString());
  }
  for (const auto& [kind, all] : field_catalogue()) {
    const rapidjson::Value* read = nullptr;
    if (d.HasMember("fields") && d["fields"].HasMember(kind.c_str()) && d["fields"][kind.c_str()].HasMember("read"))
      read = &d["fields"][kind.c_str()]["read"];
    v.readable[kind] = field_set(read, all);
    if (read && !read->IsString()) v.bounded_reads = true;
  }
  return v;
}

// The contract as the test runs it: the same scopes, territories, fields and adapter, but a key the test holds
// (whatever credentials the file names), a quota no sweep reaches, and no outbound delivery (it needs a secret
// and a receiver, and is no route). `territories`, when given, replaces the contract's (JSON text).
inline std::string for_test(const std::string& text, const std::string& territories = {}) {
  auto d = parse_json(text, "a contract");
  auto& a = d.GetAllocator();
  const std::string id = d["id"].GetString();
  auto replace = [&](const char* name, const std::string& json) {
    rapidjson::Document part(&a);
    part.Parse(json.c_str());
    REQUIRE(!part.HasParseError());
    d.RemoveMember(name);
    d.AddMember(rapidjson::Value(name, a), rapidjson::Value(part, a), a);
  };
  replace("credentials", R"({"apiKeyFrom": {"env": ")" + contracts::key_env(id) + R"("}})");
  replace("quota", R"({"rate": 100000, "burst": 100000, "maxInFlight": 256})");
  if (!territories.empty()) replace("territories", territories);
  d.RemoveMember("outbound");
  return json_text(d);
}

// Every contract file of the source tree's contracts/, by id: what the tests cover.
inline std::map<std::string, std::string> shipped_contracts() {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(source_dir() / "contracts"))
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      out[entry.path().stem().string()] = read_text(entry.path());
  REQUIRE_MESSAGE(!out.empty(), "contracts/ holds no contract");
  return out;
}

}  // namespace siao::test::security
