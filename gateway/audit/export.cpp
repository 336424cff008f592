#include "gateway/audit/export.hpp"

#include <rapidjson/document.h>

#include <pqxx/pqxx>

#include "gateway/audit/record_columns.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::audit {

namespace {

using resources::JsonWriter;
using resources::put;

constexpr std::string_view kFormat = "siao-gateway audit export 1";

std::string checkpoint_line(const Checkpoint& c) {
  return resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    put(w, "type", "checkpoint");
    put(w, "seq");
    w.Int64(c.seq);
    put(w, "hash", c.hash);
    put(w, "at", c.at);
    put(w, "public_key", c.public_key);
    put(w, "signature", c.signature);
    w.EndObject();
  });
}

std::string record_line(const LoggedRecord& r) {
  return resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    put(w, "type", "record");
    put_record_columns(w, r.fields(), r.prev_hash, r.hash);
    w.EndObject();
  });
}

std::string text(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) throw std::runtime_error(std::string("missing text field ") + name);
  return {it->value.GetString(), it->value.GetStringLength()};
}
std::optional<std::string> nullable(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return std::nullopt;
  if (!it->value.IsString()) throw std::runtime_error(std::string("field ") + name + " is not text");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}
std::int64_t integer(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsInt64()) throw std::runtime_error(std::string("missing integer ") + name);
  return it->value.GetInt64();
}

LoggedRecord record_of(const rapidjson::Value& o) {
  LoggedRecord r;
  r.seq = integer(o, "seq");
  r.at = text(o, "at");
  r.client_id = text(o, "client_id");
  r.method = text(o, "method");
  r.route = text(o, "route");
  r.target = text(o, "target");
  r.status = static_cast<int>(integer(o, "status"));
  r.request_id = text(o, "request_id");
  r.trace_id = text(o, "trace_id");
  r.duration_us = integer(o, "duration_us");
  r.request_body = nullable(o, "request_body");
  r.response_sha256 = text(o, "response_sha256");
  r.response_body = nullable(o, "response_body");
  r.resources = text(o, "resources");
  r.contract_version = nullable(o, "contract_version");
  r.contract_sha256 = nullable(o, "contract_sha256");
  r.adapter = nullable(o, "adapter");
  r.mapping_version = nullable(o, "mapping_version");
  r.mapping_sha256 = nullable(o, "mapping_sha256");
  r.subjects = nullable(o, "subjects");
  r.query = nullable(o, "query");
  r.headers = nullable(o, "headers");
  r.canonical = nullable(o, "canonical");
  r.schemas_sha256 = nullable(o, "schemas_sha256");
  r.gateway_version = nullable(o, "gateway_version");
  r.prev_hash = text(o, "prev_hash");
  r.hash = text(o, "hash");
  return r;
}

}  // namespace

ExportSummary export_log(pqxx::transaction_base& tx, const crypto::Signer& signer, const std::string& from,
                         const std::string& to, std::ostream& out) {
  ExportSummary s;
  auto range = tx.exec_params1(
      "SELECT coalesce((SELECT min(seq) FROM audit_exchanges WHERE at >= $1::timestamptz), 0), "
      "coalesce((SELECT max(seq) FROM audit_exchanges WHERE at <= $2::timestamptz), 0)",
      from, to);
  s.first_seq = range[0].as<std::int64_t>();
  s.last_seq = range[1].as<std::int64_t>();
  out << resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    put(w, "type", "header");
    put(w, "format", kFormat);
    put(w, "from", from);
    put(w, "to", to);
    put(w, "public_key", signer.public_key_hex());
    w.EndObject();
  }) << '\n';
  if (s.first_seq == 0 || s.last_seq < s.first_seq) return s;

  ChainVerifier verifier(signer.public_key_hex());
  // The checkpoint just before the range anchors its first link; those inside cover its records.
  for (auto& c : load_checkpoints(tx, s.first_seq - 1, s.last_seq)) {
    out << checkpoint_line(c) << '\n';
    verifier.add_checkpoint(std::move(c));
    ++s.checkpoints;
  }
  bool closed = false;
  for_each_record(tx, s.first_seq, s.last_seq, [&](LoggedRecord&& r) {
    verifier.add(r);
    out << record_line(r) << '\n';
    ++s.records;
    return true;
  });
  auto last = load_checkpoints(tx, s.last_seq, s.last_seq);
  closed = !last.empty();
  s.verified = verifier.finish();
  if (s.verified.ok && !closed && s.records > 0) {
    // Signed now, after the range verified: an export ends on a signature, so that a cut end shows.
    auto rec = load_record(tx, s.last_seq);
    Checkpoint c{s.last_seq, rec->hash, "", signer.public_key_hex(), signer.sign_hex(checkpoint_message(s.last_seq, rec->hash))};
    auto at = tx.exec_params1(
        "INSERT INTO audit_checkpoints (seq, hash, at, public_key, signature) VALUES ($1, $2, now(), $3, $4) "
        "RETURNING rfc3339(at)",
        c.seq, c.hash, c.public_key, c.signature);
    c.at = at[0].as<std::string>();
    out << checkpoint_line(c) << '\n';
    ++s.checkpoints;
  }
  return s;
}

VerifyResult verify_export(std::istream& in, const std::string& trusted_public_key_hex) {
  ChainVerifier verifier(trusted_public_key_hex);
  std::string line;
  std::int64_t number = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    try {
      if (doc.HasParseError() || !doc.IsObject()) throw std::runtime_error("not a JSON object");
      auto type = text(doc, "type");
      if (type == "header") {
        if (text(doc, "format") != kFormat) throw std::runtime_error("not an export this version reads");
        header = true;
      } else if (type == "checkpoint") {
        verifier.add_checkpoint({integer(doc, "seq"), text(doc, "hash"), text(doc, "at"), text(doc, "public_key"),
                                 text(doc, "signature")});
      } else if (type == "record") {
        verifier.add(record_of(doc));
      } else {
        throw std::runtime_error("unknown line type " + type);
      }
    } catch (const std::exception& e) {
      VerifyResult r;
      r.ok = false;
      r.reason = "line " + std::to_string(number) + ": " + e.what();
      return r;
    }
  }
  if (!header) {
    VerifyResult r;
    r.ok = false;
    r.reason = "no export header: not an export of the audit log";
    return r;
  }
  return verifier.finish();
}

}  // namespace siao::audit
