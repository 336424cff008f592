#pragma once
// Candidates for duplicate search, found through blocking keys: each person stores keys made from the phonetic
// codes of its names and its birth year (persons.match_keys, a GIN index), and a query looks for the keys it
// would have, widened to the years a typing error could have turned its own into. What is then compared
// field by field, and how, is gateway/matching's business.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/transaction>

#include "gateway/matching/person_match.hpp"
#include "gateway/resources/person.hpp"
#include "gateway/storage/pool.hpp"

namespace siao::storage {

const std::vector<PreparedStatement>& person_match_statements();

// What matching compares of a person.
matching::PersonFields match_fields(const resources::Person& p);

// The keys stored with a person: each pair of a family-name code and a first-name code (either order, so that
// swapped names meet), each name code with the birth year, each family-name code alone.
std::vector<std::string> stored_match_keys(const matching::PersonFields& person);

// The keys a query looks for: the same; family-name codes alone only when it gives neither first names nor a
// year (the widest key: every namesake).
std::vector<std::string> query_match_keys(const matching::PersonFields& query);

struct MatchCandidate {
  std::int64_t id = 0;
  std::int64_t household_id = 0;
  int version = 0;
  matching::PersonFields fields;
};

// Active persons holding at least one of `keys`, in households of `territories` (nullopt: every territory), at
// most `limit`, except `excluded` (a person looking for its own duplicates).
std::vector<MatchCandidate> find_match_candidates(pqxx::transaction_base& tx, const std::vector<std::string>& keys,
                                                  const std::optional<std::vector<std::string>>& territories,
                                                  int limit, std::int64_t excluded = 0);

// Computes the keys of the persons that have none (recorded before duplicate search existed), a thousand per
// transaction, on its own connection to `url`. A person changed meanwhile keeps the keys its change wrote.
// Returns how many persons got keys.
long long backfill_match_keys(const std::string& url);

}  // namespace siao::storage
