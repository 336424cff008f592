#pragma once
// The one door handlers go through to learn who calls. Contracts plug in
// behind it without any handler changing.
#include <memory>
#include <string>

#include "gateway/auth/client.hpp"
#include "gateway/http/message.hpp"

namespace siao::auth {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // The client the request's credentials prove, or null (a 401).
  virtual const Client* authenticate(const http::Request& req) const = 0;
};

// Until contracts exist: `siao-backoffice`, every scope and territory, with the
// key given (from SIAO_KEY_SIAO_BACKOFFICE). An empty key admits nobody.
std::unique_ptr<Authenticator> development_authenticator(std::string backoffice_key);

// Constant-time comparison of two secrets of any length.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace siao::auth
