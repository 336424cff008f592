#include "gateway/storage/resource_store.hpp"

#include "gateway/storage/person_match_store.hpp"

#include <pqxx/pqxx>
#include <rapidjson/document.h>

namespace siao::storage {

namespace {

using resources::Household;
using resources::HousingRequest;
using resources::Person;

const char* nullable(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }

std::optional<std::string> opt_text(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::string>();
}

std::optional<std::int64_t> opt_id(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<std::int64_t>();
}

// What duplicate search finds a person by, kept with every version of it.
std::vector<std::string> match_keys_of(const Person& p) { return stored_match_keys(match_fields(p)); }

std::string opt_id_text(const std::optional<std::int64_t>& id) { return id ? std::to_string(*id) : std::string(); }

// A household's partner keys, as [[partner, key], ...] text (null when it has none).
#define SIAO_PARTNER_KEYS_OF(id)                                                                              \
  "(SELECT json_agg(json_build_array(k.partner, k.key) ORDER BY k.partner, k.key) FROM partner_keys k "        \
  "WHERE k.kind = 'household' AND k.siao_id = " id ")::text"
constexpr const char* kHouseholdColumns =
    "id, territory, status, merged_into, version, rfc3339(created_at), rfc3339(updated_at), updated_by, "
    SIAO_PARTNER_KEYS_OF("households.id");
constexpr const char* kPersonColumns =
    "id, household_id, role, last_name, birth_name, first_names, sex, birth_date, nationality, phone, email, status, "
    "merged_into, version, rfc3339(created_at), rfc3339(updated_at), updated_by";
// A household and its active members in one round trip: one row per member
// (or one row of nulls after the household's columns when it has none).
constexpr const char* kHouseholdsWithMembers =
    "SELECT h.id, h.territory, h.status, h.merged_into, h.version, rfc3339(h.created_at), rfc3339(h.updated_at), "
    "h.updated_by, pk.keys, p.id, p.household_id, p.role, p.last_name, p.birth_name, p.first_names, p.sex, "
    "p.birth_date, p.nationality, p.phone, p.email, p.status, p.merged_into, p.version, rfc3339(p.created_at), "
    "rfc3339(p.updated_at), p.updated_by FROM households h "
    // Lateral: the keys are gathered once per household, not once per member row.
    "LEFT JOIN LATERAL (SELECT " SIAO_PARTNER_KEYS_OF("h.id") " AS keys) pk ON true "
    "LEFT JOIN persons p ON p.household_id = h.id AND p.status = 'active' WHERE ";
#undef SIAO_PARTNER_KEYS_OF
constexpr int kFirstMemberColumn = 9;
constexpr const char* kRequestColumns =
    "id, household_id, kind, territory, status, requested_services, rfc3339(submitted_at), orientation, proposal, "
    "placement, history, version, rfc3339(created_at), rfc3339(updated_at), updated_by";

resources::Metadata metadata(const pqxx::row& r, int first) {
  // (version, created_at, updated_at, updated_by) from column `first` on.
  return {r[first].as<int>(), r[first + 1].as<std::string>(), r[first + 2].as<std::string>(),
          r[first + 3].as<std::string>()};
}

Household household_from(const pqxx::row& r) {
  Household h;
  h.id = r[0].as<std::int64_t>();
  h.territory = r[1].as<std::string>();
  h.status = r[2].as<std::string>();
  h.merged_into = opt_id(r[3]);
  h.meta = metadata(r, 4);
  if (!r[8].is_null()) {
    rapidjson::Document keys;
    keys.Parse(r[8].c_str(), r[8].size());
    for (const auto& k : keys.GetArray()) h.partner_keys.push_back({k[0].GetString(), k[1].GetString()});
  }
  return h;
}

// `at`: the person's first column in the row.
Person person_from(const pqxx::row& r, int at = 0) {
  Person p;
  p.id = r[at].as<std::int64_t>();
  p.household_id = r[at + 1].as<std::int64_t>();
  p.role = r[at + 2].as<std::string>();
  p.last_name = r[at + 3].as<std::string>();
  p.birth_name = opt_text(r[at + 4]);
  p.first_names = text_array_of(r[at + 5]);
  p.sex = r[at + 6].as<std::string>();
  p.birth_date = opt_text(r[at + 7]);
  p.nationality = opt_text(r[at + 8]);
  p.phone = opt_text(r[at + 9]);
  p.email = opt_text(r[at + 10]);
  p.status = r[at + 11].as<std::string>();
  p.merged_into = opt_id(r[at + 12]);
  p.meta = metadata(r, at + 13);
  return p;
}

HousingRequest request_from(const pqxx::row& r) {
  HousingRequest q;
  q.id = r[0].as<std::int64_t>();
  q.household_id = r[1].as<std::int64_t>();
  q.kind = r[2].as<std::string>();
  q.territory = r[3].as<std::string>();
  q.status = r[4].as<std::string>();
  q.requested_services = text_array_of(r[5]);
  q.submitted_at = r[6].as<std::string>();
  q.orientation = opt_text(r[7]);
  q.proposal = opt_text(r[8]);
  q.placement = opt_text(r[9]);
  q.history = r[10].as<std::string>();
  q.meta = metadata(r, 11);
  return q;
}

// Rows of kHouseholdsWithMembers, grouped: one household per run of rows.
std::vector<Household> households_from(const pqxx::result& rows) {
  std::vector<Household> out;
  for (const auto& row : rows) {
    auto id = row[0].as<std::int64_t>();
    if (out.empty() || out.back().id != id) out.push_back(household_from(row));
    if (!row[kFirstMemberColumn].is_null()) out.back().members.push_back(person_from(row, kFirstMemberColumn));
  }
  return out;
}

std::string select(const char* columns, const char* table, const char* where) {
  return std::string("SELECT ") + columns + " FROM " + table + " WHERE " + where;
}

}  // namespace

std::vector<std::string> text_array_of(const pqxx::field& f) {
  std::vector<std::string> out;
  auto parser = f.as_array();
  for (auto [kind, value] = parser.get_next(); kind != pqxx::array_parser::done; std::tie(kind, value) = parser.get_next())
    if (kind == pqxx::array_parser::string_value) out.push_back(value);
  return out;
}

std::string json_string_array(const std::vector<std::string>& values) {
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartArray();
    for (const auto& v : values) resources::put(w, v);
    w.EndArray();
  });
}

