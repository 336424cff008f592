#include "gateway/storage/pool.hpp"

#include <poll.h>

#include <pqxx/pqxx>

#include "gateway/log/log.hpp"

namespace siao::storage {

namespace {

using Clock = std::chrono::steady_clock;

std::string with_connect_options(const std::string& url, std::chrono::milliseconds connect_timeout) {
  auto seconds = std::to_string(std::max<long long>(1, (connect_timeout.count() + 999) / 1000));
  bool uri = url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0;
  if (!uri) return url + " connect_timeout=" + seconds + " application_name=siao-gateway";
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=" + seconds +
         "&application_name=siao-gateway";
}

// Between jobs a connection has nothing to read: the gateway never LISTENs.
// Readable input there is the server's goodbye (shutdown, terminated backend)
// or a closed socket, so the connection is replaced rather than trusted.
bool looks_dead(pqxx::connection& conn) {
  pollfd p{conn.sock(), POLLIN, 0};
  if (p.fd < 0) return true;
  return ::poll(&p, 1, 0) != 0;
}

bool sqlstate_means_unavailable(const std::string& state) {
  return state.empty()                    // raised by libpq itself, not the server: the connection is gone
         || state == "57014"              // query_canceled: statement_timeout
         || state.rfind("57P", 0) == 0    // admin/crash shutdown, cannot connect now
         || state.rfind("08", 0) == 0     // connection exceptions
         || state == "53300";             // too_many_connections
}

}  // namespace

Pool::Pool(PoolOptions options, std::vector<PreparedStatement> statements, BatchFinisher finisher)
    : options_(std::move(options)), statements_(std::move(statements)), finisher_(std::move(finisher)) {
  workers_.reserve(static_cast<std::size_t>(options_.size));
  for (int i = 0; i < options_.size; ++i) workers_.emplace_back([this] { worker(); });
}

Pool::~Pool() { stop(); }

void Pool::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  ready_.notify_all();
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
}

void Pool::submit(std::unique_ptr<Job> job) {
  std::exception_ptr refused;
  {
    std::unique_lock lock(mutex_);
    if (!stopping_ && queue_.size() < options_.max_queue) {
      queue_.emplace_back(std::move(job), Clock::now());
      lock.unlock();
      ready_.notify_one();
      return;
    }
    refused = stopping_ ? std::make_exception_ptr(Unavailable("the gateway is shutting down"))
                        : std::make_exception_ptr(Overloaded("too many database operations waiting"));
  }
  failures_.fetch_add(1, std::memory_order_relaxed);
  job->complete(refused);
}

void Pool::worker() {
  std::unique_ptr<pqxx::connection> conn;
  std::vector<std::unique_ptr<Job>> batch, late;
  while (true) {
    batch.clear();
    late.clear();
    Clock::time_point queued_at;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping, and nothing left to fail
      stopping = stopping_;
      // Under overload the queue fills and drains at the database's pace: without a bound on the wait, every
      // answer would come max_queue operations late. Those that waited too long are refused instead (503), so an
      // answer comes within max_wait plus one batch. The queue is in arrival order: only its front can be late.
      if (options_.max_wait.count() > 0 && !stopping) {
        const auto deadline = Clock::now() - options_.max_wait;
        while (!queue_.empty() && queue_.front().second < deadline) {
          late.push_back(std::move(queue_.front().first));
          queue_.pop_front();
        }
      }
      if (!queue_.empty()) {
        queued_at = queue_.front().second;
        batch.push_back(std::move(queue_.front().first));
        queue_.pop_front();
        // Batch steps waiting right behind join this one's transaction.
        if (batch.front()->batch_step())
          while (batch.size() < options_.max_batch && !queue_.empty() && queue_.front().first->batch_step()) {
            batch.push_back(std::move(queue_.front().first));
            queue_.pop_front();
          }
      }
    }
    if (!late.empty()) {
      failures_.fetch_add(late.size(), std::memory_order_relaxed);
      auto refused = std::make_exception_ptr(Overloaded("waited too long for a database connection"));
      for (auto& job : late) job->complete(refused);
    }
    if (batch.empty()) continue;  // every one waiting was late
    auto waited = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - queued_at);
    wait_micros_.fetch_add(static_cast<std::uint64_t>(waited.count()) * batch.size(), std::memory_order_relaxed);
    jobs_.fetch_add(batch.size(), std::memory_order_relaxed);
    busy_.fetch_add(1, std::memory_order_relaxed);

    std::exception_ptr failure;
    pqxx::connection* c = nullptr;
    if (stopping) failure = std::make_exception_ptr(Unavailable("the gateway is shutting down"));
    else c = ensure_connection(conn, failure);
    if (c && batch.front()->batch_step()) {
      run_batch(*c, batch, conn);
    } else {
      if (c) failure = classify(batch.front()->execute(*c), conn);
      if (failure) failures_.fetch_add(batch.size(), std::memory_order_relaxed);
      for (auto& job : batch) job->complete(failure);
    }
    busy_.fetch_sub(1, std::memory_order_relaxed);
  }
  if (conn) connected_.fetch_sub(1);
}

// One name is enough: each ROLLBACK TO reaches the newest savepoint of that name. Constant text: PREPARE cannot
// take SAVEPOINT.
void begin_step(pqxx::transaction_base& tx) { tx.exec("SAVEPOINT step"); }
void rollback_step(pqxx::transaction_base& tx) { tx.exec("ROLLBACK TO SAVEPOINT step"); }

namespace {
// A read without savepoint hit an SQL error: the transaction is lost, run the batch again.
struct RerunWithSavepoints {};
}  // namespace

