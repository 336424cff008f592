#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "gateway/contracts/contract_loader.hpp"
#include "gateway/contracts/registry.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/util/hex.hpp"
#include "gateway/util/scratch_dir.hpp"
#include "tests/unit/source_tree.hpp"

namespace fs = std::filesystem;
using siao::contracts::ContractError;
using siao::contracts::LoadOptions;
using siao::domain::ResourceKind;

namespace {

const fs::path& kRoot = siao::test::source_root();

const siao::json::SchemaSet& schemas() { return siao::test::shipped_schemas(); }

// A directory of contracts for one test, removed after it.
struct ContractDir {
  siao::util::ScratchDir scratch{"siao-contracts"};
  fs::path dir = scratch.path();
  ContractDir() { fs::create_directories(dir / "secrets"); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(dir / name, std::ios::binary) << text;
    return dir / name;
  }
};

std::string contract(const std::string& id, const std::string& extra = "",
                     const std::string& credentials = R"({"apiKeyFrom":{"env":"SIAO_KEY_TEST"}})") {
  return R"({"id":")" + id + R"(","name":"Test","version":"2.1.0","credentials":)" + credentials +
         R"(,"scopes":["households:read"],"territories":["93"],"adapter":{"name":"generic","mappingVersion":"v2"},)"
         R"("quota":{"rate":10,"burst":20,"maxInFlight":4})" +
         extra + "}";
}

LoadOptions options(const ContractDir& d, std::map<std::string, std::string> env = {}) {
  LoadOptions o;
  o.secrets_dir = d.dir / "secrets";
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(env));
  o.getenv = [shared](const char* name) -> const char* {
    auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
  return o;
}

std::string problems_of(const std::function<void()>& load) {
  try {
    load();
  } catch (const ContractError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("contracts: a valid contract loads with its rules and the hash of its file") {
  ContractDir d;
  auto text = contract("partner-a", R"(,"fields":{"person":{"read":{"except":["phone","email"]},"write":["lastName"]}})");
  auto file = d.write("partner-a.json", text);
  auto c = siao::contracts::load_contract(file, schemas(), options(d, {{"SIAO_KEY_TEST", "a-key-of-sufficient-length"}}));
  CHECK(c.client.id == "partner-a");
  CHECK(c.client.contract_version == "2.1.0");
  CHECK(c.client.contract_sha256 == siao::util::sha256_hex(text));
  CHECK(c.client.has_scope("households:read"));
  CHECK_FALSE(c.client.has_scope("households:write"));
  CHECK(c.client.in_territory("93"));
  CHECK_FALSE(c.client.in_territory("75"));
  CHECK(c.client.fields.may_read(ResourceKind::person, "lastName"));
  CHECK_FALSE(c.client.fields.may_read(ResourceKind::person, "phone"));
  CHECK(c.client.fields.may_read(ResourceKind::household, "territory"));
  CHECK(c.client.fields.may_write(ResourceKind::person, "lastName"));
  CHECK_FALSE(c.client.fields.may_write(ResourceKind::person, "firstNames"));
  REQUIRE(c.keys.size() == 1);
  CHECK(c.keys[0].matches("a-key-of-sufficient-length"));
  CHECK_FALSE(c.keys[0].matches("another-key-of-some-length"));
  CHECK(c.quota_limits.rate == 10);
  CHECK(c.quota_limits.max_in_flight == 4);
  CHECK(c.source == text);
}

TEST_CASE("contracts: schema violations are reported with pointers into the file") {
  ContractDir d;
  auto file = d.write("bad.json", R"({"id":"bad","name":"","version":"1","credentials":{},"scopes":["households:delete"],)"
                                  R"("territories":["99"],"adapter":{"name":"generic","mappingVersion":"v2"},)"
                                  R"("quota":{"rate":0,"burst":1,"maxInFlight":1},"colour":"blue"})");
  auto text = problems_of([&] { siao::contracts::load_contract(file, schemas(), options(d)); });
  CAPTURE(text);
  CHECK(text.find(file.string() + ": /name:") != std::string::npos);
  CHECK(text.find(": /scopes/0:") != std::string::npos);
  CHECK(text.find(": /territories") != std::string::npos);
  CHECK(text.find(": /quota/rate:") != std::string::npos);
  CHECK(text.find("colour") != std::string::npos);
}

TEST_CASE("contracts: malformed JSON and a file named after another id are refused") {
  ContractDir d;
  auto broken = d.write("broken.json", "{\"id\": ");
  CHECK(problems_of([&] { siao::contracts::load_contract(broken, schemas(), options(d)); }).find("broken.json: /:") !=
        std::string::npos);
  auto misnamed = d.write("other.json", contract("partner-a"));
  CHECK(problems_of([&] { siao::contracts::load_contract(misnamed, schemas(), options(d)); }).find("/id:") !=
        std::string::npos);
}

TEST_CASE("contracts: keys come from the environment first and then from the secrets directory") {
  ContractDir d;
  auto file = d.write("partner-a.json", contract("partner-a", "", R"({"apiKeyFrom":{"env":"SIAO_KEY_TEST","file":"a.key"}})"));
  std::ofstream(d.dir / "secrets" / "a.key") << "key-from-the-file-0001\n";
  auto from_file = siao::contracts::load_contract(file, schemas(), options(d));
  REQUIRE(from_file.keys.size() == 1);
  CHECK(from_file.keys[0].matches("key-from-the-file-0001"));  // trailing newline trimmed
  auto from_env = siao::contracts::load_contract(file, schemas(), options(d, {{"SIAO_KEY_TEST", "key-from-the-env-0001"}}));
  REQUIRE(from_env.keys.size() == 1);
  CHECK(from_env.keys[0].matches("key-from-the-env-0001"));
  // An empty variable is no key: the file is used.
  auto empty_env = siao::contracts::load_contract(file, schemas(), options(d, {{"SIAO_KEY_TEST", ""}}));
  CHECK(empty_env.keys[0].matches("key-from-the-file-0001"));
  // A guessable key is refused.
  CHECK(problems_of([&] { siao::contracts::load_contract(file, schemas(), options(d, {{"SIAO_KEY_TEST", "short"}})); })
            .find("/credentials/apiKeyFrom/env: the key is shorter") != std::string::npos);
}

TEST_CASE("contracts: a stored key hash authenticates its key") {
  ContractDir d;
  auto key = siao::auth::new_api_key();
  auto file = d.write("partner-a.json",
                      contract("partner-a", "", R"({"apiKeys":[{"hash":")" + siao::auth::KeyHash::of(key).text() + R"("}]})"));
  auto c = siao::contracts::load_contract(file, schemas(), options(d));
  REQUIRE(c.keys.size() == 1);
  CHECK(c.keys[0].matches(key));
}

TEST_CASE("contracts: a directory loads whole or not at all") {
  ContractDir d;
  d.write("partner-a.json", contract("partner-a"));
  auto b = contract("partner-b");
  b.replace(b.find(R"("mappingVersion":"v2")"), 21, R"("mappingVersion":"v2","mapping":"none.json")");
  d.write("partner-b.json", b);
  auto text = problems_of([&] { siao::contracts::load_contract_dir(d.dir, schemas(), options(d)); });
  CHECK(text.find("partner-b.json: /adapter/mapping: no such file") != std::string::npos);
  CHECK(text.find("partner-a.json") == std::string::npos);
  fs::remove(d.dir / "partner-b.json");
  CHECK(siao::contracts::load_contract_dir(d.dir, schemas(), options(d)).size() == 1);
}

TEST_CASE("contracts: two contracts may not share a key or a certificate") {
  ContractDir d;
  const std::string cert(64, 'a');
  d.write("partner-a.json", contract("partner-a", "", R"({"apiKeyFrom":{"env":"SIAO_KEY_A"},"certificates":[")" + cert + "\"]}"));
  d.write("partner-b.json", contract("partner-b", "", R"({"apiKeyFrom":{"env":"SIAO_KEY_B"},"certificates":[")" + cert + "\"]}"));
  auto text = problems_of([&] {
    siao::contracts::load_contract_dir(d.dir, schemas(),
                                       options(d, {{"SIAO_KEY_A", "the-same-key-for-both"}, {"SIAO_KEY_B", "the-same-key-for-both"}}));
  });
  CHECK(text.find("its key is also partner-") != std::string::npos);
  CHECK(text.find("is also partner-a's") != std::string::npos);
}

TEST_CASE("contracts: the registry authenticates by key or certificate and keeps the old set when a reload fails") {
  ContractDir d;
  const std::string cert(64, 'b');
  d.write("partner-a.json", contract("partner-a", "", R"({"apiKeyFrom":{"env":"SIAO_KEY_A"},"certificates":[")" + cert + "\"]}"));
  siao::contracts::Registry registry(d.dir, siao::json::SchemaSet::load(kRoot / "schemas"),
                                     options(d, {{"SIAO_KEY_A", "partner-a-key-0123456789"}}));
  auto first = registry.reload();
  siao::http::Request req;
  req.headers.emplace_back("authorization", "Bearer partner-a-key-0123456789");
  auto caller = registry.authenticate(req);
  REQUIRE(caller.client);
  CHECK(caller.client->id == "partner-a");
  CHECK(caller.quota != nullptr);

