#include "gateway/app/dispatcher.hpp"

#include <pqxx/except>

#include "gateway/http/problem.hpp"
#include "gateway/log/log.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::app {

namespace {

http::Problem unavailable(std::string slug, std::string detail, std::string retry_after) {
  auto p = http::make_problem(503, std::move(slug), std::move(detail));
  p.headers.emplace_back("Retry-After", std::move(retry_after));
  return p;
}

// What is safe to log of an unexpected failure: SQL errors may quote values.
std::string_view loggable(const std::exception& e) {
  if (dynamic_cast<const pqxx::sql_error*>(&e)) return "SQL error";
  return e.what();
}

}  // namespace

boost::asio::awaitable<http::Response> Dispatcher::handle(http::Request& req) const {
  std::optional<http::Problem> problem;
  try {
    const auto& handler = router_.resolve(req).handler;
    co_return co_await handler(req);
  } catch (const http::HttpError& e) {
    problem = e.problem();
  } catch (const storage::Overloaded& e) {
    problem = unavailable("overloaded", e.what(), "1");
  } catch (const storage::Unavailable& e) {
    problem = unavailable("database-unavailable", e.what(), "2");
  } catch (const pqxx::in_doubt_error&) {
    problem = unavailable("outcome-unknown",
                          "The database connection was lost while committing: the outcome is unknown. "
                          "Retry with the same Idempotency-Key.",
                          "2");
  } catch (const pqxx::sql_error& e) {
    log::event(log::Level::error, "request failed",
               {{"traceId", std::string_view(req.trace_id)}, {"sqlstate", std::string_view(e.sqlstate())}});
    problem = http::make_problem(500, "internal-error", "The gateway could not complete the request.");
  } catch (const std::exception& e) {
    log::event(log::Level::error, "request failed",
               {{"traceId", std::string_view(req.trace_id)}, {"error", loggable(e)}});
    problem = http::make_problem(500, "internal-error", "The gateway could not complete the request.");
  }
  co_return http::render_problem(*problem, req.trace_id);
}

}  // namespace siao::app
