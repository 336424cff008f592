#include "gateway/delivery/endpoint.hpp"

#include <boost/url/parse.hpp>

namespace siao::delivery {

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  // 127.0.0.0/8, written as a dotted quad.
  if (host.rfind("127.", 0) != 0) return false;
  int dots = 0;
  for (char c : host) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return false;
  }
  return dots == 3;
}

std::optional<Endpoint> parse_endpoint(std::string_view url, std::string& why) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    why = "is not an absolute URL";
    return std::nullopt;
  }
  const auto& u = *parsed;
  Endpoint e;
  if (u.scheme() == "https") {
    e.tls = true;
  } else if (u.scheme() == "http") {
    e.tls = false;
  } else {
    why = "must be an https:// URL";
    return std::nullopt;
  }
  if (u.has_userinfo()) {
    why = "must not carry a user or password (the signature authenticates)";
    return std::nullopt;
  }
  if (u.has_fragment()) {
    why = "must not have a fragment";
    return std::nullopt;
  }
  e.host = std::string(u.encoded_host());
  if (e.host.empty()) {
    why = "has no host";
    return std::nullopt;
  }
  if (!e.tls && !is_loopback_host(e.host)) {
    why = "may use plain http:// only to a loopback address (127.0.0.1, localhost): use https://";
    return std::nullopt;
  }
  // The whole authority must be host[:port] (Boost.URL 1.81 reads "127.0.0.1.example.org" as 127.0.0.1 and the
  // rest as the path).
  if (std::string(u.encoded_authority()) != e.host + (u.has_port() ? ":" + std::string(u.port()) : "") ||
      (!u.encoded_path().empty() && u.encoded_path().front() != '/')) {
    why = "is not a valid URL";
    return std::nullopt;
  }
  e.port = u.has_port() ? std::string(u.port()) : (e.tls ? "443" : "80");
  e.target = std::string(u.encoded_path());
  if (e.target.empty()) e.target = "/";
  if (u.has_query()) e.target += "?" + std::string(u.encoded_query());
  return e;
}

}  // namespace siao::delivery
