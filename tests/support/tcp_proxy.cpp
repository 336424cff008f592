#include "tests/support/tcp_proxy.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <list>
#include <thread>

namespace siao::test {

namespace net = boost::asio;
using tcp = net::ip::tcp;
constexpr auto kAwait = net::as_tuple(net::use_awaitable);

// Coroutines hold a plain pointer: the io_context, destroyed with Impl, ends them.
struct TcpProxy::Impl {
  net::io_context ioc;
  tcp::endpoint target;
  tcp::endpoint listen_at;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::list<std::shared_ptr<tcp::socket>> open;  // touched only on the io thread
  bool refusing = false;  // cut: connections are accepted and dropped at once
  std::thread thread;
  net::executor_work_guard<net::io_context::executor_type> work{ioc.get_executor()};

  static net::awaitable<void> pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
    char buf[16384];
    for (;;) {
      auto [ec, n] = co_await from->async_read_some(net::buffer(buf), kAwait);
      if (ec) break;
      auto [wec, w] = co_await net::async_write(*to, net::buffer(buf, n), kAwait);
      if (wec) break;
    }
    boost::system::error_code ignored;
    from->close(ignored);
    to->close(ignored);
  }

  static net::awaitable<void> accept_loop(Impl* self, tcp::acceptor* acc) {
    for (;;) {
      auto [ec, socket] = co_await acc->async_accept(kAwait);
      if (ec) co_return;
      if (self->refusing) {
        boost::system::error_code ignored;
        socket.close(ignored);
        continue;
      }
      auto client = std::make_shared<tcp::socket>(std::move(socket));
      auto server = std::make_shared<tcp::socket>(self->ioc);
      auto [cec] = co_await server->async_connect(self->target, kAwait);
      if (cec) continue;
      self->open.push_back(client);
      self->open.push_back(server);
      net::co_spawn(self->ioc, pump(client, server), net::detached);
      net::co_spawn(self->ioc, pump(server, client), net::detached);
    }
  }

  void open_acceptor() {
    acceptor = std::make_unique<tcp::acceptor>(ioc);
    acceptor->open(listen_at.protocol());
    acceptor->set_option(net::socket_base::reuse_address(true));
    acceptor->bind(listen_at);
    acceptor->listen();
    listen_at = acceptor->local_endpoint();
    net::co_spawn(ioc, accept_loop(this, acceptor.get()), net::detached);
  }

  template <class Fn>
  void on_io_thread(Fn fn) {
    std::promise<void> done;
    net::post(ioc, [&] {
      fn();
      done.set_value();
    });
    done.get_future().get();
  }
};

TcpProxy::TcpProxy(int target_port) : impl_(std::make_unique<Impl>()) {
  impl_->target = {net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(target_port)};
  impl_->listen_at = {net::ip::make_address("127.0.0.1"), 0};
  impl_->open_acceptor();
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

// A proxy that cannot stop leaves its thread running: ending the test run (std::terminate) is the right answer.
TcpProxy::~TcpProxy() {  // NOLINT(bugprone-exception-escape)
  cut();
  impl_->on_io_thread([impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor->close(ignored);
  });
  impl_->work.reset();
  impl_->ioc.stop();
  impl_->thread.join();
}

int TcpProxy::port() const { return impl_->listen_at.port(); }

void TcpProxy::cut() {
  impl_->on_io_thread([impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->refusing = true;
    for (auto& s : impl->open) s->close(ignored);
    impl->open.clear();
  });
}

void TcpProxy::restore() {
  impl_->on_io_thread([impl = impl_.get()] { impl->refusing = false; });
}

}  // namespace siao::test
