#pragma once
// The HTTP/1.1 and HTTPS listeners and their connections. Every request is
// handed to one handler (the application's dispatcher); the server owns the
// transport rules: limits, timeouts, keep-alive, connection cap, drain.
#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "gateway/config/config.hpp"
#include "gateway/http/router.hpp"

namespace boost::asio::ssl {
class context;
}
namespace siao::ops {
class Metrics;
}

namespace siao::http {

class Server {
 public:
  // `tls` may be null when no TLS listener is configured.
  Server(boost::asio::io_context& ioc, const config::Config& config, Handler handler, ops::Metrics& metrics,
         boost::asio::ssl::context* tls);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listeners (throws, naming the address, when it cannot) and starts accepting.
  void start();

  // Stops accepting, closes idle connections, lets requests in flight finish;
  // `drained` runs once every connection has closed.
  void drain(std::function<void()> drained);

  // Closes every connection now (the drain timeout ran out).
  void close_all();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace siao::http
