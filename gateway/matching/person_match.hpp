#pragma once
// Person matching (issue 8, "Duplicates and merges"): whether two person
// records are likely the same person, and the keys PostgreSQL indexes to find
// candidates. Pure code, no database; the rules are in docs/matching.md.
#include <optional>
#include <string>
#include <vector>

#include "gateway/domain/dates.hpp"
#include "gateway/matching/name_similarity.hpp"

namespace siao::matching {

// Similarity from which a candidate is reported as a likely duplicate; the
// default of the configured threshold.
constexpr double kDefaultThreshold = 0.80;

struct PersonFields {            // what is compared; any field may be absent in a query
  std::string last_name;          // may be empty in a query
  std::optional<std::string> birth_name;
  std::vector<std::string> first_names;
  std::optional<std::string> birth_date;   // "YYYY", "YYYY-MM" or "YYYY-MM-DD"
  std::optional<std::string> nationality;  // ISO 3166-1 alpha-3 or "unknown": evidence against, never for
};

// The phonetic keys the storage layer builds its blocking keys from (stored
// with every person, so that PostgreSQL finds candidates without scanning every
// person), family and first names apart. `family` also keys a family name of
// several words written in one piece (LE GALL as LEGALL). Each is deduplicated
// and sorted.
struct BlockingKeys {
  std::vector<std::string> family;  // of the last and birth names' words
  std::vector<std::string> first;   // of the first names' words
  std::vector<std::string> phonetic() const;  // both, deduplicated and sorted
};
BlockingKeys blocking_keys(const PersonFields& p);

struct Score {
  double similarity = 0;             // 0..1
  std::vector<std::string> matched;  // which of "lastName", "firstNames", "birthDate" agreed (API field names), in that order
};

// A person normalised once: build the query's once, then compare it with each
// candidate, so the query is not normalised again ~200 times.
struct Comparable {
  explicit Comparable(const PersonFields& p);
  Name last_name;
  Name birth_name;   // empty when absent or the same as last_name
  Name first_names;
  std::optional<domain::PartialDate> birth_date;  // nullopt when absent or unreadable
  std::string nationality;                        // empty when absent or "unknown"
};

Score compare(const Comparable& query, const Comparable& candidate);
Score compare(const PersonFields& query, const PersonFields& candidate);  // convenience: prepares both

}  // namespace siao::matching
