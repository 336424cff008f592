// The files an operator hands the gateway, read by the loaders it runs at start, at each reload and in
// `contract check`: the input is written, in a private scratch tree laid out like the repository's, as a
// contract (contracts::load_contract, with the adapters' own check of a declarative mapping's routes), as a
// mapping file (mapping::Mapping::load, whose code lists resolve to the shipped ones) and as a code list (named
// by a small mapping). What loads is then used: its routes compiled, its documents translated, its codes
// looked up. A refusal must be a ContractError or LoadError listing at least one problem.
#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "adapters/declarative/routes.hpp"
#include "gateway/contracts/contract_loader.hpp"
#include "gateway/json/body.hpp"
#include "gateway/mapping/mapping.hpp"
#include "support/fuzz_support.hpp"

namespace {

using namespace siao;
namespace declarative = siao::adapters::declarative;
namespace fs = std::filesystem;

// contracts/ for the input as a contract, keys/ for the key files contracts name, beside mapping/ (a copy of
// the shipped one) where the input goes as a mapping or as a code list.
struct Scratch {
  fs::path mapping = fuzz::scratch_mapping_dir();
  fs::path contracts = mapping.parent_path() / "contracts";
  fs::path keys = mapping.parent_path() / "keys";

  Scratch() {
    fs::create_directories(contracts);
    fs::create_directories(keys);
    fs::create_directories(mapping / "codes/fuzz");
    std::ofstream(keys / "partner.key") << "fuzz-key-from-a-file-0123456789\n";
    std::ofstream(keys / "short.key") << "short\n";
  }
};

const Scratch& scratch() {
  static const Scratch s;
  return s;
}

void write(const fs::path& file, std::string_view text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

// Sources the loaded documents are translated from: a Rosalie family and a canonical household.
struct Sources {
  rapidjson::Document rosalie, canonical;
};

rapidjson::Document sample_member(const fs::path& file, const char* a, const char* b) {
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto doc = json::parse_body(text);
  rapidjson::Document out;
  out.CopyFrom(doc[a][b], out.GetAllocator());
  return out;
}

const Sources& sources() {
  static const Sources s{
      sample_member(fuzz::source_root() / "samples/rosalie/04-famille-4-personnes.json", "request", "body"),
      sample_member(fuzz::source_root() / "samples/sample-partner/household-minimised.json", "expect", "body")};
  return s;
}

// A name the input gives itself (its "id"), when it can be a file name: a contract loads only from <id>.json.
std::string own_name(const rapidjson::Document& doc, const char* fallback) {
  if (!doc.IsObject() || !doc.HasMember("id") || !doc["id"].IsString()) return fallback;
  std::string id(doc["id"].GetString(), doc["id"].GetStringLength());
  if (id.empty() || id.size() > 64) return fallback;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return fallback;
  return id;
}

template <typename Error>
void expect_problems(const Error& e, const std::vector<std::string>& problems) {
  if (problems.empty()) throw std::logic_error(std::string("refused without a problem: ") + e.what());
}

void use(const mapping::Mapping& m) {
  declarative::compile_routes(m);
  const rapidjson::Value* documents = m.member("documents");
  if (!documents || !documents->IsObject()) throw std::logic_error("a loaded mapping has no documents");
  for (const auto& d : documents->GetObject()) {
    const std::string_view name(d.name.GetString(), d.name.GetStringLength());
    if (!m.has(name)) throw std::logic_error("a loaded mapping lost a document");
    for (auto [direction, member, source] :
         {std::tuple{mapping::Direction::inbound, "inbound", &sources().rosalie},
          std::tuple{mapping::Direction::outbound, "outbound", &sources().canonical}}) {
      if (!d.value.HasMember(member)) continue;
      try {
        m.translate(name, direction, *source);
      } catch (const mapping::TranslationError& e) {
        if (e.problems.empty()) throw std::logic_error("a translation failed without a problem");
      }
    }
  }
  for (const auto& list : m.code_list_names())
    for (auto direction : {mapping::Direction::inbound, mapping::Direction::outbound}) m.code(list, direction, "F");
}

void as_contract(std::string_view text, const rapidjson::Document& doc) {
  const fs::path file = scratch().contracts / (own_name(doc, "fuzz") + ".json");
  write(file, text);
  contracts::LoadOptions options;
  options.secrets_dir = scratch().keys;
  options.getenv = fuzz::made_up_key;
  options.adapters = {"generic", "rosalie", "declarative"};
  // As the declarative adapter checks a contract that names it (adapters/declarative/declarative_adapter.cpp).
  options.check_adapter = [](const auth::Client& client) -> std::vector<std::string> {
    if (client.adapter != "declarative") return {};
    if (!client.mapping) return {"/adapter/mapping: the declarative adapter serves what a mapping's routes say"};
    return declarative::compile_routes(*client.mapping).problems;
  };
  try {
    const auto contract = contracts::load_contract(file, fuzz::shipped_schemas(), options);
    if (contract.client.mapping) use(*contract.client.mapping);
  } catch (const contracts::ContractError& e) {
    expect_problems(e, e.problems());
  }
  fs::remove(file);  // each input names its own file: the directory must not fill up
}

void as_mapping(std::string_view text) {
  const fs::path file = scratch().mapping / "fuzz.json";
  write(file, text);
  try {
    use(*mapping::Mapping::load(file, fuzz::shipped_schemas()));
  } catch (const mapping::LoadError& e) {
    expect_problems(e, e.problems);
  }
  fs::remove(file);  // what an input loads never depends on an earlier one
}

void as_code_list(std::string_view text, const rapidjson::Document& doc) {
  const std::string name = own_name(doc, "fuzz");
  const fs::path list = scratch().mapping / "codes/fuzz/list.json";
  write(list, text);
  const fs::path file = scratch().mapping / "fuzz-codes.json";
  write(file, R"({"id": "fuzz-codes", "version": "1", "codeLists": {")" + name +
                  R"(": "codes/fuzz/list.json"}, "documents": {"d": {"inbound": [{"from": "/v", "to": "/v", "codes": ")" +
                  name + R"("}], "outbound": [{"from": "/v", "to": "/v", "codes": ")" + name + R"("}]}}})");
  std::shared_ptr<const mapping::Mapping> m;
  try {
    m = mapping::Mapping::load(file, fuzz::shipped_schemas());
  } catch (const mapping::LoadError& e) {
    expect_problems(e, e.problems);
  }
  fs::remove(list);
  if (!m) return;
  // Every code the list holds, both ways, through a lookup and through a translation.
  for (const auto& entry : doc["entries"].GetArray())
    for (const char* side : {"partner", "siao"}) {
      const std::string_view code(entry[side].GetString(), entry[side].GetStringLength());
      for (auto direction : {mapping::Direction::inbound, mapping::Direction::outbound}) {
        m->code(name, direction, code);
        rapidjson::Document source(rapidjson::kObjectType);
        source.AddMember("v", rapidjson::Value(entry[side], source.GetAllocator()), source.GetAllocator());
        try {
          m->translate("d", direction, source);
        } catch (const mapping::TranslationError&) {
        }
      }
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  scratch();
  sources();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text_of(data, size);
  // Only to name the files: the loaders parse the text themselves.
  rapidjson::Document doc;
  try {
    doc = json::parse_body(text);
  } catch (const http::HttpError&) {
    doc.SetNull();
  }
  as_contract(text, doc);
  as_mapping(text);
  as_code_list(text, doc);
  return 0;
}