const std::vector<PreparedStatement>& resource_statements() {
  static const std::vector<PreparedStatement> all = {
      {"mint_persons", "SELECT nextval('person_ids') FROM generate_series(1, $1::int)"},
      {"mint_household_and_persons",
       "SELECT nextval('household_ids'), ARRAY(SELECT nextval('person_ids') FROM generate_series(1, $1::int))"},
      {"mint_request", "SELECT nextval('request_ids')"},
      {"select_household", std::string(kHouseholdsWithMembers) + "h.id = $1 ORDER BY p.id"},
      {"select_households",
       std::string(kHouseholdsWithMembers) +
           "h.id IN (SELECT json_array_elements_text($1::json)::bigint) ORDER BY h.id, p.id"},
      {"select_household_locked", select(kHouseholdColumns, "households", "id = $1 FOR UPDATE")},
      {"lock_households", "SELECT id FROM households WHERE id IN ($1, $2) ORDER BY id FOR UPDATE"},
      {"select_members", select(kPersonColumns, "persons", "household_id = $1 AND status = 'active' ORDER BY id")},
      {"select_person", select(kPersonColumns, "persons", "id = $1")},
      {"select_person_locked", select(kPersonColumns, "persons", "id = $1 FOR UPDATE")},
      {"select_request", select(kRequestColumns, "requests", "id = $1")},
      {"select_request_locked", select(kRequestColumns, "requests", "id = $1 FOR UPDATE")},
      {"select_household_requests", select(kRequestColumns, "requests", "household_id = $1 ORDER BY id DESC")},
      {"insert_household",
       "INSERT INTO households (id, territory, status, merged_into, version, created_at, updated_at, updated_by) "
       "VALUES ($1, $2, $3, NULLIF($4, '')::bigint, $5, $6, $7, $8)"},
      {"update_household",
       "UPDATE households SET territory = $2, status = $3, merged_into = NULLIF($4, '')::bigint, version = $5, "
       "updated_at = $6, updated_by = $7 WHERE id = $1 AND version = $8"},
      {"insert_person",
       "INSERT INTO persons (id, household_id, role, last_name, birth_name, first_names, sex, birth_date, "
       "nationality, phone, email, status, merged_into, version, created_at, updated_at, updated_by, match_keys) "
       "VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT json_array_elements_text($6::json)), $7, $8, $9, $10, $11, $12, "
       "NULLIF($13, '')::bigint, $14, $15, $16, $17, ARRAY(SELECT json_array_elements_text($18::json)))"},
      {"update_person",
       "UPDATE persons SET household_id = $2, role = $3, last_name = $4, birth_name = $5, "
       "first_names = ARRAY(SELECT json_array_elements_text($6::json)), sex = $7, birth_date = $8, "
       "nationality = $9, phone = $10, email = $11, status = $12, merged_into = NULLIF($13, '')::bigint, "
       "version = $14, updated_at = $15, updated_by = $16, match_keys = ARRAY(SELECT json_array_elements_text($18::json)) "
       "WHERE id = $1 AND version = $17"},
      {"insert_request",
       "INSERT INTO requests (id, household_id, kind, territory, status, requested_services, submitted_at, "
       "orientation, proposal, placement, history, version, created_at, updated_at, updated_by) VALUES "
       "($1, $2, $3, $4, $5, ARRAY(SELECT json_array_elements_text($6::json)), $7, $8, $9, $10, $11, $12, $13, "
       "$14, $15)"},
      {"update_request",
       "UPDATE requests SET household_id = $2, territory = $3, status = $4, "
       "requested_services = ARRAY(SELECT json_array_elements_text($5::json)), submitted_at = $6, "
       "orientation = $7, proposal = $8, placement = $9, history = $10, version = $11, updated_at = $12, "
       "updated_by = $13 WHERE id = $1 AND version = $14"},
      {"insert_persons",
       "INSERT INTO persons (id, household_id, role, last_name, birth_name, first_names, sex, birth_date, "
       "nationality, phone, email, status, merged_into, version, created_at, updated_at, updated_by, match_keys) "
       "SELECT id, household_id, role, last_name, birth_name, ARRAY(SELECT json_array_elements_text(first_names)), "
       "sex, birth_date, nationality, phone, email, status, NULL, version, created_at, updated_at, updated_by, "
       "ARRAY(SELECT json_array_elements_text(match_keys)) "
       "FROM json_to_recordset($1::json) AS r(id bigint, household_id bigint, role text, last_name text, "
       "birth_name text, first_names json, sex text, birth_date text, nationality text, phone text, email text, "
       "status text, version integer, created_at timestamptz, updated_at timestamptz, updated_by text, "
       "match_keys json)"},
      {"insert_versions",
       "INSERT INTO resource_versions (kind, id, version, at, by, change, snapshot) "
       "SELECT kind, id, version, at, by, change, snapshot::json FROM json_to_recordset($1::json) AS r("
       "kind text, id bigint, version integer, at timestamptz, by text, change text, snapshot text)"},
      {"select_history",
       "SELECT version, rfc3339(at), by, change, snapshot FROM resource_versions "
       "WHERE kind = $1 AND id = $2 ORDER BY version"},
      {"search_households",
       "SELECT h.id FROM households h WHERE h.id > $1 "
       "AND ($2::text IS NULL OR h.territory = $2) "
       "AND ($3::json IS NULL OR h.territory IN (SELECT json_array_elements_text($3::json))) "
       "AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM persons p WHERE p.household_id = h.id "
       "AND p.status = 'active' AND upper(p.last_name) = upper($4) AND ($5::text IS NULL OR p.birth_date = $5))) "
       "AND ($4::text IS NOT NULL OR $5::text IS NULL OR EXISTS (SELECT 1 FROM persons p "
       "WHERE p.household_id = h.id AND p.status = 'active' AND p.birth_date = $5)) "
       "ORDER BY h.id LIMIT $6"},
  };
  return all;
}


