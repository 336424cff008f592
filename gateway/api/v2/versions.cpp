#include "gateway/api/v2/versions.hpp"

#include "gateway/api/v2/support.hpp"
#include "gateway/domain/dates.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::api::v2 {

domain::CivilDate today_of(const audit::Exchange& ex) {
  auto at = domain::parse_rfc3339(ex.now());
  return domain::paris_date(at ? *at : std::chrono::system_clock::now());
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

void record(audit::Exchange& ex, const resources::Household& h, std::string_view change) {
  ex.add_version("household", h.id,
                 {h.meta.version, h.meta.updated_at, h.meta.updated_by, std::string(change),
                  resources::to_json(h, today_of(ex))});
  ex.touched("household", h.id, h.meta.version, true);
}

void record(audit::Exchange& ex, const resources::Person& p, std::string_view change) {
  ex.add_version("person", p.id,
                 {p.meta.version, p.meta.updated_at, p.meta.updated_by, std::string(change), resources::to_json(p)});
  ex.touched("person", p.id, p.meta.version, true);
}

void record(audit::Exchange& ex, const resources::HousingRequest& r, std::string_view change) {
  ex.add_version("request", r.id,
                 {r.meta.version, r.meta.updated_at, r.meta.updated_by, std::string(change), resources::to_json(r)});
  ex.touched("request", r.id, r.meta.version, true);
}

namespace {
[[noreturn]] void lost_race() {
  // The row was locked FOR UPDATE before: only a bug gets here.
  throw std::logic_error("a locked resource changed version under its lock");
}
}  // namespace

void save(pqxx::transaction_base& tx, audit::Exchange& ex, resources::Household& h, std::string_view change) {
  int previous = h.meta.version;
  stamp(h.meta, ex, false);
  if (!storage::update_household(tx, h, previous)) lost_race();
  record(ex, h, change);
}

void save(pqxx::transaction_base& tx, audit::Exchange& ex, resources::Person& p, std::string_view change) {
  int previous = p.meta.version;
  stamp(p.meta, ex, false);
  if (!storage::update_person(tx, p, previous)) lost_race();
  record(ex, p, change);
}

void save(pqxx::transaction_base& tx, audit::Exchange& ex, resources::HousingRequest& r, std::string_view change) {
  int previous = r.meta.version;
  stamp(r.meta, ex, false);
  if (!storage::update_request(tx, r, previous)) lost_race();
  record(ex, r, change);
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
