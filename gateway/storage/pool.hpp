#pragma once
// A fixed pool of PostgreSQL connections, each owned by one worker thread
// (libpqxx's rule: a connection belongs to one thread). Coroutines hand work
// to the pool with `co_await pool.run(fn)` and resume on their own executor,
// so an IO thread never waits on SQL.
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <pqxx/connection>


namespace siao::storage {

// The database cannot be reached now (down, restarting, too slow): a 503.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Too much work is already waiting for a connection: a 503 too, sooner.
class Overloaded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PoolOptions {
  std::string url;
  int size = 4;
  std::size_t max_queue = 4096;
  std::chrono::milliseconds statement_timeout{5000};
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds reconnect_interval{250};
};

struct PreparedStatement {
  std::string name;
  std::string sql;
};

struct PoolStats {
  int size;
  int busy;
  int connected;
  std::size_t queued;
  std::uint64_t jobs, failures, reconnects;
  std::uint64_t wait_micros_total;
};

class Pool {
 public:
  Pool(PoolOptions options, std::vector<PreparedStatement> statements);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs fn(connection&) on a worker; its result or exception comes back to the caller.
  template <class Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn&, pqxx::connection&>> run(Fn fn);

  void stop();  // fails queued work, joins the workers
  PoolStats stats() const;
  bool any_connected() const { return connected_.load() > 0; }

 private:
  struct Job {
    virtual ~Job() = default;
    virtual std::exception_ptr execute(pqxx::connection& conn) noexcept = 0;  // on a worker
    virtual void complete(std::exception_ptr failure) = 0;                    // resumes the caller
  };
  template <class Handler, class Body>
  struct JobImpl;

  void submit(std::unique_ptr<Job> job);
  void worker();
  // Opens (or checks) the worker's connection; null with `failure` set when it cannot.
  pqxx::connection* ensure_connection(std::unique_ptr<pqxx::connection>& conn, std::exception_ptr& failure);
  // Turns a lost connection or a statement timeout into Unavailable, dropping a dead connection.
  std::exception_ptr classify(std::exception_ptr failure, std::unique_ptr<pqxx::connection>& conn);

  PoolOptions options_;
  std::vector<PreparedStatement> statements_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::pair<std::unique_ptr<Job>, std::chrono::steady_clock::time_point>> queue_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_connect_failure_{};
  std::vector<std::thread> workers_;
  std::atomic<int> busy_{0}, connected_{0};
  std::atomic<std::uint64_t> jobs_{0}, failures_{0}, reconnects_{0}, wait_micros_{0};
};

template <class Handler, class Body>
struct Pool::JobImpl final : Pool::Job {
  JobImpl(Handler h, Body b) : handler(std::move(h)), work(boost::asio::make_work_guard(handler)), body(std::move(b)) {}
  std::exception_ptr execute(pqxx::connection& conn) noexcept override {
    try {
      body(conn);
      return nullptr;
    } catch (...) {
      return std::current_exception();
    }
  }
  void complete(std::exception_ptr failure) override {
    auto ex = work.get_executor();
    boost::asio::dispatch(ex, [h = std::move(handler), failure]() mutable { std::move(h)(failure); });
    work.reset();
  }
  Handler handler;
  boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work;
  Body body;
};

template <class Fn>
boost::asio::awaitable<std::invoke_result_t<Fn&, pqxx::connection&>> Pool::run(Fn fn) {
  using Result = std::invoke_result_t<Fn&, pqxx::connection&>;
  // The coroutine frame outlives the job: it stays suspended until the handler runs.
  std::conditional_t<std::is_void_v<Result>, bool, std::optional<Result>> out{};
  auto body = [&fn, &out](pqxx::connection& c) {
    if constexpr (std::is_void_v<Result>) {
      fn(c);
      out = true;
    } else {
      out.emplace(fn(c));
    }
  };
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::exception_ptr)>(
      [this, &body](auto handler) {
        submit(std::make_unique<JobImpl<decltype(handler), decltype(body)>>(std::move(handler), body));
      },
      boost::asio::use_awaitable);
  if constexpr (!std::is_void_v<Result>) co_return std::move(*out);
}

}  // namespace siao::storage
