#pragma once
// A minimal HTTP/1.1 client for the CLI's calls to a running gateway's admin endpoints.
#include <string>

namespace siao::app {

struct AdminAnswer {
  int status = 0;
  std::string body;
};

// POSTs an empty JSON object to `url` (http://host:port/path) with the bearer `key`. Throws std::runtime_error
// when the gateway cannot be reached.
AdminAnswer admin_post(const std::string& url, const std::string& key);

}  // namespace siao::app
