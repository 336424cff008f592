// GET /api/v2/events: the change feed (spec "Change feed", docs/events.md). Events are read from the outbox the
// audit finisher fills in commit order; a caller sees the events of its contract's territories only. An event
// names a resource, its version and (for a merge) the survivor: no personal data, so no field policy applies.
#include <pqxx/pqxx>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

#include "gateway/api/v2/operation_doc.hpp"
#include "gateway/api/v2/routes.hpp"
#include "gateway/api/v2/support.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::api::v2 {

namespace {

using audit::Exchange;
using http::Response;
using resources::JsonWriter;
using resources::put;

// As page_of, but the feed's cursor may be "c0" (nothing committed yet): `next` is always a cursor.
Page feed_page_of(const http::Request& req) {
  Page page;
  if (auto limit = req.query_param("limit")) {
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), page.limit);
    if (ec != std::errc() || end != limit->data() + limit->size() || page.limit < 1 || page.limit > 500)
      throw http::HttpError(
          http::make_problem(422, "validation-failed", "limit must be a whole number from 1 to 500."));
  }
  if (auto after = req.query_param("after")) {
    std::string_view a = *after;
    bool ok = a.size() > 1 && a.front() == 'c';
    if (ok) {
      auto [end, ec] = std::from_chars(a.data() + 1, a.data() + a.size(), page.after);
      ok = ec == std::errc() && end == a.data() + a.size() && page.after >= 0;
    }
    if (!ok)
      throw http::HttpError(http::make_problem(422, "validation-failed", "after is not a cursor this API gave."));
  }
  return page;
}

Response list(pqxx::transaction_base& tx, const Exchange& ex) {
  const auto page = feed_page_of(ex.request());
  std::optional<std::string> territories;
  if (ex.client().territories) territories = storage::json_string_array(*ex.client().territories);
  // A null pointer is SQL NULL: every territory.
  auto rows = tx.exec_prepared("events_page", page.after, page.limit, territories ? territories->c_str() : nullptr);
  std::int64_t frontier = 0, last = 0;
  int count = 0;
  auto body = resources::json_text([&](JsonWriter& w) {
    w.StartObject();
    put(w, "items");
    w.StartArray();
    for (const auto& row : rows) {
      frontier = row[0].as<std::int64_t>();
      if (row[1].is_null()) continue;  // the frontier's row of an empty page
      last = row[1].as<std::int64_t>();
      ++count;
      w.StartObject();
      put(w, "seq");
      w.Int64(last);
      put(w, "type", row[2].c_str());
      put(w, "resource", row[3].c_str());
      put(w, "id", row[4].c_str());
      put(w, "version");
      w.Int(row[5].as<int>());
      put(w, "at", row[6].c_str());
      if (!row[7].is_null()) put(w, "into", row[7].c_str());
      w.EndObject();
    }
    w.EndArray();
    // A full page ends at its last event; a shorter one holds every visible event up to the frontier, so the
    // next poll starts there (past the events of other territories, without reading them again). Never back.
    auto next = count == page.limit ? last : std::max({page.after, frontier, last});
    put(w, "next", cursor_for(next));
    w.EndObject();
  });
  return json_response(200, std::move(body));
}

}  // namespace

void register_event_routes(http::Router& router, const ApiContext& ctx) {
  add_exchange_route(router, ctx, http::Method::get, std::string(kBase) + "/events", "events:read",
                     [](pqxx::transaction_base& tx, const Exchange& ex) { return list(tx, ex); },
                     operation_json({"The change feed: every change SIAO commits, in commit order, from a cursor",
                                     "events", "events:read", {}, {"after", "limit"}, "", false, false, 200,
                                     "list:event", {401, 403, 422, 503}}));
}

}  // namespace siao::api::v2
