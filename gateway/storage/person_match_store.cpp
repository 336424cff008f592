#include "gateway/storage/person_match_store.hpp"

#include <algorithm>
#include <charconv>
#include <pqxx/pqxx>

#include "gateway/storage/resource_store.hpp"

namespace siao::storage {

namespace {

std::optional<int> birth_year(const std::optional<std::string>& date) {
  if (!date || date->size() < 4) return std::nullopt;
  int year = 0;
  auto [end, ec] = std::from_chars(date->data(), date->data() + 4, year);
  if (ec != std::errc() || end != date->data() + 4) return std::nullopt;
  return year;
}

// Pairs of a family-name code and a first-name code find a person whatever became of the birth date; a code
// with the year finds one whose other name was mistyped. Family-name codes alone are the last resort of a
// query that gives nothing else.
void add_keys(std::vector<std::string>& keys, const matching::PersonFields& p, bool family_alone) {
  const auto codes = matching::blocking_keys(p);
  const auto& names = codes.family;
  const auto& firsts = codes.first;
  for (const auto& n : names)
    for (const auto& f : firsts) keys.push_back("p:" + std::min(n, f) + "|" + std::max(n, f));
  if (const auto year = birth_year(p.birth_date)) {
    const std::string y = std::to_string(*year);
    for (const auto& n : names) keys.push_back("y:" + n + ":" + y);
    for (const auto& f : firsts) keys.push_back("y:" + f + ":" + y);
  }
  if (family_alone)
    for (const auto& n : names) keys.push_back("n:" + n);
}

std::vector<std::string> sorted_unique(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace

const std::vector<PreparedStatement>& person_match_statements() {
  static const std::vector<PreparedStatement> all = {
      // The keys come as a JSON array: libpqxx 6.4 has no array parameters. Persons sharing more of the
      // query's keys come first (a pair and a year beat either alone), so that the cap on candidates drops the
      // least likely ones; the territory is checked before the cap, and not at all for a client of every one.
      {"person_match_candidates",
       "WITH q AS (SELECT ARRAY(SELECT json_array_elements_text($1::json))::text[] COLLATE \"C\" AS keys) "
       "SELECT p.id, p.household_id, p.version, p.last_name, p.birth_name, p.first_names, p.birth_date, "
       "p.nationality FROM q, persons p "
       "WHERE p.match_keys && q.keys AND p.status = 'active' AND p.id <> $3 "
       "AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM households h WHERE h.id = p.household_id "
       "AND h.territory IN (SELECT json_array_elements_text($2::json)))) "
       "ORDER BY (SELECT count(*) FROM unnest(p.match_keys) AS k WHERE k = ANY (q.keys)) DESC, p.id "
       "LIMIT $4"},
  };
  return all;
}

matching::PersonFields match_fields(const resources::Person& p) {
  matching::PersonFields f;
  f.last_name = p.last_name;
  f.birth_name = p.birth_name;
  f.first_names = p.first_names;
  f.birth_date = p.birth_date;
  f.nationality = p.nationality;
  return f;
}

long long backfill_match_keys(const std::string& url) {
  pqxx::connection c(url);
  long long done = 0;
  std::int64_t after = 0;
  for (;;) {
    pqxx::work tx(c);
    const auto rows = tx.exec_params(
        "SELECT id, version, last_name, birth_name, first_names, birth_date FROM persons "
        "WHERE cardinality(match_keys) = 0 AND id > $1 ORDER BY id LIMIT 1000",
        after);
    if (rows.empty()) break;
    std::string keys = "[";
    for (const auto& row : rows) {
      matching::PersonFields f;
      f.last_name = row[2].as<std::string>();
      if (!row[3].is_null()) f.birth_name = row[3].as<std::string>();
      f.first_names = text_array_of(row[4]);
      if (!row[5].is_null()) f.birth_date = row[5].as<std::string>();
      if (keys.size() > 1) keys += ',';
      keys += "{\"id\":" + row[0].as<std::string>() + ",\"version\":" + row[1].as<std::string>() +
              ",\"keys\":" + json_string_array(stored_match_keys(f)) + "}";
      after = row[0].as<std::int64_t>();
    }
    keys += ']';
    const auto updated =
        tx.exec_params("UPDATE persons p SET match_keys = ARRAY(SELECT json_array_elements_text(r.keys)) "
                       "FROM json_to_recordset($1::json) AS r(id bigint, version integer, keys json) "
                       "WHERE p.id = r.id AND p.version = r.version AND cardinality(p.match_keys) = 0",
                       keys)
            .affected_rows();
    done += static_cast<long long>(updated);
    tx.commit();
  }
  return done;
}

std::vector<std::string> stored_match_keys(const matching::PersonFields& person) {
  std::vector<std::string> keys;
  add_keys(keys, person, true);
  return sorted_unique(std::move(keys));
}

std::vector<std::string> query_match_keys(const matching::PersonFields& query) {
  std::vector<std::string> keys;
  // With first names or a year, the narrower keys suffice: a family-name code alone would fetch every namesake.
  add_keys(keys, query, query.first_names.empty() && !birth_year(query.birth_date));
  return sorted_unique(std::move(keys));
}

std::vector<MatchCandidate> find_match_candidates(pqxx::transaction_base& tx, const std::vector<std::string>& keys,
                                                  const std::optional<std::vector<std::string>>& territories,
                                                  int limit, std::int64_t excluded) {
  std::vector<MatchCandidate> out;
  if (keys.empty()) return out;
  const std::string where = territories ? json_string_array(*territories) : std::string();
  const pqxx::result rows = tx.exec_prepared("person_match_candidates", json_string_array(keys),
                                             territories ? where.c_str() : nullptr, excluded, limit);
  out.reserve(rows.size());
  for (const auto& row : rows) {
    MatchCandidate c;
    c.id = row[0].as<std::int64_t>();
    c.household_id = row[1].as<std::int64_t>();
    c.version = row[2].as<int>();
    c.fields.last_name = row[3].as<std::string>();
    if (!row[4].is_null()) c.fields.birth_name = row[4].as<std::string>();
    c.fields.first_names = text_array_of(row[5]);
    if (!row[6].is_null()) c.fields.birth_date = row[6].as<std::string>();
    if (!row[7].is_null()) c.fields.nationality = row[7].as<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace siao::storage
