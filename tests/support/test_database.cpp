#include "tests/support/test_database.hpp"

#include <cstdlib>
#include <pqxx/pqxx>
#include <stdexcept>

#include "gateway/http/request_ids.hpp"

namespace siao::test {

std::string admin_database_url() {
  const char* url = std::getenv("SIAO_TEST_DATABASE_URL");
  if (!url || !*url)
    throw std::runtime_error("SIAO_TEST_DATABASE_URL is not set: run the suites through scripts/test");
  return url;
}

std::string with_database(const std::string& url, const std::string& database) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  auto query = url.find('?');
  std::string base = slash == std::string::npos ? url.substr(0, query) : url.substr(0, slash);
  return base + "/" + database + (query == std::string::npos ? "" : url.substr(query));
}

TestDatabase::TestDatabase() : name_("t_" + http::random_hex(6)) {
  auto admin = admin_database_url();
  pqxx::connection c(admin);
  pqxx::nontransaction t(c);
  t.exec("CREATE DATABASE " + t.quote_name(name_));
  url_ = with_database(admin, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection c(admin_database_url());
    pqxx::nontransaction t(c);
    t.exec("DROP DATABASE IF EXISTS " + t.quote_name(name_) + " WITH (FORCE)");
  } catch (...) {
    // The throwaway cluster is deleted at the end of the run anyway.
  }
}

}  // namespace siao::test
