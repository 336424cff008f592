#pragma once
// One outbound POST, on the caller's Asio executor (a coroutine: no thread waits): a fresh connection per attempt,
// TLS with the partner's certificate checked against the trusted CAs and its host name, one deadline for all of it.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>

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

boost::asio::awaitable<PostResult> post(const Endpoint& endpoint, const http::Headers& headers, const std::string& body,
                                        std::chrono::milliseconds timeout, boost::asio::ssl::context* tls);

}  // namespace siao::delivery
