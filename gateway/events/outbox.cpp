#include "gateway/events/outbox.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace siao::events {

using resources::JsonWriter;
using resources::put;

std::string_view event_type(std::string_view kind, std::string_view change) {
  // The labels are those gateway/api/v2 (and the adapters, through it) give resource versions. "merged" is the
  // absorbed record (mergedInto set); "absorbed" is the survivor, which only changed.
  if (kind == "household") {
    if (change == "created") return "household.created";
    if (change == "merged") return "household.merged";
    if (change == "member_left_closed" || change == "closed") return "household.closed";
    return "household.updated";  // updated, member_added/joined/left/updated, absorbed
  }
  if (kind == "person") {
    if (change == "created") return "person.created";
    if (change == "moved") return "person.moved";
    if (change == "merged") return "person.merged";
    return "person.updated";  // updated, role_changed, absorbed
  }
  if (change == "created") return "request.created";
  // A request has no merge of its own: it follows its household into a merge (label "moved"), into the survivor.
  if (change == "moved" || change == "merged") return "request.merged";
  return "request.transitioned";  // transitioned, placement_extended (Rosalie's booking extension)
}

std::vector<PendingEvent> pending_events(const audit::Exchange& ex) {
  const auto& versions = ex.versions();
  std::vector<PendingEvent> rows;
  if (versions.empty()) return rows;
  // What an event needs of a version (its household, territory and survivor) was noted when it was made. A
  // household's territory also serves its members' events (the last version of it the exchange wrote: as it
  // commits).
  rows.reserve(versions.size());
  std::map<std::int64_t, std::string> territories;
  for (const auto& v : versions) {
    PendingEvent r{event_type(v.kind, v.record.change), &v, v.facts.merged_into, v.facts.household_id,
                   v.facts.territory};
    if (v.kind == "household" && r.territory) territories[v.id] = *r.territory;
    if (*r.household == 0) throw std::logic_error("a written version names no household");
    // A request follows its household into a merge: the survivor is the household it now belongs to.
    if (r.type == "request.merged" && !r.into) r.into = r.household;
    if (r.type != "household.merged" && r.type != "person.merged" && r.type != "request.merged") r.into.reset();
    rows.push_back(std::move(r));
  }
  // A household created by this exchange comes before its members' and requests' events: a reader following
  // the feed meets the household first (the rest keeps the order of writing).
  std::stable_partition(rows.begin(), rows.end(), [](const PendingEvent& r) { return r.type == "household.created"; });
  for (auto& r : rows) {
    if (r.territory) continue;
    if (auto t = territories.find(*r.household); t != territories.end()) r.territory = t->second;
  }
  return rows;
}

void write_event_rows(JsonWriter& w, const std::vector<PendingEvent>& events, std::int64_t exchange_seq,
                      std::int64_t& n) {
  for (const auto& r : events) {
    const auto& v = *r.version;
    w.StartObject();
    put(w, "n");
    w.Int64(n++);
    put(w, "type", r.type);
    put(w, "resource", v.kind);
    put(w, "id");
    w.Int64(v.id);
    put(w, "version");
    w.Int(v.record.version);
    put(w, "at", v.record.at);
    put(w, "into_id");
    if (r.into) w.Int64(*r.into);
    else w.Null();
    resources::put_nullable(w, "territory", r.territory);
    put(w, "household_id");
    w.Int64(*r.household);
    put(w, "exchange_seq");
    w.Int64(exchange_seq);
    put(w, "client_id", v.record.by);
    w.EndObject();
  }
}

const std::vector<storage::PreparedStatement>& statements() {
  static const std::vector<storage::PreparedStatement> all = {
      // A page of the feed for a caller ($3: its territories as a JSON array, null for every one), and the last
      // seq committed (`frontier`) read in the same snapshot: every event up to it that the caller may see is
      // on this page unless the page is full, so an empty or short page's cursor can move up to it (commit
      // order: no event with a smaller seq can commit later, docs/events.md). One row even when the page is
      // empty.
      {"events_page",
       "WITH frontier AS (SELECT coalesce(max(seq), 0) AS last FROM events), "
       "page AS (SELECT seq, type, resource, id, version, rfc3339(at) AS at, into_id FROM events "
       "WHERE seq > $1 AND ($3::json IS NULL OR territory IN (SELECT json_array_elements_text($3::json))) "
       "ORDER BY seq LIMIT $2) "
       "SELECT f.last, p.seq, p.type, p.resource, p.id, p.version, p.at, p.into_id "
       "FROM frontier f LEFT JOIN page p ON true ORDER BY p.seq"},
  };
  return all;
}

}  // namespace siao::events
