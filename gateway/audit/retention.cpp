#include "gateway/audit/retention.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <pqxx/pqxx>
#include <sstream>

#include "gateway/audit/exchange.hpp"
#include "gateway/audit/subject_keys.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::audit {

using resources::JsonWriter;
using resources::put;

namespace {

// The newest version of a household, of any person whose household it is, of any of its requests (the live
// rows' updated_at too: whichever is later counts). Households already forgotten with that same last activity
// are left out: nothing happened to them since. $1: retention days; $2: null, or a JSON array of the ids to
// consider (the second look, under lock).
constexpr const char* kInactiveSql =
    "WITH cutoff AS (SELECT now() - make_interval(days => $1::int) AS t), "
    "activity AS ("
    " SELECT h.id, h.version, greatest(h.updated_at,"
    "  (SELECT max(v.at) FROM resource_versions v WHERE v.kind = 'household' AND v.id = h.id),"
    "  (SELECT max(greatest(p.updated_at, (SELECT max(v.at) FROM resource_versions v"
    "                                      WHERE v.kind = 'person' AND v.id = p.id)))"
    "     FROM persons p WHERE p.household_id = h.id),"
    "  (SELECT max(greatest(r.updated_at, (SELECT max(v.at) FROM resource_versions v"
    "                                      WHERE v.kind = 'request' AND v.id = r.id)))"
    "     FROM requests r WHERE r.household_id = h.id)) AS last_at"
    " FROM households h, cutoff c"
    " WHERE h.updated_at < c.t"
    "   AND ($2::json IS NULL OR h.id IN (SELECT json_array_elements_text($2::json)::bigint))) "
    "SELECT a.id, a.version, to_char(a.last_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
    "FROM activity a, cutoff c "
    "WHERE a.last_at < c.t "
    "  AND NOT EXISTS (SELECT 1 FROM retention_forgotten f"
    "                  WHERE f.household_id = a.id AND f.last_activity >= a.last_at) "
    "ORDER BY a.id";

std::string ids_json(const std::vector<std::int64_t>& ids) {
  std::string out = "[";
  for (auto id : ids) {
    if (out.size() > 1) out += ',';
    out += '"' + std::to_string(id) + '"';
  }
  return out + "]";
}

std::vector<std::int64_t> household_ids(const RetentionReport& r) {
  std::vector<std::int64_t> out;
  for (const auto& h : r.households) out.push_back(h.household.id);
  return out;
}

std::vector<std::int64_t> person_ids(const RetentionReport& r) {
  std::vector<std::int64_t> out;
  for (const auto& h : r.households)
    for (const auto& p : h.persons) out.push_back(p.id);
  return out;
}

std::vector<std::int64_t> request_ids(const RetentionReport& r) {
  std::vector<std::int64_t> out;
  for (const auto& h : r.households)
    for (const auto& q : h.requests) out.push_back(q.id);
  return out;
}

// The households found, with their persons and requests (locked when `lock` is set).
void load_inactive(pqxx::transaction_base& tx, RetentionReport& report, const RetentionPolicy& policy,
                   const std::vector<std::int64_t>* among, bool lock) {
  report.households.clear();
  // now() is the transaction's: the same cutoff as the statement below.
  report.cutoff = tx.exec_params1("SELECT rfc3339(now() - make_interval(days => $1::int))", policy.retention_days)[0]
                      .as<std::string>();
  if (among && among->empty()) return;
  auto rows = among ? tx.exec_params(kInactiveSql, policy.retention_days, ids_json(*among))
                    : tx.exec_params(kInactiveSql, policy.retention_days, static_cast<const char*>(nullptr));
  std::map<std::int64_t, std::size_t> index;
  for (const auto& row : rows) {
    ForgottenHousehold h;
    h.household = {row[0].as<std::int64_t>(), row[1].as<int>()};
    h.last_activity = row[2].as<std::string>();
    index.emplace(h.household.id, report.households.size());
    report.households.push_back(std::move(h));
  }
  if (report.households.empty()) return;
  // The persons and requests whose household it is (locked after their households).
  const std::string order = lock ? " ORDER BY id FOR UPDATE" : " ORDER BY id";
  const auto ids = ids_json(household_ids(report));
  auto members = [&](const char* table, std::vector<RetainedRecord> ForgottenHousehold::*list) {
    const std::string sql = std::string("SELECT household_id, id, version FROM ") + table +
                            " WHERE household_id IN (SELECT json_array_elements_text($1::json)::bigint)" + order;
    for (const auto& row : tx.exec_params(sql, ids))
      (report.households[index.at(row[0].as<std::int64_t>())].*list)
          .push_back({row[1].as<std::int64_t>(), row[2].as<int>()});
  };
  members("persons", &ForgottenHousehold::persons);
  members("requests", &ForgottenHousehold::requests);
}

// The keys that exist among the forgotten persons', and the months that ended before the cutoff's month.
void load_keys(pqxx::transaction_base& tx, RetentionReport& report) {
  report.person_keys.clear();
  report.period_keys.clear();
  std::vector<std::string> subjects;
  for (auto id : person_ids(report)) subjects.push_back(person_subject(id));
  if (!subjects.empty())
    for (const auto& row : tx.exec_params("SELECT subject FROM audit_subject_keys WHERE subject IN "
                                          "(SELECT json_array_elements_text($1::json)) ORDER BY subject",
                                          storage::json_string_array(subjects)))
      report.person_keys.push_back(row[0].as<std::string>());
  // Subjects are COLLATE "C": "period:2024-05" < "period:2024-06" byte by byte.
  for (const auto& row :
       tx.exec_params("SELECT subject FROM audit_subject_keys WHERE subject LIKE 'period:%' AND subject < "
                      "'period:' || to_char(date_trunc('month', ($1::timestamptz) AT TIME ZONE 'UTC'), 'YYYY-MM') "
                      "ORDER BY subject",
                      report.cutoff))
    report.period_keys.push_back(row[0].as<std::string>());
}

// Records kept in clear (before 0007) that name a forgotten record.
std::int64_t count_clear_records(pqxx::transaction_base& tx, const RetentionReport& report) {
  if (report.households.empty()) return 0;
  std::string refs = "[";
  auto add = [&refs](std::string_view kind, std::int64_t id) {
    if (refs.size() > 1) refs += ',';
    refs += "[{\"kind\":\"" + std::string(kind) + "\",\"id\":\"" + std::to_string(id) + "\"}]";
  };
  for (const auto& h : report.households) {
    add("household", h.household.id);
    for (const auto& p : h.persons) add("person", p.id);
    for (const auto& q : h.requests) add("request", q.id);
  }
  refs += ']';
  return tx
      .exec_params1(
          "SELECT count(DISTINCT a.seq) FROM json_array_elements($1::json) AS f(ref), audit_exchanges a "
          "WHERE a.subjects IS NULL AND a.resources::jsonb @> f.ref::jsonb",
          refs)[0]
      .as<std::int64_t>();
}

// ---- Anonymisation of JSON documents, member order kept ----

using rapidjson::Value;
using Allocator = rapidjson::Document::AllocatorType;

// What a person keeps: what identifies the record and the shape of the process, nothing about who they are.
// Every other member (present or added later) becomes null, but for the three that may not be null.
constexpr std::string_view kPersonKept[] = {"id",      "householdId", "role",      "status",   "mergedInto",
                                            "version", "createdAt",   "updatedAt", "updatedBy"};

void anonymise_person(Value& person, Allocator& a) {
  if (!person.IsObject()) return;
  for (auto& m : person.GetObject()) {
    std::string_view name(m.name.GetString(), m.name.GetStringLength());
    if (std::find(std::begin(kPersonKept), std::end(kPersonKept), name) != std::end(kPersonKept)) continue;
    if (name == "lastName") {
      m.value.SetString(kErasedName.data(), static_cast<rapidjson::SizeType>(kErasedName.size()), a);
    } else if (name == "firstNames") {
      m.value.SetArray();
      m.value.PushBack(Value(kErasedName.data(), static_cast<rapidjson::SizeType>(kErasedName.size()), a), a);
    } else if (name == "sex") {
      m.value.SetString("unknown", a);
    } else {
      m.value.SetNull();
    }
  }
}

std::int64_t id_of(const Value& v) {
  if (!v.IsObject()) return 0;
  auto it = v.FindMember("id");
  if (it == v.MemberEnd() || !it->value.IsString()) return 0;
  try {
    return std::stoll(it->value.GetString());
  } catch (const std::exception&) {
    return 0;
  }
}

void anonymise_request(Value& request) {
  if (!request.IsObject()) return;
  if (auto h = request.FindMember("history"); h != request.MemberEnd() && h->value.IsArray())
    for (auto& entry : h->value.GetArray())
      if (entry.IsObject())
        if (auto r = entry.FindMember("reason"); r != entry.MemberEnd()) r->value.SetNull();
  if (auto p = request.FindMember("placement"); p != request.MemberEnd() && p->value.IsObject())
    if (auto e = p->value.FindMember("exitReason"); e != p->value.MemberEnd()) e->value.SetNull();
}

std::string text_of(const Value& v) {
  rapidjson::StringBuffer out;
  JsonWriter w(out);
  v.Accept(w);
  return {out.GetString(), out.GetSize()};
}

// A request's history and placement columns, anonymised as the snapshot's members are.
std::string anonymised_history(std::string_view history) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(history.data(), history.size());
  if (d.HasParseError() || !d.IsArray()) return std::string(history);
  for (auto& entry : d.GetArray())
    if (entry.IsObject())
      if (auto r = entry.FindMember("reason"); r != entry.MemberEnd()) r->value.SetNull();
  return text_of(d);
}

