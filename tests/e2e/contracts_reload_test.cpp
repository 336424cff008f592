// Reloading the contracts - by SIGHUP or the back-office's admin endpoint: all at once, a bad set refused with
// the old one kept, and no request failing while it happens.
#include <signal.h>

#include <atomic>
#include <mutex>

#include "tests/e2e/contracts_fixture.hpp"

using namespace siao::test;
using namespace siao::test::contracts;

namespace {

const char* const kReload = "/api/v2/admin/contracts/reload";
const char* const kShipped[] = {"auditor", "rosalie", "sample-partner", "siao-backoffice"};

// The ids - versions and hashes a 200 reload lists.
std::vector<std::string> listed(const ApiResult& r) {
  std::vector<std::string> out;
  const auto* contracts = r.at("/contracts");
  if (!contracts || !contracts->IsArray()) return out;
  for (const auto& c : contracts->GetArray())
    out.push_back(std::string(c["id"].GetString()) + " " + c["version"].GetString() + " " + c["sha256"].GetString());
  return out;
}

}  // namespace

TEST_CASE("contracts: SIGHUP and the admin endpoint reload the contracts - a refused set leaves the old one in force") {
  ContractsGateway g;
  g.start();
  auto backoffice = g.backoffice();
  auto paris = seed(backoffice, "75");
  const auto in_paris = "/api/v2/households/" + paris.household;
  auto partner = g.sample_partner();
  CHECK(partner.get(in_paris).status == 404);

  // SIGHUP: the partner now covers Paris too.
  g.contracts.edit("sample-partner", R"("territories": ["93"])", R"("territories": ["93", "75"])");
  g.gw->signal(SIGHUP);
  CHECK(eventually([&] { return partner.get(in_paris).status == 200; }));
  CHECK_FALSE(has(partner.get(in_paris), "/members/0/phone"));  // the rest of its rules as before

  // The admin endpoint: the back-office's alone.
  g.contracts.edit("sample-partner", R"("version": "1.0.0")", R"("version": "1.1.0")");
  auto reloaded = backoffice.post(kReload, "");
  REQUIRE_MESSAGE(reloaded.status == 200, reloaded.body);
  std::vector<std::string> expected;
  for (const char* id : kShipped)
    expected.push_back(std::string(id) + (std::string(id) == "sample-partner" ? " 1.1.0 " : " 1.0.0 ") +
                       g.contracts.sha256(id));
  CHECK(listed(reloaded) == expected);
  auto refused_partner = partner.post(kReload, "");
  CHECK(refused_partner.status == 403);
  CHECK(slug(refused_partner) == "forbidden");
  CHECK(ApiClient(g.port(), kAuditorKey).post(kReload, "").status == 403);
  CHECK(ApiClient(g.port(), "").post(kReload, "").status == 401);

  // A bad set: refused whole, each problem naming its file and where in it; the set in force stays.
  g.contracts.put("broken-partner", contract_text({.id = "broken-partner", .scopes = R"(["audit:read", "teleport"])"}));
  g.contracts.edit("sample-partner", R"("territories": ["93", "75"])", R"("territories": ["93"])");  // not applied
  auto refused = backoffice.post(kReload, "");
  CHECK(refused.status == 409);
  CHECK(slug(refused) == "contracts-refused");
  CHECK(refused.header("content-type") == "application/problem+json");
  auto messages = error_messages(refused);
  REQUIRE_FALSE(messages.empty());
  const auto broken_file = g.contracts.file("broken-partner").string();
  CHECK_MESSAGE(std::any_of(messages.begin(), messages.end(),
                            [&](const std::string& m) { return contains(m, broken_file + ": /scopes/1"); }),
                refused.body);
  CHECK_MESSAGE(std::all_of(messages.begin(), messages.end(),
                            [&](const std::string& m) { return contains(m, broken_file); }),
                refused.body);  // the good files are not blamed

  // The set in force is the one before: old keys work, Paris still the partner's, ready with 4 contracts.
  CHECK(partner.get(in_paris).status == 200);
  CHECK(backoffice.get(in_paris).status == 200);
  CHECK(ApiClient(g.port(), "test-broken-partner-key-0123456789").get(in_paris).status == 401);
  HttpClient ops(g.port());
  auto ready = ops.get("/ready");
  CHECK(ready.status == 200);
  CHECK(contains(ready.body, "\"contracts\":4"));

  // SIGHUP with the bad set: refused as well, and the gateway serves on.
  g.gw->signal(SIGHUP);
  std::this_thread::sleep_for(300ms);
  CHECK(partner.get(in_paris).status == 200);
  CHECK_FALSE(g.gw->wait_exit(0ms).has_value());
  CHECK(eventually([&] { return contains(g.gw->output(), "contract reload refused"); }, 2s));

  // Mended: the next reload takes the files as they now are.
  g.contracts.remove("broken-partner");
  auto mended = backoffice.post(kReload, "");
  CHECK(mended.status == 200);
  CHECK(listed(mended).size() == 4);
  CHECK(partner.get(in_paris).status == 404);
}

