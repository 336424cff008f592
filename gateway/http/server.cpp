#include "gateway/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include "gateway/http/session.hpp"
#include "gateway/log/log.hpp"

namespace siao::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

tcp::endpoint parse_listen(const std::string& key, const std::string& value) {
  auto authority = boost::urls::parse_authority(value);
  if (!authority || !authority->has_port())
    throw std::runtime_error(key + ": expected host:port, got '" + value + "'");
  std::string host(authority->host_address());
  if (host == "localhost") host = "127.0.0.1";
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) throw std::runtime_error(key + ": '" + host + "' is not an IP address");
  return {address, authority->port_number()};
}

}  // namespace

struct Server::Impl : std::enable_shared_from_this<Impl> {
  struct Listener {
    std::string key;
    bool tls;
    tcp::acceptor acceptor;
  };

  net::io_context& ioc;
  std::shared_ptr<SessionEnv> env;
  std::vector<std::unique_ptr<Listener>> listeners;
  std::size_t max_connections;

  Impl(net::io_context& io, const config::Config& cfg, Handler handler, ops::Metrics& metrics, net::ssl::context* tls)
      : ioc(io),
        env(std::make_shared<SessionEnv>(cfg.limits, std::move(handler), metrics, tls)),
        max_connections(cfg.limits.max_connections) {
    if (!cfg.http_listen.empty())
      add_listener("http.listen", cfg.http_listen, false);
    if (!cfg.https_listen.empty()) {
      if (!tls) throw std::runtime_error("https.listen: set, but no TLS context was given");
      add_listener("https.listen", cfg.https_listen, true);
    }
  }

  void add_listener(const std::string& key, const std::string& value, bool tls) {
    auto endpoint = parse_listen(key, value);
    auto l = std::make_unique<Listener>(Listener{key, tls, tcp::acceptor(net::make_strand(ioc))});
    boost::system::error_code ec;
    l->acceptor.open(endpoint.protocol(), ec);
    if (!ec) l->acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) l->acceptor.bind(endpoint, ec);
    if (!ec) l->acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error(key + ": cannot listen on " + value + ": " + ec.message());
    listeners.push_back(std::move(l));
  }

  static net::awaitable<void> accept_loop(std::shared_ptr<Impl> self, Listener* listener) {
    constexpr auto await = net::as_tuple(net::use_awaitable);
    for (;;) {
      auto [ec, socket] = co_await listener->acceptor.async_accept(net::make_strand(self->ioc), await);
      if (ec == net::error::operation_aborted || !listener->acceptor.is_open()) co_return;
      if (ec) {
        // Out of descriptors, most likely: wait a little rather than spin.
        log::event(log::Level::warn, "accept failed", {{"error", std::string_view(ec.message())}});
        net::steady_timer pause(listener->acceptor.get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(await);
        continue;
      }
      auto& env = *self->env;
      if (env.registry.size() >= self->max_connections || env.registry.draining()) {
        env.metrics.refused_connections.fetch_add(1, std::memory_order_relaxed);
        auto ex = socket.get_executor();
        net::co_spawn(ex, refuse_connection(std::move(socket), self->env), net::detached);
        continue;
      }
      auto control = std::make_shared<ConnectionControl>();
      auto ex = socket.get_executor();
      auto id = env.registry.add(ConnectionRegistry::Entry{
          [control, ex] {
            net::post(ex, [control] {
              if (control->socket && control->idle) control->socket->cancel();
            });
          },
          [control, ex] {
            net::post(ex, [control] {
              boost::system::error_code ignored;
              if (control->socket) control->socket->close(ignored);
            });
          }});
      env.metrics.open_connections.fetch_add(1, std::memory_order_relaxed);
      net::co_spawn(ex, run_session(std::move(socket), listener->tls, self->env, control, id), net::detached);
    }
  }
};

Server::Server(net::io_context& ioc, const config::Config& config, Handler handler, ops::Metrics& metrics,
               net::ssl::context* tls)
    : impl_(std::make_shared<Impl>(ioc, config, std::move(handler), metrics, tls)) {}

Server::~Server() = default;

void Server::start() {
  for (auto& l : impl_->listeners) {
    auto endpoint = l->acceptor.local_endpoint();
    log::event(log::Level::info, "listening",
               {{"listener", std::string_view(l->key)},
                {"address", std::string_view(endpoint.address().to_string())},
                {"port", std::int64_t{endpoint.port()}}});
    net::co_spawn(l->acceptor.get_executor(), Impl::accept_loop(impl_, l.get()), net::detached);
  }
}

void Server::drain(std::function<void()> drained) {
  for (auto& l : impl_->listeners)
    net::post(l->acceptor.get_executor(), [listener = l.get()] {
      boost::system::error_code ignored;
      listener->acceptor.close(ignored);
    });
  impl_->env->registry.set_draining(std::move(drained));
  impl_->env->registry.for_each([](const ConnectionRegistry::Entry& e) { e.close_if_idle(); });
}

void Server::close_all() {
  impl_->env->registry.for_each([](const ConnectionRegistry::Entry& e) { e.close_now(); });
}

}  // namespace siao::http