  siao::http::Request wrong;
  wrong.headers.emplace_back("authorization", "Bearer partner-a-key-0123456780");
  wrong.client_cert_sha256 = cert;  // a wrong bearer is not rescued by a good certificate
  auto refused = registry.authenticate(wrong);
  CHECK_FALSE(refused.client);
  CHECK(refused.presented);

  siao::http::Request by_cert;
  by_cert.client_cert_sha256 = cert;
  REQUIRE(registry.authenticate(by_cert).client);
  CHECK_FALSE(registry.authenticate(siao::http::Request{}).presented);

  d.write("partner-b.json", "{not json");
  CHECK_THROWS_AS(registry.reload(), ContractError);
  CHECK(registry.current() == first);
  // The client a request holds outlives a successful reload that replaces its set.
  fs::remove(d.dir / "partner-b.json");
  d.write("partner-a.json", contract("partner-a", R"(,"fields":{"person":{"read":["lastName"]}})",
                                     R"({"apiKeyFrom":{"env":"SIAO_KEY_A"}})"));
  auto second = registry.reload();
  CHECK(second != first);
  CHECK(caller.client->id == "partner-a");
  CHECK_FALSE(caller.client->fields.restricts_reads());
  CHECK(registry.authenticate(req).client->fields.restricts_reads());
  // The quota is the same object across reloads: a reload never refills a bucket.
  CHECK(registry.authenticate(req).quota == caller.quota);
}
