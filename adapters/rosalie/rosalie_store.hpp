#pragma once
// What the Rosalie adapter keeps or looks up beside the canonical resources, in the exchange's own
// transaction, with prepared statements only: several partner keys in one round trip, and Rosalie's hotel
// bookings (gateway/storage/migrations/0005_rosalie_reservations.sql).
#include <cstdint>
#include <optional>
#include <pqxx/transaction>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/storage/pool.hpp"

namespace siao::adapters::rosalie {

// Prepared on every pooled connection (Adapter::statements).
const std::vector<storage::PreparedStatement>& store_statements();

// Which of `keys` of `partner` name a record of `kind`, and which: (key, SIAO id) pairs, in no order.
std::vector<std::pair<std::string, std::int64_t>> resolve_keys(pqxx::transaction_base& tx, std::string_view partner,
                                                               std::string_view kind,
                                                               const std::vector<std::string>& keys);

// The keys of `partner` naming the records `ids` of `kind`: (SIAO id, key) pairs by id, then key.
std::vector<std::pair<std::int64_t, std::string>> keys_of(pqxx::transaction_base& tx, std::string_view partner,
                                                          std::string_view kind, const std::vector<std::int64_t>& ids);

struct Reservation {
  std::string id;  // idReservation
  std::int64_t request_id = 0;
  std::string hotel;
  std::string start_date, end_date;  // YYYY-MM-DD
  bool extends = false;              // it extended the placement rather than made it
};

// The request a booking of `partner` belongs to, if the booking is known.
std::optional<std::int64_t> reservation_request(pqxx::transaction_base& tx, std::string_view partner,
                                                std::string_view id);

// Records a booking (a concurrent one with the same id fails with a unique violation: a 409).
void add_reservation(pqxx::transaction_base& tx, std::string_view partner, const Reservation& r, std::string_view at,
                     std::string_view by);

}  // namespace siao::adapters::rosalie
