#include "tests/support/webhook_receiver.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <type_traits>

namespace siao::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

struct WebhookReceiver::Impl {
  net::io_context ioc;
  int port = 0;
  mutable std::mutex mutex;
  std::vector<ReceivedWebhook> received;
  std::atomic<int> status{200};
  std::atomic<long long> delay_ms{0};
  std::atomic<bool> stopping{false};
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::ssl::context> tls;
  std::thread thread;

  void listen() {
    acceptor = std::make_unique<tcp::acceptor>(ioc);
    tcp::endpoint at(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    acceptor->open(at.protocol());
    acceptor->set_option(net::socket_base::reuse_address(true));
    acceptor->bind(at);
    acceptor->listen();
    port = acceptor->local_endpoint().port();
    stopping = false;
    thread = std::thread([this] { serve(); });
  }

  void serve() {
    for (;;) {
      tcp::socket socket(ioc);
      beast::error_code ec;
      acceptor->accept(socket, ec);
      if (stopping) return;
      if (ec) continue;
      handle(socket);
    }
  }

  void handle(tcp::socket& socket) {
    if (!tls) return exchange(socket);
    net::ssl::stream<tcp::socket&> stream(socket, *tls);
    beast::error_code ec;
    stream.handshake(net::ssl::stream_base::server, ec);
    if (ec) return;
    exchange(stream);
    stream.shutdown(ec);
  }

  template <class Stream>
  void exchange(Stream& socket) {
    beast::error_code ec;
    beast::flat_buffer buffer;
    bhttp::request<bhttp::string_body> req;
    bhttp::read(socket, buffer, req, ec);
    if (ec) return;
    if (auto d = delay_ms.load(); d > 0) std::this_thread::sleep_for(std::chrono::milliseconds(d));
    if (stopping) return;  // stopped while slow: no answer
    ReceivedWebhook r;
    r.target = std::string(req.target());
    for (const auto& f : req) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(f.value());
    }
    r.body = req.body();
    r.answered = status.load();
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(r.answered), 11};
    res.set(bhttp::field::content_type, "text/plain");
    res.set(bhttp::field::connection, "close");
    res.body() = r.answered < 300 ? "ok" : "failing on purpose";
    res.prepare_payload();
    {
      // Recorded before the answer leaves: once the gateway sees the 2xx, the test sees the request.
      std::lock_guard lock(mutex);
      received.push_back(std::move(r));
    }
    bhttp::write(socket, res, ec);
    if constexpr (std::is_same_v<Stream, tcp::socket>) socket.shutdown(tcp::socket::shutdown_both, ec);
  }

  void close() {
    if (!acceptor) return;
    stopping = true;
    // Wakes the blocking accept.
    try {
      tcp::socket poke(ioc);
      poke.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
    } catch (const std::exception&) {
    }
    if (thread.joinable()) thread.join();
    beast::error_code ec;
    acceptor->close(ec);
    acceptor.reset();
  }
};

WebhookReceiver::WebhookReceiver() : impl_(std::make_unique<Impl>()) { impl_->listen(); }
WebhookReceiver::WebhookReceiver(const std::string& cert_file, const std::string& key_file)
    : impl_(std::make_unique<Impl>()) {
  impl_->tls = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  impl_->tls->use_certificate_chain_file(cert_file);
  impl_->tls->use_private_key_file(key_file, net::ssl::context::pem);
  impl_->listen();
}
WebhookReceiver::~WebhookReceiver() { impl_->close(); }

int WebhookReceiver::port() const { return impl_->port; }
std::string WebhookReceiver::url(const std::string& path) const {
  return (impl_->tls ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(impl_->port) + path;
}
void WebhookReceiver::stop() { impl_->close(); }
void WebhookReceiver::start() {
  if (!impl_->acceptor) impl_->listen();
}
void WebhookReceiver::answer_with(int status) { impl_->status = status; }
void WebhookReceiver::delay(std::chrono::milliseconds d) { impl_->delay_ms = d.count(); }

std::vector<ReceivedWebhook> WebhookReceiver::received() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->received;
}

std::vector<ReceivedWebhook> WebhookReceiver::accepted() const {
  std::vector<ReceivedWebhook> out;
  for (auto& r : received())
    if (r.answered >= 200 && r.answered < 300) out.push_back(std::move(r));
  return out;
}

}  // namespace siao::test
