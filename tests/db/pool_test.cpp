#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <pqxx/pqxx>
#include <thread>

#include "gateway/storage/pool.hpp"
#include "tests/support/run_coroutine.hpp"
#include "tests/support/tcp_proxy.hpp"
#include "tests/support/test_database.hpp"

using namespace siao::storage;
using siao::test::run_coroutine;
using siao::test::TestDatabase;
namespace net = boost::asio;

namespace {

PoolOptions options(const std::string& url, int size = 2) {
  PoolOptions o;
  o.url = url;
  o.size = size;
  o.reconnect_interval = std::chrono::milliseconds(50);
  o.connect_timeout = std::chrono::milliseconds(1000);
  return o;
}

net::awaitable<int> select_int(Pool& pool, int value) {
  co_return co_await pool.run([value](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return t.exec_prepared("echo", value)[0][0].as<int>();
  });
}

const std::vector<PreparedStatement> kStatements = {{"echo", "SELECT $1::int"}};

int port_of(const std::string& url) {
  auto colon = url.rfind(':');
  return std::stoi(url.substr(colon + 1, url.find('/', colon) - colon - 1));
}

}  // namespace

TEST_CASE("work runs on a pooled connection and its result comes back") {
  TestDatabase db;
  Pool pool(options(db.url()), kStatements);
  CHECK(run_coroutine(select_int(pool, 42)) == 42);
  auto s = pool.stats();
  CHECK(s.jobs == 1);
  CHECK(s.connected >= 1);
}

TEST_CASE("an SQL error reaches the caller as itself") {
  TestDatabase db;
  Pool pool(options(db.url()), kStatements);
  auto failing = [&]() -> net::awaitable<void> {
    co_await pool.run([](pqxx::connection& c) {
      pqxx::nontransaction t(c);
      t.exec("SELECT * FROM no_such_table");
    });
  };
  CHECK_THROWS_AS(run_coroutine(failing()), pqxx::undefined_table);
  CHECK(run_coroutine(select_int(pool, 7)) == 7);  // the connection is still usable
}

TEST_CASE("many coroutines share a small pool") {
  TestDatabase db;
  Pool pool(options(db.url(), 2), kStatements);
  net::io_context ioc;
  std::vector<std::future<int>> results;
  for (int i = 0; i < 200; ++i) results.push_back(net::co_spawn(ioc, select_int(pool, i), net::use_future));
  std::thread second([&] { ioc.run(); });
  ioc.run();
  second.join();
  for (int i = 0; i < 200; ++i) CHECK(results[static_cast<std::size_t>(i)].get() == i);
}

TEST_CASE("connections killed by the server are reopened without failing the next request") {
  TestDatabase db;
  Pool pool(options(db.url(), 2), kStatements);
  CHECK(run_coroutine(select_int(pool, 1)) == 1);
  {
    pqxx::connection admin(db.url());
    pqxx::nontransaction t(admin);
    t.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
           "WHERE application_name = 'siao-gateway' AND datname = current_database() AND pid <> pg_backend_pid()");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  for (int i = 0; i < 4; ++i) CHECK(run_coroutine(select_int(pool, i)) == i);
  CHECK(pool.stats().reconnects >= 2);
}

