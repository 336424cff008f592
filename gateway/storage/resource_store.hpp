#pragma once
// Households, persons, requests and their versions in PostgreSQL. Every call
// runs inside the caller's transaction: the exchange that needs it decides
// what commits together. Every statement is a prepared one.
#include <cstdint>
#include <optional>
#include <pqxx/transaction>
#include <string>
#include <vector>

#include "gateway/resources/household.hpp"
#include "gateway/resources/housing_request.hpp"
#include "gateway/resources/person.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::storage {

const std::vector<PreparedStatement>& resource_statements();

enum class Lock { none, for_update };

std::vector<std::int64_t> mint_person_ids(pqxx::transaction_base& tx, int count);
std::int64_t mint_request_id(pqxx::transaction_base& tx);
// One round trip for a new household's ids.
std::pair<std::int64_t, std::vector<std::int64_t>> mint_household_and_person_ids(pqxx::transaction_base& tx, int persons);

// Locks two households in id order: every writer that holds two takes them so.
void lock_households(pqxx::transaction_base& tx, std::int64_t a, std::int64_t b);
std::optional<resources::Household> load_household(pqxx::transaction_base& tx, std::int64_t id, Lock lock);
// Several households with their members, in id order, in one statement.
std::vector<resources::Household> load_households(pqxx::transaction_base& tx, const std::vector<std::int64_t>& ids);
std::vector<resources::Person> load_members(pqxx::transaction_base& tx, std::int64_t household_id);
std::optional<resources::Person> load_person(pqxx::transaction_base& tx, std::int64_t id, Lock lock);
std::optional<resources::HousingRequest> load_request(pqxx::transaction_base& tx, std::int64_t id, Lock lock);
std::vector<resources::HousingRequest> load_household_requests(pqxx::transaction_base& tx, std::int64_t household_id);

void insert_household(pqxx::transaction_base& tx, const resources::Household& h);
// Writes the new state if the stored version is still `expected_version`; false otherwise.
bool update_household(pqxx::transaction_base& tx, const resources::Household& h, int expected_version);
void insert_person(pqxx::transaction_base& tx, const resources::Person& p);
void insert_persons(pqxx::transaction_base& tx, const std::vector<resources::Person>& persons);  // one statement
bool update_person(pqxx::transaction_base& tx, const resources::Person& p, int expected_version);
void insert_request(pqxx::transaction_base& tx, const resources::HousingRequest& r);
bool update_request(pqxx::transaction_base& tx, const resources::HousingRequest& r, int expected_version);

struct VersionRecord {
  int version;
  std::string at, by, change, snapshot;  // snapshot: JSON text
};
// What the change feed needs of a version, known where the version is made (no snapshot parsed again).
struct VersionFacts {
  std::int64_t household_id = 0;          // the household the change is about (a household's own id)
  std::optional<std::string> territory;   // a household's or a request's; a person's is its household's
  std::optional<std::int64_t> merged_into;
};
struct VersionRow {
  std::string_view kind;
  std::int64_t id;
  VersionRecord record;
  VersionFacts facts;
};
void insert_versions(pqxx::transaction_base& tx, const std::vector<VersionRow>& rows);  // one statement
// The rows as the statements that insert versions take them ($n::json).
std::string versions_json(const std::vector<VersionRow>& rows);
// The columns of resource_versions as json_to_recordset reads them from versions_json.
inline constexpr const char* kVersionRecordset =
    "json_to_recordset($1::json) AS r(kind text, id bigint, version integer, at timestamptz, by text, change text, "
    "snapshot text)";
std::vector<VersionRecord> load_history(pqxx::transaction_base& tx, std::string_view kind, std::int64_t id);

struct HouseholdSearch {
  std::optional<std::string> territory, last_name, birth_date;
  std::optional<std::vector<std::string>> allowed_territories;  // nullopt: every territory
  std::int64_t after = 0;
  int limit = 50;
};
// Ids in order; one more than `limit` when there is a next page.
std::vector<std::int64_t> search_households(pqxx::transaction_base& tx, const HouseholdSearch& q);

// A text[] column's values.
std::vector<std::string> text_array_of(const pqxx::field& f);

// For JSON arrays passed as parameters ("json_array_elements_text($n::json)").
std::string json_string_array(const std::vector<std::string>& values);

}  // namespace siao::storage
