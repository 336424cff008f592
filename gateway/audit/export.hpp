#pragma once
// An export of part of the log, as NDJSON that verifies on its own: a header
// line, the signed checkpoints that anchor and cover it, then the records as
// stored (sealed fields stay sealed), then a checkpoint signed at export time
// for its last record when none existed.
#include <cstdint>
#include <istream>
#include <ostream>
#include <string>

#include "gateway/audit/crypto.hpp"
#include "gateway/audit/verify.hpp"

namespace siao::audit {

struct ExportSummary {
  std::int64_t first_seq = 0, last_seq = 0, records = 0, checkpoints = 0;
  VerifyResult verified;  // the range as read from the database; nothing is signed unless it verified
};

// Records from the first with at >= from to the last with at <= to (RFC 3339), every one between in seq order.
ExportSummary export_log(pqxx::transaction_base& tx, const crypto::Signer& signer, const std::string& from,
                         const std::string& to, std::ostream& out);

VerifyResult verify_export(std::istream& in, const std::string& trusted_public_key_hex);

}  // namespace siao::audit
