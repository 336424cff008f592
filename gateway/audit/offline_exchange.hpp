#pragma once
// One audited exchange run by a command (retention, a redrive), not by the API: through a one-connection pool
// whose batch finisher is the audit trail, so it is recorded, hash-chained and sealed as API exchanges are.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "gateway/audit/exchange.hpp"
#include "gateway/config/config.hpp"

namespace siao::audit {

struct OfflineCall {
  std::string client_id;  // how the command appears in the log ("siao-retention")
  std::string route;      // and what it did ("retention run"), also its target
  std::string body;       // its parameters, as JSON
  std::chrono::milliseconds statement_timeout{5'000};
};

// Runs `work` as that exchange and returns its response (a problem document when it failed: nothing of it stays).
// `after_append`, when set, runs in the same transaction once the record is appended, with its seq.
http::Response run_offline_exchange(const config::Config& cfg, const OfflineCall& call, Exchange::Work work,
                                    const std::function<void(pqxx::transaction_base&, std::int64_t seq)>& after_append = {});

}  // namespace siao::audit
