#include "gateway/audit/chain.hpp"

#include <pqxx/pqxx>

#include <algorithm>

#include "gateway/audit/exchange.hpp"
#include "gateway/audit/record_columns.hpp"
#include "gateway/audit/sealing.hpp"
#include "gateway/events/outbox.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/util/hex.hpp"
#include "gateway/util/text.hpp"

namespace siao::audit {

using resources::JsonWriter;
using resources::put;

namespace {

constexpr const char* kColumns =
    "seq, at, client_id, method, route, target, status, request_id, trace_id, duration_us, request_body, "
    "response_sha256, response_body, resources, contract_version, contract_sha256, adapter, mapping_version, "
    "mapping_sha256, subjects, query, headers, canonical, schemas_sha256, gateway_version, prev_hash, hash";

}  // namespace

const std::vector<storage::PreparedStatement>& Trail::statements() {
  static const std::vector<storage::PreparedStatement> all = [] {
    std::vector<storage::PreparedStatement> v = {
        {"chain_head_lock", "SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE"},
        // One round trip per batch: the records, the new head, and a checkpoint when one falls due ($4: JSON,
        // empty array when none).
        {"audit_append",
         std::string("WITH appended AS (INSERT INTO audit_exchanges (") + kColumns + ") SELECT " +
             "seq, at, client_id, method, route, target, status, request_id, trace_id, duration_us, request_body, "
             "response_sha256, response_body, resources::json, contract_version, contract_sha256, adapter, "
             "mapping_version, mapping_sha256, subjects, query, headers, canonical, schemas_sha256, gateway_version, "
             "prev_hash, hash "
             "FROM json_to_recordset($1::json) AS r("
             "seq bigint, at timestamptz, client_id text, method text, route text, target text, status integer, "
             "request_id text, trace_id text, duration_us bigint, request_body text, response_sha256 text, "
             "response_body text, resources text, contract_version text, contract_sha256 text, adapter text, "
             "mapping_version text, mapping_sha256 text, subjects text, query text, headers text, canonical text, "
             "schemas_sha256 text, gateway_version text, prev_hash text, hash text) RETURNING 1), "
             "signed AS (INSERT INTO audit_checkpoints (seq, hash, at, public_key, signature) "
             "SELECT seq, hash, now(), public_key, signature FROM json_to_recordset($4::json) AS c("
             "seq bigint, hash text, public_key text, signature text) RETURNING 1), "
             // The keys of the persons this batch created ($5), stored with the first records sealed under them.
             "keyed AS (INSERT INTO audit_subject_keys (subject, wrapped) SELECT subject, wrapped "
             "FROM json_to_recordset($5::json) AS k(subject text, wrapped text) RETURNING 1), "
             // The change feed's outbox (docs/events.md): one event per version the batch's exchanges wrote ($6),
             // in the order they wrote them. Their seqs come from event_seqs here, under the chain head lock that
             // chain_head_lock took and that this transaction holds until it commits: the next batch to write
             // events takes its seqs after this one's commit, so seq order is commit order. nextval is in the
             // select list, which PostgreSQL evaluates after the ORDER BY (volatile expressions are computed
             // above the sort), so seqs follow `n`. A person's territory is its household's: from the household
             // version of the same exchange when there is one (filled in by the writer), else from the row, by a
             // lookup on its primary key (a join let the generic plan of a young database scan households).
             "evented AS (INSERT INTO events (seq, type, resource, id, version, at, into_id, territory, "
             "household_id, exchange_seq, client_id) "
             "SELECT nextval('event_seqs'), e.type, e.resource, e.id, e.version, e.at, e.into_id, "
             "coalesce(e.territory, (SELECT h.territory FROM households h WHERE h.id = e.household_id)), "
             "e.household_id, e.exchange_seq, e.client_id FROM " +
             events::kEventRecordset + " ORDER BY e.n RETURNING 1) "
             "UPDATE audit_chain_head SET seq = $2, hash = $3 WHERE id = 1"},
    };
    for (const auto& s : KeyRing::statements()) v.push_back(s);
    for (const auto& s : events::statements()) v.push_back(s);
    return v;
  }();
  return all;
}

std::string record_hash(std::string_view prev_hash, const RecordFields& f) {
  std::string canonical;
  auto size = [](std::optional<std::string_view> v) { return v ? v->size() : 0; };
  canonical.reserve(512 + f.target.size() + f.resources_json.size() + size(f.request_body) + size(f.response_body) +
                    size(f.query) + size(f.headers) + size(f.canonical));
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
  // Added with sealing (migration 0007), on the same terms.
  if (f.subjects) {
    field(f.subjects);
    field(f.query);
    field(f.headers);
    field(f.canonical);
    field(f.schemas_sha256);
    field(f.gateway_version);
  }
  return util::sha256_hex(canonical);
}

std::string checkpoint_message(std::int64_t seq, std::string_view hash) {
  return "siao-gateway audit checkpoint\n" + std::to_string(seq) + "\n" + std::string(hash) + "\n";
}

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

namespace {

// The persons among the exchange's resources, in id order; the month of the record when it names none.
std::vector<std::string> subjects_of(const Exchange& ex) {
  if (!ex.sealed_under().empty()) return ex.sealed_under();
  std::vector<std::int64_t> persons;
  for (const auto& r : ex.resources())
    if (r.kind == "person") persons.push_back(r.id);
  std::sort(persons.begin(), persons.end());
  persons.erase(std::unique(persons.begin(), persons.end()), persons.end());
  std::vector<std::string> out;
  out.reserve(persons.size());
  for (auto id : persons) out.push_back(person_subject(id));
  if (out.empty()) out.push_back("period:" + ex.now().substr(0, 7));
  return out;
}

// Request headers a replay or an auditor needs; credentials are never among them. None is personal data: they are
// kept in clear, so that a read without a query string seals nothing and needs no key.
constexpr std::string_view kKeptHeaders[] = {"content-type", "accept",     "if-match",
                                             "if-none-match", "idempotency-key", "user-agent"};

std::optional<std::string> kept_headers(const http::Request& req) {
  bool any = false;
  auto text = resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    for (auto name : kKeptHeaders)
      if (auto v = req.header(name)) {
        put(w, name, util::storable_text(*v));
        any = true;
      }
    w.EndObject();
  });
  if (!any) return std::nullopt;
  return text;
}

