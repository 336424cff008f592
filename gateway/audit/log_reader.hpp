#pragma once
// Reading the exchange log back: records as stored (for verification and
// export), and their sealed fields opened (for auditors, replay, disclosures).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <pqxx/connection>
#include <pqxx/row>
#include <pqxx/transaction_base>

#include "gateway/audit/chain.hpp"
#include "gateway/audit/subject_keys.hpp"

namespace siao::audit {

// One audit_exchanges row, every column as stored (`at` in RFC 3339, as hashed).
struct LoggedRecord {
  std::int64_t seq = 0;
  std::string at, client_id, method, route, target;
  int status = 0;
  std::string request_id, trace_id;
  std::int64_t duration_us = 0;
  std::optional<std::string> request_body;
  std::string response_sha256;
  std::optional<std::string> response_body;
  std::string resources;  // JSON array of {"kind","id","version","written"}
  std::string prev_hash, hash;
  std::optional<std::string> contract_version, contract_sha256, adapter, mapping_version, mapping_sha256;
  std::optional<std::string> subjects, query, headers, canonical, schemas_sha256, gateway_version;

  RecordFields fields() const;  // what record_hash covers
};

// A time as the database gives `at AT TIME ZONE 'UTC'`, as RFC 3339 with milliseconds (what the hash covers).
class RfcTime {
 public:
  std::string_view of(std::string_view t);  // valid while this object lives

 private:
  char text_[24] = {};
};

// The select list that record_from_row reads, in its order: "SELECT " + kRecordColumns + " FROM audit_exchanges ...".
extern const char* const kRecordColumns;
LoggedRecord record_from_row(const pqxx::row& row);

// Records with from <= seq <= to, in seq order, fetched in chunks; `visit` returns false to stop.
void for_each_record(pqxx::transaction_base& tx, std::int64_t from, std::int64_t to,
                     const std::function<bool(LoggedRecord&&)>& visit);
// The same, without copying: each record's columns as views into the fetched rows, valid during `visit`.
struct RecordView {
  RecordFields fields;
  std::string_view prev_hash, hash;
};
void for_each_record_view(pqxx::transaction_base& tx, std::int64_t from, std::int64_t to,
                          const std::function<void(const RecordView&)>& visit);
std::optional<LoggedRecord> load_record(pqxx::transaction_base& tx, std::int64_t seq);

// A record's sealed fields in clear, as far as its subjects' keys remain.
struct OpenedRecord {
  std::optional<std::string> request_body, response_body, query, headers, canonical;  // headers (a JSON object) are never sealed
  bool erased = false;  // a subject's key was erased: the sealed fields are unreadable (left empty)
  std::string target(const LoggedRecord& record) const;  // its path and query, as received
};
OpenedRecord open_record(pqxx::transaction_base& tx, const KeyRing& keys, const LoggedRecord& record);

}  // namespace siao::audit
