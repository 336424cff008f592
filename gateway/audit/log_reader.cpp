#include "gateway/audit/log_reader.hpp"

#include <algorithm>
#include <cstring>
#include <pqxx/pqxx>

#include "gateway/audit/sealing.hpp"

namespace siao::audit {

namespace {

std::optional<std::string> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return std::string(f.c_str(), f.size());
}
std::string str(const pqxx::field& f) { return std::string(f.c_str(), f.size()); }
std::string_view sv(const pqxx::field& f) { return std::string_view(f.c_str(), f.size()); }
std::optional<std::string_view> nullable(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return sv(f);
}

std::optional<std::string_view> view(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return std::string_view(*s);
}

constexpr std::int64_t kChunk = 5000;

}  // namespace

// `at` as a UTC timestamp (ISO output, cheap for the server) turned into RFC 3339 here, as the hash covers it.
const char* const kRecordColumns =
    "seq, at AT TIME ZONE 'UTC', client_id, method, route, target, status, request_id, trace_id, duration_us, request_body, "
    "response_sha256, response_body, resources::text, prev_hash, hash, contract_version, contract_sha256, adapter, "
    "mapping_version, mapping_sha256, subjects, query, headers, canonical, schemas_sha256, gateway_version";

std::string_view RfcTime::of(std::string_view t) {
  // "YYYY-MM-DD HH:MM:SS" and an optional fraction of 1 to 6 digits: milliseconds kept, as written.
  if (t.size() < 19 || t[10] != ' ' || t[4] != '-' || t[13] != ':' || (t.size() > 19 && t[19] != '.') || t.size() > 26)
    throw std::runtime_error("audit record: unexpected time text (DateStyle must be ISO): " + std::string(t));
  std::memcpy(text_, t.data(), 19);
  text_[10] = 'T';
  text_[19] = '.';
  for (std::size_t i = 0; i < 3; ++i) text_[20 + i] = 20 + i < t.size() ? t[20 + i] : '0';
  text_[23] = 'Z';
  return {text_, 24};
}

LoggedRecord record_from_row(const pqxx::row& r) {
  LoggedRecord x;
  x.seq = r[0].as<std::int64_t>();
  RfcTime at;
  x.at = at.of(sv(r[1]));
  x.client_id = str(r[2]);
  x.method = str(r[3]);
  x.route = str(r[4]);
  x.target = str(r[5]);
  x.status = r[6].as<int>();
  x.request_id = str(r[7]);
  x.trace_id = str(r[8]);
  x.duration_us = r[9].as<std::int64_t>();
  x.request_body = opt(r[10]);
  x.response_sha256 = str(r[11]);
  x.response_body = opt(r[12]);
  x.resources = str(r[13]);
  x.prev_hash = str(r[14]);
  x.hash = str(r[15]);
  x.contract_version = opt(r[16]);
  x.contract_sha256 = opt(r[17]);
  x.adapter = opt(r[18]);
  x.mapping_version = opt(r[19]);
  x.mapping_sha256 = opt(r[20]);
  x.subjects = opt(r[21]);
  x.query = opt(r[22]);
  x.headers = opt(r[23]);
  x.canonical = opt(r[24]);
  x.schemas_sha256 = opt(r[25]);
  x.gateway_version = opt(r[26]);
  return x;
}

RecordFields LoggedRecord::fields() const {
  return {seq,
          at,
          client_id,
          method,
          route,
          target,
          status,
          request_id,
          trace_id,
          duration_us,
          view(request_body),
          response_sha256,
          view(response_body),
          resources,
          view(contract_version),
          view(contract_sha256),
          view(adapter),
          view(mapping_version),
          view(mapping_sha256),
          view(subjects),
          view(query),
          view(headers),
          view(canonical),
          view(schemas_sha256),
          view(gateway_version)};
}

namespace {

// Records with from <= seq <= to, a chunk of rows at a time; `visit` returns false to stop. Ranges of seq, not
// LIMIT: seq is dense, so each chunk is one index range scan, whatever the statistics say.
void for_each_chunk(pqxx::transaction_base& tx, std::int64_t from, std::int64_t to,
                    const std::function<bool(const pqxx::row&)>& visit) {
  const std::string sql = std::string("SELECT ") + kRecordColumns +
                          " FROM audit_exchanges WHERE seq >= $1 AND seq < $2 ORDER BY seq";
  auto last = tx.exec1("SELECT coalesce(max(seq), 0) FROM audit_exchanges")[0].as<std::int64_t>();
  to = std::min(to, last);
  for (auto next = std::max<std::int64_t>(from, 1); next <= to; next += kChunk) {
    auto end = std::min(to + 1, next + kChunk);
    for (const auto& row : tx.exec_params(sql, next, end))
      if (!visit(row)) return;
  }
}

}  // namespace

void for_each_record(pqxx::transaction_base& tx, std::int64_t from, std::int64_t to,
                     const std::function<bool(LoggedRecord&&)>& visit) {
  for_each_chunk(tx, from, to, [&](const pqxx::row& row) { return visit(record_from_row(row)); });
}

void for_each_record_view(pqxx::transaction_base& tx, std::int64_t from, std::int64_t to,
                          const std::function<void(const RecordView&)>& visit) {
  for_each_chunk(tx, from, to, [&](const pqxx::row& r) {
    RfcTime at;
    visit({{r[0].as<std::int64_t>(), at.of(sv(r[1])), sv(r[2]), sv(r[3]), sv(r[4]), sv(r[5]), r[6].as<int>(), sv(r[7]),
            sv(r[8]), r[9].as<std::int64_t>(), nullable(r[10]), sv(r[11]), nullable(r[12]), sv(r[13]),
            nullable(r[16]), nullable(r[17]), nullable(r[18]), nullable(r[19]), nullable(r[20]), nullable(r[21]),
            nullable(r[22]), nullable(r[23]), nullable(r[24]), nullable(r[25]), nullable(r[26])},
           sv(r[14]),
           sv(r[15])});
    return true;
  });
}

std::optional<LoggedRecord> load_record(pqxx::transaction_base& tx, std::int64_t seq) {
  auto rows = tx.exec_params(std::string("SELECT ") + kRecordColumns + " FROM audit_exchanges WHERE seq = $1", seq);
  if (rows.empty()) return std::nullopt;
  return record_from_row(rows[0]);
}

std::string OpenedRecord::target(const LoggedRecord& record) const {
  return query ? record.target + "?" + *query : record.target;
}

OpenedRecord open_record(pqxx::transaction_base& tx, const KeyRing& keys, const LoggedRecord& record) {
  OpenedRecord out;
  out.headers = record.headers;
  if (!record.subjects) {  // written before sealing: in clear
    out.request_body = record.request_body;
    out.response_body = record.response_body;
    out.canonical = record.canonical;
    return out;
  }
  auto subjects = parse_subjects(*record.subjects);
  auto opener = Opener::make(subjects, keys.fetch(tx, subjects));
  if (!opener) {
    out.erased = true;
    return out;
  }
  auto open = [&](const std::optional<std::string>& sealed) -> std::optional<std::string> {
    if (!sealed) return std::nullopt;
    auto clear = opener->open(*sealed);
    if (!clear) throw std::runtime_error("audit record " + std::to_string(record.seq) + ": a sealed field does not open");
    return clear;
  };
  out.request_body = open(record.request_body);
  out.response_body = open(record.response_body);
  out.query = open(record.query);
  out.headers = record.headers;  // kept in clear
  out.canonical = open(record.canonical);
  return out;
}

}  // namespace siao::audit
