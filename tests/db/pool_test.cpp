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
