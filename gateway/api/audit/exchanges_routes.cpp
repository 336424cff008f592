// The exchange log for auditors: searched by client, resource, time and outcome, and read one record at a
// time, its bodies in clear only for a contract allowed personal data.
#include <rapidjson/document.h>

#include <charconv>
#include <pqxx/pqxx>

#include "gateway/api/audit/read_routes.hpp"
#include "gateway/api/audit/record_json.hpp"
#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/audit/log_reader.hpp"
#include "gateway/domain/dates.hpp"
#include "gateway/domain/identifiers.hpp"
#include "gateway/resources/json_out.hpp"

namespace siao::api::audit_routes {

namespace {

using siao::audit::Exchange;
using siao::audit::LoggedRecord;
using resources::JsonWriter;
using resources::put;
using resources::put_nullable;

[[noreturn]] void bad_parameter(std::string_view name, std::string_view why) {
  throw http::HttpError(http::make_problem(400, "invalid-parameter", std::string(name) + " " + std::string(why)));
}

// The search's criteria as SQL conditions, each with its parameters; `params` starts with the cursor.
struct Search {
  std::string where = "seq > $1";
  std::vector<std::string> params;

  void add(std::string_view condition, std::initializer_list<std::string> values) {
    std::string c(condition);
    for (const auto& v : values) {
      params.push_back(v);
      auto at = c.find('?');
      c.replace(at, 1, "$" + std::to_string(params.size()));
    }
    where += " AND " + c;
  }
};

std::string instant(const http::Request& req, std::string_view name) {
  auto text = req.query_param(name);
  auto t = domain::parse_rfc3339(*text);
  if (!t) bad_parameter(name, "must be an RFC 3339 date-time, such as 2026-11-28T23:24:14Z.");
  return domain::rfc3339_utc(*t);
}

Search search_of(const http::Request& req, const v2::Page& page) {
  Search s;
  s.params.push_back(std::to_string(page.after));
  if (auto client = req.query_param("client")) {
    if (client->empty() || client->size() > 64) bad_parameter("client", "must be a client id (1 to 64 characters).");
    s.add("client_id = ?", {std::string(*client)});
  }
  if (auto resource = req.query_param("resource")) {
    auto colon = resource->find(':');
    auto kind = colon == std::string_view::npos ? std::nullopt : domain::parse_resource_kind(resource->substr(0, colon));
    if (!kind || !domain::is_siao_id(resource->substr(colon + 1), *kind))
      bad_parameter("resource", "must be a kind and a SIAO id, such as household:90512191.");
    // Contained in the record's resources: what the GIN index on resources::jsonb (jsonb_path_ops) answers.
    s.add("resources::jsonb @> ?::jsonb",
          {R"([{"kind":")" + std::string(domain::name(*kind)) + R"(","id":")" +
           std::string(resource->substr(colon + 1)) + R"("}])"});
  }
  std::optional<std::string> from, to;
  if (req.query_param("from")) from = instant(req, "from");
  if (req.query_param("to")) to = instant(req, "to");
  if (from && to && *domain::parse_rfc3339(*from) > *domain::parse_rfc3339(*to))
    bad_parameter("to", "is before from.");
  if (from) s.add("at >= ?::timestamptz", {*from});
  if (to) s.add("at <= ?::timestamptz", {*to});
  if (auto outcome = req.query_param("outcome")) {
    // success 2xx, refused 4xx, error 5xx: the classes an auditor asks about.
    std::string low;
    if (*outcome == "success") low = "200";
    else if (*outcome == "refused") low = "400";
    else if (*outcome == "error") low = "500";
    else bad_parameter("outcome", "must be success, refused or error.");
    s.add("status BETWEEN ?::integer AND ?::integer + 99", {low, low});
  }
  return s;
}

http::Response search(pqxx::transaction_base& tx, Exchange& ex) {
  const auto& req = ex.request();
  auto page = v2::page_of(req);
  auto s = search_of(req, page);
  s.params.push_back(std::to_string(page.limit + 1));
  auto rows = tx.exec_params("SELECT " + std::string(kMetadataColumns) + " FROM audit_exchanges WHERE " + s.where +
                                 " ORDER BY seq LIMIT $" + std::to_string(s.params.size()) + "::integer",
                             pqxx::prepare::make_dynamic_params(s.params));
  bool more = rows.size() > static_cast<std::size_t>(page.limit);
  std::int64_t last = 0;
  auto body = resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    put(w, "items");
    w.StartArray();
    for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(page.limit); ++i) {
      auto record = metadata_from_row(rows[i]);
      last = record.seq;
      w.StartObject();
      put_metadata(w, record);
      w.EndObject();
    }
    w.EndArray();
    put(w, "next");
    if (more) put(w, v2::cursor_for(last));
    else w.Null();
    w.EndObject();
  });
  return v2::json_response(200, std::move(body));
}

// Exchange ids are their sequence numbers; anything else names no exchange.
std::int64_t exchange_id(const http::Request& req) {
  auto text = req.path_param("id");
  std::int64_t seq = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seq);
  if (text.empty() || text.size() > 18 || ec != std::errc() || end != text.data() + text.size() || seq < 1)
    v2::not_found("exchange");
  return seq;
}