std::string anonymised_placement(std::string_view placement) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(placement.data(), placement.size());
  if (d.HasParseError() || !d.IsObject()) return std::string(placement);
  if (auto e = d.FindMember("exitReason"); e != d.MemberEnd()) e->value.SetNull();
  return text_of(d);
}

// Rewrites the snapshots of `ids` (of `kind`), a chunk of ids at a time; returns how many changed.
std::int64_t rewrite_snapshots(pqxx::transaction_base& tx, std::string_view kind, const std::vector<std::int64_t>& ids,
                               const std::set<std::int64_t>& persons, const std::set<std::int64_t>& whole) {
  constexpr std::size_t kChunk = 500;
  std::int64_t changed = 0;
  for (std::size_t from = 0; from < ids.size(); from += kChunk) {
    std::vector<std::int64_t> chunk(ids.begin() + static_cast<std::ptrdiff_t>(from),
                                    ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), from + kChunk)));
    rapidjson::StringBuffer rows;
    JsonWriter w(rows);
    w.StartArray();
    std::int64_t in_chunk = 0;
    for (const auto& row :
         tx.exec_params("SELECT id, version, snapshot FROM resource_versions WHERE kind = $1 AND id IN "
                        "(SELECT json_array_elements_text($2::json)::bigint)",
                        std::string(kind), ids_json(chunk))) {
      auto id = row[0].as<std::int64_t>();
      std::string_view before(row[2].c_str(), row[2].size());
      auto after = anonymised_snapshot(kind, before, persons, whole.contains(id));
      if (after == before) continue;
      w.StartObject();
      put(w, "id");
      w.Int64(id);
      put(w, "version");
      w.Int(row[1].as<int>());
      put(w, "snapshot", after);
      w.EndObject();
      ++in_chunk;
    }
    w.EndArray();
    if (in_chunk == 0) continue;
    tx.exec_params0(
        "UPDATE resource_versions v SET snapshot = x.snapshot::json "
        "FROM json_to_recordset($2::json) AS x(id bigint, version integer, snapshot text) "
        "WHERE v.kind = $1 AND v.id = x.id AND v.version = x.version",
        std::string(kind), std::string(rows.GetString(), rows.GetSize()));
    changed += in_chunk;
  }
  return changed;
}

