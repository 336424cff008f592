#pragma once
// Versioned SQL migrations, embedded in the binary and applied in order under a
// PostgreSQL advisory lock, so that several gateway instances may start at once.
#include <stdexcept>
#include <string>
#include <vector>

namespace siao::storage {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// gateway/storage/migrations/NNNN_name.sql, in order (generated at build time).
const std::vector<Migration>& embedded_migrations();

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationReport {
  std::vector<int> applied;  // versions applied by this call
  int current = 0;           // the schema version now
};

// Applies what is missing. Refuses a database whose applied migrations differ
// from the embedded ones (edited after release) or are newer than this binary.
MigrationReport migrate(const std::string& database_url, const std::vector<Migration>& migrations);

// The same checks without applying anything: throws MigrationError when the
// database lacks a migration ("run siao-gateway migrate") or differs.
MigrationReport verify_schema(const std::string& database_url, const std::vector<Migration>& migrations);

}  // namespace siao::storage