TEST_CASE("contracts: reloading under load fails no request") {
  ContractsGateway g;
  // Room for the load in the partner's quota: this test is about reloads, not quotas.
  g.contracts.edit("sample-partner", R"("quota": {"rate": 50, "burst": 100, "maxInFlight": 16})",
                   R"("quota": {"rate": 100000, "burst": 100000, "maxInFlight": 64})");
  g.start();
  auto backoffice = g.backoffice();
  auto s = seed(backoffice, "93");
  const auto target = "/api/v2/households/" + s.household;
  const auto new_request =
      R"({"householdId":")" + s.household + R"(","kind":"emergency","requestedServices":["CHU"]})";

  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::mutex mutex;
  std::vector<std::string> failures;
  Crowd load(stop);
  for (int i = 0; i < 4; ++i)
    load.add([&, i] {
      ApiClient api(g.port(), i == 0 ? kBackofficeKey : kSamplePartnerKey);
      while (!stop) {
        // One thread writes: a new request each time.
        auto r = i == 3 ? api.post("/api/v2/requests", new_request) : api.get(target);
        ++answered;
        if (r.status != (i == 3 ? 201 : 200)) {
          std::lock_guard lock(mutex);
          failures.push_back(std::to_string(r.status) + " " + r.body);
        }
      }
    });

  auto start = Clock::now();
  int reloads = 0, reloads_ok = 0;
  for (int v = 0; v < 15; ++v) {
    // Each reload a new version of the partner's contract, so that each installs a set that differs.
    g.contracts.edit("sample-partner", "\"version\": \"1.0." + std::to_string(v) + "\"",
                     "\"version\": \"1.0." + std::to_string(v + 1) + "\"");
    auto r = backoffice.post("/api/v2/admin/contracts/reload", "");
    ++reloads;
    if (r.status == 200) ++reloads_ok;
    else MESSAGE("reload answered " << r.status << ": " << r.body);
    std::this_thread::sleep_for(150ms);
  }
  while (Clock::now() - start < 3s) std::this_thread::sleep_for(20ms);
  stop = true;
  load.join();

  MESSAGE(answered.load() << " requests in " << ms_between(start, Clock::now()) << " ms across " << reloads << " reloads");
  CHECK(reloads_ok == 15);
  CHECK(answered > 100);
  CHECK_MESSAGE(failures.empty(), failures.size() << " failed - the first: " << (failures.empty() ? "" : failures[0]));
  // The partner's exchanges ran under several of the versions, each archived.
  CHECK(g.count("SELECT count(DISTINCT contract_version) FROM audit_exchanges WHERE client_id = 'sample-partner'") >= 2);
  CHECK(eventually([&] {
    return g.count("SELECT count(*) FROM audit_exchanges a WHERE contract_sha256 IS NOT NULL AND NOT EXISTS "
                   "(SELECT 1 FROM contract_versions v WHERE v.sha256 = a.contract_sha256)") == 0;
  }, 3s));
  CHECK(g.count("SELECT count(*) FROM contract_versions WHERE client_id = 'sample-partner'") == 16);
}

TEST_CASE("contracts: a request in flight during a reload finishes under the contract it started with") {
  ContractsGateway g;
  g.start();
  auto backoffice = g.backoffice();
  auto s = seed(backoffice, "93");
  const auto partner_v1 = g.contracts.sha256("sample-partner");

  // The partner's transition waits on a row lock the test holds: in flight, authorised by the contract as it is.
  pqxx::connection holder(g.db.url());
  pqxx::work lock(holder);
  lock.exec("SELECT 1 FROM requests WHERE id = " + s.request + " FOR UPDATE");
  int status = 0;
  std::string body;
  std::atomic<bool> unused{false};
  Crowd in_flight(unused);
  in_flight.add([&] {
    ApiClient partner(g.port(), kSamplePartnerKey);
    auto r = partner.post("/api/v2/requests/" + s.request + "/transitions",
                          R"({"to":"provided","placement":{"structure":"HOTEL:IBIS-12","startDate":"2026-11-28"}})");
    status = r.status;
    body = r.body;
  });
  bool waiting = eventually([&] {
    return g.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                   "AND wait_event_type = 'Lock'") >= 1;
  }, 4s);
  CHECK(waiting);

  // Meanwhile the partner loses Seine-Saint-Denis.
  g.contracts.edit("sample-partner", R"("territories": ["93"])", R"("territories": ["94"])");
  g.contracts.edit("sample-partner", R"("version": "1.0.0")", R"("version": "2.0.0")");
  g.gw->signal(SIGHUP);
  auto partner = g.sample_partner();
  CHECK(eventually([&] { return partner.get("/api/v2/households/" + s.household).status == 404; }, 4s));

  lock.abort();
  in_flight.join();
  // Started under 1.0.0, finished under 1.0.0 - and recorded so.
  CHECK_MESSAGE(status == 200, body);
  CHECK(contains(body, R"("status":"provided")"));
  auto recorded = rows(g.db.url(), "SELECT contract_version, contract_sha256, status FROM audit_exchanges WHERE "
                                   "client_id = 'sample-partner' AND route = '/api/v2/requests/{id}/transitions'");
  REQUIRE(recorded.size() == 1);
  CHECK(recorded[0] == std::vector<std::string>{"1.0.0", partner_v1, "200"});
  // What comes after is judged by the new set.
  CHECK(partner.post("/api/v2/requests/" + s.request + "/transitions", R"({"to":"closed","placement":{"endDate":"2026-12-02"}})")
            .status == 404);
  CHECK(g.count("SELECT count(*) FROM audit_exchanges WHERE client_id = 'sample-partner' AND contract_version = '2.0.0'") >= 2);
}