std::vector<std::int64_t> mint_person_ids(pqxx::transaction_base& tx, int count) {
  std::vector<std::int64_t> ids;
  for (const auto& row : tx.exec_prepared("mint_persons", count)) ids.push_back(row[0].as<std::int64_t>());
  return ids;
}

std::int64_t mint_request_id(pqxx::transaction_base& tx) { return tx.exec_prepared1("mint_request")[0].as<std::int64_t>(); }

void lock_households(pqxx::transaction_base& tx, std::int64_t a, std::int64_t b) { tx.exec_prepared("lock_households", a, b); }

std::optional<Household> load_household(pqxx::transaction_base& tx, std::int64_t id, Lock lock) {
  if (lock == Lock::for_update) {
    // FOR UPDATE cannot lock the nullable side of an outer join: two statements.
    auto rows = tx.exec_prepared("select_household_locked", id);
    if (rows.empty()) return std::nullopt;
    auto h = household_from(rows[0]);
    h.members = load_members(tx, id);
    return h;
  }
  auto found = households_from(tx.exec_prepared("select_household", id));
  if (found.empty()) return std::nullopt;
  return std::move(found.front());
}

std::vector<Household> load_households(pqxx::transaction_base& tx, const std::vector<std::int64_t>& ids) {
  std::vector<std::string> texts;
  texts.reserve(ids.size());
  for (auto id : ids) texts.push_back(std::to_string(id));
  return households_from(tx.exec_prepared("select_households", json_string_array(texts)));
}