TEST_CASE("an unreachable database is Unavailable - then served again once it is back") {
  TestDatabase db;
  siao::test::TcpProxy proxy(port_of(siao::test::admin_database_url()));
  auto url = db.url();
  auto at = url.rfind(':');
  url = url.substr(0, at + 1) + std::to_string(proxy.port()) + url.substr(url.find('/', at));
  Pool pool(options(url), kStatements);
  CHECK(run_coroutine(select_int(pool, 1)) == 1);
  proxy.cut();
  CHECK_THROWS_AS(run_coroutine(select_int(pool, 2)), Unavailable);
  CHECK_THROWS_AS(run_coroutine(select_int(pool, 2)), Unavailable);
  proxy.restore();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool back = false;
  while (!back && std::chrono::steady_clock::now() < deadline) {
    try {
      back = run_coroutine(select_int(pool, 3)) == 3;
    } catch (const Unavailable&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  CHECK(back);
}

TEST_CASE("a statement over the timeout is Unavailable and frees its connection") {
  TestDatabase db;
  auto o = options(db.url(), 1);
  o.statement_timeout = std::chrono::milliseconds(200);
  Pool pool(o, kStatements);
  auto slow = [&]() -> net::awaitable<void> {
    co_await pool.run([](pqxx::connection& c) {
      pqxx::nontransaction t(c);
      t.exec("SELECT pg_sleep(5)");
    });
  };
  auto started = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(run_coroutine(slow()), Unavailable);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  CHECK(run_coroutine(select_int(pool, 5)) == 5);
}

TEST_CASE("work beyond the queue limit is refused at once as Overloaded") {
  TestDatabase db;
  auto o = options(db.url(), 1);
  o.max_queue = 1;
  Pool pool(o, kStatements);
  net::io_context ioc;
  auto sleeper = [&]() -> net::awaitable<void> {
    co_await pool.run([](pqxx::connection& c) {
      pqxx::nontransaction t(c);
      t.exec("SELECT pg_sleep(0.5)");
    });
  };
  auto busy = net::co_spawn(ioc, sleeper(), net::use_future);
  std::thread runner([&] { ioc.run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the worker holds the first job
  net::io_context ioc2;
  auto queued = net::co_spawn(ioc2, select_int(pool, 1), net::use_future);
  auto refused = net::co_spawn(ioc2, select_int(pool, 2), net::use_future);
  ioc2.run();
  runner.join();
  busy.get();
  CHECK(queued.get() == 1);
  CHECK_THROWS_AS(refused.get(), Overloaded);
}

TEST_CASE("a statement that cannot be prepared makes the connection unusable - loudly") {
  TestDatabase db;
  Pool pool(options(db.url(), 1), {{"broken", "SELECT * FROM no_such_table"}});
  CHECK_THROWS_AS(run_coroutine(select_int(pool, 1)), Unavailable);
}

namespace {
// A step that records what happened to it.
struct ProbeStep final : BatchStep {
  std::string sql;
  bool read_only;
  int value = -1;
  bool failed = false;
  ProbeStep(std::string s, bool ro) : sql(std::move(s)), read_only(ro) {}
  // Prepared statements only, as every step of the gateway (see Pool::run_batch_once).
  void step(pqxx::transaction_base& tx) override { value = tx.exec_prepared(sql)[0][0].as<int>(); }
  void step_failed(std::exception_ptr) noexcept override { failed = true; }
  bool reads_only() const noexcept override { return read_only; }
};

}  // namespace

TEST_CASE("batched steps share a transaction: a failing step is undone alone, reads included") {
  TestDatabase db;
  {
    pqxx::connection c(db.url());
    pqxx::work t(c);
    t.exec("CREATE TABLE marks (n int)");
    t.commit();
  }
  auto o = options(db.url(), 1);
  std::atomic<int> finishes{0};
  Pool pool(o,
            {{"block", "SELECT 1 FROM pg_sleep(0.3)"},
             {"write1", "INSERT INTO marks VALUES (1) RETURNING n"},
             {"divide", "SELECT 1/(SELECT count(*)::int - 1 FROM marks)"},
             {"count", "SELECT count(*)::int FROM marks"},
             {"bad_write", "INSERT INTO marks VALUES ((SELECT 1/0)) RETURNING n"},
             {"write2", "INSERT INTO marks VALUES (2) RETURNING n"}},
            [&](pqxx::transaction_base&, const std::vector<BatchStep*>&) { ++finishes; });
  // Hold the only worker so that the next steps queue up and run as one batch.
  ProbeStep blocker("block", true);
  ProbeStep write1("write1", false);
  ProbeStep bad_read("divide", true);  // 1/(1-1) once write1 is in
  ProbeStep read("count", true);
  ProbeStep bad_write("bad_write", false);
  ProbeStep write2("write2", false);
  net::io_context ioc;
  std::vector<std::future<void>> done;
  for (auto* s : {&blocker}) done.push_back(net::co_spawn(ioc, pool.run_batched(*s), net::use_future));
  std::thread runner([&] { ioc.run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  net::io_context ioc2;
  for (auto* s : {&write1, &bad_read, &read, &bad_write, &write2})
    done.push_back(net::co_spawn(ioc2, pool.run_batched(*s), net::use_future));
  ioc2.run();
  runner.join();
  for (auto& d : done) d.get();
  CHECK(write1.value == 1);
  CHECK(bad_read.failed);
  CHECK(read.value == 1);  // sees write1, in the same transaction
  CHECK(bad_write.failed);
  CHECK(write2.value == 2);
  CHECK(pool.stats().batches == 2);
  CHECK(finishes == 2);
  pqxx::connection c(db.url());
  pqxx::nontransaction t(c);
  CHECK(t.exec("SELECT string_agg(n::text, ',' ORDER BY n) FROM marks")[0][0].as<std::string>() == "1,2");
}

TEST_CASE("a statement timeout in a batch refuses the steps after it at once - those before keep their outcome") {
  TestDatabase db;
  auto o = options(db.url(), 1);
  o.statement_timeout = std::chrono::milliseconds(500);
  Pool pool(o, {{"block", "SELECT 1 FROM pg_sleep(0.3)"}, {"stall", "SELECT 1 FROM pg_sleep(5)"}, {"one", "SELECT 1"},
                {"echo", "SELECT $1::int"}});
  // Hold the only worker so that the next steps queue up and run as one batch.
  ProbeStep blocker("block", true);
  ProbeStep before("one", false);
  ProbeStep stalled("stall", false);
  ProbeStep after("one", false);
  net::io_context ioc;
  std::vector<std::future<void>> done;
  done.push_back(net::co_spawn(ioc, pool.run_batched(blocker), net::use_future));
  std::thread runner([&] { ioc.run(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  net::io_context ioc2;
  for (auto* s : {&before, &stalled, &after}) done.push_back(net::co_spawn(ioc2, pool.run_batched(*s), net::use_future));
  ioc2.run();
  runner.join();
  for (auto& d : done) d.get();
  CHECK(before.value == 1);
  CHECK(stalled.failed);
  CHECK(after.failed);      // refused, as the stalled one: the database is stalling
  CHECK(after.value == -1); // without running
  CHECK(pool.stats().batches == 2);
  CHECK(run_coroutine(select_int(pool, 5)) == 5);
}

TEST_CASE("an SQL error without SQLSTATE - libpq's own on a lost connection - is Unavailable") {
  TestDatabase db;
  Pool pool(options(db.url(), 1), kStatements);
  auto lost = [&]() -> net::awaitable<void> {
    co_await pool.run([](pqxx::connection&) -> void {
      throw pqxx::sql_error("server closed the connection unexpectedly", "SELECT 1", nullptr);
    });
  };
  CHECK_THROWS_AS(run_coroutine(lost()), Unavailable);
  CHECK(run_coroutine(select_int(pool, 7)) == 7);  // on a new connection
}
