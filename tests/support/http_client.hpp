#pragma once
// A blocking HTTP/1.1 client for tests, plain or TLS, with a receive timeout,
// plus raw access to the socket for the malformed and slow cases.
#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace siao::test {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;

  std::string header(const std::string& lower_name) const;
};

struct TlsClientOptions {
  int max_version = 0;        // e.g. TLS1_2_VERSION; 0: library default
  int min_version = 0;
  std::string cert_file;      // a client certificate, optional
  std::string key_file;
};

class HttpClient {
 public:
  explicit HttpClient(int port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  HttpClient(int port, const TlsClientOptions& tls, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult request(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});
  HttpResult get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return request("GET", target, {}, headers);
  }

  // Raw bytes, for what a well-behaved client would never send.
  void send_raw(const std::string& bytes);
  HttpResult read_response(bool head_request = false);
  // Reads until the peer closes or the timeout; true if it closed.
  bool closed_by_peer(std::chrono::milliseconds within);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace siao::test
