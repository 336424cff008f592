#pragma once
// The v2 operations as canonical commands: what an adapter translates a
// partner's request into. A command runs inside the adapter's own exchange
// (one transaction, one audit record) as the adapter's client, with every v2
// rule: scope, territory, fields, schema, lifecycle.
#include <string>

#include "gateway/audit/exchange.hpp"
#include "gateway/http/router.hpp"

namespace siao::api {

struct Command {
  http::Method method = http::Method::get;
  std::string target;  // "/api/v2/households/90000001"
  std::string body;    // canonical JSON, empty for none
  http::Headers headers;  // besides Content-Type (set by method): If-Match, ...
};

class CanonicalApi {
 public:
  void add(http::Method method, std::string pattern, std::string scope, audit::Exchange::Work work);

  // The v2 answer to `command`. Refusals come back as they would from v2 (an http::HttpError whose
  // pointers point into command.body), for the adapter to translate.
  http::Response execute(pqxx::transaction_base& tx, audit::Exchange& ex, Command command) const;

 private:
  struct Operation {
    std::string scope;
    audit::Exchange::Work work;
  };
  http::Router router_;  // matching only: its n-th route is operations_[n]
  std::vector<Operation> operations_;
};

}  // namespace siao::api
