#pragma once
// A client contract as loaded from its file: the Client that handlers see,
// plus what only the gateway's edges need (credentials, quota, adapter, samples).
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/auth/client.hpp"
#include "gateway/auth/key_hash.hpp"
#include "gateway/auth/quota.hpp"

namespace siao::contracts {

struct AdapterChoice {
  std::string name;             // "generic", "rosalie", "declarative", ...
  std::string mapping;          // a mapping file, resolved against the contract's directory; empty: none
  std::string mapping_version;
};

struct Outbound {
  std::string endpoint;
  std::vector<std::string> events;
};

struct Contract {
  auth::Client client;
  std::string name;
  std::filesystem::path file;  // as loaded, for messages
  std::string source;          // the file's bytes: every version is archived
  std::vector<auth::KeyHash> keys;
  std::vector<std::string> certificates;  // SHA-256 fingerprints, lower-case hex
  AdapterChoice adapter;
  auth::QuotaLimits quota_limits;
  std::optional<Outbound> outbound;
  std::vector<std::filesystem::path> samples;  // resolved against the contract's directory

  // Runtime state shared across reloads of the same client id (a reload never refills a bucket).
  std::shared_ptr<auth::Quota> quota;
};

}  // namespace siao::contracts
