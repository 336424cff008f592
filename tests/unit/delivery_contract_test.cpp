// The outbound subscription of a contract (docs/delivery.md): endpoint, events, signing secret.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "gateway/contracts/contract_loader.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/util/scratch_dir.hpp"
#include "tests/unit/source_tree.hpp"

namespace fs = std::filesystem;
using siao::contracts::ContractError;
using siao::contracts::LoadOptions;

namespace {

struct Dir {
  siao::util::ScratchDir scratch{"siao-outbound"};
  fs::path dir = scratch.path();
  Dir() { fs::create_directories(dir / "secrets"); }
  fs::path write(const std::string& text) const {
    std::ofstream(dir / "hooked.json", std::ios::binary) << text;
    return dir / "hooked.json";
  }
};

std::string contract(const std::string& outbound) {
  return R"({"id":"hooked","name":"Test","version":"1.0.0","credentials":{"apiKeyFrom":{"env":"SIAO_KEY_TEST"}},)"
         R"("scopes":["households:read"],"territories":["93"],"adapter":{"name":"generic","mappingVersion":"v2"},)"
         R"("quota":{"rate":10,"burst":20,"maxInFlight":4},"outbound":)" +
         outbound + "}";
}

LoadOptions options(const Dir& d) {
  LoadOptions o;
  o.secrets_dir = d.dir / "secrets";
  auto env = std::make_shared<std::map<std::string, std::string>>(std::map<std::string, std::string>{
      {"SIAO_KEY_TEST", "a-test-key-0123456789"},
      {"SIAO_KEY_HOOK", "a-signing-secret-0123456789"},
      {"SIAO_KEY_BAD_WHSEC", "whsec_not*base64*at*all"}});
  o.getenv = [env](const char* name) -> const char* {
    auto it = env->find(name);
    return it == env->end() ? nullptr : it->second.c_str();
  };
  return o;
}

std::string problems_of(const Dir& d, const std::string& outbound) {
  try {
    siao::contracts::load_contract(d.write(contract(outbound)), siao::test::shipped_schemas(), options(d));
  } catch (const ContractError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("delivery subscription loads with its endpoint events and secret") {
  Dir d;
  auto c = siao::contracts::load_contract(
      d.write(contract(R"({"endpoint":"https://partner.example.org/hooks","events":["household.updated"],)"
                       R"("secretFrom":{"env":"SIAO_KEY_HOOK"}})")),
      siao::test::shipped_schemas(), options(d));
  REQUIRE(c.outbound);
  CHECK(c.outbound->endpoint == "https://partner.example.org/hooks");
  CHECK(c.outbound->secret == "a-signing-secret-0123456789");
  CHECK(c.outbound->wants("household.updated"));
  CHECK(!c.outbound->wants("person.created"));
}

TEST_CASE("delivery subscription refuses plain http off loopback and a missing secret") {
  Dir d;
  auto http = problems_of(d, R"({"endpoint":"http://partner.example.org/hooks","secretFrom":{"env":"SIAO_KEY_HOOK"}})");
  CHECK(http.find("/outbound/endpoint") != std::string::npos);
  CHECK(problems_of(d, R"({"endpoint":"http://127.0.0.1:9/hooks","secretFrom":{"env":"SIAO_KEY_HOOK"}})").empty());
  auto secret = problems_of(d, R"({"endpoint":"https://partner.example.org/","secretFrom":{"env":"SIAO_KEY_NONE"}})");
  CHECK(secret.find("/outbound/secretFrom") != std::string::npos);
  auto type = problems_of(d, R"({"endpoint":"https://partner.example.org/","events":["household.deleted"],)"
                             R"("secretFrom":{"env":"SIAO_KEY_HOOK"}})");
  CHECK(type.find("/outbound/events/0") != std::string::npos);
  auto whsec = problems_of(d, R"({"endpoint":"https://partner.example.org/","secretFrom":{"env":"SIAO_KEY_BAD_WHSEC"}})");
  CHECK(whsec.find("base64") != std::string::npos);
}
