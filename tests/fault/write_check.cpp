#include "tests/fault/write_check.hpp"

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>

#include <map>
#include <pqxx/pqxx>
#include <set>
#include <sstream>
#include <tuple>

#include "tests/support/gateway_process.hpp"

namespace siao::test::fault {

namespace {

using Ref = std::tuple<std::string, long long, int>;  // kind, id, version

struct Record {
  long long seq = 0;
  int status = 0;
  std::vector<Ref> written;
};

bool is_2xx(int status) { return status >= 200 && status < 300; }

std::string describe(const Ref& r) {
  return std::get<0>(r) + " " + std::to_string(std::get<1>(r)) + " v" + std::to_string(std::get<2>(r));
}

std::string describe(const Call& c) {
  std::string out = std::string(op_name(c.op)) + " " + c.method + " " + c.target + " (request ids";
  for (const auto& a : c.attempts) out += " " + a.request_id + ":" + std::to_string(a.status);
  return out + (c.idempotency_key.empty() ? ")" : ", key " + c.idempotency_key + ")");
}

std::string text_at(const std::string& json, const std::string& pointer) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError()) return "<not JSON>";
  const auto* v = rapidjson::Pointer(pointer.c_str()).Get(d);
  if (!v) return "<absent>";
  if (v->IsString()) return {v->GetString(), v->GetStringLength()};
  if (v->IsInt()) return std::to_string(v->GetInt());
  if (v->IsArray()) return "[" + std::to_string(v->Size()) + "]";
  return "<other>";
}

// Everything the checks read, in one read-only snapshot of the database.
struct Database {
  std::map<std::string, std::vector<Record>> records;  // write exchanges by request id
  std::map<Ref, std::string> snapshots;                 // resource_versions
  std::map<std::pair<std::string, long long>, int> current;
  std::map<std::string, std::vector<std::pair<long long, long long>>> persons_named;  // last name: (person, household)
  std::map<std::pair<std::string, std::string>, std::string> idempotent;             // (client, key): stored body
  std::vector<std::string> invariant_problems;

  explicit Database(const std::string& url) {
    pqxx::connection c(url);
    pqxx::read_transaction t(c);
    for (const auto& row : t.exec(
             "SELECT a.request_id, a.seq, a.status, r->>'kind', (r->>'id')::bigint, (r->>'version')::int "
             "FROM audit_exchanges a LEFT JOIN LATERAL json_array_elements(a.resources) r "
             "ON (r->>'written')::boolean WHERE a.method NOT IN ('GET', 'HEAD') ORDER BY a.seq")) {
      auto& list = records[row[0].as<std::string>()];
      auto seq = row[1].as<long long>();
      if (list.empty() || list.back().seq != seq) list.push_back({seq, row[2].as<int>(), {}});
      if (!row[3].is_null()) list.back().written.emplace_back(row[3].as<std::string>(), row[4].as<long long>(), row[5].as<int>());
    }
    for (const auto& row : t.exec("SELECT kind, id, version, snapshot::text FROM resource_versions"))
      snapshots[{row[0].as<std::string>(), row[1].as<long long>(), row[2].as<int>()}] = row[3].as<std::string>();
    for (const auto& row : t.exec("SELECT 'household', id, version FROM households UNION ALL "
                                  "SELECT 'person', id, version FROM persons UNION ALL "
                                  "SELECT 'request', id, version FROM requests"))
      current[{row[0].as<std::string>(), row[1].as<long long>()}] = row[2].as<int>();
    for (const auto& row : t.exec("SELECT last_name, id, household_id FROM persons"))
      persons_named[row[0].as<std::string>()].emplace_back(row[1].as<long long>(), row[2].as<long long>());
    for (const auto& row : t.exec("SELECT client_id, key, body FROM idempotency_keys"))
      idempotent[{row[0].as<std::string>(), row[1].as<std::string>()}] = row[2].as<std::string>();
    check_invariants(t);
  }

