// The contract behind each exchange: its version and the SHA-256 of its file go into the audit record, and every
// version ever loaded is archived, so that an old exchange can be read under the rules it ran under.
#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

namespace {

// "version sha256" of each exchange of a client, oldest first.
std::vector<std::string> exchanges_of(const ContractsGateway& g, const std::string& client) {
  std::vector<std::string> out;
  for (const auto& row : rows(g.db.url(), "SELECT coalesce(contract_version, '-') || ' ' || coalesce(contract_sha256, '-') "
                                          "FROM audit_exchanges WHERE client_id = " + sql_text(client) + " ORDER BY seq"))
    out.push_back(row[0]);
  return out;
}

// What contract_versions holds for a client: "version sha256" per row, oldest first, and whether each row's
// source is the file's bytes whose hash it is.
std::vector<std::string> archived(const ContractsGateway& g, const std::string& client) {
  std::vector<std::string> out;
  for (const auto& row : rows(g.db.url(), "SELECT version, sha256, source FROM contract_versions WHERE client_id = " +
                                              sql_text(client) + " ORDER BY first_loaded_at, version")) {
    CHECK(siao::util::sha256_hex(row[2]) == row[1]);
    out.push_back(row[0] + " " + row[1]);
  }
  return out;
}

}  // namespace

TEST_CASE("contracts: each exchange records the version and file hash of its contract - every version is archived") {
  ContractsGateway g;
  g.start();
  const auto backoffice_v1 = "1.0.0 " + g.contracts.sha256("siao-backoffice");
  const auto partner_v1 = "1.0.0 " + g.contracts.sha256("sample-partner");
  // Hashes of the file bytes, as a partner or an auditor can check them against the file.
  CHECK(g.contracts.sha256("sample-partner") == siao::util::sha256_hex(read_text(g.contracts.file("sample-partner"))));
  CHECK(g.contracts.sha256("sample-partner").size() == 64);

  // Loaded: archived within about two seconds, with no exchange needed.
  CHECK(eventually([&] { return g.count("SELECT count(*) FROM contract_versions") == 4; }, 4s));
  for (const char* id : {"auditor", "rosalie", "sample-partner", "siao-backoffice"})
    CHECK(archived(g, id) == std::vector<std::string>{"1.0.0 " + g.contracts.sha256(id)});

  auto backoffice = g.backoffice();
  auto s = seed(backoffice, "93");
  auto partner = g.sample_partner();
  REQUIRE(partner.get("/api/v2/households/" + s.household).status == 200);
  REQUIRE(partner.get("/api/v2/persons/" + s.head).status == 200);
  CHECK(exchanges_of(g, "siao-backoffice") == std::vector<std::string>(2, backoffice_v1));  // household - request
  CHECK(exchanges_of(g, "sample-partner") == std::vector<std::string>(2, partner_v1));

  // A new version of the partner's contract: later exchanges name it, earlier ones keep theirs.
  g.contracts.edit("sample-partner", R"("version": "1.0.0")", R"("version": "1.1.0")");
  const auto partner_v2 = "1.1.0 " + g.contracts.sha256("sample-partner");
  REQUIRE(partner_v2 != "1.1.0 " + partner_v1.substr(6));
  auto reloaded = backoffice.post("/api/v2/admin/contracts/reload", "");
  REQUIRE_MESSAGE(reloaded.status == 200, reloaded.body);
  REQUIRE(partner.get("/api/v2/requests/" + s.request).status == 200);
  CHECK(exchanges_of(g, "sample-partner") == std::vector<std::string>{partner_v1, partner_v1, partner_v2});
  // The reload itself ran under the back-office's contract, unchanged.
  CHECK(exchanges_of(g, "siao-backoffice") == std::vector<std::string>(3, backoffice_v1));

  // Both versions of the partner's contract are kept - whole - and the other contracts once each.
  CHECK(archived(g, "sample-partner") == std::vector<std::string>{partner_v1, partner_v2});
  CHECK(archived(g, "siao-backoffice") == std::vector<std::string>{backoffice_v1});
  CHECK(g.count("SELECT count(*) FROM contract_versions") == 5);
  auto old_source = rows(g.db.url(), "SELECT source FROM contract_versions WHERE sha256 = " +
                                         sql_text(partner_v1.substr(6)));
  REQUIRE(old_source.size() == 1);
  CHECK(contains(old_source[0][0], R"("version": "1.0.0")"));
  // Every exchange's contract can be found again; a 401 names none.
  REQUIRE(ApiClient(g.port(), "").get("/api/v2/households/" + s.household).status == 401);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges a WHERE NOT EXISTS "
                "(SELECT 1 FROM contract_versions v WHERE v.sha256 = a.contract_sha256 AND v.client_id = a.client_id "
                "AND v.version = a.contract_version)") == 1);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE status = 401 AND contract_sha256 IS NULL "
                "AND contract_version IS NULL") == 1);
}
