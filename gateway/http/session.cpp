#include "gateway/http/session.hpp"
#include "gateway/http/target.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>

#include "gateway/http/problem.hpp"
#include "gateway/http/request_ids.hpp"
#include "gateway/http/tls_context.hpp"
#include "gateway/log/log.hpp"

namespace siao::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kAwait = net::as_tuple(net::use_awaitable);

struct Peer {
  std::string address;
  std::string cert_sha256;
  bool tls = false;
};

// Keeps the connection counted in the registry until the session ends.
struct Registration {
  SessionEnv& env;
  std::shared_ptr<ConnectionControl> control;
  std::uint64_t id;
  Registration(SessionEnv& e, std::shared_ptr<ConnectionControl> c, std::uint64_t i)
      : env(e), control(std::move(c)), id(i) {}
  Registration(const Registration&) = delete;  // a copy would remove the connection twice
  Registration& operator=(const Registration&) = delete;
  ~Registration() {
    control->socket = nullptr;
    env.metrics.open_connections.fetch_sub(1, std::memory_order_relaxed);
    env.registry.remove(id);
  }
};

// Fills what the server knows of a request; false when its target is not a valid origin-form.
bool to_request(bhttp::request<bhttp::string_body>& msg, const Peer& peer, Request& req) {
  req.method = parse_method(std::string_view(msg.method_string().data(), msg.method_string().size()));
  req.target.assign(msg.target().data(), msg.target().size());
  for (const auto& field : msg) {
    std::string name(field.name_string().data(), field.name_string().size());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(field.value().data(), field.value().size()));
  }
  req.remote_address = peer.address;
  req.client_cert_sha256 = peer.cert_sha256;
  req.tls = peer.tls;
  auto rid = req.header("x-request-id");
  req.request_id = rid && acceptable_request_id(*rid) ? std::string(*rid) : random_hex(8);
  auto tp = req.header("traceparent");
  auto trace = tp ? trace_id_of(*tp) : std::nullopt;
  req.trace_id = trace ? std::move(*trace) : random_hex(16);

  if (!parse_target(req)) return false;
  req.body = std::move(msg.body());
  return true;
}

bhttp::response<bhttp::string_body> to_message(Response& res, const Request& req, unsigned version, bool keep) {
  bhttp::response<bhttp::string_body> msg{static_cast<bhttp::status>(res.status), version};
  msg.reason(reason_phrase(res.status));  // RFC 9110's names, as the problem titles use
  msg.set(bhttp::field::content_type, res.content_type);
  msg.set("X-Request-Id", req.request_id);
  msg.set(bhttp::field::cache_control, "no-store");
  msg.set("X-Content-Type-Options", "nosniff");
  for (auto& [name, value] : res.headers) msg.insert(name, value);
  msg.body() = std::move(res.body);
  msg.keep_alive(keep);
  msg.prepare_payload();
  if (req.method == Method::head) msg.body().clear();  // Content-Length stays that of the GET
  return msg;
}

// The transport-level refusals: answered, then the connection closes.
Response transport_problem(const beast::error_code& ec) {
  if (ec == bhttp::error::header_limit)
    return render_problem(make_problem(431, "headers-too-large", "The request headers exceed the limit."),
                          random_hex(16));
  if (ec == bhttp::error::body_limit)
    return render_problem(make_problem(413, "body-too-large", "The request body exceeds the limit."),
                          random_hex(16));
  return render_problem(make_problem(400, "malformed-request", "The request is not valid HTTP/1.1."),
                        random_hex(16));
}

bool is_disconnect(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::operation_aborted || ec == beast::error::timeout || ec == net::ssl::error::stream_truncated ||
         ec == bhttp::error::partial_message;
}

template <class Stream>
net::awaitable<void> write_and_log(Stream& stream, SessionEnv& env, Response res, const Request& req, unsigned version,
                                   bool keep, Clock::time_point started, beast::error_code& ec) {
  auto msg = to_message(res, req, version, keep);
  beast::get_lowest_layer(stream).expires_after(env.limits.write_timeout);
  auto [wec, written] = co_await bhttp::async_write(stream, msg, kAwait);
  ec = wec;
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  env.metrics.request_finished(req.route, res.status, seconds);
  log::access({req.request_id, req.trace_id, req.client_id, method_name(req.method), req.route, req.remote_address,
               res.status, seconds * 1000.0});
}