  // Whatever any client was told: no half effect anywhere in the database.
  void check_invariants(pqxx::read_transaction& t) {
    // Each record has every version from 1 to its current one, and no version lacks its record.
    for (const auto& row : t.exec(
             "WITH cur AS (SELECT 'household'::text AS kind, id, version FROM households UNION ALL "
             "SELECT 'person', id, version FROM persons UNION ALL SELECT 'request', id, version FROM requests), "
             "v AS (SELECT kind, id, count(*) AS n, min(version) AS lo, max(version) AS hi "
             "FROM resource_versions GROUP BY kind, id) "
             "SELECT coalesce(cur.kind, v.kind), coalesce(cur.id, v.id), cur.version, v.n, v.lo, v.hi "
             "FROM cur FULL JOIN v ON v.kind = cur.kind AND v.id = cur.id "
             "WHERE cur.id IS NULL OR v.id IS NULL OR v.n <> cur.version OR v.lo <> 1 OR v.hi <> cur.version"))
      invariant_problems.push_back("versions of " + row[0].as<std::string>() + " " + row[1].as<std::string>() +
                                   " do not match its row: current " + row[2].c_str() + ", kept " + row[3].c_str() +
                                   " from " + row[4].c_str() + " to " + row[5].c_str());
    // Each version: exactly one event, exactly one 2xx audit record naming it as written, the event's.
    const char* written =
        "w AS (SELECT a.seq, a.status, r->>'kind' AS kind, (r->>'id')::bigint AS id, (r->>'version')::int AS version "
        "FROM audit_exchanges a CROSS JOIN LATERAL json_array_elements(a.resources) r WHERE (r->>'written')::boolean), "
        "ev AS (SELECT resource AS kind, id, version, count(*) AS n, min(exchange_seq) AS seq FROM events GROUP BY 1, 2, 3), "
        "wr AS (SELECT kind, id, version, count(*) AS n, min(seq) AS seq, bool_and(status BETWEEN 200 AND 299) AS ok "
        "FROM w GROUP BY 1, 2, 3) ";
    for (const auto& row : t.exec(
             std::string("WITH ") + written +
             "SELECT rv.kind, rv.id, rv.version, coalesce(ev.n, 0), coalesce(wr.n, 0), ev.seq, wr.seq, wr.ok "
             "FROM resource_versions rv LEFT JOIN ev USING (kind, id, version) LEFT JOIN wr USING (kind, id, version) "
             "WHERE ev.n IS DISTINCT FROM 1 OR wr.n IS DISTINCT FROM 1 OR ev.seq IS DISTINCT FROM wr.seq "
             "OR NOT wr.ok"))
      invariant_problems.push_back(row[0].as<std::string>() + " " + row[1].as<std::string>() + " v" +
                                   row[2].as<std::string>() + ": " + row[3].as<std::string>() + " event(s), " +
                                   row[4].as<std::string>() + " audit record(s) naming it (event's record " +
                                   row[5].c_str() + ", audit's " + row[6].c_str() + ", 2xx " + row[7].c_str() + ")");
    for (const auto& row : t.exec(
             std::string("WITH ") + written +
             "SELECT 'an event', kind, id, version FROM ev UNION ALL SELECT 'an audit record', kind, id, version FROM wr "
             "EXCEPT ALL SELECT x, kind, id, version FROM resource_versions, (VALUES ('an event'), ('an audit record')) AS s(x)"))
      invariant_problems.push_back(row[0].as<std::string>() + " names " + row[1].as<std::string>() + " " +
                                   row[2].as<std::string>() + " v" + row[3].as<std::string>() +
                                   ", a version that was never kept");
    // Each household: members, and the members its current version shows.
    for (const auto& row : t.exec(
             "SELECT h.id, json_array_length(rv.snapshot->'members'), "
             "(SELECT count(*) FROM persons p WHERE p.household_id = h.id AND p.status = 'active') AS n "
             "FROM households h JOIN resource_versions rv ON rv.kind = 'household' AND rv.id = h.id "
             "AND rv.version = h.version "
             "WHERE json_array_length(rv.snapshot->'members') IS DISTINCT FROM "
             "(SELECT count(*) FROM persons p WHERE p.household_id = h.id AND p.status = 'active') "
             "OR NOT EXISTS (SELECT 1 FROM persons p WHERE p.household_id = h.id)"))
      invariant_problems.push_back("household " + row[0].as<std::string>() + " shows " + row[1].c_str() +
                                   " member(s) and has " + row[2].as<std::string>());
  }
};

