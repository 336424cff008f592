#pragma once
// What the gateway decides about a request before touching any data: the route, the scope, the content type,
// the request schema, the territory of a creation and the fields written. The same judgement `contract check`
// passes on sample exchanges (gateway/app/contract_check.cpp), made on logged requests: the routes are those
// of a serving gateway, adapters' included, registered over a pool that has no connection and is never called.
#include <memory>
#include <string>
#include <vector>

#include "adapters/registry.hpp"
#include "gateway/api/canonical.hpp"
#include "gateway/auth/client.hpp"
#include "gateway/auth/failure_throttle.hpp"
#include "gateway/http/router.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::json {
class SchemaSet;
}

namespace siao::audit::replay {

struct Verdict {
  int status = 0;  // 0: accepted (it would reach the data)
  std::vector<std::string> pointers;
  std::string text() const;  // "accepted", or "422 /a /b"
};

class Judge {
 public:
  // `schemas`: only for the routes' registration (the judgement takes the record's own set).
  Judge(const json::SchemaSet& schemas, const adapters::Registry& adapter_registry);
  ~Judge();
  Judge(const Judge&) = delete;
  Judge& operator=(const Judge&) = delete;

  // `req`: method, target, headers and body as received. `headers_known`: the record kept the headers (the
  // content type is judged only then).
  Verdict judge(http::Request req, bool headers_known, const auth::Client& client, const json::SchemaSet& schemas) const;

  // A partner's route (v2 resources, adapters' routes), `pattern` as the record keeps it: the gateway's own
  // operations (admin, audit) translate nothing and are not judged.
  bool serves(std::string_view method, std::string_view pattern) const;

 private:
  struct Routes;
  std::unique_ptr<Routes> routes_;
};

}  // namespace siao::audit::replay
