#include "gateway/delivery/store.hpp"

#include <algorithm>
#include <pqxx/pqxx>

#include "gateway/resources/json_out.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::delivery {

namespace {

std::optional<std::string> json_list(const std::vector<std::string>& values) {
  if (values.empty()) return std::nullopt;
  return storage::json_string_array(values);
}

std::string text(const pqxx::field& f) { return f.is_null() ? std::string() : f.as<std::string>(); }

}  // namespace

namespace {

// Heads whose turn is over (delivered, skipped or dead) lose their mark; the earliest pending delivery of each of
// their households gets it. One statement, each household looked up by the pending index (LATERAL ... LIMIT 1 keeps
// the lookup per household, whatever the table's statistics say).
void move_heads_on(pqxx::transaction_base& tx, const std::string& subscriber) {
  tx.exec_params(
      "WITH done AS (UPDATE deliveries SET head = false WHERE subscriber = $1 AND head AND state <> 'pending' "
      "              RETURNING household_id), "
      "next AS (SELECT n.id FROM (SELECT DISTINCT household_id FROM done) h CROSS JOIN LATERAL "
      "          (SELECT p.id FROM deliveries p WHERE p.subscriber = $1 AND p.household_id = h.household_id "
      "           AND p.state = 'pending' ORDER BY p.event_seq LIMIT 1) n) "
      "UPDATE deliveries d SET head = true FROM next WHERE d.id = next.id AND NOT d.head",
      subscriber);
}

}  // namespace

std::int64_t fan_out(pqxx::transaction_base& tx, const Subscription& s, int limit) {
  tx.exec_params("INSERT INTO delivery_cursors (subscriber) VALUES ($1) ON CONFLICT DO NOTHING", s.subscriber);
  auto cursor = tx.exec_params("SELECT last_seq FROM delivery_cursors WHERE subscriber = $1 FOR UPDATE SKIP LOCKED",
                               s.subscriber);
  if (cursor.empty()) return 0;  // another instance is at it
  move_heads_on(tx, s.subscriber);
  const auto last = cursor[0][0].as<std::int64_t>();
  const auto types = json_list(s.events);
  const auto territories = s.territories ? std::optional<std::string>(storage::json_string_array(*s.territories))
                                         : std::nullopt;
  // Events commit in seq order (their seq is taken under the audit chain's head lock): nothing below the cursor
  // can appear later. A new delivery is its household's head when it is the household's first in this batch and
  // the household has nothing pending (the cursor lock keeps move_heads_on of another instance out meanwhile).
  auto r = tx.exec_params1(
      "WITH batch AS (SELECT seq, type, territory, household_id FROM events WHERE seq > $2 ORDER BY seq LIMIT $3), "
      "wanted AS (SELECT b.seq, b.household_id, row_number() OVER (PARTITION BY b.household_id ORDER BY b.seq) AS nth "
      "  FROM batch b "
      "  WHERE ($4::json IS NULL OR b.type IN (SELECT json_array_elements_text($4::json))) "
      "    AND ($5::json IS NULL OR b.territory IN (SELECT json_array_elements_text($5::json)))), "
      "added AS (INSERT INTO deliveries (subscriber, event_seq, household_id, head) "
      "  SELECT $1, w.seq, w.household_id, w.nth = 1 AND busy.one IS NULL FROM wanted w "
      "  LEFT JOIN LATERAL (SELECT 1 AS one FROM deliveries p WHERE w.nth = 1 AND p.subscriber = $1 "
      "                     AND p.household_id = w.household_id AND p.state = 'pending' LIMIT 1) busy ON true "
      "  ON CONFLICT (subscriber, event_seq) DO NOTHING RETURNING 1) "
      "SELECT (SELECT max(seq) FROM batch), (SELECT count(*) FROM added)",
      s.subscriber, last, limit, types, territories);
  if (r[0].is_null()) return 0;
  tx.exec_params("UPDATE delivery_cursors SET last_seq = $2 WHERE subscriber = $1", s.subscriber,
                 r[0].as<std::int64_t>());
  return r[1].as<std::int64_t>();
}

