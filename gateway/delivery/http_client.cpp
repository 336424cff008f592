#include "gateway/delivery/http_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace siao::delivery {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kMaxAnswerBytes = 64 * 1024;

std::string resolvable(const std::string& host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

bhttp::request<bhttp::string_body> make_request(const Endpoint& e, const http::Headers& headers, const std::string& body) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, e.target, 11};
  bool default_port = (e.tls && e.port == "443") || (!e.tls && e.port == "80");
  req.set(bhttp::field::host, default_port ? e.host : e.host + ":" + e.port);
  req.set(bhttp::field::user_agent, "siao-gateway/" SIAO_VERSION);
  req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  return req;
}

PostResult answer_of(bhttp::response_parser<bhttp::string_body>& parser) {
  auto& res = parser.get();
  PostResult out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string(res[bhttp::field::content_type]);
  out.body = std::move(res.body());
  return out;
}

template <class Stream>
net::awaitable<PostResult> exchange(Stream& stream, bhttp::request<bhttp::string_body>& req, beast::tcp_stream& timed) {
  auto [wec, written] = co_await bhttp::async_write(stream, req, net::as_tuple(net::use_awaitable));
  (void)written;
  if (wec) co_return PostResult{0, "send: " + wec.message(), {}, {}};
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
  (void)read;
  (void)timed;
  if (rec == bhttp::error::body_limit || (rec && parser.is_header_done())) {
    // The answer's status is what counts; a long or cut body does not undo it.
    auto out = answer_of(parser);
    out.body.clear();
    co_return out;
  }
  if (rec) co_return PostResult{0, "answer: " + rec.message(), {}, {}};
  co_return answer_of(parser);
}

}  // namespace

std::unique_ptr<net::ssl::context> make_client_tls(const std::string& ca_file) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
  if (ca_file.empty()) ctx->set_default_verify_paths();
  else ctx->load_verify_file(ca_file);
  ctx->set_verify_mode(net::ssl::verify_peer);
  return ctx;
}

net::awaitable<PostResult> post(const Endpoint& endpoint, const http::Headers& headers, const std::string& body,
                                std::chrono::milliseconds timeout, net::ssl::context* tls) {
  auto executor = co_await net::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto remaining = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
  };
  tcp::resolver resolver(executor);
  auto [rec, results] = co_await resolver.async_resolve(resolvable(endpoint.host), endpoint.port,
                                                         net::as_tuple(net::use_awaitable));
  if (rec) co_return PostResult{0, "resolve: " + rec.message(), {}, {}};
  auto req = make_request(endpoint, headers, body);

  if (!endpoint.tls) {
    beast::tcp_stream stream(executor);
    stream.expires_after(remaining());
    auto [cec, ep] = co_await stream.async_connect(results, net::as_tuple(net::use_awaitable));
    (void)ep;
    if (cec) co_return PostResult{0, "connect: " + cec.message(), {}, {}};
    stream.expires_after(remaining());
    auto out = co_await exchange(stream, req, stream);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    co_return out;
  }

  if (!tls) co_return PostResult{0, "no TLS context", {}, {}};
  beast::ssl_stream<beast::tcp_stream> stream(executor, *tls);
  // SNI, and the certificate must name the host.
  if (!SSL_set_tlsext_host_name(stream.native_handle(), endpoint.host.c_str()))
    co_return PostResult{0, "TLS: cannot set the server name", {}, {}};
  stream.set_verify_callback(net::ssl::host_name_verification(resolvable(endpoint.host)));
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(remaining());
  auto [cec, ep] = co_await lowest.async_connect(results, net::as_tuple(net::use_awaitable));
  (void)ep;
  if (cec) co_return PostResult{0, "connect: " + cec.message(), {}, {}};
  lowest.expires_after(remaining());
  auto [hec] = co_await stream.async_handshake(net::ssl::stream_base::client, net::as_tuple(net::use_awaitable));
  if (hec) co_return PostResult{0, "TLS: " + hec.message(), {}, {}};
  lowest.expires_after(remaining());
  auto out = co_await exchange(stream, req, lowest);
  co_return out;
}

}  // namespace siao::delivery
