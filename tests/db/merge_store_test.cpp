#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "gateway/storage/merge_store.hpp"
#include "gateway/storage/partner_keys.hpp"
#include "gateway/storage/resource_store.hpp"
#include "tests/support/prepared_database.hpp"

using namespace siao::storage;

namespace {

struct Prepared : siao::test::PreparedDatabase {
  Prepared() : PreparedDatabase({&merge_statements(), &partner_key_statements(), &resource_statements()}) {}
};

constexpr const char* kAt = "2026-11-29T10:00:00.000Z";
constexpr const char* kLater = "2026-11-29T11:30:00.000Z";

}  // namespace

TEST_CASE("merge store: every key of every partner naming the absorbed record moves to the survivor - logged") {
  Prepared p;
  {
    pqxx::work tx(p.conn);
    REQUIRE_FALSE(add_partner_keys(tx, {}, "rosalie", {{"household", "F-1", 90000001}, {"household", "F-2", 90000002},
                                                   {"household", "F-3", 90000002}, {"person", "P-1", 40000002}},
                                   kAt, "rosalie"));
    REQUIRE_FALSE(add_partner_keys(tx, {}, "other", {{"household", "H-9", 90000002}}, kAt, "other"));
    tx.commit();
  }
  {
    pqxx::work tx(p.conn);
    auto moved = move_partner_keys(tx, "household", 90000002, 90000001, kLater, "siao-backoffice");
    REQUIRE(moved.size() == 3);
    // By partner, then key.
    CHECK(moved[0].partner == "other");
    CHECK(moved[0].key == "H-9");
    CHECK(moved[1].key == "F-2");
    CHECK(moved[2].key == "F-3");
    CHECK(resolve_partner_key(tx, "rosalie", "household", "F-2") == 90000001);
    CHECK(resolve_partner_key(tx, "other", "household", "H-9") == 90000001);
    tx.commit();
  }
  CHECK(p.count("SELECT count(*) FROM partner_keys WHERE kind = 'household' AND siao_id = 90000001") == 4);
  CHECK(p.count("SELECT count(*) FROM partner_keys WHERE kind = 'household' AND siao_id = 90000002") == 0);
  // Only the kind asked for: a person key with the same number is not a household's.
  CHECK(p.count("SELECT count(*) FROM partner_keys WHERE kind = 'person' AND siao_id = 40000002") == 1);
  // The keys' own rows keep who made them and when; the history says where each went, when and by whom.
  CHECK(p.count("SELECT count(*) FROM partner_keys WHERE key = 'F-2' AND created_by = 'rosalie' AND created_at = '" +
                std::string(kAt) + "'") == 1);
  CHECK(p.count("SELECT count(*) FROM partner_key_history WHERE change = 'merged' AND siao_id = 90000001 AND "
                "kind = 'household' AND by = 'siao-backoffice' AND at = '" + std::string(kLater) + "'") == 3);
  CHECK(p.count("SELECT count(*) FROM partner_key_history") == 3);
}

TEST_CASE("merge store: a record without keys moves nothing and records nothing") {
  Prepared p;
  pqxx::work tx(p.conn);
  CHECK(move_partner_keys(tx, "person", 40000009, 40000001, kAt, "siao-backoffice").empty());
  tx.commit();
  CHECK(p.count("SELECT count(*) FROM partner_key_history") == 0);
}

TEST_CASE("merge store: the locks are taken on what exists and wait for a writer that holds a row") {
  Prepared p;
  {
    pqxx::work tx(p.conn);
    siao::resources::Household h;
    h.territory = "75";
    h.meta = {1, kAt, kAt, "siao-backoffice"};
    for (std::int64_t id : {90000001, 90000002}) {
      h.id = id;
      insert_household(tx, h);
    }
    siao::resources::Person m;
    m.role = "head";
    m.last_name = "A";
    m.first_names = {"Marie"};
    m.sex = "female";
    m.meta = h.meta;
    m.id = 40000001;
    m.household_id = 90000001;
    insert_person(tx, m);
    m.id = 40000002;
    m.household_id = 90000002;
    insert_person(tx, m);
    tx.commit();
  }
  // Unknown ids lock nothing and fail nothing.
  {
    pqxx::work tx(p.conn);
    lock_persons(tx, 40000001, 49999999);
    lock_members(tx, 90000001, 99999999);
    lock_requests(tx, 90000001, 90000002);
    tx.commit();
  }
  // A member locked by the merge is held: another transaction cannot take it without waiting.
  pqxx::connection other(p.db.url());
  {
    pqxx::work merge(p.conn);
    lock_members(merge, 90000001, 90000002);
    pqxx::work writer(other);
    writer.exec("SET LOCAL lock_timeout = '100ms'");
    CHECK_THROWS_AS(writer.exec("SELECT id FROM persons WHERE id = 40000002 FOR UPDATE"), pqxx::sql_error);
  }  // both end here: the merge's locks go with it
  pqxx::work after(other);
  CHECK(after.exec("SELECT id FROM persons WHERE id = 40000002 FOR UPDATE NOWAIT").size() == 1);
}
