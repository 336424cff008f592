#pragma once
// A fresh database per test, on the throwaway cluster scripts/test starts
// (SIAO_TEST_DATABASE_URL names a role allowed to create databases).
#include <string>

namespace siao::test {

// The cluster's admin URL; fails the test run loudly when it is not set.
std::string admin_database_url();

class TestDatabase {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

// Replaces the database name at the end of a postgresql:// URL.
std::string with_database(const std::string& url, const std::string& database);

}  // namespace siao::test
