#pragma once
// Families (familles): a Rosalie family is a v2 household whose key (cleFamille) and persons' keys
// (idPersonneRosalie) are Rosalie's own, kept as partner keys.
#include <cstdint>
#include <pqxx/transaction>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/rosalie/support.hpp"

namespace siao::adapters::rosalie {

// POST /familles, GET and PUT /familles/{cleFamille}.
http::Response create_family(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex);
http::Response get_family(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex);
http::Response update_family(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex);

// --- Shared by the family routes ---

[[noreturn]] void family_not_found(std::string_view cle);

struct FamilyRead {
  std::int64_t id = 0;            // the household's (the survivor's, when the key's household was merged)
  rapidjson::Document household;  // as GET /api/v2/households/{id} answers it
};

// The household `cle` names for the caller, read through v2: 404 when no family has that key and when it
// lies outside the caller's territories (one answer for both). `lock`: held until the exchange commits.
FamilyRead read_family(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex, const mapping::Mapping& m,
                       std::string_view cle, bool lock);

// Persons of a family body: an idPersonneRosalie given twice, or a DEM (demandeur) count a household cannot
// have (exactly one when `head_required`, else at most one), is a 422 pointing at it.
void check_persons(const rapidjson::Value& personnes, bool head_required);

struct PersonIds {
  std::int64_t siao = 0;
  std::string_view rosalie;  // empty: a person SIAO holds without a Rosalie key
};
// The answer of POST and PUT: {"cleFamille","idMenageSiao","personnes":[{"idPersonneRosalie","idPersonneSiao"}]}.
std::string recorded_family(std::string_view cle, std::int64_t household, const std::vector<PersonIds>& persons);

std::string family_url(std::string_view cle);

}  // namespace siao::adapters::rosalie