std::pair<std::int64_t, std::vector<std::int64_t>> mint_household_and_person_ids(pqxx::transaction_base& tx, int persons) {
  auto row = tx.exec_prepared1("mint_household_and_persons", persons);
  std::vector<std::int64_t> ids;
  for (const auto& id : text_array_of(row[1])) ids.push_back(std::stoll(id));
  return {row[0].as<std::int64_t>(), std::move(ids)};
}

std::vector<Person> load_members(pqxx::transaction_base& tx, std::int64_t household_id) {
  std::vector<Person> out;
  for (const auto& row : tx.exec_prepared("select_members", household_id)) out.push_back(person_from(row));
  return out;
}

std::optional<Person> load_person(pqxx::transaction_base& tx, std::int64_t id, Lock lock) {
  auto rows = tx.exec_prepared(lock == Lock::for_update ? "select_person_locked" : "select_person", id);
  if (rows.empty()) return std::nullopt;
  return person_from(rows[0]);
}

std::optional<HousingRequest> load_request(pqxx::transaction_base& tx, std::int64_t id, Lock lock) {
  auto rows = tx.exec_prepared(lock == Lock::for_update ? "select_request_locked" : "select_request", id);
  if (rows.empty()) return std::nullopt;
  return request_from(rows[0]);
}

std::vector<HousingRequest> load_household_requests(pqxx::transaction_base& tx, std::int64_t household_id) {
  std::vector<HousingRequest> out;
  for (const auto& row : tx.exec_prepared("select_household_requests", household_id)) out.push_back(request_from(row));
  return out;
}

void insert_household(pqxx::transaction_base& tx, const Household& h) {
  tx.exec_prepared0("insert_household", h.id, h.territory, h.status, opt_id_text(h.merged_into), h.meta.version,
                    h.meta.created_at, h.meta.updated_at, h.meta.updated_by);
}

bool update_household(pqxx::transaction_base& tx, const Household& h, int expected_version) {
  return tx.exec_prepared0("update_household", h.id, h.territory, h.status, opt_id_text(h.merged_into), h.meta.version,
                           h.meta.updated_at, h.meta.updated_by, expected_version)
             .affected_rows() == 1;
}

void insert_person(pqxx::transaction_base& tx, const Person& p) {
  tx.exec_prepared0("insert_person", p.id, p.household_id, p.role, p.last_name, nullable(p.birth_name),
                    json_string_array(p.first_names), p.sex, nullable(p.birth_date), nullable(p.nationality),
                    nullable(p.phone), nullable(p.email), p.status, opt_id_text(p.merged_into), p.meta.version,
                    p.meta.created_at, p.meta.updated_at, p.meta.updated_by, json_string_array(match_keys_of(p)));
}

