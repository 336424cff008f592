// The contract tools and start-up: `contract check` passes a good contract and names what is wrong with a bad one;
// `serve` refuses to start on a bad set, saying which file and where; /ready counts the contracts in force.
#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

namespace {

// A gateway environment that would serve were it not for the contracts.
std::map<std::string, std::string> serve_env(const ContractsDir& dir) {
  return {{"GATEWAY_CONTRACTS_DIR", dir.path().string()},
          {"GATEWAY_HTTP_LISTEN", "127.0.0.1:" + std::to_string(free_port())},
          {"DATABASE_URL", "postgresql://nobody@127.0.0.1:" + std::to_string(free_port()) + "/none"}};
}

}  // namespace

TEST_CASE("contracts: contract check passes the shipped sample partner and names each problem of a bad contract") {
  const auto shipped = (source_dir() / "contracts" / "sample-partner.json").string();
  auto good = run_gateway({"contract", "check", shipped}, {});
  CAPTURE(good.output);
  CHECK(good.exit_code == 0);
  CHECK(contains(good.output, "ok   " + shipped + ": contract sample-partner "));
  CHECK(contains(good.output, "ok   sample creates an insertion request for a household of Seine-Saint-Denis\n"));
  CHECK(contains(good.output, "ok   sample may not create a request in Paris\n"));
  CHECK(contains(good.output, "ok   sample receives households without contact details or nationality\n"));
  CHECK(contains(good.output, "5 of 5 samples pass"));
  CHECK_FALSE(contains(good.output, "FAIL"));

  ContractsDir dir;
  // Invalid by schema: refused with a pointer into the file, exit 1.
  dir.put("broken-partner", contract_text({.id = "broken-partner", .scopes = R"(["households:read", "teleport"])"}));
  const auto broken = dir.file("broken-partner").string();
  auto bad = run_gateway({"contract", "check", broken}, {});
  CAPTURE(bad.output);
  CHECK(bad.exit_code == 1);
  CHECK(contains(bad.output, "FAIL " + broken + ": /scopes/1: "));
  CHECK_FALSE(contains(bad.output, "ok   "));

  // Named after another id.
  dir.put("misnamed", contract_text({.id = "someone-else"}));
  auto misnamed = run_gateway({"contract", "check", dir.file("misnamed").string()}, {});
  CAPTURE(misnamed.output);
  CHECK(misnamed.exit_code == 1);
  CHECK(contains(misnamed.output, "FAIL " + dir.file("misnamed").string() + ": /id: "));

  // A sample that is not there: the contract itself is fine, the sample fails.
  dir.put("forgetful", contract_text({.id = "forgetful", .samples = R"(["../samples/forgetful/nowhere.json"])"}));
  auto forgetful = run_gateway({"contract", "check", dir.file("forgetful").string()}, {});
  CAPTURE(forgetful.output);
  CHECK(forgetful.exit_code == 1);
  CHECK(contains(forgetful.output, "ok   " + dir.file("forgetful").string() + ": contract forgetful 1.0.0"));
  CHECK(contains(forgetful.output, "FAIL sample nowhere.json"));
  CHECK(contains(forgetful.output, "no such file: " + (dir.root() / "samples" / "forgetful" / "nowhere.json").string()));
  CHECK(contains(forgetful.output, "0 of 1 samples pass"));

  // Valid, but a sample expects what the contract does not allow: what differs is printed, exit 1.
  write_text(dir.root() / "samples" / "hopeful" / "create.json", R"({
  "name": "hopes to create a household",
  "request": {"method": "POST", "path": "/api/v2/households",
              "body": {"territory": "93", "members": [{"role": "head", "lastName": "A", "firstNames": ["B"], "sex": "male"}]}},
  "expect": {"status": "accepted"}
})");
  dir.put("hopeful", contract_text({.id = "hopeful", .samples = R"(["../samples/hopeful/create.json"])"}));
  auto hopeful = run_gateway({"contract", "check", dir.file("hopeful").string()}, {});
  CAPTURE(hopeful.output);
  CHECK(hopeful.exit_code == 1);
  CHECK(contains(hopeful.output, "ok   " + dir.file("hopeful").string() + ": contract hopeful 1.0.0"));
  CHECK(contains(hopeful.output, "FAIL sample hopes to create a household"));
  CHECK(contains(hopeful.output, "expected: accepted"));
  CHECK(contains(hopeful.output, "actual:   403"));
  CHECK(contains(hopeful.output, "0 of 1 samples pass"));
}