template <class Stream>
net::awaitable<void> serve_requests(Stream& stream, SessionEnv& env, ConnectionControl& control, const Peer& peer) {
  beast::flat_buffer buffer;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const auto& limits = env.limits;
  for (;;) {
    if (buffer.size() == 0) {
      // Between requests: the idle timeout, and a drain may close us here.
      if (env.registry.draining()) co_return;
      control.idle = true;
      tcp_layer.expires_after(limits.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), kAwait);
      control.idle = false;
      if (ec) co_return;
      buffer.commit(n);
    }
    // The whole request must arrive within the read timeout: the slow-client guard.
    tcp_layer.expires_after(limits.read_timeout);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kAwait);
    if (!ec && !parser.is_done() && beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
      std::tie(ec, n) = co_await bhttp::async_write(stream, go_on, kAwait);
    }
    if (!ec && !parser.is_done()) std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, kAwait);
    auto started = Clock::now();
    if (ec) {
      if (ec == beast::error::timeout || is_disconnect(ec)) co_return;
      Request bad;
      bad.remote_address = peer.address;
      bad.request_id = random_hex(8);
      bad.trace_id = random_hex(16);
      beast::error_code wec;
      co_await write_and_log(stream, env, transport_problem(ec), bad, 11, false, started, wec);
      co_return;
    }

    auto msg = parser.release();
    Request req;
    Response res;
    if (!to_request(msg, peer, req)) {
      res = render_problem(make_problem(400, "malformed-request", "The request target is not a valid path."),
                           req.trace_id);
    } else {
      env.metrics.in_flight.fetch_add(1, std::memory_order_relaxed);
      res = co_await env.handler(req);
      env.metrics.in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
    bool keep = msg.keep_alive() && !env.registry.draining();
    beast::error_code wec;
    co_await write_and_log(stream, env, std::move(res), req, msg.version(), keep, started, wec);
    if (wec || !keep) co_return;
  }
}

}  // namespace

net::awaitable<void> run_session(tcp::socket socket, bool tls, std::shared_ptr<SessionEnv> env,
                                 std::shared_ptr<ConnectionControl> control, std::uint64_t registration) {
  Registration reg{*env, control, registration};
  Peer peer;
  peer.tls = tls;
  beast::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  if (!ec) peer.address = remote.address().to_string();

  if (!tls) {
    beast::tcp_stream stream(std::move(socket));
    control->socket = &stream.socket();
    co_await serve_requests(stream, *env, *control, peer);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }
  // cppcheck-suppress accessMoved ; the plain branch above moved it, then co_returned (cppcheck 2.10 reads past co_return)
  net::ssl::stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *env->tls);
  control->socket = &beast::get_lowest_layer(stream).socket();
  beast::get_lowest_layer(stream).expires_after(env->limits.handshake_timeout);
  auto [hec] = co_await stream.async_handshake(net::ssl::stream_base::server, kAwait);
  if (hec) co_return;
  peer.cert_sha256 = peer_certificate_sha256(stream.native_handle());
  co_await serve_requests(stream, *env, *control, peer);
  // close_notify, bounded: a peer that never answers must not hold the connection.
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(kAwait);
}

net::awaitable<void> refuse_connection(tcp::socket socket, std::shared_ptr<SessionEnv> env) {
  static const std::string kBody =
      R"({"type":"/problems/too-many-connections","title":"Service Unavailable","status":503,)"
      R"("detail":"The gateway has reached its connection limit.","traceId":"00000000000000000000000000000000"})";
  static const std::string kResponse = "HTTP/1.1 503 Service Unavailable\r\n"
                                       "Content-Type: application/problem+json\r\n"
                                       "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
                                       std::to_string(kBody.size()) + "\r\n\r\n" + kBody;
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(env->limits.write_timeout);
  co_await net::async_write(stream, net::buffer(kResponse), kAwait);
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace siao::http
