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
#include <optional>

namespace siao::delivery {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kMaxAnswerBytes = std::size_t{64} * 1024;
// More idle connections than attempts in flight are never needed; the cap only bounds what a partner that keeps
// every connection open can make the gateway hold.
constexpr std::size_t kMaxIdle = 1000;

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

}  // namespace

struct Sender::Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }

  // One request and its answer; `keep` tells whether the connection may carry another.
  template <class Stream>
  static net::awaitable<PostResult> exchange(Stream& stream, beast::flat_buffer& buffer,
                                             bhttp::request<bhttp::string_body>& req, bool& keep) {
    keep = false;
    auto [wec, written] = co_await bhttp::async_write(stream, req, net::as_tuple(net::use_awaitable));
    (void)written;
    if (wec) co_return PostResult{0, "send: " + wec.message(), {}, {}};
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxAnswerBytes);
    auto [rec, read] = co_await bhttp::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
    (void)read;
    if (rec == bhttp::error::body_limit || (rec && parser.is_header_done())) {
      // The answer's status is what counts; a long or cut body does not undo it.
      auto out = answer_of(parser);
      out.body.clear();
      co_return out;
    }
    if (rec) co_return PostResult{0, "answer: " + rec.message(), {}, {}};
    keep = parser.get().keep_alive();
    co_return answer_of(parser);
  }

  net::awaitable<PostResult> send(bhttp::request<bhttp::string_body>& req, bool& keep) {
    if (plain) co_return co_await exchange(*plain, buffer, req, keep);
    co_return co_await exchange(*secure, buffer, req, keep);
  }
};

Sender::Sender(Endpoint endpoint, net::ssl::context* tls) : endpoint_(std::move(endpoint)), tls_(tls) {}
Sender::~Sender() = default;

std::unique_ptr<net::ssl::context> make_client_tls(const std::string& ca_file) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_client);
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
  if (ca_file.empty()) ctx->set_default_verify_paths();
  else ctx->load_verify_file(ca_file);
  ctx->set_verify_mode(net::ssl::verify_peer);
  return ctx;
}

net::awaitable<PostResult> Sender::post(const http::Headers& headers, const std::string& body,
                                        std::chrono::milliseconds timeout) {
  auto executor = co_await net::this_coro::executor;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto remaining = [&] {
    return std::max(std::chrono::milliseconds(1),
                    std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
  };
  auto req = make_request(endpoint_, headers, body);

  for (;;) {
    std::unique_ptr<Connection> c;
    const bool reused = !idle_.empty();
    if (reused) {
      c = std::move(idle_.back());
      idle_.pop_back();
    } else {
      tcp::resolver resolver(executor);
      auto [rec, results] = co_await resolver.async_resolve(resolvable(endpoint_.host), endpoint_.port,
                                                             net::as_tuple(net::use_awaitable));
      if (rec) co_return PostResult{0, "resolve: " + rec.message(), {}, {}};
      c = std::make_unique<Connection>();
      if (endpoint_.tls) {
        if (!tls_) co_return PostResult{0, "no TLS context", {}, {}};
        // cppcheck-suppress nullPointerRedundantCheck ; co_returned above when null (cppcheck 2.10 reads past co_return)
        c->secure.emplace(executor, *tls_);
        // SNI, and the certificate must name the host.
        if (!SSL_set_tlsext_host_name(c->secure->native_handle(), endpoint_.host.c_str()))
          co_return PostResult{0, "TLS: cannot set the server name", {}, {}};
        c->secure->set_verify_callback(net::ssl::host_name_verification(resolvable(endpoint_.host)));
      } else {
        c->plain.emplace(executor);
      }
      c->lowest().expires_after(remaining());
      auto [cec, ep] = co_await c->lowest().async_connect(results, net::as_tuple(net::use_awaitable));
      (void)ep;
      if (cec) co_return PostResult{0, "connect: " + cec.message(), {}, {}};
      if (c->secure) {
        c->lowest().expires_after(remaining());
        auto [hec] = co_await c->secure->async_handshake(net::ssl::stream_base::client, net::as_tuple(net::use_awaitable));
        if (hec) co_return PostResult{0, "TLS: " + hec.message(), {}, {}};
      }
    }
    c->lowest().expires_after(remaining());
    bool keep = false;
    auto out = co_await c->send(req, keep);
    // A kept connection the partner closed meanwhile fails before any answer: once more on a new one.
    if (out.status == 0 && reused && std::chrono::steady_clock::now() < deadline) continue;
    if (keep && idle_.size() < kMaxIdle) {
      c->lowest().expires_never();
      idle_.push_back(std::move(c));
    }
    co_return out;
  }
}

}  // namespace siao::delivery
