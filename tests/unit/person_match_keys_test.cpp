// Blocking keys: the keys a query looks for must meet the keys stored with the person it is about, whichever
// way the person was recorded again; and a query must not look for the keys of every namesake.
#include <doctest/doctest.h>

#include <algorithm>

#include "gateway/storage/person_match_store.hpp"

using siao::matching::PersonFields;
using siao::storage::query_match_keys;
using siao::storage::stored_match_keys;

namespace {

bool meet(const PersonFields& stored, const PersonFields& query) {
  const auto a = stored_match_keys(stored);
  const auto b = query_match_keys(query);
  return std::any_of(b.begin(), b.end(), [&](const std::string& k) { return std::binary_search(a.begin(), a.end(), k); });
}

PersonFields person(std::string last, std::vector<std::string> firsts, std::optional<std::string> date,
                    std::optional<std::string> birth_name = std::nullopt) {
  PersonFields p;
  p.last_name = std::move(last);
  p.first_names = std::move(firsts);
  p.birth_date = std::move(date);
  p.birth_name = std::move(birth_name);
  return p;
}

}  // namespace

TEST_CASE("match keys: a person recorded again another way shares a key with its query") {
  const auto original = person("DUPONT", {"Marie", "Claire"}, "1985-03-04", "MARTIN");
  CHECK(meet(original, person("dupont", {"marie"}, "1985-03-04")));
  CHECK(meet(original, person("DUPOND", {"Claire", "Marie"}, std::nullopt)));
  CHECK(meet(original, person("MARTIN", {"Marie"}, "1985")));
  CHECK(meet(original, person("MARIE", {"DUPONT"}, std::nullopt)));           // swapped
  CHECK(meet(original, person("DUPOMT", {"Marie"}, "1985-04-03")));          // typing error, day and month swapped
  CHECK(meet(original, person("DUPONT", {"Marie"}, "1986-03-04")));          // a year one digit off
  CHECK(meet(original, person("DUPONT", {"Marie"}, "1965-03-04")));
  CHECK(meet(original, person("DUPONT", {"Mraie"}, "1985")));                // a first name mistyped
  CHECK(meet(original, person("DUPONT", {}, std::nullopt)));                 // a family name alone
  CHECK(meet(original, person("", {"Claire"}, "1985")));
}

TEST_CASE("match keys: stored keys are few - a query with first names does not look for family names alone") {
  const auto stored = stored_match_keys(person("DUPONT", {"Marie", "Claire"}, "1985-03-04", "MARTIN"));
  CHECK(stored.size() <= 16);
  CHECK(std::is_sorted(stored.begin(), stored.end()));
  CHECK(std::adjacent_find(stored.begin(), stored.end()) == stored.end());
  const auto narrow = query_match_keys(person("DUPONT", {"Marie"}, std::nullopt));
  CHECK(std::none_of(narrow.begin(), narrow.end(), [](const std::string& k) { return k.rfind("n:", 0) == 0; }));
  const auto wide = query_match_keys(person("DUPONT", {}, std::nullopt));
  CHECK(std::all_of(wide.begin(), wide.end(), [](const std::string& k) { return k.rfind("n:", 0) == 0; }));
  CHECK(query_match_keys(PersonFields{}).empty());
  // Different people with the same family name share no narrow key unless a name and the year agree.
  CHECK_FALSE(meet(person("DUPONT", {"Sophie"}, "1960-11-30"), person("DUPONT", {"Marie"}, "1985-03-04")));
  CHECK(meet(person("DUPONT", {"Sophie"}, "1960-11-30"), person("DUPONT", {}, std::nullopt)));
}