std::optional<std::string> canonical_json(const Exchange& ex) {
  const auto& commands = ex.canonical_commands();
  if (commands.empty()) return std::nullopt;
  std::string out = "[";
  for (const auto& c : commands) {
    if (out.size() > 1) out += ',';
    out += c;
  }
  return out + "]";
}

// One record as the audit_append statement reads it, sealed and hashed.
struct PendingRecord {
  const Exchange* ex;
  std::vector<std::string> subjects;
  std::optional<std::string> headers, canonical;
  std::vector<events::PendingEvent> events;  // read from its versions before the chain head lock
  bool seals() const { return ex->writes() || canonical || ex->received().target.find('?') != std::string::npos; }
};

}  // namespace

void Trail::append(pqxx::transaction_base& tx, const std::vector<storage::BatchStep*>& steps) const {
#ifdef SIAO_BENCH_WITHOUT_AUDIT
  return;  // see gateway/CMakeLists.txt: a benchmark-only build
#endif
  std::vector<PendingRecord> pending;
  pending.reserve(steps.size());
  // Persons created in this batch have no key yet: theirs are made here and stored with the records, without a
  // round trip. Only the keys of subjects already known are fetched, and only for records with something to seal
  // (a read without query names persons but keeps nothing of theirs).
  SubjectKeys keys;
  std::string new_keys = "[";
  for (auto* step : steps)  // cppcheck-suppress constVariable ; the exchange is written to below
    if (auto* ex = dynamic_cast<Exchange*>(step)) {
      pending.push_back({ex, subjects_of(*ex), kept_headers(ex->received()), canonical_json(*ex),
                         events::pending_events(*ex)});
      for (const auto& v : ex->versions())
        if (v.kind == "person" && v.record.version == 1) {  // created by this exchange
          auto subject = person_subject(v.id);
          if (keys.contains(subject)) continue;
          auto [key, wrapped] = keys_.create(subject);
          keys.emplace(subject, std::move(key));
          if (new_keys.size() > 1) new_keys += ',';
          new_keys += "{\"subject\":\"" + subject + "\",\"wrapped\":\"" + wrapped + "\"}";
        }
    }
  new_keys += ']';
  if (pending.empty()) return;
  std::vector<std::string> known;
  for (const auto& p : pending)
    if (p.seals())
      for (const auto& s : p.subjects)
        if (!keys.contains(s)) known.push_back(s);
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());

  auto head = tx.exec_prepared1("chain_head_lock");
  auto seq = head[0].as<std::int64_t>();
  auto hash = head[1].as<std::string>();
  // After the lock: no other appender creates keys meanwhile.
  if (!known.empty()) keys.merge(keys_.obtain(tx, known));

  rapidjson::StringBuffer rows, event_rows;
  JsonWriter w(rows), events_w(event_rows);
  w.StartArray();
  events_w.StartArray();
  std::int64_t event_rank = 0;
  std::string checkpoints = "[]";
  for (const auto& p : pending) {
    const auto& ex = *p.ex;
    const auto& req = ex.received();
    auto& res = const_cast<Exchange&>(ex).response();
    std::optional<Sealer> sealer;
    if (p.seals()) sealer.emplace(p.subjects, keys);
    auto seal = [&](const std::optional<std::string>& clear) -> std::optional<std::string> {
      if (!clear) return std::nullopt;
      return sealer->seal(*clear);
    };
    auto query_at = req.target.find('?');
    auto path = util::storable_text(std::string_view(req.target).substr(0, query_at));
    std::optional<std::string> query;
    if (query_at != std::string::npos) query = seal(util::storable_text(std::string_view(req.target).substr(query_at + 1)));
    // Reads keep what identifies their answer (resources, versions, hash), not the answer itself:
    // every version is kept, so it can be rebuilt and checked against the hash.
    std::optional<std::string> request_body, response_body;
    if (ex.writes()) {
      request_body = seal(util::storable_text(req.body));
      response_body = seal(util::storable_text(res.body));
    }
    const auto& headers = p.headers;
    auto canonical = seal(p.canonical);
    auto subjects = subjects_json(p.subjects);
    auto resources = resources_json(ex);
    auto response_sha = util::sha256_hex(res.body);
    auto method = http::method_name(req.method);
    std::optional<std::string_view> contract_version, contract_sha, adapter, mapping_version, mapping_sha;
    if (const auto* client = ex.caller()) {
      contract_version = client->contract_version;
      contract_sha = client->contract_sha256;
      adapter = client->adapter;
      mapping_version = client->mapping_version;
      if (client->mapping) mapping_sha = client->mapping->sha256();
    }
    std::optional<std::string_view> schemas_sha;
    if (options_.schemas_sha256) schemas_sha = *options_.schemas_sha256;
    auto as_view = [](const std::optional<std::string>& v) -> std::optional<std::string_view> {
      if (!v) return std::nullopt;
      return std::string_view(*v);
    };
    ++seq;
    auto prev = hash;
    const RecordFields fields{seq, ex.now(), ex.client_id(), method, req.route, path, res.status, req.request_id,
                              req.trace_id, ex.duration_us(), as_view(request_body), response_sha,
                              as_view(response_body), resources, contract_version, contract_sha, adapter,
                              mapping_version, mapping_sha, std::string_view(subjects), as_view(query),
                              as_view(headers), as_view(canonical), schemas_sha,
                              std::string_view(options_.gateway_version)};
    hash = record_hash(prev, fields);
    w.StartObject();
    put_record_columns(w, fields, prev, hash);
    w.EndObject();
    events::write_event_rows(events_w, p.events, seq, event_rank);
    if (seq % options_.checkpoint_every == 0)
      checkpoints = "[{\"seq\":" + std::to_string(seq) + ",\"hash\":\"" + hash + "\",\"public_key\":\"" +
                    signer_.public_key_hex() + "\",\"signature\":\"" +
                    signer_.sign_hex(checkpoint_message(seq, hash)) + "\"}]";
  }
  w.EndArray();
  events_w.EndArray();
  tx.exec_prepared0("audit_append", std::string(rows.GetString(), rows.GetSize()), seq, hash, checkpoints, new_keys,
                    std::string(event_rows.GetString(), event_rows.GetSize()));
}

std::int64_t sign_chain_head(pqxx::transaction_base& tx, const crypto::Signer& signer) {
  auto head = tx.exec1("SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE");
  auto seq = head[0].as<std::int64_t>();
  auto hash = head[1].as<std::string>();
  if (seq == 0) return 0;
  tx.exec_params0(
      "INSERT INTO audit_checkpoints (seq, hash, at, public_key, signature) VALUES ($1, $2, now(), $3, $4) "
      "ON CONFLICT (seq) DO NOTHING",
      seq, hash, signer.public_key_hex(), signer.sign_hex(checkpoint_message(seq, hash)));
  return seq;
}


}  // namespace siao::audit
