#pragma once
// A request's history: the JSON array of the statuses it went through, each with when, by whom and why.
#include <optional>
#include <string>
#include <string_view>

#include "gateway/audit/exchange.hpp"

namespace siao::api::v2 {

// `history` (an array the gateway wrote: "[]" for a new request) with one more entry: `status`, reached now by
// the exchange's client, for `reason` (null when none).
std::string with_history_entry(const std::string& history, std::string_view status, const audit::Exchange& ex,
                               const std::optional<std::string>& reason);

}  // namespace siao::api::v2