void anonymise_live_rows(pqxx::transaction_base& tx, const RetentionReport& report) {
  auto persons = ids_json(person_ids(report));
  tx.exec_params0(
      "UPDATE persons SET last_name = $2, birth_name = NULL, first_names = ARRAY[$2::text], sex = 'unknown', "
      "birth_date = NULL, nationality = NULL, phone = NULL, email = NULL, match_keys = ARRAY[$3::text] "
      "WHERE id IN (SELECT json_array_elements_text($1::json)::bigint)",
      persons, std::string(kErasedName), std::string(kErasedMatchKey));

  rapidjson::StringBuffer rows;
  JsonWriter w(rows);
  w.StartArray();
  bool any = false;
  for (const auto& row : tx.exec_params("SELECT id, history, placement FROM requests WHERE id IN "
                                        "(SELECT json_array_elements_text($1::json)::bigint)",
                                        ids_json(request_ids(report)))) {
    std::string_view history(row[1].c_str(), row[1].size());
    auto new_history = anonymised_history(history);
    std::optional<std::string> placement, new_placement;
    if (!row[2].is_null()) {
      placement = row[2].as<std::string>();
      new_placement = anonymised_placement(*placement);
    }
    if (new_history == history && new_placement == placement) continue;
    w.StartObject();
    put(w, "id");
    w.Int64(row[0].as<std::int64_t>());
    put(w, "history", new_history);
    resources::put_nullable(w, "placement", new_placement);
    w.EndObject();
    any = true;
  }
  w.EndArray();
  if (any)
    tx.exec_params0(
        "UPDATE requests r SET history = x.history::json, placement = x.placement::json "
        "FROM json_to_recordset($1::json) AS x(id bigint, history text, placement text) WHERE r.id = x.id",
        std::string(rows.GetString(), rows.GetSize()));
}

}  // namespace

