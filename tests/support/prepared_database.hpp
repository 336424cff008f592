#pragma once
// A migrated database of its own and a connection with statements prepared, for storage tests.
#include <initializer_list>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "gateway/storage/migrations.hpp"
#include "gateway/storage/pool.hpp"
#include "tests/support/test_database.hpp"

namespace siao::test {

struct PreparedDatabase {
  TestDatabase db;
  pqxx::connection conn;

  PreparedDatabase(std::initializer_list<const std::vector<storage::PreparedStatement>*> groups)
      : conn(migrated(db)) {
    for (const auto* group : groups)
      for (const auto& s : *group) conn.prepare(s.name, s.sql);
  }
  long long count(const std::string& sql) {
    pqxx::nontransaction t(conn);
    return t.exec(sql)[0][0].as<long long>();
  }

 private:
  static const std::string& migrated(const TestDatabase& db) {
    storage::migrate(db.url(), storage::embedded_migrations());
    return db.url();
  }
};

}  // namespace siao::test
