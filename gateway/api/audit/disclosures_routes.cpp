// The disclosure ledger (GDPR art. 15): which client received which fields of a person, when, through which
// exchange, derived from the log alone. Every successful exchange whose resources name the person (read or
// written) disclosed the fields present in the version it names that the client's contract, as it was then,
// let it read.
#include <rapidjson/document.h>

#include <map>
#include <memory>
#include <pqxx/pqxx>

#include "gateway/api/audit/read_routes.hpp"
#include "gateway/api/audit/recorded_contracts.hpp"
#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/json/schema_set.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::api::audit_routes {

namespace {

using domain::ResourceKind;
using resources::JsonWriter;
using resources::put;
using siao::audit::Exchange;

struct Ledger {
  explicit Ledger(const json::SchemaSet& schemas);
  RecordedContracts contracts;
  std::vector<std::string> person_fields;  // a person's fields as contracts name them, in the schema's order
};

// The person fields the contract schema knows: the ones contracts grant, and so the ones a ledger lists.
std::vector<std::string> person_field_universe(const json::SchemaSet& schemas) {
  std::vector<std::string> out;
  for (const auto& v : schemas.document("contract")["definitions"]["personField"]["enum"].GetArray())
    out.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

Ledger::Ledger(const json::SchemaSet& schemas) : contracts(schemas), person_fields(person_field_universe(schemas)) {}

// For each version of the person kept in history, the fields it holds (present and not null).
std::map<int, std::vector<std::string>> fields_by_version(pqxx::transaction_base& tx, std::int64_t person,
                                                          const std::vector<std::string>& universe) {
  std::map<int, std::vector<std::string>> out;
  for (const auto& row :
       tx.exec_params("SELECT version, snapshot FROM resource_versions WHERE kind = 'person' AND id = $1", person)) {
    auto text = row[1].as<std::string>();
    rapidjson::Document snapshot;
    snapshot.Parse(text.c_str(), text.size());
    auto& fields = out[row[0].as<int>()];
    if (snapshot.HasParseError() || !snapshot.IsObject()) continue;
    for (const auto& f : universe)
      if (auto it = snapshot.FindMember(f.c_str()); it != snapshot.MemberEnd() && !it->value.IsNull()) fields.push_back(f);
  }
  return out;
}

// The latest version of the person a record's resources name (a write may name a read version too).
int version_named(const std::string& resources, const std::string& person_id) {
  rapidjson::Document doc;
  doc.Parse(resources.c_str(), resources.size());
  int version = 0;
  if (doc.HasParseError() || !doc.IsArray()) return version;
  for (const auto& r : doc.GetArray())
    if (r.IsObject() && r.HasMember("kind") && r["kind"] == "person" && r.HasMember("id") && r["id"].IsString() &&
        person_id == r["id"].GetString() && r.HasMember("version") && r["version"].IsInt())
      version = std::max(version, r["version"].GetInt());
  return version;
}

http::Response disclosures(pqxx::transaction_base& tx, Exchange& ex, const Ledger& ledger) {
  const auto& req = ex.request();
  auto id = v2::path_id(req, "id", ResourceKind::person);
  auto page = v2::page_of(req);
  // Merged (absorbed) persons keep their ledger: what was disclosed stays disclosed.
  if (!storage::load_person(tx, id, storage::Lock::none)) v2::not_found("person");
  auto person_id = std::to_string(id);
  auto rows = tx.exec_params(
      "SELECT seq, rfc3339(at), client_id, contract_sha256, resources FROM audit_exchanges "
      "WHERE resources::jsonb @> $1::jsonb AND status BETWEEN 200 AND 299 AND seq > $2 ORDER BY seq LIMIT $3",
      R"([{"kind":"person","id":")" + person_id + R"("}])", page.after, page.limit + 1);
  bool more = rows.size() > static_cast<std::size_t>(page.limit);
  auto versions = fields_by_version(tx, id, ledger.person_fields);
  std::int64_t last = 0;
  auto body = resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    put(w, "items");
    w.StartArray();
    for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(page.limit); ++i) {
      const auto& row = rows[i];
      last = row[0].as<std::int64_t>();
      std::shared_ptr<const auth::FieldPolicy> policy;
      if (!row[3].is_null()) policy = ledger.contracts.fields(tx, row[3].as<std::string>());
      w.StartObject();
      put(w, "exchange", std::to_string(last));
      put(w, "at", row[1].as<std::string>());
      put(w, "client", row[2].as<std::string>());
      put(w, "fields");
      w.StartArray();
      if (auto v = versions.find(version_named(row[4].as<std::string>(), person_id)); v != versions.end())
        for (const auto& f : v->second)
          if (!policy || policy->may_read(ResourceKind::person, f)) put(w, f);
      w.EndArray();
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

}  // namespace

void register_disclosure_routes(http::Router& router, const ApiContext& ctx) {
  auto ledger = std::make_shared<const Ledger>(ctx.schemas);
  v2::OperationDoc doc;
  doc.summary = "Which client received which fields of this person, when, through which exchange (GDPR art. 15)";
  doc.tag = "Audit";
  doc.scope = kAuditReadScope;
  doc.path_params = {"id"};
  doc.query_params = {"limit", "after"};
  doc.response_schema = "list:audit-disclosure";
  doc.problems = {401, 403, 404, 422, 503};
  add_exchange_route(
      router, ctx, http::Method::get, std::string(v2::kBase) + "/persons/{id}/disclosures", doc.scope,
      [ledger](pqxx::transaction_base& tx, Exchange& ex) { return disclosures(tx, ex, *ledger); },
      v2::operation_json(doc));
}

}  // namespace siao::api::audit_routes
