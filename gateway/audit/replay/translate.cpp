#include "gateway/audit/replay/translate.hpp"

#include <map>

#include <pqxx/pqxx>
#include <rapidjson/document.h>

#include "gateway/audit/log_reader.hpp"
#include "gateway/audit/replay/canonical_compare.hpp"
#include "gateway/audit/replay/judge.hpp"
#include "gateway/audit/replay/rule_loader.hpp"
#include "gateway/json/schema_set.hpp"

namespace siao::audit::replay {

namespace {

constexpr int kChunk = 1000;

// The records of the selection that carry an inbound request to judge: writes, and adapters' exchanges. A 401
// ran under no contract and is left out.
const std::string& selection_sql() {
  static const std::string sql =
      std::string("SELECT ") + kRecordColumns +
      " FROM audit_exchanges WHERE seq > $1"
      " AND at >= COALESCE(NULLIF($2, '')::timestamptz, '-infinity')"
      " AND at <= COALESCE(NULLIF($3, '')::timestamptz, 'infinity')"
      " AND ($4 = '' OR client_id = $4)"
      " AND contract_sha256 IS NOT NULL AND (canonical IS NOT NULL OR request_body IS NOT NULL)"
      " ORDER BY seq LIMIT " + std::to_string(kChunk);
  return sql;
}

http::Headers headers_of(const std::optional<std::string>& json) {
  http::Headers out;
  if (!json) return out;
  rapidjson::Document doc;
  doc.Parse(json->data(), json->size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  for (const auto& m : doc.GetObject())
    if (m.value.IsString()) out.emplace_back(m.name.GetString(), m.value.GetString());
  return out;
}

bool is_validation_refusal(int status) { return status == 400 || status == 415 || status == 422; }

// What replaying one record found, besides differences.
struct Tally {
  std::int64_t erased = 0;
  std::int64_t beyond_schema = 0;  // refusals decided by data or translation rules, which judging cannot redo
  std::int64_t values = 0;         // canonical values compared
  std::map<std::string, std::int64_t> unavailable;  // why rules could not be loaded, and how often
};

void judge_status(const LoggedRecord& rec, const Verdict& verdict, Tally& tally, std::vector<Difference>& diffs) {
  const bool success = rec.status >= 200 && rec.status < 300;
  if (success) {
    if (verdict.status != 0) diffs.push_back({rec.seq, "status", std::to_string(rec.status), verdict.text()});
  } else if (is_validation_refusal(rec.status)) {
    if (verdict.status == 0) ++tally.beyond_schema;
    else if (verdict.status != rec.status)
      diffs.push_back({rec.seq, "status", std::to_string(rec.status), verdict.text()});
  }
  // Other refusals (404, 409, 412...) are decided by the data: `rebuild` replays those.
}

}  // namespace

bool valid_time(std::string_view t) {
  auto digits = [&](std::size_t from, std::size_t n) {
    if (t.size() < from + n) return false;
    for (std::size_t i = from; i < from + n; ++i)
      if (t[i] < '0' || t[i] > '9') return false;
    return true;
  };
  if (!digits(0, 4) || t.size() < 20 || t[4] != '-' || !digits(5, 2) || t[7] != '-' || !digits(8, 2) ||
      (t[10] != 'T' && t[10] != 't') || !digits(11, 2) || t[13] != ':' || !digits(14, 2) || t[16] != ':' ||
      !digits(17, 2))
    return false;
  std::size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    std::size_t start = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start || i - start > 9) return false;
  }
  auto zone = t.substr(i);
  if (zone == "Z" || zone == "z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(i + 1, 2) && zone[3] == ':' &&
         digits(i + 4, 2);
}

Translator::Translator(std::shared_ptr<const json::SchemaSet> in_force, const adapters::Registry& adapters)
    : judge_(std::make_unique<Judge>(*in_force, adapters)),
      rules_(std::make_unique<RuleLoader>(std::move(in_force))) {}

Translator::~Translator() = default;

Report Translator::run(pqxx::transaction_base& tx, const KeyRing& keys, const Selection& selection) {
  Report report;
  report.mode = "translate";
  Tally tally;
  std::int64_t after = 0;
  for (;;) {
    auto rows = tx.exec_params(selection_sql(), after, selection.from.value_or(""), selection.to.value_or(""),
                               selection.client.value_or(""));
    for (const auto& row : rows) {
      const auto rec = record_from_row(row);
      after = rec.seq;
      if (!judge_->serves(rec.method, rec.route)) continue;
      const auto opened = open_record(tx, keys, rec);
      if (opened.erased) {
        ++tally.erased;
        continue;
      }
      std::shared_ptr<const json::SchemaSet> schemas;
      std::shared_ptr<const contracts::Contract> contract;
      try {
        schemas = rules_->schemas(tx, rec.schemas_sha256);
        contract = rules_->contract(tx, *rec.contract_sha256, rec.mapping_sha256, *schemas,
                                    rec.schemas_sha256.value_or("in force"));
      } catch (const RulesUnavailable& e) {
        ++tally.unavailable[e.what()];
        continue;
      }
      http::Request req;
      req.method = http::parse_method(rec.method);
      req.target = opened.target(rec);
      req.headers = headers_of(opened.headers);
      req.body = opened.request_body.value_or("");
      ++report.checked;
      std::vector<Difference> diffs;
      // Records written before headers were kept say nothing of the content type: it is not judged then.
      const auto verdict = judge_->judge(req, rec.subjects.has_value(), contract->client, *schemas);
      judge_status(rec, verdict, tally, diffs);
      if (opened.canonical && contract->client.mapping) {
        rapidjson::Document commands, body;
        commands.Parse(opened.canonical->data(), opened.canonical->size());
        body.Parse(req.body.data(), req.body.size());
        if (commands.HasParseError()) {
          diffs.push_back({rec.seq, "canonical", "not JSON", "an array of canonical commands"});
        } else if (!body.HasParseError() && body.IsObject()) {
          auto compared = compare_commands(rec.seq, *contract->client.mapping, body, commands);
          tally.values += compared.compared;
          diffs.insert(diffs.end(), compared.differences.begin(), compared.differences.end());
        }
      }
      if (diffs.empty()) ++report.identical;
      report.different.insert(report.different.end(), diffs.begin(), diffs.end());
    }
    if (rows.size() < static_cast<std::size_t>(kChunk)) break;
  }
  report.notes.push_back(std::to_string(tally.values) + " canonical values compared with their translation");
  if (tally.erased)
    report.notes.push_back(std::to_string(tally.erased) +
                           " records not replayed: the personal data they hold was erased (right to be forgotten)");
  if (tally.beyond_schema)
    report.notes.push_back(std::to_string(tally.beyond_schema) +
                           " refusals were decided by rules beyond the request schema (data, translation): judged "
                           "acceptable again, not compared");
  for (const auto& [why, n] : tally.unavailable)
    report.notes.push_back(std::to_string(n) + " records not replayed: " + why);
  return report;
}

Report translate(const config::Config& cfg, const adapters::Registry& adapters, const KeyRing& keys,
                 const Selection& selection) {
  Translator translator(json::SchemaSet::load(cfg.schemas_dir), adapters);
  pqxx::connection c(cfg.database.url);
  pqxx::read_transaction tx(c);
  return translator.run(tx, keys, selection);
}

}  // namespace siao::audit::replay
