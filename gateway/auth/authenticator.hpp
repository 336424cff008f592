#pragma once
// The one door handlers go through to learn who calls.
#include <memory>

#include "gateway/auth/client.hpp"
#include "gateway/auth/quota.hpp"
#include "gateway/http/message.hpp"

namespace siao::auth {

struct Caller {
  std::shared_ptr<const Client> client;  // null: no credential, or an unknown one (a 401)
  Quota* quota = nullptr;                // the client's, alive as long as `client`
  bool presented = false;                // a credential was presented (a failure worth throttling)
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual Caller authenticate(const http::Request& req) const = 0;
};

}  // namespace siao::auth
