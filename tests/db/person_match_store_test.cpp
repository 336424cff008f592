// Candidate search in PostgreSQL: persons are found by the keys stored with every write (insert, bulk insert,
// update), within territories, never merged ones nor the person asking.
#include <doctest/doctest.h>

#include <algorithm>
#include <pqxx/pqxx>

#include "gateway/storage/person_match_store.hpp"
#include "gateway/storage/resource_store.hpp"
#include "tests/support/prepared_database.hpp"

using namespace siao::storage;
using siao::resources::Household;
using siao::resources::Person;

namespace {

struct Prepared : siao::test::PreparedDatabase {
  Prepared() : PreparedDatabase({&resource_statements(), &person_match_statements()}) {}
};

constexpr const char* kAt = "2026-11-29T10:00:00.000Z";

void add_household(pqxx::transaction_base& tx, std::int64_t id, const std::string& territory) {
  Household h;
  h.id = id;
  h.territory = territory;
  h.meta = {1, kAt, kAt, "siao-backoffice"};
  insert_household(tx, h);
}

Person person(std::int64_t id, std::int64_t household, std::string last, std::string first, std::string date) {
  Person p;
  p.id = id;
  p.household_id = household;
  p.role = "head";
  p.last_name = std::move(last);
  p.first_names = {std::move(first)};
  p.sex = "female";
  p.birth_date = std::move(date);
  p.meta = {1, kAt, kAt, "siao-backoffice"};
  return p;
}

std::vector<std::int64_t> found(pqxx::transaction_base& tx, const siao::matching::PersonFields& q,
                                const std::optional<std::vector<std::string>>& territories = std::nullopt,
                                std::int64_t excluded = 0) {
  std::vector<std::int64_t> ids;
  for (const auto& c : find_match_candidates(tx, query_match_keys(q), territories, 100, excluded)) ids.push_back(c.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

TEST_CASE("person match store: persons are found by the keys of every write - within territories") {
  Prepared p;
  pqxx::work tx(p.conn);
  add_household(tx, 90000001, "75");
  add_household(tx, 90000002, "93");
  add_household(tx, 90000003, "75");
  insert_person(tx, person(40000001, 90000001, "DUPONT", "Marie", "1985-03-04"));
  insert_persons(tx, {person(40000002, 90000002, "DUPOND", "Marie", "1985-04-03"),
                      person(40000003, 90000003, "DURAND", "Paul", "1950-01-01")});
  siao::matching::PersonFields q;
  q.last_name = "DUPONT";
  q.first_names = {"Marie"};
  q.birth_date = "1985-03-04";
  CHECK(found(tx, q) == std::vector<std::int64_t>{40000001, 40000002});
  CHECK(found(tx, q, std::vector<std::string>{"93"}) == std::vector<std::int64_t>{40000002});
  CHECK(found(tx, q, std::vector<std::string>{"13"}).empty());
  CHECK(found(tx, q, std::nullopt, 40000001) == std::vector<std::int64_t>{40000002});

  // A candidate comes with what matching compares.
  auto all = find_match_candidates(tx, query_match_keys(q), std::nullopt, 100, 40000002);
  REQUIRE(all.size() == 1);
  CHECK(all[0].household_id == 90000001);
  CHECK(all[0].version == 1);
  CHECK(all[0].fields.last_name == "DUPONT");
  CHECK(all[0].fields.first_names == std::vector<std::string>{"Marie"});
  CHECK(all[0].fields.birth_date == "1985-03-04");

  // Updated: found under the new name only. Merged: found no more.
  auto changed = person(40000003, 90000003, "DUPONT", "Marie", "1985-03-04");
  changed.meta.version = 2;
  REQUIRE(update_person(tx, changed, 1));
  CHECK(found(tx, q) == std::vector<std::int64_t>{40000001, 40000002, 40000003});
  auto merged = changed;
  merged.status = "merged";
  merged.merged_into = 40000001;
  merged.meta.version = 3;
  REQUIRE(update_person(tx, merged, 2));
  CHECK(found(tx, q) == std::vector<std::int64_t>{40000001, 40000002});
  // At most `limit` candidates.
  CHECK(find_match_candidates(tx, query_match_keys(q), std::nullopt, 1).size() == 1);
}

TEST_CASE("person match store: persons recorded without keys get them - a person changed meanwhile keeps its own") {
  Prepared p;
  {
    pqxx::work tx(p.conn);
    add_household(tx, 90000001, "75");
    for (std::int64_t i = 1; i <= 1500; ++i) {
      auto member = person(40000000 + i, 90000001, i % 2 ? "DUPONT" : "DURAND", "Marie", "1985-03-04");
      if (i > 1) member.role = "child";
      insert_person(tx, member);
    }
    // As before duplicate search: no keys. One of them was changed since it was read (its version moved on).
    tx.exec0("UPDATE persons SET match_keys = '{}'");
    tx.exec0("UPDATE persons SET version = 2, match_keys = '{own}' WHERE id = 40000007");
    tx.commit();
  }
  CHECK(backfill_match_keys(p.db.url()) == 1499);
  CHECK(p.count("SELECT count(*) FROM persons WHERE cardinality(match_keys) = 0") == 0);
  CHECK(p.count("SELECT count(*) FROM persons WHERE match_keys = '{own}'") == 1);
  pqxx::work tx(p.conn);
  siao::matching::PersonFields q;
  q.last_name = "DURAND";
  q.first_names = {"Marie"};
  CHECK(find_match_candidates(tx, query_match_keys(q), std::nullopt, 5000).size() == 750);
  tx.abort();
  CHECK(backfill_match_keys(p.db.url()) == 0);  // nothing left to do
}
