// POST /api/v1.1/familles: the family becomes a v2 household (POST /api/v2/households), then its key and its
// persons' keys are kept; a key already taken refuses the whole exchange (nothing of it stays).
#include "adapters/rosalie/errors.hpp"
#include "adapters/rosalie/family.hpp"
#include "gateway/domain/identifiers.hpp"
#include "gateway/json/pointer.hpp"
#include "gateway/storage/partner_keys.hpp"

namespace siao::adapters::rosalie {

namespace {

// The household and persons the canonical command wrote (the exchange's resources from `first` on), persons in
// the body's order: what this exchange needs of the v2 answer, without reading it back.
struct CreatedIds {
  std::int64_t household = 0;
  std::vector<std::int64_t> members;
};

CreatedIds created_ids(const std::vector<audit::ResourceRef>& resources, std::size_t first) {
  CreatedIds ids;
  for (std::size_t i = first; i < resources.size(); ++i) {
    const auto& r = resources[i];
    if (!r.written) continue;
    if (r.kind == "household") ids.household = r.id;
    else if (r.kind == "person") ids.members.push_back(r.id);
  }
  if (ids.household == 0) throw std::logic_error("a canonical household creation wrote no household");
  return ids;
}

// `person_keys`: each person's idPersonneRosalie, in the body's order.
[[noreturn]] void key_taken(const std::vector<std::string>& person_keys, std::string_view cle, std::string_view key,
                            std::int64_t siao_id) {
  const std::string id = std::to_string(siao_id);
  // Keys come back household first: a household id under the family's key is the family already there.
  if (key == cle && domain::is_siao_id(id, domain::ResourceKind::household))
    refuse(409, "family-exists", "The cleFamille " + std::string(cle) + " already names SIAO household " + id + ".",
           {{"/cleFamille", "already names SIAO household " + id}});
  for (std::size_t i = 0; i < person_keys.size(); ++i)
    if (person_keys[i] == key)
      refuse(409, "person-exists",
             "The idPersonneRosalie " + std::string(key) + " already names SIAO person " + id + ", of another family.",
             {{json::pointer_append("/personnes", i) + "/idPersonneRosalie", "already names SIAO person " + id}});
  throw std::logic_error("a partner key was taken that the family does not hold");
}

}  // namespace

http::Response create_family(const Services& s, pqxx::transaction_base& tx, audit::Exchange& ex) {
  const auto& m = mapping_of(ex);
  const auto body = rosalie_body(ex, s.schemas, "rosalie-famille", {"cleFamille"});
  const auto& personnes = body["personnes"];
  check_persons(personnes, true);
  const auto canonical = translate_in(m, "famille", body);

  const auto first = ex.resources().size();
  execute(s, tx, ex, {http::Method::post, "/api/v2/households", text_of(canonical), {}}, m, Origin{.document = "famille"});
  const auto household = created_ids(ex.resources(), first);
  const auto household_id = household.household;
  if (household.members.size() != personnes.Size())
    throw std::logic_error("a household was created with another number of members than sent");

  const std::string_view cle = view(body["cleFamille"]);
  std::vector<storage::NewPartnerKey> keys;
  std::vector<PersonIds> ids;
  std::vector<std::string> person_keys;  // for the refusal, which comes after the body is gone
  keys.reserve(personnes.Size() + 1);
  ids.reserve(personnes.Size());
  person_keys.reserve(personnes.Size());
  keys.push_back({"household", std::string(cle), household_id});
  for (rapidjson::SizeType i = 0; i < personnes.Size(); ++i) {
    const auto person_id = household.members[i];
    const auto key = view(personnes[i]["idPersonneRosalie"]);
    keys.push_back({"person", std::string(key), person_id});
    ids.push_back({person_id, key});
    person_keys.emplace_back(key);
  }
  // Written with the exchange's versions, in one statement; a key already taken refuses the whole family.
  ex.add_partner_keys(std::string(partner_of(ex)), std::move(keys),
                      [person_keys = std::move(person_keys), cle = std::string(cle)](const std::string& key,
                                                                                     std::int64_t siao_id) {
                        key_taken(person_keys, cle, key, siao_id);
                      });

  auto r = json_answer(201, recorded_family(cle, household_id, ids));
  r.set("Location", family_url(cle));
  return r;
}

}  // namespace siao::adapters::rosalie