int answered_version(const Attempt& a) {
  rapidjson::Document d;
  d.Parse(a.body.c_str());
  return !d.HasParseError() && d.IsObject() && d.HasMember("version") && d["version"].IsInt() ? d["version"].GetInt() : 0;
}

std::string answered_id(const Call& c, const Attempt& a) {
  return text_at(a.body, c.op == Op::famille_create ? "/idMenageSiao" : "/id");
}

// One call against the database; true when it was acknowledged and is not there as answered.
bool check_call(const Call& c, const Database& db, CheckResult& r) {
  const Attempt* ack = c.acknowledged();
  bool lost = false;
  auto problem = [&](const std::string& what, bool loses) {
    r.problems.push_back(what + ": " + describe(c));
    if (loses && ack) lost = true;
  };

  // Each attempt: at most one audit record, with the status answered; a 2xx answer always has one.
  std::vector<const Record*> committed;
  for (const auto& a : c.attempts) {
    auto it = db.records.find(a.request_id);
    const std::vector<Record> none;
    const auto& records = it == db.records.end() ? none : it->second;
    if (records.size() > 1) problem(std::to_string(records.size()) + " audit records for one request", true);
    if (a.ok() && records.empty()) problem("answered " + std::to_string(a.status) + " without an audit record", true);
    if (!records.empty() && a.status != 0 && records[0].status != a.status &&
        !(a.status == 503 && a.slug() == "outcome-unknown"))
      problem("answered " + std::to_string(a.status) + " but recorded " + std::to_string(records[0].status), true);
    if (!records.empty() && is_2xx(records[0].status)) committed.push_back(records.data());
  }

  // The call's effect: what its committed exchanges wrote to its resource.
  std::set<Ref> effect;
  for (const auto* rec : committed)
    for (const auto& w : rec->written) {
      if (std::get<0>(w) != c.kind) continue;
      if (c.creates() ? std::get<2>(w) == 1 : std::to_string(std::get<1>(w)) == c.id) effect.insert(w);
    }
  if (effect.size() > 1) problem(std::to_string(effect.size()) + " effects for one call", true);
  if (ack) {
    if (effect.size() != 1) problem("acknowledged, but no effect recorded", true);
    for (const auto& a : c.attempts)
      if (a.ok() && answered_id(c, a) != c.id) problem("two 2xx answers name different records", true);
  } else if (effect.size() == 1) {
    ++r.effects_unanswered;
  }

  for (const auto& e : effect) {
    auto snapshot = db.snapshots.find(e);
    if (snapshot == db.snapshots.end()) {
      problem("recorded " + describe(e) + " is not in resource_versions", true);
      continue;
    }
    if (ack && std::to_string(std::get<1>(e)) != c.id) problem("answered " + c.id + ", wrote " + describe(e), true);
    if (ack && !c.creates() && answered_version(*ack) != std::get<2>(e))
      problem("answered version " + std::to_string(answered_version(*ack)) + ", wrote " + describe(e), true);
    if (!c.pointer.empty() && text_at(snapshot->second, c.pointer) != c.value)
      problem(describe(e) + " holds " + c.pointer + " = " + text_at(snapshot->second, c.pointer) + ", not " + c.value, true);
    auto now = db.current.find({std::get<0>(e), std::get<1>(e)});
    if (now == db.current.end() || now->second < std::get<2>(e)) problem(describe(e) + " is gone from its table", true);
  }

  // Creates: the persons sent, all of them in the record created, or none anywhere.
  if (!c.marker.empty()) {
    auto named = db.persons_named.find(c.marker);
    std::size_t found = named == db.persons_named.end() ? 0 : named->second.size();
    if (effect.empty() && found) problem(std::to_string(found) + " person(s) written without a recorded effect", true);
    if (effect.size() == 1) {
      auto id = std::get<1>(*effect.begin());
      if (found != static_cast<std::size_t>(c.persons)) problem(std::to_string(found) + " of " + std::to_string(c.persons) + " persons", true);
      else
        for (const auto& [person, household] : named->second)
          if ((c.kind == "household" ? household : person) != id) problem("a person outside the record created", true);
      if (c.kind == "household") {
        auto first = db.snapshots.find({"household", id, 1});
        if (first != db.snapshots.end() && text_at(first->second, "/members") != "[" + std::to_string(c.persons) + "]")
          problem("version 1 shows " + text_at(first->second, "/members") + " members", true);
      }
    }
  }

  // A keyed 2xx answer is kept for replays, naming the same record.
  if (ack && !c.idempotency_key.empty()) {
    std::string client = c.api_key == kRosalieKey ? "rosalie" : "siao-backoffice";
    auto stored = db.idempotent.find({client, c.idempotency_key});
    if (stored == db.idempotent.end()) problem("the answer kept for its Idempotency-Key is missing", true);
    else if (stored->second.find("\"" + c.id + "\"") == std::string::npos)
      problem("the answer kept for its Idempotency-Key names another record", true);
  }
  return lost;
}

}  // namespace