// The signed checkpoint that covers `seq`: the first one at or after it.
void put_checkpoint(JsonWriter& w, pqxx::transaction_base& tx, std::int64_t seq) {
  put(w, "checkpoint");
  auto rows = tx.exec_params(
      "SELECT seq, hash, rfc3339(at), public_key, signature FROM audit_checkpoints WHERE seq >= $1 ORDER BY seq LIMIT 1",
      seq);
  if (rows.empty()) {
    w.Null();
    return;
  }
  const auto& r = rows[0];
  w.StartObject();
  put(w, "seq", r[0].as<std::string>());
  put(w, "hash", r[1].as<std::string>());
  put(w, "at", r[2].as<std::string>());
  put(w, "publicKey", r[3].as<std::string>());
  put(w, "signature", r[4].as<std::string>());
  w.EndObject();
}

// Stored JSON (the canonical commands) as JSON; text that is not JSON as a string, never lost.
void put_json_or_text(JsonWriter& w, std::string_view key, const std::optional<std::string>& text) {
  put(w, key);
  if (!text) {
    w.Null();
    return;
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text->data(), text->size());
  if (doc.HasParseError()) put(w, *text);
  else w.RawValue(text->data(), text->size(), doc.GetType());
}

// The auditor who opens a record receives the personal data in it: the record's resources are read by this
// exchange too, so the disclosure ledger names the auditor, and this exchange's own log row is sealed under
// the same persons' keys.
void touch_resources_of(Exchange& ex, const LoggedRecord& record) {
  rapidjson::Document doc;
  doc.Parse(record.resources.c_str(), record.resources.size());
  if (doc.HasParseError() || !doc.IsArray()) return;
  for (const auto& r : doc.GetArray()) {
    if (!r.IsObject() || !r.HasMember("kind") || !r["kind"].IsString() || !r.HasMember("id") || !r["id"].IsString() ||
        !r.HasMember("version") || !r["version"].IsInt())
      continue;
    auto kind = domain::parse_resource_kind(r["kind"].GetString());
    if (!kind || !domain::is_siao_id(r["id"].GetString(), *kind)) continue;
    ex.touched(domain::name(*kind), std::stoll(r["id"].GetString()), r["version"].GetInt(), false);
  }
}

http::Response detail(pqxx::transaction_base& tx, Exchange& ex, const siao::audit::AuditServices& services) {
  auto record = siao::audit::load_record(tx, exchange_id(ex.request()));
  if (!record) v2::not_found("exchange");
  std::optional<siao::audit::OpenedRecord> opened;
  std::string_view personal_data = "withheld";
  if (ex.client().has_scope(kPersonalDataScope)) {
    opened = siao::audit::open_record(tx, services.keys, *record);
    personal_data = opened->erased ? "erased" : "opened";
    if (opened->erased) opened.reset();
    else touch_resources_of(ex, *record);
  }
  auto body = resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    put_metadata(w, *record);
    put(w, "personalData", personal_data);
    put(w, "request");
    w.StartObject();
    put(w, "method", record->method);
    put(w, "target", opened ? opened->target(*record) : std::string(path_of(record->target)));
    put_nullable(w, "query", opened ? opened->query : std::nullopt);
    put_json_or_text(w, "headers", record->headers);  // kept in clear: nothing personal
    put_nullable(w, "body", opened ? opened->request_body : std::nullopt);
    w.EndObject();
    put(w, "response");
    w.StartObject();
    put(w, "status");
    w.Int(record->status);
    put(w, "sha256", record->response_sha256);
    put_nullable(w, "body", opened ? opened->response_body : std::nullopt);
    w.EndObject();
    put_json_or_text(w, "canonical", opened ? opened->canonical : std::nullopt);
    put_checkpoint(w, tx, record->seq);
    w.EndObject();
  });
  return v2::json_response(200, std::move(body));
}

// Exchange ids are sequence numbers, not the 8-digit SIAO ids operation_json documents path ids as.
std::string with_sequence_id(std::string operation) {
  const std::string siao_id = R"("pattern":"^[0-9]{8}$")", seq_id = R"("pattern":"^[1-9][0-9]{0,17}$")";
  if (auto at = operation.find(siao_id); at != std::string::npos) operation.replace(at, siao_id.size(), seq_id);
  return operation;
}

}  // namespace

void register_exchange_log_routes(http::Router& router, const ApiContext& ctx,
                                  const siao::audit::AuditServices& services) {
  const std::string base = std::string(v2::kBase) + "/audit/exchanges";
  v2::OperationDoc list;
  list.summary = "Search the exchange log by client, resource, time range and outcome, oldest first";
  list.tag = "Audit";
  list.scope = kAuditReadScope;
  list.query_params = {"client", "resource", "from", "to", "outcome", "limit", "after"};
  list.response_schema = "list:audit-exchange";
  list.problems = {400, 401, 403, 422, 503};
  add_exchange_route(
      router, ctx, http::Method::get, base, list.scope,
      [](pqxx::transaction_base& tx, Exchange& ex) { return search(tx, ex); }, v2::operation_json(list));

  v2::OperationDoc one;
  one.summary = "One exchange in full: as received and answered (personal data for audit:personal-data only), "
                "its canonical commands, the rules in force and its place in the hash chain";
  one.tag = "Audit";
  one.scope = kAuditReadScope;
  one.path_params = {"id"};
  one.response_schema = "audit-exchange-detail";
  one.problems = {401, 403, 404, 503};
  add_exchange_route(
      router, ctx, http::Method::get, base + "/{id}", one.scope,
      [services](pqxx::transaction_base& tx, Exchange& ex) { return detail(tx, ex, services); },
      with_sequence_id(v2::operation_json(one)));
}

void register_audit_read_routes(http::Router& router, const ApiContext& ctx,
                                const siao::audit::AuditServices& services) {
  register_exchange_log_routes(router, ctx, services);
  register_disclosure_routes(router, ctx);
}

}  // namespace siao::api::audit_routes
