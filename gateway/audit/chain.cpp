#include "gateway/audit/chain.hpp"

#include <pqxx/pqxx>

#include "gateway/audit/exchange.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/util/hex.hpp"
#include "gateway/util/text.hpp"

namespace siao::audit {

using resources::JsonWriter;
using resources::put;
using resources::put_nullable;

const std::vector<storage::PreparedStatement>& audit_statements() {
  static const std::vector<storage::PreparedStatement> all = {
      {"chain_head_lock", "SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE"},
      // One round trip per batch: the records and the new head together.
      {"audit_append",
       "WITH appended AS (INSERT INTO audit_exchanges (seq, at, client_id, method, route, target, status, request_id, trace_id, "
       "duration_us, request_body, response_sha256, response_body, resources, contract_version, contract_sha256, "
       "adapter, mapping_version, mapping_sha256, prev_hash, hash) "
       "SELECT seq, at, client_id, method, route, target, status, request_id, trace_id, duration_us, request_body, "
       "response_sha256, response_body, resources::json, contract_version, contract_sha256, adapter, mapping_version, "
       "mapping_sha256, prev_hash, hash "
       "FROM json_to_recordset($1::json) AS r("
       "seq bigint, at timestamptz, client_id text, method text, route text, target text, status integer, "
       "request_id text, trace_id text, duration_us bigint, request_body text, response_sha256 text, "
       "response_body text, resources text, contract_version text, contract_sha256 text, adapter text, "
       "mapping_version text, mapping_sha256 text, prev_hash text, hash text) RETURNING 1) "
       "UPDATE audit_chain_head SET seq = $2, hash = $3 WHERE id = 1"},
  };
  return all;
}

std::string record_hash(std::string_view prev_hash, const RecordFields& f) {
  std::string canonical;
  canonical.reserve(512 + f.target.size() + f.resources_json.size() + (f.request_body ? f.request_body->size() : 0) +
                    (f.response_body ? f.response_body->size() : 0));
  // Length-prefixed fields: no separator can be forged; "-" marks a null.
  auto field = [&canonical](std::optional<std::string_view> v) {
    if (!v) {
      canonical.append("-;");
      return;
    }
    canonical.append(std::to_string(v->size())).push_back(':');
    canonical.append(*v);
    canonical.push_back(';');
  };
  auto seq = std::to_string(f.seq), status = std::to_string(f.status), duration = std::to_string(f.duration_us);
  for (auto v : {std::optional<std::string_view>(prev_hash), std::optional<std::string_view>(seq),
                 std::optional(f.at), std::optional(f.client_id), std::optional(f.method), std::optional(f.route),
                 std::optional(f.target), std::optional<std::string_view>(status), std::optional(f.request_id),
                 std::optional(f.trace_id), std::optional<std::string_view>(duration), f.request_body,
                 std::optional(f.response_sha256), f.response_body, std::optional(f.resources_json)})
    field(v);
  // Added with contracts: absent from the canonical text when null, so older records keep their hash.
  if (f.contract_sha256) {
    field(f.contract_version);
    field(f.contract_sha256);
  }
  // Added with adapters, on the same terms.
  if (f.adapter) {
    field(f.adapter);
    field(f.mapping_version);
    field(f.mapping_sha256);
  }
  return util::sha256_hex(canonical);
}

namespace {

std::string resources_json(const Exchange& ex) {
  return resources::json_text([&](JsonWriter& w) {
    w.StartArray();
    for (const auto& r : ex.resources()) {
      w.StartObject();
      put(w, "kind", r.kind);
      put(w, "id", std::to_string(r.id));
      put(w, "version");
      w.Int(r.version);
      put(w, "written");
      w.Bool(r.written);
      w.EndObject();
    }
    w.EndArray();
  });
}

}  // namespace

void append_to_chain(pqxx::transaction_base& tx, const std::vector<storage::BatchStep*>& steps) {
  auto head = tx.exec_prepared1("chain_head_lock");
  auto seq = head[0].as<std::int64_t>();
  auto hash = head[1].as<std::string>();

  rapidjson::StringBuffer rows;
  JsonWriter w(rows);
  w.StartArray();
  for (auto* step : steps) {
    auto* ex = dynamic_cast<Exchange*>(step);
    if (!ex) continue;
    const auto& req = ex->received();
    auto& res = ex->response();
    auto target = util::storable_text(req.target);
    // Reads keep what identifies their answer (resources, versions, hash), not the answer itself:
    // every version is kept, so it can be rebuilt and checked against the hash.
    std::optional<std::string> request_body, response_body;
    if (ex->writes()) {
      request_body = util::storable_text(req.body);
      response_body = util::storable_text(res.body);
    }
    auto resources = resources_json(*ex);
    auto response_sha = util::sha256_hex(res.body);
    auto method = http::method_name(req.method);
    std::optional<std::string_view> contract_version, contract_sha, adapter, mapping_version, mapping_sha;
    if (const auto* client = ex->caller()) {
      contract_version = client->contract_version;
      contract_sha = client->contract_sha256;
      adapter = client->adapter;
      mapping_version = client->mapping_version;
      if (client->mapping) mapping_sha = client->mapping->sha256();
    }
    ++seq;
    auto prev = hash;
    hash = record_hash(prev, {seq, ex->now(), ex->client_id(), method, req.route, target, res.status, req.request_id,
                              req.trace_id, ex->duration_us(), request_body, response_sha, response_body, resources,
                              contract_version, contract_sha, adapter, mapping_version, mapping_sha});
    w.StartObject();
    put(w, "seq");
    w.Int64(seq);
    put(w, "at", ex->now());
    put(w, "client_id", ex->client_id());
    put(w, "method", method);
    put(w, "route", req.route);
    put(w, "target", target);
    put(w, "status");
    w.Int(res.status);
    put(w, "request_id", req.request_id);
    put(w, "trace_id", req.trace_id);
    put(w, "duration_us");
    w.Int64(ex->duration_us());
    put_nullable(w, "request_body", request_body);
    put(w, "response_sha256", response_sha);
    put_nullable(w, "response_body", response_body);
    // As a string: json_to_recordset would re-serialise a nested value, and the hash covers this exact text.
    put(w, "resources", resources);
    put_nullable(w, "contract_version", contract_version);
    put_nullable(w, "contract_sha256", contract_sha);
    put_nullable(w, "adapter", adapter);
    put_nullable(w, "mapping_version", mapping_version);
    put_nullable(w, "mapping_sha256", mapping_sha);
    put(w, "prev_hash", prev);
    put(w, "hash", hash);
    w.EndObject();
  }
  w.EndArray();
  tx.exec_prepared0("audit_append", std::string(rows.GetString(), rows.GetSize()), seq, hash);
}

}  // namespace siao::audit
