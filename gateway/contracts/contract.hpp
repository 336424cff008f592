#pragma once
// A client contract as loaded from its file: the Client that handlers see
// (its adapter and mapping included), plus what only the gateway's edges need
// (credentials, quota, samples).
#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/auth/client.hpp"
#include "gateway/auth/key_hash.hpp"
#include "gateway/auth/quota.hpp"

namespace siao::contracts {

// An outbound subscription (docs/delivery.md): the events the partner wants, sent to its endpoint, signed with its
// secret, rendered by its adapter.
struct Outbound {
  std::string endpoint;             // https://..., or http:// on loopback only (tests)
  std::vector<std::string> events;  // event types ("household.updated"); empty: every type
  std::string secret;               // signing secret, read at load time (never logged)

  bool wants(std::string_view type) const {
    return events.empty() || std::find(events.begin(), events.end(), type) != events.end();
  }
};

struct Contract {
  auth::Client client;
  std::string name;
  std::filesystem::path file;  // as loaded, for messages
  std::string source;          // the file's bytes: every version is archived
  std::vector<auth::KeyHash> keys;
  std::vector<std::string> certificates;  // SHA-256 fingerprints, lower-case hex
  auth::QuotaLimits quota_limits;
  std::optional<Outbound> outbound;
  std::vector<std::filesystem::path> samples;  // resolved against the contract's directory

  // Runtime state shared across reloads of the same client id (a reload never refills a bucket).
  std::shared_ptr<auth::Quota> quota;
};

}  // namespace siao::contracts
