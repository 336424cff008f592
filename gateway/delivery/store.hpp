#pragma once
// The deliveries table (migration 0010): fan-out of new events to a subscriber, claims under a lease, outcomes,
// the back-office's list and redrive, and the figures /metrics shows. Every statement parameterised.
#include <cstdint>
#include <optional>
#include <pqxx/transaction_base>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"

namespace siao::delivery {

struct Subscription {
  std::string subscriber;
  std::vector<std::string> events;                      // empty: every type
  std::optional<std::vector<std::string>> territories;  // nullopt: every territory
};

// Under the subscriber's cursor lock: moves the head mark of households whose head is no longer pending to their
// next pending delivery, then adds a delivery for each event after the cursor that the subscriber wants and may see,
// at most `limit` events looked at; returns how many were added. Nothing when another instance holds the lock.
std::int64_t fan_out(pqxx::transaction_base& tx, const Subscription& s, int limit);

struct Claimed {
  std::int64_t id = 0;
  int attempts = 0;  // before this one
  adapters::OutboundEvent event;
  std::string at;  // the event's time, RFC 3339
};

// Up to `limit` due heads of the subscriber (a head: the oldest pending delivery of its household), not leased by
// another instance: leased to `instance` for `lease_seconds` (FOR UPDATE SKIP LOCKED: instances never wait on each
// other, and never claim the same one).
std::vector<Claimed> claim(pqxx::transaction_base& tx, const std::string& subscriber, int limit,
                           const std::string& instance, int lease_seconds);

struct Outcome {
  bool delivered = false;
  bool skipped = false;    // nothing to send to this partner
  int status = 0;          // the partner's, 0 for none
  std::string error;       // short, without personal data
  std::int64_t retry_in_ms = 0;
  int max_age_seconds = 0;
};
// Records the attempt; a failure is retried in retry_in_ms, or dead once the retry window is over. Returns the
// state the delivery is in now.
std::string record_outcome(pqxx::transaction_base& tx, std::int64_t id, const Outcome& o);

// Gives a claimed delivery back (the worker is stopping, or could not even try).
void release(pqxx::transaction_base& tx, std::int64_t id, std::int64_t retry_in_ms);

struct DeliveryRow {
  std::int64_t id = 0;
  std::string subscriber, state, type, resource;
  std::int64_t seq = 0, resource_id = 0, household_id = 0;
  int attempts = 0;
  std::optional<int> last_status;
  std::string last_error, created_at, last_attempt_at, next_attempt_at, delivered_at;
};
std::vector<DeliveryRow> list(pqxx::transaction_base& tx, const std::optional<std::string>& state,
                              const std::optional<std::string>& subscriber, std::int64_t after, int limit);
std::string to_json(const DeliveryRow& r);

// Dead deliveries made pending again, with a new retry window: one by id, or every dead one of a subscriber.
// Returns the ids redriven.
std::vector<std::int64_t> redrive(pqxx::transaction_base& tx, std::optional<std::int64_t> id,
                                  const std::optional<std::string>& subscriber);

// Deletes the delivered and skipped deliveries older than `keep_days` (their audit records stay); returns how many.
std::int64_t purge(pqxx::transaction_base& tx, int keep_days);

struct PendingFigures {
  std::string subscriber;
  std::int64_t pending = 0, dead = 0;
  double oldest_pending_seconds = 0;
};
std::vector<PendingFigures> figures(pqxx::transaction_base& tx);

}  // namespace siao::delivery
