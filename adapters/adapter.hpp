#pragma once
// An adapter stands between a partner's format and SIAO's canonical model (the
// v2 API): it serves the partner's routes, translates each request into
// canonical commands, and each canonical answer back. A contract names the
// adapter its client speaks through; the core never names a concrete one.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/api/canonical.hpp"
#include "gateway/api/exchange_route.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::adapters {

struct AdapterContext {
  const api::ApiContext& api;         // pool, authentication, schemas
  const api::CanonicalApi& canonical;  // the v2 operations, as commands
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual std::string_view name() const = 0;
  // The partner's own routes (generic has none: it is v2 itself). Only contracts naming this adapter may
  // call them.
  virtual void register_routes(http::Router& router, const AdapterContext& ctx) = 0;
  // What this adapter finds wrong with a contract that names it, once its mapping is loaded: each problem
  // "/pointer: message", into the mapping file when the contract names one, else into the contract. Checked
  // when contracts load, so that a contract it cannot serve is refused there, not on its first call.
  virtual std::vector<std::string> check(const auth::Client&) const { return {}; }
  // The prepared statements its routes run (work inside batch transactions uses prepared statements only):
  // prepared on every pooled connection with the core's own.
  virtual const std::vector<storage::PreparedStatement>& statements() const {
    static const std::vector<storage::PreparedStatement> none;
    return none;
  }
};

}  // namespace siao::adapters
