#include "gateway/api/exchange_route.hpp"

#include "gateway/http/problem.hpp"

namespace siao::api {

namespace net = boost::asio;

namespace {

struct RouteSpec {
  const ApiContext& ctx;
  std::string scope;
  audit::Exchange::Work work;
};

http::Response refuse(http::Problem p) { throw http::HttpError(std::move(p)); }

net::awaitable<http::Response> run_exchange(const RouteSpec& spec, http::Request& req) {
  const auth::Client* client = spec.ctx.auth.authenticate(req);
  if (client) req.client_id = client->id;
  audit::Exchange::Work refusal;
  if (!client) {
    refusal = [](pqxx::transaction_base&, audit::Exchange&) {
      auto p = http::make_problem(401, "unauthenticated", "A valid API key (Authorization: Bearer) is required.");
      p.headers.emplace_back("WWW-Authenticate", "Bearer");
      return refuse(std::move(p));
    };
  } else if (!client->has_scope(spec.scope)) {
    refusal = [scope = spec.scope](pqxx::transaction_base&, audit::Exchange&) {
      return refuse(http::make_problem(403, "forbidden", "This contract does not grant " + scope + "."));
    };
  }
  // Refusals are exchanges too: recorded like the rest.
  audit::Exchange exchange(req, client, refusal ? refusal : spec.work);
  co_await spec.ctx.pool.run_batched(exchange);
  co_return std::move(exchange.response());
}

}  // namespace

void add_exchange_route(http::Router& router, const ApiContext& ctx, http::Method method, std::string pattern,
                        std::string scope, audit::Exchange::Work work, std::string operation_json) {
  auto spec = std::make_shared<RouteSpec>(RouteSpec{ctx, std::move(scope), std::move(work)});
  router.add(
      method, std::move(pattern), [spec](http::Request& req) { return run_exchange(*spec, req); },
      std::move(operation_json));
}

}  // namespace siao::api
