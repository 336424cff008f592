#include "gateway/api/canonical.hpp"

#include <boost/asio/awaitable.hpp>

#include "gateway/http/problem.hpp"
#include "gateway/http/target.hpp"

namespace siao::api {

void CanonicalApi::add(http::Method method, std::string pattern, std::string scope, audit::Exchange::Work work) {
  // The router only matches: its handler never runs, and its n-th route is operations_[n].
  router_.add(method, std::move(pattern), [](http::Request&) -> boost::asio::awaitable<http::Response> { co_return http::Response{}; },
              {});
  operations_.push_back({std::move(scope), std::move(work)});
}

http::Response CanonicalApi::execute(pqxx::transaction_base& tx, audit::Exchange& ex, Command command) const {
  const auto& received = ex.received();
  http::Request req;
  req.method = command.method;
  req.target = std::move(command.target);
  if (!http::parse_target(req)) throw std::logic_error("an adapter made an invalid target: " + req.target);
  req.headers = std::move(command.headers);
  if (!command.body.empty())
    req.headers.emplace_back("content-type", command.method == http::Method::patch ? "application/merge-patch+json"
                                                                                   : "application/json");
  req.body = std::move(command.body);
  req.remote_address = received.remote_address;
  req.client_cert_sha256 = received.client_cert_sha256;
  req.tls = received.tls;
  req.request_id = received.request_id;
  req.trace_id = received.trace_id;
  req.client_id = received.client_id;

  const auto& route = router_.resolve(req);  // 404 / 405 as v2 would answer
  const auto& op = operations_[static_cast<std::size_t>(&route - router_.routes().data())];
  if (!ex.caller() || !ex.caller()->has_scope(op.scope))
    throw http::HttpError(http::make_problem(403, "forbidden", "This contract does not grant " + op.scope + "."));

  audit::Exchange::Translated as_canonical(ex, req);
  auto response = op.work(tx, ex);
  const auto* client = ex.caller();
  if (client->fields.restricts_reads() && response.content_type == "application/json")
    response.body = client->fields.minimise(std::move(response.body));
  return response;
}

}  // namespace siao::api