std::string anonymised_snapshot(std::string_view kind, std::string_view snapshot, const std::set<std::int64_t>& persons,
                                bool whole_household) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(snapshot.data(), snapshot.size());
  if (d.HasParseError() || !d.IsObject()) return std::string(snapshot);
  auto& a = d.GetAllocator();
  if (kind == "person") {
    anonymise_person(d, a);
  } else if (kind == "household") {
    if (auto m = d.FindMember("members"); m != d.MemberEnd() && m->value.IsArray())
      for (auto& member : m->value.GetArray())
        if (whole_household || persons.contains(id_of(member))) anonymise_person(member, a);
  } else if (kind == "request") {
    anonymise_request(d);
  }
  return text_of(d);
}

std::size_t RetentionReport::person_count() const { return person_ids(*this).size(); }
std::size_t RetentionReport::request_count() const { return request_ids(*this).size(); }

RetentionReport find_inactive(pqxx::transaction_base& tx, const RetentionPolicy& policy) {
  RetentionReport report;
  report.retention_days = policy.retention_days;
  load_inactive(tx, report, policy, nullptr, false);
  load_keys(tx, report);
  report.clear_records = count_clear_records(tx, report);
  return report;
}

void anonymise(pqxx::transaction_base& tx, RetentionReport& report, const RetentionPolicy& policy, Exchange& ex) {
  report.dry_run = false;
  // Its own record names the persons whose keys it erases: sealed under the month instead, it stays readable.
  ex.seal_under({"period:" + ex.now().substr(0, 7)});
  // Households first, in id order: a new member or request of one (a foreign key to it) now waits for this run.
  auto found = household_ids(report);
  if (!found.empty())
    tx.exec_params(
        "SELECT id FROM households WHERE id IN (SELECT json_array_elements_text($1::json)::bigint) "
        "ORDER BY id FOR UPDATE",
        ids_json(found));
  // A second look under the locks: whatever committed meanwhile counts.
  load_inactive(tx, report, policy, &found, true);
  load_keys(tx, report);
  report.clear_records = count_clear_records(tx, report);
  if (report.households.empty()) {
    const auto deleted =
        tx.exec_params0("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1::int)",
                        policy.idempotency_retention_hours)
            .affected_rows();
    report.idempotency_answers_deleted = static_cast<std::int64_t>(deleted);
    return;
  }

  const auto households = household_ids(report);
  const auto persons = person_ids(report);
  const auto requests = request_ids(report);
  const std::set<std::int64_t> person_set(persons.begin(), persons.end());
  const std::set<std::int64_t> whole(households.begin(), households.end());

  // Every household the forgotten persons were ever members of: its snapshots list them.
  std::set<std::int64_t> listing(households.begin(), households.end());
  for (const auto& row : tx.exec_params("SELECT DISTINCT (snapshot->>'householdId')::bigint FROM resource_versions "
                                        "WHERE kind = 'person' AND id IN "
                                        "(SELECT json_array_elements_text($1::json)::bigint) "
                                        "AND snapshot->>'householdId' IS NOT NULL",
                                        ids_json(persons)))
    listing.insert(row[0].as<std::int64_t>());

  tx.exec0("SET LOCAL siao.retention = 'on'");  // migration 0008: versions may be anonymised, by this run only
  anonymise_live_rows(tx, report);
  report.snapshots_anonymised =
      rewrite_snapshots(tx, "person", persons, person_set, {}) + rewrite_snapshots(tx, "request", requests, {}, {}) +
      rewrite_snapshots(tx, "household", std::vector<std::int64_t>(listing.begin(), listing.end()), person_set, whole);
  tx.exec0("SET LOCAL siao.retention = 'off'");

  // Answers kept for Idempotency-Key replays: those naming a forgotten record, and all those past their retention.
  std::vector<std::int64_t> all(households);
  all.insert(all.end(), persons.begin(), persons.end());
  all.insert(all.end(), requests.begin(), requests.end());
  const auto deleted =
      tx.exec_params0(
            "DELETE FROM idempotency_keys k WHERE k.created_at < now() - make_interval(hours => $1::int) "
            "OR EXISTS (SELECT 1 FROM json_array_elements_text($2::json) AS i(id) "
            "WHERE position(i.id IN k.body) > 0)",
            policy.idempotency_retention_hours, ids_json(all))
          .affected_rows();
  report.idempotency_answers_deleted = static_cast<std::int64_t>(deleted);

  for (const auto& h : report.households) {
    ex.touched("household", h.household.id, h.household.version, true);
    for (const auto& p : h.persons) ex.touched("person", p.id, p.version, true);
    for (const auto& q : h.requests) ex.touched("request", q.id, q.version, true);
  }
}

