#include "gateway/api/exchange_route.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>

#include "gateway/api/canonical.hpp"
#include "gateway/http/problem.hpp"

namespace siao::api {

namespace net = boost::asio;

namespace {

struct RouteSpec {
  const ApiContext& ctx;
  std::string scope;
  audit::Exchange::Work work;
  std::string adapter;  // empty: any contract
};

http::Response refuse(http::Problem p) { throw http::HttpError(std::move(p)); }


net::awaitable<void> pause(std::chrono::milliseconds delay) {
  net::steady_timer timer(co_await net::this_coro::executor, delay);
  co_await timer.async_wait(net::use_awaitable);
}

net::awaitable<http::Response> run_exchange(const RouteSpec& spec, http::Request& req) {
  // Holds the contract set the client came from until the exchange is recorded, whatever reloads meanwhile.
  auth::Caller caller = spec.ctx.auth.authenticate(req);
  const auth::Client* client = caller.client.get();
  std::optional<auth::Quota::Ticket> ticket;
  audit::Exchange::Work refusal;
  if (!client) {
    // A wrong credential, not a missing one, is a guess: guesses from one address get slower and slower.
    if (caller.presented) {
      auto delay = spec.ctx.throttle.failed(req.remote_address);
      if (delay.count() > 0) co_await pause(delay);
    }
    refusal = [](pqxx::transaction_base&, audit::Exchange&) {
      auto p = http::make_problem(401, "unauthenticated", "A valid API key (Authorization: Bearer) is required.");
      p.headers.emplace_back("WWW-Authenticate", "Bearer");
      return refuse(std::move(p));
    };
  } else {
    req.client_id = client->id;
    if (caller.quota) {
      auto admission = caller.quota->admit();
      // Refused before any database work, and so not logged as an exchange: a flood must cost nothing.
      if (admission.refusal) throw http::HttpError(quota_refusal(*admission.refusal, *client));
      ticket = std::move(admission.ticket);
    }
    if (!spec.adapter.empty() && client->adapter != spec.adapter) {
      refusal = [adapter = spec.adapter](pqxx::transaction_base&, audit::Exchange&) {
        return refuse(http::make_problem(403, "forbidden", "This API is for contracts using the " + adapter + " adapter."));
      };
    } else if (!spec.scope.empty() && !client->has_scope(spec.scope)) {
      refusal = [scope = spec.scope](pqxx::transaction_base&, audit::Exchange&) {
        return refuse(http::make_problem(403, "forbidden", "This contract does not grant " + scope + "."));
      };
    }
  }
  // Refusals are exchanges too: recorded like the rest.
  audit::Exchange exchange(req, client, refusal ? refusal : spec.work);
  co_await spec.ctx.pool.run_batched(exchange);
  co_return std::move(exchange.response());
}

}  // namespace

http::Problem quota_refusal(const auth::Quota::Refusal& r, const auth::Client& client) {
  auto p = r.reason == auth::Quota::Refusal::Reason::rate
               ? http::make_problem(429, "rate-limited", "The contract of " + client.id + " allows fewer requests per second.")
               : http::make_problem(429, "too-many-in-flight",
                                    "The contract of " + client.id + " allows fewer requests at once.");
  p.headers.emplace_back("Retry-After", std::to_string(r.retry_after.count()));
  return p;
}

void add_exchange_route(http::Router& router, const ApiContext& ctx, http::Method method, std::string pattern,
                        std::string scope, audit::Exchange::Work work, std::string operation_json) {
  if (ctx.canonical) ctx.canonical->add(method, pattern, scope, work);
  auto spec = std::make_shared<RouteSpec>(RouteSpec{ctx, std::move(scope), std::move(work), {}});
  router.add(
      method, std::move(pattern), [spec](http::Request& req) { return run_exchange(*spec, req); },
      std::move(operation_json));
}

void add_adapter_route(http::Router& router, const ApiContext& ctx, std::string adapter, http::Method method,
                       std::string pattern, std::string scope, audit::Exchange::Work work, std::string operation_json) {
  auto spec = std::make_shared<RouteSpec>(RouteSpec{ctx, std::move(scope), std::move(work), std::move(adapter)});
  router.add(
      method, std::move(pattern), [spec](http::Request& req) { return run_exchange(*spec, req); },
      std::move(operation_json));
}

}  // namespace siao::api
