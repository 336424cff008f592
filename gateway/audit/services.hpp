#pragma once
// What the audit routes need besides the API context: the keys that open
// sealed records, the signer of checkpoints, and the configuration.
#include "gateway/audit/crypto.hpp"
#include "gateway/audit/subject_keys.hpp"
#include "gateway/config/config.hpp"

namespace siao::audit {

struct AuditServices {
  const KeyRing& keys;
  const crypto::Signer& signer;
  const config::Config& cfg;
};

}  // namespace siao::audit