void erase_keys(pqxx::transaction_base& tx, RetentionReport& report, std::int64_t seq) {
  report.seq = seq;
  report.person_keys_erased = erase_subject_keys(tx, report.person_keys, seq);
  report.period_keys_erased = erase_subject_keys(tx, report.period_keys, seq);
  if (report.households.empty()) return;
  std::string rows = "[";
  for (const auto& h : report.households) {
    if (rows.size() > 1) rows += ',';
    rows += "{\"id\":" + std::to_string(h.household.id) + ",\"last\":\"" + h.last_activity + "\"}";
  }
  rows += ']';
  tx.exec_params0(
      "INSERT INTO retention_forgotten (household_id, last_activity, forgotten_at, seq) "
      "SELECT id, last, now(), $2 FROM json_to_recordset($1::json) AS r(id bigint, last timestamptz) "
      "ON CONFLICT (household_id) DO UPDATE SET last_activity = EXCLUDED.last_activity, "
      "forgotten_at = EXCLUDED.forgotten_at, seq = EXCLUDED.seq",
      rows, seq);
}

std::string RetentionReport::to_json() const {
  return resources::json_text([&](JsonWriter& w) {
    auto ids = [&w](std::string_view key, const std::vector<RetainedRecord>& records) {
      put(w, key);
      w.StartArray();
      for (const auto& r : records) put(w, std::to_string(r.id));
      w.EndArray();
    };
    auto count = [&w](std::string_view key, std::int64_t n) {
      put(w, key);
      w.Int64(n);
    };
    w.StartObject();
    put(w, "dryRun");
    w.Bool(dry_run);
    count("retentionDays", retention_days);
    put(w, "cutoff", cutoff);
    put(w, "households");
    w.StartArray();
    for (const auto& h : households) {
      w.StartObject();
      put(w, "id", std::to_string(h.household.id));
      put(w, "lastActivity", h.last_activity);
      ids("persons", h.persons);
      ids("requests", h.requests);
      w.EndObject();
    }
    w.EndArray();
    put(w, "periodKeys", period_keys);
    put(w, "counts");
    w.StartObject();
    count("households", static_cast<std::int64_t>(households.size()));
    count("persons", static_cast<std::int64_t>(person_count()));
    count("requests", static_cast<std::int64_t>(request_count()));
    count("personKeys", static_cast<std::int64_t>(person_keys.size()));
    count("periodKeys", static_cast<std::int64_t>(period_keys.size()));
    count("snapshotsAnonymised", snapshots_anonymised);
    count("idempotencyAnswersDeleted", idempotency_answers_deleted);
    count("clearRecords", clear_records);
    w.EndObject();
    w.EndObject();
  });
}

std::string RetentionReport::to_text() const {
  std::ostringstream out;
  out << (dry_run ? "retention dry run (nothing changed)" : "retention run") << ": households without activity since "
      << cutoff << " (" << retention_days << " days)\n";
  out << "  households: " << households.size() << "\n";
  out << "  persons:    " << person_count() << " (audit keys " << (dry_run ? "to erase: " : "erased: ")
      << (dry_run ? static_cast<int>(person_keys.size()) : person_keys_erased) << ")\n";
  out << "  requests:   " << request_count() << "\n";
  out << "  months:     " << (dry_run ? static_cast<int>(period_keys.size()) : period_keys_erased) << " audit keys "
      << (dry_run ? "to erase" : "erased");
  if (!period_keys.empty()) out << " (" << period_keys.front() << " to " << period_keys.back() << ")";
  out << "\n";
  if (!dry_run) {
    out << "  snapshots anonymised: " << snapshots_anonymised << "\n";
    out << "  idempotency answers deleted: " << idempotency_answers_deleted << "\n";
    if (seq) out << "  recorded as exchange " << seq << " of the audit log\n";
  }
  constexpr std::size_t kListed = 50;
  for (std::size_t i = 0; i < households.size() && i < kListed; ++i) {
    const auto& h = households[i];
    out << "  household " << h.household.id << ": last activity " << h.last_activity << ", " << h.persons.size()
        << " persons, " << h.requests.size() << " requests\n";
  }
  if (households.size() > kListed) out << "  ... and " << households.size() - kListed << " more households\n";
  if (clear_records)
    out << "  warning: " << clear_records
        << " audit records written before sealing name these records in clear (see docs/audit/retention.md)\n";
  return out.str();
}

}  // namespace siao::audit
