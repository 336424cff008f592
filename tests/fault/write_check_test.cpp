// The check the fault tests rely on must be able to fail: after a clean load it finds nothing, and once the
// database loses part of what was acknowledged, it names it.
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "tests/fault/expect.hpp"
#include "tests/fault/knobs.hpp"
#include "tests/fault/write_check.hpp"
#include "tests/fault/write_log.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/test_database.hpp"

using namespace siao::test;
using namespace siao::test::fault;
using namespace std::chrono_literals;

namespace {

bool mentions(const CheckResult& r, const std::string& what) {
  for (const auto& p : r.problems)
    if (p.find(what) != std::string::npos) return true;
  return false;
}

// As the database's owner, what no gateway does: each change half-undoes an acknowledged write.
void tamper(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::work t(c);
  t.exec(sql);
  t.commit();
}

}  // namespace

TEST_CASE("the write check finds an acknowledged write lost - and half an effect") {
  TestDatabase db;
  GatewayProcess gw({.database_url = db.url(), .env = {{"GATEWAY_LOG_LEVEL", "warn"}}});
  REQUIRE(gw.wait_ready(30s));
  WriteLoad load({.port = gw.http_port(), .clients = 2, .seed = seed(), .tag = "W"});
  REQUIRE(load.wait_acknowledged(40, 60s));
  auto calls = load.stop();
  expect_no_problem(check_writes(db.url(), calls));

  // A person created with its household, gone (its history stays: resource_versions refuses deletes).
  tamper(db.url(),
         "WITH p AS (SELECT min(id) AS id FROM persons), "
         "e AS (DELETE FROM events WHERE resource = 'person' AND id = (SELECT id FROM p)), "
         "k AS (DELETE FROM partner_keys WHERE kind = 'person' AND siao_id = (SELECT id FROM p)) "
         "DELETE FROM persons WHERE id = (SELECT id FROM p)");
  auto lost_person = check_writes(db.url(), calls);
  CHECK(lost_person.lost >= 1);
  CHECK(mentions(lost_person, "persons"));
  CHECK(mentions(lost_person, "member(s)"));

  // A version without its event.
  tamper(db.url(), "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)");
  CHECK(mentions(check_writes(db.url(), calls), "0 event(s)"));
}