void insert_persons(pqxx::transaction_base& tx, const std::vector<Person>& persons) {
  using resources::put;
  using resources::put_nullable;
  auto rows = resources::json_text([&](resources::JsonWriter& w) {
    w.StartArray();
    for (const auto& p : persons) {
      w.StartObject();
      put(w, "id");
      w.Int64(p.id);
      put(w, "household_id");
      w.Int64(p.household_id);
      put(w, "role", p.role);
      put(w, "last_name", p.last_name);
      put_nullable(w, "birth_name", p.birth_name);
      put(w, "first_names", p.first_names);
      put(w, "sex", p.sex);
      put_nullable(w, "birth_date", p.birth_date);
      put_nullable(w, "nationality", p.nationality);
      put_nullable(w, "phone", p.phone);
      put_nullable(w, "email", p.email);
      put(w, "status", p.status);
      put(w, "version");
      w.Int(p.meta.version);
      put(w, "created_at", p.meta.created_at);
      put(w, "updated_at", p.meta.updated_at);
      put(w, "updated_by", p.meta.updated_by);
      put(w, "match_keys", match_keys_of(p));
      w.EndObject();
    }
    w.EndArray();
  });
  tx.exec_prepared0("insert_persons", rows);
}

bool update_person(pqxx::transaction_base& tx, const Person& p, int expected_version) {
  return tx.exec_prepared0("update_person", p.id, p.household_id, p.role, p.last_name, nullable(p.birth_name),
                           json_string_array(p.first_names), p.sex, nullable(p.birth_date), nullable(p.nationality),
                           nullable(p.phone), nullable(p.email), p.status, opt_id_text(p.merged_into),
                           p.meta.version, p.meta.updated_at, p.meta.updated_by, expected_version,
                           json_string_array(match_keys_of(p)))
             .affected_rows() == 1;
}

void insert_request(pqxx::transaction_base& tx, const HousingRequest& r) {
  tx.exec_prepared0("insert_request", r.id, r.household_id, r.kind, r.territory, r.status,
                    json_string_array(r.requested_services), r.submitted_at, nullable(r.orientation),
                    nullable(r.proposal), nullable(r.placement), r.history, r.meta.version, r.meta.created_at,
                    r.meta.updated_at, r.meta.updated_by);
}

bool update_request(pqxx::transaction_base& tx, const HousingRequest& r, int expected_version) {
  return tx.exec_prepared0("update_request", r.id, r.household_id, r.territory, r.status,
                           json_string_array(r.requested_services), r.submitted_at, nullable(r.orientation),
                           nullable(r.proposal), nullable(r.placement), r.history, r.meta.version, r.meta.updated_at,
                           r.meta.updated_by, expected_version)
             .affected_rows() == 1;
}

std::string versions_json(const std::vector<VersionRow>& rows) {
  using resources::put;
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartArray();
    for (const auto& r : rows) {
      w.StartObject();
      put(w, "kind", r.kind);
      put(w, "id");
      w.Int64(r.id);
      put(w, "version");
      w.Int(r.record.version);
      put(w, "at", r.record.at);
      put(w, "by", r.record.by);
      put(w, "change", r.record.change);
      put(w, "snapshot", r.record.snapshot);  // a string: kept byte for byte
      w.EndObject();
    }
    w.EndArray();
  });
}

void insert_versions(pqxx::transaction_base& tx, const std::vector<VersionRow>& rows) {
  tx.exec_prepared0("insert_versions", versions_json(rows));
}

std::vector<VersionRecord> load_history(pqxx::transaction_base& tx, std::string_view kind, std::int64_t id) {
  std::vector<VersionRecord> out;
  for (const auto& row : tx.exec_prepared("select_history", std::string(kind), id))
    out.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>(), row[3].as<std::string>(),
                   row[4].as<std::string>()});
  return out;
}

std::vector<std::int64_t> search_households(pqxx::transaction_base& tx, const HouseholdSearch& q) {
  std::optional<std::string> allowed;
  if (q.allowed_territories) allowed = json_string_array(*q.allowed_territories);
  std::vector<std::int64_t> ids;
  for (const auto& row : tx.exec_prepared("search_households", q.after, nullable(q.territory), nullable(allowed),
                                          nullable(q.last_name), nullable(q.birth_date), q.limit + 1))
    ids.push_back(row[0].as<std::int64_t>());
  return ids;
}

}  // namespace siao::storage