TEST_CASE("contracts: serve on a bad contract exits 78 naming the file and the pointer - ready counts the contracts") {
  {
    ContractsDir dir;
    dir.put("broken-partner", contract_text({.id = "broken-partner", .scopes = R"(["households:read", "teleport"])"}));
    auto r = run_gateway({"serve"}, serve_env(dir));
    CAPTURE(r.output);
    CHECK(r.exit_code == 78);
    CHECK(contains(r.output, dir.file("broken-partner").string() + ": /scopes/1"));
  }
  {
    // A key injected too short to be a secret.
    ContractsDir dir;
    auto env = serve_env(dir);
    env["SIAO_KEY_SAMPLE_PARTNER"] = "short-key";
    auto r = run_gateway({"serve"}, env);
    CAPTURE(r.output);
    CHECK(r.exit_code == 78);
    CHECK(contains(r.output, dir.file("sample-partner").string() + ": /credentials/apiKeyFrom/env"));
    CHECK_FALSE(contains(r.output, "short-key"));
  }
  {
    // One key for two contracts would make one client the other.
    ContractsDir dir;
    auto env = serve_env(dir);
    env["SIAO_KEY_AUDITOR"] = kBackofficeKey;
    auto r = run_gateway({"serve"}, env);
    CAPTURE(r.output);
    CHECK(r.exit_code == 78);
    CHECK(contains(r.output, dir.file("auditor").string() + ": /credentials/apiKeyFrom"));
    CHECK_FALSE(contains(r.output, kBackofficeKey));
  }

  // The shipped set, as every other test serves it.
  TestDatabase db;
  GatewayProcess gw({.database_url = db.url()});
  REQUIRE(gw.wait_ready(std::chrono::seconds(15)));
  auto ready = HttpClient(gw.http_port()).get("/ready");
  CHECK(ready.status == 200);
  CHECK_MESSAGE(contains(ready.body, "\"contracts\":4"), ready.body);
}

TEST_CASE("contracts: contract reload makes a running gateway reload - with the back-office key only") {
  ContractsGateway g;
  g.start();
  g.contracts.edit("sample-partner", R"("version": "1.0.0")", R"("version": "1.2.0")");
  const auto listen = "127.0.0.1:" + std::to_string(g.port());

  // The gateway's own address from its configuration, the key from SIAO_KEY_SIAO_BACKOFFICE.
  auto ok = run_gateway({"contract", "reload"}, {{"GATEWAY_HTTP_LISTEN", listen}});
  CAPTURE(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK(contains(ok.output, R"({"id":"sample-partner","version":"1.2.0","sha256":")" +
                                g.contracts.sha256("sample-partner") + "\"}"));
  CHECK(g.count("SELECT count(*) FROM contract_versions WHERE client_id = 'sample-partner' AND version = '1.2.0'") == 1);

  // Another client's key: refused by the endpoint, and the command says so.
  auto refused = run_gateway({"contract", "reload", "--url", "http://" + listen + "/api/v2/admin/contracts/reload"},
                             {{"SIAO_KEY_SIAO_BACKOFFICE", kSamplePartnerKey}});
  CAPTURE(refused.output);
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.output, "forbidden"));
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'sample-partner' AND "
                "route = '/api/v2/admin/contracts/reload' AND status = 403") == 1);

  // Nobody listening: a failure, not a hang.
  auto nobody = run_gateway({"contract", "reload"}, {{"GATEWAY_HTTP_LISTEN", "127.0.0.1:" + std::to_string(free_port())}});
  CAPTURE(nobody.output);
  CHECK(nobody.exit_code != 0);
  CHECK(nobody.exit_code != -1);  // -1: killed after 30 s
}
