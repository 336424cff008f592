#include <doctest/doctest.h>

#include <future>
#include <pqxx/pqxx>
#include <thread>

#include "gateway/storage/migrations.hpp"
#include "tests/support/test_database.hpp"

using siao::storage::migrate;
using siao::storage::Migration;
using siao::storage::MigrationError;
using siao::test::TestDatabase;

namespace {
int count_rows(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction t(c);
  return t.exec(sql)[0][0].as<int>();
}
const std::vector<Migration> kTwo = {{1, "0001_a", "CREATE TABLE a (x int)"},
                                     {2, "0002_b", "CREATE TABLE b (y int); INSERT INTO b VALUES (1)"}};
}  // namespace

TEST_CASE("the embedded migrations apply to an empty database - once") {
  TestDatabase db;
  const auto& all = siao::storage::embedded_migrations();
  REQUIRE(!all.empty());
  auto first = migrate(db.url(), all);
  CHECK(first.applied.size() == all.size());
  CHECK(first.current == all.back().version);
  auto second = migrate(db.url(), all);
  CHECK(second.applied.empty());
  CHECK(count_rows(db.url(), "SELECT count(*) FROM schema_migrations") == static_cast<int>(all.size()));
}

TEST_CASE("migrations apply in order - and a later binary applies only what is new") {
  TestDatabase db;
  migrate(db.url(), {kTwo[0]});
  auto report = migrate(db.url(), kTwo);
  REQUIRE(report.applied == std::vector<int>{2});
  CHECK(count_rows(db.url(), "SELECT count(*) FROM b") == 1);
}

TEST_CASE("instances starting at once apply each migration exactly once") {
  TestDatabase db;
  std::vector<std::future<siao::storage::MigrationReport>> runs;
  for (int i = 0; i < 4; ++i) runs.push_back(std::async(std::launch::async, [&] { return migrate(db.url(), kTwo); }));
  std::size_t applied = 0;
  for (auto& r : runs) applied += r.get().applied.size();
  CHECK(applied == 2);
  CHECK(count_rows(db.url(), "SELECT count(*) FROM b") == 1);
}

TEST_CASE("an applied migration edited afterwards is refused - naming it") {
  TestDatabase db;
  migrate(db.url(), kTwo);
  auto edited = kTwo;
  edited[1].sql = "CREATE TABLE b (y bigint)";
  CHECK_THROWS_WITH_AS(migrate(db.url(), edited), doctest::Contains("0002_b"), MigrationError);
}

TEST_CASE("a database newer than the binary is refused") {
  TestDatabase db;
  migrate(db.url(), kTwo);
  CHECK_THROWS_AS(migrate(db.url(), {kTwo[0]}), MigrationError);
}

TEST_CASE("a failing migration leaves nothing of itself behind") {
  TestDatabase db;
  std::vector<Migration> bad = {kTwo[0], {2, "0002_bad", "CREATE TABLE c (z int); SELECT no_such_function()"}};
  CHECK_THROWS(migrate(db.url(), bad));
  CHECK(count_rows(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'c'") == 0);
  CHECK(count_rows(db.url(), "SELECT max(version) FROM schema_migrations") == 1);
}

TEST_CASE("verify_schema applies nothing and names what is missing") {
  TestDatabase db;
  CHECK_THROWS_WITH_AS(siao::storage::verify_schema(db.url(), kTwo), doctest::Contains("0001_a"), MigrationError);
  CHECK(count_rows(db.url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'a'") == 0);
  migrate(db.url(), kTwo);
  CHECK(siao::storage::verify_schema(db.url(), kTwo).current == 2);
}
