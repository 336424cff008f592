#pragma once
// The change feed's outbox rows (docs/events.md): what the audit finisher writes into `events` for the resource
// versions an exchange wrote, in the audit_append statement itself (gateway/audit/chain.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/audit/exchange.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::events {

// The spec's event type for a version of `kind` written with the change label `change` (gateway/api/v2/versions.hpp
// callers): household.created|updated|merged|closed, person.created|updated|moved|merged,
// request.created|transitioned|merged. Total: a label it does not know gives the kind's ordinary change.
std::string_view event_type(std::string_view kind, std::string_view change);

// An event of one exchange, before its seq: what its version's snapshot says about it.
struct PendingEvent {
  std::string_view type;
  const storage::VersionRow* version;  // one of the exchange's versions(): valid while the exchange is
  std::optional<std::int64_t> into, household;
  std::optional<std::string> territory;  // null for a person whose household the exchange did not write
};

// The events of the versions `ex` wrote: a household it created first, then in the order written. Made before the
// chain head lock is taken, from what each version noted of itself (storage::VersionFacts).
std::vector<PendingEvent> pending_events(const audit::Exchange& ex);

// One JSON object per event, each with its rank `n` (counted on from `n`): the rows the events CTE of
// audit_append reads through kEventRecordset. A null `territory` is taken from the households table there.
void write_event_rows(resources::JsonWriter& w, const std::vector<PendingEvent>& events, std::int64_t exchange_seq,
                      std::int64_t& n);

// The columns of those rows as json_to_recordset reads them (parameter $6 of audit_append).
inline constexpr const char* kEventRecordset =
    "json_to_recordset($6::json) AS e(n bigint, type text, resource text, id bigint, version integer, "
    "at timestamptz, into_id bigint, territory text, household_id bigint, exchange_seq bigint, client_id text)";

// The feed's reads, prepared on every pooled connection (gathered with the audit trail's).
const std::vector<storage::PreparedStatement>& statements();

}  // namespace siao::events
