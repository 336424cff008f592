#include "gateway/api/audit/record_json.hpp"

#include <pqxx/pqxx>

namespace siao::api::audit_routes {

using resources::put;
using resources::put_nullable;

const char* const kMetadataColumns =
    "seq, rfc3339(at), client_id, method, route, target, status, request_id, trace_id, duration_us, "
    "response_sha256, resources, prev_hash, hash, contract_version, contract_sha256, adapter, mapping_version, "
    "mapping_sha256, schemas_sha256, gateway_version";

namespace {

std::optional<std::string> nullable(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

}  // namespace

siao::audit::LoggedRecord metadata_from_row(const pqxx::row& row) {
  siao::audit::LoggedRecord r;
  r.seq = row[0].as<std::int64_t>();
  r.at = row[1].as<std::string>();
  r.client_id = row[2].as<std::string>();
  r.method = row[3].as<std::string>();
  r.route = row[4].as<std::string>();
  r.target = row[5].as<std::string>();
  r.status = row[6].as<int>();
  r.request_id = row[7].as<std::string>();
  r.trace_id = row[8].as<std::string>();
  r.duration_us = row[9].as<std::int64_t>();
  r.response_sha256 = row[10].as<std::string>();
  r.resources = row[11].as<std::string>();
  r.prev_hash = row[12].as<std::string>();
  r.hash = row[13].as<std::string>();
  r.contract_version = nullable(row[14]);
  r.contract_sha256 = nullable(row[15]);
  r.adapter = nullable(row[16]);
  r.mapping_version = nullable(row[17]);
  r.mapping_sha256 = nullable(row[18]);
  r.schemas_sha256 = nullable(row[19]);
  r.gateway_version = nullable(row[20]);
  return r;
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

void put_metadata(resources::JsonWriter& w, const siao::audit::LoggedRecord& r) {
  put(w, "id", std::to_string(r.seq));
  put(w, "at", r.at);
  put(w, "client", r.client_id);
  put_nullable(w, "contractVersion", r.contract_version);
  put_nullable(w, "contractSha256", r.contract_sha256);
  put_nullable(w, "adapter", r.adapter);
  put_nullable(w, "mappingVersion", r.mapping_version);
  put_nullable(w, "mappingSha256", r.mapping_sha256);
  put_nullable(w, "schemasSha256", r.schemas_sha256);
  put_nullable(w, "gatewayVersion", r.gateway_version);
  put(w, "method", r.method);
  put(w, "route", r.route);
  put(w, "target", path_of(r.target));
  put(w, "status");
  w.Int(r.status);
  put(w, "requestId", r.request_id);
  put(w, "traceId", r.trace_id);
  put(w, "durationUs");
  w.Int64(r.duration_us);
  put(w, "resources");
  // As the gateway wrote it (the json column keeps the text): an array of {"kind","id","version","written"}.
  w.RawValue(r.resources.data(), r.resources.size(), rapidjson::kArrayType);
  put(w, "prevHash", r.prev_hash);
  put(w, "hash", r.hash);
}

}  // namespace siao::api::audit_routes
