#pragma once
#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "tests/support/api_client.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/test_database.hpp"

namespace siao::test {

// A gateway on a database of its own, ready to serve v2.
struct V2Gateway {
  TestDatabase db;
  GatewayProcess gw;
  V2Gateway() : gw({.database_url = db.url()}) { REQUIRE(gw.wait_ready(std::chrono::seconds(15))); }
  ApiClient client() const { return ApiClient(gw.http_port()); }

  // Straight from the database, to check what the API says.
  long long count(const std::string& sql) const {
    pqxx::connection c(db.url());
    pqxx::nontransaction t(c);
    return t.exec(sql)[0][0].as<long long>();
  }
};

inline std::string family() {
  return household_body("75", {person_json("head", "DUPONT", "female", "1985-03-14", "Marie"),
                               person_json("child", "DUPONT", "male", "2015-06-01", "Paul")});
}

}  // namespace siao::test
