#include <doctest/doctest.h>

#include <pqxx/pqxx>

#include "gateway/storage/idempotency_store.hpp"
#include "gateway/storage/migrations.hpp"
#include "tests/support/prepared_database.hpp"

using namespace siao::storage;

namespace {
struct Prepared : siao::test::PreparedDatabase {
  Prepared() : PreparedDatabase({&idempotency_statements()}) {}
};
}  // namespace

TEST_CASE("an answer stored under a key is found again, headers and all") {
  Prepared p;
  siao::http::Response r;
  r.status = 201;
  r.body = R"({"id":"90000001"})";
  r.set("Location", "/api/v2/households/90000001").set("ETag", "\"1\"");
  {
    pqxx::work tx(p.conn);
    CHECK(lock_idempotency_key(tx, "rosalie", "k1"));
    store_idempotency_key(tx, "rosalie", "k1", "abc", r);
    tx.commit();
  }
  pqxx::work tx(p.conn);
  auto found = find_idempotency_key(tx, "rosalie", "k1");
  REQUIRE(found);
  CHECK(found->request_sha256 == "abc");
  CHECK(found->response.status == 201);
  CHECK(found->response.body == r.body);
  CHECK(found->response.headers == r.headers);
  CHECK_FALSE(find_idempotency_key(tx, "other-client", "k1"));
}

TEST_CASE("a key in use by an open transaction is locked for every other one") {
  Prepared p;
  pqxx::connection other(p.db.url());
  for (const auto& s : idempotency_statements()) other.prepare(s.name, s.sql);
  pqxx::work first(p.conn);
  CHECK(lock_idempotency_key(first, "rosalie", "k"));
  pqxx::work second(other);
  CHECK_FALSE(lock_idempotency_key(second, "rosalie", "k"));
  CHECK(lock_idempotency_key(second, "rosalie", "another"));
}

TEST_CASE("the purge removes answers older than the retention, and only those") {
  Prepared p;
  {
    pqxx::work tx(p.conn);
    siao::http::Response r;
    store_idempotency_key(tx, "c", "old", "x", r);
    store_idempotency_key(tx, "c", "recent", "x", r);
    tx.exec("UPDATE idempotency_keys SET created_at = now() - interval '49 hours' WHERE key = 'old'");
    tx.exec("UPDATE idempotency_keys SET created_at = now() - interval '47 hours' WHERE key = 'recent'");
    tx.commit();
  }
  pqxx::work tx(p.conn);
  CHECK(purge_idempotency_keys(tx, 48) == 1);
  CHECK_FALSE(find_idempotency_key(tx, "c", "old"));
  CHECK(find_idempotency_key(tx, "c", "recent"));
}
