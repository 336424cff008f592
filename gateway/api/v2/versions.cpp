#include "gateway/api/v2/versions.hpp"

#include "gateway/api/v2/support.hpp"
#include "gateway/domain/dates.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::api::v2 {

domain::CivilDate today_of(const audit::Exchange& ex) {
  return domain::paris_date(ex.now_at());
}

void stamp(resources::Metadata& meta, const audit::Exchange& ex, bool created) {
  if (created) {
    meta.version = 1;
    meta.created_at = ex.now();
  } else {
    ++meta.version;
  }
  meta.updated_at = ex.now();
  meta.updated_by = std::string(ex.client_id());
}

namespace {

// Keeps `snapshot` as the resource's new version in history, and returns it.
std::string keep(audit::Exchange& ex, std::string_view kind, std::int64_t id, const resources::Metadata& m,
                 std::string_view change, std::string snapshot, storage::VersionFacts facts) {
  ex.add_version(kind, id, {m.version, m.updated_at, m.updated_by, std::string(change), snapshot}, std::move(facts));
  ex.touched(kind, id, m.version, true);
  return snapshot;
}

}  // namespace

std::string record(audit::Exchange& ex, const resources::Household& h, std::string_view change) {
  return keep(ex, "household", h.id, h.meta, change, resources::to_json(h, today_of(ex)),
              {h.id, h.territory, h.merged_into});
}

std::string record(audit::Exchange& ex, const resources::Person& p, std::string_view change) {
  return keep(ex, "person", p.id, p.meta, change, resources::to_json(p), {p.household_id, std::nullopt, p.merged_into});
}

std::string record(audit::Exchange& ex, const resources::HousingRequest& r, std::string_view change) {
  return keep(ex, "request", r.id, r.meta, change, resources::to_json(r), {r.household_id, r.territory, std::nullopt});
}

namespace {
[[noreturn]] void lost_race() {
  // The row was locked FOR UPDATE before: only a bug gets here.
  throw std::logic_error("a locked resource changed version under its lock");
}

// The row was locked FOR UPDATE before, so the update can only miss on a bug.
template <class Resource, class Update>
std::string save_locked(pqxx::transaction_base& tx, audit::Exchange& ex, Resource& r, std::string_view change,
                        Update update) {
  int previous = r.meta.version;
  stamp(r.meta, ex, false);
  if (!update(tx, r, previous)) lost_race();
  return record(ex, r, change);
}

}  // namespace

std::string save(pqxx::transaction_base& tx, audit::Exchange& ex, resources::Household& h, std::string_view change) {
  return save_locked(tx, ex, h, change, storage::update_household);
}

std::string save(pqxx::transaction_base& tx, audit::Exchange& ex, resources::Person& p, std::string_view change) {
  return save_locked(tx, ex, p, change, storage::update_person);
}

std::string save(pqxx::transaction_base& tx, audit::Exchange& ex, resources::HousingRequest& r, std::string_view change) {
  return save_locked(tx, ex, r, change, storage::update_request);
}

http::Response history_response(const std::vector<storage::VersionRecord>& versions) {
  return json_response(200, resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "items");
    w.StartArray();
    for (const auto& v : versions) {
      w.StartObject();
      resources::put(w, "version");
      w.Int(v.version);
      resources::put(w, "at", v.at);
      resources::put(w, "by", v.by);
      resources::put(w, "change", v.change);
      resources::put(w, "snapshot");
      w.RawValue(v.snapshot.data(), v.snapshot.size(), rapidjson::kObjectType);
      w.EndObject();
    }
    w.EndArray();
    resources::put(w, "next");
    w.Null();
    w.EndObject();
  }));
}

}  // namespace siao::api::v2