// libpqxx 6.4: an error from exec_prepared leaves the transaction object
// usable (PostgreSQL's side is rolled back to the savepoint below), while an
// error from plain exec aborts it whole; and a subtransaction issues its
// SAVEPOINT lazily, on plain exec only, so prepared statements would bypass
// it. Steps therefore use prepared statements only, under a plain savepoint.
void Pool::run_batch_once(pqxx::connection& c, const std::vector<BatchStep*>& steps, bool savepoint_every_step) {
  pqxx::work tx(c);
  // Once a statement has outlived statement_timeout, the database is stalling (a lock held, a server overrun):
  // the steps left are refused at once, as the one that timed out is, rather than each waiting out a timeout of
  // its own, which would make a call wait as many timeouts as there are calls before it in the batch.
  std::exception_ptr stalled;
  for (auto* s : steps) {
    if (stalled) {
      s->step_failed(stalled);
      continue;
    }
    bool savepoint = savepoint_every_step || !s->reads_only();
    if (savepoint) begin_step(tx);
    try {
      s->step(tx);
    } catch (const pqxx::broken_connection&) {
      throw;
    } catch (const pqxx::in_doubt_error&) {
      throw;
    } catch (const pqxx::sql_error& e) {
      if (!savepoint) throw RerunWithSavepoints{};  // the transaction is lost: run the batch again
      rollback_step(tx);
      if (e.sqlstate() == "57014") stalled = std::make_exception_ptr(Unavailable("the database answered too slowly"));
      s->step_failed(std::current_exception());
    } catch (...) {
      // Not an SQL error: the transaction is intact; undo only what the step wrote.
      if (savepoint) rollback_step(tx);
      s->step_failed(std::current_exception());
    }
  }
  if (finisher_) finisher_(tx, steps);
  tx.commit();
}

void Pool::run_batch(pqxx::connection& c, std::vector<std::unique_ptr<Job>>& jobs,
                     std::unique_ptr<pqxx::connection>& owner) {
  batches_.fetch_add(1, std::memory_order_relaxed);
  std::vector<BatchStep*> steps;
  steps.reserve(jobs.size());
  for (auto& j : jobs) steps.push_back(j->batch_step());
  std::exception_ptr failure;
  try {
    try {
      run_batch_once(c, steps, false);
    } catch (const RerunWithSavepoints&) {
      run_batch_once(c, steps, true);
    }
  } catch (...) {
    failure = classify(std::current_exception(), owner);
    failures_.fetch_add(jobs.size(), std::memory_order_relaxed);
  }
  for (auto& j : jobs) j->complete(failure);
}

pqxx::connection* Pool::ensure_connection(std::unique_ptr<pqxx::connection>& conn, std::exception_ptr& failure) {
  if (conn && (!conn->is_open() || looks_dead(*conn))) {
    conn.reset();
    connected_.fetch_sub(1);
  }
  if (conn) return conn.get();
  {
    // After a failed attempt, fail fast for a while rather than stall every request on connect.
    std::lock_guard lock(mutex_);
    if (Clock::now() - last_connect_failure_ < options_.reconnect_interval) {
      failure = std::make_exception_ptr(Unavailable("the database is unreachable"));
      return nullptr;
    }
  }
  try {
    auto fresh = std::make_unique<pqxx::connection>(with_connect_options(options_.url, options_.connect_timeout));
    {
      pqxx::nontransaction setup(*fresh);
      setup.exec("SET statement_timeout = " + std::to_string(options_.statement_timeout.count()));
      setup.exec("SET TIME ZONE 'UTC'");
    }
    for (const auto& s : statements_) {
      fresh->prepare(s.name, s.sql);
      fresh->prepare_now(s.name);  // a bad statement fails here, not on first use
    }
    conn = std::move(fresh);
    connected_.fetch_add(1);
    reconnects_.fetch_add(1, std::memory_order_relaxed);
    return conn.get();
  } catch (const pqxx::broken_connection&) {
    std::lock_guard lock(mutex_);
    last_connect_failure_ = Clock::now();
    failure = std::make_exception_ptr(Unavailable("the database is unreachable"));
  } catch (const std::exception& e) {
    log::event(log::Level::error, "database session set-up failed", {{"error", std::string_view(e.what())}});
    std::lock_guard lock(mutex_);
    last_connect_failure_ = Clock::now();
    failure = std::make_exception_ptr(Unavailable("the database session could not be prepared"));
  }
  return nullptr;
}

std::exception_ptr Pool::classify(std::exception_ptr failure, std::unique_ptr<pqxx::connection>& conn) {
  if (!failure) return nullptr;
  try {
    std::rethrow_exception(failure);
  } catch (const pqxx::in_doubt_error&) {
    conn.reset();
    connected_.fetch_sub(1);
    return failure;  // the caller must not retry blindly; idempotency keys settle it
  } catch (const pqxx::broken_connection&) {
    conn.reset();
    connected_.fetch_sub(1);
    return std::make_exception_ptr(Unavailable("the database connection was lost"));
  } catch (const pqxx::sql_error& e) {
    if (!sqlstate_means_unavailable(e.sqlstate())) return failure;
    if (e.sqlstate() != "57014") {
      conn.reset();
      connected_.fetch_sub(1);
    }
    return std::make_exception_ptr(Unavailable(e.sqlstate() == "57014" ? "the database answered too slowly"
                                                                        : "the database is restarting"));
  } catch (...) {
    return failure;
  }
}

PoolStats Pool::stats() const {
  std::size_t queued = 0;
  {
    std::lock_guard lock(mutex_);
    queued = queue_.size();
  }
  return PoolStats{options_.size,   busy_.load(),        connected_.load(),   queued,
                   jobs_.load(),    failures_.load(),    reconnects_.load(),  batches_.load(),
                   wait_micros_.load()};
}

}  // namespace siao::storage
