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
#include <functional>
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
#include <pqxx/transaction>


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

// Work that shares one transaction, and so one commit, with whatever other
// such work is waiting (group commit): each step runs under its own savepoint,
// so a refused step leaves no trace while the others go on.
class BatchStep {
 public:
  virtual ~BatchStep() = default;
  virtual void step(pqxx::transaction_base& tx) = 0;  // may throw: its savepoint is rolled back
  // The step threw; its savepoint is rolled back and the transaction still open.
  virtual void step_failed(std::exception_ptr error) noexcept = 0;
  // A step that only reads may run without a savepoint (one round trip less):
  // should it hit an SQL error, the batch runs again with a savepoint per step.
  virtual bool reads_only() const noexcept { return false; }
};

// A step's savepoint, as the pool sets it before each step that writes. A storage function whose statement failed
// for a reason it can explain (a key already taken) returns to it, then reads why: whatever the step wrote is
// undone, and the step goes on to refuse the exchange.
void begin_step(pqxx::transaction_base& tx);
void rollback_step(pqxx::transaction_base& tx);

// Runs last in every batch transaction, before the commit (the audit trail).
using BatchFinisher = std::function<void(pqxx::transaction_base& tx, const std::vector<BatchStep*>& steps)>;

struct PoolOptions {
  std::string url;
  int size = 4;
  std::size_t max_queue = 4096;
  std::chrono::milliseconds statement_timeout{5000};
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds reconnect_interval{250};
  std::size_t max_batch = 64;
  // The longest an operation may wait for a connection; past it, it is refused with Overloaded rather than run
  // late. 0: no limit.
  std::chrono::milliseconds max_wait{0};
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
  std::uint64_t jobs, failures, reconnects, batches;
  std::uint64_t wait_micros_total;
};

class Pool {
 public:
  Pool(PoolOptions options, std::vector<PreparedStatement> statements, BatchFinisher finisher = {});
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs fn(connection&) on a worker; its result or exception comes back to the caller.
  template <class Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn&, pqxx::connection&>> run(Fn fn);

  // Runs step.step(tx) in a shared transaction; returns once it committed.
  // Throws Unavailable (or pqxx::in_doubt_error) when the batch could not commit.
  boost::asio::awaitable<void> run_batched(BatchStep& step);

  void stop();  // fails queued work, joins the workers
  PoolStats stats() const;

 private:
  struct Job {
    virtual ~Job() = default;
    virtual std::exception_ptr execute(pqxx::connection& conn) noexcept = 0;  // on a worker
    virtual void complete(std::exception_ptr failure) = 0;                    // resumes the caller
    virtual BatchStep* batch_step() noexcept { return nullptr; }
  };
  template <class Handler>
  struct Completion;
  template <class Handler, class Body>
  struct JobImpl;
  template <class Handler>
  struct BatchJobImpl;

  void run_batch(pqxx::connection& conn, std::vector<std::unique_ptr<Job>>& jobs, std::unique_ptr<pqxx::connection>& owner);
  void run_batch_once(pqxx::connection& conn, const std::vector<BatchStep*>& steps, bool savepoint_every_step);

  void submit(std::unique_ptr<Job> job);
  void worker();
  // Opens (or checks) the worker's connection; null with `failure` set when it cannot.
  pqxx::connection* ensure_connection(std::unique_ptr<pqxx::connection>& conn, std::exception_ptr& failure);
  // Turns a lost connection or a statement timeout into Unavailable, dropping a dead connection.
  std::exception_ptr classify(std::exception_ptr failure, std::unique_ptr<pqxx::connection>& conn);

  PoolOptions options_;
  std::vector<PreparedStatement> statements_;
  BatchFinisher finisher_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::pair<std::unique_ptr<Job>, std::chrono::steady_clock::time_point>> queue_;
  bool stopping_ = false;
  std::chrono::steady_clock::time_point last_connect_failure_{};
  std::vector<std::thread> workers_;
  std::atomic<int> busy_{0}, connected_{0};
  std::atomic<std::uint64_t> jobs_{0}, failures_{0}, reconnects_{0}, wait_micros_{0}, batches_{0};
};

// Resumes the waiting coroutine on its own executor, with the outcome.
template <class Handler>
struct Pool::Completion : Pool::Job {
  explicit Completion(Handler h) : handler(std::move(h)), work(boost::asio::make_work_guard(handler)) {}
  void complete(std::exception_ptr failure) override {
    auto ex = work.get_executor();
    boost::asio::dispatch(ex, [h = std::move(handler), failure]() mutable { std::move(h)(failure); });
    work.reset();
  }
  Handler handler;
  boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work;
};

template <class Handler, class Body>
struct Pool::JobImpl final : Pool::Completion<Handler> {
  JobImpl(Handler h, Body b) : Pool::Completion<Handler>(std::move(h)), body(std::move(b)) {}
  std::exception_ptr execute(pqxx::connection& conn) noexcept override {
    try {
      body(conn);
      return nullptr;
    } catch (...) {
      return std::current_exception();
    }
  }
  Body body;
};

template <class Handler>
struct Pool::BatchJobImpl final : Pool::Completion<Handler> {
  BatchJobImpl(Handler h, BatchStep& s) : Pool::Completion<Handler>(std::move(h)), step(s) {}
  std::exception_ptr execute(pqxx::connection&) noexcept override { return nullptr; }  // batches run whole
  BatchStep* batch_step() noexcept override { return &step; }
  BatchStep& step;
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

namespace siao::storage {

inline boost::asio::awaitable<void> Pool::run_batched(BatchStep& step) {
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::exception_ptr)>(
      [this, &step](auto handler) {
        submit(std::make_unique<BatchJobImpl<decltype(handler)>>(std::move(handler), step));
      },
      boost::asio::use_awaitable);
}

}  // namespace siao::storage
