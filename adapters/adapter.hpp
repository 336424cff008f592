#pragma once
// An adapter stands between a partner's format and SIAO's canonical model (the
// v2 API): it serves the partner's routes, translates each request into
// canonical commands, and each canonical answer back. A contract names the
// adapter its client speaks through; the core never names a concrete one.
#include <cstdint>
#include <memory>
#include <optional>
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

// A change to deliver to a subscriber (gateway/delivery): one row of the events table.
struct OutboundEvent {
  std::int64_t seq = 0;
  std::string type;      // household.updated, person.moved, request.transitioned...
  std::string resource;  // household | person | request
  std::int64_t id = 0;
  int version = 0;
  std::int64_t household_id = 0;
  std::optional<std::int64_t> into_id;  // *.merged: the survivor
};

// What a subscriber receives about an event, in its format: `member` names the rendered resource in the payload's
// data ("object" for v2, "famille" or "demande" for Rosalie), `json` is it; an empty member sends the event alone.
// `send` false: the partner has nothing to learn from it (Rosalie holds no key for the household).
struct OutboundRendering {
  bool send = true;
  std::string member;
  std::string json;
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
  // The changed resource as the subscriber `ex.client()` reads it, for outbound delivery; `ex` is a read-only
  // exchange of that client (its scopes, territories and field rules apply), `tx` a read transaction. By
  // default: the event alone, without the resource.
  virtual OutboundRendering render_outbound(pqxx::transaction_base&, audit::Exchange&, const OutboundEvent&) const {
    return {};
  }
  // The prepared statements its routes run (work inside batch transactions uses prepared statements only):
  // prepared on every pooled connection with the core's own.
  virtual const std::vector<storage::PreparedStatement>& statements() const {
    static const std::vector<storage::PreparedStatement> none;
    return none;
  }
};

}  // namespace siao::adapters
