#include "gateway/storage/idempotency_store.hpp"

#include <rapidjson/document.h>

#include <pqxx/pqxx>

#include "gateway/resources/json_out.hpp"

namespace siao::storage {

namespace {

std::string headers_json(const http::Headers& headers) {
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartArray();
    for (const auto& [k, v] : headers) {
      w.StartArray();
      resources::put(w, k);
      resources::put(w, v);
      w.EndArray();
    }
    w.EndArray();
  });
}

http::Headers headers_from_json(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  http::Headers out;
  if (!d.IsArray()) return out;
  for (const auto& pair : d.GetArray())
    if (pair.IsArray() && pair.Size() == 2 && pair[0].IsString() && pair[1].IsString())
      out.emplace_back(pair[0].GetString(), pair[1].GetString());
  return out;
}

}  // namespace

const std::vector<PreparedStatement>& idempotency_statements() {
  static const std::vector<PreparedStatement> all = {
      {"idempotency_lock", "SELECT pg_try_advisory_xact_lock(hashtextextended($1 || chr(10) || $2, 0))"},
      {"idempotency_find",
       "SELECT request_sha256, status, headers::text, body FROM idempotency_keys WHERE client_id = $1 AND key = $2"},
      {"idempotency_store",
       "INSERT INTO idempotency_keys (client_id, key, request_sha256, status, headers, body) "
       "VALUES ($1, $2, $3, $4, $5::jsonb, $6)"},
      {"idempotency_purge", "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)"},
  };
  return all;
}

bool lock_idempotency_key(pqxx::transaction_base& tx, const std::string& client, const std::string& key) {
  return tx.exec_prepared1("idempotency_lock", client, key)[0].as<bool>();
}

std::optional<StoredAnswer> find_idempotency_key(pqxx::transaction_base& tx, const std::string& client,
                                                 const std::string& key) {
  auto rows = tx.exec_prepared("idempotency_find", client, key);
  if (rows.empty()) return std::nullopt;
  StoredAnswer a;
  a.request_sha256 = rows[0][0].as<std::string>();
  a.response.status = rows[0][1].as<int>();
  a.response.headers = headers_from_json(rows[0][2].as<std::string>());
  a.response.body = rows[0][3].as<std::string>();
  a.response.content_type = a.response.status >= 400 ? "application/problem+json" : "application/json";
  return a;
}

void store_idempotency_key(pqxx::transaction_base& tx, const std::string& client, const std::string& key,
                           const std::string& request_sha256, const http::Response& response) {
  tx.exec_prepared0("idempotency_store", client, key, request_sha256, response.status, headers_json(response.headers),
                    response.body);
}

std::int64_t purge_idempotency_keys(pqxx::transaction_base& tx, int retention_hours) {
  return static_cast<std::int64_t>(tx.exec_prepared0("idempotency_purge", retention_hours).affected_rows());
}

}  // namespace siao::storage