std::vector<Claimed> claim(pqxx::transaction_base& tx, const std::string& subscriber, int limit,
                           const std::string& instance, int lease_seconds) {
  // Heads only: each is the oldest pending delivery of its household, so the walk is as long as the batch (plus
  // the heads in flight), whatever the backlog behind them.
  auto rows = tx.exec_params(
      "WITH c AS ("
      " SELECT d.id FROM deliveries d"
      " WHERE d.subscriber = $1 AND d.state = 'pending' AND d.head AND d.next_attempt_at <= now()"
      "   AND (d.locked_until IS NULL OR d.locked_until < now())"
      " ORDER BY d.next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) "
      "UPDATE deliveries d SET locked_by = $3, locked_until = now() + make_interval(secs => $4) "
      "FROM c, events ev WHERE d.id = c.id AND ev.seq = d.event_seq "
      "RETURNING d.id, d.attempts, ev.seq, ev.type, ev.resource, ev.id, ev.version, rfc3339(ev.at), ev.into_id, "
      "ev.household_id",
      subscriber, limit, instance, lease_seconds);
  std::vector<Claimed> out;
  for (const auto& row : rows) {
    Claimed c;
    c.id = row[0].as<std::int64_t>();
    c.attempts = row[1].as<int>();
    c.event.seq = row[2].as<std::int64_t>();
    c.event.type = row[3].as<std::string>();
    c.event.resource = row[4].as<std::string>();
    c.event.id = row[5].as<std::int64_t>();
    c.event.version = row[6].as<int>();
    c.at = row[7].as<std::string>();
    if (!row[8].is_null()) c.event.into_id = row[8].as<std::int64_t>();
    c.event.household_id = row[9].as<std::int64_t>();
    out.push_back(std::move(c));
  }
  // The order they were asked for: by event.
  std::sort(out.begin(), out.end(), [](const Claimed& a, const Claimed& b) { return a.event.seq < b.event.seq; });
  return out;
}

std::string record_outcome(pqxx::transaction_base& tx, std::int64_t id, const Outcome& o) {
  const std::optional<int> status = o.status > 0 ? std::optional<int>(o.status) : std::nullopt;
  const std::optional<std::string> error = o.error.empty() ? std::nullopt : std::optional<std::string>(o.error);
  if (o.delivered || o.skipped)
    return tx
        .exec_params1("UPDATE deliveries SET state = $2, attempts = attempts + $3, last_status = $4, last_error = NULL, "
                      "last_attempt_at = now(), delivered_at = CASE WHEN $2 = 'delivered' THEN now() END, "
                      "locked_by = NULL, locked_until = NULL WHERE id = $1 RETURNING state",
                      id, o.delivered ? "delivered" : "skipped", o.delivered ? 1 : 0, status)[0]
        .as<std::string>();
  return tx
      .exec_params1(
          "UPDATE deliveries SET attempts = attempts + 1, last_status = $2, last_error = $3, last_attempt_at = now(), "
          "state = CASE WHEN now() >= retry_since + make_interval(secs => $5) THEN 'dead' ELSE 'pending' END, "
          "next_attempt_at = now() + make_interval(secs => $4::double precision / 1000), "
          "locked_by = NULL, locked_until = NULL WHERE id = $1 RETURNING state",
          id, status, error, o.retry_in_ms, o.max_age_seconds)[0]
      .as<std::string>();
}

void release(pqxx::transaction_base& tx, std::int64_t id, std::int64_t retry_in_ms) {
  tx.exec_params("UPDATE deliveries SET locked_by = NULL, locked_until = NULL, "
                 "next_attempt_at = now() + make_interval(secs => $2::double precision / 1000) WHERE id = $1",
                 id, retry_in_ms);
}

std::vector<DeliveryRow> list(pqxx::transaction_base& tx, const std::optional<std::string>& state,
                              const std::optional<std::string>& subscriber, std::int64_t after, int limit) {
  std::vector<DeliveryRow> out;
  for (const auto& row : tx.exec_params(
           "SELECT d.id, d.subscriber, d.state, ev.type, ev.resource, d.event_seq, ev.id, d.household_id, d.attempts, "
           "d.last_status, d.last_error, rfc3339(d.created_at), rfc3339(d.last_attempt_at), "
           "rfc3339(d.next_attempt_at), rfc3339(d.delivered_at) "
           "FROM deliveries d JOIN events ev ON ev.seq = d.event_seq "
           "WHERE ($1::text IS NULL OR d.state = $1) AND ($2::text IS NULL OR d.subscriber = $2) AND d.id > $3 "
           "ORDER BY d.id LIMIT $4",
           state, subscriber, after, limit)) {
    DeliveryRow r;
    r.id = row[0].as<std::int64_t>();
    r.subscriber = row[1].as<std::string>();
    r.state = row[2].as<std::string>();
    r.type = row[3].as<std::string>();
    r.resource = row[4].as<std::string>();
    r.seq = row[5].as<std::int64_t>();
    r.resource_id = row[6].as<std::int64_t>();
    r.household_id = row[7].as<std::int64_t>();
    r.attempts = row[8].as<int>();
    if (!row[9].is_null()) r.last_status = row[9].as<int>();
    r.last_error = text(row[10]);
    r.created_at = text(row[11]);
    r.last_attempt_at = text(row[12]);
    r.next_attempt_at = text(row[13]);
    r.delivered_at = text(row[14]);
    out.push_back(std::move(r));
  }
  return out;
}

