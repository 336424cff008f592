#include <charconv>
#include <unordered_map>

#include "adapters/rosalie/errors.hpp"
#include "adapters/rosalie/family.hpp"
#include "gateway/json/pointer.hpp"
#include "gateway/resources/json_out.hpp"
#include "gateway/storage/partner_keys.hpp"
#include "gateway/storage/resource_store.hpp"

namespace siao::adapters::rosalie {

namespace {

// A merged household answers 301 to its survivor; a chain of merges is followed this far.
constexpr int kMaxMerges = 8;

std::int64_t id_of_location(const http::Problem& p) {
  for (const auto& [name, value] : p.headers) {
    if (name != "Location") continue;
    std::string_view last = std::string_view(value).substr(value.rfind('/') + 1);
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(last.data(), last.data() + last.size(), id);
    if (ec == std::errc() && end == last.data() + last.size()) return id;
  }
  throw std::logic_error("a household moved without a Location");
}

}  // namespace

void family_not_found(std::string_view cle) {
  refuse(404, "not-found", "No family has the cleFamille " + std::string(cle) + ".");
}

std::string family_url(std::string_view cle) { return std::string(kBase) + "/familles/" + std::string(cle); }

FamilyRead read_family(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex, const mapping::Mapping& m,
                       std::string_view cle, bool lock) {
  auto id = storage::resolve_partner_key(tx, partner_of(ex), "household", cle);
  if (!id) family_not_found(cle);
  const Origin origin{};
  for (int merges = 0; merges <= kMaxMerges; ++merges) {
    if (lock) storage::lock_households(tx, *id, *id);
    try {
      auto answer = s.canonical.execute(tx, ex, {http::Method::get, "/api/v2/households/" + std::to_string(*id), {}, {}});
      return {*id, parse_canonical(answer.body)};
    } catch (const http::HttpError& e) {
      if (e.problem().status == 404) family_not_found(cle);
      if (e.problem().status != 301) throw http::HttpError(translated(e.problem(), m, origin));
      id = id_of_location(e.problem());
    }
  }
  throw std::logic_error("a household was merged more than " + std::to_string(kMaxMerges) + " times over");
}

void check_persons(const rapidjson::Value& personnes, bool head_required) {
  std::vector<http::FieldError> errors;
  std::unordered_map<std::string_view, rapidjson::SizeType> seen;
  std::optional<rapidjson::SizeType> head;
  for (rapidjson::SizeType i = 0; i < personnes.Size(); ++i) {
    const auto& p = personnes[i];
    const auto key = view(p["idPersonneRosalie"]);
    const std::string at = json::pointer_append("/personnes", i);
    check_key(p, "idPersonneRosalie", at + "/idPersonneRosalie", errors);
    auto [first, inserted] = seen.emplace(key, i);
    if (!inserted)
      errors.push_back({at + "/idPersonneRosalie",
                        "repeats the idPersonneRosalie of " + json::pointer_append("/personnes", first->second)});
    if (view(p["lienParente"]) == "DEM") {
      if (head) errors.push_back({at + "/lienParente", "a family has one DEM (demandeur) only: " +
                                                           json::pointer_append("/personnes", *head) + " is one"});
      else head = i;
    }
  }
  if (head_required && !head) errors.push_back({"/personnes", "a family has exactly one DEM (demandeur): none is given"});
  if (!errors.empty()) unprocessable(std::move(errors));
}

std::string recorded_family(std::string_view cle, std::int64_t household, const std::vector<PersonIds>& persons) {
  return resources::json_text([&](resources::JsonWriter& w) {
    w.StartObject();
    resources::put(w, "cleFamille", cle);
    resources::put_id(w, "idMenageSiao", household);
    resources::put(w, "personnes");
    w.StartArray();
    for (const auto& p : persons) {
      w.StartObject();
      if (!p.rosalie.empty()) resources::put(w, "idPersonneRosalie", p.rosalie);
      resources::put_id(w, "idPersonneSiao", p.siao);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  });
}

}  // namespace siao::adapters::rosalie
