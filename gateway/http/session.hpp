#pragma once
// One client connection, plain or TLS: read requests within the limits, hand
// each to the handler, write the answer. Private to the server: it drags Beast.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "gateway/config/config.hpp"
#include "gateway/http/connection_registry.hpp"
#include "gateway/http/router.hpp"
#include "gateway/ops/metrics.hpp"

namespace siao::http {

struct SessionEnv {
  SessionEnv(config::Limits l, Handler h, ops::Metrics& m, boost::asio::ssl::context* t)
      : limits(l), handler(std::move(h)), metrics(m), tls(t) {}
  config::Limits limits;
  Handler handler;
  ops::Metrics& metrics;
  ConnectionRegistry registry;
  boost::asio::ssl::context* tls = nullptr;
};

// What the registry may do to a connection from outside; touched only on its strand.
struct ConnectionControl {
  boost::asio::ip::tcp::socket* socket = nullptr;  // null once the session ended
  bool idle = false;
};

boost::asio::awaitable<void> run_session(boost::asio::ip::tcp::socket socket, bool tls,
                                         std::shared_ptr<SessionEnv> env,
                                         std::shared_ptr<ConnectionControl> control, std::uint64_t registration);

// Over the connection cap: a 503 and close, without reading the request.
boost::asio::awaitable<void> refuse_connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<SessionEnv> env);

}  // namespace siao::http
