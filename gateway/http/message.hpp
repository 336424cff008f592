#pragma once
// The gateway's own request and response: what a handler sees, free of Beast,
// so that handlers, adapters and their tests never compile the HTTP stack.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace siao::http {

enum class Method : std::uint8_t { get, head, post, put, patch, del, options, other };

std::string_view method_name(Method m);
Method parse_method(std::string_view name);

// Header names are stored lower-cased; lookups are by lower-case name.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::other;
  std::string target;                 // as received: path and query
  std::vector<std::string> segments;  // path segments, percent-decoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::string body;

  // Set by the connection.
  std::string remote_address;
  std::string client_cert_sha256;  // lower-case hex, empty without a client certificate
  bool tls = false;
  std::string request_id;
  std::string trace_id;

  // Set by the router.
  std::string_view route;  // the matched pattern, for metrics and logs
  std::vector<std::pair<std::string_view, std::string>> path_params;

  // Set by authentication.
  std::string client_id;

  // Set only by `audit replay rebuild` (gateway/audit/replay/rebuild.cpp): the time the replayed exchange was
  // recorded at, which its audited exchange reads as its clock (audit::Exchange::now) instead of the system's.
  std::optional<std::chrono::system_clock::time_point> replayed_at;

  std::optional<std::string_view> header(std::string_view lower_name) const;
  std::optional<std::string_view> query_param(std::string_view name) const;
  std::string_view path_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;

  Response& set(std::string name, std::string value);
};

}  // namespace siao::http
