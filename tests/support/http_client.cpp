#include "tests/support/http_client.hpp"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace siao::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

std::string HttpResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpClient::Impl {
  net::io_context ioc;
  tcp::socket socket{ioc};
  std::unique_ptr<net::ssl::context> ctx;
  std::unique_ptr<net::ssl::stream<tcp::socket&>> tls;
  beast::flat_buffer buffer;

  void connect(int port, std::chrono::milliseconds timeout) {
    socket.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  template <class Fn>
  auto with_stream(Fn&& fn) {
    if (tls) return fn(*tls);
    return fn(socket);
  }
};

HttpClient::HttpClient(int port, std::chrono::milliseconds timeout) : impl_(std::make_unique<Impl>()) {
  impl_->connect(port, timeout);
}

HttpClient::HttpClient(int port, const TlsClientOptions& tls, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->connect(port, timeout);
  impl_->ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  auto* native = impl_->ctx->native_handle();
  if (tls.min_version) SSL_CTX_set_min_proto_version(native, tls.min_version);
  if (tls.max_version) SSL_CTX_set_max_proto_version(native, tls.max_version);
  if (tls.max_version && tls.max_version < TLS1_2_VERSION) SSL_CTX_set_security_level(native, 0);
  if (!tls.cert_file.empty()) {
    impl_->ctx->use_certificate_chain_file(tls.cert_file);
    impl_->ctx->use_private_key_file(tls.key_file, net::ssl::context::pem);
  }
  impl_->ctx->set_verify_mode(net::ssl::verify_none);  // the test certificate is self-signed
  impl_->tls = std::make_unique<net::ssl::stream<tcp::socket&>>(impl_->socket, *impl_->ctx);
  impl_->tls->handshake(net::ssl::stream_base::client);
}

HttpClient::~HttpClient() = default;

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.body() = body;
    req.prepare_payload();
  }
  impl_->with_stream([&](auto& s) { bhttp::write(s, req); });
  return read_response(method == "HEAD");
}

void HttpClient::send_raw(const std::string& bytes) {
  impl_->with_stream([&](auto& s) { net::write(s, net::buffer(bytes)); });
}

HttpResult HttpClient::read_response(bool head_request) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::uint64_t{64} * 1024 * 1024);
  parser.skip(head_request);
  impl_->with_stream([&](auto& s) { bhttp::read(s, impl_->buffer, parser); });
  auto& msg = parser.get();
  HttpResult r;
  r.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  r.body = msg.body();
  r.keep_alive = msg.keep_alive();
  return r;
}

bool HttpClient::closed_by_peer(std::chrono::milliseconds within) {
  auto deadline = std::chrono::steady_clock::now() + within;
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code ec;
    std::size_t n = impl_->with_stream([&](auto& s) { return s.read_some(net::buffer(buf), ec); });
    if (ec == net::error::eof || ec == net::error::connection_reset || ec == net::ssl::error::stream_truncated)
      return true;
    if (ec && ec != net::error::would_block && ec != net::error::try_again) return true;
    (void)n;
  }
  return false;
}

}  // namespace siao::test
