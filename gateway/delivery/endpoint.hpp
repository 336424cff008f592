#pragma once
// A subscriber's endpoint URL, parsed once: https to anywhere (the certificate checked), plain http only to a
// loopback address (tests and local receivers), never anything else.
#include <optional>
#include <string>
#include <string_view>

namespace siao::delivery {

struct Endpoint {
  bool tls = true;
  std::string host;    // as written (the name checked against the certificate, and sent as SNI)
  std::string port;    // "443", "80" or as written
  std::string target;  // path and query, "/" at least
};

// The endpoint, or nullopt with `why` set when it is not one the gateway may send to.
std::optional<Endpoint> parse_endpoint(std::string_view url, std::string& why);

bool is_loopback_host(std::string_view host);

}  // namespace siao::delivery
