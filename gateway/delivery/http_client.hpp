#pragma once
// Outbound POSTs to one partner endpoint, on the caller's Asio executor (coroutines: no thread waits): connections
// kept alive between attempts, TLS with the partner's certificate checked against the trusted CAs and its host name,
// one deadline per attempt for all of it.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "gateway/delivery/endpoint.hpp"
#include "gateway/http/message.hpp"

namespace boost::asio::ssl {
class context;
}

namespace siao::delivery {

// The context partners' certificates are verified with: `ca_file` (PEM), or the system store when empty.
std::unique_ptr<boost::asio::ssl::context> make_client_tls(const std::string& ca_file);

struct PostResult {
  int status = 0;  // 0: no HTTP answer (see error)
  std::string error;  // what went wrong before an answer: "connect: Connection refused", "timeout"...
  std::string content_type;
  std::string body;  // the partner's answer, cut at 64 KiB
};

// Posts to one endpoint. Not thread-safe: one strand uses it (the subscriber's delivery loop). A connection is
// reused while the partner keeps it open; one that turns out closed before any answer is replaced once at once
// (the partner drops repeats by webhook-id, so a request it may have seen can go again).
class Sender {
 public:
  Sender(Endpoint endpoint, boost::asio::ssl::context* tls);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  boost::asio::awaitable<PostResult> post(const http::Headers& headers, const std::string& body,
                                          std::chrono::milliseconds timeout);
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  struct Connection;
  Endpoint endpoint_;
  boost::asio::ssl::context* tls_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace siao::delivery
