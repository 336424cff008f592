#pragma once
// Method + path pattern -> handler. Patterns are literal segments and `{name}`
// parameters; the router answers 404 and 405 (with Allow) itself.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "gateway/http/message.hpp"

namespace siao::http {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

struct Route {
  Method method;
  std::string pattern;                // "/api/v2/households/{id}"
  std::vector<std::string> segments;  // the pattern, split
  Handler handler;
  std::string operation;  // its OpenAPI operation object, as JSON text
};

class Router {
 public:
  void add(Method method, std::string pattern, Handler handler, std::string operation_json);

  // Fills req.route and req.path_params and returns the matched route (its
  // handler, its operation), or throws HttpError 404 / 405. HEAD is served by
  // a GET route.
  const Route& resolve(Request& req) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace siao::http