std::string CheckResult::summary() const {
  std::ostringstream s;
  s << "writes " << writes << ", acknowledged " << acknowledged << ", refused " << refused
    << ", unanswered or 503 " << unanswered << " (cut short in flight: " << cut_short
    << ", committed whole: " << effects_unanswered << "), keyed POSTs retried " << retried
    << " (replayed: " << replayed << "), lost " << lost << ", problems " << problems.size();
  return s.str();
}

CheckResult check_writes(const std::string& database_url, const std::vector<Call>& calls) {
  CheckResult r;
  Database db(database_url);
  r.problems = db.invariant_problems;
  for (const auto& c : calls) {
    if (!c.writes()) continue;
    ++r.writes;
    const Attempt* ack = c.acknowledged();
    if (ack) ++r.acknowledged;
    else if (!c.attempts.empty() && c.attempts.back().status >= 400 && c.attempts.back().status < 500) ++r.refused;
    else ++r.unanswered;
    for (const auto& a : c.attempts)
      if (a.status == 0 && a.error.find("refused") == std::string::npos) {
        ++r.cut_short;
        r.cut.push_back(describe(c) + ": " + a.error + " after " +
                        std::to_string(std::chrono::duration<double>(a.answered - a.sent).count()) + " s" +
                        (ack ? ", then acknowledged" + std::string(ack->replayed ? " (replayed)" : "") : ""));
        break;
      }
    if (c.attempts.size() > 1 && !c.idempotency_key.empty()) {
      ++r.retried;
      if (ack && ack->replayed) ++r.replayed;
    }
    if (check_call(c, db, r)) ++r.lost;
  }
  return r;
}

std::string audit_verify_failure(const std::string& database_url) {
  auto run = run_gateway({"audit", "verify"}, {{"DATABASE_URL", database_url}});
  if (run.exit_code == 0 && run.output.find("\"ok\":true") != std::string::npos) return {};
  return "exit " + std::to_string(run.exit_code) + ": " + run.output;
}

}  // namespace siao::test::fault
