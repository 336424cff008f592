#include "gateway/audit/record_columns.hpp"

namespace siao::audit {

using resources::put;
using resources::put_nullable;

void put_record_columns(resources::JsonWriter& w, const RecordFields& f, std::string_view prev_hash,
                        std::string_view hash) {
  put(w, "seq");
  w.Int64(f.seq);
  put(w, "at", f.at);
  put(w, "client_id", f.client_id);
  put(w, "method", f.method);
  put(w, "route", f.route);
  put(w, "target", f.target);
  put(w, "status");
  w.Int(f.status);
  put(w, "request_id", f.request_id);
  put(w, "trace_id", f.trace_id);
  put(w, "duration_us");
  w.Int64(f.duration_us);
  put_nullable(w, "request_body", f.request_body);
  put(w, "response_sha256", f.response_sha256);
  put_nullable(w, "response_body", f.response_body);
  // As a string: json_to_recordset would re-serialise a nested value, and the hash covers this exact text.
  put(w, "resources", f.resources_json);
  put_nullable(w, "contract_version", f.contract_version);
  put_nullable(w, "contract_sha256", f.contract_sha256);
  put_nullable(w, "adapter", f.adapter);
  put_nullable(w, "mapping_version", f.mapping_version);
  put_nullable(w, "mapping_sha256", f.mapping_sha256);
  put_nullable(w, "subjects", f.subjects);
  put_nullable(w, "query", f.query);
  put_nullable(w, "headers", f.headers);
  put_nullable(w, "canonical", f.canonical);
  put_nullable(w, "schemas_sha256", f.schemas_sha256);
  put_nullable(w, "gateway_version", f.gateway_version);
  put(w, "prev_hash", prev_hash);
  put(w, "hash", hash);
}

}  // namespace siao::audit