std::string to_json(const DeliveryRow& r) {
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "id", std::to_string(r.id));
    resources::put(w, "subscriber", r.subscriber);
    resources::put(w, "state", r.state);
    resources::put(w, "event", std::to_string(r.seq));
    resources::put(w, "type", r.type);
    resources::put(w, "resource", r.resource);
    resources::put_id(w, "resourceId", r.resource_id);
    resources::put_id(w, "householdId", r.household_id);
    resources::put(w, "attempts");
    w.Int(r.attempts);
    resources::put(w, "lastStatus");
    if (r.last_status) w.Int(*r.last_status);
    else w.Null();
    auto optional_text = [&](const char* name, const std::string& value) {
      resources::put(w, name);
      if (value.empty()) w.Null();
      else w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    };
    optional_text("lastError", r.last_error);
    optional_text("createdAt", r.created_at);
    optional_text("lastAttemptAt", r.last_attempt_at);
    optional_text("nextAttemptAt", r.state == "pending" ? r.next_attempt_at : std::string());
    optional_text("deliveredAt", r.delivered_at);
    w.EndObject();
  });
}

std::vector<std::int64_t> redrive(pqxx::transaction_base& tx, std::optional<std::int64_t> id,
                                  const std::optional<std::string>& subscriber) {
  // The cursor locks of the subscribers concerned, in one order (two redrives never wait on each other in a
  // circle): the head marks change below, and fan-outs and move_heads_on change them only under the same lock.
  std::vector<std::string> locked;
  for (const auto& row : tx.exec_params(
           "SELECT c.subscriber FROM delivery_cursors c WHERE c.subscriber IN "
           "  (SELECT DISTINCT subscriber FROM deliveries WHERE state = 'dead' "
           "   AND ($1::bigint IS NULL OR id = $1) AND ($2::text IS NULL OR subscriber = $2)) "
           "ORDER BY c.subscriber FOR UPDATE",
           id, subscriber))
    locked.push_back(row[0].as<std::string>());
  if (locked.empty()) return {};
  const auto subscribers = storage::json_string_array(locked);
  std::vector<std::int64_t> out;
  for (const auto& row : tx.exec_params(
           "UPDATE deliveries SET state = 'pending', attempts = 0, retry_since = now(), next_attempt_at = now(), "
           "last_error = NULL, locked_by = NULL, locked_until = NULL, head = false "
           "WHERE state = 'dead' AND ($1::bigint IS NULL OR id = $1) AND ($2::text IS NULL OR subscriber = $2) "
           "  AND subscriber IN (SELECT json_array_elements_text($3::json)) "
           "RETURNING id",
           id, subscriber, subscribers))
    out.push_back(row[0].as<std::int64_t>());
  std::sort(out.begin(), out.end());
  if (out.empty()) return out;
  // A redriven event goes before any later one of its household not yet sent: in each household concerned, the
  // earliest pending delivery becomes the only head, unless a head is in flight (it cannot be called back: the
  // mark moves on to the earliest pending one when its attempt ends).
  std::vector<std::string> ids;
  ids.reserve(out.size());
  for (auto i : out) ids.push_back(std::to_string(i));
  const auto redriven = storage::json_string_array(ids);
  const std::string households =
      "WITH h AS (SELECT DISTINCT subscriber, household_id FROM deliveries "
      "           WHERE id IN (SELECT json_array_elements_text($1::json)::bigint)) ";
  tx.exec_params(households +
                     "UPDATE deliveries d SET head = false FROM h WHERE d.subscriber = h.subscriber "
                     "AND d.household_id = h.household_id AND d.state = 'pending' AND d.head "
                     "AND (d.locked_until IS NULL OR d.locked_until < now())",
                 redriven);
  tx.exec_params(households +
                     "UPDATE deliveries d SET head = true FROM h CROSS JOIN LATERAL "
                     "  (SELECT p.id FROM deliveries p WHERE p.subscriber = h.subscriber "
                     "   AND p.household_id = h.household_id AND p.state = 'pending' ORDER BY p.event_seq LIMIT 1) n "
                     "WHERE d.id = n.id AND NOT EXISTS (SELECT 1 FROM deliveries q WHERE q.subscriber = h.subscriber "
                     "  AND q.household_id = h.household_id AND q.state = 'pending' AND q.head)",
                 redriven);
  return out;
}

std::int64_t purge(pqxx::transaction_base& tx, int keep_days) {
  // The cursor, not these rows, says what was fanned out: nothing purged comes back.
  // A head whose mark has not moved on yet stays: the next step needs it to find its household.
  const auto purged =
      tx.exec_params("DELETE FROM deliveries WHERE state IN ('delivered', 'skipped') AND NOT head "
                     "AND coalesce(delivered_at, last_attempt_at, created_at) < now() - make_interval(days => $1)",
                     keep_days);
  return static_cast<std::int64_t>(purged.affected_rows());
}

std::vector<PendingFigures> figures(pqxx::transaction_base& tx) {
  std::vector<PendingFigures> out;
  for (const auto& row : tx.exec(
           "SELECT subscriber, count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'dead'), "
           "coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE state = 'pending')), 0)::float8 "
           "FROM deliveries WHERE state IN ('pending', 'dead') GROUP BY subscriber ORDER BY subscriber"))
    out.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(), row[3].as<double>()});
  return out;
}

}  // namespace siao::delivery
