#pragma once
// Routes a request and turns every failure below a handler into the spec's
// problem+json: handlers throw, the dispatcher answers.
#include <boost/asio/awaitable.hpp>

#include "gateway/http/router.hpp"

namespace siao::app {

class Dispatcher {
 public:
  explicit Dispatcher(const http::Router& router) : router_(router) {}
  boost::asio::awaitable<http::Response> handle(http::Request& req) const;

 private:
  const http::Router& router_;
};

}  // namespace siao::app
