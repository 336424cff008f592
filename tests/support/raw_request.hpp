#pragma once
// An HTTP/1.1 request written byte by byte, for what HttpClient would refuse to send or would normalise:
// control characters in a header, a raw path, a pipelined burst. Header-only.
#include <string>
#include <utility>
#include <vector>

namespace siao::test {

using RawHeaders = std::vector<std::pair<std::string, std::string>>;

// The request as written: Host first, then `headers` in order (nothing checked or escaped), then
// Content-Length when there is a body or the method carries one.
inline std::string raw_request(const std::string& method, const std::string& target, const RawHeaders& headers = {},
                               const std::string& body = {}) {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return out + "\r\n" + body;
}

inline std::pair<std::string, std::string> bearer(const std::string& key) { return {"Authorization", "Bearer " + key}; }

}  // namespace siao::test
