// How a client proves who it is: a key from the environment, from a file in the secrets directory, or kept only
// as a salted hash in the contract; or a TLS client certificate the contract names.
#include <openssl/ssl.h>

#include "tests/e2e/contracts_fixture.hpp"
#include "tests/support/test_cert.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

namespace {

struct NewKey {
  std::string key, hash;
};

// `contract new-key`: the key on its own line, then {"hash": "..."} for the contract.
NewKey new_key() {
  auto r = run_gateway({"contract", "new-key"}, {});
  REQUIRE(r.exit_code == 0);
  NewKey out;
  std::istringstream lines(r.output);
  std::string line;
  while (std::getline(lines, line)) {
    auto key_at = line.find("siao_");
    if (out.key.empty() && key_at != std::string::npos) out.key = line.substr(key_at);
    auto hash_at = line.find("\"hash\": \"");
    if (hash_at != std::string::npos) {
      auto begin = hash_at + 9;
      out.hash = line.substr(begin, line.find('"', begin) - begin);
    }
  }
  REQUIRE_MESSAGE(!out.key.empty(), r.output);
  REQUIRE_MESSAGE(!out.hash.empty(), r.output);
  return out;
}

}  // namespace

TEST_CASE("contracts: a key from the secrets directory and a key kept only as its hash both authenticate") {
  auto generated = new_key();
  CHECK(generated.key.size() == 48);
  CHECK(generated.key.rfind("siao_", 0) == 0);
  CHECK(generated.hash.rfind("hmac-sha256$", 0) == 0);
  CHECK(generated.hash.size() == 12 + 32 + 1 + 64);
  CHECK_FALSE(contains(generated.hash, generated.key));
  auto other = new_key();
  CHECK(other.key != generated.key);

  ContractsGateway g;
  // The sample partner's key: not in the environment (set empty), so from the file its contract names.
  TempDir secrets("secrets");
  const std::string file_key = "sample-partner-key-from-a-file-0123456789";
  write_text(secrets.path() / "sample-partner.key", file_key + "\n");
  g.env["GATEWAY_SECRETS_DIR"] = secrets.path().string();
  g.env["SIAO_KEY_SAMPLE_PARTNER"] = "";
  // A partner whose contract holds only the hash `contract new-key` printed.
  g.add({.id = "hashed-partner",
         .territories = R"(["93"])",
         .credentials = R"({"apiKeys": [{"id": "2026-01", "hash": ")" + generated.hash + R"("}]})"});
  g.start();
  auto backoffice = g.backoffice();
  auto ours = seed(backoffice, "93");
  auto paris = seed(backoffice, "75");

  ApiClient from_file(g.port(), file_key);
  auto read = from_file.get("/api/v2/households/" + ours.household);
  CHECK(read.status == 200);
  CHECK_FALSE(has(read, "/members/0/phone"));  // it is the sample partner, rules and all
  CHECK(from_file.get("/api/v2/households/" + paris.household).status == 404);
  CHECK(g.sample_partner().get("/api/v2/households/" + ours.household).status == 401);  // the env key is not set

  ApiClient hashed(g.port(), generated.key);
  CHECK(hashed.get("/api/v2/households/" + ours.household).status == 200);
  CHECK(hashed.get("/api/v2/households/" + paris.household).status == 404);
  CHECK(ApiClient(g.port(), other.key).get("/api/v2/households/" + ours.household).status == 401);
  CHECK(ApiClient(g.port(), generated.hash).get("/api/v2/households/" + ours.household).status == 401);

  auto who = rows(g.db.url(), "SELECT DISTINCT client_id FROM audit_exchanges WHERE status = 200 ORDER BY 1");
  CHECK(who == std::vector<std::vector<std::string>>{{"hashed-partner"}, {"sample-partner"}});
  // No key ever reaches the log.
  auto log = g.gw->output();
  CHECK_FALSE(contains(log, file_key));
  CHECK_FALSE(contains(log, generated.key));
  CHECK_FALSE(contains(log, kBackofficeKey));
}

TEST_CASE("contracts: a TLS client certificate named in a contract authenticates without Authorization") {
  auto known = make_certificate("cert-partner");
  auto unknown = make_certificate("cert-partner");  // same name - another key - another fingerprint
  REQUIRE(known.sha256 != unknown.sha256);
  ContractsGateway g;
  g.add({.id = "cert-partner",
         .scopes = R"(["households:read", "persons:read"])",
         .territories = R"(["93"])",
         .credentials = R"({"certificates": [")" + known.sha256 + R"("]})"});
  g.start(true);
  auto backoffice = g.backoffice();
  auto ours = seed(backoffice, "93");
  auto paris = seed(backoffice, "75");

  HttpClient with_cert(g.gw->https_port(), TlsClientOptions{.cert_file = known.cert_file, .key_file = known.key_file});
  auto read = with_cert.get("/api/v2/households/" + ours.household);
  CHECK(read.status == 200);
  CHECK(contains(read.body, "\"id\":\"" + ours.household + "\""));
  CHECK(with_cert.get("/api/v2/persons/" + ours.head).status == 200);  // keep-alive: the same connection
  CHECK(with_cert.get("/api/v2/households/" + paris.household).status == 404);
  CHECK(with_cert.request("POST", "/api/v2/households",
                          household_body("93", {person_json("head", "A", "male")}),
                          {{"Content-Type", "application/json"}})
            .status == 403);
  // A bearer credential decides alone: a wrong key is not rescued by a good certificate.
  auto wrong_key = with_cert.get("/api/v2/households/" + ours.household, {{"Authorization", "Bearer not-a-key-0123456789"}});
  CHECK(wrong_key.status == 401);

  HttpClient other_cert(g.gw->https_port(), TlsClientOptions{.cert_file = unknown.cert_file, .key_file = unknown.key_file});
  auto refused = other_cert.get("/api/v2/households/" + ours.household);
  CHECK(refused.status == 401);
  CHECK(refused.header("www-authenticate") == "Bearer");
  HttpClient no_cert(g.gw->https_port(), TlsClientOptions{});
  CHECK(no_cert.get("/api/v2/households/" + ours.household).status == 401);

  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'cert-partner' AND status = 200") == 2);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'cert-partner' AND contract_sha256 = " +
                sql_text(g.contracts.sha256("cert-partner"))) == 4);
}
