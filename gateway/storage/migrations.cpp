#include "gateway/storage/migrations.hpp"

#include <map>
#include <pqxx/pqxx>

#include "gateway/util/hex.hpp"

namespace siao::storage {

namespace {

// Any constant shared by every instance: "SIAO" in ASCII.
constexpr long long kMigrationLockKey = 0x5349414f;

// Holds the advisory lock for the life of the object.
class LockGuard {
 public:
  explicit LockGuard(pqxx::connection& conn) : conn_(conn) {
    pqxx::nontransaction t(conn_);
    t.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
  }
  ~LockGuard() {
    try {
      pqxx::nontransaction t(conn_);
      t.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
    } catch (...) {
      // The lock dies with the session anyway.
    }
  }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  pqxx::connection& conn_;
};

}  // namespace

namespace {

MigrationReport bring_up(const std::string& database_url, const std::vector<Migration>& migrations, bool apply) {
  pqxx::connection conn(database_url);
  LockGuard lock(conn);
  std::map<int, std::string> applied;
  {
    pqxx::nontransaction t(conn);
    t.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    for (const auto& row : t.exec("SELECT version, sha256 FROM schema_migrations"))
      applied.emplace(row[0].as<int>(), row[1].as<std::string>());
  }
  int newest_known = migrations.empty() ? 0 : migrations.back().version;
  if (!applied.empty() && applied.rbegin()->first > newest_known)
    throw MigrationError("the database is at schema version " + std::to_string(applied.rbegin()->first) +
                         ", newer than this binary knows (" + std::to_string(newest_known) + ")");
  MigrationReport report;
  for (const auto& m : migrations) {
    auto sum = util::sha256_hex(m.sql);
    if (auto it = applied.find(m.version); it != applied.end()) {
      if (it->second != sum)
        throw MigrationError("migration " + std::string(m.name) +
                             " differs from the one applied to this database; never edit an applied migration");
      continue;
    }
    if (!apply)
      throw MigrationError("the database lacks migration " + std::string(m.name) + ": run siao-gateway migrate");
    pqxx::work tx(conn);
    tx.exec(m.sql);
    tx.exec_params("INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)", m.version,
                   std::string(m.name), sum);
    tx.commit();
    report.applied.push_back(m.version);
  }
  report.current = newest_known;
  return report;
}

}  // namespace

MigrationReport migrate(const std::string& database_url, const std::vector<Migration>& migrations) {
  return bring_up(database_url, migrations, true);
}

MigrationReport verify_schema(const std::string& database_url, const std::vector<Migration>& migrations) {
  return bring_up(database_url, migrations, false);
}

}  // namespace siao::storage
