#pragma once
// Retention, the right to be forgotten: the households without activity for
// audit.retention_days are found, their persons' audit keys erased (their data
// in the exchange log becomes unreadable) and their live records anonymised,
// snapshots of history included. What counts as activity, and what is erased
// and kept, is in docs/audit/retention.md.
//
// A run is three steps, all in one transaction:
//   find_inactive   what would be forgotten now (reads only; a dry run stops here)
//   anonymise       locks, checks again, rewrites the records (the run's audited exchange does this)
//   erase_keys      once the run's own record is appended and sealed: erases the keys, under its seq
#include <cstdint>
#include <pqxx/transaction_base>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace siao::audit {

class Exchange;

struct RetentionPolicy {
  int retention_days = 730;
  int idempotency_retention_hours = 48;  // Idempotency-Key answers older than this go too
};

struct RetainedRecord {
  std::int64_t id = 0;
  int version = 0;
};

struct ForgottenHousehold {
  RetainedRecord household;
  std::string last_activity;             // RFC 3339 with microseconds: the newest version of it or of what it holds
  std::vector<RetainedRecord> persons;   // every person whose household it is (merged ones too), in id order
  std::vector<RetainedRecord> requests;  // every request of it, in id order
};

struct RetentionReport {
  bool dry_run = true;
  int retention_days = 0;
  std::string cutoff;  // RFC 3339: the households listed had no activity since before this time
  std::vector<ForgottenHousehold> households;
  std::vector<std::string> person_keys, period_keys;  // audit keys that exist and go (subjects)
  std::int64_t snapshots_anonymised = 0;
  std::int64_t idempotency_answers_deleted = 0;
  // Records written before sealing (migration 0007) that name a forgotten record: stored in clear, the chain
  // covers them as they are, and retention cannot change them (docs/audit/retention.md says what to do).
  std::int64_t clear_records = 0;
  std::int64_t seq = 0;  // the run's own exchange in the log (0: none, a dry run)
  int person_keys_erased = 0, period_keys_erased = 0;

  std::size_t person_count() const;
  std::size_t request_count() const;
  std::string to_json() const;  // the body of the run's exchange
  std::string to_text() const;  // what the CLI prints
};

// What a run would forget now: households, their persons and requests, the keys that exist. Reads only.
RetentionReport find_inactive(pqxx::transaction_base& tx, const RetentionPolicy& policy);

// Locks the households found (then their persons and requests), keeps those still inactive, and anonymises
// their persons and requests, live rows and every version's snapshot, their persons' match keys, and deletes
// the Idempotency-Key answers that name them or are past their own retention. Names every record in `ex`.
void anonymise(pqxx::transaction_base& tx, RetentionReport& report, const RetentionPolicy& policy, Exchange& ex);

// Erases the keys of the forgotten persons and of the months past the retention, recording each erasure under
// `seq` (the run's exchange), and marks the households forgotten. Run after the exchange's record is appended:
// that record is sealed under the keys of the persons it names, which exist until now.
void erase_keys(pqxx::transaction_base& tx, RetentionReport& report, std::int64_t seq);

// The anonymised form of a version's snapshot (JSON text, member order kept). A person loses every field but
// its ids, role, status, version and dates; `persons` are the persons to anonymise inside a household's
// members (all of them when `whole_household`); a request loses its free text (reasons, exit reason).
std::string anonymised_snapshot(std::string_view kind, std::string_view snapshot, const std::set<std::int64_t>& persons,
                                bool whole_household);

// What replaces the names, which may not be empty; the only match key of an anonymised person, which no query
// produces: no duplicate search finds them, and the backfill of match keys leaves them alone.
inline constexpr std::string_view kErasedName = "ERASED";
inline constexpr std::string_view kErasedMatchKey = "erased";

}  // namespace siao::audit
