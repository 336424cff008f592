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

std::int64_t mint_household_id(pqxx::work& tx);
std::vector<std::int64_t> mint_person_ids(pqxx::work& tx, int count);
std::int64_t mint_request_id(pqxx::work& tx);

// Locks two households in id order: every writer that holds two takes them so.
void lock_households(pqxx::work& tx, std::int64_t a, std::int64_t b);
std::optional<resources::Household> load_household(pqxx::work& tx, std::int64_t id, Lock lock);
std::vector<resources::Person> load_members(pqxx::work& tx, std::int64_t household_id);
std::optional<resources::Person> load_person(pqxx::work& tx, std::int64_t id, Lock lock);
std::optional<resources::HousingRequest> load_request(pqxx::work& tx, std::int64_t id, Lock lock);
std::vector<resources::HousingRequest> load_household_requests(pqxx::work& tx, std::int64_t household_id);

void insert_household(pqxx::work& tx, const resources::Household& h);
// Writes the new state if the stored version is still `expected_version`; false otherwise.
bool update_household(pqxx::work& tx, const resources::Household& h, int expected_version);
void insert_person(pqxx::work& tx, const resources::Person& p);
bool update_person(pqxx::work& tx, const resources::Person& p, int expected_version);
void insert_request(pqxx::work& tx, const resources::HousingRequest& r);
bool update_request(pqxx::work& tx, const resources::HousingRequest& r, int expected_version);

struct VersionRecord {
  int version;
  std::string at, by, change, snapshot;  // snapshot: JSON text
};
void insert_version(pqxx::work& tx, std::string_view kind, std::int64_t id, const VersionRecord& v);
std::vector<VersionRecord> load_history(pqxx::work& tx, std::string_view kind, std::int64_t id);

struct HouseholdSearch {
  std::optional<std::string> territory, last_name, birth_date;
  std::optional<std::vector<std::string>> allowed_territories;  // nullopt: every territory
  std::int64_t after = 0;
  int limit = 50;
};
// Ids in order; one more than `limit` when there is a next page.
std::vector<std::int64_t> search_households(pqxx::work& tx, const HouseholdSearch& q);

// For JSON arrays passed as parameters ("json_array_elements_text($n::json)").
std::string json_string_array(const std::vector<std::string>& values);

}  // namespace siao::storage
