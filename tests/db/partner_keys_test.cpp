#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "gateway/storage/partner_keys.hpp"
#include "gateway/storage/resource_store.hpp"
#include "tests/support/prepared_database.hpp"

using namespace siao::storage;

namespace {

struct Prepared : siao::test::PreparedDatabase {
  Prepared() : PreparedDatabase({&partner_key_statements(), &resource_statements()}) {}
};

constexpr const char* kAt = "2026-11-29T10:00:00.000Z";

void add_household(pqxx::transaction_base& tx, std::int64_t id) {
  siao::resources::Household h;
  h.id = id;
  h.territory = "75";
  h.meta = {1, kAt, kAt, "siao-backoffice"};
  insert_household(tx, h);
}

}  // namespace

TEST_CASE("partner keys: added keys resolve to their record and say who made them and when") {
  Prepared p;
  {
    pqxx::work tx(p.conn);
    auto taken = add_partner_keys(tx, {}, "rosalie", {{"household", "F-1", 90000001}, {"person", "P-1", 40000001}}, kAt,
                                  "rosalie");
    CHECK_FALSE(taken);
    tx.commit();
  }
  pqxx::work tx(p.conn);
  CHECK(resolve_partner_key(tx, "rosalie", "household", "F-1") == 90000001);
  CHECK(resolve_partner_key(tx, "rosalie", "person", "P-1") == 40000001);
  // Keys are per partner and per kind.
  CHECK_FALSE(resolve_partner_key(tx, "rosalie", "person", "F-1"));
  CHECK_FALSE(resolve_partner_key(tx, "other-partner", "household", "F-1"));
  tx.abort();
  CHECK(p.count("SELECT count(*) FROM partner_keys WHERE created_by = 'rosalie' AND created_at = '" +
                std::string(kAt) + "'") == 2);
}

TEST_CASE("partner keys: a key already taken is reported with its record and the exchange's rollback leaves nothing") {
  Prepared p;
  {
    pqxx::work tx(p.conn);
    REQUIRE_FALSE(add_partner_keys(tx, {}, "rosalie", {{"household", "F-1", 90000001}}, kAt, "rosalie"));
    tx.commit();
  }
  pqxx::work tx(p.conn);
  // As a batch step runs: under its savepoint, which the refused insertion returns to.
  begin_step(tx);
  add_household(tx, 90000002);
  auto taken = add_partner_keys(tx, {}, "rosalie", {{"person", "P-9", 40000009}, {"household", "F-1", 90000002}}, kAt,
                                "rosalie");
  REQUIRE(taken);
  CHECK(taken->first == "F-1");
  CHECK(taken->second == 90000001);
  // Nothing of the step stays, and the transaction goes on.
  CHECK_FALSE(resolve_partner_key(tx, "rosalie", "person", "P-9"));
  CHECK_FALSE(load_household(tx, 90000002, Lock::none));
  CHECK(resolve_partner_key(tx, "rosalie", "household", "F-1") == 90000001);
}

TEST_CASE("partner keys: a key taken with the versions of an exchange leaves neither keys nor versions") {
  Prepared p;
  {
    pqxx::work tx(p.conn);
    REQUIRE_FALSE(add_partner_keys(tx, {}, "rosalie", {{"person", "P-1", 40000001}}, kAt, "rosalie"));
    tx.commit();
  }
  pqxx::work tx(p.conn);
  begin_step(tx);
  std::vector<VersionRow> versions = {{"household", 90000003, {1, kAt, "rosalie", "created", "{}"}}};
  auto taken = add_partner_keys(tx, versions, "rosalie",
                                              {{"household", "F-3", 90000003}, {"person", "P-1", 40000003}}, kAt,
                                              "rosalie");
  REQUIRE(taken);
  CHECK(taken->first == "P-1");
  CHECK(taken->second == 40000001);
  CHECK_FALSE(resolve_partner_key(tx, "rosalie", "household", "F-3"));
  CHECK(pqxx::result(tx.exec("SELECT count(*) FROM resource_versions WHERE id = 90000003"))[0][0].as<int>() == 0);
  // Without a taken key the same statement writes both.
  REQUIRE_FALSE(add_partner_keys(tx, versions, "rosalie", {{"household", "F-3", 90000003}}, kAt, "rosalie"));
  CHECK(resolve_partner_key(tx, "rosalie", "household", "F-3") == 90000003);
  CHECK(pqxx::result(tx.exec("SELECT count(*) FROM resource_versions WHERE id = 90000003"))[0][0].as<int>() == 1);
}

TEST_CASE("partner keys: a household lists every partner's keys when it is loaded") {
  Prepared p;
  pqxx::work tx(p.conn);
  add_household(tx, 90000001);
  add_household(tx, 90000002);
  REQUIRE_FALSE(add_partner_keys(tx, {}, "rosalie", {{"household", "F-2", 90000001}, {"household", "F-1", 90000001}}, kAt,
                                 "rosalie"));
  REQUIRE_FALSE(add_partner_keys(tx, {}, "another", {{"household", "X", 90000001}}, kAt, "another"));
  auto h = load_household(tx, 90000001, Lock::none);
  REQUIRE(h);
  REQUIRE(h->partner_keys.size() == 3);
  CHECK(h->partner_keys[0].partner == "another");
  CHECK(h->partner_keys[1].key == "F-1");
  CHECK(h->partner_keys[2].key == "F-2");
  auto locked = load_household(tx, 90000001, Lock::for_update);
  REQUIRE(locked);
  CHECK(locked->partner_keys.size() == 3);
  auto both = load_households(tx, {90000001, 90000002});
  REQUIRE(both.size() == 2);
  CHECK(both[0].partner_keys.size() == 3);
  CHECK(both[1].partner_keys.empty());
  CHECK(partner_keys_of(tx, "household", 90000001).size() == 3);
}
