// A declarative partner's routes are checked when the contract is loaded or checked: by the mapping schema,
// then by the adapter for what the schema cannot see (documents, parameters, a route twice). A contract
// whose routes cannot be served is refused there, never on its first call.
#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

namespace {

std::string declarative_contract(const std::string& id, const std::string& adapter) {
  return R"json({
  "id": ")json" + id + R"json(",
  "name": "Test declarative partner",
  "version": "1.0.0",
  "credentials": {"apiKeyFrom": {"env": ")json" + key_env(id) + R"json("}},
  "scopes": ["households:read", "households:write"],
  "territories": ["13"],
  "adapter": )json" + adapter + R"json(,
  "quota": {"rate": 1000, "burst": 1000, "maxInFlight": 16}
})json";
}

std::string mapping_with(const std::string& routes) {
  return R"json({
  "id": "routes-test",
  "version": "1.0.0",
  "codeLists": {},
  "documents": {"menage": {"inbound": [{"from": "/departement", "to": "/territory"}]}},
  "routes": )json" + routes + "\n}\n";
}

}  // namespace

TEST_CASE("declarative: a mapping's routes are checked at load - by schema then by the adapter") {
  ContractsGateway g;
  const auto mapping_dir = g.contracts.root() / "mapping";
  const std::string adapter =
      R"({"name": "declarative", "mapping": "../mapping/routes-test.json", "mappingVersion": "1.0.0"})";

  // What the schema sees: a GET that would write, a path that is not one.
  write_text(mapping_dir / "routes-test.json", mapping_with(R"([
    {"method": "GET", "path": "/menages", "canonical": {"method": "POST", "target": "/api/v2/households"},
     "request": "menage", "register": {"kind": "household", "key": "/cle", "id": "/id"}},
    {"method": "POST", "path": "menages/", "canonical": {"method": "POST", "target": "/api/v2/households"}}
  ])"));
  g.contracts.put("dept13", declarative_contract("dept13", adapter));
  const auto mapping_file = (g.contracts.path() / "../mapping/routes-test.json").lexically_normal().string();
  auto check = run_gateway(
      {"contract", "check", g.contracts.file("dept13").string()},
      {{"GATEWAY_CONTRACTS_DIR", g.contracts.path().string()}, {key_env("dept13"), test_key("dept13")}});
  CAPTURE(check.output);
  CHECK(check.exit_code == 1);
  CHECK(contains(check.output, mapping_file + ": /routes/0/canonical/method: must be GET"));
  CHECK(contains(check.output, mapping_file + ": /routes/0/register: a partner's GET only reads: it registers no key"));
  CHECK(contains(check.output, mapping_file + ": /routes/1/path: must be 1 to 4 segments"));

  // What only the adapter sees: a document without inbound rules, a parameter the path lacks, a route twice.
  write_text(mapping_dir / "routes-test.json", mapping_with(R"([
    {"method": "POST", "path": "/menages", "canonical": {"method": "POST", "target": "/api/v2/households"},
     "request": "menage", "response": "menage"},
    {"method": "GET", "path": "/menages/{cle}", "canonical": {"method": "GET", "target": "/api/v2/households/{id}"}},
    {"method": "POST", "path": "/menages", "canonical": {"method": "POST", "target": "/api/v2/households"}}
  ])"));
  auto adapter_check = run_gateway(
      {"contract", "check", g.contracts.file("dept13").string()},
      {{"GATEWAY_CONTRACTS_DIR", g.contracts.path().string()}, {key_env("dept13"), test_key("dept13")}});
  CAPTURE(adapter_check.output);
  CHECK(adapter_check.exit_code == 1);
  CHECK(contains(adapter_check.output, mapping_file + ": /routes/0/response: no document \"menage\" with outbound rules"));
  CHECK(contains(adapter_check.output, mapping_file + ": /routes/1/canonical/target: uses {id}, which the path does not have"));
  CHECK(contains(adapter_check.output, mapping_file + ": /routes/2/path: another route, /routes/0, has the same method and path"));

  // A gateway refuses to start on it, as on any bad contract: nothing is half-served.
  auto serve = run_gateway({"serve"}, {{"GATEWAY_CONTRACTS_DIR", g.contracts.path().string()},
                                       {key_env("dept13"), test_key("dept13")},
                                       {"DATABASE_URL", g.db.url()}});
  CAPTURE(serve.output);
  CHECK(serve.exit_code == 78);
  CHECK(contains(serve.output, "/routes/2/path: another route"));

  // A declarative contract without a mapping has nothing to serve: refused too, pointing into the contract.
  g.contracts.remove("dept13");
  g.contracts.put("dept14", declarative_contract("dept14", R"({"name": "declarative", "mappingVersion": "1.0.0"})"));
  auto no_mapping = run_gateway(
      {"contract", "check", g.contracts.file("dept14").string()},
      {{"GATEWAY_CONTRACTS_DIR", g.contracts.path().string()}, {key_env("dept14"), test_key("dept14")}});
  CAPTURE(no_mapping.output);
  CHECK(no_mapping.exit_code == 1);
  CHECK(contains(no_mapping.output, g.contracts.file("dept14").string() + ": /adapter/mapping: the declarative adapter"));
}
